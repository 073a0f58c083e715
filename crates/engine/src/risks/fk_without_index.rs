//! Foreign keys whose columns no index starts with.

use super::{Category, Context, Hit, Level, Rule};
use crate::catalog::ConstraintKind;
use crate::diff::ObjectKind;

pub(super) const RULE: Rule = Rule {
    id: "foreign-key-without-index",
    category: Category::Performance,
    why: "Deleting or updating a referenced row makes PostgreSQL look for referencing rows: without an index on the foreign-key columns that is a sequential scan of the referencing table for every row, and ON DELETE CASCADE becomes slow and lock-heavy.",
    mitigation: "Create an index whose leading columns are the foreign-key columns (CONCURRENTLY).",
    caveat: None,
    check,
};

fn columns(definition: &str) -> Vec<String> {
    let inner =
        definition.split_once('(').and_then(|(_, rest)| rest.split_once(')')).map(|(cols, _)| cols).unwrap_or("");
    inner.split(',').map(|c| c.trim().to_string()).collect()
}

fn check(ctx: &Context) -> Vec<Hit> {
    let mut out = Vec::new();
    for name in ctx.touched_tables() {
        let table = &ctx.to.tables[name];
        for (key, constraint) in table.constraints.iter().filter(|(_, c)| c.kind == ConstraintKind::ForeignKey) {
            let wanted = columns(&constraint.definition);
            let leading = |keys: &[String]| {
                keys.len() >= wanted.len()
                    && keys.iter().zip(&wanted).all(|(k, w)| k.split_whitespace().next() == Some(w.as_str()))
            };
            let by_index = ctx.indexes_of(name).iter().any(|(_, i)| leading(&i.keys));
            let by_key = table
                .constraints
                .values()
                .filter(|c| matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique))
                .any(|c| leading(&columns(&c.definition)));
            if !by_index && !by_key {
                out.push(Hit {
                    object_kind: ObjectKind::ForeignKey,
                    object: format!("{name}.{key}"),
                    level: Level::Low,
                    finding: format!("foreign key {name}.{key} ({}) has no index", wanted.join(", ")),
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
    fn fires_on_a_new_foreign_key_has_no_index() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.p (id integer PRIMARY KEY);
CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.p (id integer PRIMARY KEY);
CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE ONLY public.t ADD CONSTRAINT t_k_fkey FOREIGN KEY (k) REFERENCES public.p(id);"#
        ));
    }

    #[test]
    fn does_not_fire_on_the_foreign_key_has_an_index() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.p (id integer PRIMARY KEY);
CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
                r#"CREATE TABLE public.p (id integer PRIMARY KEY);
CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
ALTER TABLE ONLY public.t ADD CONSTRAINT t_k_fkey FOREIGN KEY (k) REFERENCES public.p(id);
CREATE INDEX t_k ON public.t USING btree (k);"#
            ),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_the_foreign_key_leads_the_primary_key() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.p (id integer PRIMARY KEY);"#,
                r#"CREATE TABLE public.p (id integer PRIMARY KEY);
CREATE TABLE public.c (p_id integer, n integer, PRIMARY KEY (p_id, n));
ALTER TABLE ONLY public.c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p_id) REFERENCES public.p(id);"#
            ),
            ""
        );
    }
}
