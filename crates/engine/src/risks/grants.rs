//! Privileges granted or revoked.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "privilege-change",
    category: Category::Security,
    why: "A grant widens who may read or change data; a revoke makes the roles that relied on it fail with `permission denied`.",
    mitigation: "Check each grantee against the roles the application and its users connect as; prefer granting to group roles.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Grant)
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

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_select_is_granted_to_public() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
GRANT SELECT ON TABLE public.t TO PUBLIC;"#
        ));
    }

    #[test]
    fn fires_on_a_grant_to_a_role_is_taken_away() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
GRANT SELECT ON TABLE public.t TO reporting;"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#
        ));
    }

    #[test]
    fn does_not_fire_on_the_same_grants_on_both_sides() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
GRANT SELECT ON TABLE public.t TO reporting;"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer, n integer);
GRANT SELECT ON TABLE public.t TO reporting;"#
            ),
            ""
        );
    }
}
