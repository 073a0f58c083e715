//! A column's type changes: a table rewrite, or a binary-coercible change that is not.

use super::{hit, parent, Category, Context, Effect, Hit, Level, Lock, Rule};
use crate::diff::{ObjectKind, Property};

pub(super) const RULE: Rule = Rule {
    id: "column-type-change",
    category: Category::Locking,
    why: "ALTER COLUMN … TYPE rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock (no reads or writes until it ends) unless the old type converts to the new one without changing the stored bytes; narrowing conversions also fail on values that do not fit, and code reading the column may see a different type.",
    mitigation: "Changes that need no rewrite (varchar(n) → varchar(m ≥ n) or text, numeric(p,s) → numeric(q ≥ p, s) or numeric, varbit(n) → varbit(m ≥ n), cidr → inet) run at once. For a rewrite, plan a maintenance window, or add a new column, backfill it in batches, and switch over in two deploys.",
    caveat: Some("timestamp → timestamptz rewrites unless the session TimeZone is UTC (PostgreSQL 12+)."),
    check,
};

/// Whether a type change keeps the stored bytes (no rewrite, no scan).
pub fn binary_coercible(old: &str, new: &str) -> bool {
    let args = |t: &str, base: &str| -> Option<Vec<u32>> {
        let rest = t.strip_prefix(base)?;
        if rest.is_empty() {
            return Some(Vec::new());
        }
        let inner = rest.strip_prefix('(')?.strip_suffix(')')?;
        inner.split(',').map(|n| n.trim().parse().ok()).collect()
    };
    for base in ["character varying", "bit varying"] {
        if let (Some(a), Some(b)) = (args(old, base), args(new, base)) {
            return b.is_empty() || (!a.is_empty() && b[0] >= a[0]);
        }
    }
    if args(old, "character varying").is_some() && new == "text" {
        return true;
    }
    if let (Some(a), Some(b)) = (args(old, "numeric"), args(new, "numeric")) {
        return b.is_empty() || (a.len() == 2 && b.len() == 2 && b[0] >= a[0] && b[1] == a[1]);
    }
    matches!((old, new), ("cidr", "inet") | ("text", "character varying") | ("xml", "text"))
}

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Column)
        .filter(|c| c.change.compares() && ctx.on_existing_table(c))
        .filter_map(|change| {
            let detail = change.details.iter().find(|d| d.property == Property::Type)?;
            let (old, new) = (detail.from.as_deref()?, detail.to.as_deref()?);
            if binary_coercible(old, new) {
                Some(
                    hit(change, Level::Low, format!("{}: {old} → {new} needs no rewrite", change.object))
                        .with(Effect::catalog_only(Lock::AccessExclusive)),
                )
            } else {
                Some(
                    hit(
                        change,
                        Level::High,
                        format!("{}: {old} → {new} rewrites {} under an exclusive lock", change.object, parent(change)),
                    )
                    .with(Effect::REWRITE),
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::binary_coercible;

    #[test]
    fn the_table_of_safe_type_changes() {
        assert!(binary_coercible("character varying(20)", "character varying(40)"));
        assert!(binary_coercible("character varying(20)", "text"));
        assert!(binary_coercible("character varying(20)", "character varying"));
        assert!(binary_coercible("numeric(10,2)", "numeric(12,2)"));
        assert!(binary_coercible("numeric(10,2)", "numeric"));
        assert!(!binary_coercible("character varying(40)", "character varying(20)"));
        assert!(!binary_coercible("numeric(10,2)", "numeric(12,3)"));
        assert!(!binary_coercible("integer", "bigint"));
        assert!(!binary_coercible("numeric", "double precision"));
    }
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_integer_to_bigint_rewrites_the_table() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k bigint);"#
        ));
    }

    #[test]
    fn fires_on_a_wider_varchar_needs_no_rewrite() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a character varying(20));"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a character varying(40));"#
        ));
    }

    #[test]
    fn does_not_fire_on_only_the_default_changes() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text DEFAULT 'x'::text, k integer);"#
            ),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_the_table_is_new() {
        assert_eq!(
            findings(RULE.id, r#""#, r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#),
            ""
        );
    }
}
