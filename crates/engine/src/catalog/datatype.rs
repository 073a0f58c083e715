//! Data type names as PostgreSQL's `format_type` prints them, whatever alias the dump used.
//!
//! `int4`, `int` and `integer` are one type; so are `varchar(20)` and `character varying(20)`.
//! User-defined types are qualified with the dump's default schema when written unqualified.

use super::name::name_parts;
use sqlparser::ast::{ArrayElemTypeDef, DataType};

/// Built-in types sqlparser reports as custom names; they live in pg_catalog and stay unqualified.
const BUILTIN: &[&str] = &[
    "bpchar",
    "name",
    "oid",
    "regclass",
    "regproc",
    "regprocedure",
    "regtype",
    "regconfig",
    "tsvector",
    "tsquery",
    "inet",
    "cidr",
    "macaddr",
    "macaddr8",
    "money",
    "xml",
    "point",
    "line",
    "lseg",
    "box",
    "path",
    "polygon",
    "circle",
    "bit",
    "varbit",
    "pg_lsn",
    "txid_snapshot",
    "jsonpath",
    "int4range",
    "int8range",
    "numrange",
    "tsrange",
    "tstzrange",
    "daterange",
    "int4multirange",
    "int8multirange",
    "nummultirange",
    "tsmultirange",
    "tstzmultirange",
    "datemultirange",
    "record",
    "trigger",
    "void",
    "anyelement",
    "anyarray",
    "event_trigger",
    "internal",
    "cstring",
    "\"char\"",
    "char",
    "uuid",
    "json",
    "jsonb",
    "text",
    "bytea",
    "date",
    "interval",
    "refcursor",
    "aclitem",
    "xid",
    "cid",
    "tid",
    "regrole",
    "regnamespace",
    "anyenum",
    "anyrange",
    "anynonarray",
    "anycompatible",
    "language_handler",
    "fdw_handler",
    "index_am_handler",
    "table_am_handler",
];

/// Serial pseudo-types: the column's type is the integer type (the sequence is a separate object).
const SERIAL: &[&str] = &["serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"];

/// The canonical spelling of a type; `default_schema` qualifies unqualified user-defined types.
pub fn normalize_type(data_type: &DataType, default_schema: &str) -> String {
    if let DataType::Custom(name, modifiers) = data_type {
        let mut parts = name_parts(name);
        let base = parts.pop().unwrap_or_default();
        let schema = parts.pop();
        let modifiers = if modifiers.is_empty() {
            String::new()
        } else {
            format!("({})", modifiers.iter().map(ToString::to_string).collect::<Vec<_>>().join(","))
        };
        let qualified = match schema.as_deref() {
            Some("pg_catalog") | None if SERIAL.contains(&base.as_str()) => canonical_text(&base),
            Some("pg_catalog") | None if BUILTIN.contains(&base.as_str()) => canonical_builtin(&base),
            Some(schema) => format!("{}.{}", quote_if_needed(schema), quote_if_needed(&base)),
            None => format!("{}.{}", quote_if_needed(default_schema), quote_if_needed(&base)),
        };
        return format!("{qualified}{modifiers}");
    }
    // An array of any dimensions is its element type and one `[]`, as `format_type` prints it;
    // the element is spelled like any type (so `"text"[]` of `--quote-all-identifiers` is `text[]`).
    if let DataType::Array(ArrayElemTypeDef::SquareBracket(inner, _) | ArrayElemTypeDef::Qualified(inner, _)) =
        data_type
    {
        let element = normalize_type(inner, default_schema);
        return format!("{}[]", element.trim_end_matches("[]"));
    }
    if let DataType::Array(_) = data_type {
        let text = data_type.to_string();
        if let Some(inner) = text.strip_suffix("[]") {
            return format!("{}[]", canonical_text(inner).trim_end_matches("[]"));
        }
    }
    canonical_text(&data_type.to_string())
}

fn canonical_builtin(base: &str) -> String {
    match base {
        "bpchar" => "character".to_string(),
        other => other.to_string(),
    }
}

fn quote_if_needed(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// The user-defined type a column's data type names (its canonical form, as [`normalize_type`]
/// writes it: `"Sales".status[]`, `public.vector(3)`), without modifiers or array brackets.
pub fn type_name(data_type: &str) -> Option<super::QualifiedName> {
    let mut base = data_type.trim();
    while let Some(inner) = base.strip_suffix("[]") {
        base = inner;
    }
    let base = base.split_once('(').map_or(base, |(b, _)| b).trim();
    let mut parts = Vec::new();
    let (mut part, mut quoted, mut chars) = (String::new(), false, base.chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                part.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut part)),
            c => part.push(c),
        }
    }
    parts.push(part);
    match parts.as_slice() {
        [schema, name] => Some(super::QualifiedName::new(schema, name)),
        _ => None,
    }
}

/// Maps the printed form of a built-in type to PostgreSQL's own spelling.
fn canonical_text(text: &str) -> String {
    let lower = text.trim().to_lowercase();
    if let Some(inner) = lower.strip_suffix("[]") {
        return format!("{}[]", canonical_text(inner));
    }
    // Split `base(modifiers) rest`, e.g. `timestamp(3) with time zone`.
    let (base, modifiers, rest) = match lower.find('(') {
        Some(open) => {
            let close = lower[open..].find(')').map_or(lower.len(), |c| open + c + 1);
            (lower[..open].trim(), lower[open..close].replace(' ', ""), lower[close..].trim())
        }
        None => (lower.as_str(), String::new(), ""),
    };
    let (base, rest) = match base.split_once(' ') {
        Some((first, more)) if rest.is_empty() && !matches!(first, "double" | "character" | "bit") => (first, more),
        _ => (base, rest),
    };
    let canonical = match base {
        "int" | "int4" | "integer" | "serial" | "serial4" => "integer",
        "int8" | "bigint" | "bigserial" | "serial8" => "bigint",
        "int2" | "smallint" | "smallserial" | "serial2" => "smallint",
        "float8" | "double precision" | "double" => "double precision",
        "float" if modifiers.is_empty() => "double precision",
        "float4" | "real" => "real",
        "bool" | "boolean" => "boolean",
        "varchar" | "character varying" => "character varying",
        "char" | "character" | "bpchar" => "character",
        "decimal" | "numeric" | "dec" => "numeric",
        "timestamptz" => return with_time_zone("timestamp", &modifiers, true),
        "timetz" => return with_time_zone("time", &modifiers, true),
        "timestamp" | "time" => {
            let zoned = rest.starts_with("with time zone");
            return with_time_zone(base, &modifiers, zoned);
        }
        other => other,
    };
    let rest = if rest.is_empty() { String::new() } else { format!(" {rest}") };
    format!("{canonical}{modifiers}{rest}")
}

fn with_time_zone(base: &str, modifiers: &str, zoned: bool) -> String {
    let zone = if zoned { "with" } else { "without" };
    format!("{base}{modifiers} {zone} time zone")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn check(written: &str, expected: &str) {
        let sql = format!("CREATE TABLE t (c {written})");
        let statement = Parser::parse_sql(&PostgreSqlDialect {}, &sql).unwrap().remove(0);
        let sqlparser::ast::Statement::CreateTable(table) = statement else { panic!("not a table") };
        assert_eq!(normalize_type(&table.columns[0].data_type, "public"), expected, "type {written}");
    }

    #[test]
    fn a_data_type_names_its_user_type() {
        let name = |text: &str| type_name(text).map(|n| (n.schema, n.name));
        assert_eq!(name("\"Sales\".\"Odd \"\"x\"\"\"[]"), Some(("Sales".into(), "Odd \"x\"".into())));
        assert_eq!(name("public.vector(3)"), Some(("public".into(), "vector".into())));
        assert_eq!(name("integer"), None);
    }

    #[test]
    fn aliases_become_postgresql_spellings() {
        check("int4", "integer");
        check("INT", "integer");
        check("int8", "bigint");
        check("bigserial", "bigint");
        check("varchar(120)", "character varying(120)");
        check("character varying", "character varying");
        check("timestamptz", "timestamp with time zone");
        check("timestamp(3) with time zone", "timestamp(3) with time zone");
        check("timestamp", "timestamp without time zone");
        check("float8", "double precision");
        check("double precision", "double precision");
        check("bool", "boolean");
        check("numeric(10, 2)", "numeric(10,2)");
        check("decimal", "numeric");
        check("text[]", "text[]");
        check("int4[]", "integer[]");
        check("int4[][]", "integer[]");
        check("integer[3]", "integer[]");
        check("\"text\"[]", "text[]");
        check("character varying(200)[]", "character varying(200)[]");
        check("integer ARRAY", "integer[]");
        check("char(2)", "character(2)");
    }

    #[test]
    fn user_types_are_qualified_and_builtins_are_not() {
        check("task_status", "public.task_status");
        check("public.task_status", "public.task_status");
        check("task_status[]", "public.task_status[]");
        check("\"billing\".\"money_cents\"[]", "billing.money_cents[]");
        check("\"Sales\".status", "\"Sales\".status");
        check("\"Sales\".\"Status\"[]", "\"Sales\".\"Status\"[]");
        check("extensions.vector(1536)", "extensions.vector(1536)");
        check("public.geometry(Polygon,4326)", "public.geometry(Polygon,4326)");
        check("tsvector", "tsvector");
        check("pg_catalog.regclass", "regclass");
        check("jsonb", "jsonb");
        check("uuid", "uuid");
    }
}
