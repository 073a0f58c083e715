//! The first facts shown about a loaded dump: its size, statement counts and pg_dump version.

use crate::reader::{Dump, PieceKind};
use serde::{Deserialize, Serialize};

/// Plain numbers about one read dump, for the input panels and `schemadrift inspect`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DumpSummary {
    pub bytes: usize,
    pub lines: usize,
    pub statements: usize,
    /// Statements cut off by the end of the file (a truncated dump).
    pub unterminated: usize,
    pub meta_commands: usize,
    pub copy_blocks: usize,
    pub copy_rows: usize,
    pub pg_dump_version: Option<String>,
    pub server_version: Option<String>,
    /// Why the file looks cut short ([`crate::reader::cut_short`]), if it does.
    #[serde(default)]
    pub cut_short: Option<String>,
}

/// Counts what [`crate::read`] found in `source`.
pub fn summarize(source: &str, dump: &Dump<'_>) -> DumpSummary {
    let mut summary = DumpSummary {
        bytes: source.len(),
        lines: crate::reader::count_newlines(source.as_bytes())
            + usize::from(!source.is_empty() && !source.ends_with(['\n', '\r'])),
        pg_dump_version: dump.header.pg_dump_version.clone(),
        server_version: dump.header.server_version.clone(),
        cut_short: crate::reader::cut_short(dump),
        ..DumpSummary::default()
    };
    for piece in &dump.pieces {
        match piece.kind {
            PieceKind::Statement => summary.statements += 1,
            PieceKind::Unterminated => {
                summary.statements += 1;
                summary.unterminated += 1;
            }
            PieceKind::MetaCommand => summary.meta_commands += 1,
            PieceKind::CopyData { rows } => {
                summary.copy_blocks += 1;
                summary.copy_rows += rows;
            }
            PieceKind::Lost { .. } => {}
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read;

    #[test]
    fn counts_every_kind_of_piece() {
        let source = "-- Dumped by pg_dump version 15.20\n\\restrict k\nSET a = 1;\nCOPY t FROM stdin;\n1\n2\n\\.\nCREATE TABLE x (";
        let summary = summarize(source, &read(source));
        assert_eq!(
            summary,
            DumpSummary {
                bytes: source.len(),
                lines: 8,
                statements: 3,
                unterminated: 1,
                meta_commands: 1,
                copy_blocks: 1,
                copy_rows: 2,
                pg_dump_version: Some("15.20".into()),
                server_version: None,
                cut_short: Some("it ends inside the statement that starts on line 8".into()),
            }
        );
    }
}
