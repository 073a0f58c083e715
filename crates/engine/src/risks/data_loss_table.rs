//! A table dropped.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "table-dropped",
    category: Category::DataLoss,
    why: "DROP TABLE deletes every row, its indexes, triggers and policies; code that still reads it fails; a rollback recreates it empty.",
    mitigation: "Back the table up first (pg_dump --table, or CREATE TABLE … AS), make sure no code reads it, and drop it in the cleanup phase after the deploy.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Table)
        .filter(|c| c.change == ChangeKind::Removed)
        .map(|change| {
            let rows = ctx.from_table(change).and_then(|(name, _)| ctx.from.data_rows.get(name)).copied();
            let rows = rows.map(|n| format!(" ({n} rows in the dump)")).unwrap_or_default();
            hit(change, Level::High, format!("{} is dropped with its data{rows}", change.object))
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_a_table_is_dropped() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE TABLE public.old (id integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#
        ));
    }

    #[test]
    fn does_not_fire_on_a_table_is_added() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE TABLE public.old (id integer);"#
            ),
            ""
        );
    }
}
