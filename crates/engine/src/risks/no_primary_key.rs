//! Tables without a primary key among those the migration creates or changes.

use super::{Category, Context, Hit, Level, Rule};
use crate::catalog::ConstraintKind;
use crate::diff::ObjectKind;

pub(super) const RULE: Rule = Rule {
    id: "no-primary-key",
    category: Category::Correctness,
    why: "Without a primary key, rows cannot be told apart reliably: logical replication cannot replicate UPDATE and DELETE (no replica identity), ORMs cannot update single rows, and duplicates creep in.",
    mitigation: "Add a primary key (an identity column if nothing natural exists), or at least a unique index used as REPLICA IDENTITY.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.touched_tables()
        .into_iter()
        .filter(|name| {
            let table = &ctx.to.tables[*name];
            table.more.partition_of.is_none()
                && !table.created_as_query
                && !table.constraints.values().any(|c| c.kind == ConstraintKind::PrimaryKey)
                && crate::catalog::tracking_tool(name).is_none()
        })
        .map(|name| Hit {
            object_kind: ObjectKind::Table,
            object: name.to_string(),
            level: Level::Medium,
            finding: format!("{name} has no primary key"),
            effect: None,
            table: None,
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_a_new_table_has_no_primary_key() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#""#,
            r#"CREATE TABLE public.log (at timestamp with time zone, line text);"#
        ));
    }

    #[test]
    fn does_not_fire_on_a_new_table_has_a_primary_key() {
        assert_eq!(
            findings(RULE.id, r#""#, r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_an_untouched_table_has_none() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.log (at timestamp with time zone, line text);"#,
                r#"CREATE TABLE public.log (at timestamp with time zone, line text);
CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#
            ),
            ""
        );
    }
}
