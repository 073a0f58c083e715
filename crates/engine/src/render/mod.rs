//! Renderers: turn the report into formats people share. [`document`] lays the report out once;
//! [`markdown`] and [`html`] only write that layout in their syntax; [`text`] writes a comparison
//! one fact per line for a terminal or a CI log. Everything user-supplied
//! (names, comments, definitions) is escaped so that it stays text in the output, and characters
//! that would act on a terminal or reorder text are shown as escapes ([`visible`]).

pub(crate) mod document;
pub mod html;
pub mod markdown;
pub mod text;
pub mod visible;
