//! A column added to a table that holds rows: instant, or a rewrite when its default is volatile or
//! it is a stored generated or identity column.

use super::{hit, Category, Context, Effect, Hit, Level, Lock, Rule};
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "column-added",
    category: Category::Locking,
    why: "ADD COLUMN with no default or a non-volatile default only changes the catalog. A volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval()), a stored generated column or an identity column makes PostgreSQL rewrite the whole table under an ACCESS EXCLUSIVE lock.",
    mitigation: "For a rewrite: add the column without the default, set the default for new rows, backfill existing rows in batches, then add constraints.",
    caveat: Some("ADD COLUMN … DEFAULT with a non-volatile default is instant from PostgreSQL 11; before, any default rewrote the table."),
    check,
};

const VOLATILE: [&str; 6] =
    ["random(", "gen_random_uuid(", "uuid_generate_v4(", "clock_timestamp(", "nextval(", "timeofday("];

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Column)
        .filter(|c| c.change == ChangeKind::Added && ctx.on_existing_table(c))
        .filter_map(|change| {
            let (_, column) = ctx.columns(change);
            let column = column?;
            let rewrite = if column.more.generated.as_deref().is_some_and(|g| g.ends_with("STORED")) {
                Some("it is a stored generated column")
            } else if column.more.identity.is_some() {
                Some("it is an identity column")
            } else if column.default.as_deref().is_some_and(|d| VOLATILE.iter().any(|v| d.contains(v))) {
                Some("its default is volatile")
            } else if column.default.is_some() && !ctx.server.at_least(11) {
                Some("PostgreSQL before 11 writes any default into every row")
            } else {
                None
            };
            Some(match rewrite {
                Some(why) => {
                    hit(change, Level::High, format!("{} is added and {why}: the table is rewritten", change.object))
                        .with(Effect::REWRITE)
                }
                None => hit(change, Level::Low, format!("{} is added ({}): instant", change.object, column.data_type))
                    .with(Effect::catalog_only(Lock::AccessExclusive)),
            })
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires, fires_with};

    #[test]
    fn fires_on_a_plain_column_is_added_instantly() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer, note text);"#
        ));
    }

    #[test]
    fn fires_on_a_column_with_a_volatile_default_rewrites_the_table() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer, u uuid DEFAULT gen_random_uuid());"#
        ));
    }

    #[test]
    fn does_not_fire_on_the_columns_table_is_new() {
        assert_eq!(
            findings(RULE.id, r#""#, r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_a_column_is_dropped() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer, note text);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#
            ),
            ""
        );
    }

    #[test]
    fn fires_on_a_constant_default_before_11_rewrites_the_table() {
        let options = crate::DiffOptions { target_version: Some(10), ..crate::DiffOptions::default() };
        insta::assert_snapshot!(fires_with(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, k integer DEFAULT 7);"#,
            &options
        ));
    }
}
