//! A domain's constraints, default or NOT NULL changed.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::catalog::TypeDef;
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "domain-change",
    category: Category::Correctness,
    why: "ALTER DOMAIN … ADD CONSTRAINT or SET NOT NULL checks every column of every table that uses the domain, under locks, and fails if a stored value violates it; values that were accepted before are refused afterwards.",
    mitigation: "Find violating values first; add domain constraints NOT VALID and VALIDATE them separately.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Type)
        .filter(|c| c.change == ChangeKind::Altered)
        .filter(|c| c.key.find(&ctx.to.types).is_some_and(|(_, t)| matches!(t, TypeDef::Domain { .. })))
        .map(|change| {
            let what: Vec<&str> = change.details.iter().map(|d| d.property.as_str()).collect();
            hit(change, Level::Medium, format!("domain {} changes: {}", change.object, what.join(", ")))
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_a_domain_gains_a_check() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE DOMAIN public.pos AS integer;"#,
            r#"CREATE DOMAIN public.pos AS integer CONSTRAINT pos_check CHECK (VALUE > 0);"#
        ));
    }

    #[test]
    fn does_not_fire_on_an_enum_changes() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TYPE public.mood AS ENUM ('sad', 'ok');"#,
                r#"CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');"#
            ),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_a_new_domain() {
        assert_eq!(
            findings(RULE.id, r#""#, r#"CREATE DOMAIN public.pos AS integer CONSTRAINT pos_check CHECK (VALUE > 0);"#),
            ""
        );
    }
}
