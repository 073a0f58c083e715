//! Turns a read dump into a [`Catalog`]: each statement becomes catalog facts, is deliberately
//! ignored, or is recorded as not understood (never silently dropped).
//!
//! Order of attempts for a statement: the token recognizers in `recognize.rs` (session settings,
//! `OWNER TO`, and the pg_dump forms sqlparser rejects), then sqlparser.

use super::datatype::normalize_type;
use super::identifiers::unquote_needless;
use super::name::{name_parts, normalize_ident, qualify, QualifiedName};
use super::recognize::{self, Adjust, Recognized};
use super::*;
use crate::reader::{Dump, PieceKind};
use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnOption, CreateFunction, CreateTable, CreateView, Expr, ObjectName,
    SqlOption, Statement, TableConstraint, UserDefinedTypeRepresentation,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use std::collections::BTreeSet;

/// The most columns a PostgreSQL table can have (`MaxHeapAttributeNumber`).
pub const MAX_COLUMNS: usize = 1600;

/// Whether `sql` is a `CREATE [UNLOGGED | TEMPORARY] TABLE`, by its first words.
fn is_create_table(sql: &str) -> bool {
    let mut words = sql.split_ascii_whitespace().map(str::to_ascii_lowercase);
    words.next().as_deref() == Some("create") && words.take(3).any(|w| w == "table")
}

/// What became of one statement.
pub(super) enum Outcome {
    Understood,
    Ignored,
    NotUnderstood(String),
    /// A statement PostgreSQL itself would refuse (a second `CREATE TABLE` of one name): reported
    /// as not understood, but naming no object, since the object is the one defined first.
    Refused(String),
}

/// Builds the catalog of a read dump.
pub fn build(dump: &Dump<'_>) -> Catalog {
    let mut builder = CatalogBuilder::new();
    for piece in &dump.pieces {
        builder.add(piece);
    }
    builder.finish()
}

/// Builds a catalog one piece at a time, so a caller can pause between pieces (the browser
/// yields to the page during large dumps). `build` is this with every piece at once.
pub struct CatalogBuilder {
    builder: Builder,
}

impl Default for CatalogBuilder {
    fn default() -> Self {
        CatalogBuilder::new()
    }
}

impl CatalogBuilder {
    pub fn new() -> CatalogBuilder {
        CatalogBuilder {
            builder: Builder {
                catalog: Catalog::default(),
                default_schema: "public".to_string(),
                qualify_names: true,
                tablespace: None,
                current: String::new(),
                nesting: 0,
                copying_into: None,
                partitions: BTreeMap::new(),
            },
        }
    }

    pub fn add(&mut self, piece: &crate::reader::Piece<'_>) {
        let builder = &mut self.builder;
        // Under `standard_conforming_strings = off`, `'a\'b'` is `E'a\'b'`: written so, the
        // statement means the same to sqlparser, in the catalog's sources and in a migration.
        let text = if piece.backslash_quotes {
            crate::reader::with_escape_strings(piece.text)
        } else {
            std::borrow::Cow::Borrowed(piece.text)
        };
        let outcome = match piece.kind {
            PieceKind::Statement => builder.statement_at_any_depth(&text),
            PieceKind::Unterminated => {
                Outcome::NotUnderstood("the statement is cut off by the end of the file (no `;`)".into())
            }
            PieceKind::CopyData { rows } => {
                if let Some(table) = builder.copying_into.take() {
                    *builder.catalog.data_rows.entry(table).or_default() += rows;
                }
                return;
            }
            PieceKind::MetaCommand => return,
            // A statement inside a `/*` never closed: psql does not run it. One that names an
            // object keeps that object from being taken for absent (see `NotUnderstood::object`).
            PieceKind::Lost { opened } => {
                if recognize::statement_object(&text, &builder.default_schema).is_none() {
                    return;
                }
                Outcome::NotUnderstood(format!(
                    "this statement is inside a /* comment opened on line {opened} and never closed: psql does not run it"
                ))
            }
        };
        let counts = &mut builder.catalog.statements;
        counts.total += 1;
        match outcome {
            Outcome::Understood => counts.understood += 1,
            Outcome::Ignored => counts.ignored += 1,
            Outcome::NotUnderstood(_) | Outcome::Refused(_) => {
                counts.not_understood += 1;
                let (reason, object, refused) = match outcome {
                    Outcome::NotUnderstood(reason) => (
                        reason,
                        recognize::statement_object(&text, &builder.default_schema)
                            .map(|(kind, name)| StatementObject { kind, name }),
                        false,
                    ),
                    Outcome::Refused(reason) => (reason, None, true),
                    _ => unreachable!("matched above"),
                };
                builder.catalog.not_understood.push(NotUnderstood {
                    line: piece.line,
                    text: text.into_owned(),
                    reason,
                    object,
                    refused,
                });
            }
        }
    }

    /// The catalog, normalized once the whole dump has been added.
    pub fn finish(mut self) -> Catalog {
        super::normalize::normalize(&mut self.builder.catalog);
        let mut catalog = self.builder.catalog;
        catalog.pack();
        catalog
    }
}

/// Native stack given per level of nesting to a deep statement: sqlparser's nodes are large, and a
/// debug build's frames larger still (one nested `CASE` statement took 60 KB, measured with gdb).
/// The stack is reserved, not written: only what the parser reaches is ever touched.
#[cfg(not(target_family = "wasm"))]
const STACK_PER_LEVEL: usize = if cfg!(debug_assertions) { 96 * 1024 } else { 32 * 1024 };

pub(super) struct Builder {
    pub(super) catalog: Catalog,
    /// First schema of the dump's search_path: where unqualified names live.
    pub(super) default_schema: String,
    /// Whether names in expressions are written unqualified (a non-empty search_path, or none set:
    /// a hand-written script) and are to be qualified as modern pg_dump does (see `qualify`).
    qualify_names: bool,
    /// The tablespace of the next tables and indexes (`SET default_tablespace`).
    tablespace: Option<String>,
    /// The statement being read, for `Catalog::sources`.
    current: String,
    /// Its nesting (see `reader::nesting_depth`): how deep the parser may recurse.
    nesting: usize,
    /// The table of the last `COPY … FROM stdin`, whose data comes next.
    copying_into: Option<QualifiedName>,
    /// Partitions by parent table, as created or attached (a partition dropped later is still
    /// listed: look it up in the catalog).
    partitions: BTreeMap<QualifiedName, BTreeSet<QualifiedName>>,
}

/// The deepest nesting read (parentheses, plus `CASE` and `BEGIN`, see `reader::nesting_depth`).
/// pg_dump writes `((((a + b) + c) + d) …)` for a sum of many terms, one level per term: a CHECK
/// over 60 columns nests 59 deep. Natively a deep statement gets a stack to match, up to 2,000
/// levels. In the browser the JavaScript engine's own call stack is the limit (wasm frames live on
/// it): Chromium read 500 nested parentheses and 400 nested `CASE`s and overflowed at 600 and 800,
/// so the worker reads 400. Beyond the limit the statement is reported, its object kept.
#[cfg(not(target_family = "wasm"))]
pub const MAX_NESTING: usize = 2000;
#[cfg(target_family = "wasm")]
pub const MAX_NESTING: usize = 400;

/// Where a statement deeper than [`MAX_NESTING`] could still be read.
#[cfg(not(target_family = "wasm"))]
const DEEPER: &str = "";
#[cfg(target_family = "wasm")]
const DEEPER: &str = " in the browser (the schemadrift command line reads 2,000)";

/// Statements nested deeper than this are read on a stack of their own (sqlparser's AST of a deep
/// expression is as deep, and cloning or printing it recurses).
const SHALLOW: usize = 16;

impl Builder {
    /// [`Builder::statement`] for any nesting: deep statements get a stack to match (natively; in
    /// the browser the worker's stack is sized for [`MAX_NESTING`] by the app's build script).
    fn statement_at_any_depth(&mut self, sql: &str) -> Outcome {
        let depth = crate::reader::nesting_depth(sql);
        self.nesting = depth;
        if depth > MAX_NESTING {
            return Outcome::NotUnderstood(format!(
                "the statement nests {depth} levels (parentheses and CASE), more than the {MAX_NESTING} schemadrift reads{DEEPER}; its object is known but not compared"
            ));
        }
        // A table listing far more columns and constraints than PostgreSQL allows is refused before
        // it is parsed: its syntax tree would cost tens of bytes per byte, for a table PostgreSQL
        // refuses anyway.
        if is_create_table(sql) {
            let listed = crate::reader::first_level_commas(sql) + 1;
            if listed > 2 * MAX_COLUMNS {
                return Outcome::NotUnderstood(format!(
                    "this table lists {listed} columns and constraints: tables can have at most {MAX_COLUMNS} columns, PostgreSQL refuses this CREATE TABLE"
                ));
            }
        }
        if depth <= SHALLOW {
            return self.statement(sql);
        }
        #[cfg(not(target_family = "wasm"))]
        {
            stacker::grow((depth + 64) * STACK_PER_LEVEL, || self.statement(sql))
        }
        #[cfg(target_family = "wasm")]
        {
            self.statement(sql)
        }
    }

    fn statement(&mut self, sql: &str) -> Outcome {
        self.current.clear();
        self.current.push_str(sql);
        match recognize::recognize(sql, &self.default_schema) {
            Recognized::Fact(fact) => return self.apply(fact),
            Recognized::Ignore => return Outcome::Ignored,
            Recognized::Reparse { sql, adjust } => return self.parse(&sql, adjust),
            Recognized::No => {}
        }
        self.parse(sql, Adjust::Nothing)
    }

    fn parse(&mut self, sql: &str, adjust: Adjust) -> Outcome {
        // sqlparser counts a few levels of its own per parenthesis; it may go as deep as the
        // statement's nesting allows, and no deeper than the stack it was given.
        let parsed = Parser::new(&PostgreSqlDialect {})
            .with_recursion_limit(50 + 8 * self.nesting)
            .try_with_sql(sql)
            .and_then(|mut parser| parser.parse_statements());
        let statements = match parsed {
            Ok(statements) => statements,
            Err(error) => return Outcome::NotUnderstood(format!("SQL parser: {error}")),
        };
        let mut outcome = Outcome::Ignored;
        for statement in statements {
            outcome = self.add(statement, &adjust);
        }
        outcome
    }

    /// Records the statement being read as the source of `key` (`<kind> <object>`); `also` adds it to
    /// what is there (`ALTER PUBLICATION … ADD TABLE`), otherwise it replaces it.
    fn remember(&mut self, key: String, also: bool) {
        let statements = self.catalog.sources.0.entry(key).or_default();
        if !also {
            statements.clear();
        }
        statements.push(self.current.clone());
    }

    fn qualify(&self, name: &ObjectName) -> QualifiedName {
        qualify(name, &self.default_schema)
    }

    /// What already holds `name` among relations (tables, views, sequences, indexes share one
    /// namespace in PostgreSQL) or, for a type, among types and the row types of tables.
    fn taken(&self, name: &QualifiedName, as_type: bool) -> Option<&'static str> {
        let c = &self.catalog;
        if as_type {
            // `CREATE TYPE t;` is a shell that pg_dump fills in later (base types): not a definition.
            let shell = matches!(c.types.get(name), Some(TypeDef::Other { definition }) if definition.is_empty());
            return if c.types.contains_key(name) && !shell {
                Some("type")
            } else if c.tables.contains_key(name) || c.views.contains_key(name) {
                Some("relation (its row type)")
            } else {
                None
            };
        }
        [
            (c.tables.contains_key(name), "table"),
            (c.views.contains_key(name), "view"),
            (c.sequences.contains_key(name), "sequence"),
            (c.indexes.contains_key(name), "index"),
        ]
        .into_iter()
        .find_map(|(there, kind)| there.then_some(kind))
    }

    /// PostgreSQL's answer to a second definition of a name: it keeps the first and refuses this one.
    fn refuse_second(&self, name: &QualifiedName, as_type: bool) -> Option<Outcome> {
        let kind = self.taken(name, as_type)?;
        let cut = if name.name.len() >= 63 {
            " (names are cut to 63 bytes, so two longer names that start alike are one name)"
        } else {
            ""
        };
        Some(Outcome::Refused(format!(
            "{kind} {name} is already defined earlier in the file{cut}: PostgreSQL refuses this second definition (\"already exists\") and keeps the first, and so does schemadrift"
        )))
    }

    fn add(&mut self, mut statement: Statement, adjust: &Adjust) -> Outcome {
        let second = match &statement {
            Statement::CreateTable(t) if !t.if_not_exists && !t.or_replace => Some((self.qualify(&t.name), false)),
            Statement::CreateView(v) if !v.or_replace && !v.if_not_exists => Some((self.qualify(&v.name), false)),
            Statement::CreateSequence { name, if_not_exists: false, .. } => Some((self.qualify(name), false)),
            Statement::CreateType { name, .. } => Some((self.qualify(name), true)),
            Statement::CreateDomain(d) => Some((self.qualify(&d.name), true)),
            _ => None,
        };
        if let Some(refused) = second.and_then(|(name, as_type)| self.refuse_second(&name, as_type)) {
            return refused;
        }
        if self.qualify_names {
            super::qualify::qualify_statement(&mut statement, &self.default_schema, &self.catalog);
        }
        match statement {
            Statement::CreateSchema { schema_name, .. } => {
                let name = schema_name.to_string();
                let name = name.trim_matches('"').to_string();
                self.catalog.schemas.insert(name, Schema {});
            }
            Statement::CreateExtension(ext) => {
                self.catalog.extensions.insert(
                    normalize_ident(&ext.name),
                    Extension {
                        schema: ext.schema.as_ref().map(normalize_ident),
                        version: ext.version.as_ref().map(|v| v.value.clone()),
                    },
                );
            }
            Statement::CreateType { name, representation } => {
                let type_def = match representation {
                    Some(UserDefinedTypeRepresentation::Enum { labels }) => {
                        TypeDef::Enum { labels: labels.iter().map(|l| l.value.clone()).collect() }
                    }
                    Some(UserDefinedTypeRepresentation::Composite { attributes }) => TypeDef::Composite {
                        attributes: attributes
                            .iter()
                            .map(|a| (normalize_ident(&a.name), normalize_type(&a.data_type, &self.default_schema)))
                            .collect(),
                    },
                    Some(UserDefinedTypeRepresentation::Range { options }) => {
                        TypeDef::Range { options: options.iter().map(ToString::to_string).collect() }
                    }
                    other => TypeDef::Other { definition: other.map(|o| o.to_string()).unwrap_or_default() },
                };
                let name = self.qualify(&name);
                self.remember(format!("type {name}"), false);
                self.catalog.types.insert(name, type_def);
            }
            Statement::CreateDomain(domain) => {
                let name = self.qualify(&domain.name);
                self.remember(format!("type {name}"), false);
                let checks = domain.constraints.iter().map(text).collect();
                self.catalog.types.insert(
                    name,
                    TypeDef::Domain {
                        base: normalize_type(&domain.data_type, &self.default_schema),
                        default: domain.default.as_ref().map(text),
                        not_null: matches!(adjust, Adjust::Domain { not_null: true, .. }),
                        checks,
                        collation: match adjust {
                            Adjust::Domain { collation: Some(c), .. } => Some(c.clone()),
                            _ => domain.collation.as_ref().map(|c| c.to_string()),
                        },
                    },
                );
            }
            Statement::CreateSequence { name, sequence_options, .. } => {
                let name = self.qualify(&name);
                let sequence = self.catalog.sequences.entry(name).or_default();
                sequence.unlogged = matches!(adjust, Adjust::UnloggedSequence);
                for option in &sequence_options {
                    match option {
                        sqlparser::ast::SequenceOptions::DataType(data_type) => {
                            sequence.data_type = Some(normalize_type(data_type, "public"));
                        }
                        other => sequence.options.push(text(other).trim().to_string()),
                    }
                }
            }
            Statement::CreateTable(table) => {
                let virtual_columns = match adjust {
                    Adjust::VirtualColumns(columns) => columns.as_slice(),
                    _ => &[],
                };
                let name = self.qualify(&table.name);
                let outcome = self.create_table(table, virtual_columns);
                if let (Adjust::OfType(of), Some(table)) = (adjust, self.catalog.tables.get_mut(&name)) {
                    table.more.of_type = Some(of.clone());
                }
                return outcome;
            }
            Statement::AlterTable(alter) => {
                let name = self.qualify(&alter.name);
                if alter.if_exists && !self.catalog.tables.contains_key(&name) {
                    return Outcome::Ignored;
                }
                if !self.catalog.tables.contains_key(&name) && self.catalog.views.contains_key(&name) {
                    return self.alter_view_columns(&name, alter.operations);
                }
                let added: Vec<String> = alter
                    .operations
                    .iter()
                    .filter_map(|o| match o {
                        AlterTableOperation::AddConstraint { constraint, .. } => Some(
                            constraint_name(constraint)
                                .unwrap_or_else(|| default_constraint_name(&name.name, "", constraint)),
                        ),
                        _ => None,
                    })
                    .collect();
                for operation in alter.operations {
                    if let Outcome::NotUnderstood(reason) = self.alter_table(&name, operation) {
                        return Outcome::NotUnderstood(reason);
                    }
                }
                // `ON DELETE SET NULL (a)`: the column list sqlparser could not read goes back.
                if let Adjust::DeleteSetColumns(columns) = adjust {
                    let table = self.catalog.tables.get_mut(&name);
                    for constraint in table.into_iter().flat_map(|t| t.constraints.iter_mut()) {
                        let (key, constraint) = constraint;
                        if !added.contains(key) {
                            continue;
                        }
                        for action in ["on delete set null", "on delete set default"] {
                            if let Some(at) = constraint.definition.find(action) {
                                constraint.definition.insert_str(at + action.len(), &format!(" {columns}"));
                                break;
                            }
                        }
                    }
                }
            }
            // Indexes are read by the token recognizer only, so their keys are always normalized
            // one way; a form it does not read is reported rather than read differently here.
            Statement::CreateIndex(_) => {
                return Outcome::NotUnderstood(
                    "this CREATE INDEX form is not read yet (pg_dump always names the index and its table)".into(),
                );
            }
            Statement::CreateView(view) => self.create_view(view, adjust),
            Statement::CreateFunction(function) => self.create_function(function, adjust),
            Statement::CreateTrigger(trigger) => {
                let table = self.qualify(&trigger.table_name);
                let name = name_parts(&trigger.name).pop().unwrap_or_default();
                let definition = recognize::normalized_tokens(&trigger.to_string());
                let schema = self.qualify_names.then_some(self.default_schema.as_str());
                let definition = super::qualify::trigger_definition(&definition, &table, schema, &self.catalog);
                self.remember(format!("trigger {table}.{name}"), false);
                self.catalog.triggers.insert(format!("{table}.{name}"), Trigger { table, definition, enabled: None });
            }
            Statement::CreatePolicy(policy) => {
                let table = self.qualify(&policy.table_name);
                let name = normalize_ident(&policy.name);
                self.remember(format!("policy {table}.{name}"), false);
                let permissive = !matches!(policy.policy_type, Some(sqlparser::ast::CreatePolicyType::Restrictive));
                self.catalog.policies.insert(
                    format!("{table}.{name}"),
                    Policy {
                        table,
                        permissive,
                        command: policy.command.map_or_else(|| "ALL".to_string(), |c| c.to_string()),
                        roles: policy_roles(policy.to.unwrap_or_default()),
                        using: policy.using.as_ref().map(text),
                        with_check: policy.with_check.as_ref().map(text),
                    },
                );
            }
            Statement::Comment { object_type, object_name, comment, .. } => {
                let key = format!(
                    "{} {}",
                    object_type.to_string().to_lowercase(),
                    self.comment_target(&object_name, &object_type.to_string())
                );
                match comment {
                    Some(text) => self.catalog.comments.insert(key, text),
                    None => self.catalog.comments.remove(&key),
                };
            }
            statement @ (Statement::Grant(_) | Statement::Revoke(_) | Statement::AlterDefaultPrivileges(_)) => {
                self.catalog.grants.push(recognize::normalized_tokens(&statement.to_string()));
            }
            Statement::Insert(insert) => return self.insert(insert),
            Statement::Set(_) | Statement::StartTransaction { .. } | Statement::Commit { .. } => {
                return Outcome::Ignored;
            }
            other => {
                let head: String = other.to_string().split_whitespace().take(3).collect::<Vec<_>>().join(" ");
                return Outcome::NotUnderstood(format!("`{head} …` is not turned into catalog facts yet"));
            }
        }
        Outcome::Understood
    }

    /// Columns are named `table.column`, other objects by their qualified name.
    fn comment_target(&self, name: &ObjectName, kind: &str) -> String {
        let parts = name_parts(name);
        match (kind.to_uppercase().as_str(), parts.as_slice()) {
            ("COLUMN", [table, column]) => format!("{}.{table}.{column}", self.default_schema),
            ("EXTENSION" | "SCHEMA" | "ROLE" | "DATABASE", _) => parts.join("."),
            (_, [only]) => format!("{}.{only}", self.default_schema),
            _ => parts.join("."),
        }
    }

    fn create_table(&mut self, create: CreateTable, virtual_columns: &[String]) -> Outcome {
        let name = self.qualify(&create.name);
        let mut more = TableMore {
            partition_by: create.partition_by.as_ref().map(text),
            inherits: create.inherits.iter().flatten().map(|p| self.qualify(p)).collect(),
            tablespace: self.tablespace.clone(),
            options: table_options(&create.table_options),
            ..TableMore::default()
        };
        if let (Some(parent), Some(bound)) = (&create.partition_of, &create.for_values) {
            let parent = self.qualify(parent);
            self.partitions.entry(parent.clone()).or_default().insert(name.clone());
            more.partition_of = Some((parent, text(bound)));
        }
        // (Made whole before it goes in: a table that sets none of these takes no room for them.)
        let mut table = Table {
            unlogged: create.unlogged,
            created_as_query: create.query.is_some(),
            more: more.into(),
            ..Table::default()
        };
        // PostgreSQL refuses a table of more than 1,600 columns; it is not compared (and every
        // pass over a table's columns stays bounded by that).
        if create.columns.len() > MAX_COLUMNS {
            return Outcome::NotUnderstood(format!(
                "this table has {} columns: tables can have at most {MAX_COLUMNS} columns, PostgreSQL refuses this CREATE TABLE",
                create.columns.len()
            ));
        }
        // PostgreSQL refuses a table with two columns of one name (also two long names alike in
        // their first 63 bytes); the table then is not what the file means, so it is not compared.
        let mut names = BTreeSet::new();
        if let Some(twice) = create.columns.iter().map(|c| normalize_ident(&c.name)).find(|n| !names.insert(n.clone()))
        {
            return Outcome::NotUnderstood(format!(
                "column \"{twice}\" is specified more than once{}: PostgreSQL refuses this CREATE TABLE",
                if twice.len() >= 63 { " (names are cut to 63 bytes)" } else { "" }
            ));
        }
        for (index, column) in create.columns.iter().enumerate() {
            let mut out = Column {
                name: normalize_ident(&column.name),
                position: index + 1,
                data_type: normalize_type(&column.data_type, &self.default_schema),
                ..Column::default()
            };
            for option in &column.options {
                match &option.option {
                    ColumnOption::NotNull => out.not_null = true,
                    ColumnOption::Null => out.not_null = false,
                    ColumnOption::Default(expr) => out.default = Some(text(expr)),
                    ColumnOption::Collation(collation) => {
                        let collation = text(collation);
                        out.more.collation =
                            Some(collation.strip_prefix("pg_catalog.").unwrap_or(&collation).to_string());
                    }
                    ColumnOption::Generated { generation_expr: Some(expr), generation_expr_mode, .. } => {
                        let virtual_column = virtual_columns.contains(&out.name);
                        let mode = match generation_expr_mode {
                            Some(sqlparser::ast::GeneratedExpressionMode::Virtual) => "VIRTUAL",
                            _ if virtual_column => "VIRTUAL",
                            _ => "STORED",
                        };
                        out.more.generated = Some(format!("{} {mode}", text(expr)));
                    }
                    ColumnOption::Generated { generated_as, .. } => {
                        out.more.identity = Some(generated_as_text(generated_as));
                        out.not_null = true;
                    }
                    ColumnOption::PrimaryKey(_)
                    | ColumnOption::Unique(_)
                    | ColumnOption::ForeignKey(_)
                    | ColumnOption::Check(_) => {
                        let constraint = column_constraint(&option.option, &column.name);
                        if let Some(constraint) = constraint {
                            if matches!(option.option, ColumnOption::PrimaryKey(_)) {
                                out.not_null = true;
                            }
                            let constraint_name = option
                                .name
                                .as_ref()
                                .map(normalize_ident)
                                .unwrap_or_else(|| default_constraint_name(&name.name, &out.name, &constraint));
                            table.constraints.insert(constraint_name, self.constraint(constraint, false));
                        }
                    }
                    other => {
                        return Outcome::NotUnderstood(format!("column option `{other}` is not understood yet"));
                    }
                }
            }
            table.columns.push(out);
        }
        for constraint in create.constraints {
            let constraint_name =
                constraint_name(&constraint).unwrap_or_else(|| default_constraint_name(&name.name, "", &constraint));
            if let TableConstraint::PrimaryKey(pk) = &constraint {
                for key in &pk.columns {
                    let column_name = key.column.expr.to_string();
                    if let Some(column) = table.column_mut(column_name.trim_matches('"')) {
                        column.not_null = true;
                    }
                }
            }
            let constraint = self.constraint(constraint, false);
            table.constraints.insert(constraint_name, constraint);
        }
        self.catalog.tables.insert(name.clone(), table);
        // Inherited columns exist from here on: later statements (`ALTER COLUMN … SET DEFAULT`) use them.
        let columns = super::normalize::full_columns(&self.catalog, &name, 0);
        if let Some(table) = self.catalog.tables.get_mut(&name) {
            table.columns = columns;
        }
        Outcome::Understood
    }

    fn constraint(&self, mut constraint: TableConstraint, not_valid: bool) -> Constraint {
        let kind = match &constraint {
            TableConstraint::PrimaryKey(_) | TableConstraint::PrimaryKeyUsingIndex(_) => ConstraintKind::PrimaryKey,
            TableConstraint::Unique(_) | TableConstraint::UniqueUsingIndex(_) => ConstraintKind::Unique,
            TableConstraint::ForeignKey(_) => ConstraintKind::ForeignKey,
            TableConstraint::Exclude(_) => ConstraintKind::Exclusion,
            _ => ConstraintKind::Check,
        };
        clear_constraint_name(&mut constraint);
        if let TableConstraint::ForeignKey(foreign_key) = &mut constraint {
            super::qualify::qualify_reference(&mut foreign_key.foreign_table, &self.default_schema);
        }
        Constraint { kind, definition: text(&constraint).trim().to_string(), not_valid }
    }

    /// `ALTER TABLE ONLY v ALTER COLUMN c SET DEFAULT x` on a view: the one form pg_dump writes.
    fn alter_view_columns(&mut self, name: &QualifiedName, operations: Vec<AlterTableOperation>) -> Outcome {
        let mut defaults = Vec::new();
        for operation in operations {
            let AlterTableOperation::AlterColumn { column_name, op: AlterColumnOperation::SetDefault { value } } =
                operation
            else {
                return Outcome::NotUnderstood(format!("this ALTER of view {name} is not read yet"));
            };
            defaults.push((normalize_ident(&column_name), text(&value)));
        }
        let Some(view) = self.catalog.views.get_mut(name) else { return Outcome::NotUnderstood(String::new()) };
        for (column, default) in defaults {
            view.column_defaults.retain(|(c, _)| *c != column);
            view.column_defaults.push((column, default));
        }
        view.column_defaults.sort();
        self.remember(format!("view {name}"), true);
        Outcome::Understood
    }

    fn alter_table(&mut self, name: &QualifiedName, operation: AlterTableOperation) -> Outcome {
        let constraint_to_add = match &operation {
            AlterTableOperation::AddConstraint { constraint, not_valid } => Some((constraint.clone(), *not_valid)),
            _ => None,
        };
        if let Some((constraint, not_valid)) = constraint_to_add {
            let constraint_name =
                constraint_name(&constraint).unwrap_or_else(|| default_constraint_name(&name.name, "", &constraint));
            let pk_columns: Vec<String> = match &constraint {
                TableConstraint::PrimaryKey(pk) => pk.columns.iter().map(|c| c.column.expr.to_string()).collect(),
                _ => Vec::new(),
            };
            let constraint = self.constraint(constraint, not_valid);
            let Some(table) = self.catalog.tables.get_mut(name) else {
                return Outcome::NotUnderstood(format!("constraint added to {name}, which the dump does not create"));
            };
            for column in pk_columns {
                if let Some(column) = table.column_mut(column.trim_matches('"')) {
                    column.not_null = true;
                }
            }
            table.constraints.insert(constraint_name, constraint);
            return Outcome::Understood;
        }
        let operation_name = operation.to_string().to_uppercase();
        let Some(table) = self.catalog.tables.get_mut(name) else {
            return Outcome::NotUnderstood(format!("ALTER TABLE of {name}, which the dump does not create"));
        };
        match operation {
            AlterTableOperation::AlterColumn { column_name, op } => {
                let column_name = normalize_ident(&column_name);
                let Some(column) = table.column_mut(&column_name) else {
                    return Outcome::NotUnderstood(format!("column {name}.{column_name} is not in the table"));
                };
                match op {
                    AlterColumnOperation::SetDefault { value } => column.default = Some(text(&value)),
                    AlterColumnOperation::DropDefault => column.default = None,
                    AlterColumnOperation::SetNotNull => column.not_null = true,
                    AlterColumnOperation::DropNotNull => column.not_null = false,
                    AlterColumnOperation::AddGenerated { generated_as, .. } => {
                        column.more.identity =
                            Some(generated_as.map_or("BY DEFAULT".to_string(), |g| generated_as_text(&g)));
                        column.not_null = true;
                    }
                    other => return Outcome::NotUnderstood(format!("ALTER COLUMN … {other} is not understood yet")),
                }
            }
            AlterTableOperation::DropConstraint { name: constraint, .. } => {
                table.constraints.remove(&normalize_ident(&constraint));
            }
            AlterTableOperation::DisableTrigger { name: trigger }
            | AlterTableOperation::EnableTrigger { name: trigger }
            | AlterTableOperation::EnableAlwaysTrigger { name: trigger }
            | AlterTableOperation::EnableReplicaTrigger { name: trigger } => {
                let state = match &operation_name {
                    n if n.starts_with("DISABLE") => "disabled",
                    n if n.starts_with("ENABLE ALWAYS") => "always",
                    n if n.starts_with("ENABLE REPLICA") => "replica",
                    _ => "enabled",
                };
                let key = format!("{name}.{}", normalize_ident(&trigger));
                match self.catalog.triggers.get_mut(&key) {
                    Some(found) => found.enabled = Some(state.to_string()),
                    None => return Outcome::NotUnderstood(format!("trigger {key} is not in the dump")),
                }
            }
            AlterTableOperation::EnableRowLevelSecurity => table.row_level_security = true,
            AlterTableOperation::DisableRowLevelSecurity => table.row_level_security = false,
            AlterTableOperation::ForceRowLevelSecurity => table.force_row_level_security = true,
            AlterTableOperation::NoForceRowLevelSecurity => table.force_row_level_security = false,
            AlterTableOperation::ReplicaIdentity { identity } => {
                table.more.replica_identity = Some(identity.to_string())
            }
            AlterTableOperation::AttachPartitionOf { partition, for_values } => {
                let child = self.qualify(&partition);
                let Some(child_table) = self.catalog.tables.get_mut(&child) else {
                    // A foreign table as a partition: the attachment is part of its definition.
                    let key = format!("foreign table {child}");
                    if let Some(object) = self.catalog.other_objects.get_mut(&key) {
                        object.definition.push_str(&format!("; attach partition of {name} {}", text(&for_values)));
                        let statement = self.current.clone();
                        self.catalog.sources.0.entry(format!("other {key}")).or_default().push(statement);
                        return Outcome::Understood;
                    }
                    return Outcome::NotUnderstood(format!("partition {child} is attached but not created"));
                };
                child_table.more.partition_of = Some((name.clone(), text(&for_values)));
                self.partitions.entry(name.clone()).or_default().insert(child);
                return Outcome::Understood;
            }
            AlterTableOperation::SetOptionsParens { options } => {
                // PostgreSQL replaces an option set again in place and appends the others.
                for option in options.iter().map(|o| o.to_string().replace([' ', '\''], "")) {
                    let key = option.split('=').next().unwrap_or(&option).to_string();
                    match table.more.options.iter_mut().find(|o| o.split('=').next() == Some(key.as_str())) {
                        Some(kept) => *kept = option,
                        None => table.more.options.push(option),
                    }
                }
            }
            other => return Outcome::NotUnderstood(format!("ALTER TABLE … {other} is not understood yet")),
        }
        Outcome::Understood
    }

    /// Removes dropped objects. In `pg_dump --clean` output the drops come before anything is
    /// created, so they change nothing; in a migration file they do.
    fn drop(&mut self, kind: &str, names: &[String], on_table: Option<&QualifiedName>) {
        let c = &mut self.catalog;
        for name in names {
            let qualified = name.split_once('(').map_or(name.as_str(), |(n, _)| n);
            let qualified = match qualified.split_once('.') {
                Some((schema, object)) => QualifiedName::new(schema, object),
                None => QualifiedName::new(&self.default_schema, qualified),
            };
            match (kind, on_table) {
                ("table" | "foreign table", _) => {
                    c.tables.remove(&qualified);
                    c.indexes.retain(|_, i| i.table != qualified);
                }
                ("view" | "materialized view", _) => {
                    c.views.remove(&qualified);
                }
                ("sequence", _) => {
                    c.sequences.remove(&qualified);
                }
                ("type" | "domain", _) => {
                    c.types.remove(&qualified);
                }
                ("index", _) => {
                    c.indexes.remove(&qualified);
                }
                ("function" | "procedure" | "aggregate" | "routine", _) => {
                    c.functions.retain(|key, _| key != name && !key.starts_with(&format!("{name}(")));
                }
                ("schema", _) => {
                    c.schemas.remove(name);
                }
                ("extension", _) => {
                    c.extensions.remove(name);
                }
                ("trigger", Some(table)) => {
                    c.triggers.remove(&format!("{table}.{name}"));
                }
                ("policy", Some(table)) => {
                    c.policies.remove(&format!("{table}.{name}"));
                }
                ("event trigger", _) => {
                    c.event_triggers.remove(name);
                }
                ("publication", _) => {
                    c.publications.remove(name);
                }
                _ => {}
            }
        }
    }

    /// `CREATE INDEX` on a partitioned table (without `ON ONLY`) makes PostgreSQL give every
    /// partition a matching index: an existing equivalent one is attached, otherwise one is created
    /// and named `<partition>_<columns>_idx`. Old pg_dump versions leave those implied.
    fn add_partition_indexes(&mut self, parent_index: &Index) {
        let Some(children) = self.partitions.get(&parent_index.table) else { return };
        let partitions: Vec<QualifiedName> = children
            .iter()
            .filter(|child| {
                self.catalog
                    .tables
                    .get(child)
                    .and_then(|t| t.more.partition_of.as_ref())
                    .is_some_and(|(parent, _)| *parent == parent_index.table)
            })
            .cloned()
            .collect();
        for partition in partitions {
            let equivalent = self.catalog.indexes.values().any(|i| {
                i.table == partition
                    && i.method == parent_index.method
                    && i.keys == parent_index.keys
                    && i.predicate == parent_index.predicate
                    && i.unique == parent_index.unique
            });
            if equivalent {
                continue;
            }
            let columns: Vec<&str> = parent_index
                .keys
                .iter()
                .map(|k| {
                    let first = k.split_whitespace().next().unwrap_or("expr");
                    if first.chars().all(|c| c.is_alphanumeric() || c == '_') {
                        first
                    } else {
                        "expr"
                    }
                })
                .collect();
            let name = QualifiedName::new(&partition.schema, &format!("{}_{}_idx", partition.name, columns.join("_")));
            let index = Index { table: partition.clone(), attached_to: None, ..parent_index.clone() };
            self.catalog.indexes.entry(name).or_insert(index);
        }
    }

    fn create_view(&mut self, view: CreateView, adjust: &Adjust) {
        let name = self.qualify(&view.name);
        let mut options = table_options(&view.options);
        if let Adjust::CheckOption(option) = adjust {
            options.push(format!("check_option={option}"));
            options.sort();
        }
        self.remember(format!("view {name}"), false);
        self.catalog.views.insert(
            name,
            View {
                materialized: view.materialized,
                columns: view.columns.iter().map(|c| c.to_string()).collect(),
                options,
                definition: view_definition(*view.query),
                with_no_data: *adjust == Adjust::WithNoData,
                column_defaults: Vec::new(),
            },
        );
    }

    fn create_function(&mut self, function: CreateFunction, adjust: &Adjust) {
        let name = self.qualify(&function.name);
        let arguments =
            function.args.as_ref().map(|args| args.iter().map(text).collect::<Vec<_>>().join(", ")).unwrap_or_default();
        let full = function.to_string();
        let definition = recognize::normalized_tokens(&full);
        use sqlparser::ast::{FunctionBehavior, FunctionCalledOnNull, FunctionParallel, FunctionSecurity};
        let volatility = match function.behavior {
            Some(FunctionBehavior::Immutable) => "immutable",
            Some(FunctionBehavior::Stable) => "stable",
            _ => "volatile",
        };
        let parallel = match function.parallel {
            Some(FunctionParallel::Safe) => "safe",
            Some(FunctionParallel::Restricted) => "restricted",
            _ => "unsafe",
        };
        let key = format!("{name}({})", super::name::identity_arguments(&arguments));
        self.remember(format!("function {key}"), false);
        self.catalog.functions.insert(
            key,
            Function {
                name,
                kind: "function".into(),
                arguments,
                returns: function.return_type.as_ref().map(text),
                language: function.language.as_ref().map(normalize_ident),
                volatility: volatility.into(),
                strict: matches!(
                    function.called_on_null,
                    Some(FunctionCalledOnNull::Strict | FunctionCalledOnNull::ReturnsNullOnNullInput)
                ),
                security_definer: matches!(function.security, Some(FunctionSecurity::Definer)),
                parallel: parallel.into(),
                set_options: function
                    .set_params
                    .iter()
                    .map(|p| text(p).trim_start_matches("set ").to_string())
                    .collect(),
                body: function.function_body.as_ref().map(function_body),
                definition,
                extras: match adjust {
                    Adjust::FunctionExtras(extras) => extras.clone(),
                    _ => Vec::new(),
                },
            },
        );
    }

    fn insert(&mut self, insert: sqlparser::ast::Insert) -> Outcome {
        let table = match &insert.table {
            sqlparser::ast::TableObject::TableName(name) => self.qualify(name),
            other => return Outcome::NotUnderstood(format!("INSERT INTO {other} is data, not schema")),
        };
        let Some(source) = insert.source.as_ref() else {
            return Outcome::NotUnderstood("INSERT without VALUES".into());
        };
        let sqlparser::ast::SetExpr::Values(values) = source.body.as_ref() else {
            return Outcome::NotUnderstood("INSERT … SELECT is data, not schema".into());
        };
        if super::tracking_tool(&table).is_none() {
            *self.catalog.data_rows.entry(table).or_default() += values.rows.len();
            return Outcome::Ignored;
        }
        let versions = self.catalog.migration_versions.entry(table).or_default();
        for row in &values.rows {
            if let Some(Expr::Value(value)) = row.first() {
                versions.push(value.to_string().trim_matches('\'').to_string());
            }
        }
        Outcome::Understood
    }

    /// Applies a fact found by a token recognizer.
    fn apply(&mut self, fact: recognize::Fact) -> Outcome {
        use recognize::Fact;
        match fact {
            Fact::DefaultTablespace(tablespace) => {
                self.tablespace = tablespace;
                return Outcome::Ignored;
            }
            Fact::SearchPath(schema) => {
                self.qualify_names = schema.is_some();
                self.default_schema = schema.unwrap_or_else(|| "public".to_string());
                return Outcome::Ignored;
            }
            Fact::Owner { object, owner } => {
                self.catalog.owners.insert(object, owner);
            }
            Fact::TableSetting { table, setting } => {
                let Some(found) = self.catalog.tables.get_mut(&table) else {
                    return Outcome::NotUnderstood(format!("ALTER TABLE of {table}, which the dump does not create"));
                };
                match setting {
                    recognize::TableSetting::ClusterOn(index) => found.more.cluster_on = Some(index),
                    recognize::TableSetting::Statistics { ref column, .. }
                    | recognize::TableSetting::Storage { ref column, .. }
                    | recognize::TableSetting::Compression { ref column, .. }
                    | recognize::TableSetting::Options { ref column, .. } => {
                        let column = column.clone();
                        let Some(found) = found.column_mut(&column) else {
                            return Outcome::NotUnderstood(format!("column {table}.{column} is not in the table"));
                        };
                        match setting {
                            recognize::TableSetting::Statistics { target, .. } => {
                                found.more.statistics = (target != "-1").then_some(target)
                            }
                            recognize::TableSetting::Storage { storage, .. } => found.more.storage = Some(storage),
                            recognize::TableSetting::Compression { method, .. } => {
                                found.more.compression = Some(method)
                            }
                            recognize::TableSetting::Options { options, .. } => found.more.options = options,
                            recognize::TableSetting::ClusterOn(_) => {}
                        }
                    }
                }
            }
            Fact::DomainCheck { domain, check } => {
                let Some(TypeDef::Domain { checks, .. }) = self.catalog.types.get_mut(&domain) else {
                    return Outcome::NotUnderstood(format!("ALTER DOMAIN of {domain}, which the dump does not create"));
                };
                checks.push(check);
                self.remember(format!("type {domain}"), true);
            }
            Fact::SequenceOwnedBy { sequence, column } => {
                self.catalog.sequences.entry(sequence).or_default().owned_by = Some(column);
            }
            Fact::IndexStatistics { index, column, target } => {
                let Some(found) = self.catalog.indexes.get_mut(&index) else {
                    return Outcome::NotUnderstood(format!(
                        "statistics of index {index}, which the dump does not create"
                    ));
                };
                found.statistics.retain(|s| s.split('=').next() != Some(column.as_str()));
                if target != "-1" {
                    found.statistics.push(format!("{column}={target}"));
                    found.statistics.sort_by_key(|s| s.split('=').next().and_then(|n| n.parse::<u32>().ok()));
                }
            }
            Fact::IndexAttached { parent, child } => {
                // A child that is not a CREATE INDEX backs a partition's constraint; the
                // constraint itself is already in the catalog, so nothing more is recorded.
                if let Some(index) = self.catalog.indexes.get_mut(&child) {
                    index.attached_to = Some(parent);
                }
            }
            Fact::Comment { object, text } => {
                match text {
                    Some(text) => self.catalog.comments.insert(object, text),
                    None => self.catalog.comments.remove(&object),
                };
            }
            Fact::EventTrigger { name, definition } => {
                self.remember(format!("event_trigger {name}"), false);
                self.catalog.event_triggers.insert(name, Definition { definition });
            }
            Fact::EventTriggerAltered { name, change } => {
                let Some(trigger) = self.catalog.event_triggers.get_mut(&name) else {
                    return Outcome::NotUnderstood(format!("event trigger {name} is changed but not created"));
                };
                trigger.definition.push_str("; ");
                trigger.definition.push_str(&change);
                self.remember(format!("event_trigger {name}"), true);
            }
            Fact::Publication { name, definition } => {
                self.remember(format!("publication {name}"), false);
                self.catalog.publications.insert(name, Definition { definition });
            }
            Fact::Identity { table, column, kind, sequence } => {
                let Some(target) = self.catalog.tables.get_mut(&table).and_then(|t| t.column_mut(&column)) else {
                    return Outcome::NotUnderstood(format!(
                        "identity on {table}.{column}, which the dump does not create"
                    ));
                };
                target.more.identity = Some(kind);
                target.not_null = true;
                if let Some((name, options)) = sequence {
                    let owned_by = Some(format!("{table}.{column}"));
                    self.catalog
                        .sequences
                        .insert(name, Sequence { data_type: None, options, owned_by, unlogged: false });
                }
            }
            Fact::Trigger { table, name, definition } => {
                self.remember(format!("trigger {table}.{name}"), false);
                let schema = self.qualify_names.then_some(self.default_schema.as_str());
                let definition = super::qualify::trigger_definition(&definition, &table, schema, &self.catalog);
                self.catalog.triggers.insert(format!("{table}.{name}"), Trigger { table, definition, enabled: None });
            }
            Fact::Grant(text) => self.catalog.grants.push(text),
            Fact::Aggregate { name, arguments, definition } => {
                let key = format!("{name}({arguments})");
                self.remember(format!("function {key}"), false);
                let definition = if self.qualify_names {
                    super::qualify::aggregate_definition(&definition, &self.default_schema, &self.catalog)
                } else {
                    definition
                };
                let function =
                    Function { name, kind: "aggregate".into(), arguments, definition, ..Function::default() };
                self.catalog.functions.insert(key, function);
            }
            Fact::Function { name, kind, arguments, definition } => {
                let key = format!("{name}({})", super::name::identity_arguments(&arguments));
                self.remember(format!("function {key}"), false);
                // Read from tokens: the attributes are taken from the normalized statement.
                let language = definition.split_once(" language ").and_then(|(_, rest)| rest.split_whitespace().next());
                let function = Function {
                    name,
                    kind,
                    arguments,
                    language: language.map(str::to_string),
                    security_definer: definition.contains(" security definer"),
                    volatility: "volatile".into(),
                    parallel: "unsafe".into(),
                    definition,
                    ..Function::default()
                };
                self.catalog.functions.insert(key, function);
            }
            Fact::PublicationAltered { name, change } => {
                self.remember(format!("publication {name}"), true);
                let publication = self.catalog.publications.entry(name).or_default();
                publication.definition.push_str("; ");
                publication.definition.push_str(&change);
            }
            Fact::OtherAltered { key, change } => {
                let Some(object) = self.catalog.other_objects.get_mut(&key) else {
                    return Outcome::NotUnderstood(format!("{key} is changed but not created"));
                };
                object.definition.push_str("; ");
                object.definition.push_str(&change);
                self.remember(format!("other {key}"), true);
            }
            Fact::Other { key, definition } => {
                self.remember(format!("other {key}"), false);
                self.catalog.other_objects.insert(key, Definition { definition });
            }
            Fact::CopyInto(table) => {
                self.copying_into = Some(table);
                return Outcome::Ignored;
            }
            Fact::Drop { kind, names, on_table } => self.drop(&kind, &names, on_table.as_ref()),
            Fact::Index { name, index, only } => {
                if let Some(refused) = self.refuse_second(&name, false) {
                    return refused;
                }
                if !only {
                    self.add_partition_indexes(&index);
                }
                let mut index = *index;
                index.tablespace = self.tablespace.clone();
                self.catalog.indexes.insert(name, index);
            }
        }
        Outcome::Understood
    }
}

/// A function's body: the dollar-quoted text exactly as written, or the SQL-standard body normalized.
fn function_body(body: &sqlparser::ast::CreateFunctionBody) -> String {
    use sqlparser::ast::CreateFunctionBody;
    match body {
        CreateFunctionBody::AsBeforeOptions { body, .. } | CreateFunctionBody::AsAfterOptions(body) => text(body),
        CreateFunctionBody::Return(expr) => format!("return {}", text(expr)),
        CreateFunctionBody::AsReturnExpr(expr) => format!("as return {}", text(expr)),
        CreateFunctionBody::AsReturnSelect(select) => format!("as return {}", text(select)),
        CreateFunctionBody::AsBeginEnd(statements) | CreateFunctionBody::BeginAtomic(statements) => text(statements),
    }
}

/// An AST node as normalized SQL text: rendered by sqlparser, needless identifier quotes removed.
fn text<T: std::fmt::Display + ?Sized>(node: &T) -> String {
    unquote_needless(&node.to_string())
}

/// A view's query as text. PostgreSQL 16 stopped qualifying columns with the relation name when a
/// query reads a single relation (`secrets.id` became `id`); both print the same view, so the
/// qualifier of a single-relation query is dropped here.
fn view_definition(mut query: sqlparser::ast::Query) -> String {
    use sqlparser::ast::{SetExpr, TableFactor};
    let qualifier = match query.body.as_ref() {
        SetExpr::Select(select) if select.from.len() == 1 && select.from[0].joins.is_empty() => {
            match &select.from[0].relation {
                TableFactor::Table { alias: Some(alias), .. } => Some(alias.name.value.clone()),
                TableFactor::Table { name, .. } => name.0.last().and_then(|p| p.as_ident()).map(|i| i.value.clone()),
                _ => None,
            }
        }
        _ => None,
    };
    if let Some(qualifier) = qualifier {
        let _ = sqlparser::ast::visit_expressions_mut(&mut query, |expr| {
            if let Expr::CompoundIdentifier(parts) = expr {
                if parts.len() == 2 && parts[0].value == qualifier {
                    *expr = Expr::Identifier(parts[1].clone());
                }
            }
            std::ops::ControlFlow::<()>::Continue(())
        });
    }
    text(&query)
}

fn generated_as_text(generated_as: &sqlparser::ast::GeneratedAs) -> String {
    match generated_as {
        sqlparser::ast::GeneratedAs::Always => "ALWAYS".into(),
        sqlparser::ast::GeneratedAs::ByDefault => "BY DEFAULT".into(),
        sqlparser::ast::GeneratedAs::ExpStored => "STORED".into(),
    }
}

fn table_options(options: &sqlparser::ast::CreateTableOptions) -> Vec<String> {
    use sqlparser::ast::CreateTableOptions;
    let list: &[SqlOption] = match options {
        CreateTableOptions::With(list) | CreateTableOptions::Options(list) | CreateTableOptions::Plain(list) => list,
        _ => &[],
    };
    // In the order written: PostgreSQL keeps them so, and a migration that gives the target's
    // order makes the same dump (`plan::relations` sets them so). Compared as a set.
    list.iter().map(|o| text(o).replace([' ', '\''], "")).collect()
}

fn constraint_name(constraint: &TableConstraint) -> Option<String> {
    let name = match constraint {
        TableConstraint::Unique(c) => c.name.as_ref(),
        TableConstraint::PrimaryKey(c) => c.name.as_ref(),
        TableConstraint::ForeignKey(c) => c.name.as_ref(),
        TableConstraint::Check(c) => c.name.as_ref(),
        TableConstraint::Exclude(c) => c.name.as_ref(),
        TableConstraint::PrimaryKeyUsingIndex(c) | TableConstraint::UniqueUsingIndex(c) => c.name.as_ref(),
        _ => None,
    };
    name.map(normalize_ident)
}

fn clear_constraint_name(constraint: &mut TableConstraint) {
    match constraint {
        TableConstraint::Unique(c) => c.name = None,
        TableConstraint::PrimaryKey(c) => c.name = None,
        TableConstraint::ForeignKey(c) => c.name = None,
        TableConstraint::Check(c) => c.name = None,
        TableConstraint::Exclude(c) => c.name = None,
        _ => {}
    }
}

/// PostgreSQL's default names: `t_pkey`, `t_c_key`, `t_c_fkey`, `t_c_check`.
fn default_constraint_name(table: &str, column: &str, constraint: &TableConstraint) -> String {
    let column = if column.is_empty() {
        match constraint {
            TableConstraint::Unique(c) => c.columns.first().map(|c| c.column.expr.to_string()).unwrap_or_default(),
            TableConstraint::ForeignKey(c) => c.columns.first().map(normalize_ident).unwrap_or_default(),
            _ => String::new(),
        }
    } else {
        column.to_string()
    };
    match constraint {
        TableConstraint::PrimaryKey(_) => format!("{table}_pkey"),
        TableConstraint::Unique(_) => format!("{table}_{column}_key"),
        TableConstraint::ForeignKey(_) => format!("{table}_{column}_fkey"),
        TableConstraint::Exclude(_) => format!("{table}_excl"),
        _ if column.is_empty() => format!("{table}_check"),
        _ => format!("{table}_{column}_check"),
    }
}

/// A column-level PRIMARY KEY / UNIQUE / REFERENCES / CHECK as the table constraint it stands for.
fn column_constraint(option: &ColumnOption, column: &sqlparser::ast::Ident) -> Option<TableConstraint> {
    let key = || sqlparser::ast::IndexColumn {
        column: sqlparser::ast::OrderByExpr {
            expr: Expr::Identifier(column.clone()),
            options: Default::default(),
            with_fill: None,
        },
        operator_class: None,
    };
    Some(match option.clone() {
        ColumnOption::PrimaryKey(mut pk) => {
            pk.columns = vec![key()];
            TableConstraint::PrimaryKey(pk)
        }
        ColumnOption::Unique(mut unique) => {
            unique.columns = vec![key()];
            TableConstraint::Unique(unique)
        }
        ColumnOption::ForeignKey(mut fk) => {
            fk.columns = vec![column.clone()];
            TableConstraint::ForeignKey(fk)
        }
        ColumnOption::Check(check) => TableConstraint::Check(check),
        _ => return None,
    })
}

/// The roles a policy applies to. `TO PUBLIC` is what no `TO` clause means, and pg_dump leaves it
/// out: both are stored as no roles.
/// Each role is written as PostgreSQL would quote it, whatever the dump's quoting
/// (`--quote-all-identifiers` writes `"app_reader"`).
fn policy_roles(roles: Vec<sqlparser::ast::Owner>) -> Vec<String> {
    let roles: Vec<String> = roles
        .iter()
        .map(|role| match role {
            sqlparser::ast::Owner::Ident(ident) => crate::sql::ident(&super::name::normalize_ident(ident)),
            other => other.to_string(),
        })
        .collect();
    if roles.iter().all(|role| role.eq_ignore_ascii_case("public")) {
        Vec::new()
    } else {
        roles
    }
}

#[cfg(test)]
mod tests {
    use crate::{build_catalog, read};

    #[test]
    fn a_table_with_two_columns_of_one_name_is_not_compared() {
        let long = "c".repeat(70);
        let sql = format!("CREATE TABLE public.t (id integer, {long}_a integer, {long}_b text);");
        let catalog = super::build(&crate::read(&sql));
        assert!(catalog.tables.is_empty());
        let unread = &catalog.not_understood[0];
        assert!(unread.reason.contains("is specified more than once (names are cut to 63 bytes)"), "{}", unread.reason);
        assert_eq!(
            unread.object,
            Some(super::StatementObject { kind: crate::diff::ObjectKind::Table, name: "public.t".into() })
        );
    }

    #[test]
    fn a_typed_table_has_its_types_attributes_with_the_options_it_lists() {
        let sql = "CREATE TYPE public.pt AS (x integer, y text, z date);\n\
                   CREATE TABLE public.pts OF public.pt (\n    y WITH OPTIONS NOT NULL DEFAULT 'a'::text\n);\n\
                   CREATE UNLOGGED TABLE public.plain OF public.pt;\n";
        let catalog = build_catalog(&read(sql));
        assert!(catalog.not_understood.is_empty(), "{:?}", catalog.not_understood);
        let table = &catalog.tables[&crate::catalog::QualifiedName::new("public", "pts")];
        assert_eq!(table.more.of_type.as_ref().map(ToString::to_string).as_deref(), Some("public.pt"));
        let columns: Vec<(&str, &str, bool)> =
            table.columns.iter().map(|c| (c.name.as_str(), c.data_type.as_str(), c.not_null)).collect();
        assert_eq!(columns, [("x", "integer", false), ("y", "text", true), ("z", "date", false)]);
        assert_eq!(table.columns[1].default.as_deref(), Some("'a'::text"));
        let plain = &catalog.tables[&crate::catalog::QualifiedName::new("public", "plain")];
        assert_eq!(plain.columns.len(), 3);
        assert!(plain.unlogged);
    }

    #[test]
    fn a_table_wider_than_postgresql_allows_is_refused_with_its_width() {
        let table = |columns: usize| {
            let list: Vec<String> = (0..columns).map(|i| format!("c{i} integer")).collect();
            build_catalog(&read(&format!("CREATE UNLOGGED TABLE public.wide (\n{}\n);\n", list.join(",\n"))))
        };
        // Just over the limit: parsed, and refused by its column count.
        let over = table(super::MAX_COLUMNS + 1);
        assert!(over.tables.is_empty());
        assert!(
            over.not_understood[0].reason.contains("this table has 1601 columns"),
            "{}",
            over.not_understood[0].reason
        );
        // Far over: refused before it is parsed, by what it lists.
        let far = table(10_000);
        assert!(far.tables.is_empty());
        assert!(
            far.not_understood[0].reason.contains("this table lists 10000 columns and constraints"),
            "{}",
            far.not_understood[0].reason
        );
        assert_eq!(
            far.not_understood[0].object,
            Some(super::StatementObject { kind: crate::diff::ObjectKind::Table, name: "public.wide".into() })
        );
        assert_eq!(table(super::MAX_COLUMNS).tables.len(), 1);
    }

    #[test]
    fn a_policy_to_public_is_a_policy_without_roles() {
        let with = build_catalog(&read("CREATE POLICY p ON t FOR SELECT TO PUBLIC USING (true);\n"));
        let without = build_catalog(&read("CREATE POLICY p ON t FOR SELECT USING (true);\n"));
        let named = build_catalog(&read("CREATE POLICY p ON t FOR SELECT TO app, PUBLIC USING (true);\n"));
        assert_eq!(with.policies, without.policies);
        assert_ne!(named.policies, without.policies);
    }

    #[test]
    fn only_pg_dumps_own_selects_are_ignored_other_queries_are_reported() {
        let catalog = build_catalog(&read(
            "SELECT pg_catalog.set_config('search_path', '', false);\nSELECT pg_catalog.setval('public.t_id_seq', 5, true);\nSELECT create_hypertable('metrics', 'at');\n",
        ));
        assert_eq!((catalog.statements.ignored, catalog.statements.not_understood), (2, 1));
        assert_eq!(catalog.not_understood[0].line, 3);
    }

    #[test]
    fn an_unnamed_index_is_reported_not_guessed() {
        let catalog = build_catalog(&read("CREATE TABLE t (a int);\nCREATE INDEX ON t (a);\n"));
        assert!(catalog.indexes.is_empty());
        assert_eq!(catalog.not_understood.len(), 1);
        assert_eq!(catalog.not_understood[0].line, 2);
    }

    #[test]
    fn names_written_unqualified_under_a_search_path_equal_modern_qualified_ones() {
        let old = "SET search_path = public, pg_catalog;
            CREATE TYPE mood AS ENUM ('ok');
            CREATE SEQUENCE t_id_seq;
            CREATE FUNCTION next_code() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
            CREATE TABLE p (id integer PRIMARY KEY);
            CREATE TABLE t (id integer, m mood DEFAULT 'ok'::mood, c integer DEFAULT next_code(), p integer);
            ALTER TABLE ONLY t ALTER COLUMN id SET DEFAULT nextval('t_id_seq'::regclass);
            ALTER TABLE ONLY t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p) REFERENCES p(id);
            CREATE VIEW v AS SELECT t.id FROM t JOIN p ON p.id = t.p;";
        let new = "SELECT pg_catalog.set_config('search_path', '', false);
            CREATE TYPE public.mood AS ENUM ('ok');
            CREATE SEQUENCE public.t_id_seq;
            CREATE FUNCTION public.next_code() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
            CREATE TABLE public.p (id integer PRIMARY KEY);
            CREATE TABLE public.t (id integer, m public.mood DEFAULT 'ok'::public.mood, c integer DEFAULT public.next_code(), p integer);
            ALTER TABLE ONLY public.t ALTER COLUMN id SET DEFAULT nextval('public.t_id_seq'::regclass);
            ALTER TABLE ONLY public.t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p) REFERENCES public.p(id);
            CREATE VIEW public.v AS SELECT t.id FROM public.t JOIN public.p ON p.id = t.p;";
        let (old, new) = (build_catalog(&read(old)), build_catalog(&read(new)));
        assert_eq!(old.tables, new.tables);
        assert_eq!(old.views, new.views);
        // A pg_catalog name is not taken for one of the schema's.
        let catalog = build_catalog(&read("SET search_path = app; CREATE TABLE app.t (a regclass DEFAULT 'pg_class'::regclass, b text DEFAULT upper('x'));"));
        let t = &catalog.tables[&crate::catalog::QualifiedName::new("app", "t")];
        assert_eq!(t.columns[1].default.as_deref(), Some("upper('x')"));
    }
}
