//! Row-level security policies added, removed or changed.

use super::{hit, Category, Context, Effect, Hit, Level, Lock, Rule};
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "policy-change",
    category: Category::Security,
    why: "A policy decides which rows each role sees and writes: a removed or loosened permissive policy exposes rows, a new restrictive one hides rows the application expects.",
    mitigation: "Review the USING and WITH CHECK expressions, and test as the application's roles before and after.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Policy)
        .map(|change| {
            let (level, verb) = match change.change {
                ChangeKind::Removed => (Level::High, "is removed"),
                ChangeKind::Added => (Level::Medium, "is added"),
                _ => (Level::High, "changes"),
            };
            hit(change, level, format!("policy {} {verb}", change.object))
                .with(Effect::catalog_only(Lock::AccessExclusive))
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_a_policy_is_added() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON public.t USING (k > 0);"#
        ));
    }

    #[test]
    fn fires_on_a_policy_is_removed() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE POLICY p ON public.t USING (k > 0);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#
        ));
    }

    #[test]
    fn fires_on_a_policy_changes() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE POLICY p ON public.t USING (k > 0);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE POLICY p ON public.t USING (k > 1);"#
        ));
    }

    #[test]
    fn does_not_fire_on_row_level_security_is_enabled_alone() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;"#
            ),
            ""
        );
    }
}
