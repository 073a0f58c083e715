//! Renderers: turn engine results into text formats people share. Everything user-supplied
//! (names, comments, definitions) is escaped so that it stays text in the output.

pub mod markdown;
