//! The report model: everything a release review says about two dumps, as plain data. The
//! browser's export buttons, `--format json|md|html` and the renderers in [`crate::render`] all
//! start from [`Report`], so they say the same thing.
//!
//! Its sections follow the hand-written report the project replaces: summary and key findings,
//! table inventory, column differences, type changes and column order, per-table deep dives, new
//! tables in full, the index comparison, migration tracking, risks, compatibility, the phased
//! script, a testing strategy and checklist derived from the changes, cleanup candidates, an
//! appendix of counts, secrets found, and ORM schema lines.
//!
//! Architecture invariant: the report is deterministic. It holds the inputs' names, pg_dump
//! versions and content hashes and the tool version, never the time of day, so the same inputs
//! give byte-identical exports.

mod checklists;
pub mod orm;

use crate::catalog::{ByTable, Catalog, Column, Counts, QualifiedName};
use crate::compat::Compatibility;
use crate::diff::{
    align_columns, inventory, key_findings, table_of, Change, ChangeKind, ColumnStatus, DiffOptions, Note, ObjectKind,
    Property, PropertyChange, Summary, TableStatus,
};
use crate::housekeeping::{cleanup_candidates, tracking_tables, CleanupCandidate, TrackingTable};
use crate::plan::Phase;
use crate::release::Release;
use crate::risks::{ChangeRisk, MatrixRow, Risk};
use crate::secrets::Secret;
use crate::summary::DumpSummary;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use checklists::{Checklist, Item, Span};

/// The tool that wrote the report.
pub const TOOL: &str = "schemadrift";

/// One compared file, as the report identifies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFacts {
    /// The file name the user gave (no directory).
    pub name: String,
    pub bytes: usize,
    pub lines: usize,
    pub pg_dump_version: Option<String>,
    pub server_version: Option<String>,
    /// SHA-256 of the file's bytes as read (before decoding), in lower-case hex: what
    /// `sha256sum` prints for the same file.
    pub sha256: String,
    /// Why the file looks cut short, if it does ([`crate::reader::cut_short`]). (Always written:
    /// the page's binary messages have no field left out.)
    #[serde(default)]
    pub cut_short: Option<String>,
}

impl InputFacts {
    pub fn new(name: &str, raw: &[u8], summary: &DumpSummary) -> InputFacts {
        InputFacts {
            name: name.to_string(),
            bytes: raw.len(),
            lines: summary.lines,
            pg_dump_version: summary.pg_dump_version.clone(),
            server_version: summary.server_version.clone(),
            sha256: sha256_hex(raw),
            cut_short: summary.cut_short.clone(),
        }
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A table only one side has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableFact {
    pub table: String,
    pub columns: usize,
    pub indexes: usize,
    /// Lines of its definition (`CREATE TABLE` with its indexes, policies, triggers, comments): the
    /// size a dump can tell.
    pub definition_lines: usize,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    /// Tables on each side (from, to).
    pub tables: [usize; 2],
    pub only_in_from: Vec<TableFact>,
    pub only_in_to: Vec<TableFact>,
    /// Tables on both sides, changed or not.
    pub common: Vec<String>,
    pub changed: Vec<String>,
}

/// A column as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnFact {
    pub column: String,
    pub data_type: String,
    pub default: Option<String>,
    pub not_null: bool,
    /// Identity (`ALWAYS` / `BY DEFAULT`) or generated expression, when there is one.
    pub generated: Option<String>,
    /// The column's comment: its purpose, as its authors wrote it.
    pub comment: Option<String>,
}

/// The column differences of one table that both sides have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnDifferences {
    pub table: String,
    pub added: Vec<ColumnFact>,
    pub removed: Vec<ColumnFact>,
    pub altered: Vec<AlteredColumn>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlteredColumn {
    pub column: String,
    pub details: Vec<PropertyChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeChange {
    pub table: String,
    pub column: String,
    pub from: String,
    pub to: String,
    /// Whether PostgreSQL rewrites the table for it (the `column-type-change` risk).
    pub rewrites: bool,
}

/// Columns that moved without any other change: no migration needed, but `SELECT *` and `COPY`
/// without a column list see them in another order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnOrder {
    pub table: String,
    pub moved: Vec<MovedColumn>,
    pub from: Vec<String>,
    pub to: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedColumn {
    pub column: String,
    /// 1-based positions on each side.
    pub positions: [usize; 2],
}

/// A changed table in detail: its columns side by side and every change that belongs to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeepDive {
    pub table: String,
    pub comment: Option<String>,
    pub columns: Vec<ColumnRow>,
    pub changes: Vec<ChangeRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnRow {
    pub from: Option<ColumnFact>,
    pub to: Option<ColumnFact>,
    pub status: ColumnStatus,
    #[serde(deserialize_with = "crate::interned::list")]
    pub differs: Vec<crate::interned::Word>,
}

/// A change with its risk, as a row of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRow {
    pub change: ChangeKind,
    pub object_kind: ObjectKind,
    pub object: String,
    pub details: Vec<PropertyChange>,
    pub risk: Option<ChangeRisk>,
}

/// A table only `to` has, in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTable {
    pub table: String,
    pub comment: Option<String>,
    pub columns: Vec<ColumnFact>,
    /// `CREATE TABLE` as the migration writes it.
    pub definition: String,
    pub indexes: Vec<IndexFact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexFact {
    pub index: String,
    pub table: String,
    pub method: String,
    pub unique: bool,
    /// Primary key, unique or exclusion constraint it backs, when it is one.
    #[serde(deserialize_with = "crate::interned::option")]
    pub constraint: Option<crate::interned::Word>,
    pub definition: String,
}

/// The same columns indexed with another access method on the two sides: HNSW ↔ IVFFlat, btree ↔
/// GIN, … (under the same name, or under two names the diff proposes as a rename).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodChange {
    pub table: String,
    pub from_index: String,
    pub from_method: String,
    pub to_index: String,
    pub to_method: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexComparison {
    /// Indexes on each side, including those backing keys and unique constraints.
    pub counts: [usize; 2],
    pub only_in_from: Vec<IndexFact>,
    pub only_in_to: Vec<IndexFact>,
    pub altered: Vec<ChangeRow>,
    pub method_changes: Vec<MethodChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrationStatus {
    pub tracking: [Vec<TrackingTable>; 2],
    /// Versions one side's tracking tables list and the other's do not (Rails' `structure.sql`
    /// lists them).
    pub versions_only_in_from: Vec<String>,
    pub versions_only_in_to: Vec<String>,
    /// One sentence on what the tracking tables say.
    pub finding: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseScript {
    pub phase: Phase,
    #[serde(deserialize_with = "crate::interned::one")]
    pub title: crate::interned::Word,
    pub statements: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Migration {
    pub phases: Vec<PhaseScript>,
    pub manual: Vec<String>,
    pub script: String,
    pub rollback: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cleanup {
    /// Tables that look like backups or temporary copies, per side.
    pub candidates: [Vec<CleanupCandidate>; 2],
    /// What the migration's cleanup phases drop, as `<kind> <object>`.
    pub dropped: Vec<String>,
}

/// A column `to` adds to a table both sides have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnAddition {
    pub table: String,
    pub column: String,
    pub data_type: String,
    pub not_null: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appendix {
    pub counts: [Counts; 2],
    pub tables_only_in: [Vec<String>; 2],
    pub column_additions: Vec<ColumnAddition>,
    pub indexes: [usize; 2],
    pub new_indexes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    #[serde(deserialize_with = "crate::interned::one")]
    pub tool: crate::interned::Word,
    #[serde(deserialize_with = "crate::interned::one")]
    pub tool_version: crate::interned::Word,
    /// From, then to.
    pub inputs: [InputFacts; 2],
    pub summary: Summary,
    pub key_findings: Vec<String>,
    pub inventory: Inventory,
    pub changes: Vec<ChangeRow>,
    pub column_differences: Vec<ColumnDifferences>,
    pub type_changes: Vec<TypeChange>,
    pub column_order: Vec<ColumnOrder>,
    pub deep_dives: Vec<DeepDive>,
    pub new_tables: Vec<NewTable>,
    pub indexes: IndexComparison,
    pub migration_status: MigrationStatus,
    #[serde(deserialize_with = "crate::interned::counts")]
    pub risk_counts: BTreeMap<&'static str, usize>,
    pub risk_matrix: Vec<MatrixRow>,
    pub risks: Vec<Risk>,
    pub compatibility: Vec<Compatibility>,
    pub deploy_order: String,
    pub migration: Migration,
    pub testing: Vec<Checklist>,
    pub post_migration: Vec<Checklist>,
    pub cleanup: Cleanup,
    pub appendix: Appendix,
    pub notes: Vec<Note>,
    pub rename_candidates: Vec<crate::diff::RenameCandidate>,
    /// Secrets found in each input (never their values).
    pub secrets: [Vec<Secret>; 2],
    pub orm: orm::Orm,
}

/// What the report is built from besides the release.
pub struct Sources<'a> {
    pub from: &'a Catalog,
    pub to: &'a Catalog,
    pub inputs: [InputFacts; 2],
    pub options: &'a DiffOptions,
    pub secrets: [Vec<Secret>; 2],
    /// The rollback script (as [`Release::rollback`] writes it).
    pub rollback: String,
}

impl Report {
    /// The report as exports write it when secrets are redacted: its scripts take each secret
    /// from a psql variable ([`crate::secrets::withhold`]), never apply a placeholder. The rest of
    /// the text is redacted where it is rendered.
    pub fn withheld(mut self) -> Report {
        let secrets = self.secrets.concat();
        self.migration.script = crate::secrets::withhold(&self.migration.script, &secrets);
        self.migration.rollback = crate::secrets::withhold(&self.migration.rollback, &secrets);
        self
    }

    /// The names the two sides are known by (their file names).
    pub fn names(&self) -> (&str, &str) {
        (&self.inputs[0].name, &self.inputs[1].name)
    }
}

/// Builds the report of `release` (computed from `sources.from` → `sources.to`).
pub fn build(release: &Release, sources: Sources<'_>) -> Report {
    let Sources { from, to, inputs, options, secrets, rollback } = sources;
    let diff = &release.diff;
    let by_change = crate::risks::by_change(&release.risks);
    let row = |change: &Change| ChangeRow {
        change: change.change,
        object_kind: change.object_kind,
        object: change.object.clone(),
        details: change.details.clone(),
        risk: by_change.get(&format!("{} {}", change.object_kind, change.object)).cloned(),
    };
    let changes: Vec<ChangeRow> = diff.changes.iter().map(row).collect();
    let entries = inventory(from, to, diff, options);
    let named = |status: TableStatus| entries.iter().filter(move |e| e.status == status);
    let by_table = [ByTable::new(from), ByTable::new(to)];
    let fact = |catalog: &Catalog, by: &ByTable<'_>, shown: &str| {
        let (name, table) = find_table(catalog, shown)?;
        Some(TableFact {
            table: shown.to_string(),
            columns: table.columns.len(),
            indexes: by.indexes(name).len(),
            definition_lines: crate::sql::table_ddl_with(catalog, by, name).map_or(0, |d| d.lines().count()),
            comment: catalog.comments.get(&format!("table {shown}")).cloned(),
        })
    };
    let inventory = Inventory {
        tables: [count_tables(from, options), count_tables(to, options)],
        only_in_from: named(TableStatus::OnlyInFrom).filter_map(|e| fact(from, &by_table[0], &e.table)).collect(),
        only_in_to: named(TableStatus::OnlyInTo).filter_map(|e| fact(to, &by_table[1], &e.table)).collect(),
        common: entries
            .iter()
            .filter(|e| matches!(e.status, TableStatus::Changed | TableStatus::Unchanged))
            .map(|e| e.table.clone())
            .collect(),
        changed: named(TableStatus::Changed).map(|e| e.table.clone()).collect(),
    };
    let new_table_names: Vec<&str> = inventory.only_in_to.iter().map(|t| t.table.as_str()).collect();
    let column_differences = column_differences(diff, from, to, &inventory.only_in_from, &new_table_names);
    let rewrites: Vec<&str> =
        release.risks.iter().filter(|r| r.rule == "column-type-change").map(|r| r.object.as_str()).collect();
    let type_changes: Vec<TypeChange> = diff
        .changes
        .iter()
        .filter(|c| c.object_kind == ObjectKind::Column && c.change == ChangeKind::Altered)
        .filter_map(|c| {
            let detail = c.details.iter().find(|d| d.property == Property::Type)?;
            let (table, column) = c.key.member()?;
            Some(TypeChange {
                table: table.to_string(),
                column: column.to_string(),
                from: detail.from.clone().unwrap_or_default(),
                to: detail.to.clone().unwrap_or_default(),
                rewrites: rewrites.contains(&c.object.as_str()),
            })
        })
        .collect();
    let column_order: Vec<ColumnOrder> =
        inventory.common.iter().filter_map(|shown| column_order(from, to, shown)).collect();
    let mut changes_by_table: BTreeMap<String, Vec<&Change>> = BTreeMap::new();
    for change in &diff.changes {
        if let Some(table) = table_of(change, from, to) {
            changes_by_table.entry(table).or_default().push(change);
        }
    }
    let deep_dives: Vec<DeepDive> = inventory
        .changed
        .iter()
        .map(|shown| {
            let old = find_table(from, shown).map(|(_, t)| t);
            let new = find_table(to, shown).map(|(_, t)| t);
            let old_name = old.map(|_| shown.as_str()).unwrap_or(shown);
            DeepDive {
                table: shown.clone(),
                comment: to.comments.get(&format!("table {shown}")).cloned(),
                columns: align_columns(old, new)
                    .into_iter()
                    .map(|pair| ColumnRow {
                        from: pair.from.as_ref().map(|c| column_fact(from, old_name, c)),
                        to: pair.to.as_ref().map(|c| column_fact(to, shown, c)),
                        status: pair.status,
                        differs: pair.differs,
                    })
                    .collect(),
                changes: changes_by_table.get(shown).into_iter().flatten().map(|c| row(c)).collect(),
            }
        })
        .collect();
    let new_tables: Vec<NewTable> = inventory
        .only_in_to
        .iter()
        .filter_map(|fact| {
            let (name, table) = find_table(to, &fact.table)?;
            Some(NewTable {
                table: fact.table.clone(),
                comment: fact.comment.clone(),
                columns: table.columns.iter().map(|c| column_fact(to, &fact.table, c)).collect(),
                definition: crate::sql::create_table(name, table),
                indexes: table_indexes(to, &by_table[1], name),
            })
        })
        .collect();
    let indexes =
        index_comparison(diff, (from, to), &by_table, (&inventory.only_in_from, &inventory.only_in_to), options, &row);
    let migration_status = migration_status(from, to, &inputs);
    let risk_matrix = crate::risks::matrix(&release.risks);
    let migration = Migration {
        phases: Phase::ALL
            .iter()
            .map(|phase| PhaseScript {
                phase: *phase,
                title: phase.title(),
                statements: release.plan.phase(*phase).map(|s| s.sql.clone()).collect(),
            })
            .filter(|p| !p.statements.is_empty())
            .collect(),
        manual: release.plan.manual.clone(),
        script: release.script.clone(),
        rollback,
    };
    let dropped = release
        .plan
        .steps
        .iter()
        .filter(|s| matches!(s.phase, Phase::CleanupIndexes | Phase::Cleanup))
        .flat_map(|s| s.changes.iter().cloned())
        .collect();
    let cleanup = Cleanup { candidates: [cleanup_candidates(from), cleanup_candidates(to)], dropped };
    let column_additions: Vec<ColumnAddition> = column_differences
        .iter()
        .flat_map(|t| {
            t.added.iter().map(|c| ColumnAddition {
                table: t.table.clone(),
                column: c.column.clone(),
                data_type: c.data_type.clone(),
                not_null: c.not_null,
            })
        })
        .collect();
    let appendix = Appendix {
        counts: [from.counts(), to.counts()],
        tables_only_in: [
            inventory.only_in_from.iter().map(|t| t.table.clone()).collect(),
            inventory.only_in_to.iter().map(|t| t.table.clone()).collect(),
        ],
        column_additions,
        indexes: indexes.counts,
        new_indexes: indexes.only_in_to.len(),
    };
    let (from_name, to_name) = (inputs[0].name.as_str(), inputs[1].name.as_str());
    let facts = checklists::Facts { release, changes: &changes, new_tables: &new_tables, type_changes: &type_changes };
    let testing = checklists::testing(&facts, from_name, to_name);
    let post_migration = checklists::post_migration(&facts);
    let orm = orm::hints(to, &new_tables, &column_differences);
    Report {
        tool: TOOL,
        tool_version: env!("CARGO_PKG_VERSION"),
        key_findings: key_findings(diff, from_name, to_name),
        inputs,
        summary: diff.summary.clone(),
        inventory,
        changes,
        column_differences,
        type_changes,
        column_order,
        deep_dives,
        new_tables,
        indexes,
        migration_status,
        risk_counts: crate::risks::counts(&release.risks),
        risk_matrix,
        risks: release.risks.clone(),
        compatibility: release.compatibility.clone(),
        deploy_order: release.deploy_order.clone(),
        migration,
        testing,
        post_migration,
        cleanup,
        appendix,
        notes: diff.notes.clone(),
        rename_candidates: diff.rename_candidates.clone(),
        secrets,
        orm,
    }
}

fn count_tables(catalog: &Catalog, options: &DiffOptions) -> usize {
    catalog.tables.keys().filter(|n| !options.excludes(&n.schema)).count()
}

/// A table by the name the diff shows (`schema.table`).
pub(crate) fn find_table<'a>(
    catalog: &'a Catalog,
    shown: &str,
) -> Option<(&'a QualifiedName, &'a crate::catalog::Table)> {
    crate::catalog::find_shown(&catalog.tables, shown)
}

fn column_fact(catalog: &Catalog, table: &str, column: &Column) -> ColumnFact {
    ColumnFact {
        column: column.name.clone(),
        data_type: column.data_type.clone(),
        default: column.default.clone(),
        not_null: column.not_null,
        generated: column
            .identity
            .as_ref()
            .map(|i| format!("identity {i}"))
            .or_else(|| column.generated.as_ref().map(|g| format!("generated {g}"))),
        comment: catalog.comments.get(&format!("column {table}.{}", column.name)).cloned(),
    }
}

fn column_differences(
    diff: &crate::Diff,
    from: &Catalog,
    to: &Catalog,
    dropped_tables: &[TableFact],
    new_tables: &[&str],
) -> Vec<ColumnDifferences> {
    let mut by_table: BTreeMap<String, ColumnDifferences> = BTreeMap::new();
    let skip: Vec<&str> = dropped_tables.iter().map(|t| t.table.as_str()).chain(new_tables.iter().copied()).collect();
    for change in diff.changes.iter().filter(|c| c.object_kind == ObjectKind::Column) {
        let Some((key, column)) = change.key.member() else { continue };
        let table = key.to_string();
        let table = table.as_str();
        if skip.contains(&table) {
            continue;
        }
        let entry = by_table.entry(table.to_string()).or_insert_with(|| ColumnDifferences {
            table: table.to_string(),
            added: Vec::new(),
            removed: Vec::new(),
            altered: Vec::new(),
        });
        let fact = |catalog: &Catalog| {
            let (_, t) = find_table(catalog, table)?;
            Some(column_fact(catalog, table, t.column(column)?))
        };
        match change.change {
            ChangeKind::Added => entry.added.extend(fact(to)),
            ChangeKind::Removed => entry.removed.extend(fact(from)),
            ChangeKind::Altered | ChangeKind::Renamed | ChangeKind::Uncompared => {
                entry.altered.push(AlteredColumn { column: column.to_string(), details: change.details.clone() })
            }
        }
    }
    by_table.into_values().collect()
}

fn column_order(from: &Catalog, to: &Catalog, shown: &str) -> Option<ColumnOrder> {
    let (_, old) = find_table(from, shown)?;
    let (_, new) = find_table(to, shown)?;
    // Each column's place (from 1), looked up by name: not one search per column.
    let places = |t: &crate::catalog::Table| -> std::collections::HashMap<String, usize> {
        t.columns.iter().enumerate().rev().map(|(i, c)| (c.name.clone(), i + 1)).collect()
    };
    let (old_places, new_places) = (places(old), places(new));
    let shared = |a: &crate::catalog::Table, b: &std::collections::HashMap<String, usize>| -> Vec<String> {
        a.columns.iter().filter(|c| b.contains_key(&c.name)).map(|c| c.name.clone()).collect()
    };
    let (old_order, new_order) = (shared(old, &new_places), shared(new, &old_places));
    if old_order == new_order {
        return None;
    }
    let position = |places: &std::collections::HashMap<String, usize>, name: &str| places.get(name).copied();
    let moved = old_order
        .iter()
        .zip(&new_order)
        .filter(|(a, b)| a != b)
        .filter_map(|(_, name)| {
            Some(MovedColumn {
                column: name.clone(),
                positions: [position(&old_places, name)?, position(&new_places, name)?],
            })
        })
        .collect();
    Some(ColumnOrder {
        table: shown.to_string(),
        moved,
        from: old.columns.iter().map(|c| c.name.clone()).collect(),
        to: new.columns.iter().map(|c| c.name.clone()).collect(),
    })
}

/// Every index of one table: those built by `CREATE INDEX` and those backing its primary key,
/// unique and exclusion constraints (as `pg_indexes` lists them).
fn table_indexes(catalog: &Catalog, by_table: &ByTable<'_>, table: &QualifiedName) -> Vec<IndexFact> {
    let mut out: Vec<IndexFact> = by_table.indexes(table).iter().map(|(name, index)| index_fact(name, index)).collect();
    if let Some(t) = catalog.tables.get(table) {
        out.extend(t.constraints.iter().filter_map(|(name, c)| constraint_index(table, name, c)));
    }
    out.sort_by(|a, b| a.index.cmp(&b.index));
    out
}

fn index_fact(name: &QualifiedName, index: &crate::catalog::Index) -> IndexFact {
    IndexFact {
        index: name.to_string(),
        table: index.table.to_string(),
        method: index.method.clone(),
        unique: index.unique,
        constraint: None,
        definition: crate::sql::create_index(name, index),
    }
}

/// The index behind a primary key, unique or exclusion constraint.
fn constraint_index(table: &QualifiedName, name: &str, constraint: &crate::catalog::Constraint) -> Option<IndexFact> {
    use crate::catalog::ConstraintKind;
    let (kind, unique) = match constraint.kind {
        ConstraintKind::PrimaryKey => ("primary key", true),
        ConstraintKind::Unique => ("unique constraint", true),
        ConstraintKind::Exclusion => ("exclusion constraint", false),
        _ => return None,
    };
    let lower = constraint.definition.to_ascii_lowercase();
    let method = lower
        .split_once(" using ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .filter(|_| constraint.kind == ConstraintKind::Exclusion)
        .unwrap_or("btree")
        .to_string();
    Some(IndexFact {
        index: format!("{}.{name}", table.schema),
        table: table.to_string(),
        method,
        unique,
        constraint: Some(kind),
        definition: format!(
            "ALTER TABLE {} ADD CONSTRAINT {} {};",
            crate::sql::qualified(table),
            crate::sql::ident(name),
            constraint.definition
        ),
    })
}

fn index_comparison(
    diff: &crate::Diff,
    (from, to): (&Catalog, &Catalog),
    by_table: &[ByTable<'_>; 2],
    (tables_only_in_from, tables_only_in_to): (&[TableFact], &[TableFact]),
    options: &DiffOptions,
    row: &dyn Fn(&Change) -> ChangeRow,
) -> IndexComparison {
    let on_side = |catalog: &Catalog, by: &ByTable<'_>, change: ChangeKind, tables: &[TableFact]| -> Vec<IndexFact> {
        let mut out: Vec<IndexFact> = Vec::new();
        for c in diff.changes.iter().filter(|c| c.change == change) {
            match c.object_kind {
                ObjectKind::Index => {
                    out.extend(c.key.find(&catalog.indexes).map(|(name, index)| index_fact(name, index)))
                }
                ObjectKind::Constraint => {
                    let Some((table, name)) = c.key.member() else { continue };
                    let Some((table_name, t)) = catalog.tables.get_key_value(table) else { continue };
                    out.extend(t.constraints.get(name).and_then(|k| constraint_index(table_name, name, k)));
                }
                _ => {}
            }
        }
        for table in tables {
            if let Some((name, _)) = find_table(catalog, &table.table) {
                out.extend(table_indexes(catalog, by, name));
            }
        }
        out.sort_by(|a, b| (&a.table, &a.index).cmp(&(&b.table, &b.index)));
        out.dedup();
        out
    };
    let only_in_from = on_side(from, &by_table[0], ChangeKind::Removed, tables_only_in_from);
    let only_in_to = on_side(to, &by_table[1], ChangeKind::Added, tables_only_in_to);
    let altered_changes: Vec<&Change> = diff
        .changes
        .iter()
        .filter(|c| c.object_kind == ObjectKind::Index && matches!(c.change, ChangeKind::Altered | ChangeKind::Renamed))
        .collect();
    let altered: Vec<ChangeRow> = altered_changes.iter().map(|c| row(c)).collect();
    let mut method_changes: Vec<MethodChange> = Vec::new();
    for change in altered_changes {
        if let Some(method) = change.details.iter().find(|d| d.property == Property::Method) {
            let table = change.key.find(&to.indexes).map(|(_, i)| i.table.to_string()).unwrap_or_default();
            let (old, new) = (method.from.clone().unwrap_or_default(), method.to.clone().unwrap_or_default());
            method_changes.push(MethodChange {
                table,
                from_index: change.object.clone(),
                to_index: change.object.clone(),
                note: method_note(&old, &new),
                from_method: old,
                to_method: new,
            });
        }
    }
    // Two indexes on the same table and columns with different methods: one replaced the other.
    let index = |catalog: &'_ Catalog, shown: &str| {
        crate::catalog::find_shown(&catalog.indexes, shown).map(|(_, i)| key_columns(&i.keys))
    };
    for old in only_in_from.iter().filter(|i| i.constraint.is_none()) {
        for new in only_in_to.iter().filter(|n| n.constraint.is_none() && n.table == old.table) {
            if new.method != old.method
                && index(from, &old.index).is_some()
                && index(from, &old.index) == index(to, &new.index)
            {
                method_changes.push(MethodChange {
                    table: old.table.clone(),
                    from_index: old.index.clone(),
                    from_method: old.method.clone(),
                    to_index: new.index.clone(),
                    to_method: new.method.clone(),
                    note: method_note(&old.method, &new.method),
                });
            }
        }
    }
    let count = |catalog: &Catalog| -> usize {
        let built = catalog.indexes.values().filter(|i| !options.excludes(&i.table.schema)).count();
        let backing: usize = catalog
            .tables
            .iter()
            .filter(|(name, _)| !options.excludes(&name.schema))
            .map(|(name, t)| t.constraints.iter().filter_map(|(key, c)| constraint_index(name, key, c)).count())
            .sum();
        built + backing
    };
    IndexComparison { counts: [count(from), count(to)], only_in_from, only_in_to, altered, method_changes }
}

/// The indexed expressions without their operator classes and orderings.
fn key_columns(keys: &[String]) -> Vec<String> {
    keys.iter().map(|k| k.split_whitespace().next().unwrap_or("").to_string()).collect()
}

/// An index access method as its documentation names it: `HNSW`, `IVFFlat`, `GIN`, `B-tree`, …
pub fn method_name(method: &str) -> String {
    match method {
        "hnsw" => "HNSW".into(),
        "ivfflat" => "IVFFlat".into(),
        "btree" => "B-tree".into(),
        "gin" => "GIN".into(),
        "gist" => "GiST".into(),
        "spgist" => "SP-GiST".into(),
        "brin" => "BRIN".into(),
        other => other.to_string(),
    }
}

/// What a change of index access method means.
fn method_note(from: &str, to: &str) -> String {
    let vector = |m: &str| matches!(m, "hnsw" | "ivfflat");
    match (from, to) {
        ("hnsw", "ivfflat") => "HNSW → IVFFlat: faster to build and smaller, but recall depends on lists and \
                                ivfflat.probes, and the lists must be trained on rows already loaded; \
                                nearest-neighbour results and latency change"
            .to_string(),
        ("ivfflat", "hnsw") => "IVFFlat → HNSW: better recall and query speed without training, but a slower \
                                build that needs much maintenance_work_mem; nearest-neighbour results change"
            .to_string(),
        (a, b) if vector(a) || vector(b) => {
            format!(
                "{} → {}: vector search changes its recall and latency; benchmark real queries",
                method_name(a),
                method_name(b)
            )
        }
        (a, b) => format!(
            "{} → {}: queries the planner served with the {} index may be planned differently",
            method_name(a),
            method_name(b),
            method_name(a)
        ),
    }
}

fn migration_status(from: &Catalog, to: &Catalog, inputs: &[InputFacts; 2]) -> MigrationStatus {
    let tracking = [tracking_tables(from), tracking_tables(to)];
    let versions = |side: &[TrackingTable]| -> Vec<String> {
        let mut all: Vec<String> = side.iter().flat_map(|t| t.versions.iter().cloned()).collect();
        all.sort();
        all.dedup();
        all
    };
    let (old, new) = (versions(&tracking[0]), versions(&tracking[1]));
    let versions_only_in_from: Vec<String> = old.iter().filter(|v| !new.contains(v)).cloned().collect();
    let versions_only_in_to: Vec<String> = new.iter().filter(|v| !old.contains(v)).cloned().collect();
    let finding = if tracking.iter().all(Vec::is_empty) {
        "Neither dump has a migration tracking table (Prisma's _prisma_migrations, Rails' schema_migrations, \
         Supabase's supabase_migrations.schema_migrations, Flyway, Liquibase, Django, Drizzle, …): the \
         migrations are kept elsewhere (another schema, the migration tool's own store) or the schema is \
         managed by hand. Compare the applied migrations where they are kept."
            .to_string()
    } else if old.is_empty() && new.is_empty() {
        "The tracking tables list no versions here: a schema-only dump leaves their rows out (Rails' \
         structure.sql keeps them)."
            .to_string()
    } else {
        format!(
            "{} versions only in {}, {} only in {}.",
            versions_only_in_to.len(),
            inputs[1].name,
            versions_only_in_from.len(),
            inputs[0].name
        )
    };
    MigrationStatus { tracking, versions_only_in_from, versions_only_in_to, finding }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::pipeline::{read_side, Comparison};
    use std::sync::Arc;

    /// The report of two SQL texts, through the pipeline every caller takes.
    pub(crate) fn report_of(before: &str, after: &str) -> Report {
        let side = |name: &str, text: &str| Arc::new(read_side(name, text.as_bytes(), None).expect("plain SQL reads"));
        Comparison::new(side("a.sql", before), side("b.sql", after), DiffOptions::default()).report().clone()
    }

    #[test]
    fn the_hash_is_sha256_of_the_bytes() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn sections_hold_the_facts_of_the_changes() {
        let report = report_of(
            "CREATE TABLE t (id int PRIMARY KEY, b numeric, a text); CREATE TABLE old_copy (x int);
             CREATE INDEX t_a ON t USING hnsw (a);",
            "CREATE TABLE t (id int PRIMARY KEY, a text, b double precision, c text DEFAULT 'x' NOT NULL);
             COMMENT ON COLUMN t.c IS 'the c';
             CREATE TABLE n (id uuid PRIMARY KEY DEFAULT gen_random_uuid()); CREATE INDEX n_id ON n (id);
             CREATE INDEX t_a_flat ON t USING ivfflat (a);",
        );
        assert_eq!(report.inventory.tables, [2, 2]);
        assert_eq!(report.inventory.only_in_from[0].table, "public.old_copy");
        assert_eq!(report.inventory.changed, ["public.t"]);
        let added = &report.column_differences[0].added[0];
        assert_eq!((added.column.as_str(), added.comment.as_deref()), ("c", Some("the c")));
        assert_eq!(added.default.as_deref(), Some("'x'"));
        assert_eq!(report.type_changes[0].to, "double precision");
        assert!(report.type_changes[0].rewrites);
        assert_eq!(report.column_order[0].moved[0].column, "a");
        assert_eq!(report.new_tables[0].indexes.len(), 2, "the primary key's index and n_id");
        assert_eq!(report.new_tables[0].indexes[1].constraint, Some("primary key"));
        assert_eq!(report.indexes.counts, [2, 4]);
        let change = &report.indexes.method_changes[0];
        assert_eq!((change.from_method.as_str(), change.to_method.as_str()), ("hnsw", "ivfflat"));
        assert_eq!(report.appendix.column_additions.len(), 1);
        assert_eq!(report.cleanup.candidates[0][0].table.name, "old_copy");
        assert!(report.cleanup.dropped.contains(&"table public.old_copy".to_string()));
        assert_eq!(report.inputs[1].name, "b.sql");
    }
}
