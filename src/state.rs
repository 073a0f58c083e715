//! The app's state as plain Rust: the two sides of the comparison and what each holds.
//!
//! No Leptos here, so the rules (what a failed load keeps, what swap does) are tested natively.

pub use crate::analysis::{Comparison, Export, LoadedDump};
use schemadrift_engine::diff::{Change, ObjectKind, TableEntry};
use schemadrift_engine::input::Database;
use schemadrift_engine::risks::Level;
use schemadrift_engine::{Counts, DiffOptions};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Which side of the comparison: `From` is the database to migrate, `To` the schema to reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    From,
    To,
}

impl Side {
    pub fn id(self) -> &'static str {
        match self {
            Side::From => "from",
            Side::To => "to",
        }
    }
}

/// What a side is doing right now, besides holding its last good dump.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Activity {
    #[default]
    Idle,
    /// `step` says what is happening (reading, parsing), `percent` how far parsing is.
    Reading {
        file_name: String,
        bytes: usize,
        step: String,
        percent: u8,
    },
    Failed {
        file_name: String,
        message: String,
    },
    /// A `pg_dumpall` file: the user picks the database to compare.
    Choosing {
        file_name: String,
        databases: Vec<Database>,
    },
}

/// Where a side's dump came from, so it can be read again: after the user picks a database of a
/// `pg_dumpall` file, and after the worker stopped (a new worker is given what the old one held).
/// `B` is the browser's `Blob` (the file stays where the browser keeps it; nothing is copied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source<B> {
    /// The embedded demo's dump of that side.
    Demo(Side),
    File {
        blob: B,
        file_name: String,
        database: Option<String>,
    },
}

/// What each side holds and what it is reading, as sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldFiles<B> {
    pub held: [Option<Source<B>>; 2],
    pub pending: [Option<Source<B>>; 2],
}

impl<B> Default for HeldFiles<B> {
    fn default() -> Self {
        HeldFiles { held: [None, None], pending: [None, None] }
    }
}

/// A step that brings a new worker to what the old one held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay<B> {
    Demo,
    Swap,
    Load(Side, Source<B>),
}

fn slot(side: Side) -> usize {
    match side {
        Side::From => 0,
        Side::To => 1,
    }
}

impl<B: Clone> HeldFiles<B> {
    pub fn start(&mut self, side: Side, source: Source<B>) {
        self.pending[slot(side)] = Some(source);
    }

    pub fn pending(&self, side: Side) -> Option<&Source<B>> {
        self.pending[slot(side)].as_ref()
    }

    /// The side's read ended: what it was reading is what it holds now.
    pub fn loaded(&mut self, side: Side) {
        if let Some(source) = self.pending[slot(side)].take() {
            self.held[slot(side)] = Some(source);
        }
    }

    /// The side's read failed or was cancelled: it keeps what it held.
    pub fn dropped(&mut self, side: Side) {
        self.pending[slot(side)] = None;
    }

    pub fn swap(&mut self) {
        self.held.swap(0, 1);
        self.pending.swap(0, 1);
    }

    /// The requests that make a new worker hold what the old one held: the demo (both sides, in
    /// its order), a swap if a demo side is on the other side, then each side's file.
    pub fn replay(&self) -> Vec<Replay<B>> {
        let mut steps = Vec::new();
        let demo = |at: usize| matches!(self.held[at], Some(Source::Demo(_)));
        if demo(0) || demo(1) {
            steps.push(Replay::Demo);
            let crossed = matches!(self.held[0], Some(Source::Demo(Side::To)))
                || matches!(self.held[1], Some(Source::Demo(Side::From)));
            if crossed {
                steps.push(Replay::Swap);
            }
        }
        for (side, held) in [Side::From, Side::To].into_iter().zip(&self.held) {
            if let Some(file @ Source::File { .. }) = held {
                steps.push(Replay::Load(side, file.clone()));
            }
        }
        steps
    }
}

/// One side: the last dump read successfully, and the current activity.
/// A failed load never discards the dump that was there before.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Panel {
    pub dump: Option<Arc<LoadedDump>>,
    pub activity: Activity,
}

impl Panel {
    pub fn start_reading(&mut self, file_name: &str, bytes: usize) {
        self.activity =
            Activity::Reading { file_name: file_name.to_string(), bytes, step: "reading".into(), percent: 0 };
    }

    /// Updates the progress of the file being read, if it is still the one being read.
    pub fn progress(&mut self, file_name: &str, new_step: &str, new_percent: u8) {
        if let Activity::Reading { file_name: reading, step, percent, .. } = &mut self.activity {
            if reading == file_name {
                *step = new_step.to_string();
                *percent = new_percent;
            }
        }
    }

    /// `bytes` of `file_name` downloaded so far (`percent` of it, when its length is known).
    pub fn downloaded(&mut self, file_name: &str, downloaded: u64, new_percent: u8) {
        if let Activity::Reading { file_name: reading, bytes, percent, .. } = &mut self.activity {
            if reading == file_name {
                *bytes = usize::try_from(downloaded).unwrap_or(usize::MAX);
                *percent = new_percent;
            }
        }
    }

    /// The read of `file_name` was stopped: the side keeps what it held.
    pub fn cancel(&mut self, file_name: &str) {
        if matches!(&self.activity, Activity::Reading { file_name: reading, .. } if reading == file_name) {
            self.activity = Activity::Idle;
        }
    }

    pub fn reading(&self) -> bool {
        matches!(self.activity, Activity::Reading { .. })
    }

    pub fn finish(&mut self, file_name: &str, result: Result<LoadedDump, String>) {
        match result {
            Ok(dump) => {
                self.dump = Some(Arc::new(dump));
                self.activity = Activity::Idle;
            }
            Err(message) => self.activity = Activity::Failed { file_name: file_name.to_string(), message },
        }
    }
}

/// Both sides of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Workspace {
    pub from: Panel,
    pub to: Panel,
}

impl Workspace {
    /// Both sides waiting for the demo comparison, which the worker reads (see demo/).
    pub fn demo() -> Workspace {
        let mut workspace = Workspace::default();
        workspace.await_demo();
        workspace
    }

    /// Both sides wait for the demo; until it arrives they keep what they hold.
    pub fn await_demo(&mut self) {
        for (side, name) in [(Side::From, crate::demo::FROM_NAME), (Side::To, crate::demo::TO_NAME)] {
            self.panel_mut(side).start_reading(name, 0);
            self.panel_mut(side).progress(name, "loading the demo", 0);
        }
    }

    pub fn panel(&self, side: Side) -> &Panel {
        match side {
            Side::From => &self.from,
            Side::To => &self.to,
        }
    }

    pub fn panel_mut(&mut self, side: Side) -> &mut Panel {
        match side {
            Side::From => &mut self.from,
            Side::To => &mut self.to,
        }
    }

    pub fn swap(&mut self) {
        std::mem::swap(&mut self.from, &mut self.to);
    }

    /// Whether a side is being read (swapping then would mix up the sides).
    pub fn reading(&self) -> bool {
        self.from.reading() || self.to.reading()
    }
}

/// The tabs over the list of changes; each shows the changes of some object kinds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    All,
    Tables,
    Columns,
    Indexes,
    Constraints,
    Other,
    Risks,
    Compatibility,
    Migration,
    Report,
}

impl Tab {
    pub const ALL: [Tab; 10] = [
        Tab::All,
        Tab::Tables,
        Tab::Columns,
        Tab::Indexes,
        Tab::Constraints,
        Tab::Other,
        Tab::Risks,
        Tab::Compatibility,
        Tab::Migration,
        Tab::Report,
    ];

    /// Tabs that list change rows (the others show risks, compatibility or the script).
    pub fn lists_changes(self) -> bool {
        !matches!(self, Tab::Tables | Tab::Risks | Tab::Compatibility | Tab::Migration | Tab::Report)
    }

    pub fn id(self) -> &'static str {
        match self {
            Tab::All => "all",
            Tab::Tables => "tables",
            Tab::Columns => "columns",
            Tab::Indexes => "indexes",
            Tab::Constraints => "constraints",
            Tab::Other => "other",
            Tab::Risks => "risks",
            Tab::Compatibility => "compatibility",
            Tab::Migration => "migration",
            Tab::Report => "report",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tab::All => "All changes",
            Tab::Tables => "Tables",
            Tab::Columns => "Columns",
            Tab::Indexes => "Indexes",
            Tab::Constraints => "Constraints",
            Tab::Other => "Other objects",
            Tab::Risks => "Risks",
            Tab::Compatibility => "Compatibility",
            Tab::Migration => "Migration script",
            Tab::Report => "Report & export",
        }
    }

    /// The tab a URL names (`tab=…`), or the first.
    pub fn from_id(id: &str) -> Tab {
        Tab::ALL.into_iter().find(|t| t.id() == id).unwrap_or_default()
    }

    /// Whether changes of this object kind belong on this tab.
    pub fn holds(self, object_kind: ObjectKind) -> bool {
        match self {
            Tab::All => true,
            Tab::Tables => object_kind == ObjectKind::Table,
            Tab::Columns => object_kind == ObjectKind::Column,
            Tab::Indexes => object_kind == ObjectKind::Index,
            Tab::Constraints => object_kind.is_constraint(),
            Tab::Other => {
                !matches!(object_kind, ObjectKind::Table | ObjectKind::Column | ObjectKind::Index)
                    && !object_kind.is_constraint()
            }
            Tab::Risks | Tab::Compatibility | Tab::Migration | Tab::Report => false,
        }
    }
}

/// What the user chose to see: drift controls and filters. Kept in the page's URL, so a link or a
/// reload shows the same view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewState {
    /// The drift controls, confirmed renames and the confirmation of a cut-short dump's removals:
    /// the engine's own options type, as the CLI's flags make it too.
    pub drift: DiffOptions,
    /// The tab of the list of changes.
    pub tab: Tab,
    /// Show only changes of this object kind.
    pub kind: Option<ObjectKind>,
    /// Show only changes whose object name contains this text (case-insensitive).
    pub search: String,
    /// The table shown in the per-table view.
    pub object: Option<String>,
    /// How the rows are ordered.
    pub sort: Sort,
    /// The cell of the risk matrix the risk cards are filtered by: (area, level).
    pub risk: Option<(String, Level)>,
    /// Show only changes whose highest risk is this level.
    pub risk_level: Option<Level>,
    /// The change (`<kind> <object>`) whose statements the migration script highlights.
    pub highlight: Option<String>,
    /// The change (`<kind> <object>`) whose object's definition is open, on both sides.
    pub definition: Option<String>,
    /// Show changes that are the same in several schemas one by one (by default they are one row).
    pub unfold: bool,
    /// Group the list by schema and table (each group a row that folds its changes away).
    pub group: bool,
    /// Dumps to load from URLs (`?from=…&to=…`), kept so that a link keeps working.
    pub urls: [Option<String>; 2],
}

/// The column rows are ordered by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortKey {
    /// The engine's order: kind, then object name.
    #[default]
    Kind,
    Object,
    Change,
    /// Tables by how many changes they have.
    Size,
    /// Changes by their highest risk, most severe first (then those without one).
    Risk,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Sort {
    const KEYS: [(SortKey, &'static str); 5] = [
        (SortKey::Kind, "kind"),
        (SortKey::Object, "object"),
        (SortKey::Change, "change"),
        (SortKey::Size, "size"),
        (SortKey::Risk, "risk"),
    ];

    /// As a URL writes it: `object`, `-object` descending.
    pub fn id(self) -> String {
        let word = Sort::KEYS.iter().find(|(k, _)| *k == self.key).map_or("kind", |(_, w)| w);
        format!("{}{word}", if self.descending { "-" } else { "" })
    }

    /// Reads [`Sort::id`].
    pub fn from_id(id: &str) -> Sort {
        let (descending, word) = match id.strip_prefix('-') {
            Some(word) => (true, word),
            None => (false, id),
        };
        let key = Sort::KEYS.iter().find(|(_, w)| *w == word).map_or(SortKey::Kind, |(k, _)| *k);
        Sort { key, descending }
    }

    /// Sorting by `key`: ascending first, descending on a second click.
    pub fn toggled(self, key: SortKey) -> Sort {
        Sort { key, descending: self.key == key && !self.descending }
    }

    /// The `aria-sort` value of a column header.
    pub fn aria(self, key: SortKey) -> &'static str {
        match (self.key == key, self.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }
    }

    /// Orders rows by their change; ties keep the engine's order, so the result is deterministic.
    pub fn changes<T>(self, rows: &mut [T], change: fn(&T) -> &Change) {
        match self.key {
            // (By risk: `Sort::by_risk`, which knows each change's risk.)
            SortKey::Kind | SortKey::Size | SortKey::Risk => {}
            SortKey::Object => rows.sort_by(|a, b| change(a).object.cmp(&change(b).object)),
            SortKey::Change => rows.sort_by_key(|row| change(row).change),
        }
        if self.descending {
            rows.reverse();
        }
    }

    /// Orders rows by their risk level (`None`: no risk), most severe first; ties keep their order.
    pub fn by_risk<T>(self, rows: &mut [T], level: impl Fn(&T) -> Option<Level>) {
        if self.key == SortKey::Risk {
            rows.sort_by_key(|row| std::cmp::Reverse(level(row)));
            if self.descending {
                rows.reverse();
            }
        }
    }

    /// Orders inventory rows (the engine's order: by status, then name).
    pub fn tables(self, tables: &mut [TableEntry]) {
        match self.key {
            SortKey::Kind | SortKey::Risk => {}
            SortKey::Object => tables.sort_by(|a, b| a.table.cmp(&b.table)),
            SortKey::Change => tables.sort_by_key(|t| t.status),
            SortKey::Size => tables.sort_by_key(|t| std::cmp::Reverse(t.changes)),
        }
        if self.descending {
            tables.reverse();
        }
    }
}

impl ViewState {
    /// The options the comparison runs with.
    pub fn options(&self) -> DiffOptions {
        self.drift.clone()
    }

    /// Whether a change passes the kind filter and the search (in its name and what changed).
    pub fn shows(&self, change: &Change) -> bool {
        self.shows_with(change, None)
    }

    /// Whether a change passes the kind filter and the search, which looks in its name, the old and
    /// new values of what changed (definitions, bodies, expressions) and `sql`, the statements of
    /// the script that carry the change out (an added object's whole definition).
    pub fn shows_with(&self, change: &Change, sql: Option<&str>) -> bool {
        if !self.tab.holds(change.object_kind) || self.kind.is_some_and(|kind| kind != change.object_kind) {
            return false;
        }
        if self.search.is_empty() {
            return true;
        }
        let needle = self.search.to_lowercase();
        let has = |text: &str| text.to_lowercase().contains(&needle);
        has(&change.object)
            || change.details.iter().any(|d| d.from.as_deref().is_some_and(has) || d.to.as_deref().is_some_and(has))
            || sql.is_some_and(has)
    }
}

/// Rows whose change is the same in several schemas (the same change of the same kind to an object
/// of the same name after its schema, with the same details) folded into the first of them: each
/// row with the rows folded into it, in order (none when it stands alone). A multi-tenant release
/// lists one row per change, not one per tenant.
pub fn fold_across_schemas<T>(rows: Vec<T>, change: impl Fn(&T) -> &Change) -> Vec<(T, Vec<T>)> {
    let mut out: Vec<(T, Vec<T>)> = Vec::new();
    let mut first: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for row in rows {
        let c = change(&row);
        let Some((_, rest)) = c.object.split_once('.') else {
            out.push((row, Vec::new()));
            continue;
        };
        let key = format!("{:?}\u{0}{}\u{0}{rest}\u{0}{:?}", c.change, c.object_kind, c.details);
        match first.get(&key) {
            Some(&at) => out[at].1.push(row),
            None => {
                first.insert(key, out.len());
                out.push((row, Vec::new()));
            }
        }
    }
    out
}

/// The schema an object's name starts with (`tenant_a` of `tenant_a.orders.amount`), if any.
pub fn schema_of(object: &str) -> Option<&str> {
    object.split_once('.').map(|(schema, _)| schema)
}

/// The group a change is listed under when the list is grouped: its table (`public.tasks`), or for
/// an object of no table its schema (`public`), or `""` for objects of the database itself
/// (schemas, extensions, roles). Sorted, groups read schema by schema, each schema's own objects
/// before its tables.
pub fn group_of(change: &Change, table: Option<&str>) -> String {
    match table {
        Some(table) => table.to_string(),
        None => schema_of(&change.object).unwrap_or_default().to_string(),
    }
}

/// The object kinds shown per side, with labels for people, in the engine's order.
pub fn count_rows(counts: &Counts) -> Vec<(String, usize)> {
    counts
        .entries()
        .into_iter()
        .map(|(kind, n)| {
            let words = kind.replace('_', " ");
            let mut chars = words.chars();
            let label = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
            (label, n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Analyst, Parsed};

    /// The workspace once the worker has read the demo.
    fn demo() -> (Workspace, Analyst) {
        let mut workspace = Workspace::demo();
        let mut analyst = Analyst::default();
        analyst.demo();
        for side in [Side::From, Side::To] {
            let dump = analyst.side(side).unwrap().dump.clone();
            workspace.panel_mut(side).finish(&dump.file_name.clone(), Ok(dump));
        }
        (workspace, analyst)
    }

    fn demo_changes(options: &DiffOptions) -> Vec<Change> {
        let (_, mut analyst) = demo();
        analyst.set_options(options.clone());
        analyst.compare().unwrap().diff.changes
    }

    #[test]
    fn the_demo_is_awaited_on_both_sides_then_loaded() {
        let waiting = Workspace::demo();
        assert!(waiting.reading());
        let (loaded, _) = demo();
        assert!(!loaded.reading());
        assert_eq!(loaded.from.dump.as_ref().unwrap().file_name, "fieldbook_production.sql");
        assert_eq!(loaded.to.activity, Activity::Idle);
    }

    #[test]
    fn a_failed_load_keeps_the_previous_dump_and_says_why() {
        let (mut workspace, _) = demo();
        let before = workspace.to.dump.clone();
        workspace.to.start_reading("dump.custom", 6);
        workspace.to.finish(
            "dump.custom",
            Parsed::from_bytes("dump.custom", b"PGDMP\x01", None).map(|p| p.dump).map_err(|e| e.to_string()),
        );
        assert_eq!(workspace.to.dump, before);
        match &workspace.to.activity {
            Activity::Failed { file_name, message } => {
                assert_eq!(file_name, "dump.custom");
                assert!(message.contains("pg_restore"), "{message}");
            }
            other => panic!("expected a failure, got {other:?}"),
        }
        assert_eq!(workspace.from, demo().0.from, "the other side is untouched");
    }

    #[test]
    fn a_cancelled_read_keeps_the_previous_dump() {
        let (mut workspace, _) = demo();
        let before = workspace.from.dump.clone();
        workspace.from.start_reading("big.sql", 30_000_000);
        workspace.from.progress("big.sql", "parsing", 40);
        assert!(workspace.reading());
        workspace.from.cancel("other.sql");
        assert!(workspace.reading(), "only the file being read is cancelled");
        workspace.from.cancel("big.sql");
        assert_eq!(workspace.from.activity, Activity::Idle);
        assert_eq!(workspace.from.dump, before);
    }

    #[test]
    fn swap_exchanges_the_sides() {
        let (mut workspace, _) = demo();
        workspace.swap();
        assert_eq!(workspace.from.dump.as_ref().unwrap().file_name, "fieldbook_staging.sql");
        assert_eq!(workspace.to.dump.as_ref().unwrap().file_name, "fieldbook_production.sql");
    }

    #[test]
    fn truncated_input_is_loaded_with_a_warning() {
        let dump = Parsed::from_bytes("cut.sql", b"CREATE TABLE t (id int);\nCREATE TABLE u (", None).unwrap().dump;
        assert_eq!(dump.summary.statements, 2);
        assert!(dump.warnings.iter().any(|w| w.contains("cut short") && w.contains("line 2")), "{:?}", dump.warnings);
    }

    #[test]
    fn statements_that_are_not_understood_are_listed_with_their_line() {
        let dump = Parsed::from_bytes("odd.sql", b"CREATE TABLE t (id int);\n\nVACUUM t;\n", None).unwrap().dump;
        assert_eq!(dump.counts.tables, 1);
        assert_eq!(dump.not_understood.len(), 1);
        assert_eq!(dump.not_understood[0].line, 3);
    }

    #[test]
    fn sorting_toggles_and_orders_rows_deterministically() {
        let sort = Sort::default().toggled(SortKey::Object);
        assert_eq!(sort, Sort { key: SortKey::Object, descending: false });
        assert_eq!(sort.toggled(SortKey::Object), Sort { key: SortKey::Object, descending: true });
        assert_eq!(sort.aria(SortKey::Object), "ascending");
        assert_eq!(sort.aria(SortKey::Change), "none");
        let mut changes = demo_changes(&DiffOptions::default());
        Sort { key: SortKey::Object, descending: false }.changes(&mut changes, |c| c);
        assert!(changes.windows(2).all(|w| w[0].object <= w[1].object));
        Sort { key: SortKey::Change, descending: true }.changes(&mut changes, |c| c);
        assert!(changes.windows(2).all(|w| w[0].change >= w[1].change));
    }

    #[test]
    fn the_view_state_filters_the_demo_comparison() {
        let mut state = ViewState::default();
        let all = demo_changes(&state.options());
        state.drift.ignore_comments = true;
        let without_comments = demo_changes(&state.options());
        assert_eq!(all.len(), without_comments.len() + 1);
        state.kind = Some(ObjectKind::Index);
        state.search = "TASKS".into();
        let shown: Vec<&str> = all.iter().filter(|c| state.shows(c)).map(|c| c.object.as_str()).collect();
        assert_eq!(shown, ["public.idx_tasks_external_key", "public.idx_tasks_title_search"]);
        let on_tab = |tab: Tab| all.iter().filter(|c| ViewState { tab, ..ViewState::default() }.shows(c)).count();
        assert_eq!(on_tab(Tab::Columns), 5);
        assert_eq!(on_tab(Tab::Indexes), 6);
        assert_eq!(
            Tab::ALL[1..].iter().map(|t| on_tab(*t)).sum::<usize>(),
            on_tab(Tab::All),
            "every change is on one tab"
        );
    }

    #[test]
    fn a_change_is_grouped_under_its_table_or_its_schema() {
        let change = |kind: ObjectKind, object: &str| Change {
            object_kind: kind,
            object: object.into(),
            ..demo_changes(&DiffOptions::default())[0].clone()
        };
        assert_eq!(group_of(&change(ObjectKind::Index, "public.idx"), Some("public.tasks")), "public.tasks");
        assert_eq!(group_of(&change(ObjectKind::Function, "audit.f(integer)"), None), "audit");
        assert_eq!(group_of(&change(ObjectKind::Extension, "pg_trgm"), None), "");
        let mut keys = ["public.tasks", "audit", "", "public", "audit.events"];
        keys.sort();
        assert_eq!(
            keys,
            ["", "audit", "audit.events", "public", "public.tasks"],
            "schema by schema, its own objects first"
        );
    }

    #[test]
    fn the_same_change_in_several_schemas_is_one_row() {
        let sql = |schema: &str, amount: &str| {
            format!("CREATE SCHEMA {schema}; CREATE TABLE {schema}.orders (id integer, amount {amount}, note text);")
        };
        let from: String = ["t1", "t2", "t3"].iter().map(|s| sql(s, "integer")).collect();
        let mut to: String = ["t1", "t2"].iter().map(|s| sql(s, "bigint")).collect();
        to.push_str(&sql("t3", "numeric"));
        let parse = |text: &str| schemadrift_engine::build_catalog(&schemadrift_engine::read(text));
        let diff = schemadrift_engine::diff::diff(&parse(&from), &parse(&to), &DiffOptions::default());
        let folded = fold_across_schemas(diff.changes.clone(), |c| c);
        let rows: Vec<(&str, Vec<&str>)> = folded
            .iter()
            .map(|(c, more)| (c.object.as_str(), more.iter().map(|m| m.object.as_str()).collect()))
            .collect();
        assert_eq!(
            rows,
            [("t1.orders.amount", vec!["t2.orders.amount"]), ("t3.orders.amount", vec![])],
            "integer → bigint in t1 and t2 is one row; t3's other change stands alone"
        );
    }

    #[test]
    fn the_search_looks_in_names_definitions_and_statements() {
        let all = demo_changes(&DiffOptions::default());
        let state = ViewState { search: "GIN_TRGM_OPS".into(), ..ViewState::default() };
        let shown: Vec<&str> = all.iter().filter(|c| state.shows(c)).map(|c| c.object.as_str()).collect();
        assert_eq!(shown, ["public.idx_tasks_title_search"], "found in the old definition of what changed");
        let state = ViewState { search: "verified_at".into(), ..ViewState::default() };
        let added = all.iter().find(|c| c.object == "public.email_verification_codes").expect("an added table");
        assert!(!state.shows(added), "not in its name");
        let create = "CREATE TABLE public.email_verification_codes (\n    code text,\n    verified_at timestamp\n);";
        assert!(state.shows_with(added, Some(create)), "in the statement that makes it");
    }

    #[test]
    fn count_rows_follow_the_engine_kinds_with_labels() {
        let counts = demo().0.from.dump.unwrap().counts.clone();
        let rows = count_rows(&counts);
        assert_eq!(rows.len(), counts.entries().len());
        assert!(rows.contains(&("Tables".to_string(), 8)));
        assert!(rows.contains(&("Foreign keys".to_string(), 7)));
    }

    fn file(name: &str) -> Source<&'static str> {
        Source::File { blob: "blob", file_name: name.into(), database: None }
    }

    #[test]
    fn a_new_worker_is_given_what_each_side_held() {
        let mut sources = HeldFiles::default();
        sources.start(Side::From, Source::Demo(Side::From));
        sources.start(Side::To, Source::Demo(Side::To));
        sources.loaded(Side::From);
        sources.loaded(Side::To);
        assert_eq!(sources.replay(), [Replay::Demo]);
        // A file read into To; a file being read into From is not held yet.
        sources.start(Side::To, file("new.sql"));
        sources.loaded(Side::To);
        sources.start(Side::From, file("reading.sql"));
        assert_eq!(sources.replay(), [Replay::Demo, Replay::Load(Side::To, file("new.sql"))]);
        // A failed read keeps what the side held.
        sources.dropped(Side::From);
        assert_eq!(sources.held[0], Some(Source::Demo(Side::From)));
        // Swapped: the demo's From dump is now on the To side.
        sources.swap();
        assert_eq!(sources.replay(), [Replay::Demo, Replay::Swap, Replay::Load(Side::From, file("new.sql"))]);
        let mut files = HeldFiles::default();
        files.start(Side::To, file("b.sql"));
        files.loaded(Side::To);
        assert_eq!(files.replay(), [Replay::Load(Side::To, file("b.sql"))]);
    }
}
