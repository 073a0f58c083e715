//! The report model: everything a release review says about two dumps, as plain data. The
//! browser's export buttons, `--format json|md|html` and the renderers in [`crate::render`] all
//! start from [`Report`], so they say the same thing.
//!
//! Its sections follow the hand-written report the project replaces: summary and key findings,
//! table inventory, column differences, type changes and column order, per-table deep dives, new
//! tables in full, the index comparison, migration tracking, risks, compatibility, the phased
//! script, a testing strategy and checklist derived from the changes, cleanup candidates, an
//! appendix of counts, secrets found, and ORM schema lines.
//!
//! Architecture invariant: the report is deterministic. It holds the inputs' names, pg_dump
//! versions and content hashes and the tool version, never the time of day, so the same inputs
//! give byte-identical exports.
//!
//! `model.rs` holds the types; `build.rs` fills them from a release; `columns.rs` and `indexes.rs`
//! the two long sections; `checklists.rs` the testing strategy and checklist.

mod build;
mod checklists;
mod columns;
mod indexes;
mod model;
pub mod orm;

pub use build::build;
pub use checklists::{Checklist, Item, Span};
pub use indexes::method_name;
pub use model::*;

#[cfg(test)]
use crate::diff::DiffOptions;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::pipeline::{read_side, Comparison};
    use std::sync::Arc;

    /// The report of two SQL texts, through the pipeline every caller takes.
    pub(crate) fn report_of(before: &str, after: &str) -> Report {
        let side = |name: &str, text: &str| Arc::new(read_side(name, text.as_bytes(), None).expect("plain SQL reads"));
        Comparison::new(side("a.sql", before), side("b.sql", after), DiffOptions::default()).report().clone()
    }

    #[test]
    fn the_hash_is_sha256_of_the_bytes() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn sections_hold_the_facts_of_the_changes() {
        let report = report_of(
            "CREATE TABLE t (id int PRIMARY KEY, b numeric, a text); CREATE TABLE old_copy (x int);
             CREATE INDEX t_a ON t USING hnsw (a);",
            "CREATE TABLE t (id int PRIMARY KEY, a text, b double precision, c text DEFAULT 'x' NOT NULL);
             COMMENT ON COLUMN t.c IS 'the c';
             CREATE TABLE n (id uuid PRIMARY KEY DEFAULT gen_random_uuid()); CREATE INDEX n_id ON n (id);
             CREATE INDEX t_a_flat ON t USING ivfflat (a);",
        );
        assert_eq!(report.inventory.tables, [2, 2]);
        assert_eq!(report.inventory.only_in_from[0].table, "public.old_copy");
        assert_eq!(report.inventory.changed, ["public.t"]);
        let added = &report.column_differences[0].added[0];
        assert_eq!((added.column.as_str(), added.comment.as_deref()), ("c", Some("the c")));
        assert_eq!(added.default.as_deref(), Some("'x'"));
        assert_eq!(report.type_changes[0].to, "double precision");
        assert!(report.type_changes[0].rewrites);
        assert_eq!(report.column_order[0].moved[0].column, "a");
        assert_eq!(report.new_tables[0].indexes.len(), 2, "the primary key's index and n_id");
        assert_eq!(report.new_tables[0].indexes[1].constraint, Some("primary key"));
        assert_eq!(report.indexes.counts, [2, 4]);
        let change = &report.indexes.method_changes[0];
        assert_eq!((change.from_method.as_str(), change.to_method.as_str()), ("hnsw", "ivfflat"));
        assert_eq!(report.appendix.column_additions.len(), 1);
        assert_eq!(report.cleanup.candidates[0][0].table.name, "old_copy");
        assert!(report.cleanup.dropped.contains(&"table public.old_copy".to_string()));
        assert_eq!(report.inputs[1].name, "b.sql");
    }
}
