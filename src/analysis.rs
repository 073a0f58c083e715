//! The analysis the browser runs off the page, in its worker: both sides' catalogs, the comparison
//! and what is made from it on request (exports, one table's view).
//!
//! Plain Rust (no Leptos, no web-sys), so its rules are tested natively. The page receives only what
//! it shows: [`LoadedDump`] per side and [`Comparison`]. The catalogs and the full report stay here,
//! so a change of options compares again without reading either dump again.

use crate::state::Side;
use schemadrift_engine::catalog::{find_shown, Catalog, NotUnderstood, StatementCounts};
use schemadrift_engine::compat::Compatibility;
use schemadrift_engine::diff::{align_columns, inventory, table_of, ColumnPair, TableEntry};
use schemadrift_engine::housekeeping::{cleanup_candidates, tracking_tables, CleanupCandidate, TrackingTable};
use schemadrift_engine::pipeline::{self, read_side, ReadDump};
use schemadrift_engine::plan::Plan;
use schemadrift_engine::proof::Direction;
use schemadrift_engine::render::{html, markdown};
use schemadrift_engine::report::orm::Orm;
use schemadrift_engine::report::{InputFacts, Report};
use schemadrift_engine::risks::Risk;
use schemadrift_engine::secrets::{redact, withhold, Secret};
use schemadrift_engine::sql::table_ddl;
use schemadrift_engine::Release;
use schemadrift_engine::{Counts, Diff, DiffOptions, DumpSummary, InputError};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What the page shows of a dump that was read successfully.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadedDump {
    pub file_name: String,
    pub summary: DumpSummary,
    /// Objects per kind in the dump's catalog.
    pub counts: Counts,
    pub statements: StatementCounts,
    /// Statements the catalog could not use, with their lines.
    pub not_understood: Vec<NotUnderstood>,
    /// What decoding had to do (BOM removed, invalid UTF-8 replaced, …).
    pub warnings: Vec<String>,
    /// Passwords, credentials and keys found in the dump, by line and kind. Their values stay in the
    /// worker: they are not serialized.
    pub secrets: Vec<Secret>,
    /// Name, pg_dump version and content hash, as reports name the file.
    pub facts: InputFacts,
}

/// A dump read into its catalog, as the worker keeps it: what the page is sent of it, and the side
/// as the engine's pipeline read it (its catalog, and its text for a proof; neither goes to the
/// page).
#[derive(Debug, Clone)]
pub struct Parsed {
    pub dump: LoadedDump,
    pub side: Arc<ReadDump>,
    /// The embedded demo's dump, not one the user gave.
    pub demo: bool,
    /// Every object's definition (`plan::definitions`), made on the first request for one.
    definitions: Arc<std::sync::OnceLock<std::collections::BTreeMap<String, String>>>,
}

impl Parsed {
    /// Decodes and reads a dump in one go (for a `pg_dumpall` file, its `database`), as the command
    /// line does; the error says what the file is and what to do instead.
    pub fn from_bytes(file_name: &str, bytes: &[u8], database: Option<&str>) -> Result<Parsed, InputError> {
        read_side(file_name, bytes, database).map(Parsed::from_side)
    }

    /// What the page is sent of a side read (the worker reads in slices with the pipeline's
    /// `Reading`).
    pub fn from_side(side: ReadDump) -> Parsed {
        let dump = LoadedDump {
            file_name: side.facts.name.clone(),
            facts: side.facts.clone(),
            summary: side.summary.clone(),
            counts: side.catalog.counts(),
            statements: side.catalog.statements.clone(),
            not_understood: side.catalog.not_understood.clone(),
            warnings: side.warnings.clone(),
            secrets: side.secrets.clone(),
        };
        Parsed { dump, side: Arc::new(side), demo: false, definitions: Default::default() }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.side.catalog
    }
}

/// The comparison of the two sides, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// Both sides are the embedded demo (the page says so).
    #[serde(default)]
    pub demo: bool,
    pub from_name: String,
    pub to_name: String,
    pub diff: Diff,
    /// For each change of `diff.changes`, the table it belongs to (for the per-table view).
    pub change_tables: Vec<Option<String>>,
    /// Leftover copies on each side (from, to).
    pub cleanup: [Vec<CleanupCandidate>; 2],
    /// Migration tracking tables on each side (from, to).
    pub tracking: [Vec<TrackingTable>; 2],
    /// Every table of either side, with how it differs.
    pub tables: Vec<TableEntry>,
    /// What could go wrong, most severe first.
    pub risks: Vec<Risk>,
    /// For each change the code can notice: does each version of the code work, and the order.
    pub compat: Vec<Compatibility>,
    /// The deploy order for the whole release, in a sentence.
    pub deploy_order: String,
    /// The phased migration and its script, secrets redacted.
    pub plan: Plan,
    pub script: String,
    /// Secrets of both dumps, by line and kind.
    pub secrets: Vec<Secret>,
    /// The inputs as the report identifies them (from, to).
    pub inputs: [InputFacts; 2],
}

/// What follows a comparison once the page has it: the rollback and the report's ORM lines (the
/// report itself stays in the worker, for the exports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    /// The script that takes `to` back to `from`, secrets redacted.
    pub rollback: String,
    /// Drizzle and Prisma lines for the new and changed tables.
    pub orm: Orm,
}

impl Comparison {
    /// The diff in a few plain sentences, each with the kind of object it is about (see the
    /// engine's `key_findings`).
    pub fn findings(&self) -> Vec<schemadrift_engine::diff::Finding> {
        schemadrift_engine::diff::findings(&self.diff, &self.from_name, &self.to_name)
    }

    /// One plain sentence saying how far apart the two sides are.
    pub fn headline(&self) -> String {
        let s = &self.diff.summary;
        if s.total() == 0 {
            return format!("{} and {} define the same schema.", self.from_name, self.to_name);
        }
        let parts: Vec<String> = [
            (s.added, "addition", "additions"),
            (s.removed, "removal", "removals"),
            (s.altered, "change", "changes"),
            (s.renamed, "rename", "renames"),
            (s.uncompared, "object not compared", "objects not compared"),
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

/// One table from both sides: the columns aligned row by row, and each side's DDL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableView {
    /// The name the page asked for (the `to` side's name for a confirmed rename).
    pub table: String,
    /// The `from` side's name, when the table was renamed.
    pub renamed_from: Option<String>,
    /// Whether either side has the table.
    pub found: bool,
    pub rows: Vec<ColumnPair>,
    /// `CREATE TABLE` with its indexes and more, or `-- not in <file>` (from, to).
    pub ddl: [String; 2],
}

/// One object's definition on each side: the statements that make it, as the migration planner
/// writes them (secrets redacted); `None` on a side that does not have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    /// The change it was asked for: `<kind> <object>`.
    pub change: String,
    /// (from, to).
    pub sides: [Option<String>; 2],
}

/// A file the user can download from the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
        let withheld;
        let report = if keep_secrets {
            report
        } else {
            withheld = report.clone().withheld();
            &withheld
        };
        let text = match self {
            Export::Markdown => markdown::report_markdown(report),
            Export::Html => html::report_html(report),
            Export::Json => {
                schemadrift_engine::render::visible::json(&serde_json::to_string_pretty(report).unwrap_or_default())
                    .into_owned()
            }
            Export::Migration => report.migration.script.to_string(),
            Export::Rollback => report.migration.rollback.to_string(),
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

/// Both sides as the worker holds them, the options, and the last comparison (secrets kept; its
/// rollback and report made on first need).
#[derive(Debug, Default)]
pub struct Analyst {
    sides: [Option<Parsed>; 2],
    options: DiffOptions,
    compared: Option<pipeline::Comparison>,
}

fn index(side: Side) -> usize {
    match side {
        Side::From => 0,
        Side::To => 1,
    }
}

impl Analyst {
    /// The demo comparison, written and dumped by the project (see demo/).
    pub fn demo(&mut self) {
        for (side, (name, text)) in [(Side::From, crate::demo::FROM), (Side::To, crate::demo::TO)] {
            if let Ok(parsed) = Parsed::from_bytes(name, text.as_bytes(), None) {
                self.set(side, Parsed { demo: true, ..parsed });
            }
        }
    }

    pub fn set(&mut self, side: Side, parsed: Parsed) {
        self.sides[index(side)] = Some(parsed);
        self.forget();
    }

    /// The last comparison no longer holds.
    fn forget(&mut self) {
        self.compared = None;
    }

    pub fn side(&self, side: Side) -> Option<&Parsed> {
        self.sides[index(side)].as_ref()
    }

    pub fn swap(&mut self) {
        self.sides.swap(0, 1);
        self.forget();
    }

    pub fn set_options(&mut self, options: DiffOptions) {
        self.options = options;
    }

    /// The comparison of the two sides with the current options, when both are there.
    pub fn compare(&mut self) -> Option<Comparison> {
        self.compare_with(&mut |_| {})
    }

    /// [`Analyst::compare`], telling `step` what it is doing.
    pub fn compare_with(&mut self, step: &mut dyn FnMut(&str)) -> Option<Comparison> {
        self.forget();
        let [Some(from), Some(to)] = &self.sides else { return None };
        let compared =
            pipeline::Comparison::with_progress(from.side.clone(), to.side.clone(), self.options.clone(), step);
        let mut shown = Comparison::of(&compared);
        shown.demo = from.demo && to.demo;
        self.compared = Some(compared);
        Some(shown)
    }

    /// The rollback and the report of the last comparison (made once, on first need).
    pub fn complete(&self) -> Option<Completion> {
        self.compared.as_ref().map(Completion::of)
    }

    /// An export of the last comparison: (file name, text).
    pub fn export(&self, export: Export, keep_secrets: bool) -> Option<(String, String)> {
        let report = self.compared.as_ref()?.report();
        let (from, to) = report.names();
        Some((export.file_name(from, to), export.text(report, keep_secrets)))
    }

    /// What proving the last comparison's migration (or rollback) takes: a job for the PGlite
    /// worker, or the verdict at once when it cannot run (a step left to the user).
    pub fn prove(&self, direction: Direction) -> Option<crate::proving::Start> {
        Some(crate::proving::start(self.compared.as_ref()?, direction))
    }

    /// The proof, from what the PGlite worker reported (`outcome`: its JSON).
    pub fn judge(&self, direction: Direction, outcome: &[u8]) -> Option<crate::proving::Judged> {
        Some(crate::proving::judge(self.compared.as_ref()?, direction, outcome))
    }

    /// The definition of the object a change names (`<kind> <object>`) on each side.
    pub fn definition(&self, change: &str) -> Definition {
        let of = |side: Side| {
            let parsed = self.side(side)?;
            let all = parsed.definitions.get_or_init(|| schemadrift_engine::plan::definitions(parsed.catalog()));
            let text = all.get(change)?;
            Some(if parsed.side.secrets.is_empty() { text.clone() } else { redact(text, &parsed.side.secrets) })
        };
        Definition { change: change.to_string(), sides: [of(Side::From), of(Side::To)] }
    }

    /// One table of both sides, by the name the comparison shows.
    pub fn table(&self, table: &str, renamed_from: Option<&str>) -> TableView {
        let find = |side: Side, name: &str| {
            let parsed = self.side(side)?;
            let (key, table) = find_shown(&parsed.catalog().tables, name)?;
            Some((parsed, key.clone(), table))
        };
        let from = find(Side::From, renamed_from.unwrap_or(table));
        let to = find(Side::To, table);
        let ddl = |found: &Option<(&Parsed, _, _)>, side: Side| match found {
            Some((parsed, key, _)) => table_ddl(parsed.catalog(), key).unwrap_or_default(),
            None => format!("-- not in {}", self.side(side).map_or("this side", |p| p.dump.file_name.as_str())),
        };
        TableView {
            table: table.to_string(),
            renamed_from: renamed_from.map(str::to_string),
            found: from.is_some() || to.is_some(),
            rows: align_columns(from.as_ref().map(|f| f.2), to.as_ref().map(|t| t.2)),
            ddl: [ddl(&from, Side::From), ddl(&to, Side::To)],
        }
    }
}

impl Comparison {
    /// What the page shows of a comparison: secrets redacted (their values stay in the worker).
    pub fn of(compared: &pipeline::Comparison) -> Comparison {
        let (fc, tc) = (&compared.from().catalog, &compared.to().catalog);
        let (from_name, to_name) = compared.names();
        let secrets = compared.secrets();
        let mut release = compared.release().clone();
        release.redact(&secrets);
        let Release { diff: mut result, risks, compatibility: compat, deploy_order, plan, script } = release;
        // The page shows secrets by line and kind only; their values stay in the worker.
        if !secrets.is_empty() {
            for change in &mut result.changes {
                change.object = redact(&change.object, &secrets);
                for detail in &mut change.details {
                    for value in [&mut detail.from, &mut detail.to].into_iter().flatten() {
                        *value = redact(value, &secrets);
                    }
                }
            }
        }
        Comparison {
            demo: false,
            risks: risks.to_vec(),
            compat: compat.to_vec(),
            deploy_order,
            plan,
            script: script.to_string(),
            secrets,
            inputs: [compared.from().facts.clone(), compared.to().facts.clone()],
            from_name: from_name.to_string(),
            to_name: to_name.to_string(),
            tables: inventory(fc, tc, &result, compared.options()),
            change_tables: result.changes.iter().map(|change| table_of(change, fc, tc)).collect(),
            diff: result,
            cleanup: [cleanup_candidates(fc), cleanup_candidates(tc)],
            tracking: [tracking_tables(fc), tracking_tables(tc)],
        }
    }
}

impl Completion {
    /// The rollback (secrets withheld) and the report's ORM lines of a comparison.
    pub fn of(compared: &pipeline::Comparison) -> Completion {
        Completion { rollback: withhold(compared.rollback(), &compared.secrets()), orm: compared.report().orm.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Analyst {
        let mut analyst = Analyst::default();
        analyst.demo();
        analyst
    }

    #[test]
    fn a_definition_is_what_makes_the_object_on_each_side_with_secrets_redacted() {
        let analyst = demo();
        let added = analyst.definition("table public.notifications");
        assert_eq!(added.sides[0], None);
        assert!(
            added.sides[1]
                .as_deref()
                .is_some_and(|d| d.starts_with("CREATE TABLE IF NOT EXISTS public.notifications (")),
            "{added:?}"
        );
        let changed = analyst.definition("function public.task_count(bigint)");
        let [Some(from), Some(to)] = &changed.sides else { panic!("on both sides: {changed:?}") };
        assert!(!from.contains("status <> 'done'") && to.contains("status <> 'done'"), "{from}\n{to}");
        assert_eq!(analyst.definition("table public.nowhere").sides, [None, None]);

        let mut secret = Analyst::default();
        let dump = "CREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $$ SELECT 'postgresql://app:hunter2verysecret@db.internal/app' $$;";
        let parsed = Parsed::from_bytes("to.sql", dump.as_bytes(), None).unwrap();
        assert!(!parsed.side.secrets.is_empty(), "the connection string's password is a secret");
        secret.set(Side::To, parsed);
        let function = secret.definition("function public.f()");
        let text = function.sides[1].as_deref().expect("the function's definition");
        assert!(
            text.contains("FUNCTION public.f()") && text.contains("[REDACTED]") && !text.contains("hunter2verysecret"),
            "{text}"
        );
    }

    #[test]
    fn the_demo_loads_on_both_sides_with_real_pg_dump_headers() {
        let mut compared = demo();
        assert!(compared.compare().unwrap().demo, "the demo comparison says it is one");
        let own = Parsed::from_bytes("mine.sql", b"CREATE TABLE public.t (id integer);", None).unwrap();
        compared.set(Side::To, own);
        assert!(!compared.compare().unwrap().demo, "a side of the user's makes it not the demo");
        let analyst = demo();
        for side in [Side::From, Side::To] {
            let dump = &analyst.side(side).expect("demo side loaded").dump;
            assert!(dump.summary.statements > 50, "{side:?}: {:?}", dump.summary);
            assert!(dump.summary.pg_dump_version.as_deref().is_some_and(|v| v.starts_with("15.")));
            assert!(dump.warnings.is_empty(), "{:?}", dump.warnings);
            assert!(dump.not_understood.is_empty(), "{:?}", dump.not_understood);
            assert!(dump.counts.tables >= 7 && dump.counts.indexes >= 5, "{:?}", dump.counts);
        }
        assert_eq!(analyst.side(Side::From).unwrap().dump.file_name, "fieldbook_production.sql");
    }

    #[test]
    fn unreadable_files_say_what_they_are() {
        let message = Parsed::from_bytes("dump.custom", b"PGDMP\x01", None).unwrap_err().to_string();
        assert!(message.contains("pg_restore"), "{message}");
    }

    #[test]
    fn every_export_leaves_secrets_out_unless_the_user_keeps_them() {
        let mut analyst = Analyst::default();
        let before = b"CREATE TABLE public.t (id integer);\n";
        let after = b"CREATE TABLE public.t (id integer, dsn text DEFAULT 'postgresql://app:Sup3rSecret@db/app');\n\
            COMMENT ON TABLE public.t IS 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';\n";
        analyst.set(Side::From, Parsed::from_bytes("a.sql", before, None).unwrap());
        analyst.set(Side::To, Parsed::from_bytes("b.sql", after, None).unwrap());
        assert!(analyst.export(Export::Markdown, false).is_none(), "nothing to export before a comparison");
        let comparison = analyst.compare().unwrap();
        assert_eq!(comparison.inputs[1].sha256, schemadrift_engine::report::sha256_hex(after));
        for export in Export::ALL {
            let (name, redacted) = analyst.export(export, false).unwrap();
            assert!(name.starts_with("a-to-b-"), "{name}");
            assert!(
                !redacted.contains("Sup3rSecret") && !redacted.contains("sk_live_4eC39"),
                "{export:?}:\n{redacted}"
            );
            assert!(!redacted.is_empty());
        }
        assert!(analyst.export(Export::Migration, true).unwrap().1.contains("Sup3rSecret"), "kept on request");
        assert!(!comparison.script.contains("Sup3rSecret"), "the page's script is redacted");
        assert!(!analyst.complete().unwrap().rollback.contains("Sup3rSecret"), "and its rollback");
        assert_eq!(Export::Html.file_name("prod db.sql", "b.sql"), "prod_db-to-b-report.html");
    }

    #[test]
    fn what_the_page_receives_carries_no_secret_value() {
        let mut analyst = Analyst::default();
        let dump = b"CREATE ROLE app LOGIN PASSWORD 'hunter2-very-secret';\nCREATE TABLE t (id int);\n";
        analyst.set(Side::From, Parsed::from_bytes("a.sql", b"CREATE TABLE t (id int);\n", None).unwrap());
        analyst.set(Side::To, Parsed::from_bytes("b.sql", dump, None).unwrap());
        let comparison = analyst.compare().unwrap();
        assert_eq!(comparison.secrets.len(), 1);
        let completion = analyst.complete().unwrap();
        let mut bytes = crate::protocol::encode(&crate::protocol::Response::Compared(Some(Box::new(comparison))));
        bytes.extend(crate::protocol::encode(&crate::protocol::Response::Completed(Some(Box::new(completion)))));
        let at = bytes.windows(7).position(|w| w == b"hunter2");
        assert!(
            at.is_none(),
            "a secret's value crossed to the page: {:?}",
            at.map(|at| String::from_utf8_lossy(&bytes[at.saturating_sub(200)..at + 20]).into_owned())
        );
    }

    #[test]
    fn swap_exchanges_the_sides_and_the_comparison_reads_as_one_sentence() {
        let mut analyst = demo();
        assert_eq!(
            analyst.compare().unwrap().headline(),
            "To reach fieldbook_staging.sql, fieldbook_production.sql needs 12 additions, 2 removals and 4 changes."
        );
        analyst.swap();
        assert_eq!(analyst.side(Side::From).unwrap().dump.file_name, "fieldbook_staging.sql");
        let same = analyst.side(Side::To).unwrap().clone();
        analyst.set(Side::From, same);
        assert_eq!(
            analyst.compare().unwrap().headline(),
            "fieldbook_production.sql and fieldbook_production.sql define the same schema."
        );
        assert!(Analyst::default().compare().is_none());
        let demo = demo().compare().unwrap();
        assert_eq!(demo.cleanup[0][0].table.name, "users_backup_2025_03");
        assert!(demo.cleanup[1].is_empty());
    }

    #[test]
    fn options_compare_again_without_reading_again() {
        let mut analyst = demo();
        let catalog = analyst.side(Side::From).unwrap().side.clone();
        let all = analyst.compare().unwrap().diff.changes.len();
        analyst.set_options(DiffOptions { ignore_comments: true, ..DiffOptions::default() });
        assert_eq!(analyst.compare().unwrap().diff.changes.len(), all - 1);
        assert!(Arc::ptr_eq(&catalog, &analyst.side(Side::From).unwrap().side), "the side read was kept");
    }

    #[test]
    fn the_demo_inventory_lists_every_table_of_both_sides() {
        let mut analyst = demo();
        let demo = analyst.compare().unwrap();
        let names: std::collections::BTreeSet<String> = [Side::From, Side::To]
            .iter()
            .flat_map(|side| analyst.side(*side).unwrap().catalog().tables.keys().map(|k| k.to_string()))
            .collect();
        assert_eq!(demo.tables.len(), names.len());
        assert!(demo.tables.iter().any(|t| t.status == schemadrift_engine::diff::TableStatus::Unchanged));
        let changed: usize = demo.tables.iter().map(|t| t.changes).sum();
        assert!(changed > 0 && changed <= demo.diff.changes.len());
        assert_eq!(demo.change_tables.len(), demo.diff.changes.len());
        let tasks =
            demo.diff.changes.iter().zip(&demo.change_tables).filter(|(_, t)| t.as_deref() == Some("public.tasks"));
        assert!(tasks.count() >= 2);
    }

    #[test]
    fn a_table_view_aligns_columns_and_shows_both_definitions() {
        let analyst = demo();
        let view = analyst.table("public.tasks", None);
        assert!(view.found);
        assert!(view.ddl[0].starts_with("CREATE TABLE public.tasks"), "{}", view.ddl[0]);
        assert!(view.rows.iter().any(|r| r.from.is_none() && r.to.is_some()), "a new column is aligned");
        let missing = analyst.table("public.nothing", None);
        assert!(!missing.found);
        assert_eq!(missing.ddl[1], "-- not in fieldbook_staging.sql");
    }
}
