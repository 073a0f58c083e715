//! A foreign key or CHECK added to a table that already holds rows.

use super::{hit, Category, Context, Effect, Hit, Level, Lock, Rule};
use crate::catalog::ConstraintKind;
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "constraint-validation",
    category: Category::Locking,
    why: "Adding a FOREIGN KEY or CHECK validates every existing row while holding a lock that blocks writes (SHARE ROW EXCLUSIVE on both tables for a foreign key); the statement fails if any row violates it.",
    mitigation: "The script adds it NOT VALID (a short lock, new rows are checked) and validates it in a separate statement, which scans without blocking writes. Find violating rows first.",
    caveat: Some("NOT VALID foreign keys on partitioned tables are supported from PostgreSQL 18 only; older versions validate at once."),
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.diff
        .changes
        .iter()
        .filter(|c| {
            (c.object_kind == ObjectKind::Constraint || c.object_kind == ObjectKind::ForeignKey)
                && c.change != ChangeKind::Removed
        })
        .filter(|c| ctx.on_existing_table(c))
        .filter_map(|change| {
            let (_, table) = ctx.to_table(change)?;
            let constraint = table.constraints.get(change.key.member()?.1)?;
            let kind = match constraint.kind {
                ConstraintKind::ForeignKey => "foreign key",
                ConstraintKind::Check => "check constraint",
                _ => return None,
            };
            let verb = if change.change == ChangeKind::Added { "added" } else { "changed" };
            // The script adds it NOT VALID (a brief lock) and validates it apart, the rows read
            // under SHARE UPDATE EXCLUSIVE; a constraint NOT VALID in the target is only added.
            let lock = if constraint.kind == ConstraintKind::ForeignKey {
                Lock::ShareRowExclusive
            } else {
                Lock::AccessExclusive
            };
            let (finding, effect) = if constraint.not_valid {
                (
                    format!(
                        "{kind} {} is {verb} NOT VALID: new rows are checked, existing ones are not",
                        change.object
                    ),
                    Effect::catalog_only(lock),
                )
            } else {
                (
                    format!("{kind} {} is {verb}: existing rows are checked against it", change.object),
                    Effect::reads_under(lock, Lock::ShareUpdateExclusive),
                )
            };
            Some(hit(change, Level::Medium, finding).with(effect))
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_a_check_is_added_to_an_existing_table() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE public.t ADD CONSTRAINT t_k_check CHECK (k > 0);"#
        ));
    }

    #[test]
    fn fires_on_a_foreign_key_is_added_to_an_existing_table() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE TABLE public.p (id integer PRIMARY KEY);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE TABLE public.p (id integer PRIMARY KEY);
ALTER TABLE ONLY public.t ADD CONSTRAINT t_k_fkey FOREIGN KEY (k) REFERENCES public.p(id);"#
        ));
    }

    #[test]
    fn does_not_fire_on_a_check_on_a_new_table() {
        assert_eq!(
            findings(
                RULE.id,
                r#""#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE public.t ADD CONSTRAINT t_k_check CHECK (k > 0);"#
            ),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_a_check_is_dropped() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE public.t ADD CONSTRAINT t_k_check CHECK (k > 0);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#
            ),
            ""
        );
    }
}
