//! Catalog objects written back as SQL: the one place that turns names into SQL text.
//!
//! Architecture invariant: every identifier the engine writes into SQL goes through [`ident`]
//! (quoted exactly when PostgreSQL's `quote_identifier` would quote it) and every string through
//! [`literal`], so generated SQL is valid for any name a dump can hold.

use crate::catalog::{needs_quotes, ByTable, Catalog, Column, ConstraintKind, Index, QualifiedName, Table};
use crate::reader;
use std::fmt::Write;

/// An identifier as SQL: double-quoted when PostgreSQL would quote it, embedded quotes doubled.
/// A name holding characters that would act on a terminal or reorder text (see
/// [`crate::render::visible`]) is written `U&"…"` with those characters as `\001B`-style escapes: the
/// same name to PostgreSQL, inert to whoever reads the script.
pub fn ident(name: &str) -> String {
    if name.chars().any(acts) {
        unicode_token(name, '"')
    } else if needs_quotes(name) {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_string()
    }
}

/// A character written escaped inside SQL names and strings: what acts on a terminal or reorders
/// text (see [`crate::render::visible`]), but not the newline and tab that lay SQL out.
fn acts(c: char) -> bool {
    crate::render::visible::is_hidden(c) && c != '\n' && c != '\t'
}

/// Appends `text` as the body of a `U&'…'` / `U&"…"` token: characters that act as `\001B` or
/// `\+01F600`; a backslash doubled unless `text` is a `U&` body already (its backslashes are
/// escapes); `quote` doubled when `double_quotes` (raw text; a quoted token's are doubled already).
fn push_unicode_body(out: &mut String, text: &str, quote: char, double_quotes: bool, already_unicode: bool) {
    for c in text.chars() {
        match c {
            '\\' if !already_unicode => out.push_str("\\\\"),
            c if c == quote && double_quotes => {
                out.push(c);
                out.push(c);
            }
            c if acts(c) => {
                let code = c as u32;
                if code <= 0xffff {
                    let _ = write!(out, "\\{code:04X}");
                } else {
                    let _ = write!(out, "\\+{code:06X}");
                }
            }
            c => out.push(c),
        }
    }
}

/// `U&` + `quote` + `text` escaped + `quote`.
fn unicode_token(text: &str, quote: char) -> String {
    let mut out = format!("U&{quote}");
    push_unicode_body(&mut out, text, quote, true, false);
    out.push(quote);
    out
}

/// Text for a `--` comment, on one line: a newline (or any control character) inside a name would
/// end the comment and turn the rest of the name into SQL, so each is written escaped (`\n`, `\x1b`),
/// as are characters that reorder text (see [`crate::render::visible`]).
pub fn comment(text: &str) -> std::borrow::Cow<'_, str> {
    crate::render::visible::inline(text)
}

/// SQL that means the same and shows every character that would act on a terminal or reorder text
/// as an escape: a string or quoted name holding one becomes `U&'…'` / `U&"…"`, a dollar-quoted body
/// becomes a `U&'…'` string (any string constant may be a function body), an `E'…'` string takes
/// `\u001B`, a `--` comment shows `\x1b`. SQL holding no such character is returned as it is.
/// Written for SQL that runs with `standard_conforming_strings` on (generated scripts).
pub fn inert_sql(sql: &str) -> std::borrow::Cow<'_, str> {
    if !sql.chars().any(acts) {
        return std::borrow::Cow::Borrowed(sql);
    }
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 16);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'\'' | b'"') => {
                let escapes = quote == b'\'' && reader::is_escape_string_prefix(bytes, i);
                let unicode = i >= 2 && bytes[i - 1] == b'&' && matches!(bytes[i - 2], b'U' | b'u');
                let other_prefix =
                    quote == b'\'' && !escapes && !unicode && i > 0 && reader::is_identifier_byte(bytes[i - 1]);
                let end = reader::quoted_end(bytes, i, quote, escapes);
                let token = &sql[i..end];
                if !token.chars().any(acts) || other_prefix {
                    out.push_str(token);
                } else if escapes {
                    for c in token.chars() {
                        match c as u32 {
                            code if acts(c) && code <= 0xffff => out.push_str(&format!("\\u{code:04X}")),
                            code if acts(c) => out.push_str(&format!("\\U{code:08X}")),
                            _ => out.push(c),
                        }
                    }
                } else {
                    let q = quote as char;
                    let inner = token.strip_prefix(q).unwrap_or(token);
                    let inner = inner.strip_suffix(q).unwrap_or(inner);
                    if !unicode {
                        out.push_str("U&");
                    }
                    out.push(q);
                    push_unicode_body(&mut out, inner, q, false, unicode);
                    out.push(q);
                }
                i = end;
            }
            b'$' => match reader::dollar_quote_end(sql, i) {
                Some(end) => {
                    let token = &sql[i..end];
                    let tag_len = bytes[i + 1..].iter().position(|&b| b == b'$').unwrap_or(0) + 2;
                    if token.chars().any(acts) && token.len() >= 2 * tag_len {
                        out.push_str("U&'");
                        push_unicode_body(&mut out, &token[tag_len..token.len() - tag_len], '\'', true, false);
                        out.push('\'');
                    } else {
                        out.push_str(token);
                    }
                    i = end;
                }
                None => {
                    out.push('$');
                    i += 1;
                }
            },
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                let end = reader::line_end(bytes, i);
                out.push_str(&crate::render::visible::inline(&sql[i..end]));
                i = end;
            }
            _ => {
                let c = sql[i..].chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `schema.name`, each part quoted as needed.
pub fn qualified(name: &QualifiedName) -> String {
    format!("{}.{}", ident(&name.schema), ident(&name.name))
}

/// A string literal: single quotes doubled (standard_conforming_strings, on since PostgreSQL 9.1);
/// `U&'…'` with escapes when it holds characters that would act on a terminal or reorder text.
pub fn literal(text: &str) -> String {
    if text.chars().any(acts) {
        unicode_token(text, '\'')
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

/// `text` with each whole occurrence of `old` (a name, or a qualified name as SQL) written as
/// `new`: an occurrence next to a character `part` says belongs to a longer name is kept.
pub(crate) fn replace_whole(text: &str, old: &str, new: &str, part: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(old) {
        // (Before the occurrence: what this pass already wrote when it follows the last one.)
        let before = rest[..at].chars().next_back().or_else(|| out.chars().next_back());
        let after = rest[at + old.len()..].chars().next();
        out.push_str(&rest[..at]);
        out.push_str(if before.is_some_and(&part) || after.is_some_and(&part) { old } else { new });
        rest = &rest[at + old.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod visible_tests {
    use super::*;

    /// Found by a probe: ESC and BEL from a dump reached the SQL script raw.
    #[test]
    fn generated_sql_shows_what_would_act_as_escapes() {
        let sql = concat!(
            "ALTER TABLE t ALTER COLUMN c SET DEFAULT 'a\u{1b}[2J''b\\c';\n",
            "COMMENT ON TABLE \"x\u{202e}y\" IS E'e\u{7}';\n",
            "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $_$SELECT 'it''s\u{1b}'$_$;\n",
            "-- note \u{1b}\n"
        );
        assert_eq!(
            inert_sql(sql),
            concat!(
                "ALTER TABLE t ALTER COLUMN c SET DEFAULT U&'a\\001B[2J''b\\\\c';\n",
                "COMMENT ON TABLE U&\"x\\202Ey\" IS E'e\\u0007';\n",
                "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS U&'SELECT ''it''''s\\001B''';\n",
                "-- note \\x1b\n"
            )
        );
        assert!(matches!(inert_sql("SELECT 'plain';"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn names_and_strings_that_would_act_on_a_terminal_are_written_with_escapes() {
        assert_eq!(ident("a\u{1b}[2Jb"), "U&\"a\\001B[2Jb\"");
        assert_eq!(ident("x\u{202e}\"y\\"), "U&\"x\\202E\"\"y\\\\\"");
        assert_eq!(literal("it's\u{7}"), "U&'it''s\\0007'");
        assert_eq!(literal("two\nlines"), "'two\nlines'");
        assert_eq!(comment("a\u{1b}b\nc"), "a\\x1bb\\nc");
    }
}

/// One column as it appears in `CREATE TABLE` or `ADD COLUMN`.
pub fn column_definition(column: &Column) -> String {
    let mut out = format!("{} {}", ident(&column.name), column.data_type);
    if let Some(collation) = &column.more.collation {
        let _ = write!(out, " COLLATE {collation}");
    }
    if let Some(identity) = &column.more.identity {
        let _ = write!(out, " GENERATED {identity} AS IDENTITY");
    }
    if let Some(generated) = &column.more.generated {
        let (expression, mode) = generated.rsplit_once(' ').unwrap_or((generated, "STORED"));
        let _ = write!(out, " GENERATED ALWAYS AS ({expression}) {mode}");
    }
    if let Some(default) = &column.default {
        let _ = write!(out, " DEFAULT {default}");
    }
    if column.not_null && column.more.identity.is_none() {
        out.push_str(" NOT NULL");
    }
    out
}

/// `CREATE INDEX` for an index of the catalog.
pub fn create_index(name: &QualifiedName, index: &Index) -> String {
    let mut out = format!(
        "CREATE {}INDEX {} ON {} USING {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        ident(&name.name),
        qualified(&index.table),
        index.method,
        index.keys.join(", ")
    );
    if !index.include.is_empty() {
        let _ = write!(out, " INCLUDE ({})", index.include.join(", "));
    }
    if index.nulls_not_distinct {
        out.push_str(" NULLS NOT DISTINCT");
    }
    if !index.parameters.is_empty() {
        let _ = write!(out, " WITH ({})", index.parameters.join(", "));
    }
    if let Some(tablespace) = &index.tablespace {
        let _ = write!(out, " TABLESPACE {}", ident(tablespace));
    }
    if let Some(predicate) = &index.predicate {
        let _ = write!(out, " WHERE {predicate}");
    }
    out.push(';');
    for statistics in &index.statistics {
        let (column, target) = statistics.split_once('=').unwrap_or((statistics, "-1"));
        let shown = qualified(&QualifiedName::new(&index.table.schema, &name.name));
        let _ = write!(out, "\nALTER INDEX {shown} ALTER COLUMN {column} SET STATISTICS {target};");
    }
    out
}

/// The statements that define a table as the catalog knows it: `CREATE TABLE` with its columns
/// and valid constraints, then constraints added `NOT VALID`, indexes, row-level security, the
/// replica identity, policies, triggers and comments. `None` when the catalog has no such table.
pub fn table_ddl(catalog: &Catalog, name: &QualifiedName) -> Option<String> {
    table_ddl_with(catalog, &ByTable::new(catalog), name)
}

/// [`table_ddl`] for code that writes many tables: `by_table` is built once for the catalog.
pub fn table_ddl_with(catalog: &Catalog, by_table: &ByTable<'_>, name: &QualifiedName) -> Option<String> {
    let table = catalog.tables.get(name)?;
    let mut out = create_table(name, table);
    let shown = qualified(name);
    let mut constraints: Vec<(&String, &crate::catalog::Constraint)> = table.constraints.iter().collect();
    // Keys first, as PostgreSQL needs them before foreign keys that reference them.
    constraints.sort_by_key(|(key, c)| (c.kind == ConstraintKind::ForeignKey, *key));
    for (constraint_name, constraint) in constraints.iter().filter(|(_, c)| c.not_valid) {
        let _ = writeln!(
            out,
            "ALTER TABLE {shown} ADD CONSTRAINT {} {} NOT VALID;",
            ident(constraint_name),
            constraint.definition
        );
    }
    for (index_name, index) in by_table.indexes(name) {
        let _ = writeln!(out, "{}", create_index(index_name, index));
    }
    if table.row_level_security {
        let _ = writeln!(out, "ALTER TABLE {shown} ENABLE ROW LEVEL SECURITY;");
    }
    if table.force_row_level_security {
        let _ = writeln!(out, "ALTER TABLE {shown} FORCE ROW LEVEL SECURITY;");
    }
    if let Some(identity) = &table.more.replica_identity {
        let _ = writeln!(out, "ALTER TABLE {shown} REPLICA IDENTITY {identity};");
    }
    for (key, policy) in by_table.policies(name) {
        let policy_name = crate::catalog::member_name(key, name);
        let mut line = format!(
            "CREATE POLICY {} ON {shown} AS {} FOR {} TO {}",
            ident(policy_name),
            if policy.permissive { "PERMISSIVE" } else { "RESTRICTIVE" },
            policy.command.to_uppercase(),
            if policy.roles.is_empty() { "public".to_string() } else { policy.roles.join(", ") }
        );
        if let Some(using) = &policy.using {
            let _ = write!(line, " USING ({using})");
        }
        if let Some(check) = &policy.with_check {
            let _ = write!(line, " WITH CHECK ({check})");
        }
        let _ = writeln!(out, "{line};");
    }
    for trigger in by_table.triggers(name) {
        let _ = writeln!(out, "{};", trigger.definition.trim_end_matches(';'));
    }
    if let Some(comment) = catalog.comments.get(&format!("table {name}")) {
        let _ = writeln!(out, "COMMENT ON TABLE {shown} IS {};", literal(comment));
    }
    for column in &table.columns {
        if let Some(comment) = catalog.comments.get(&format!("column {name}.{}", column.name)) {
            let _ = writeln!(out, "COMMENT ON COLUMN {shown}.{} IS {};", ident(&column.name), literal(comment));
        }
    }
    Some(out)
}

/// A character of an unquoted name, as [`names_word`] tells words apart (`plan::mentions` indexes
/// words by the same rule).
pub(crate) fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Whether `text` names `word` as a whole word (an identifier, bare or quoted, or the last part of
/// a qualified name), not as part of one.
pub(crate) fn names_word(text: &str, word: &str) -> bool {
    let is_name = is_name_char;
    let quoted = format!("\"{}\"", word.replace('"', "\"\""));
    text.contains(&quoted)
        || text.match_indices(word).any(|(at, _)| {
            !text[..at].chars().next_back().is_some_and(is_name)
                && !text[at + word.len()..].chars().next().is_some_and(is_name)
        })
}

/// The words of a text: its longest runs of name characters. A text for which `names_word(text,
/// w)` holds has `w` among them (for `w` a single word, quoted in the text or not).
pub(crate) fn words(text: &str) -> impl DoubleEndedIterator<Item = &str> {
    text.split(|c: char| !is_name_char(c)).filter(|w| !w.is_empty())
}

/// The last two words of a text (NUL between them), or its one word: a text ending with `x` at a
/// word's start has the same tail as `x` when `x` has two words or more (a text naming `s1.v`,
/// bare or quoted, has the words `s1` and `v` one after the other).
pub(crate) fn tail_key(text: &str) -> Option<String> {
    let mut last = words(text).rev();
    match (last.next(), last.next()) {
        (Some(end), Some(before)) => Some(format!("{before}\0{end}")),
        (Some(end), None) => Some(end.to_string()),
        _ => None,
    }
}

/// Each two words of a text one after the other (`s1.f(` gives `("s1", "f")`).
pub(crate) fn word_pairs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut previous: Option<&str> = None;
    words(text).filter_map(move |word| previous.replace(word).map(|before| (before, word)))
}

/// The keys a text holds for [`tail_key`]: each of its words, and each two words one after the
/// other.
pub(crate) fn held_keys(text: &str) -> impl Iterator<Item = String> + '_ {
    let pairs = word_pairs(text).map(|(before, word)| format!("{before}\0{word}"));
    words(text).map(str::to_string).chain(pairs)
}

/// Names each looked for as a word ([`names_word`]) in many texts: a text is tried only against the
/// names whose tail ([`tail_key`]: `s1.v` for `s1.v`, not only `v`) it holds, not against every
/// name. Many views dropped (in many schemas, under one name), and many functions or policies asked
/// whether they name one, stay linear.
pub(crate) struct Names {
    names: Vec<String>,
    /// For each tail, the names ending in it.
    by_tail: std::collections::HashMap<String, Vec<usize>>,
    /// Names without a name character (tried for every text).
    odd: Vec<usize>,
}

impl Names {
    pub(crate) fn new(names: impl IntoIterator<Item = String>) -> Names {
        let names: Vec<String> = names.into_iter().collect();
        let (mut by_tail, mut odd) = (std::collections::HashMap::<String, Vec<usize>>::new(), Vec::new());
        for (at, name) in names.iter().enumerate() {
            match tail_key(name) {
                Some(tail) => by_tail.entry(tail).or_default().push(at),
                None => odd.push(at),
            }
        }
        Names { names, by_tail, odd }
    }

    /// The names that may be in `text`, each once, in the order given.
    fn candidates(&self, text: &str) -> Vec<usize> {
        let mut found: Vec<usize> = held_keys(text).filter_map(|k| self.by_tail.get(&k)).flatten().copied().collect();
        found.extend(&self.odd);
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The names `text` names as a word, each once, in the order given.
    pub(crate) fn named_in(&self, text: &str) -> Vec<&str> {
        let names = self.candidates(text).into_iter().map(|at| self.names[at].as_str());
        names.filter(|name| names_word(text, name)).collect()
    }

    /// Whether `text` names any of the names as a word.
    pub(crate) fn any_in(&self, text: &str) -> bool {
        self.by_tail.len() + self.odd.len() > 0 && !self.named_in(text).is_empty()
    }
}

/// Where ` CONCURRENTLY` is a keyword of the statement (`CREATE [UNIQUE] INDEX`, `DROP INDEX`,
/// `REINDEX`, `ALTER TABLE … DETACH PARTITION`, `REFRESH MATERIALIZED VIEW`): its byte offset.
pub fn concurrently_at(sql: &str) -> Option<usize> {
    let upper = sql.to_ascii_uppercase();
    let at = upper.find(" CONCURRENTLY")?;
    let head = upper[..at].trim_start();
    ["CREATE INDEX", "CREATE UNIQUE INDEX", "DROP INDEX", "REINDEX", "ALTER TABLE", "REFRESH MATERIALIZED VIEW"]
        .iter()
        .any(|start| head.starts_with(start))
        .then_some(at)
}

/// `CREATE TABLE` alone: columns, valid constraints, partitioning, storage options and tablespace.
pub fn create_table(name: &QualifiedName, table: &Table) -> String {
    let unlogged = if table.unlogged { "UNLOGGED " } else { "" };
    let mut out = String::new();
    if let Some((parent, bound)) = &table.more.partition_of {
        let _ = write!(out, "CREATE {unlogged}TABLE {} PARTITION OF {} {bound}", qualified(name), qualified(parent));
    } else {
        let mut lines: Vec<String> = table.columns.iter().map(column_definition).collect();
        let mut constraints: Vec<(&String, &crate::catalog::Constraint)> =
            table.constraints.iter().filter(|(_, c)| !c.not_valid).collect();
        constraints.sort_by_key(|(key, c)| (c.kind == ConstraintKind::ForeignKey, *key));
        lines.extend(constraints.iter().map(|(key, c)| format!("CONSTRAINT {} {}", ident(key), c.definition)));
        let _ = write!(out, "CREATE {unlogged}TABLE {} (", qualified(name));
        if lines.is_empty() {
            out.push(')');
        } else {
            let _ = write!(out, "\n    {}\n)", lines.join(",\n    "));
        }
        if !table.more.inherits.is_empty() {
            let parents: Vec<String> = table.more.inherits.iter().map(qualified).collect();
            let _ = write!(out, " INHERITS ({})", parents.join(", "));
        }
    }
    if let Some(partition_by) = &table.more.partition_by {
        let _ = write!(out, " PARTITION BY {partition_by}");
    }
    if !table.more.options.is_empty() {
        let _ = write!(out, " WITH ({})", table.more.options.join(", "));
    }
    if let Some(tablespace) = &table.more.tablespace {
        let _ = write!(out, " TABLESPACE {}", ident(tablespace));
    }
    out.push_str(";\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_catalog, read};

    #[test]
    fn names_are_found_by_their_last_two_words_and_only_as_words() {
        assert_eq!(word_pairs("s1.f(x)").collect::<Vec<_>>(), [("s1", "f"), ("f", "x")]);
        assert_eq!(tail_key("public.v").as_deref(), Some("public\0v"));
        let names = Names::new((0..100).map(|i| format!("s{i}.v")).chain([String::from("public.\"my view\"")]));
        // Every schema has a view `v`: only the one named is found, bare or quoted.
        assert_eq!(names.named_in("SELECT * FROM s7.v, s70.vv"), ["s7.v"]);
        assert_eq!(names.named_in("SELECT * FROM \"s42.v\""), ["s42.v"]);
        assert_eq!(names.named_in("FROM public.\"my view\" x"), ["public.\"my view\""]);
        assert!(!names.any_in("SELECT * FROM s7.v1 JOIN xs7.v2 ON true"));
        assert!(names.any_in("(s99.v)"));
    }

    #[test]
    fn names_are_quoted_exactly_when_postgresql_would() {
        assert_eq!(ident("users"), "users");
        assert_eq!(ident("User"), "\"User\"");
        assert_eq!(ident("order"), "\"order\"");
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(ident("café"), "\"café\"");
        assert_eq!(literal("it's"), "'it''s'");
    }

    #[test]
    fn a_table_written_back_reads_as_the_same_table() {
        let sql = "CREATE TABLE public.\"Order\" (
                id bigint GENERATED ALWAYS AS IDENTITY,
                \"user\" text COLLATE \"C\" DEFAULT 'x' NOT NULL,
                total numeric(10,2) CHECK (total >= 0),
                doubled numeric GENERATED ALWAYS AS (total * 2) STORED,
                CONSTRAINT order_pkey PRIMARY KEY (id)
            ) WITH (fillfactor = 70);
            CREATE UNIQUE INDEX order_user ON public.\"Order\" USING btree (lower(\"user\")) WHERE (total > 0);
            ALTER TABLE public.\"Order\" ENABLE ROW LEVEL SECURITY;
            COMMENT ON COLUMN public.\"Order\".\"user\" IS 'who''s ordering';";
        let catalog = build_catalog(&read(sql));
        let name = QualifiedName::new("public", "Order");
        let ddl = table_ddl(&catalog, &name).unwrap();
        let again = build_catalog(&read(&ddl));
        assert_eq!(again.tables, catalog.tables, "{ddl}");
        assert_eq!(again.indexes, catalog.indexes, "{ddl}");
        assert_eq!(again.comments, catalog.comments, "{ddl}");
    }
}
