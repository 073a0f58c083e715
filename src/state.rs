//! The app's state as plain Rust: the two sides of the comparison and what each holds.
//!
//! No Leptos here, so the rules (what a failed load keeps, what swap does) are tested natively.

use schemadrift_engine::catalog::{NotUnderstood, StatementCounts};
use schemadrift_engine::compat::Compatibility;
use schemadrift_engine::diff::{inventory, Change, Rename, TableEntry, RENAMEABLE};
use schemadrift_engine::housekeeping::{cleanup_candidates, tracking_tables, CleanupCandidate, TrackingTable};
use schemadrift_engine::plan::Plan;
use schemadrift_engine::release::{release, Release};
use schemadrift_engine::render::{html, markdown};
use schemadrift_engine::report::{self, InputFacts, Report};
use schemadrift_engine::risks::{Level, Risk};
use schemadrift_engine::secrets::{find_secrets, redact, Secret};
use schemadrift_engine::{build_catalog, decode, read, summarize, Catalog, Counts, Diff, DiffOptions, DumpSummary};
use std::sync::Arc;

/// Which side of the comparison: `From` is the database to migrate, `To` the schema to reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// A dump that was read successfully.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedDump {
    pub file_name: String,
    pub summary: DumpSummary,
    /// Objects per kind in the dump's catalog.
    pub counts: Counts,
    pub statements: StatementCounts,
    /// Statements the catalog could not use, with their lines.
    pub not_understood: Vec<NotUnderstood>,
    /// What the dump defines; compared with the other side's.
    pub catalog: Arc<Catalog>,
    /// What decoding had to do (BOM removed, invalid UTF-8 replaced, …).
    pub warnings: Vec<String>,
    /// Passwords, credentials and keys found in the dump: shown by line and kind, redacted from exports.
    pub secrets: Vec<Secret>,
    /// Name, pg_dump version and content hash, as reports name the file.
    pub facts: InputFacts,
}

impl LoadedDump {
    /// Decodes and reads a dump; the error says what the file is and what to do instead.
    pub fn from_bytes(file_name: &str, bytes: &[u8]) -> Result<LoadedDump, String> {
        let decoded = decode(bytes).map_err(|e| e.to_string())?;
        let dump = read(&decoded.text);
        let summary = summarize(&decoded.text, &dump);
        let secrets = find_secrets(&decoded.text);
        let parts = (summary, build_catalog(&dump), decoded.warnings, secrets);
        Ok(LoadedDump::from_parts(file_name, bytes, parts))
    }

    /// Puts together what reading produced (the browser builds the catalog in slices).
    /// `raw` is the file as read, for its hash.
    pub fn from_parts(
        file_name: &str,
        raw: &[u8],
        (summary, catalog, mut warnings, secrets): (DumpSummary, Catalog, Vec<String>, Vec<Secret>),
    ) -> LoadedDump {
        if summary.unterminated > 0 {
            warnings.push(format!(
                "the file ends in the middle of a statement ({} unterminated): it may be truncated",
                summary.unterminated
            ));
        }
        if summary.statements == 0 {
            warnings.push("no SQL statements were found in this file".to_string());
        }
        LoadedDump {
            file_name: file_name.to_string(),
            facts: InputFacts::new(file_name, raw, &summary),
            summary,
            counts: catalog.counts(),
            statements: catalog.statements.clone(),
            not_understood: catalog.not_understood.clone(),
            catalog: Arc::new(catalog),
            warnings,
            secrets,
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
    /// The demo comparison, written and dumped by the project (see demo/).
    pub fn demo() -> Workspace {
        let mut workspace = Workspace::default();
        for (side, (name, text)) in [(Side::From, crate::demo::FROM), (Side::To, crate::demo::TO)] {
            workspace.panel_mut(side).finish(name, LoadedDump::from_bytes(name, text.as_bytes()));
        }
        workspace
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

    /// The comparison of the two loaded dumps, when both sides hold one.
    pub fn comparison(&self, options: &DiffOptions) -> Option<Comparison> {
        compare(self.from.dump.as_deref(), self.to.dump.as_deref(), options)
    }
}

/// The comparison of two loaded dumps, when both are there.
pub fn compare(from: Option<&LoadedDump>, to: Option<&LoadedDump>, options: &DiffOptions) -> Option<Comparison> {
    let (from, to) = (from?, to?);
    let names = (from.file_name.as_str(), to.file_name.as_str());
    let mut release = release(&from.catalog, &to.catalog, options, names);
    let rollback = release.rollback(&from.catalog, &to.catalog, options, names);
    let secrets: Vec<Secret> = from.secrets.iter().chain(&to.secrets).cloned().collect();
    let report = Arc::new(report::build(
        &release,
        report::Sources {
            from: &from.catalog,
            to: &to.catalog,
            inputs: [from.facts.clone(), to.facts.clone()],
            options,
            secrets: [from.secrets.clone(), to.secrets.clone()],
            rollback: rollback.clone(),
        },
    ));
    let rollback = redact(&rollback, &secrets);
    release.redact(&secrets);
    let Release { diff: result, risks, compatibility: compat, deploy_order, plan, script } = release;
    Some(Comparison {
        report,
        risks,
        compat,
        deploy_order,
        plan,
        script,
        rollback,
        secrets,
        from_name: from.file_name.clone(),
        to_name: to.file_name.clone(),
        tables: inventory(&from.catalog, &to.catalog, &result, options),
        diff: result,
        cleanup: [cleanup_candidates(&from.catalog), cleanup_candidates(&to.catalog)],
        tracking: [tracking_tables(&from.catalog), tracking_tables(&to.catalog)],
        catalogs: [from.catalog.clone(), to.catalog.clone()],
    })
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

    fn from_id(id: &str) -> Tab {
        Tab::ALL.into_iter().find(|t| t.id() == id).unwrap_or_default()
    }

    /// Whether changes of this object kind belong on this tab.
    pub fn holds(self, object_kind: &str) -> bool {
        match self {
            Tab::All => true,
            Tab::Tables => object_kind == "table",
            Tab::Columns => object_kind == "column",
            Tab::Indexes => object_kind == "index",
            Tab::Constraints => matches!(object_kind, "constraint" | "foreign_key"),
            Tab::Other => !matches!(object_kind, "table" | "column" | "index" | "constraint" | "foreign_key"),
            Tab::Risks | Tab::Compatibility | Tab::Migration | Tab::Report => false,
        }
    }
}

/// What the user chose to see: drift controls and filters. Kept in the page's URL, so a link or a
/// reload shows the same view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewState {
    pub ignore_owners: bool,
    pub ignore_grants: bool,
    pub ignore_comments: bool,
    pub ignore_extension_versions: bool,
    pub ignore_storage_parameters: bool,
    pub ignore_tablespaces: bool,
    /// Leave out the schemas Supabase manages.
    pub hide_platform_schemas: bool,
    pub exclude_schemas: Vec<String>,
    /// The tab of the list of changes.
    pub tab: Tab,
    /// Show only changes of this object kind.
    pub kind: Option<String>,
    /// Show only changes whose object name contains this text (case-insensitive).
    pub search: String,
    /// Renames the user confirmed.
    pub renames: Vec<Rename>,
    /// The table shown in the per-table view.
    pub object: Option<String>,
    /// How the rows are ordered.
    pub sort: Sort,
    /// The cell of the risk matrix the risk cards are filtered by: (area, level).
    pub risk: Option<(String, Level)>,
    /// The change (`<kind> <object>`) whose statements the migration script highlights.
    pub highlight: Option<String>,
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
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Sort {
    const KEYS: [(SortKey, &'static str); 4] =
        [(SortKey::Kind, "kind"), (SortKey::Object, "object"), (SortKey::Change, "change"), (SortKey::Size, "size")];

    fn id(self) -> String {
        let word = Sort::KEYS.iter().find(|(k, _)| *k == self.key).map_or("kind", |(_, w)| w);
        format!("{}{word}", if self.descending { "-" } else { "" })
    }

    fn from_id(id: &str) -> Sort {
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

    /// Orders change rows; ties keep the engine's order, so the result is deterministic.
    pub fn changes(self, changes: &mut [Change]) {
        match self.key {
            SortKey::Kind | SortKey::Size => {}
            SortKey::Object => changes.sort_by(|a, b| a.object.cmp(&b.object)),
            SortKey::Change => changes.sort_by_key(|c| c.change),
        }
        if self.descending {
            changes.reverse();
        }
    }

    /// Orders inventory rows (the engine's order: by status, then name).
    pub fn tables(self, tables: &mut [TableEntry]) {
        match self.key {
            SortKey::Kind => {}
            SortKey::Object => tables.sort_by(|a, b| a.table.cmp(&b.table)),
            SortKey::Change => tables.sort_by_key(|t| t.status),
            SortKey::Size => tables.sort_by_key(|t| std::cmp::Reverse(t.changes)),
        }
        if self.descending {
            tables.reverse();
        }
    }
}

const IGNORE_WORDS: [&str; 6] = ["owners", "grants", "comments", "extension-versions", "storage", "tablespaces"];

impl ViewState {
    fn ignores(&self) -> [bool; 6] {
        [
            self.ignore_owners,
            self.ignore_grants,
            self.ignore_comments,
            self.ignore_extension_versions,
            self.ignore_storage_parameters,
            self.ignore_tablespaces,
        ]
    }

    /// Reads `?ignore=owners,comments&platform=supabase&exclude=auth&kind=index&q=memory`.
    pub fn from_query(query: &str) -> ViewState {
        let mut state = ViewState::default();
        for pair in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value);
            match key {
                "ignore" => {
                    for word in value.split(',') {
                        match word {
                            "owners" => state.ignore_owners = true,
                            "grants" => state.ignore_grants = true,
                            "comments" => state.ignore_comments = true,
                            "extension-versions" => state.ignore_extension_versions = true,
                            "storage" => state.ignore_storage_parameters = true,
                            "tablespaces" => state.ignore_tablespaces = true,
                            _ => {}
                        }
                    }
                }
                "platform" => state.hide_platform_schemas = value == "supabase",
                "exclude" => {
                    state.exclude_schemas = value.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect();
                }
                "tab" => state.tab = Tab::from_id(&value),
                "kind" if !value.is_empty() => state.kind = Some(value),
                "q" => state.search = value,
                "rename" => {
                    let parsed = value.split_once(':').and_then(|(kind, names)| {
                        let (from, to) = names.split_once('=')?;
                        RENAMEABLE.contains(&kind).then(|| Rename {
                            object_kind: kind.to_string(),
                            from: from.to_string(),
                            to: to.to_string(),
                        })
                    });
                    state.renames.extend(parsed);
                }
                "object" if !value.is_empty() => state.object = Some(value),
                "sort" => state.sort = Sort::from_id(&value),
                "risk" => {
                    state.risk = value
                        .split_once(':')
                        .and_then(|(area, level)| Some((area.to_string(), Level::parse(level)?)))
                        .filter(|(area, _)| schemadrift_engine::risks::AREAS.contains(&area.as_str()));
                }
                "change" if !value.is_empty() => state.highlight = Some(value),
                "from" if !value.is_empty() => state.urls[0] = Some(value),
                "to" if !value.is_empty() => state.urls[1] = Some(value),
                _ => {}
            }
        }
        state
    }

    /// The query string for this state (empty when everything is at its default).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        for (key, url) in ["from", "to"].iter().zip(&self.urls) {
            if let Some(url) = url {
                parts.push(format!("{key}={}", percent_encode(url)));
            }
        }
        let ignored: Vec<&str> =
            IGNORE_WORDS.iter().zip(self.ignores()).filter(|(_, on)| *on).map(|(word, _)| *word).collect();
        if !ignored.is_empty() {
            parts.push(format!("ignore={}", ignored.join(",")));
        }
        if self.hide_platform_schemas {
            parts.push("platform=supabase".to_string());
        }
        if !self.exclude_schemas.is_empty() {
            parts.push(format!("exclude={}", percent_encode(&self.exclude_schemas.join(","))));
        }
        if self.tab != Tab::All {
            parts.push(format!("tab={}", self.tab.id()));
        }
        if let Some(kind) = &self.kind {
            parts.push(format!("kind={}", percent_encode(kind)));
        }
        if !self.search.is_empty() {
            parts.push(format!("q={}", percent_encode(&self.search)));
        }
        for rename in &self.renames {
            let text = format!("{}:{}={}", rename.object_kind, rename.from, rename.to);
            parts.push(format!("rename={}", percent_encode(&text)));
        }
        if let Some(object) = &self.object {
            parts.push(format!("object={}", percent_encode(object)));
        }
        if self.sort != Sort::default() {
            parts.push(format!("sort={}", self.sort.id()));
        }
        if let Some((area, level)) = &self.risk {
            parts.push(format!("risk={}", percent_encode(&format!("{area}:{}", level.label()))));
        }
        if let Some(change) = &self.highlight {
            parts.push(format!("change={}", percent_encode(change)));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    pub fn options(&self) -> DiffOptions {
        DiffOptions {
            ignore_owners: self.ignore_owners,
            ignore_grants: self.ignore_grants,
            ignore_comments: self.ignore_comments,
            ignore_extension_versions: self.ignore_extension_versions,
            ignore_storage_parameters: self.ignore_storage_parameters,
            ignore_tablespaces: self.ignore_tablespaces,
            exclude_schemas: self.exclude_schemas.iter().cloned().collect(),
            exclude_platform_schemas: self.hide_platform_schemas,
            renames: self.renames.clone(),
        }
    }

    /// Whether a change passes the kind filter and the search.
    pub fn shows(&self, change: &Change) -> bool {
        self.tab.holds(change.object_kind)
            && self.kind.as_deref().is_none_or(|kind| kind == change.object_kind)
            && (self.search.is_empty() || change.object.to_lowercase().contains(&self.search.to_lowercase()))
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.,~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&text[i + 1..i + 3], 16) {
                Ok(byte) => {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                Err(_) => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The diff of the two sides, with the names the user gave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub from_name: String,
    pub to_name: String,
    pub diff: Diff,
    /// Leftover copies on each side (from, to).
    pub cleanup: [Vec<CleanupCandidate>; 2],
    /// Migration tracking tables on each side (from, to).
    pub tracking: [Vec<TrackingTable>; 2],
    /// Every table of either side, with how it differs.
    pub tables: Vec<TableEntry>,
    /// The two catalogs compared (from, to), for the per-table view.
    pub catalogs: [Arc<Catalog>; 2],
    /// What could go wrong, most severe first.
    pub risks: Vec<Risk>,
    /// For each change the code can notice: does each version of the code work, and the order.
    pub compat: Vec<Compatibility>,
    /// The deploy order for the whole release, in a sentence.
    pub deploy_order: String,
    /// The phased migration and its script.
    pub plan: Plan,
    pub script: String,
    /// The script that takes `to` back to `from`.
    pub rollback: String,
    /// Secrets of both dumps: `plan`, `script` and `rollback` have them redacted.
    pub secrets: Vec<Secret>,
    /// Everything the exports say, as the CLI's `--format json|md|html` says it. Its scripts keep
    /// secrets: exports go through [`Export::text`], which redacts them.
    pub report: Arc<Report>,
}

/// A file the user can download from the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    Markdown,
    Html,
    Json,
    Migration,
    Rollback,
}

impl Export {
    pub const ALL: [Export; 5] = [Export::Markdown, Export::Html, Export::Json, Export::Migration, Export::Rollback];

    pub fn label(self) -> &'static str {
        match self {
            Export::Markdown => "Report (Markdown)",
            Export::Html => "Report (HTML)",
            Export::Json => "Report (JSON)",
            Export::Migration => "Migration (SQL)",
            Export::Rollback => "Rollback (SQL)",
        }
    }

    pub fn test_id(self) -> &'static str {
        match self {
            Export::Markdown => "export-markdown",
            Export::Html => "export-html",
            Export::Json => "export-json",
            Export::Migration => "export-migration",
            Export::Rollback => "export-rollback",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Export::Markdown => "text/markdown",
            Export::Html => "text/html",
            Export::Json => "application/json",
            Export::Migration | Export::Rollback => "application/sql",
        }
    }

    /// The export's text, with the dumps' secrets redacted unless `keep_secrets`.
    pub fn text(self, report: &Report, keep_secrets: bool) -> String {
        let text = match self {
            Export::Markdown => markdown::report_markdown(report),
            Export::Html => html::report_html(report),
            Export::Json => serde_json::to_string_pretty(report).unwrap_or_default(),
            Export::Migration => report.migration.script.clone(),
            Export::Rollback => report.migration.rollback.clone(),
        };
        if keep_secrets {
            text
        } else {
            redact(&text, &report.secrets.concat())
        }
    }

    /// `<from>-to-<to>-<suffix>`, in file-name-safe characters.
    pub fn file_name(self, from: &str, to: &str) -> String {
        let stem = |name: &str| name.rsplit_once('.').map_or(name, |(stem, _)| stem).to_string();
        let base = format!("{}-to-{}", stem(from), stem(to));
        let base: String =
            base.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
        match self {
            Export::Markdown => format!("{base}-report.md"),
            Export::Html => format!("{base}-report.html"),
            Export::Json => format!("{base}-report.json"),
            Export::Migration => format!("{base}-migration.sql"),
            Export::Rollback => format!("{base}-rollback.sql"),
        }
    }
}

impl Comparison {
    /// The diff in a few plain sentences (see the engine's `key_findings`).
    pub fn findings(&self) -> Vec<String> {
        schemadrift_engine::diff::key_findings(&self.diff, &self.from_name, &self.to_name)
    }

    /// One plain sentence saying how far apart the two sides are.
    pub fn headline(&self) -> String {
        let s = &self.diff.summary;
        if s.added + s.removed + s.altered + s.renamed == 0 {
            return format!("{} and {} define the same schema.", self.from_name, self.to_name);
        }
        let parts: Vec<String> = [
            (s.added, "addition", "additions"),
            (s.removed, "removal", "removals"),
            (s.altered, "change", "changes"),
            (s.renamed, "rename", "renames"),
        ]
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
        let list = match parts.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        };
        format!("To reach {}, {} needs {list}.", self.to_name, self.from_name)
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

/// A byte count for people: `512 B`, `12.1 KB`, `3.4 MB`.
pub fn format_size(bytes: usize) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_loads_on_both_sides_with_real_pg_dump_headers() {
        let demo = Workspace::demo();
        for side in [Side::From, Side::To] {
            let panel = demo.panel(side);
            assert_eq!(panel.activity, Activity::Idle);
            let dump = panel.dump.as_ref().expect("demo side loaded");
            assert!(dump.summary.statements > 50, "{side:?}: {:?}", dump.summary);
            assert!(dump.summary.pg_dump_version.as_deref().is_some_and(|v| v.starts_with("15.")));
            assert!(dump.warnings.is_empty(), "{:?}", dump.warnings);
            assert!(dump.not_understood.is_empty(), "{:?}", dump.not_understood);
            assert!(dump.counts.tables >= 7 && dump.counts.indexes >= 5, "{:?}", dump.counts);
        }
        assert_eq!(demo.from.dump.as_ref().unwrap().file_name, "fieldbook_production.sql");
    }

    #[test]
    fn a_failed_load_keeps_the_previous_dump_and_says_why() {
        let mut workspace = Workspace::demo();
        let before = workspace.to.dump.clone();
        workspace.to.finish("dump.custom", LoadedDump::from_bytes("dump.custom", b"PGDMP\x01"));
        assert_eq!(workspace.to.dump, before);
        match &workspace.to.activity {
            Activity::Failed { file_name, message } => {
                assert_eq!(file_name, "dump.custom");
                assert!(message.contains("pg_restore"), "{message}");
            }
            other => panic!("expected a failure, got {other:?}"),
        }
        assert_eq!(workspace.from, Workspace::demo().from, "the other side is untouched");
    }

    #[test]
    fn every_export_leaves_secrets_out_unless_the_user_keeps_them() {
        let mut workspace = Workspace::default();
        let before = b"CREATE TABLE public.t (id integer);\n";
        let after = b"CREATE TABLE public.t (id integer, dsn text DEFAULT 'postgresql://app:Sup3rSecret@db/app');\n\
            COMMENT ON TABLE public.t IS 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';\n";
        workspace.from.finish("a.sql", LoadedDump::from_bytes("a.sql", before));
        workspace.to.finish("b.sql", LoadedDump::from_bytes("b.sql", after));
        let comparison = workspace.comparison(&DiffOptions::default()).unwrap();
        assert_eq!(comparison.report.inputs[1].sha256, report::sha256_hex(after));
        for export in Export::ALL {
            let redacted = export.text(&comparison.report, false);
            assert!(
                !redacted.contains("Sup3rSecret") && !redacted.contains("sk_live_4eC39"),
                "{export:?}:\n{redacted}"
            );
            assert!(!redacted.is_empty());
        }
        assert!(Export::Migration.text(&comparison.report, true).contains("Sup3rSecret"), "kept on request");
        assert_eq!(Export::Html.file_name("prod db.sql", "b.sql"), "prod_db-to-b-report.html");
    }

    #[test]
    fn swap_exchanges_the_sides() {
        let mut workspace = Workspace::demo();
        workspace.swap();
        assert_eq!(workspace.from.dump.as_ref().unwrap().file_name, "fieldbook_staging.sql");
        assert_eq!(workspace.to.dump.as_ref().unwrap().file_name, "fieldbook_production.sql");
    }

    #[test]
    fn truncated_input_is_loaded_with_a_warning() {
        let dump = LoadedDump::from_bytes("cut.sql", b"CREATE TABLE t (id int);\nCREATE TABLE u (").unwrap();
        assert_eq!(dump.summary.statements, 2);
        assert!(dump.warnings.iter().any(|w| w.contains("truncated")), "{:?}", dump.warnings);
    }

    #[test]
    fn statements_that_are_not_understood_are_listed_with_their_line() {
        let dump = LoadedDump::from_bytes("odd.sql", b"CREATE TABLE t (id int);\n\nVACUUM t;\n").unwrap();
        assert_eq!(dump.counts.tables, 1);
        assert_eq!(dump.not_understood.len(), 1);
        assert_eq!(dump.not_understood[0].line, 3);
    }

    #[test]
    fn the_demo_comparison_reads_as_one_sentence() {
        let comparison = Workspace::demo().comparison(&DiffOptions::default()).expect("both sides loaded");
        assert_eq!(
            comparison.headline(),
            "To reach fieldbook_staging.sql, fieldbook_production.sql needs 12 additions, 2 removals and 4 changes."
        );
        let mut same = Workspace::demo();
        same.to = same.from.clone();
        assert_eq!(
            same.comparison(&DiffOptions::default()).unwrap().headline(),
            "fieldbook_production.sql and fieldbook_production.sql define the same schema."
        );
        assert!(Workspace::default().comparison(&DiffOptions::default()).is_none());
        let demo = Workspace::demo().comparison(&DiffOptions::default()).unwrap();
        assert_eq!(demo.cleanup[0][0].table.name, "users_backup_2025_03");
        assert!(demo.cleanup[1].is_empty());
    }

    #[test]
    fn the_view_state_round_trips_through_the_url() {
        let state = ViewState {
            ignore_owners: true,
            ignore_comments: true,
            hide_platform_schemas: true,
            exclude_schemas: vec!["audit".into(), "Odd schema".into()],
            kind: Some("index".into()),
            search: "tasks & more".into(),
            ..ViewState::default()
        };
        let query = state.to_query();
        assert_eq!(
            query,
            "?ignore=owners,comments&platform=supabase&exclude=audit,Odd%20schema&kind=index&q=tasks%20%26%20more"
        );
        assert_eq!(ViewState::from_query(&query), state);
        assert_eq!(ViewState::default().to_query(), "");
        assert_eq!(ViewState::from_query("?bogus=1&q=%zz"), ViewState { search: "%zz".into(), ..ViewState::default() });
        let chosen = ViewState {
            renames: vec![Rename {
                object_kind: "column".into(),
                from: "public.t.a b".into(),
                to: "public.t.c".into(),
            }],
            object: Some("public.tasks".into()),
            sort: Sort { key: SortKey::Object, descending: true },
            ..ViewState::default()
        };
        let query = chosen.to_query();
        assert_eq!(query, "?rename=column%3Apublic.t.a%20b%3Dpublic.t.c&object=public.tasks&sort=-object");
        assert_eq!(ViewState::from_query(&query), chosen);
        assert!(
            ViewState::from_query("?rename=nonsense&rename=view:a=b").renames.is_empty(),
            "malformed renames are dropped"
        );
        let linked = ViewState {
            urls: [Some("dumps/prod.sql".into()), Some("https://x.test/a b.sql".into())],
            ..ViewState::default()
        };
        assert_eq!(linked.to_query(), "?from=dumps%2Fprod.sql&to=https%3A%2F%2Fx.test%2Fa%20b.sql");
        assert_eq!(ViewState::from_query(&linked.to_query()), linked);
    }

    #[test]
    fn sorting_toggles_and_orders_rows_deterministically() {
        let sort = Sort::default().toggled(SortKey::Object);
        assert_eq!(sort, Sort { key: SortKey::Object, descending: false });
        assert_eq!(sort.toggled(SortKey::Object), Sort { key: SortKey::Object, descending: true });
        assert_eq!(sort.aria(SortKey::Object), "ascending");
        assert_eq!(sort.aria(SortKey::Change), "none");
        let mut changes = Workspace::demo().comparison(&DiffOptions::default()).unwrap().diff.changes;
        Sort { key: SortKey::Object, descending: false }.changes(&mut changes);
        assert!(changes.windows(2).all(|w| w[0].object <= w[1].object));
        Sort { key: SortKey::Change, descending: true }.changes(&mut changes);
        assert!(changes.windows(2).all(|w| w[0].change >= w[1].change));
    }

    #[test]
    fn the_demo_inventory_lists_every_table_of_both_sides() {
        let demo = Workspace::demo().comparison(&DiffOptions::default()).unwrap();
        let names: std::collections::BTreeSet<String> =
            demo.catalogs.iter().flat_map(|c| c.tables.keys().map(|k| k.to_string())).collect();
        assert_eq!(demo.tables.len(), names.len());
        assert!(demo.tables.iter().any(|t| t.status == schemadrift_engine::diff::TableStatus::Unchanged));
        let changed: usize = demo.tables.iter().map(|t| t.changes).sum();
        assert!(changed > 0 && changed <= demo.diff.changes.len());
    }

    #[test]
    fn the_view_state_filters_the_demo_comparison() {
        let mut state = ViewState::default();
        let all = Workspace::demo().comparison(&state.options()).unwrap().diff.changes;
        state.ignore_comments = true;
        let without_comments = Workspace::demo().comparison(&state.options()).unwrap().diff.changes;
        assert_eq!(all.len(), without_comments.len() + 1);
        state.kind = Some("index".into());
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
    fn count_rows_follow_the_engine_kinds_with_labels() {
        let counts = Workspace::demo().from.dump.unwrap().counts.clone();
        let rows = count_rows(&counts);
        assert_eq!(rows.len(), counts.entries().len());
        assert!(rows.contains(&("Tables".to_string(), 8)));
        assert!(rows.contains(&("Foreign keys".to_string(), 7)));
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(format_size(512), "512 B");
        assert_eq!(format_size(12_390), "12.1 KB");
        assert_eq!(format_size(3 * 1024 * 1024 + 400 * 1024), "3.4 MB");
    }
}
