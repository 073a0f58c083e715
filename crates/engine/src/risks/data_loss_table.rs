//! A table dropped.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::ChangeKind;

pub(super) const RULE: Rule = Rule {
    id: "table-dropped",
    category: Category::DataLoss,
    why: "DROP TABLE deletes every row, its indexes, triggers and policies; code that still reads it fails; a rollback recreates it empty.",
    mitigation: "Back the table up first (pg_dump --table, or CREATE TABLE … AS), make sure no code reads it, and drop it in the cleanup phase after the deploy.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes("table")
        .filter(|c| c.change == ChangeKind::Removed)
        .map(|change| {
            let rows = ctx.from_table(&change.object).and_then(|(name, _)| ctx.from.data_rows.get(name)).copied();
            let rows = rows.map(|n| format!(" ({n} rows in the dump)")).unwrap_or_default();
            hit(change, Level::High, format!("{} is dropped with its data{rows}", change.object))
        })
        .collect()
}
