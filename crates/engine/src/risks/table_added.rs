//! New tables: the code that uses them must not run before they exist.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::ChangeKind;

pub(super) const RULE: Rule = Rule {
    id: "table-added",
    category: Category::AppBreakage,
    why: "Creating a table is instant and locks nothing existing, but code that uses it fails until it exists, and its foreign keys lock the referenced tables briefly.",
    mitigation: "Run the migration before deploying the code that uses the table.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes("table")
        .filter(|c| c.change == ChangeKind::Added)
        .map(|change| {
            let foreign_keys = ctx.to_table(&change.object).map_or(0, |(_, t)| {
                t.constraints.values().filter(|c| c.kind == crate::catalog::ConstraintKind::ForeignKey).count()
            });
            let tail = match foreign_keys {
                0 => String::new(),
                1 => " with 1 foreign key".to_string(),
                n => format!(" with {n} foreign keys"),
            };
            hit(change, Level::Low, format!("{} is created{tail}", change.object))
        })
        .collect()
}
