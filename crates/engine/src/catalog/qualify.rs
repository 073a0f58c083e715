//! Names inside expressions, qualified the way a modern pg_dump writes them.
//!
//! pg_dump 9.5 and older set `search_path = <schema>, pg_catalog` and write names of that schema
//! unqualified: `nextval('users_id_seq'::regclass)`, `'markdown'::format_enum`,
//! `REFERENCES users(id)`, `FROM users`. Modern pg_dump empties the search_path and qualifies every
//! name outside pg_catalog: `nextval('public.users_id_seq'::regclass)`. Both mean the same, so names
//! are qualified here when the statement was read under a non-empty search_path, and only names
//! that the dump itself defines (types, functions, tables, views), so that a pg_catalog name is
//! never mistaken for one of the schema's.

use super::identifiers::needs_quotes;
use super::{Catalog, QualifiedName};
use sqlparser::ast::{DataType, Expr, FunctionReturnType, Ident, ObjectName, Statement, Value};
use std::ops::ControlFlow;

/// Qualifies the names in the expressions and queries of `statement` that `schema` defines.
///
/// Only the parts that keep expressions are walked (column defaults, generation expressions,
/// CHECKs, view queries, policies), all with one visitor type: walking whole statements, or with
/// several visitor types, would make the WebAssembly build carry many copies of sqlparser's visitor.
pub(super) fn qualify_statement(statement: &mut Statement, schema: &str, catalog: &Catalog) {
    use sqlparser::ast::{AlterColumnOperation, AlterTableOperation, ColumnOption, TableConstraint, VisitMut};
    let mut qualifier = Qualifier { schema, catalog };
    let mut expression = |expr: &mut Expr| {
        let _ = expr.visit(&mut qualifier);
    };
    fn check(constraint: &mut TableConstraint) -> Option<&mut Expr> {
        match constraint {
            TableConstraint::Check(check) => Some(&mut *check.expr),
            _ => None,
        }
    }
    match statement {
        Statement::CreateTable(create) => {
            for column in &mut create.columns {
                for option in &mut column.options {
                    match &mut option.option {
                        ColumnOption::Default(expr) => expression(expr),
                        ColumnOption::Generated { generation_expr: Some(expr), .. } => expression(expr),
                        ColumnOption::Check(check) => expression(&mut check.expr),
                        _ => {}
                    }
                }
            }
            create.constraints.iter_mut().filter_map(check).for_each(expression);
        }
        Statement::AlterTable(alter) => {
            for operation in &mut alter.operations {
                match operation {
                    AlterTableOperation::AlterColumn { op: AlterColumnOperation::SetDefault { value }, .. } => {
                        expression(value)
                    }
                    AlterTableOperation::AddConstraint { constraint, .. } => {
                        if let Some(expr) = check(constraint) {
                            expression(expr);
                        }
                    }
                    _ => {}
                }
            }
        }
        Statement::CreateDomain(domain) => {
            domain.default.iter_mut().for_each(&mut expression);
            domain.constraints.iter_mut().filter_map(check).for_each(expression);
        }
        Statement::CreateView(view) => {
            let _ = view.query.visit(&mut qualifier);
        }
        Statement::CreatePolicy(policy) => {
            policy.using.iter_mut().chain(policy.with_check.iter_mut()).for_each(expression);
        }
        Statement::CreateFunction(function) => {
            if let Some(FunctionReturnType::DataType(data_type) | FunctionReturnType::SetOf(data_type)) =
                &mut function.return_type
            {
                qualify_type(data_type, schema, catalog);
            }
        }
        _ => {}
    }
}

/// The one visitor: qualifies expressions, and relations (`FROM users`) the dump defines.
struct Qualifier<'a> {
    schema: &'a str,
    catalog: &'a Catalog,
}

impl sqlparser::ast::VisitorMut for Qualifier<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        qualify_expression(expr, self.schema, self.catalog);
        ControlFlow::Continue(())
    }

    fn post_visit_relation(&mut self, name: &mut ObjectName) -> ControlFlow<()> {
        if let Some(only) = single(name) {
            let key = QualifiedName::new(self.schema, &only);
            if self.catalog.tables.contains_key(&key) || self.catalog.views.contains_key(&key) {
                *name = qualified(self.schema, name);
            }
        }
        ControlFlow::Continue(())
    }
}

/// A type named by the dump (a type, or a table's row type) written unqualified.
fn qualify_type(data_type: &mut DataType, schema: &str, catalog: &Catalog) {
    if let DataType::Custom(name, _) = data_type {
        if let Some(only) = single(name) {
            let key = QualifiedName::new(schema, &only);
            if catalog.types.contains_key(&key) || catalog.tables.contains_key(&key) || catalog.views.contains_key(&key)
            {
                *name = qualified(schema, name);
            }
        }
    }
}

/// Whether the dump defines a function `schema.name(…)` (any arguments).
fn defines_function(catalog: &Catalog, schema: &str, name: &str) -> bool {
    let prefix = format!("{schema}.{name}(");
    catalog.functions.range(prefix.clone()..).next().is_some_and(|(key, _)| key.starts_with(&prefix))
}

/// A trigger's normalized definition as modern pg_dump writes it: the table qualified, the
/// function qualified when the dump defines it, and `EXECUTE PROCEDURE` (before PostgreSQL 11) as
/// `EXECUTE FUNCTION` (a synonym since).
pub(super) fn trigger_definition(
    definition: &str,
    table: &QualifiedName,
    schema: Option<&str>,
    catalog: &Catalog,
) -> String {
    let mut words: Vec<String> = definition.split(' ').map(str::to_string).collect();
    for i in 1..words.len() {
        if words[i - 1] == "execute" && words[i] == "procedure" {
            words[i] = "function".into();
        }
    }
    let Some(schema) = schema else { return words.join(" ") };
    if let Some(at) = words.iter().position(|w| w == "on") {
        if let Some(name) = words.get_mut(at + 1) {
            if !name.contains('.') {
                *name = format!("{}.{}", shown(&table.schema), name);
            }
        }
    }
    if let Some(at) = words.windows(2).position(|w| w[0] == "execute" && w[1] == "function") {
        if let Some(call) = words.get_mut(at + 2) {
            let name = call.split('(').next().unwrap_or_default().to_string();
            if !name.contains('.') && defines_function(catalog, schema, &name) {
                *call = format!("{}.{call}", shown(schema));
            }
        }
    }
    words.join(" ")
}

/// An aggregate's normalized definition with its name and support functions qualified.
pub(super) fn aggregate_definition(definition: &str, schema: &str, catalog: &Catalog) -> String {
    let mut words: Vec<String> = definition.split(' ').map(str::to_string).collect();
    if words.len() > 2 && words[0] == "create" && words[1] == "aggregate" && !words[2].contains('.') {
        words[2] = format!("{}.{}", shown(schema), words[2]);
    }
    for i in 2..words.len() {
        let names_function = words[i - 2].ends_with("func") && words[i - 1] == "=";
        let name = words[i].trim_end_matches(',').to_string();
        if names_function && !name.contains('.') && defines_function(catalog, schema, &name) {
            words[i] = format!("{}.{}", shown(schema), words[i]);
        }
    }
    words.join(" ")
}

/// A foreign key's referenced table: a one-part name lives in the search_path's schema.
pub(super) fn qualify_reference(name: &mut ObjectName, schema: &str) {
    if single(name).is_some() {
        *name = qualified(schema, name);
    }
}

fn qualify_expression(expr: &mut Expr, schema: &str, catalog: &Catalog) {
    match expr {
        Expr::Cast { expr: inner, data_type, .. } => {
            let type_name = match data_type {
                DataType::Regclass => "regclass".to_string(),
                DataType::Custom(name, _) => match single(name) {
                    Some(name) => name,
                    None => return,
                },
                _ => return,
            };
            if type_name == "regclass" {
                // `'users_id_seq'::regclass` names a relation by a string.
                if let Expr::Value(value) = inner.as_mut() {
                    if let Value::SingleQuotedString(relation) = &mut value.value {
                        let known = |name: &str| {
                            let key = QualifiedName::new(schema, name);
                            catalog.sequences.contains_key(&key)
                                || catalog.tables.contains_key(&key)
                                || catalog.views.contains_key(&key)
                                || catalog.indexes.contains_key(&key)
                        };
                        if !relation.contains('.') && known(&relation.to_lowercase()) {
                            *relation = format!("{}.{relation}", shown(schema));
                        }
                    }
                }
            } else if catalog.types.contains_key(&QualifiedName::new(schema, &type_name)) {
                if let DataType::Custom(name, _) = data_type {
                    *name = qualified(schema, name);
                }
            }
        }
        Expr::Function(function) => {
            let Some(function_name) = single(&function.name) else { return };
            let prefix = format!("{schema}.{function_name}(");
            if catalog.functions.range(prefix.clone()..).next().is_some_and(|(key, _)| key.starts_with(&prefix)) {
                function.name = qualified(schema, &function.name);
            }
        }
        _ => {}
    }
}

/// The normalized name when `name` has one part.
fn single(name: &ObjectName) -> Option<String> {
    match name.0.as_slice() {
        [only] => only.as_ident().map(super::name::normalize_ident),
        _ => None,
    }
}

fn qualified(schema: &str, name: &ObjectName) -> ObjectName {
    let mut parts = vec![Ident::with_quote('"', schema)];
    parts.extend(name.0.iter().filter_map(|p| p.as_ident().cloned()));
    ObjectName::from(parts)
}

/// A schema name as it appears inside a string such as `'public.t'::regclass`.
fn shown(schema: &str) -> String {
    if needs_quotes(schema) {
        format!("\"{}\"", schema.replace('"', "\"\""))
    } else {
        schema.to_string()
    }
}
