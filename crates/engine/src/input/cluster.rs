//! `pg_dumpall` files: several databases in one file, each after a `\connect NAME` line. The user
//! picks one; the rest of the file is blanked out (its lines kept, so every line number still points
//! into the file the user has).

use crate::reader::{Dump, PieceKind};
use serde::{Deserialize, Serialize};

/// One database of a `pg_dumpall` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Database {
    pub name: String,
    /// The line of its first `\connect`.
    pub line: usize,
    /// SQL statements in its part of the file.
    pub statements: usize,
}

/// The databases of a `pg_dumpall` file, in file order; empty unless the file connects to two or
/// more different databases (a `pg_dump --create` file connects to one).
pub fn databases(dump: &Dump<'_>) -> Vec<Database> {
    let mut found: Vec<Database> = Vec::new();
    let mut current: Option<usize> = None;
    for piece in &dump.pieces {
        match piece.kind {
            PieceKind::MetaCommand => {
                if let Some(name) = connect_target(piece.text) {
                    current = Some(match found.iter().position(|d| d.name == name) {
                        Some(at) => at,
                        None => {
                            found.push(Database { name, line: piece.line, statements: 0 });
                            found.len() - 1
                        }
                    });
                }
            }
            PieceKind::Statement | PieceKind::Unterminated => {
                if let Some(at) = current {
                    found[at].statements += 1;
                }
            }
            PieceKind::CopyData { .. } | PieceKind::Lost { .. } => {}
        }
    }
    if found.len() < 2 {
        found.clear();
    }
    found
}

/// The file with only the cluster-wide part (roles, tablespaces: what comes before the first
/// `\connect`) and the parts of database `name` left; everything else is replaced by its line
/// breaks. `None` if the file has no such database.
pub fn select_database(source: &str, dump: &Dump<'_>, name: &str) -> Option<String> {
    let mut keep = true; // the cluster-wide part
    let mut kept_until = 0; // bytes before this are decided
    let mut out = String::with_capacity(source.len());
    let mut seen = false;
    for piece in &dump.pieces {
        if piece.kind != PieceKind::MetaCommand {
            continue;
        }
        let Some(target) = connect_target(piece.text) else { continue };
        let at = piece.text.as_ptr() as usize - source.as_ptr() as usize;
        push_part(&mut out, &source[kept_until..at], keep);
        kept_until = at;
        keep = target == name;
        seen |= keep;
    }
    push_part(&mut out, &source[kept_until..], keep);
    seen.then_some(out)
}

fn push_part(out: &mut String, part: &str, keep: bool) {
    if keep {
        out.push_str(part);
    } else {
        out.extend(part.chars().filter(|&c| c == '\n'));
    }
}

/// A file that creates objects and then connects to a database (`\connect NAME` after them): psql
/// puts what follows into that other database. Returns the line and name of that `\connect` and the
/// text with everything from it on blanked out (its lines kept), so the objects of the database the
/// file starts in are read and the other database's are not merged into them.
pub fn connect_after_objects(source: &str, dump: &Dump<'_>) -> Option<(usize, String, String)> {
    let mut objects_before = false;
    for piece in &dump.pieces {
        match piece.kind {
            PieceKind::MetaCommand => {
                let Some(name) = connect_target(piece.text) else { continue };
                if !objects_before {
                    return None; // `pg_dump --create`: the file connects first, then creates
                }
                let at = piece.text.as_ptr() as usize - source.as_ptr() as usize;
                let mut kept = source[..at].to_string();
                push_part(&mut kept, &source[at..], false);
                return Some((piece.line, name, kept));
            }
            PieceKind::Statement | PieceKind::Unterminated => objects_before |= creates_objects(piece.text),
            PieceKind::CopyData { .. } | PieceKind::Lost { .. } => {}
        }
    }
    None
}

/// Whether a statement makes or changes something inside a database (not a setting, the database
/// itself, a role or a tablespace).
fn creates_objects(statement: &str) -> bool {
    let words: Vec<String> = statement.split_whitespace().take(3).map(str::to_ascii_uppercase).collect();
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    let cluster = |w: &str| matches!(w, "DATABASE" | "ROLE" | "USER" | "GROUP" | "TABLESPACE");
    match word(0) {
        "CREATE" | "ALTER" | "DROP" => !cluster(word(1)) || word(2) == "MAPPING",
        "COMMENT" => !cluster(word(2)),
        "COPY" | "INSERT" => true,
        _ => false,
    }
}

/// The database a `\connect` (or `\c`) meta-command switches to: `\connect app`,
/// `\connect "My DB"`, or pg_dump's `\connect -reuse-previous=on "dbname='my db'"`.
fn connect_target(command: &str) -> Option<String> {
    let rest = command.strip_prefix("\\connect").or_else(|| command.strip_prefix("\\c"))?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let mut args = psql_words(rest.trim());
    let mut first = args.next()?;
    if first.starts_with("-reuse-previous") {
        first = args.next()?;
    }
    Some(match first.strip_prefix("dbname=") {
        Some(value) => conninfo_value(value),
        None => first,
    })
}

/// psql's words: separated by spaces, `"…"` quoted with `""` for a quote, `'…'` quoted.
fn psql_words(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut chars = text.chars().peekable();
    std::iter::from_fn(move || {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        chars.peek()?;
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            if c == '"' || c == '\'' {
                while let Some(inner) = chars.next() {
                    if inner == c {
                        if chars.peek() == Some(&c) {
                            chars.next();
                            word.push(c);
                        } else {
                            break;
                        }
                    } else {
                        word.push(inner);
                    }
                }
            } else {
                word.push(c);
            }
        }
        Some(word)
    })
}

/// A libpq connection-string value: `'my db'` (with `\'` and `\\` escapes) or a bare word.
fn conninfo_value(value: &str) -> String {
    let Some(quoted) = value.strip_prefix('\'') else { return value.to_string() };
    let mut out = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '\'' => break,
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read;

    const CLUSTER: &str = "\
CREATE ROLE app_user;
\\connect template1
SET x = 1;
CREATE DATABASE app;
\\connect app
CREATE TABLE users (id integer);
CREATE TABLE teams (id integer);
\\connect -reuse-previous=on \"dbname='my \\'db'\"
CREATE TABLE t (id integer);
";

    #[test]
    fn lists_each_database_with_its_statements() {
        let dump = read(CLUSTER);
        let names: Vec<(String, usize, usize)> =
            databases(&dump).into_iter().map(|d| (d.name, d.line, d.statements)).collect();
        assert_eq!(
            names,
            [("template1".into(), 2, 2), ("app".into(), 5, 2), ("my 'db".into(), 8, 1)],
            "the quoted name is psql's word, then the conninfo value"
        );
    }

    #[test]
    fn one_database_is_not_a_cluster() {
        let dump = read("CREATE DATABASE app;\n\\connect app\nCREATE TABLE t (id integer);\n");
        assert!(databases(&dump).is_empty());
    }

    #[test]
    fn selecting_keeps_the_cluster_part_and_the_database_with_their_lines() {
        let dump = read(CLUSTER);
        let app = select_database(CLUSTER, &dump, "app").unwrap();
        assert_eq!(app.lines().count(), CLUSTER.lines().count());
        assert!(app.contains("CREATE ROLE app_user;") && app.contains("CREATE TABLE users"));
        assert!(!app.contains("SET x") && !app.contains("CREATE TABLE t ("));
        let users_line = app.lines().position(|l| l.starts_with("CREATE TABLE users")).unwrap();
        assert_eq!(users_line, 5, "line 6 as in the file");
        assert_eq!(select_database(CLUSTER, &dump, "nope"), None);
    }

    /// Found by a probe: a `\connect` in mid-file merged the other database's tables in.
    #[test]
    fn a_connect_after_objects_leaves_the_other_database_out() {
        let source = "CREATE TABLE a (id integer);\n\\connect other\nCREATE TABLE b (id integer);\n";
        let (line, name, kept) = connect_after_objects(source, &read(source)).unwrap();
        assert_eq!((line, name.as_str()), (2, "other"));
        assert_eq!(kept, "CREATE TABLE a (id integer);\n\n\n");
        let create = "CREATE DATABASE app;\nALTER DATABASE app OWNER TO x;\n\\connect app\nCREATE TABLE t (id int);\n";
        assert_eq!(connect_after_objects(create, &read(create)), None);
    }

    #[test]
    fn connect_targets() {
        assert_eq!(connect_target("\\connect app").as_deref(), Some("app"));
        assert_eq!(connect_target("\\c \"My DB\"").as_deref(), Some("My DB"));
        assert_eq!(connect_target("\\connect -reuse-previous=on \"dbname='a\\'b'\"").as_deref(), Some("a'b"));
        assert_eq!(connect_target("\\copy t from x"), None);
        assert_eq!(connect_target("\\connect"), None);
    }
}
