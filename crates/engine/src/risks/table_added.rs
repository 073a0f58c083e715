//! New tables: the code that uses them must not run before they exist.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "table-added",
    category: Category::AppBreakage,
    why: "Creating a table is instant and locks nothing existing, but code that uses it fails until it exists, and its foreign keys lock the referenced tables briefly.",
    mitigation: "Run the migration before deploying the code that uses the table.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Table)
        .filter(|c| c.change == ChangeKind::Added)
        .map(|change| {
            let foreign_keys = ctx.to_table(change).map_or(0, |(_, t)| {
                t.constraints.values().filter(|c| c.kind == crate::catalog::ConstraintKind::ForeignKey).count()
            });
            let tail = match foreign_keys {
                0 => String::new(),
                1 => " with 1 foreign key".to_string(),
                n => format!(" with {n} foreign keys"),
            };
            hit(change, Level::Low, format!("{} is created{tail}", change.object))
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_a_table_with_a_foreign_key_is_created() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.p (id integer PRIMARY KEY);"#,
            r#"CREATE TABLE public.p (id integer PRIMARY KEY);
CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE ONLY public.t ADD CONSTRAINT t_k_fkey FOREIGN KEY (k) REFERENCES public.p(id);"#
        ));
    }

    #[test]
    fn does_not_fire_on_a_table_is_dropped() {
        assert_eq!(
            findings(RULE.id, r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#, r#""#),
            ""
        );
    }
}
