//! Replica identity or publications changed.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::{ObjectKind, Property};

pub(super) const RULE: Rule = Rule {
    id: "replication-change",
    category: Category::Correctness,
    why: "Logical replication and change-data capture (Debezium, Supabase Realtime) depend on publications and on the replica identity: a table without a usable replica identity rejects UPDATE and DELETE once published, and subscribers miss tables removed from a publication.",
    mitigation: "Coordinate with the consumers of the publication; set REPLICA IDENTITY (FULL or an index) before publishing a table without a primary key.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    let mut out: Vec<Hit> = ctx
        .changes_of(ObjectKind::Table)
        .filter(|c| c.change.compares() && c.details.iter().any(|d| d.property == Property::ReplicaIdentity))
        .map(|change| hit(change, Level::Medium, format!("replica identity of {} changes", change.object)))
        .collect();
    out.extend(
        ctx.changes_of(ObjectKind::Publication)
            .map(|change| hit(change, Level::Medium, format!("publication {} changes", change.object))),
    );
    out
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_the_replica_identity_becomes_full() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE ONLY public.t REPLICA IDENTITY FULL;"#
        ));
    }

    #[test]
    fn fires_on_a_publication_is_added() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE PUBLICATION pub FOR TABLE ONLY public.t;"#
        ));
    }

    #[test]
    fn does_not_fire_on_a_column_is_added() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer, n integer);"#
            ),
            ""
        );
    }
}
