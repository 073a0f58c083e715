//! Backward compatibility: for each change, does the application written for `from` keep working
//! once the migration ran, and does the application written for `to` work before it ran — and so
//! which goes first, the migration or the deploy.

use crate::catalog::Catalog;
use crate::diff::{Change, ChangeKind, Diff, ObjectKind, Property};
use crate::risks::{Level, Risk};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Works {
    Yes,
    /// Depends on what the code does (e.g. whether it writes NULLs).
    Maybe,
    No,
}

impl Works {
    pub fn label(self) -> &'static str {
        match self {
            Works::Yes => "yes",
            Works::Maybe => "depends",
            Works::No => "no",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// Either order works.
    Either,
    /// Run the migration, then deploy the code.
    MigrateFirst,
    /// Deploy the code, then run the migration (its cleanup phase).
    DeployFirst,
    /// Neither order works: expand (add the new form), deploy, then contract (remove the old one).
    ExpandContract,
}

impl Order {
    pub fn label(self) -> &'static str {
        match self {
            Order::Either => "either order",
            Order::MigrateFirst => "migrate first",
            Order::DeployFirst => "deploy first",
            Order::ExpandContract => "expand/contract in two steps",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compatibility {
    pub object_kind: ObjectKind,
    pub object: String,
    pub change: ChangeKind,
    /// Does the code written for `from` work after the migration?
    pub old_code_after_migration: Works,
    /// Does the code written for `to` work before the migration?
    pub new_code_before_migration: Works,
    pub order: Order,
    /// Most reasons are the same words in every row: kept once (`Cow::Borrowed`).
    pub reason: std::borrow::Cow<'static, str>,
}

fn entry(
    change: &Change,
    old_after: Works,
    new_before: Works,
    reason: impl Into<std::borrow::Cow<'static, str>>,
) -> Compatibility {
    let order = match (old_after, new_before) {
        (Works::Yes, Works::Yes) => Order::Either,
        (Works::Yes, _) => Order::MigrateFirst,
        (_, Works::Yes) => Order::DeployFirst,
        _ => Order::ExpandContract,
    };
    Compatibility {
        object_kind: change.object_kind,
        object: change.object.clone(),
        change: change.change,
        old_code_after_migration: old_after,
        new_code_before_migration: new_before,
        order,
        reason: reason.into(),
    }
}

/// A change in behaviour rather than in shape: either order works if the code does not depend on
/// the old behaviour, which only a review can tell.
fn review(change: &Change, reason: impl Into<std::borrow::Cow<'static, str>>) -> Compatibility {
    Compatibility { order: Order::Either, ..entry(change, Works::Maybe, Works::Maybe, reason) }
}

/// The compatibility of each change that application code can notice, in diff order.
pub fn compatibility(_from: &Catalog, to: &Catalog, diff: &Diff) -> Vec<Compatibility> {
    use Works::{Maybe, No, Yes};
    let mut out = Vec::new();
    for change in &diff.changes {
        let kind = change.object_kind.words();
        let item = match (change.object_kind, change.change) {
            (_, ChangeKind::Renamed) => {
                entry(change, No, No, "the old name is gone after the migration, the new one missing before it")
            }
            (object_kind, ChangeKind::Added) if code_names(object_kind) => {
                // A fixed sentence per kind: kept once for the process.
                entry(
                    change,
                    Yes,
                    No,
                    crate::interned::intern(&format!(
                        "new code uses the {kind}, which exists only after the migration"
                    )),
                )
            }
            (object_kind, ChangeKind::Removed) if code_names(object_kind) => entry(
                change,
                No,
                Yes,
                crate::interned::intern(&format!("old code may still use the {kind}: drop it after the deploy")),
            ),
            (ObjectKind::Column, ChangeKind::Added) => {
                let column =
                    change.key.member().and_then(|(table, column)| to.tables.get(table).and_then(|t| t.column(column)));
                let required = column.is_some_and(|c| {
                    c.not_null && c.default.is_none() && c.more.identity.is_none() && c.more.generated.is_none()
                });
                if required {
                    entry(change, No, No, "NOT NULL without a default: old code inserting without it fails; add it nullable, deploy, then require it")
                } else {
                    entry(
                        change,
                        Yes,
                        No,
                        "new code reads and writes the column, which exists only after the migration",
                    )
                }
            }
            (ObjectKind::Column, ChangeKind::Removed) => entry(
                change,
                No,
                Yes,
                "old code reading or writing the column fails: stop using it, deploy, then drop it",
            ),
            (ObjectKind::Column, ChangeKind::Altered) => {
                let property = |name: Property| change.details.iter().find(|d| d.property == name);
                if let Some(detail) = property(Property::Type) {
                    let (old, new) = (detail.from.as_deref().unwrap_or(""), detail.to.as_deref().unwrap_or(""));
                    if crate::risks::binary_coercible(old, new) {
                        entry(change, Yes, Yes, format!("{old} → {new} accepts the same values and more"))
                    } else {
                        entry(change, Maybe, Maybe, format!("{old} → {new}: code that depends on the type must handle both, or move to a new column in two steps"))
                    }
                } else if property(Property::NotNull).is_some_and(|d| d.to.is_some()) {
                    entry(
                        change,
                        Maybe,
                        Yes,
                        "old code that writes NULL fails after the migration: deploy code that always sets it first",
                    )
                } else if property(Property::NotNull).is_some() {
                    entry(change, Yes, Maybe, "new code may write NULL, which fails before the migration")
                } else {
                    entry(change, Yes, Yes, "default or identity change: both versions keep working")
                }
            }
            (ObjectKind::Constraint | ObjectKind::ForeignKey, ChangeKind::Added) => {
                entry(change, Maybe, Yes, "old code that writes rows violating it fails after the migration")
            }
            (ObjectKind::Constraint | ObjectKind::ForeignKey, ChangeKind::Removed) => {
                entry(change, Yes, Maybe, "new code may write rows the constraint still refuses before the migration")
            }
            (ObjectKind::Constraint | ObjectKind::ForeignKey, ChangeKind::Altered) => {
                review(change, "the rule for valid rows changes: check what each version writes")
            }
            (ObjectKind::Type, ChangeKind::Added) => entry(change, Yes, No, "new code uses the type"),
            (ObjectKind::Type, ChangeKind::Removed) => entry(change, No, Yes, "old code may still use the type"),
            (ObjectKind::Type, ChangeKind::Altered) => {
                let removed = change.details.iter().any(|d| {
                    let (old, new) = (d.from.as_deref().unwrap_or(""), d.to.as_deref().unwrap_or(""));
                    d.property == Property::Labels && old.split(", ").any(|l| !new.split(", ").any(|n| n == l))
                });
                if removed {
                    entry(
                        change,
                        No,
                        Maybe,
                        "values that old code writes disappear; new code's new values are refused before",
                    )
                } else {
                    entry(change, Yes, No, "new code writes values that exist only after the migration")
                }
            }
            (
                ObjectKind::Function | ObjectKind::View | ObjectKind::MaterializedView | ObjectKind::Trigger,
                ChangeKind::Altered,
            ) => review(change, format!("the {kind} behaves differently: check what each version of the code expects")),
            (ObjectKind::Trigger, _) => review(change, "writes behave differently with and without the trigger"),
            (ObjectKind::Policy | ObjectKind::Grant, _) => {
                review(change, "which rows or objects each role may use changes: test as the application's role")
            }
            _ => continue,
        };
        out.push(item);
    }
    out
}

/// The deploy order for the whole release, in one sentence.
pub fn recommendation(entries: &[Compatibility], risks: &[Risk]) -> String {
    let has = |order: Order| entries.iter().any(|e| e.order == order);
    let mut text = if entries.is_empty() {
        "No change that application code can notice: deploy in either order.".to_string()
    } else if has(Order::ExpandContract) {
        let names: Vec<&str> =
            entries.iter().filter(|e| e.order == Order::ExpandContract).map(|e| e.object.as_str()).take(3).collect();
        format!(
            "Expand/contract: some changes break both versions of the code ({}); split them into an additive migration, a deploy, and a later cleanup.",
            names.join(", ")
        )
    } else if has(Order::MigrateFirst) && has(Order::DeployFirst) {
        "Run phases 1–3 of the migration, deploy the new code, then run the cleanup phase.".to_string()
    } else if has(Order::DeployFirst) {
        "Deploy the new code first, then run the migration.".to_string()
    } else if has(Order::MigrateFirst) {
        "Run the migration first, then deploy the new code.".to_string()
    } else {
        "Deploy in either order.".to_string()
    };
    if risks.iter().any(|r| r.level == Level::High) {
        text.push_str(" High risks need review before the migration runs.");
    }
    text
}

/// Objects application code names directly (queries a table, calls a function): one that comes
/// or goes breaks the code written for the other side.
fn code_names(kind: ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::Table
            | ObjectKind::View
            | ObjectKind::MaterializedView
            | ObjectKind::Function
            | ObjectKind::Sequence
            | ObjectKind::Schema
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_catalog, diff, read, DiffOptions};

    #[test]
    fn each_kind_of_change_gets_its_order() {
        let from = build_catalog(&read(
            "CREATE TABLE t (id int PRIMARY KEY, old_col text, n varchar(10), x int); CREATE TABLE gone (id int);",
        ));
        let to = build_catalog(&read(
            "CREATE TABLE t (id int PRIMARY KEY, n varchar(20), x int NOT NULL, fresh text, needed text NOT NULL); CREATE TABLE new_t (id int);",
        ));
        let result = diff(&from, &to, &DiffOptions::default());
        let entries = compatibility(&from, &to, &result);
        let order = |object: &str| entries.iter().find(|e| e.object == object).map(|e| e.order);
        assert_eq!(order("public.new_t"), Some(Order::MigrateFirst));
        assert_eq!(order("public.gone"), Some(Order::DeployFirst));
        assert_eq!(order("public.t.fresh"), Some(Order::MigrateFirst));
        assert_eq!(order("public.t.needed"), Some(Order::ExpandContract));
        assert_eq!(order("public.t.old_col"), Some(Order::DeployFirst));
        assert_eq!(order("public.t.n"), Some(Order::Either));
        assert_eq!(order("public.t.x"), Some(Order::DeployFirst));
        assert!(recommendation(&entries, &[]).starts_with("Expand/contract"));
    }
}
