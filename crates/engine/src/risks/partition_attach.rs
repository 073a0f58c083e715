//! A table attached to a partitioned table as a partition, or detached from one.

use super::{hit, Category, Context, Effect, Hit, Level, Lock, Rule};
use crate::diff::{ObjectKind, Property};

pub(super) const RULE: Rule = Rule {
    id: "partition-attach",
    category: Category::Locking,
    why: "ATTACH PARTITION reads every row of the table to check it against the partition bound, holding an ACCESS EXCLUSIVE lock on it (no reads or writes meanwhile) and SHARE UPDATE EXCLUSIVE on the parent; DETACH PARTITION takes ACCESS EXCLUSIVE on both, and queries on the parent stop seeing the table's rows.",
    mitigation: "Before attaching, add a CHECK constraint that matches the bound (NOT VALID, then VALIDATE, which blocks no writes): ATTACH then skips the scan. Detach with DETACH PARTITION … CONCURRENTLY (outside a transaction) to lock the parent only with SHARE UPDATE EXCLUSIVE.",
    caveat: Some("ATTACH locks the parent with SHARE UPDATE EXCLUSIVE from PostgreSQL 12 (ACCESS EXCLUSIVE before); DETACH … CONCURRENTLY needs PostgreSQL 14."),
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Table)
        .filter(|c| c.change.compares() && ctx.on_existing_table(c))
        .filter_map(|change| {
            let detail = change.details.iter().find(|d| d.property == Property::PartitionOf)?;
            // `public.pp for values from (1) to (100)`: the parent's name is the first word.
            let parent_of = |p: &String| p.split_whitespace().next().unwrap_or_default().to_string();
            Some(match (detail.from.as_ref().map(parent_of), &detail.to) {
                (_, Some(parent)) => hit(
                    change,
                    Level::Medium,
                    format!(
                        "{} becomes a partition of {}: its rows are checked against the bound under an exclusive lock{}",
                        change.object,
                        parent_of(parent),
                        if ctx.server.at_least(12) {
                            ""
                        } else {
                            ", and PostgreSQL before 12 locks the parent as exclusively (no reads or writes of any partition)"
                        }
                    ),
                )
                .with(Effect::REWRITE_FREE_SCAN),
                (Some(parent), None) => hit(
                    change,
                    Level::Medium,
                    format!("{} is detached from {parent}: queries on {parent} stop seeing its rows", change.object),
                )
                .with(Effect::catalog_only(Lock::AccessExclusive)),
                (None, None) => return None,
            })
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires, fires_with};

    const PARENT: &str = "CREATE TABLE public.pp (id integer NOT NULL) PARTITION BY RANGE (id);\n";
    const TABLE: &str = "CREATE TABLE public.t (id integer NOT NULL);\n";
    const ATTACH: &str = "ALTER TABLE ONLY public.pp ATTACH PARTITION public.t FOR VALUES FROM (1) TO (100);\n";

    #[test]
    fn fires_on_a_table_attached_as_a_partition() {
        insta::assert_snapshot!(fires(RULE.id, &format!("{PARENT}{TABLE}"), &format!("{PARENT}{TABLE}{ATTACH}")));
    }

    #[test]
    fn fires_on_a_partition_detached() {
        insta::assert_snapshot!(fires(RULE.id, &format!("{PARENT}{TABLE}{ATTACH}"), &format!("{PARENT}{TABLE}")));
    }

    #[test]
    fn does_not_fire_on_a_new_partition() {
        assert_eq!(findings(RULE.id, PARENT, &format!("{PARENT}{TABLE}{ATTACH}")), "");
    }

    #[test]
    fn fires_on_an_attach_before_12_that_locks_the_parent() {
        let options = crate::DiffOptions { target_version: Some(11), ..crate::DiffOptions::default() };
        insta::assert_snapshot!(fires_with(
            RULE.id,
            &format!("{PARENT}{TABLE}"),
            &format!("{PARENT}{TABLE}{ATTACH}"),
            &options
        ));
    }
}
