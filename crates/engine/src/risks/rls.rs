//! Row-level security enabled, disabled or forced on a table.

use super::{hit, Category, Context, Hit, Level, Rule};

pub(super) const RULE: Rule = Rule {
    id: "row-level-security",
    category: Category::Security,
    why: "Enabling row-level security without a permissive policy hides every row from roles other than the owner (queries return nothing, writes fail); disabling it exposes every row to every role with table privileges; FORCE applies policies to the owner too.",
    mitigation: "Create the policies in the same transaction as ENABLE, test with the application's role (SET ROLE), and never disable RLS on tables exposed through an API without replacing the protection.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes("table")
        .filter(|c| c.change.compares())
        .filter_map(|change| {
            let detail = change.details.iter().find(|d| d.property.ends_with("row level security"))?;
            let level = if detail.to.is_none() { Level::High } else { Level::Medium };
            let verb = match (detail.property.as_str(), detail.to.is_some()) {
                ("forced row level security", true) => "is forced",
                ("forced row level security", false) => "is no longer forced",
                (_, true) => "is enabled",
                (_, false) => "is disabled: every row becomes visible to roles with table privileges",
            };
            Some(hit(change, level, format!("row-level security on {} {verb}", change.object)))
        })
        .collect()
}
