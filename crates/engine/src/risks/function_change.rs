//! Functions added with a changed signature, removed, or changing their security.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "function-change",
    category: Category::AppBreakage,
    why: "A function's signature is its identity: a changed argument list is a new function, and callers of the old one fail once it is dropped. A changed return type needs DROP and CREATE (callers break in between). SECURITY DEFINER runs with the owner's rights: without a fixed search_path it can be hijacked.",
    mitigation: "Keep the old signature until callers have moved (overloads can coexist); set search_path on SECURITY DEFINER functions; review body changes like code.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    let mut out = Vec::new();
    // The names `to` has functions under: a removal with another of its name left is a new signature.
    let mut to_names: Option<std::collections::HashSet<&crate::catalog::QualifiedName>> = None;
    for change in ctx.changes_of(ObjectKind::Function) {
        let old = ctx.from.functions.get(&change.object);
        let new = ctx.to.functions.get(&change.object);
        match change.change {
            ChangeKind::Removed => {
                let to_names = to_names.get_or_insert_with(|| ctx.to.functions.values().map(|f| &f.name).collect());
                let replaced = old.is_some_and(|o| to_names.contains(&o.name));
                let finding = if replaced {
                    format!("function {} changes its signature: callers of the old one fail", change.object)
                } else {
                    format!("function {} is dropped: callers fail", change.object)
                };
                out.push(hit(change, Level::High, finding));
            }
            ChangeKind::Added => {
                let unpinned = |f: &&crate::catalog::Function| {
                    f.security_definer && !f.set_options.iter().any(|o| o.starts_with("search_path"))
                };
                if new.is_some_and(|f| unpinned(&f)) {
                    out.push(hit(
                        change,
                        Level::Medium,
                        format!("function {} is SECURITY DEFINER without a fixed search_path", change.object),
                    ));
                }
            }
            _ => {
                let (Some(old), Some(new)) = (old, new) else { continue };
                if old.security_definer != new.security_definer {
                    let what =
                        if new.security_definer { "becomes SECURITY DEFINER" } else { "is no longer SECURITY DEFINER" };
                    out.push(hit(change, Level::High, format!("function {} {what}", change.object)));
                } else if old.returns != new.returns {
                    out.push(hit(
                        change,
                        Level::High,
                        format!("function {} changes its return type: it is dropped and created again", change.object),
                    ));
                } else {
                    out.push(hit(change, Level::Low, format!("function {} changes its definition", change.object)));
                }
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
    fn fires_on_a_new_security_definer_function_without_a_search_path() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#""#,
            r#"CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;"#
        ));
    }

    #[test]
    fn fires_on_a_function_is_dropped() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;"#,
            r#""#
        ));
    }

    #[test]
    fn fires_on_a_function_changes_its_body() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;"#,
            r#"CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql AS $$ SELECT 2 $$;"#
        ));
    }

    #[test]
    fn does_not_fire_on_a_new_security_definer_function_with_a_search_path() {
        assert_eq!(
            findings(
                RULE.id,
                r#""#,
                r#"CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql SECURITY DEFINER SET search_path TO 'pg_catalog' AS $$ SELECT 1 $$;"#
            ),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_a_new_plain_function() {
        assert_eq!(
            findings(RULE.id, r#""#, r#"CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;"#),
            ""
        );
    }
}
