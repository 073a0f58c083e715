//! SET NOT NULL on a column that already exists.

use super::{hit, Category, Context, Effect, Hit, Level, Lock, Rule};
use crate::diff::{ObjectKind, Property};

pub(super) const RULE: Rule = Rule {
    id: "set-not-null",
    category: Category::Locking,
    why: "ALTER COLUMN … SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock (no reads or writes meanwhile) and fails if a row holds NULL; code that still writes NULL fails afterwards.",
    mitigation: "Fill the NULLs first. The script adds CHECK (column IS NOT NULL) NOT VALID, validates it without blocking writes, then sets NOT NULL (which then skips the scan) and drops the CHECK.",
    caveat: Some("SET NOT NULL uses a valid CHECK constraint to skip the scan from PostgreSQL 12."),
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Column)
        .filter(|c| c.change == crate::diff::ChangeKind::Altered)
        .filter(|c| c.details.iter().any(|d| d.property == Property::NotNull && d.to.is_some() && d.from.is_none()))
        .filter(|c| ctx.on_existing_table(c))
        .map(|change| {
            // Validated outside a transaction; a partitioned table's partitions are read instead.
            let partitioned = ctx.to_table(change).is_some_and(|(_, t)| t.more.partition_by.is_some());
            if !ctx.server.at_least(12) {
                // Before 12, SET NOT NULL scans the table whatever CHECK proves it.
                let finding = format!(
                    "{} becomes NOT NULL: PostgreSQL before 12 scans the whole table under an exclusive lock",
                    change.object
                );
                let hit = hit(change, Level::High, finding);
                return if partitioned { hit } else { hit.with(Effect::REWRITE_FREE_SCAN) };
            }
            let hit = hit(change, Level::Medium, format!("{} becomes NOT NULL", change.object));
            if partitioned {
                hit
            } else {
                hit.with(Effect::reads_under(Lock::AccessExclusive, Lock::ShareUpdateExclusive))
            }
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires, fires_with};

    #[test]
    fn fires_on_a_column_of_an_existing_table_becomes_not_null() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text NOT NULL, k integer);"#
        ));
    }

    #[test]
    fn does_not_fire_on_a_column_becomes_nullable() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text NOT NULL, k integer);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#
            ),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_a_new_table_has_a_not_null_column() {
        assert_eq!(
            findings(RULE.id, r#""#, r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text NOT NULL, k integer);"#),
            ""
        );
    }

    #[test]
    fn fires_on_a_server_before_12_which_scans_under_an_exclusive_lock() {
        let options = crate::DiffOptions { target_version: Some(11), ..crate::DiffOptions::default() };
        insta::assert_snapshot!(fires_with(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text NOT NULL, k integer);"#,
            &options
        ));
    }
}
