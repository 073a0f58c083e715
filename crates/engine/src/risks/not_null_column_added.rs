//! A NOT NULL column without a default added to a table that holds rows.

use super::{hit, parent, Category, Context, Hit, Level, Rule};
use crate::diff::ChangeKind;

pub(super) const RULE: Rule = Rule {
    id: "not-null-column-without-default",
    category: Category::AppBreakage,
    why: "ADD COLUMN … NOT NULL without a default fails on a table that has rows; once it exists, code that inserts without the column fails.",
    mitigation: "The script adds the column nullable, and sets NOT NULL in phase 3 through a validated CHECK: fill the column for every row in between, and deploy code that writes it first.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes("column")
        .filter(|c| c.change == ChangeKind::Added && ctx.existing_table(parent(&c.object)))
        .filter_map(|change| {
            let column = ctx.columns(change).1?;
            (column.not_null && column.default.is_none() && column.identity.is_none() && column.generated.is_none())
                .then(|| hit(change, Level::High, format!("{} is NOT NULL without a default", change.object)))
        })
        .collect()
}
