//! Privileges granted or revoked.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::ChangeKind;

pub(super) const RULE: Rule = Rule {
    id: "privilege-change",
    category: Category::Security,
    why: "A grant widens who may read or change data; a revoke makes the roles that relied on it fail with `permission denied`.",
    mitigation: "Check each grantee against the roles the application and its users connect as; prefer granting to group roles.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes("grant")
        .map(|change| {
            let granting = change.object.contains("grant ") && change.change == ChangeKind::Added
                || change.object.starts_with("revoke") && change.change == ChangeKind::Removed;
            let public = change.object.ends_with(" public") || change.object.contains(" to public");
            let level = if granting && public { Level::High } else { Level::Medium };
            let verb = if change.change == ChangeKind::Added { "added" } else { "taken away" };
            hit(change, level, format!("privileges {verb}: {}", change.object))
        })
        .collect()
}
