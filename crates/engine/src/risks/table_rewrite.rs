//! Table changes that rewrite it: tablespace, logged/unlogged, partitioning (attaching or detaching a
//! partition is `partition_attach`).

use super::{hit, Category, Context, Effect, Hit, Level, Rule};
use crate::diff::ObjectKind;

pub(super) const RULE: Rule = Rule {
    id: "table-rewrite",
    category: Category::Locking,
    why: "SET TABLESPACE, SET LOGGED / UNLOGGED and a change of partitioning copy the whole table under an ACCESS EXCLUSIVE lock; partitioning cannot change in place at all (a new table, a copy of the rows and a swap).",
    mitigation: "Plan a maintenance window, or build the new table beside the old one and switch with a short rename.",
    caveat: None,
    check,
};

const REWRITING: [&str; 3] = ["tablespace", "unlogged", "partitioned by"];

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Table)
        .filter(|c| c.change.compares())
        .filter_map(|change| {
            let what: Vec<&str> =
                change.details.iter().map(|d| d.property.as_str()).filter(|p| REWRITING.contains(p)).collect();
            (!what.is_empty()).then(|| {
                hit(change, Level::High, format!("{}: {} changes", change.object, what.join(", ")))
                    .with(Effect::REWRITE)
            })
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_a_table_becomes_unlogged() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE UNLOGGED TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#
        ));
    }

    #[test]
    fn does_not_fire_on_a_column_is_added() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer, n integer);"#
            ),
            ""
        );
    }
}
