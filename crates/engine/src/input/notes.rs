//! What a user should know about a file once it is read: it is cut short, or it is a migration
//! rather than a dump. Notes never stop the analysis; they say what the result means.

use crate::reader::{open_at_end, Dump, PieceKind};

/// Notes on a read dump, most important first.
pub fn reading_notes(source: &str, dump: &Dump<'_>) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(cut) = dump.pieces.iter().find(|p| p.kind == PieceKind::Unterminated) {
        let open = open_at_end(cut.text, cut.line, cut.backslash_quotes)
            .map_or_else(String::new, |what| format!(", inside {what}"));
        notes.push(format!(
            "the file ends in the middle of the statement that starts on line {} (`{}`{open}): it looks cut short. Everything before line {} was read; that statement was not. Check the file was copied whole, or dump the schema again",
            cut.line,
            head(cut.text),
            cut.line
        ));
    }
    if dump.header.written_by_pg_dump && !dump.header.complete && notes.is_empty() {
        notes.push(
            "pg_dump wrote this file, but its last line, `-- PostgreSQL database dump complete`, is missing: it looks cut short between two statements. Objects after the cut would look removed, so the migration leaves removals out until you confirm them. Check the file was copied whole, or dump the schema again".to_string(),
        );
    }
    for loss in &dump.losses {
        let lines = format!("{} line{}", loss.lines, if loss.lines == 1 { "" } else { "s" });
        notes.push(if loss.what == "COPY data" {
            format!(
                "the COPY data that starts on line {} has no `\\.` line to end it: psql reads the {lines} from there to the end of the file as rows, not as SQL, and they were not read as schema. Check the file was copied whole",
                loss.line
            )
        } else {
            format!(
                "a /* comment opened on line {} is never closed: psql runs none of the {lines} from there to the end of the file. Objects that statements inside it name are not compared (never dropped); close the comment, or dump the schema again",
                loss.line
            )
        });
    }
    // psql reads its input a line at a time up to each `\n`: in a file whose lines end with a lone
    // `\r`, a meta-command takes the rest of the file as its arguments.
    if !source.contains('\n') && source.contains('\r') {
        if let Some(meta) = dump.pieces.iter().find(|p| p.kind == PieceKind::MetaCommand) {
            notes.push(format!(
                "this file ends its lines with a lone carriage return: schemadrift reads each line, but psql reads the whole file as one line, so its `{}` on line {} takes the rest of the file and psql runs none of it. Convert the line endings (`tr '\\r' '\\n' < FILE`) before running it with psql",
                head(meta.text).split_whitespace().next().unwrap_or("\\"),
                meta.line
            ));
        }
    }
    if dump.statements().next().is_none() {
        notes.push("no SQL statements were found in this file: load the output of `pg_dump --schema-only`".to_string());
    }
    if let Some(note) = migration_note(source, dump) {
        notes.push(note);
    }
    notes
}

/// A file without pg_dump's header that changes or drops objects is a migration: it is read as a
/// schema of its own, which is worth saying.
fn migration_note(source: &str, dump: &Dump<'_>) -> Option<String> {
    let written_by_pg_dump = dump.header.pg_dump_version.is_some()
        || source.lines().take(10).any(|l| l.starts_with("-- PostgreSQL database dump"));
    if written_by_pg_dump {
        return None;
    }
    let changes: Vec<usize> = dump.statements().filter(|p| changes_existing(p.text)).map(|p| p.line).collect();
    let first = *changes.first()?;
    Some(format!(
        "this looks like a migration, not a schema dump: {} statement{} change or drop objects (the first on line {first}). It is compared as a schema of its own: only what it creates is on this side. To compare a database, load `pg_dump --schema-only` output",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    ))
}

/// Whether a statement changes what an earlier one made, as migrations do and pg_dump never does
/// (pg_dump's `ALTER TABLE` only adds constraints, defaults, owners and the like to what it created).
fn changes_existing(statement: &str) -> bool {
    let words: Vec<String> =
        statement.split_whitespace().take(8).map(|w| w.trim_end_matches(';').to_ascii_uppercase()).collect();
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    match word(0) {
        "DROP" | "INSERT" | "UPDATE" | "DELETE" | "TRUNCATE" => true,
        "ALTER" if word(1) == "TABLE" => {
            let rest: Vec<&str> = words.iter().skip(2).map(String::as_str).collect();
            rest.windows(2).any(|w| {
                matches!(
                    w,
                    ["ADD", "COLUMN"]
                        | ["DROP", "COLUMN"]
                        | ["DROP", "CONSTRAINT"]
                        | ["RENAME", _]
                        | ["ALTER", "COLUMN"]
                )
            })
        }
        _ => false,
    }
}

/// The start of a statement, on one line, for a message.
fn head(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    match line.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read;

    fn notes(source: &str) -> Vec<String> {
        reading_notes(source, &read(source))
    }

    #[test]
    fn a_dump_cut_in_a_function_body_says_where() {
        let source = "-- Dumped by pg_dump version 15.2\nCREATE TABLE t (id integer);\n\nCREATE FUNCTION f() RETURNS integer\n    LANGUAGE plpgsql\n    AS $$\nBEGIN\n  RETURN 1;";
        let notes = notes(source);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("starts on line 4 (`CREATE FUNCTION f() RETURNS integer`"), "{}", notes[0]);
        assert!(notes[0].contains("inside a dollar-quoted body ($$ opened on line 6"), "{}", notes[0]);
    }

    #[test]
    fn a_pg_dump_file_without_its_closing_line_is_cut_short() {
        let source =
            "--\n-- PostgreSQL database dump\n--\nCREATE TABLE t (id integer);\nCREATE TABLE u (id integer);\n";
        let notes = notes(source);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("`-- PostgreSQL database dump complete`, is missing"), "{}", notes[0]);
        assert!(notes[0].contains("leaves removals out until you confirm them"), "{}", notes[0]);
        // A file pg_dump did not write (a hand-written schema) has no closing line to miss.
        assert!(self::notes("CREATE TABLE t (id integer);\n").is_empty());
    }

    #[test]
    fn a_whole_dump_has_no_notes() {
        assert!(notes(
            "-- PostgreSQL database dump\nCREATE TABLE t (id integer);\nALTER TABLE t DROP COLUMN id;\n--\n-- PostgreSQL database dump complete\n--\n"
        )
        .is_empty());
        assert!(
            notes("CREATE TABLE t (id integer);\nALTER TABLE ONLY t ADD CONSTRAINT p PRIMARY KEY (id);\n").is_empty()
        );
    }

    #[test]
    fn a_migration_is_named() {
        let notes = notes("CREATE TABLE t (id integer);\nALTER TABLE t ADD COLUMN name text;\nDROP INDEX old;\n");
        assert_eq!(notes.len(), 1);
        assert!(notes[0].starts_with("this looks like a migration"), "{}", notes[0]);
        assert!(notes[0].contains("2 statements change or drop objects (the first on line 2)"), "{}", notes[0]);
    }

    #[test]
    fn a_cr_only_file_with_a_meta_command_says_psql_reads_it_as_one_line() {
        let notes = notes("\\restrict KEY\rCREATE TABLE t (id integer);\r\\unrestrict KEY\r");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("its `\\restrict` on line 1 takes the rest of the file"), "{}", notes[0]);
        assert!(self::notes("CREATE TABLE t (id integer);\rCREATE TABLE u (id integer);\r").is_empty());
    }

    #[test]
    fn comments_only_have_no_statements() {
        assert!(notes("-- nothing here\n")[0].starts_with("no SQL statements"));
    }
}
