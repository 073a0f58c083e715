//! A schema, sequence, type or extension dropped.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "object-dropped",
    category: Category::DataLoss,
    why: "Dropping a schema, sequence, type or extension fails while something depends on it, and with CASCADE takes the dependents along; a dropped sequence loses its current value, an extension its objects.",
    mitigation: "Check dependents (pg_depend) and the code that uses them; drop in the cleanup phase after the deploy; note sequence values before dropping.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    [ObjectKind::Schema, ObjectKind::Sequence, ObjectKind::Type, ObjectKind::Extension]
        .into_iter()
        .flat_map(|kind| ctx.changes_of(kind))
        .filter(|c| c.change == ChangeKind::Removed)
        .map(|change| hit(change, Level::Medium, format!("{} {} is dropped", change.object_kind, change.object)))
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_a_sequence_is_dropped() {
        insta::assert_snapshot!(fires(RULE.id, r#"CREATE SEQUENCE public.s;"#, r#""#));
    }

    #[test]
    fn fires_on_a_type_is_dropped() {
        insta::assert_snapshot!(fires(RULE.id, r#"CREATE TYPE public.mood AS ENUM ('sad', 'ok');"#, r#""#));
    }

    #[test]
    fn does_not_fire_on_a_sequence_is_added() {
        assert_eq!(findings(RULE.id, r#""#, r#"CREATE SEQUENCE public.s;"#), "");
    }

    #[test]
    fn does_not_fire_on_a_table_is_dropped() {
        assert_eq!(
            findings(RULE.id, r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#, r#""#),
            ""
        );
    }
}
