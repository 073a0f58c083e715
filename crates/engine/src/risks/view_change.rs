//! Views and materialized views changed.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::ChangeKind;

pub(super) const RULE: Rule = Rule {
    id: "view-change",
    category: Category::AppBreakage,
    why: "A view whose columns change cannot be replaced in place: it is dropped and created again, and views that depend on it with it; a recreated materialized view is empty until refreshed, and refreshing locks it unless done CONCURRENTLY (which needs a unique index).",
    mitigation: "The script drops and recreates dependent views in one transaction; refresh materialized views afterwards (REFRESH MATERIALIZED VIEW CONCURRENTLY where a unique index exists).",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ["view", "materialized_view"]
        .iter()
        .flat_map(|kind| ctx.changes(kind))
        .filter(|c| c.change != ChangeKind::Added)
        .map(|change| {
            let kind = change.object_kind.replace('_', " ");
            let dependents = ctx
                .from
                .views
                .iter()
                .filter(|(name, view)| name.to_string() != change.object && view.definition.contains(&change.object))
                .count();
            let verb = if change.change == ChangeKind::Removed { "is dropped" } else { "changes" };
            let level =
                if dependents > 0 || change.object_kind == "materialized_view" { Level::High } else { Level::Medium };
            let tail = if dependents > 0 { format!("; {dependents} views depend on it") } else { String::new() };
            hit(change, level, format!("{kind} {} {verb}{tail}", change.object))
        })
        .collect()
}
