//! The schemadrift engine: everything that turns pg_dump text into knowledge, with no UI.
//!
//! Enter through [`pipeline`], the one path the CLI, the browser's worker and the fuzz targets
//! take: bytes → [`pipeline::ReadDump`] (read with [`pipeline::read_side`], or a statement at a time with
//! [`pipeline::Reading`]) → [`pipeline::Comparison`], which holds both sides and its options and
//! gives the [`release::Release`] (diff, risks, compatibility, plan, script), the rollback and the
//! [`report::Report`] that [`render`] writes as text, Markdown and HTML.
//!
//! Inside, the stages are: [`input`] (decode, refuse what is not a plain-SQL dump) → [`reader`]
//! (statements with line numbers, psql meta-commands, COPY data) → [`catalog`] (plain data keyed by
//! qualified names) and [`summary`]; two catalogs → [`diff`] (typed changes, each with the key of
//! its object) → [`risks`] and [`compat`] → [`plan`] (the phased script and its rollback) →
//! [`report`]; [`proof`] says what proving a script on PostgreSQL takes and what its outcome means;
//! [`secrets`] finds and redacts credentials.
//!
//! This crate never depends on leptos, web-sys or wasm-bindgen, so the compiler keeps the
//! boundary and its tests run natively in seconds.
#![forbid(unsafe_code)]

pub mod catalog;
pub mod compat;
pub mod diff;
pub mod housekeeping;
pub mod input;
pub(crate) mod interned;
pub mod pipeline;
pub mod plan;
pub mod proof;
pub(crate) mod reader;
pub(crate) mod release;
pub mod render;
pub mod report;
pub mod risks;
pub mod secrets;
pub mod sql;
pub(crate) mod summary;
pub mod version;

pub use catalog::{build as build_catalog, Catalog, Counts};
pub use diff::{diff, Diff, DiffOptions};
pub use input::{decode, prepare, reading_notes, DecodedInput, InputError, ReadingBudget};
pub use reader::{read, Dump, Piece, PieceKind};
pub use release::Release;
pub use summary::{summarize, DumpSummary};
