//! The messages between the page and its analysis worker, encoded with postcard.
//!
//! A message is a JavaScript array: the encoded [`Request`] or [`Response`] as bytes, followed for a
//! `Load` by the file's `ArrayBuffer`, handed over without a copy (the page never copies a dump into
//! its own memory).

use crate::analysis::{Comparison, Completion, Definition, Export, LoadedDump, TableView};
use crate::proving::{Card, Start};
use crate::state::Side;
use schemadrift_engine::input::Database;
use schemadrift_engine::proof::Direction;
use schemadrift_engine::DiffOptions;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// What the page asks of the worker. Requests are handled in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Compare with these options from now on (and now, if both sides are loaded).
    Options(DiffOptions),
    /// Load the embedded demo on both sides.
    Demo,
    /// Read a dump into a side; its bytes follow the request. `database`: which database of a
    /// `pg_dumpall` file (the worker answers [`Response::Choose`] when one is needed).
    Load {
        side: Side,
        file_name: String,
        database: Option<String>,
    },
    /// Stop reading the dump of a side; the side keeps what it held.
    Cancel {
        side: Side,
    },
    Swap,
    /// Make an export of the current comparison.
    Export {
        export: Export,
        keep_secrets: bool,
    },
    /// One table of both sides (`renamed_from`: its name on the from side).
    Table {
        table: String,
        renamed_from: Option<String>,
    },
    /// The definition of the object a change names (`<kind> <object>`), on each side.
    Definition {
        change: String,
    },
    /// Start proving the last comparison's migration or rollback (answered with
    /// [`Response::ProofStart`]).
    Prove {
        direction: Direction,
    },
    /// What the PGlite worker reported for a proof: its JSON, passed on unread.
    Judge {
        direction: Direction,
        outcome: Vec<u8>,
    },
}

/// What the worker tells the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// The worker has started and takes requests.
    Ready,
    /// How far the work is: `side` while a dump is read, none while the two are compared.
    Progress {
        side: Option<Side>,
        file_name: String,
        step: String,
        percent: Option<u8>,
    },
    Loaded {
        side: Side,
        dump: Box<LoadedDump>,
    },
    Failed {
        side: Side,
        file_name: String,
        message: String,
    },
    Cancelled {
        side: Side,
        file_name: String,
    },
    /// The file is a `pg_dumpall` file: the user picks one of its databases, then the page sends
    /// the file again with it.
    Choose {
        side: Side,
        file_name: String,
        databases: Vec<Database>,
    },
    /// The worker hit a bug and stops (its panic message); the page starts a new one.
    Crashed {
        message: String,
    },
    /// The comparison of the two sides (none while a side is missing).
    Compared(Option<Box<Comparison>>),
    /// The rollback and ORM lines of the comparison just sent.
    Completed(Option<Box<Completion>>),
    Exported {
        export: Export,
        file_name: String,
        text: String,
    },
    Table(Box<TableView>),
    Definition(Box<Definition>),
    /// A proof's job for the PGlite worker (bytes the page passes on unread), or its verdict when
    /// nothing can run.
    ProofStart {
        direction: Direction,
        start: Box<Start>,
    },
    /// A proof's verdict, secrets redacted.
    Proved {
        direction: Direction,
        proof: Box<Card>,
    },
}

pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    postcard::to_allocvec(message).expect("the messages serialize: plain data, no maps with non-string keys")
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    postcard::from_bytes(bytes)
        .map_err(|error| format!("a message between the page and its worker is damaged ({error})"))
}

/// The JavaScript message for encoded bytes and an optional file, and what to transfer with it.
pub fn pack(bytes: &[u8], payload: Option<&js_sys::ArrayBuffer>) -> (js_sys::Array, js_sys::Array) {
    let encoded = js_sys::Uint8Array::from(bytes);
    let message = js_sys::Array::of1(&encoded);
    let transfer = js_sys::Array::of1(&encoded.buffer());
    if let Some(payload) = payload {
        message.push(payload);
        transfer.push(payload);
    }
    (message, transfer)
}

/// The encoded bytes and the optional file of a message made by [`pack`].
pub fn unpack(message: &wasm_bindgen::JsValue) -> (Vec<u8>, Option<js_sys::ArrayBuffer>) {
    use wasm_bindgen::JsCast;
    let parts: &js_sys::Array = message.unchecked_ref();
    let bytes = parts.get(0).dyn_into::<js_sys::Uint8Array>().map(|a| a.to_vec()).unwrap_or_default();
    (bytes, parts.get(1).dyn_into::<js_sys::ArrayBuffer>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analyst;

    #[test]
    fn the_demo_comparison_crosses_to_the_page_unchanged() {
        let mut analyst = Analyst::default();
        analyst.demo();
        let comparison = analyst.compare().unwrap();
        let message = Response::Compared(Some(Box::new(comparison.clone())));
        let back: Response = decode(&encode(&message)).unwrap();
        // Statements' order ranks stay in the worker; everything else arrives as it was sent.
        assert_eq!(encode(&back), encode(&message));
        let Response::Compared(Some(back)) = back else { panic!("a comparison") };
        assert_eq!((back.diff, back.tables, back.risks), (comparison.diff, comparison.tables, comparison.risks));
        let dump = analyst.side(Side::To).unwrap().dump.clone();
        let loaded = Response::Loaded { side: Side::To, dump: Box::new(dump) };
        assert_eq!(decode::<Response>(&encode(&loaded)).unwrap(), loaded);
        let table = Response::Table(Box::new(analyst.table("public.tasks", None)));
        assert_eq!(decode::<Response>(&encode(&table)).unwrap(), table);
    }

    /// A statement not understood (its object kept) and a `not compared` change cross too: a field
    /// left out when empty would shift every field after it in postcard, so none is.
    #[test]
    fn objects_not_compared_cross_to_the_page_unchanged() {
        use crate::analysis::Parsed;
        let mut analyst = Analyst::default();
        let from = b"CREATE TABLE public.t (id integer);\n";
        let to = b"CREATE TABLE public.t (id integer, v integer GENERATED BY NONSENSE);\n";
        analyst.set(Side::From, Parsed::from_bytes("from.sql", from, None).unwrap());
        analyst.set(Side::To, Parsed::from_bytes("to.sql", to, None).unwrap());
        let comparison = analyst.compare().unwrap();
        assert_eq!(comparison.diff.summary.uncompared, 1);
        let message = Response::Compared(Some(Box::new(comparison)));
        assert_eq!(decode::<Response>(&encode(&message)).unwrap(), message);
        let dump = analyst.side(Side::To).unwrap().dump.clone();
        let loaded = Response::Loaded { side: Side::To, dump: Box::new(dump) };
        assert_eq!(decode::<Response>(&encode(&loaded)).unwrap(), loaded);
    }

    #[test]
    fn requests_round_trip_and_damage_is_reported() {
        let request = Request::Options(DiffOptions { ignore_owners: true, ..DiffOptions::default() });
        assert_eq!(decode::<Request>(&encode(&request)).unwrap(), request);
        assert!(decode::<Request>(&[0xff, 0xff]).unwrap_err().contains("damaged"));
    }
}
