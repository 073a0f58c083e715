//! A primary key, unique or exclusion constraint added to a table that already holds rows.

use super::{hit, parent, Category, Context, Effect, Hit, Level, Lock, Rule};
use crate::catalog::ConstraintKind;
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "unique-on-existing-table",
    category: Category::Locking,
    why: "Adding a PRIMARY KEY, UNIQUE or EXCLUDE constraint builds an index under an ACCESS EXCLUSIVE lock (no reads or writes until it ends), and fails if existing rows hold duplicates, conflicting rows or (for a primary key) NULLs.",
    mitigation: "Look for duplicates first (GROUP BY … HAVING count(*) > 1). The script builds the unique index CONCURRENTLY and then adds the constraint USING INDEX, which locks only briefly. An exclusion constraint has no such path: add it in a maintenance window.",
    caveat: Some("ADD CONSTRAINT … USING INDEX is not available for partitioned tables or exclusion constraints: there the constraint is added directly."),
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Constraint)
        .filter(|c| c.change == ChangeKind::Added && ctx.on_existing_table(c))
        .filter_map(|change| {
            let (_, table) = ctx.to_table(change)?;
            let key = change.key.member()?.1;
            let constraint = table.constraints.get(key)?;
            let kind = match constraint.kind {
                ConstraintKind::PrimaryKey => "primary key",
                ConstraintKind::Unique => "unique constraint",
                ConstraintKind::Exclusion => {
                    return Some(
                        hit(
                            change,
                            Level::High,
                            format!(
                                "exclusion constraint {} is added to {}: its index is built under an exclusive lock, and it fails if rows conflict",
                                change.object,
                                parent(change)
                            ),
                        )
                        .with(Effect::REWRITE_FREE_SCAN),
                    );
                }
                _ => return None,
            };
            // Built CONCURRENTLY, then made the constraint (`USING INDEX`) under a brief lock.
            let (_, to_table) = ctx.to_table(change)?;
            let effect = (to_table.more.partition_by.is_none())
                .then_some(Effect::reads_under(Lock::AccessExclusive, Lock::ShareUpdateExclusive));
            let hit = hit(
                change,
                Level::Medium,
                format!("{kind} {} is added to {}: fails if rows are duplicated", change.object, parent(change)),
            );
            Some(match effect {
                Some(effect) => hit.with(effect),
                None => hit,
            })
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_a_unique_constraint_is_added_to_an_existing_table() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE ONLY public.t ADD CONSTRAINT t_k_key UNIQUE (k);"#
        ));
    }

    #[test]
    fn fires_on_an_exclusion_constraint_built_under_an_exclusive_lock() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, r int4range);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, r int4range, CONSTRAINT t_r_excl EXCLUDE USING gist (r WITH &&));"#
        ));
    }

    #[test]
    fn does_not_fire_on_a_unique_constraint_on_a_new_table() {
        assert_eq!(
            findings(
                RULE.id,
                r#""#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE ONLY public.t ADD CONSTRAINT t_k_key UNIQUE (k);"#
            ),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_a_check_constraint_is_added() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE public.t ADD CONSTRAINT t_k_check CHECK (k > 0);"#
            ),
            ""
        );
    }
}
