//! A foreign key or CHECK added to a table that already holds rows.

use super::{hit, parent, Category, Context, Hit, Level, Rule};
use crate::catalog::ConstraintKind;
use crate::diff::ChangeKind;

pub(super) const RULE: Rule = Rule {
    id: "constraint-validation",
    category: Category::Locking,
    why: "Adding a FOREIGN KEY or CHECK validates every existing row while holding a lock that blocks writes (SHARE ROW EXCLUSIVE on both tables for a foreign key); the statement fails if any row violates it.",
    mitigation: "The script adds it NOT VALID (a short lock, new rows are checked) and validates it in a separate statement, which scans without blocking writes. Find violating rows first.",
    caveat: Some("NOT VALID foreign keys on partitioned tables are supported from PostgreSQL 18 only; older versions validate at once."),
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.diff
        .changes
        .iter()
        .filter(|c| {
            (c.object_kind == "constraint" || c.object_kind == "foreign_key") && c.change != ChangeKind::Removed
        })
        .filter(|c| ctx.existing_table(parent(&c.object)))
        .filter_map(|change| {
            let (_, table) = ctx.to_table(parent(&change.object))?;
            let constraint = table.constraints.get(change.object.rsplit_once('.')?.1)?;
            let kind = match constraint.kind {
                ConstraintKind::ForeignKey => "foreign key",
                ConstraintKind::Check => "check constraint",
                _ => return None,
            };
            let verb = if change.change == ChangeKind::Added { "added" } else { "changed" };
            Some(hit(
                change,
                Level::Medium,
                format!("{kind} {} is {verb}: existing rows are checked against it", change.object),
            ))
        })
        .collect()
}
