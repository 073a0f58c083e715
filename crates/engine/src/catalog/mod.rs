//! The catalog: what one dump defines, as plain data keyed by normalized qualified names.
//!
//! Architecture invariant: sqlparser's AST stops at `build`; everything here is plain data with
//! ordered collections, so two equal schemas give equal catalogs and output is deterministic.
//! Texts kept here (defaults, expressions, definitions) are normalized: sqlparser renders them
//! again from its AST, so whitespace and layout of the dump do not matter.

mod build;
pub(crate) mod datatype;
mod identifiers;
mod name;
mod normalize;
mod qualify;
mod rare;
mod recognize;
/// The kind and name of the object a statement defines or changes (`public.t` for `CREATE TABLE t`).
pub(crate) fn statement_object(sql: &str) -> Option<(crate::diff::ObjectKind, String)> {
    recognize::statement_object(sql, "public")
}

pub use build::{build, CatalogBuilder, MAX_NESTING};
pub use identifiers::needs_quotes;
pub use rare::{Rare, Unset};

/// Tables in which migration tools record what they applied, with the tool: `(schema, table, tool)`,
/// the schema given where the table name alone is ambiguous. INSERTs into these are schema history
/// (kept as migration versions); INSERTs into any other table are data.
pub const TRACKING_TABLES: &[(Option<&str>, &str, &str)] = &[
    (Some("supabase_migrations"), "schema_migrations", "Supabase CLI"),
    (None, "schema_migrations", "Rails / dbmate / golang-migrate"),
    (None, "_prisma_migrations", "Prisma"),
    (None, "flyway_schema_history", "Flyway"),
    (None, "__drizzle_migrations", "Drizzle"),
    (None, "knex_migrations", "Knex"),
    (None, "alembic_version", "Alembic"),
    (None, "goose_db_version", "goose"),
];

/// The migration tool that owns a tracking table, if `table` is one.
pub fn tracking_tool(table: &QualifiedName) -> Option<&'static str> {
    TRACKING_TABLES
        .iter()
        .find(|(schema, name, _)| *name == table.name && schema.is_none_or(|s| s == table.schema))
        .map(|(_, _, tool)| *tool)
}

/// A statement as one normalized line (see `recognize::normalized_tokens`): how statements that
/// were not understood are compared.
pub fn normalized_statement(sql: &str) -> String {
    recognize::normalized_tokens(sql)
}
pub use name::{find_shown, member_name, member_of, split_member, split_top_level, QualifiedName};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// Why the dump this catalog was read from looks cut short, if it does: what it lacks would look
    /// removed, so a migration to it leaves removals out until the user confirms them.
    #[serde(default)]
    pub cut_short: Option<String>,
    pub schemas: BTreeMap<String, Schema>,
    pub extensions: BTreeMap<String, Extension>,
    pub types: BTreeMap<QualifiedName, TypeDef>,
    pub sequences: BTreeMap<QualifiedName, Sequence>,
    pub tables: BTreeMap<QualifiedName, Table>,
    pub indexes: BTreeMap<QualifiedName, Index>,
    pub views: BTreeMap<QualifiedName, View>,
    pub functions: BTreeMap<String, Function>,
    pub triggers: BTreeMap<String, Trigger>,
    pub event_triggers: BTreeMap<String, Definition>,
    pub policies: BTreeMap<String, Policy>,
    pub publications: BTreeMap<String, Definition>,
    /// Rules, collations, casts, operators, text search objects, foreign servers, …: kept by their
    /// normalized definition, keyed by `<kind> <name>`.
    pub other_objects: BTreeMap<String, Definition>,
    /// `COMMENT ON <kind> <object>` → text, keyed by `<kind> <object>` (e.g. `column public.t.c`).
    pub comments: BTreeMap<String, String>,
    /// Normalized GRANT / REVOKE statements, in dump order within each object.
    pub grants: Vec<String>,
    /// `<kind> <object>` → owner role.
    pub owners: BTreeMap<String, String>,
    /// Versions inserted into migration-tracking tables (e.g. Rails `schema_migrations`), per table.
    pub migration_versions: BTreeMap<QualifiedName, Vec<String>>,
    /// Rows of data in the dump (COPY blocks and INSERTs into other tables), per table: not schema.
    pub data_rows: BTreeMap<QualifiedName, usize>,
    /// Statements that were neither turned into facts nor deliberately ignored.
    pub not_understood: Vec<NotUnderstood>,
    /// Statement totals of the dump this catalog was built from.
    pub statements: StatementCounts,
    /// The statements that created opaque objects, as the dump wrote them (see [`SourceStatements`]).
    #[serde(skip)]
    pub sources: SourceStatements,
}

impl Catalog {
    /// Builds each large map again from its sorted entries, which fills every node of the tree:
    /// entries inserted one by one, as a dump is read, leave nodes about half full (80,000 tables:
    /// ~24 MB of nodes, ~13 MB packed). The entries themselves are moved, not copied.
    fn pack(&mut self) {
        fn packed<K: Ord, V>(map: &mut BTreeMap<K, V>) {
            if map.len() > 64 {
                *map = std::mem::take(map).into_iter().collect();
            }
        }
        packed(&mut self.types);
        packed(&mut self.sequences);
        packed(&mut self.tables);
        packed(&mut self.indexes);
        packed(&mut self.views);
        packed(&mut self.functions);
        packed(&mut self.triggers);
        packed(&mut self.policies);
        packed(&mut self.other_objects);
        packed(&mut self.comments);
        packed(&mut self.owners);
        for table in self.tables.values_mut() {
            packed(&mut table.constraints);
        }
    }
}

/// The indexes, policies and triggers of each table, gathered in one pass: for code that visits many
/// tables, which would otherwise scan every index of the catalog for each table.
pub struct ByTable<'a> {
    indexes: BTreeMap<&'a QualifiedName, Vec<(&'a QualifiedName, &'a Index)>>,
    policies: BTreeMap<&'a QualifiedName, Vec<(&'a String, &'a Policy)>>,
    triggers: BTreeMap<&'a QualifiedName, Vec<&'a Trigger>>,
}

impl<'a> ByTable<'a> {
    pub fn new(catalog: &'a Catalog) -> ByTable<'a> {
        let mut by = ByTable { indexes: BTreeMap::new(), policies: BTreeMap::new(), triggers: BTreeMap::new() };
        for (name, index) in &catalog.indexes {
            by.indexes.entry(&index.table).or_default().push((name, index));
        }
        for (key, policy) in &catalog.policies {
            by.policies.entry(&policy.table).or_default().push((key, policy));
        }
        for trigger in catalog.triggers.values() {
            by.triggers.entry(&trigger.table).or_default().push(trigger);
        }
        by
    }

    /// The table's indexes, in name order.
    pub fn indexes(&self, table: &QualifiedName) -> &[(&'a QualifiedName, &'a Index)] {
        self.indexes.get(table).map_or(&[], Vec::as_slice)
    }

    /// The table's policies (keyed `schema.table.policy`), in key order.
    pub fn policies(&self, table: &QualifiedName) -> &[(&'a String, &'a Policy)] {
        self.policies.get(table).map_or(&[], Vec::as_slice)
    }

    /// The table's triggers, in key order.
    pub fn triggers(&self, table: &QualifiedName) -> &[&'a Trigger] {
        self.triggers.get(table).map_or(&[], Vec::as_slice)
    }
}

/// The statements that created an object whose definition the catalog keeps as normalized text
/// (functions, views, triggers, policies, types other than enums, event triggers, publications and
/// other objects), exactly as the dump wrote them, keyed `<kind> <object>` like the diff's objects
/// (`function public.f(integer)`, `view public.v`, `trigger public.t.tr`): what a migration runs to
/// create such an object.
///
/// Not part of the schema: dumps of one database by different pg_dump versions write these
/// statements differently and still define the same schema, so `PartialEq` ignores sources.
#[derive(Debug, Clone, Default)]
pub struct SourceStatements(pub BTreeMap<String, Vec<String>>);

impl SourceStatements {
    /// The statements for `key`, joined as a script.
    pub fn get(&self, key: &str) -> Option<String> {
        self.0.get(key).map(|statements| statements.join("\n"))
    }
}

impl PartialEq for SourceStatements {
    fn eq(&self, _: &SourceStatements) -> bool {
        true
    }
}

impl Eq for SourceStatements {}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementCounts {
    pub total: usize,
    pub understood: usize,
    pub ignored: usize,
    pub not_understood: usize,
}

/// A statement the catalog could not use; it still takes part in comparisons as raw text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotUnderstood {
    pub line: usize,
    pub text: String,
    pub reason: String,
    /// The object the statement creates or changes, read from its first words: it exists on this
    /// side even though its definition was not read, so the comparison never takes it for absent.
    #[serde(default)]
    pub object: Option<StatementObject>,
    /// PostgreSQL itself refuses this statement (a second definition of a name): it defines
    /// nothing, so it is not compared, only reported (see [`Catalog::refusals`]).
    #[serde(default)]
    pub refused: bool,
}

/// An object named by a statement's first words: its kind and name as the diff shows them
/// (`table` `public.t`; `constraint` `public.t.c`; `function` `public.f`, every overload of `f`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StatementObject {
    pub kind: crate::diff::ObjectKind,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub schema: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeDef {
    Enum {
        labels: Vec<String>,
    },
    Composite {
        attributes: Vec<(String, String)>,
    },
    Domain {
        base: String,
        default: Option<String>,
        not_null: bool,
        checks: Vec<String>,
        /// `COLLATE c` as written (`pg_catalog."C"`).
        #[serde(default)]
        collation: Option<String>,
    },
    Range {
        options: Vec<String>,
    },
    Other {
        definition: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    pub data_type: Option<String>,
    /// Options as written after normalization (`START WITH 1`, `INCREMENT BY 1`, `CACHE 1`, …).
    pub options: Vec<String>,
    /// `table.column` that owns the sequence (`ALTER SEQUENCE … OWNED BY`).
    pub owned_by: Option<String>,
    /// `CREATE UNLOGGED SEQUENCE` (PostgreSQL 15+).
    #[serde(default)]
    pub unlogged: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "TableFields")]
pub struct Table {
    pub columns: Vec<Column>,
    pub constraints: BTreeMap<String, Constraint>,
    pub unlogged: bool,
    pub row_level_security: bool,
    pub force_row_level_security: bool,
    /// Created by `CREATE TABLE … AS` (a copy without keys).
    pub created_as_query: bool,
    /// What few tables have (partitioning, inheritance, storage options, replica identity,
    /// tablespace, clustering index, type), out of line; read and written as fields
    /// (`table.more.more.partition_of`).
    pub more: Rare<TableMore>,
}

/// A table's fields that most tables leave unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableMore {
    pub partition_by: Option<String>,
    /// Parent and bound (`FOR VALUES …`) when this table is a partition.
    pub partition_of: Option<(QualifiedName, String)>,
    pub inherits: Vec<QualifiedName>,
    pub options: Vec<String>,
    pub replica_identity: Option<String>,
    /// The tablespace (pg_dump: `SET default_tablespace` before the statement); `None`: the default.
    pub tablespace: Option<String>,
    /// The index `CLUSTER` uses when no index is named (`ALTER TABLE … CLUSTER ON`).
    pub cluster_on: Option<String>,
    /// The composite type of a typed table (`CREATE TABLE … OF type`): its columns are the type's
    /// attributes.
    pub of_type: Option<QualifiedName>,
}

impl Unset for TableMore {
    const UNSET: &'static TableMore = &TableMore {
        partition_by: None,
        partition_of: None,
        inherits: Vec::new(),
        options: Vec::new(),
        replica_identity: None,
        tablespace: None,
        cluster_on: None,
        of_type: None,
    };
}

/// A table as serialized: every field at the top level, in the order they were declared before
/// the rare ones moved out of line.
#[derive(Deserialize)]
struct TableFields {
    columns: Vec<Column>,
    constraints: BTreeMap<String, Constraint>,
    unlogged: bool,
    partition_by: Option<String>,
    partition_of: Option<(QualifiedName, String)>,
    inherits: Vec<QualifiedName>,
    options: Vec<String>,
    row_level_security: bool,
    force_row_level_security: bool,
    replica_identity: Option<String>,
    created_as_query: bool,
    tablespace: Option<String>,
    #[serde(default)]
    cluster_on: Option<String>,
    #[serde(default)]
    of_type: Option<QualifiedName>,
}

impl Serialize for Table {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Table", 14)?;
        out.serialize_field("columns", &self.columns)?;
        out.serialize_field("constraints", &self.constraints)?;
        out.serialize_field("unlogged", &self.unlogged)?;
        out.serialize_field("partition_by", &self.more.partition_by)?;
        out.serialize_field("partition_of", &self.more.partition_of)?;
        out.serialize_field("inherits", &self.more.inherits)?;
        out.serialize_field("options", &self.more.options)?;
        out.serialize_field("row_level_security", &self.row_level_security)?;
        out.serialize_field("force_row_level_security", &self.force_row_level_security)?;
        out.serialize_field("replica_identity", &self.more.replica_identity)?;
        out.serialize_field("created_as_query", &self.created_as_query)?;
        out.serialize_field("tablespace", &self.more.tablespace)?;
        out.serialize_field("cluster_on", &self.more.cluster_on)?;
        out.serialize_field("of_type", &self.more.of_type)?;
        out.end()
    }
}

impl From<TableFields> for Table {
    fn from(f: TableFields) -> Table {
        let more = TableMore {
            partition_by: f.partition_by,
            partition_of: f.partition_of,
            inherits: f.inherits,
            options: f.options,
            replica_identity: f.replica_identity,
            tablespace: f.tablespace,
            cluster_on: f.cluster_on,
            of_type: f.of_type,
        };
        Table {
            columns: f.columns,
            constraints: f.constraints,
            unlogged: f.unlogged,
            row_level_security: f.row_level_security,
            force_row_level_security: f.force_row_level_security,
            created_as_query: f.created_as_query,
            more: more.into(),
        }
    }
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "ColumnFields")]
pub struct Column {
    pub name: String,
    /// 1-based position in the table.
    pub position: usize,
    pub data_type: String,
    pub default: Option<String>,
    pub not_null: bool,
    /// What few columns have (collation, identity, generation, statistics, storage, compression,
    /// options), out of line; read and written as fields (`column.more.more.identity`).
    pub more: Rare<ColumnMore>,
}

/// A column's fields that most columns leave unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMore {
    pub collation: Option<String>,
    /// `ALWAYS` or `BY DEFAULT` for identity columns.
    pub identity: Option<String>,
    /// The expression of a generated column, with its kind (`STORED` / `VIRTUAL`).
    pub generated: Option<String>,
    /// The column's statistics target when it is not the default (`SET STATISTICS n`).
    pub statistics: Option<String>,
    /// The column's storage when it is not its type's (`SET STORAGE external`), lower case.
    pub storage: Option<String>,
    /// The column's compression method when one is set (`SET COMPRESSION lz4`), lower case.
    pub compression: Option<String>,
    /// The column's options (`SET (n_distinct=100)`), each `name=value`, sorted.
    pub options: Vec<String>,
}

impl Unset for ColumnMore {
    const UNSET: &'static ColumnMore = &ColumnMore {
        collation: None,
        identity: None,
        generated: None,
        statistics: None,
        storage: None,
        compression: None,
        options: Vec::new(),
    };
}

/// A column as serialized: every field at the top level, in the order they were declared before
/// the rare ones moved out of line.
#[derive(Deserialize)]
struct ColumnFields {
    name: String,
    position: usize,
    data_type: String,
    collation: Option<String>,
    default: Option<String>,
    not_null: bool,
    identity: Option<String>,
    generated: Option<String>,
    #[serde(default)]
    statistics: Option<String>,
    #[serde(default)]
    storage: Option<String>,
    #[serde(default)]
    compression: Option<String>,
    #[serde(default)]
    options: Vec<String>,
}

impl Serialize for Column {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Column", 12)?;
        out.serialize_field("name", &self.name)?;
        out.serialize_field("position", &self.position)?;
        out.serialize_field("data_type", &self.data_type)?;
        out.serialize_field("collation", &self.more.collation)?;
        out.serialize_field("default", &self.default)?;
        out.serialize_field("not_null", &self.not_null)?;
        out.serialize_field("identity", &self.more.identity)?;
        out.serialize_field("generated", &self.more.generated)?;
        out.serialize_field("statistics", &self.more.statistics)?;
        out.serialize_field("storage", &self.more.storage)?;
        out.serialize_field("compression", &self.more.compression)?;
        out.serialize_field("options", &self.more.options)?;
        out.end()
    }
}

impl From<ColumnFields> for Column {
    fn from(f: ColumnFields) -> Column {
        let more = ColumnMore {
            collation: f.collation,
            identity: f.identity,
            generated: f.generated,
            statistics: f.statistics,
            storage: f.storage,
            compression: f.compression,
            options: f.options,
        };
        Column {
            name: f.name,
            position: f.position,
            data_type: f.data_type,
            default: f.default,
            not_null: f.not_null,
            more: more.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    ForeignKey,
    Check,
    Exclusion,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraint {
    pub kind: ConstraintKind,
    /// The definition without the name, e.g. `FOREIGN KEY (a) REFERENCES public.t(id) ON DELETE CASCADE`.
    pub definition: String,
    pub not_valid: bool,
}

impl Constraint {
    /// The columns of a key (`primary key (a, "B")`, `unique (…)`, `foreign key (…)`), as stored
    /// names: the list in the definition's first parentheses, quotes taken off.
    pub fn key_columns(&self) -> Vec<String> {
        let Some((_, rest)) = self.definition.split_once('(') else { return Vec::new() };
        let Some((inside, _)) = rest.split_once(')') else { return Vec::new() };
        inside
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| match c.strip_prefix('"').and_then(|c| c.strip_suffix('"')) {
                Some(quoted) => quoted.replace("\"\"", "\""),
                None => c.to_string(),
            })
            .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub table: QualifiedName,
    pub unique: bool,
    pub method: String,
    /// Key columns or expressions, each with opclass, order and nulls order as written.
    pub keys: Vec<String>,
    pub include: Vec<String>,
    pub predicate: Option<String>,
    /// Storage parameters as `name=value`, values unquoted (`m='16'` and `m=16` are equal).
    pub parameters: Vec<String>,
    pub nulls_not_distinct: bool,
    /// Parent index when attached with `ALTER INDEX … ATTACH PARTITION`.
    pub attached_to: Option<QualifiedName>,
    /// The tablespace, as for tables.
    pub tablespace: Option<String>,
    /// Statistics targets of expression columns (`ALTER INDEX … ALTER COLUMN n SET STATISTICS m`),
    /// as `n=m`, by column number.
    #[serde(default)]
    pub statistics: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    pub materialized: bool,
    pub columns: Vec<String>,
    pub options: Vec<String>,
    pub definition: String,
    pub with_no_data: bool,
    /// Defaults of the view's columns (`ALTER VIEW v ALTER COLUMN c SET DEFAULT x`, which pg_dump
    /// writes as `ALTER TABLE ONLY v …`): `(column, default)` by column.
    #[serde(default)]
    pub column_defaults: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub name: QualifiedName,
    pub kind: String,
    pub arguments: String,
    pub returns: Option<String>,
    pub language: Option<String>,
    /// `immutable`, `stable` or `volatile` (PostgreSQL's default, also when not written).
    pub volatility: String,
    /// `STRICT` / `RETURNS NULL ON NULL INPUT`.
    pub strict: bool,
    pub security_definer: bool,
    /// `safe`, `restricted` or `unsafe` (the default).
    pub parallel: String,
    /// `SET name = value` options, e.g. `search_path = app, pg_temp`.
    pub set_options: Vec<String>,
    /// The body as written (dollar-quoted text is kept exactly).
    pub body: Option<String>,
    /// The whole statement, normalized.
    pub definition: String,
    /// `cost 5`, `rows 10`, `leakproof`, `support f` as written (see `recognize::function_extras`).
    #[serde(default)]
    pub extras: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub table: QualifiedName,
    pub definition: String,
    pub enabled: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub table: QualifiedName,
    pub permissive: bool,
    pub command: String,
    pub roles: Vec<String>,
    pub using: Option<String>,
    pub with_check: Option<String>,
}

/// An object known by its normalized definition only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    pub definition: String,
}

/// Object counts by kind, with the keys of `schemadrift inspect --format json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub schemas: usize,
    pub extensions: usize,
    pub types: usize,
    pub sequences: usize,
    pub tables: usize,
    pub columns: usize,
    /// Primary key, unique, check and exclusion constraints (foreign keys are counted apart).
    pub constraints: usize,
    pub foreign_keys: usize,
    /// Indexes created with CREATE INDEX (indexes that back constraints are counted as constraints).
    pub indexes: usize,
    pub views: usize,
    pub materialized_views: usize,
    pub functions: usize,
    pub triggers: usize,
    pub policies: usize,
    pub grants: usize,
    pub comments: usize,
}

impl Counts {
    /// Each kind with its number, in catalog order (the JSON keys of `schemadrift inspect`).
    pub fn entries(&self) -> [(&'static str, usize); 16] {
        [
            ("schemas", self.schemas),
            ("extensions", self.extensions),
            ("types", self.types),
            ("sequences", self.sequences),
            ("tables", self.tables),
            ("columns", self.columns),
            ("constraints", self.constraints),
            ("foreign_keys", self.foreign_keys),
            ("indexes", self.indexes),
            ("views", self.views),
            ("materialized_views", self.materialized_views),
            ("functions", self.functions),
            ("triggers", self.triggers),
            ("policies", self.policies),
            ("grants", self.grants),
            ("comments", self.comments),
        ]
    }
}

impl Catalog {
    /// A warning for each statement PostgreSQL would refuse, as a user should read it.
    pub fn refusals(&self) -> Vec<String> {
        self.not_understood.iter().filter(|n| n.refused).map(|n| format!("line {}: {}", n.line, n.reason)).collect()
    }

    pub fn counts(&self) -> Counts {
        let constraints = self.tables.values().flat_map(|t| t.constraints.values());
        let foreign_keys = constraints.clone().filter(|c| c.kind == ConstraintKind::ForeignKey).count();
        Counts {
            schemas: self.schemas.len(),
            extensions: self.extensions.len(),
            types: self.types.len(),
            sequences: self.sequences.len(),
            tables: self.tables.len(),
            columns: self.tables.values().map(|t| t.columns.len()).sum(),
            constraints: constraints.count() - foreign_keys,
            foreign_keys,
            indexes: self.indexes.len(),
            views: self.views.values().filter(|v| !v.materialized).count(),
            materialized_views: self.views.values().filter(|v| v.materialized).count(),
            functions: self.functions.len(),
            triggers: self.triggers.len(),
            policies: self.policies.len(),
            grants: self.grants.len(),
            comments: self.comments.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_serializes_with_every_field_at_the_top_level_and_reads_back() {
        let mut column = Column { name: "id".into(), position: 1, data_type: "integer".into(), ..Column::default() };
        let plain = serde_json::to_string(&column).unwrap();
        assert_eq!(
            plain,
            r#"{"name":"id","position":1,"data_type":"integer","collation":null,"default":null,"not_null":false,"identity":null,"generated":null,"statistics":null,"storage":null,"compression":null,"options":[]}"#
        );
        column.more.identity = Some("ALWAYS".into());
        column.more.options = vec!["n_distinct=100".into()];
        let json = serde_json::to_string(&column).unwrap();
        assert_eq!(serde_json::from_str::<Column>(&json).unwrap(), column);
        // Older outputs without the fields added later still read.
        let older = r#"{"name":"a","position":2,"data_type":"text","collation":"\"C\"","default":null,"not_null":true,"identity":null,"generated":null}"#;
        let read: Column = serde_json::from_str(older).unwrap();
        assert_eq!(read.more.collation.as_deref(), Some("\"C\""));
        assert!(read.not_null && read.more.options.is_empty());
    }

    /// A catalog of many objects is mostly tables and columns: a field added inline to either is
    /// paid by every one of them (put rare ones in `more`).
    #[test]
    fn tables_and_columns_stay_compact() {
        assert!(std::mem::size_of::<Column>() <= 96, "a Column is {} bytes", std::mem::size_of::<Column>());
        assert!(std::mem::size_of::<Table>() <= 64, "a Table is {} bytes", std::mem::size_of::<Table>());
    }

    #[test]
    fn a_table_serializes_with_every_field_at_the_top_level_and_reads_back() {
        let mut table = Table::default();
        assert_eq!(
            serde_json::to_string(&table).unwrap(),
            r#"{"columns":[],"constraints":{},"unlogged":false,"partition_by":null,"partition_of":null,"inherits":[],"options":[],"row_level_security":false,"force_row_level_security":false,"replica_identity":null,"created_as_query":false,"tablespace":null,"cluster_on":null,"of_type":null}"#
        );
        table.more.partition_of = Some((QualifiedName::new("public", "parent"), "DEFAULT".into()));
        table.more.options = vec!["fillfactor=90".into()];
        let json = serde_json::to_string(&table).unwrap();
        assert_eq!(serde_json::from_str::<Table>(&json).unwrap(), table);
    }
}
