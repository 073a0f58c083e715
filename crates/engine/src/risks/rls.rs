//! Row-level security enabled, disabled or forced on a table.

use super::{hit, Category, Context, Effect, Hit, Level, Lock, Rule};
use crate::diff::{ObjectKind, Property};

pub(super) const RULE: Rule = Rule {
    id: "row-level-security",
    category: Category::Security,
    why: "Enabling row-level security without a permissive policy hides every row from roles other than the owner (queries return nothing, writes fail); disabling it exposes every row to every role with table privileges; FORCE applies policies to the owner too.",
    mitigation: "Create the policies in the same transaction as ENABLE, test with the application's role (SET ROLE), and never disable RLS on tables exposed through an API without replacing the protection.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Table)
        .filter(|c| c.change.compares())
        .filter_map(|change| {
            let detail = change
                .details
                .iter()
                .find(|d| matches!(d.property, Property::RowLevelSecurity | Property::ForcedRowLevelSecurity))?;
            let level = if detail.to.is_none() { Level::High } else { Level::Medium };
            let verb = match (detail.property, detail.to.is_some()) {
                (Property::ForcedRowLevelSecurity, true) => "is forced",
                (Property::ForcedRowLevelSecurity, false) => "is no longer forced",
                (_, true) => "is enabled",
                (_, false) => "is disabled: every row becomes visible to roles with table privileges",
            };
            Some(
                hit(change, level, format!("row-level security on {} {verb}", change.object))
                    .with(Effect::catalog_only(Lock::AccessExclusive)),
            )
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_row_level_security_is_enabled() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;"#
        ));
    }

    #[test]
    fn fires_on_row_level_security_is_disabled() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#
        ));
    }

    #[test]
    fn does_not_fire_on_a_policy_is_added_where_security_was_on() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON public.t USING (k > 0);"#
            ),
            ""
        );
    }
}
