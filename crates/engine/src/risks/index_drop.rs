//! An index dropped from a table that stays.

use super::{hit, Category, Context, Effect, Hit, Level, Lock, Rule};
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "index-drop",
    category: Category::Performance,
    why: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the table (every query waits) unless dropped CONCURRENTLY; and queries that used the index fall back to other indexes or sequential scans.",
    mitigation: "The script drops it with DROP INDEX CONCURRENTLY in the cleanup phase, after the new code is deployed; check pg_stat_user_indexes.idx_scan first to see whether anything still uses it.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Index)
        .filter(|c| c.change == ChangeKind::Removed)
        .filter_map(|change| {
            let (_, index) = change.key.find(&ctx.from.indexes)?;
            if !ctx.to.tables.contains_key(&index.table) || ["hnsw", "ivfflat"].contains(&index.method.as_str()) {
                return None; // dropped with its table, or a vector index (its own rule)
            }
            // Dropped CONCURRENTLY (an index of a partitioned table cannot be: no claim there).
            let hit = hit(
                change,
                Level::Medium,
                format!("index {} on {} is dropped; queries using it slow down", change.object, index.table),
            )
            .on(&index.table);
            let partitioned = ctx.from.tables.get(&index.table).is_some_and(|t| t.more.partition_by.is_some());
            Some(if partitioned { hit } else { hit.with(Effect::catalog_only(Lock::ShareUpdateExclusive)) })
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_an_index_is_dropped_from_a_kept_table() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE INDEX t_a ON public.t USING btree (a);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#
        ));
    }

    #[test]
    fn does_not_fire_on_an_index_goes_with_its_table() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE INDEX t_a ON public.t USING btree (a);"#,
                r#""#
            ),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_an_index_is_added() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE INDEX t_a ON public.t USING btree (a);"#
            ),
            ""
        );
    }
}
