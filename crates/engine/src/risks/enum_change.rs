//! Enum values added, removed or reordered.

use super::{hit, Category, Context, Effect, Hit, Level, Rule};
use crate::catalog::TypeDef;
use crate::diff::ObjectKind;

pub(super) const RULE: Rule = Rule {
    id: "enum-change",
    category: Category::AppBreakage,
    why: "ALTER TYPE … ADD VALUE is instant, but the new value cannot be used in the transaction that adds it. Removing or reordering values is impossible in place: the type is recreated and every column using it converted (a rewrite under an exclusive lock), and rows holding a removed value make the conversion fail.",
    mitigation: "Add values in their own step before the code that writes them. Before removing a value, update the rows that hold it and deploy code that no longer writes it.",
    caveat: Some("ADD VALUE can run inside a transaction block from PostgreSQL 12 (the value is usable after commit); before 12 it must run outside one."),
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Type)
        .filter_map(|change| {
            let find = |c: &crate::catalog::Catalog| change.key.find(&c.types).map(|(_, t)| t.clone());
            let (Some(TypeDef::Enum { labels: old }), Some(TypeDef::Enum { labels: new })) =
                (find(ctx.from), find(ctx.to))
            else {
                return None;
            };
            let removed: Vec<&String> = old.iter().filter(|l| !new.contains(l)).collect();
            let kept_order: Vec<&String> = new.iter().filter(|l| old.contains(l)).collect();
            let reordered = kept_order != old.iter().filter(|l| new.contains(l)).collect::<Vec<_>>();
            if !removed.is_empty() || reordered {
                let what = if removed.is_empty() {
                    "values reordered".to_string()
                } else {
                    format!("values removed: {}", removed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
                };
                Some(
                    hit(change, Level::High, format!("enum {}: {what}; the type is recreated", change.object))
                        .with(Effect::REWRITE),
                )
            } else {
                let added: Vec<&str> = new.iter().filter(|l| !old.contains(l)).map(|s| s.as_str()).collect();
                // Before 12, ADD VALUE cannot run inside a transaction block (phase 0 runs it outside).
                let outside = if ctx.server.at_least(12) {
                    ""
                } else {
                    "; PostgreSQL before 12 cannot add them inside a transaction: the script adds them in phase 0, outside one"
                };
                Some(
                    hit(change, Level::Low, format!("enum {}: values added: {}{outside}", change.object, added.join(", ")))
                        .with(Effect { lock: None, rewrite: false, reads_rows_under: None }),
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires, fires_with};

    #[test]
    fn fires_on_a_value_is_added() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TYPE public.mood AS ENUM ('sad', 'ok');"#,
            r#"CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');"#
        ));
    }

    #[test]
    fn fires_on_a_value_is_removed() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TYPE public.mood AS ENUM ('sad', 'ok');"#,
            r#"CREATE TYPE public.mood AS ENUM ('ok');"#
        ));
    }

    #[test]
    fn fires_on_values_are_reordered() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TYPE public.mood AS ENUM ('sad', 'ok');"#,
            r#"CREATE TYPE public.mood AS ENUM ('ok', 'sad');"#
        ));
    }

    #[test]
    fn does_not_fire_on_a_new_enum() {
        assert_eq!(findings(RULE.id, r#""#, r#"CREATE TYPE public.mood AS ENUM ('sad', 'ok');"#), "");
    }

    #[test]
    fn does_not_fire_on_a_domain_changes() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE DOMAIN public.pos AS integer;"#,
                r#"CREATE DOMAIN public.pos AS integer CONSTRAINT pos_check CHECK (VALUE > 0);"#
            ),
            ""
        );
    }

    #[test]
    fn fires_on_a_value_added_before_12_outside_a_transaction() {
        let options = crate::DiffOptions { target_version: Some(11), ..crate::DiffOptions::default() };
        insta::assert_snapshot!(fires_with(
            RULE.id,
            r#"CREATE TYPE public.m AS ENUM ('a', 'b');"#,
            r#"CREATE TYPE public.m AS ENUM ('a', 'b', 'c');"#,
            &options
        ));
    }
}
