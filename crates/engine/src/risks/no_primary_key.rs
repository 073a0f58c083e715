//! Tables without a primary key among those the migration creates or changes.

use super::{Category, Context, Hit, Level, Rule};
use crate::catalog::ConstraintKind;

pub(super) const RULE: Rule = Rule {
    id: "no-primary-key",
    category: Category::Correctness,
    why: "Without a primary key, rows cannot be told apart reliably: logical replication cannot replicate UPDATE and DELETE (no replica identity), ORMs cannot update single rows, and duplicates creep in.",
    mitigation: "Add a primary key (an identity column if nothing natural exists), or at least a unique index used as REPLICA IDENTITY.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.touched_tables()
        .into_iter()
        .filter(|name| {
            let table = &ctx.to.tables[*name];
            table.partition_of.is_none()
                && !table.created_as_query
                && !table.constraints.values().any(|c| c.kind == ConstraintKind::PrimaryKey)
                && crate::catalog::tracking_tool(name).is_none()
        })
        .map(|name| Hit {
            object_kind: "table",
            object: name.to_string(),
            level: Level::Medium,
            finding: format!("{name} has no primary key"),
        })
        .collect()
}
