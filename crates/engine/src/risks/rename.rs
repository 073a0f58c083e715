//! A confirmed rename.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::ChangeKind;

pub(super) const RULE: Rule = Rule {
    id: "rename",
    category: Category::AppBreakage,
    why: "A rename is instant, but code that runs during and after the migration with the old name fails at once: there is no moment at which both old and new code work.",
    mitigation: "Expand and contract: add the new name (a new column kept in sync by a trigger, or a view with the old name), deploy code that uses the new name, then remove the old one.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.diff
        .changes
        .iter()
        .filter(|c| c.change == ChangeKind::Renamed)
        .map(|change| {
            let old = change.details.first().and_then(|d| d.from.clone()).unwrap_or_default();
            hit(change, Level::High, format!("{} {old} is renamed to {}", change.object_kind.words(), change.object))
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires_with};

    #[test]
    fn fires_on_a_confirmed_column_rename() {
        let rename = crate::diff::Rename {
            object_kind: crate::diff::ObjectKind::Column,
            from: "public.t.fullname".into(),
            to: "public.t.full_name".into(),
        };
        let options = crate::DiffOptions { renames: vec![rename], ..crate::DiffOptions::default() };
        insta::assert_snapshot!(fires_with(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, fullname text);"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, full_name text);"#,
            &options
        ));
    }

    #[test]
    fn does_not_fire_on_an_unconfirmed_rename_candidate() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, fullname text);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, full_name text);"#
            ),
            ""
        );
    }
}
