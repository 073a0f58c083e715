//! Indexes that duplicate another (same table, method, keys and predicate) or are a prefix of one.

use super::{Category, Context, Hit, Level, Rule};
use crate::diff::ObjectKind;

pub(super) const RULE: Rule = Rule {
    id: "duplicate-index",
    category: Category::Performance,
    why: "An index that another one covers costs disk, memory and time on every write and VACUUM, and gives the planner nothing: a btree index on (a) is redundant next to one on (a, b) with the same predicate.",
    mitigation: "Drop the redundant index (DROP INDEX CONCURRENTLY) after checking pg_stat_user_indexes, unless it enforces uniqueness.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    let mut out = Vec::new();
    for table in ctx.touched_tables() {
        let indexes = ctx.indexes_of(table);
        for (name, index) in indexes.iter().filter(|(_, i)| !i.unique) {
            let covered_by = indexes.iter().find(|(other_name, other)| {
                other_name != name
                    && other.method == index.method
                    && other.predicate == index.predicate
                    && other.keys.len() >= index.keys.len()
                    && other.keys.starts_with(&index.keys)
                    && (other.keys.len() > index.keys.len() || other_name.name < name.name)
                    && (index.method == "btree" || other.keys.len() == index.keys.len())
            });
            if let Some((other_name, _)) = covered_by {
                out.push(Hit {
                    object_kind: ObjectKind::Index,
                    object: name.to_string(),
                    level: Level::Low,
                    finding: format!("index {name} is covered by {other_name}"),
                    effect: None,
                    table: None,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_an_index_is_the_start_of_another() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE INDEX t_a ON public.t USING btree (a);
CREATE INDEX t_a_k ON public.t USING btree (a, k);"#
        ));
    }

    #[test]
    fn does_not_fire_on_indexes_with_other_columns() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE INDEX t_a ON public.t USING btree (a);
CREATE INDEX t_k_a ON public.t USING btree (k, a);"#
            ),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_a_hash_index_beside_a_wider_btree() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE INDEX t_a ON public.t USING hash (a);
CREATE INDEX t_a_k ON public.t USING btree (a, k);"#
            ),
            ""
        );
    }
}
