//! A NOT NULL column without a default added to a table that holds rows.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "not-null-column-without-default",
    category: Category::AppBreakage,
    why: "ADD COLUMN … NOT NULL without a default fails on a table that has rows; once it exists, code that inserts without the column fails.",
    mitigation: "The script adds the column nullable, and sets NOT NULL in phase 3 through a validated CHECK: fill the column for every row in between, and deploy code that writes it first.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Column)
        .filter(|c| c.change == ChangeKind::Added && ctx.on_existing_table(c))
        .filter_map(|change| {
            let column = ctx.columns(change).1?;
            (column.not_null
                && column.default.is_none()
                && column.more.identity.is_none()
                && column.more.generated.is_none())
            .then(|| hit(change, Level::High, format!("{} is NOT NULL without a default", change.object)))
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_a_not_null_column_without_a_default_is_added() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer, code text NOT NULL);"#
        ));
    }

    #[test]
    fn does_not_fire_on_the_new_not_null_column_has_a_default() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer, code text DEFAULT 'x'::text NOT NULL);"#
            ),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_the_table_is_new() {
        assert_eq!(
            findings(RULE.id, r#""#, r#"CREATE TABLE public.t (id integer PRIMARY KEY, code text NOT NULL);"#),
            ""
        );
    }
}
