//! The testing strategy and the post-migration checklist, derived from the actual changes: each
//! item names the objects it is about and, where a query can check it, the query.

use super::{ChangeRow, NewTable, TypeChange};
use crate::diff::{ChangeKind, ObjectKind, Property};
use crate::release::Release;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A titled list of things to do. Serialized as `{ "title": …, "items": […] }` whatever its kind.
#[derive(Debug, Clone)]
pub struct Checklist(Kind);

#[derive(Debug, Clone)]
enum Kind {
    Listed(Listed),
    /// The checklist of one new table: its title and items are made when asked. A report of many
    /// new tables has one per table, and would otherwise hold the same two sentences for each.
    NewTable {
        table: String,
        comment: Option<String>,
    },
}

/// The written-out form: what is serialized, and what reads back.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename = "Checklist")]
struct Listed {
    title: String,
    items: Vec<Item>,
}

impl Checklist {
    pub fn new(title: impl Into<String>, items: Vec<Item>) -> Checklist {
        Checklist(Kind::Listed(Listed { title: title.into(), items }))
    }

    fn new_table(table: &str, comment: Option<&str>) -> Checklist {
        Checklist(Kind::NewTable { table: table.to_string(), comment: comment.map(str::to_string) })
    }

    pub fn title(&self) -> Cow<'_, str> {
        match &self.0 {
            Kind::Listed(list) => Cow::Borrowed(&list.title),
            Kind::NewTable { table, .. } => Cow::Owned(format!("New table {table}")),
        }
    }

    pub fn items(&self) -> Cow<'_, [Item]> {
        match &self.0 {
            Kind::Listed(list) => Cow::Borrowed(&list.items),
            Kind::NewTable { table, comment } => {
                let mut deploy = t("Deploy the code that writes and reads ").c(table.clone());
                if let Some(comment) = comment {
                    deploy = deploy.t(format!(" ({comment})"));
                }
                let watch = t("Watch its growth and errors: ").c(format!("SELECT count(*) FROM {table}")).t(".");
                Cow::Owned(vec![deploy.t("."), watch])
            }
        }
    }

    fn listed(&self) -> Cow<'_, Listed> {
        match &self.0 {
            Kind::Listed(list) => Cow::Borrowed(list),
            Kind::NewTable { .. } => {
                Cow::Owned(Listed { title: self.title().into_owned(), items: self.items().into_owned() })
            }
        }
    }
}

impl PartialEq for Checklist {
    fn eq(&self, other: &Checklist) -> bool {
        self.title() == other.title() && self.items() == other.items()
    }
}

impl Eq for Checklist {}

impl Serialize for Checklist {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.listed().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Checklist {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Checklist, D::Error> {
        Listed::deserialize(deserializer).map(|list| Checklist(Kind::Listed(list)))
    }
}

/// One item: prose and code (names, queries) kept apart, so that each renderer escapes names from
/// the dumps as code and nothing in them can turn into markup.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item(pub Vec<Span>);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Span {
    /// Prose: most of it the same words in every report, kept once (`Cow::Borrowed`).
    Text(Cow<'static, str>),
    Code(Cow<'static, str>),
}

impl Item {
    fn t(mut self, text: impl Into<Cow<'static, str>>) -> Item {
        self.0.push(Span::Text(text.into()));
        self
    }

    fn c(mut self, code: impl Into<Cow<'static, str>>) -> Item {
        self.0.push(Span::Code(code.into()));
        self
    }

    /// Names as code, separated by commas.
    fn names(mut self, names: &[&str]) -> Item {
        // Exact room: an item may name every table of a large release.
        self.0.reserve(names.len() * 2);
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                self.0.push(Span::Text(Cow::Borrowed(", ")));
            }
            self.0.push(Span::Code(Cow::Owned((*name).to_string())));
        }
        self
    }

    /// The item as plain text (names unquoted).
    pub fn plain(&self) -> String {
        self.0
            .iter()
            .map(|s| match s {
                Span::Text(t) | Span::Code(t) => t.as_ref(),
            })
            .collect()
    }
}

fn t(text: impl Into<Cow<'static, str>>) -> Item {
    Item::default().t(text)
}

/// What the lists are derived from.
pub(super) struct Facts<'a> {
    pub release: &'a Release,
    pub changes: &'a [ChangeRow],
    pub new_tables: &'a [NewTable],
    pub type_changes: &'a [TypeChange],
}

impl Facts<'_> {
    fn objects(&self, kind: ObjectKind, change: ChangeKind) -> Vec<&str> {
        self.changes.iter().filter(|c| c.object_kind == kind && c.change == change).map(|c| c.object.as_str()).collect()
    }

    fn has_risk(&self, rule: &str) -> bool {
        self.release.risks.iter().any(|r| r.rule == rule)
    }
}

/// Before the migration runs in production.
pub(super) fn testing(facts: &Facts<'_>, from: &str, to: &str) -> Vec<Checklist> {
    let mut out = Vec::new();
    if facts.changes.is_empty() {
        return out;
    }
    let mut schema = vec![
        t("Restore a recent copy of the database dumped as ")
            .c(from.to_string())
            .t(" and run the migration on it with ")
            .c("psql -v ON_ERROR_STOP=1 -f migration.sql")
            .t("; every phase must finish without error."),
        t("Dump the migrated copy with ")
            .c("pg_dump --schema-only")
            .t(" and compare it with ")
            .c(to.to_string())
            .t(" (")
            .c(format!("schemadrift diff migrated.sql {to}"))
            .t("): it must report no difference."),
    ];
    let constraints: Vec<&str> = facts
        .changes
        .iter()
        .filter(|c| {
            matches!(c.object_kind, ObjectKind::Constraint | ObjectKind::ForeignKey) && c.change != ChangeKind::Removed
        })
        .map(|c| c.object.as_str())
        .collect();
    if !constraints.is_empty() {
        schema.push(
            t("Check that existing rows satisfy the new or changed constraints ")
                .names(&constraints)
                .t(" before VALIDATE CONSTRAINT runs (it fails on the first violating row)."),
        );
    }
    let not_null: Vec<&str> = facts
        .changes
        .iter()
        .filter(|c| c.details.iter().any(|d| d.property == Property::NotNull && d.to.as_deref() == Some("true")))
        .map(|c| c.object.as_str())
        .collect();
    if !not_null.is_empty() {
        schema.push(
            t("Count NULLs in the columns that become NOT NULL (")
                .names(&not_null)
                .t("): ")
                .c("SELECT count(*) FROM <table> WHERE <column> IS NULL")
                .t(" must be 0."),
        );
    }
    out.push(Checklist::new("Schema validation", schema));

    let mut data = Vec::new();
    for change in facts.type_changes {
        let mut item = t("Convert ")
            .c(format!("{}.{}", change.table, change.column))
            .t(format!(" from {} to {} on a copy of the data (", change.from, change.to))
            .c(format!("SELECT {}::{} FROM {}", change.column, change.to, change.table))
            .t("): no error, no value changed beyond precision");
        if change.rewrites {
            item = item.t("; time the table rewrite, which holds an exclusive lock");
        }
        data.push(item.t("."));
    }
    let added_columns = facts.objects(ObjectKind::Column, ChangeKind::Added);
    if !added_columns.is_empty() {
        data.push(
            t("Check the new columns ")
                .names(&added_columns)
                .t(" on existing rows and on rows inserted by the old code: defaults filled in, NULL where none."),
        );
    }
    let dropped: Vec<&str> = facts
        .changes
        .iter()
        .filter(|c| matches!(c.object_kind, ObjectKind::Table | ObjectKind::Column) && c.change == ChangeKind::Removed)
        .map(|c| c.object.as_str())
        .collect();
    if !dropped.is_empty() {
        data.push(
            t("Back up what the cleanup phase drops with its data (")
                .names(&dropped)
                .t("), and confirm no code reads it."),
        );
    }
    if !data.is_empty() {
        out.push(Checklist::new("Data migration", data));
    }

    let mut performance = Vec::new();
    let built = facts.objects(ObjectKind::Index, ChangeKind::Added);
    if !built.is_empty() {
        performance.push(
            t(format!("Time the {} index builds on production-sized data (", built.len()))
                .names(&built)
                .t("); CONCURRENTLY builds take longer and must not run inside a transaction."),
        );
    }
    if facts.has_risk("vector-index-change") {
        performance
            .push(t("Benchmark nearest-neighbour queries with the old and the new vector index: recall against an \
             exact search, latency at the ef_search / probes settings you will use."));
    }
    let dropped_indexes = facts.objects(ObjectKind::Index, ChangeKind::Removed);
    if !dropped_indexes.is_empty() {
        performance.push(
            t("Check whether queries still use the indexes that go (")
                .names(&dropped_indexes)
                .t("): ")
                .c("SELECT indexrelname, idx_scan FROM pg_stat_user_indexes")
                .t(" on production, and EXPLAIN the queries that did."),
        );
    }
    if !performance.is_empty() {
        out.push(Checklist::new("Performance", performance));
    }

    let mut compatibility = Vec::new();
    if facts.release.compatibility.iter().any(|c| c.old_code_after_migration != crate::compat::Works::Yes) {
        compatibility.push(
            t("Run the tests of the code now deployed (written for ")
                .c(from.to_string())
                .t(") against the migrated copy: the changes marked as breaking or to review in the \
                   compatibility table must pass or be covered by the deploy order."),
        );
    }
    compatibility.push(t("Run the new code's tests (written for ").c(to.to_string()).t(") against the migrated copy."));
    out.push(Checklist::new("Backward compatibility", compatibility));

    let mut rollback = vec![
        t("Run the rollback script on the migrated copy and compare its dump with the original: it must \
           report no difference."),
        t("Keep a schema-only dump of production taken just before the migration."),
    ];
    if !dropped.is_empty() || !facts.type_changes.is_empty() {
        rollback
            .push(t("Note what the rollback cannot bring back (dropped data, values narrowed by type changes): the \
             rollback script lists it in its header."));
    }
    out.push(Checklist::new("Rollback plan", rollback));
    out
}

/// After the migration: what to switch on and watch, object by object.
pub(super) fn post_migration(facts: &Facts<'_>) -> Vec<Checklist> {
    let mut out = Vec::new();
    for table in facts.new_tables {
        out.push(Checklist::new_table(&table.table, table.comment.as_deref()));
    }
    let new_tables: Vec<&str> = facts.new_tables.iter().map(|t| t.table.as_str()).collect();
    let columns: Vec<&str> = facts
        .objects(ObjectKind::Column, ChangeKind::Added)
        .into_iter()
        .filter(|c| !new_tables.iter().any(|t| c.strip_prefix(t).is_some_and(|rest| rest.starts_with('.'))))
        .collect();
    if !columns.is_empty() {
        out.push(Checklist::new(
            "New columns",
            vec![
                t("Deploy the code that uses ").names(&columns).t("."),
                t("Backfill the columns that need values for existing rows, in batches."),
            ],
        ));
    }
    let mut database = Vec::new();
    if !facts.objects(ObjectKind::Index, ChangeKind::Added).is_empty() {
        database.push(
            t("No invalid index is left by an interrupted CONCURRENTLY build: ")
                .c("SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid")
                .t(" returns nothing."),
        );
    }
    if facts.changes.iter().any(|c| matches!(c.object_kind, ObjectKind::Constraint | ObjectKind::ForeignKey)) {
        database.push(
            t("Every constraint is validated: ")
                .c("SELECT conrelid::regclass, conname FROM pg_constraint WHERE NOT convalidated")
                .t(" returns nothing."),
        );
    }
    let mut touched: Vec<&str> = facts
        .type_changes
        .iter()
        .map(|t| t.table.as_str())
        .chain(facts.new_tables.iter().map(|t| t.table.as_str()))
        .collect();
    touched.dedup();
    if !touched.is_empty() {
        database
            .push(t("ANALYZE the new and rewritten tables (").names(&touched).t(") so the planner has statistics."));
    }
    let cleanup: Vec<&str> = facts
        .changes
        .iter()
        .filter(|c| {
            c.change == ChangeKind::Removed
                && matches!(c.object_kind, ObjectKind::Table | ObjectKind::Column | ObjectKind::Index)
        })
        .map(|c| c.object.as_str())
        .collect();
    if !cleanup.is_empty() {
        database.push(
            t("Run the cleanup phase only after the new code is deployed and verified; it drops ")
                .names(&cleanup)
                .t("."),
        );
    }
    if !database.is_empty() {
        out.push(Checklist::new("Database", database));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_tables_checklist_is_made_when_asked_and_reads_back_equal() {
        let list = Checklist::new_table("public.orders", Some("what was bought"));
        assert_eq!(list.title(), "New table public.orders");
        let plain: Vec<String> = list.items().iter().map(Item::plain).collect();
        assert_eq!(
            plain,
            [
                "Deploy the code that writes and reads public.orders (what was bought).",
                "Watch its growth and errors: SELECT count(*) FROM public.orders."
            ]
        );
        let json = serde_json::to_string(&list).expect("serializes");
        assert!(json.starts_with(r#"{"title":"New table public.orders","items":[[{"text":"Deploy"#), "{json}");
        let back: Checklist = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, list, "the written-out form equals the one made when asked");
        assert_ne!(back, Checklist::new_table("public.order", None));
    }
}
