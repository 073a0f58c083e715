//! A column dropped from a table that stays.

use super::{hit, parent, Category, Context, Hit, Level, Rule};
use crate::diff::ChangeKind;

pub(super) const RULE: Rule = Rule {
    id: "column-dropped",
    category: Category::DataLoss,
    why: "DROP COLUMN deletes the column's values (the space is reclaimed as rows are rewritten); code that selects or writes it fails, including `SELECT *` mappings in ORMs that cache columns.",
    mitigation: "Stop reading and writing the column first (deploy), back up its values if they matter, then drop it in the cleanup phase.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes("column")
        .filter(|c| c.change == ChangeKind::Removed && ctx.to_table(parent(&c.object)).is_some())
        .map(|change| hit(change, Level::High, format!("{} is dropped with its values", change.object)))
        .collect()
}
