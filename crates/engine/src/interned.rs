//! Deserializing the engine's `&'static str` fields (object kinds, rule ids and texts, secret kinds).
//!
//! They are fixed words the engine writes, so a process sees few distinct ones: each distinct text is
//! kept once for the life of the process. The browser's page receives results from its worker this
//! way; nothing else deserializes engine types.

use serde::{Deserialize, Deserializer};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// A fixed word of the engine. (A `&'static str` field written through this alias is deserialized
/// with [`one`]; serde would otherwise try to borrow it from the input.)
pub type Word = &'static str;

static WORDS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

/// The one `&'static str` with this text.
pub fn intern(text: &str) -> &'static str {
    let mut words = WORDS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(word) = words.get(text) {
        return word;
    }
    let word: &'static str = Box::leak(text.to_owned().into_boxed_str());
    words.insert(word);
    word
}

pub fn one<'de, D: Deserializer<'de>>(deserializer: D) -> Result<&'static str, D::Error> {
    Ok(intern(&String::deserialize(deserializer)?))
}

pub fn option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<&'static str>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.map(|text| intern(&text)))
}

pub fn list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<&'static str>, D::Error> {
    Ok(Vec::<String>::deserialize(deserializer)?.iter().map(|text| intern(text)).collect())
}

pub fn counts<'de, D: Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<&'static str, usize>, D::Error> {
    Ok(BTreeMap::<String, usize>::deserialize(deserializer)?.iter().map(|(text, n)| (intern(text), *n)).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_same_text_is_kept_once() {
        let a = super::intern(&String::from("column"));
        let b = super::intern(&String::from("column"));
        assert!(std::ptr::eq(a, b));
        assert_eq!(a, "column");
    }
}
