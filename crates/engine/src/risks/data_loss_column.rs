//! A column dropped from a table that stays.

use super::{hit, Category, Context, Effect, Hit, Level, Lock, Rule};
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "column-dropped",
    category: Category::DataLoss,
    why: "DROP COLUMN deletes the column's values (the space is reclaimed as rows are rewritten); code that selects or writes it fails, including `SELECT *` mappings in ORMs that cache columns.",
    mitigation: "Stop reading and writing the column first (deploy), back up its values if they matter, then drop it in the cleanup phase.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Column)
        .filter(|c| c.change == ChangeKind::Removed && ctx.to_table(c).is_some())
        .map(|change| {
            hit(change, Level::High, format!("{} is dropped with its values", change.object))
                .with(Effect::catalog_only(Lock::AccessExclusive))
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_a_column_is_dropped_from_a_kept_table() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text);"#
        ));
    }

    #[test]
    fn does_not_fire_on_the_column_goes_with_its_table() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE TABLE public.old (id integer, v text);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#
            ),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_a_column_is_added() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#
            ),
            ""
        );
    }
}
