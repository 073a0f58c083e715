//! A domain's constraints, default or NOT NULL changed.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::catalog::TypeDef;
use crate::diff::ChangeKind;

pub(super) const RULE: Rule = Rule {
    id: "domain-change",
    category: Category::Correctness,
    why: "ALTER DOMAIN … ADD CONSTRAINT or SET NOT NULL checks every column of every table that uses the domain, under locks, and fails if a stored value violates it; values that were accepted before are refused afterwards.",
    mitigation: "Find violating values first; add domain constraints NOT VALID and VALIDATE them separately.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes("type")
        .filter(|c| c.change == ChangeKind::Altered)
        .filter(|c| {
            crate::plan::find(&ctx.to.types, &c.object).is_some_and(|(_, t)| matches!(t, TypeDef::Domain { .. }))
        })
        .map(|change| {
            let what: Vec<&str> = change.details.iter().map(|d| d.property.as_str()).collect();
            hit(change, Level::Medium, format!("domain {} changes: {}", change.object, what.join(", ")))
        })
        .collect()
}
