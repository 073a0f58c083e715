//! Migration scripts that need a secret ask for it instead of carrying a placeholder.
//!
//! Redacting a script like a report would make it *apply* `'[REDACTED]'` (set that password, write
//! it into a comment or a function). So a statement holding a secret's value takes it from a psql
//! variable the user gives on the command line (`psql -v secret_1='…'`), named in the script's
//! header: a whole string literal becomes `:'secret_1'`; a secret inside a longer text (a
//! connection string, a function body) makes the statement a `SELECT … \gexec` that builds it
//! from pieces and the variable. A script run without the variables stops before its first
//! statement. A value psql cannot carry that way (one with a quote or a backslash) leaves its
//! statement out, as a manual step the header names.

use super::{Secret, REDACTED};
use crate::reader::{read, PieceKind};
use std::fmt::Write;

/// `script` with every statement that holds a secret's value rewritten to take it from a psql
/// variable (or left out, see the module doc), the header saying how to run it, and every other
/// occurrence (comments) redacted. Without secrets in its statements, [`super::redact`] of it.
pub fn withhold(script: &str, secrets: &[Secret]) -> String {
    withhold_in(script, secrets, true)
}

/// One statement (or a step's few) of a script as [`withhold`] writes it, without the header: the
/// variables keep the numbers the whole script gives them.
pub fn withhold_statement(sql: &str, secrets: &[Secret]) -> String {
    withhold_in(sql, secrets, false)
}

fn withhold_in(script: &str, secrets: &[Secret], with_header: bool) -> String {
    let mut variables: Vec<Variable> = Vec::new();
    for secret in secrets {
        let value = secret.value.as_str();
        if value.len() < 4 || value.eq_ignore_ascii_case(REDACTED) || variables.iter().any(|v| v.value == value) {
            continue;
        }
        let name = format!("secret_{}", variables.len() + 1);
        let about = format!("{}, line {} of its dump", secret.kind, secret.line);
        let context = secret.context.clone();
        variables.push(Variable { name, value, about, context, used: false });
    }
    let dump = read(script);
    let mut out = String::with_capacity(script.len());
    let mut copied = 0;
    let mut left_out: Vec<String> = Vec::new();
    for piece in dump.pieces.iter().filter(|p| matches!(p.kind, PieceKind::Statement | PieceKind::Unterminated)) {
        if !variables.iter().any(|v| holds(piece.text, v.value)) {
            continue;
        }
        let start = piece.text.as_ptr() as usize - script.as_ptr() as usize;
        out.push_str(&script[copied..start]);
        match parameterized(piece.text, &mut variables) {
            Some(statement) => out.push_str(&statement),
            None => {
                let first = piece.text.lines().next().unwrap_or_default();
                left_out.push(format!("line {}: {}", piece.line, super::redact(first, secrets)));
                out.push_str("-- LEFT OUT (it holds a secret psql cannot pass in a variable; run it by hand):");
                for line in piece.text.lines() {
                    let _ = write!(out, "\n-- {}", super::redact(line, secrets));
                }
            }
        }
        copied = start + piece.text.len();
    }
    out.push_str(&script[copied..]);
    let header = if with_header { header(&variables, &left_out) } else { String::new() };
    let out = if header.is_empty() { out } else { insert_header(&out, &header) };
    super::redact(&out, secrets)
}

struct Variable<'s> {
    name: String,
    value: &'s str,
    about: String,
    context: String,
    used: bool,
}

/// Whether `statement` holds `value` as written in SQL: as it is, or with its quotes doubled.
fn holds(statement: &str, value: &str) -> bool {
    statement.contains(value) || (value.contains('\'') && statement.contains(&value.replace('\'', "''")))
}

/// The statement taking its secrets from variables, or `None` when one cannot be passed that way.
fn parameterized(statement: &str, variables: &mut [Variable<'_>]) -> Option<String> {
    // Whole literals first: `'value'` becomes `:'secret_n'`.
    let mut text = String::with_capacity(statement.len());
    let mut copied = 0;
    for (start, end, content) in plain_strings(statement) {
        if let Some(variable) = variables.iter_mut().find(|v| v.value == content) {
            text.push_str(&statement[copied..start]);
            let _ = write!(text, ":'{}'", variable.name);
            variable.used = true;
            copied = end;
        }
    }
    text.push_str(&statement[copied..]);
    let inside: Vec<usize> = (0..variables.len()).filter(|&i| holds(&text, variables[i].value)).collect();
    if inside.is_empty() {
        return Some(text);
    }
    // A secret inside a longer text: build the statement as a string and run it with \gexec.
    if inside.iter().any(|&i| variables[i].value.contains(['\'', '\\'])) {
        return None;
    }
    let body = statement.trim_end().strip_suffix(';').unwrap_or(statement.trim_end());
    let mut parts: Vec<String> = Vec::new();
    let mut rest = body;
    loop {
        let next = variables
            .iter()
            .enumerate()
            .filter_map(|(i, v)| rest.find(v.value).map(|at| (at, std::cmp::Reverse(v.value.len()), i)))
            .min();
        let Some((at, _, i)) = next else { break };
        parts.push(quote(&rest[..at]));
        parts.push(format!(":'{}'", variables[i].name));
        variables[i].used = true;
        rest = &rest[at + variables[i].value.len()..];
    }
    parts.push(quote(rest));
    parts.retain(|p| p != "''");
    Some(format!("SELECT {} \\gexec", parts.join(" || ")))
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Every plain `'…'` string literal of a statement (not `E'…'`, `U&'…'`, `B'…'` or `X'…'`, not
/// inside a quoted identifier, a dollar-quoted body or a comment): its byte range and its text.
fn plain_strings(statement: &str) -> Vec<(usize, usize, String)> {
    let bytes = statement.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => {
                let prefixed = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || matches!(bytes[i - 1], b'&' | b'_'));
                let escapes = prefixed && matches!(bytes[i - 1], b'e' | b'E');
                let start = i;
                i += 1;
                let mut content = String::new();
                let mut piece = i;
                while i < bytes.len() {
                    if escapes && bytes[i] == b'\\' {
                        i += 2;
                    } else if bytes[i] == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            content.push_str(&statement[piece..=i]);
                            i += 2;
                            piece = i;
                        } else {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                let end = (i + 1).min(bytes.len());
                content.push_str(statement.get(piece..i.min(bytes.len())).unwrap_or_default());
                if !prefixed {
                    out.push((start, end, content));
                }
                i = end;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += 1;
                }
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while i < bytes.len() {
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'$' if i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') => {
                let tag_end =
                    bytes[i + 1..].iter().position(|&b| !(b.is_ascii_alphanumeric() || b == b'_')).map(|p| i + 1 + p);
                match tag_end {
                    Some(t) if bytes[t] == b'$' && !bytes[i + 1..t].first().is_some_and(u8::is_ascii_digit) => {
                        let tag = &statement[i..=t];
                        i = statement[t + 1..].find(tag).map_or(bytes.len(), |at| t + 1 + at + tag.len());
                    }
                    _ => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// What the header says: the variables to give and the statements left out. Empty when none.
fn header(variables: &[Variable<'_>], left_out: &[String]) -> String {
    let used: Vec<&Variable<'_>> = variables.iter().filter(|v| v.used).collect();
    let mut out = String::new();
    if !used.is_empty() {
        let _ = writeln!(
            out,
            "-- SECRETS: this script needs {} value{} that schemadrift keeps out of what it writes. Give them",
            used.len(),
            if used.len() == 1 { "" } else { "s" }
        );
        let flags: Vec<String> = used.iter().map(|v| format!("-v {}='…'", v.name)).collect();
        let _ = writeln!(out, "-- to psql: psql -v ON_ERROR_STOP=1 {} -f <this file>", flags.join(" "));
        for variable in &used {
            let context = crate::sql::comment(&variable.context);
            let context = if context.is_empty() { String::new() } else { format!(" ({context} …)") };
            let _ = writeln!(out, "--   {}: the {}{}", variable.name, variable.about, context);
        }
        for variable in &used {
            let _ = writeln!(out, "\\if :{{?{}}}", variable.name);
            let _ = writeln!(out, "\\else");
            let _ = writeln!(
                out,
                "DO $$ BEGIN RAISE EXCEPTION 'this script needs the psql variable {}: see its header'; END $$;",
                variable.name
            );
            let _ = writeln!(out, "\\quit");
            let _ = writeln!(out, "\\endif");
        }
    }
    if !left_out.is_empty() {
        let _ = writeln!(out, "-- LEFT OUT: statements holding a secret with a quote or a backslash, to run by hand:");
        for statement in left_out {
            let _ = writeln!(out, "--   {}", crate::sql::comment(statement));
        }
    }
    out
}

/// `script` with `header` after its opening comment lines.
fn insert_header(script: &str, header: &str) -> String {
    let mut at = 0;
    for line in script.split_inclusive('\n') {
        if !line.starts_with("--") {
            break;
        }
        at += line.len();
    }
    format!("{}{}{}", &script[..at], header, &script[at..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::find_secrets;

    fn secrets_of(dump: &str) -> Vec<Secret> {
        let found = find_secrets(dump);
        assert!(!found.is_empty(), "no secret in {dump}");
        found
    }

    #[test]
    fn a_whole_literal_becomes_a_psql_variable_named_in_the_header() {
        let dump = "CREATE USER MAPPING FOR app SERVER files OPTIONS (\"user\" 'app', password 'Sup3rSecret!');";
        let script = format!("-- Migration a → b\n-- Generated.\n\nBEGIN;\n{dump}\nCOMMIT;\n");
        let out = withhold(&script, &secrets_of(dump));
        assert!(!out.contains("Sup3rSecret") && !out.contains(REDACTED), "{out}");
        assert!(out.contains("OPTIONS (\"user\" 'app', password :'secret_1');"), "{out}");
        assert!(out.starts_with("-- Migration a → b\n-- Generated.\n-- SECRETS: this script needs 1 value"), "{out}");
        assert!(out.contains("psql -v ON_ERROR_STOP=1 -v secret_1='…' -f <this file>"), "{out}");
        assert!(out.contains("--   secret_1: the password option, line 1 of its dump (CREATE USER MAPPING"), "{out}");
        assert!(out.contains("\\if :{?secret_1}\n\\else\nDO $$ BEGIN RAISE EXCEPTION"), "{out}");
    }

    #[test]
    fn a_secret_inside_a_text_builds_the_statement_with_gexec() {
        let dump = "COMMENT ON TABLE public.t IS 'key AKIAIOSFODNN7EXAMPLE, it''s old';";
        let out = withhold(&format!("-- M\n{dump}\n"), &secrets_of(dump));
        assert!(
            out.contains("SELECT 'COMMENT ON TABLE public.t IS ''key ' || :'secret_1' || ', it''''s old''' \\gexec"),
            "{out}"
        );
        let body =
            "CREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $$ SELECT 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' $$;";
        let out = withhold(&format!("-- M\n{body}\n"), &secrets_of(body));
        assert!(out.contains("SELECT 'CREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $$ SELECT ''' || :'secret_1' || ''' $$' \\gexec"), "{out}");
    }

    #[test]
    fn a_secret_psql_cannot_carry_leaves_its_statement_out_and_says_so() {
        let dump = "CREATE SERVER s FOREIGN DATA WRAPPER w OPTIONS (dsn 'host=db password=ab\\cd9');";
        let out = withhold(&format!("-- M\n{dump}\nSELECT 1;\n"), &secrets_of(dump));
        assert!(!out.contains("ab\\cd9"), "{out}");
        assert!(out.contains("-- LEFT OUT: statements holding a secret"), "{out}");
        assert!(
            out.contains(
                "-- LEFT OUT (it holds a secret psql cannot pass in a variable; run it by hand):\n-- CREATE SERVER"
            ),
            "{out}"
        );
        assert!(out.ends_with("SELECT 1;\n"), "{out}");
    }

    #[test]
    fn a_script_without_secrets_in_statements_is_only_redacted() {
        let dump = "COMMENT ON TABLE t IS 'AKIAIOSFODNN7EXAMPLE';";
        let script = "-- risk: AKIAIOSFODNN7EXAMPLE\nSELECT 1;\n";
        assert_eq!(withhold(script, &secrets_of(dump)), "-- risk: [REDACTED]\nSELECT 1;\n");
    }

    #[test]
    fn literals_are_found_as_postgresql_lexes_them() {
        let found = plain_strings("SELECT E'a\\'b', 'c''d', \"'x'\", $f$ 'no' $f$, /* 'no' */ 'e' -- 'no'\n");
        let texts: Vec<&str> = found.iter().map(|(_, _, t)| t.as_str()).collect();
        assert_eq!(texts, ["c'd", "e"]);
    }
}
