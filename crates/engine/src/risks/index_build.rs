//! An index built on a table that already holds rows.

use super::{hit, Category, Context, Effect, Hit, Level, Lock, Rule};
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "index-build",
    category: Category::Locking,
    why: "A plain CREATE INDEX takes a SHARE lock: writes to the table wait for the whole build. CREATE INDEX CONCURRENTLY lets writes go on but scans the table twice, cannot run inside a transaction, and leaves an INVALID index behind if it fails.",
    mitigation: "The script builds it with CREATE INDEX CONCURRENTLY outside a transaction; if a build fails, DROP INDEX CONCURRENTLY the invalid index and run it again.",
    caveat: Some("Indexes of partitioned tables cannot be built concurrently: the script builds the parent ON ONLY and each partition's index concurrently, then attaches them."),
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Index)
        .filter(|c| c.change == ChangeKind::Added || c.change == ChangeKind::Altered)
        .filter_map(|change| {
            let (_, index) = change.key.find(&ctx.to.indexes)?;
            if !ctx.existing_table(&index.table) || ["hnsw", "ivfflat"].contains(&index.method.as_str()) {
                return None;
            }
            let what = if change.change == ChangeKind::Added { "built" } else { "rebuilt" };
            let unique = if index.unique { "unique " } else { "" };
            let hit = hit(
                change,
                Level::Low,
                format!("{unique}index {} is {what} on {}, which may hold many rows", change.object, index.table),
            )
            .on(&index.table);
            // Built CONCURRENTLY; a partitioned table's index is built ON ONLY and attached.
            let partitioned = ctx.to.tables.get(&index.table).is_some_and(|t| t.more.partition_by.is_some());
            Some(if partitioned {
                hit
            } else {
                hit.with(Effect::reads_under(Lock::ShareUpdateExclusive, Lock::ShareUpdateExclusive))
            })
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_an_index_is_built_on_an_existing_table() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE INDEX t_a ON public.t USING btree (a);"#
        ));
    }

    #[test]
    fn does_not_fire_on_an_index_on_a_new_table() {
        assert_eq!(
            findings(
                RULE.id,
                r#""#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE INDEX t_a ON public.t USING btree (a);"#
            ),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_an_index_is_dropped() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE INDEX t_a ON public.t USING btree (a);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#
            ),
            ""
        );
    }
}
