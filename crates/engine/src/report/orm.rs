//! ORM schema lines for new and changed tables: Drizzle ORM (`drizzle-orm/pg-core`, TypeScript) and
//! Prisma models, as a developer pastes them into the application's schema file.
//!
//! Both are written from the catalog the way the tools' own introspection (`drizzle-kit pull`,
//! `prisma db pull`) would write them: one builder or field per column, the column's SQL name
//! kept, defaults the ORM knows by name (now(), gen_random_uuid(), literals), and anything else as
//! raw SQL (`sql\`…\`` / `dbgenerated("…")`).

use super::{ColumnDifferences, ColumnFact, NewTable};
use crate::catalog::{Catalog, ConstraintKind, TypeDef};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrmHint {
    pub table: String,
    /// `new` (the whole table) or `changed` (its new and changed columns).
    #[serde(deserialize_with = "crate::interned::one")]
    pub status: crate::interned::Word,
    pub drizzle: String,
    pub prisma: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Orm {
    /// The `import` lines the Drizzle hints need.
    pub drizzle_imports: String,
    pub tables: Vec<OrmHint>,
}

/// Hints for every new table and every table with new or changed columns.
pub fn hints(to: &Catalog, new_tables: &[NewTable], changed: &[ColumnDifferences]) -> Orm {
    let mut used: BTreeSet<&'static str> = BTreeSet::new();
    let mut tables = Vec::new();
    for table in new_tables {
        let Some((name, definition)) = super::build::find_table(to, &table.table) else { continue };
        let primary_key: Vec<String> = definition
            .constraints
            .values()
            .find(|c| c.kind == ConstraintKind::PrimaryKey)
            .map(|c| c.key_columns())
            .unwrap_or_default();
        let single_key = if primary_key.len() == 1 { primary_key.first().map(String::as_str) } else { None };
        let mut drizzle = String::new();
        let builder = if name.schema == "public" {
            used.insert("pgTable");
            "pgTable".to_string()
        } else {
            used.insert("pgSchema");
            format!("pgSchema({}).table", ts_string(&name.schema))
        };
        let _ = writeln!(drizzle, "export const {} = {builder}({}, {{", camel(&name.name), ts_string(&name.name));
        let mut prisma = String::new();
        let _ = writeln!(prisma, "model {} {{", prisma_name(&name.name));
        for column in &table.columns {
            let is_key = single_key == Some(column.column.as_str());
            let _ = writeln!(drizzle, "  {},", drizzle_column(to, column, is_key, &mut used));
            let _ = writeln!(prisma, "  {}", prisma_field(to, column, is_key));
        }
        if primary_key.len() > 1 {
            used.insert("primaryKey");
            let keys: Vec<String> = primary_key.iter().map(|k| format!("table.{}", camel(k))).collect();
            let _ = writeln!(drizzle, "}}, (table) => [primaryKey({{ columns: [{}] }})]);", keys.join(", "));
            let keys: Vec<String> = primary_key.iter().map(|k| prisma_name(k)).collect();
            let _ = writeln!(prisma, "\n  @@id([{}])", keys.join(", "));
        } else {
            drizzle.push_str("});\n");
        }
        if prisma_name(&name.name) != name.name {
            let _ = writeln!(prisma, "  @@map({})", prisma_string(&name.name));
        }
        if name.schema != "public" {
            let _ = writeln!(prisma, "  @@schema({})", prisma_string(&name.schema));
        }
        prisma.push_str("}\n");
        // Kept for the whole report, one per new table: no room left from growing.
        drizzle.shrink_to_fit();
        prisma.shrink_to_fit();
        tables.push(OrmHint { table: table.table.clone(), status: "new", drizzle, prisma });
    }
    for table in changed {
        let Some((name, definition)) = super::build::find_table(to, &table.table) else { continue };
        let mut drizzle = format!("// {} ({}): new and changed columns\n", camel(&name.name), table.table);
        let mut prisma = format!("// model {}\n", prisma_name(&name.name));
        let mut any = false;
        for added in &table.added {
            any = true;
            let _ = writeln!(drizzle, "{},", drizzle_column(to, added, false, &mut used));
            let _ = writeln!(prisma, "{}", prisma_field(to, added, false));
        }
        for altered in &table.altered {
            let Some(column) = definition.column(&altered.column) else { continue };
            any = true;
            let fact = super::columns::column_fact(to, &table.table, column);
            let what: Vec<String> = altered.details.iter().map(ToString::to_string).collect();
            let why = one_line(&what.join("; "));
            let _ = writeln!(drizzle, "{}, // changed: {why}", drizzle_column(to, &fact, false, &mut used));
            let _ = writeln!(prisma, "{} // changed: {why}", prisma_field(to, &fact, false));
        }
        for removed in &table.removed {
            any = true;
            let _ = writeln!(drizzle, "// remove {} ({})", camel(&removed.column), one_line(&removed.column));
            let _ = writeln!(prisma, "// remove {}", one_line(&removed.column));
        }
        if any {
            tables.push(OrmHint { table: table.table.clone(), status: "changed", drizzle, prisma });
        }
    }
    let mut drizzle_imports = String::new();
    if !used.is_empty() {
        let names: Vec<&str> = used.iter().copied().filter(|n| *n != "sql").collect();
        let _ = writeln!(drizzle_imports, "import {{ {} }} from 'drizzle-orm/pg-core';", names.join(", "));
        if used.contains("sql") {
            drizzle_imports.push_str("import { sql } from 'drizzle-orm';\n");
        }
    }
    Orm { drizzle_imports, tables }
}

fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// `account_link_events` → `accountLinkEvents`: a TypeScript identifier.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if upper && !out.is_empty() {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// A Prisma identifier: the SQL name when it is one, else a cleaned name (mapped with `@map`).
fn prisma_name(name: &str) -> String {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        name.to_string()
    } else {
        let cleaned: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        format!("c_{cleaned}")
    }
}

fn ts_string(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '<' => out.push_str("\\x3c"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A tagged template literal body: backticks, backslashes and `${` escaped.
fn ts_template(text: &str) -> String {
    one_line(text).replace('\\', "\\\\").replace('`', "\\`").replace("${", "\\${")
}

fn prisma_string(text: &str) -> String {
    let escaped = one_line(text).replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// The SQL type split into its base name, its modifiers and whether it is an array.
fn parse_type(data_type: &str) -> (&str, Vec<&str>, bool) {
    let (data_type, array) = match data_type.strip_suffix("[]") {
        Some(inner) => (inner, true),
        None => (data_type, false),
    };
    match data_type.split_once('(') {
        Some((base, rest)) => {
            let (args, tail) = rest.split_once(')').unwrap_or((rest, ""));
            let base = if tail.trim().is_empty() { base.trim() } else { data_type };
            (base, args.split(',').map(str::trim).collect(), array)
        }
        None => (data_type.trim(), Vec::new(), array),
    }
}

fn enum_name<'a>(catalog: &Catalog, base: &'a str) -> Option<&'a str> {
    let unqualified = base.rsplit_once('.').map_or(base, |(_, n)| n).trim_matches('"');
    catalog
        .types
        .iter()
        .any(|(name, def)| matches!(def, TypeDef::Enum { .. }) && name.name == unqualified)
        .then_some(unqualified)
}

fn drizzle_column(
    catalog: &Catalog,
    column: &ColumnFact,
    primary_key: bool,
    used: &mut BTreeSet<&'static str>,
) -> String {
    let (base, args, array) = parse_type(&column.data_type);
    let sql_name = ts_string(&column.column);
    let default = column.default.as_deref();
    let serial = default.is_some_and(|d| d.starts_with("nextval("));
    let arg = |i: usize| args.get(i).copied().unwrap_or("");
    let (builder, options): (&'static str, String) = match base {
        "integer" if serial => ("serial", String::new()),
        "bigint" if serial => ("bigserial", ", { mode: 'number' }".into()),
        "smallint" if serial => ("smallserial", String::new()),
        "integer" => ("integer", String::new()),
        "bigint" => ("bigint", ", { mode: 'number' }".into()),
        "smallint" => ("smallint", String::new()),
        "boolean" => ("boolean", String::new()),
        "text" => ("text", String::new()),
        "uuid" => ("uuid", String::new()),
        "jsonb" => ("jsonb", String::new()),
        "json" => ("json", String::new()),
        "date" => ("date", String::new()),
        "real" => ("real", String::new()),
        "double precision" => ("doublePrecision", String::new()),
        "inet" => ("inet", String::new()),
        "cidr" => ("cidr", String::new()),
        "macaddr" => ("macaddr", String::new()),
        "interval" => ("interval", String::new()),
        "character varying" if !args.is_empty() => ("varchar", format!(", {{ length: {} }}", arg(0))),
        "character varying" => ("varchar", String::new()),
        "character" => ("char", if args.is_empty() { String::new() } else { format!(", {{ length: {} }}", arg(0)) }),
        "numeric" if args.len() == 2 => ("numeric", format!(", {{ precision: {}, scale: {} }}", arg(0), arg(1))),
        "numeric" if args.len() == 1 => ("numeric", format!(", {{ precision: {} }}", arg(0))),
        "numeric" => ("numeric", String::new()),
        "timestamp with time zone" => ("timestamp", ", { withTimezone: true }".into()),
        "timestamp without time zone" => ("timestamp", String::new()),
        "time without time zone" => ("time", String::new()),
        "time with time zone" => ("time", ", { withTimezone: true }".into()),
        b if b == "vector" || b.ends_with(".vector") => ("vector", format!(", {{ dimensions: {} }}", arg(0))),
        _ => ("", String::new()),
    };
    let mut out = if builder.is_empty() {
        match enum_name(catalog, base) {
            Some(name) => format!("{}: {}Enum({sql_name})", camel(&column.column), camel(name)),
            None => {
                used.insert("customType");
                format!(
                    "{}: customType<{{ data: string }}>({{ dataType: () => {} }})({sql_name})",
                    camel(&column.column),
                    ts_string(&one_line(&column.data_type))
                )
            }
        }
    } else {
        used.insert(builder);
        format!("{}: {builder}({sql_name}{options})", camel(&column.column))
    };
    if array {
        out.push_str(".array()");
    }
    if primary_key {
        out.push_str(".primaryKey()");
    } else if column.not_null && column.generated.as_deref().is_none_or(|g| !g.starts_with("identity")) {
        out.push_str(".notNull()");
    }
    if let Some(generated) = &column.generated {
        if let Some(identity) = generated.strip_prefix("identity ") {
            out.push_str(if identity == "ALWAYS" {
                ".generatedAlwaysAsIdentity()"
            } else {
                ".generatedByDefaultAsIdentity()"
            });
        } else if let Some(expression) = generated.strip_prefix("generated ") {
            used.insert("sql");
            let expression = expression.rsplit_once(' ').map_or(expression, |(e, _)| e);
            let _ = write!(out, ".generatedAlwaysAs(sql`{}`)", ts_template(expression));
        }
    }
    match default {
        None => {}
        Some(_) if serial => {}
        Some("now()" | "CURRENT_TIMESTAMP") => out.push_str(".defaultNow()"),
        Some("gen_random_uuid()") => out.push_str(".defaultRandom()"),
        Some(value @ ("true" | "false")) => {
            let _ = write!(out, ".default({value})");
        }
        Some(value)
            if is_number(value)
                && matches!(builder, "integer" | "smallint" | "bigint" | "real" | "doublePrecision") =>
        {
            let _ = write!(out, ".default({value})");
        }
        Some(value) => match string_literal(value) {
            Some(text) if matches!(builder, "text" | "varchar" | "char") => {
                let _ = write!(out, ".default({})", ts_string(&text));
            }
            _ => {
                used.insert("sql");
                let _ = write!(out, ".default(sql`{}`)", ts_template(value));
            }
        },
    }
    out
}

fn prisma_field(catalog: &Catalog, column: &ColumnFact, primary_key: bool) -> String {
    let (base, args, array) = parse_type(&column.data_type);
    let arg = |i: usize| args.get(i).copied().unwrap_or("");
    let (kind, native): (String, String) = match base {
        "integer" => ("Int".into(), String::new()),
        "bigint" => ("BigInt".into(), String::new()),
        "smallint" => ("Int".into(), " @db.SmallInt".into()),
        "boolean" => ("Boolean".into(), String::new()),
        "text" => ("String".into(), String::new()),
        "uuid" => ("String".into(), " @db.Uuid".into()),
        "jsonb" => ("Json".into(), String::new()),
        "json" => ("Json".into(), " @db.Json".into()),
        "date" => ("DateTime".into(), " @db.Date".into()),
        "real" => ("Float".into(), " @db.Real".into()),
        "double precision" => ("Float".into(), String::new()),
        "bytea" => ("Bytes".into(), String::new()),
        "inet" => ("String".into(), " @db.Inet".into()),
        "character varying" if !args.is_empty() => ("String".into(), format!(" @db.VarChar({})", arg(0))),
        "character varying" => ("String".into(), " @db.VarChar".into()),
        "character" => ("String".into(), format!(" @db.Char({})", if args.is_empty() { "1" } else { arg(0) })),
        "numeric" if args.len() == 2 => ("Decimal".into(), format!(" @db.Decimal({}, {})", arg(0), arg(1))),
        "numeric" => ("Decimal".into(), String::new()),
        "timestamp with time zone" => {
            ("DateTime".into(), format!(" @db.Timestamptz({})", if args.is_empty() { "6" } else { arg(0) }))
        }
        "timestamp without time zone" => {
            ("DateTime".into(), format!(" @db.Timestamp({})", if args.is_empty() { "6" } else { arg(0) }))
        }
        other => match enum_name(catalog, other) {
            Some(name) => (prisma_name(name), String::new()),
            None => (format!("Unsupported({})", prisma_string(&column.data_type)), String::new()),
        },
    };
    let unsupported = kind.starts_with("Unsupported");
    let field_type = if array && !unsupported {
        format!("{kind}[]")
    } else if column.not_null || primary_key {
        kind
    } else {
        format!("{kind}?")
    };
    let name = prisma_name(&column.column);
    let mut out = format!("{name} {field_type}");
    if primary_key {
        out.push_str(" @id");
    }
    let identity = column.generated.as_deref().is_some_and(|g| g.starts_with("identity"));
    match column.default.as_deref() {
        _ if identity => out.push_str(" @default(autoincrement())"),
        Some(d) if d.starts_with("nextval(") => out.push_str(" @default(autoincrement())"),
        Some("now()" | "CURRENT_TIMESTAMP") => out.push_str(" @default(now())"),
        Some(value @ ("true" | "false")) => {
            let _ = write!(out, " @default({value})");
        }
        Some(value) if is_number(value) && matches!(field_type.trim_end_matches('?'), "Int" | "BigInt" | "Float") => {
            let _ = write!(out, " @default({value})");
        }
        Some(value) => match string_literal(value) {
            Some(text) if field_type.trim_end_matches('?') == "String" => {
                let _ = write!(out, " @default({})", prisma_string(&text));
            }
            _ => {
                let _ = write!(out, " @default(dbgenerated({}))", prisma_string(value));
            }
        },
        None => {}
    }
    out.push_str(&native);
    if name != column.column {
        let _ = write!(out, " @map({})", prisma_string(&column.column));
    }
    out
}

fn is_number(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// `'text'::character varying` → `text` (quotes undoubled); `None` for anything else.
fn string_literal(value: &str) -> Option<String> {
    let rest = value.strip_prefix('\'')?;
    let (body, cast) = rest.rsplit_once('\'')?;
    if !(cast.is_empty() || cast.starts_with("::")) || body.replace("''", "").contains('\'') {
        return None;
    }
    Some(body.replace("''", "'"))
}

#[cfg(test)]
mod tests {
    use super::super::tests::report_of;

    #[test]
    fn new_and_changed_tables_get_drizzle_and_prisma_lines() {
        let report = report_of(
            "CREATE TABLE profiles (id int PRIMARY KEY, decay_rate numeric);",
            "CREATE TABLE profiles (id int PRIMARY KEY, decay_rate double precision,
                 expo_push_token text, is_test_account boolean DEFAULT false,
                 prefs jsonb DEFAULT '{\"enabled\": true}'::jsonb, name varchar(40) DEFAULT 'it''s' NOT NULL);
             CREATE TABLE account_link_events (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                 user_id uuid NOT NULL, created_at timestamp with time zone DEFAULT now(), n bigint GENERATED ALWAYS AS IDENTITY);",
        );
        let new = &report.orm.tables[0];
        assert_eq!(new.status, "new");
        assert_eq!(
            new.drizzle,
            "export const accountLinkEvents = pgTable('account_link_events', {\n  \
             id: uuid('id').primaryKey().defaultRandom(),\n  \
             userId: uuid('user_id').notNull(),\n  \
             createdAt: timestamp('created_at', { withTimezone: true }).defaultNow(),\n  \
             n: bigint('n', { mode: 'number' }).generatedAlwaysAsIdentity(),\n});\n"
        );
        assert_eq!(
            new.prisma,
            "model account_link_events {\n  \
             id String @id @default(dbgenerated(\"gen_random_uuid()\")) @db.Uuid\n  \
             user_id String @db.Uuid\n  \
             created_at DateTime? @default(now()) @db.Timestamptz(6)\n  \
             n BigInt @default(autoincrement())\n}\n"
        );
        let changed = &report.orm.tables[1];
        assert_eq!(changed.status, "changed");
        assert!(changed.drizzle.contains("expoPushToken: text('expo_push_token'),\n"), "{}", changed.drizzle);
        assert!(changed.drizzle.contains("isTestAccount: boolean('is_test_account').default(false),"));
        assert!(changed.drizzle.contains("prefs: jsonb('prefs').default(sql`'{\"enabled\": true}'::jsonb`),"));
        assert!(
            changed.drizzle.contains("name: varchar('name', { length: 40 }).notNull().default('it\\'s'),"),
            "{}",
            changed.drizzle
        );
        assert!(changed
            .drizzle
            .contains("decayRate: doublePrecision('decay_rate'), // changed: type numeric → double precision"));
        assert!(changed.prisma.contains("is_test_account Boolean? @default(false)"), "{}", changed.prisma);
        assert!(changed.prisma.contains("name String @default(\"it's\") @db.VarChar(40)"), "{}", changed.prisma);
        assert!(report.orm.drizzle_imports.starts_with("import { bigint, boolean, doublePrecision, jsonb, pgTable,"));
        assert!(report.orm.drizzle_imports.contains("import { sql } from 'drizzle-orm';"));
    }
}
