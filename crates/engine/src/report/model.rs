//! The report's types: plain data, serialized as the JSON export writes it.

use crate::catalog::{Catalog, Counts};
use crate::compat::Compatibility;
use crate::diff::{ChangeKind, ColumnStatus, DiffOptions, Note, ObjectKind, PropertyChange, Summary};
use crate::housekeeping::{CleanupCandidate, TrackingTable};
use crate::plan::Phase;
use crate::risks::{ChangeRisk, MatrixRow, Risk};
use crate::secrets::Secret;
use crate::summary::DumpSummary;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::{orm, Checklist};

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
    /// The sizes the user added: each side's total (from, to), when that side has sizes.
    #[serde(default)]
    pub size_totals: [Option<u64>; 2],
    /// The sizes files' names (from, to).
    #[serde(default)]
    pub size_files: [Option<String>; 2],
    /// Every table with its size on each side, largest first, when any side has sizes.
    #[serde(default)]
    pub sizes: Vec<SizeRow>,
}

/// One table's size on each side (from, to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizeRow {
    pub table: String,
    pub sizes: [Option<crate::input::sizes::TableSize>; 2],
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
    /// The release's script, shared.
    pub script: std::sync::Arc<String>,
    /// The comparison's rollback, shared.
    pub rollback: std::sync::Arc<String>,
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
    /// The release's risks, shared.
    pub risks: std::sync::Arc<Vec<Risk>>,
    /// The release's compatibility rows, shared.
    pub compatibility: std::sync::Arc<Vec<Compatibility>>,
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
pub struct Basis<'a> {
    pub from: &'a Catalog,
    pub to: &'a Catalog,
    pub inputs: [InputFacts; 2],
    pub options: &'a DiffOptions,
    pub secrets: [Vec<Secret>; 2],
    /// The rollback script (as `pipeline::Comparison::rollback` gives it), shared.
    pub rollback: std::sync::Arc<String>,
}

impl Report {
    /// The report as exports write it when secrets are redacted: its scripts take each secret
    /// from a psql variable ([`crate::secrets::withhold`]), never apply a placeholder. The rest of
    /// the text is redacted where it is rendered.
    pub fn withheld(mut self) -> Report {
        let secrets = self.secrets.concat();
        self.migration.script = crate::secrets::withhold(&self.migration.script, &secrets).into();
        self.migration.rollback = crate::secrets::withhold(&self.migration.rollback, &secrets).into();
        self
    }

    /// The names the two sides are known by (their file names).
    pub fn names(&self) -> (&str, &str) {
        (&self.inputs[0].name, &self.inputs[1].name)
    }
}
