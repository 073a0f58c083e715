//! Views and materialized views changed.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "view-change",
    category: Category::AppBreakage,
    why: "A view whose columns change cannot be replaced in place: it is dropped and created again, and views that depend on it with it; a recreated materialized view is empty until refreshed, and refreshing locks it unless done CONCURRENTLY (which needs a unique index).",
    mitigation: "The script drops and recreates dependent views in one transaction; refresh materialized views afterwards (REFRESH MATERIALIZED VIEW CONCURRENTLY where a unique index exists).",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    let changed: Vec<_> = [ObjectKind::View, ObjectKind::MaterializedView]
        .into_iter()
        .flat_map(|kind| ctx.changes_of(kind))
        .filter(|c| c.change != ChangeKind::Added)
        .collect();
    if changed.is_empty() {
        return Vec::new();
    }
    // The views of `from` naming each changed one (as a word: `public.v1` is not named by
    // `public.v10`), found in one pass over each definition.
    let objects: std::collections::BTreeSet<&String> = changed.iter().map(|c| &c.object).collect();
    let names = crate::sql::Names::new(objects.into_iter().cloned());
    let mut dependents: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (name, view) in &ctx.from.views {
        let own = name.to_string();
        for named in names.named_in(&view.definition).into_iter().filter(|n| *n != own) {
            *dependents.entry(named).or_default() += 1;
        }
    }
    changed
        .into_iter()
        .map(|change| {
            let kind = change.object_kind.words();
            let dependents = dependents.get(change.object.as_str()).copied().unwrap_or(0);
            let verb = if change.change == ChangeKind::Removed { "is dropped" } else { "changes" };
            let level = if dependents > 0 || change.object_kind == ObjectKind::MaterializedView {
                Level::High
            } else {
                Level::Medium
            };
            let tail = match dependents {
                0 => String::new(),
                1 => "; 1 view depends on it".to_string(),
                n => format!("; {n} views depend on it"),
            };
            hit(change, level, format!("{kind} {} {verb}{tail}", change.object))
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_a_view_changes() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE VIEW public.v AS SELECT t.id FROM public.t;"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE VIEW public.v AS SELECT t.id, t.a FROM public.t;"#
        ));
    }

    #[test]
    fn fires_on_a_view_other_views_read_is_dropped() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE VIEW public.v AS SELECT t.id FROM public.t;
CREATE VIEW public.w AS SELECT v.id FROM public.v;"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#
        ));
    }

    #[test]
    fn does_not_fire_on_a_view_is_added() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE VIEW public.v AS SELECT t.id FROM public.t;"#
            ),
            ""
        );
    }
}
