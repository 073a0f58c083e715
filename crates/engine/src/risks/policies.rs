//! Row-level security policies added, removed or changed.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::ChangeKind;

pub(super) const RULE: Rule = Rule {
    id: "policy-change",
    category: Category::Security,
    why: "A policy decides which rows each role sees and writes: a removed or loosened permissive policy exposes rows, a new restrictive one hides rows the application expects.",
    mitigation: "Review the USING and WITH CHECK expressions, and test as the application's roles before and after.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes("policy")
        .map(|change| {
            let (level, verb) = match change.change {
                ChangeKind::Removed => (Level::High, "is removed"),
                ChangeKind::Added => (Level::Medium, "is added"),
                _ => (Level::High, "changes"),
            };
            hit(change, level, format!("policy {} {verb}", change.object))
        })
        .collect()
}
