//! Never destroy what was not understood, never run what was hidden (issue 19): awkward but legal
//! input, each case a finding of a probe. For each, a database with rows is built from `from`, the
//! migration to the awkward `to` is applied with `psql -v ON_ERROR_STOP=1`, and then:
//! * every table of `from` still holds its rows, and no table outside the real change is gone;
//! * no statement hidden in a string or a comment ran (`pwn()` does not exist, PUBLIC has no grant);
//! * where psql itself can load `to`, the migrated database dumps to the same schema as `to`
//!   loaded by psql (as PostgreSQL reads the file, not as schemadrift does).
//!
//! Without a PostgreSQL server the test fails, unless `SCHEMADRIFT_POSTGRES=skip` is set.

mod common;

use schemadrift_engine::pipeline::{read_side, Comparison};
use schemadrift_engine::{build_catalog, diff, read, DiffOptions};
use std::path::Path;

/// The database every case starts from: the deep-nesting fixture's `before` (a 60-column table
/// with a CHECK nested 59 deep, two deep views), dumped by a real pg_dump.
fn base() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations/deep_nesting/before.sql");
    std::fs::read_to_string(path).unwrap()
}

/// What a case checks once the migration has run.
#[derive(Clone, Copy, PartialEq)]
enum Load {
    /// psql loads `to` (with `ON_ERROR_STOP=1`): the result must dump as `to` does.
    Strict,
    /// psql loads `to` but reports errors, keeping what it can (a second definition is refused).
    Tolerant,
    /// psql cannot load `to` as it is (an encoding psql does not read, a database that does not
    /// exist); only the rows and the absence of hidden statements are checked.
    No,
}

struct Case {
    name: &'static str,
    to: Vec<u8>,
    load: Load,
    /// Text the script must not contain (a hidden statement, a drop of what was not understood).
    never: &'static [&'static str],
    /// A warning that must be given about `to`.
    warning: Option<&'static str>,
}

fn cases() -> Vec<Case> {
    let base = base();
    let with_note = base.replace(
        "    c59 integer DEFAULT 0 NOT NULL,",
        "    c59 integer DEFAULT 0 NOT NULL,\n    note text DEFAULT 'plain',",
    );
    assert_ne!(with_note, base, "the base dump has the c59 column the cases change");
    let hidden = "x\\'; GRANT ALL ON TABLE public.accounts TO PUBLIC; CREATE FUNCTION public.pwn() RETURNS integer LANGUAGE sql AS $f$SELECT 1$f$; DROP TABLE public.accounts; --";
    let scs_off = format!(
        "{base}\nSET standard_conforming_strings = off;\nCREATE TABLE public.notes (id integer, body text DEFAULT '{hidden}');\nSET standard_conforming_strings = on;\n"
    );
    let unknown_syntax = base.replace(
        "    c59 integer DEFAULT 0 NOT NULL,",
        "    c59 integer DEFAULT 0 NOT NULL,\n    note text COMPRESSION lz4,",
    );
    let too_deep = {
        let mut expression = "c0".to_string();
        for _ in 0..2_100 {
            expression = format!("({expression} + 1)");
        }
        base.replace(
            "    c59 integer DEFAULT 0 NOT NULL,",
            &format!("    c59 integer DEFAULT 0 NOT NULL CHECK ({expression} > -1),"),
        )
    };
    let unclosed_comment = {
        let at = base.find("CREATE VIEW public.account_scores").unwrap();
        format!("{}/* a note left open\n{}", &base[..at], &base[at..])
    };
    let duplicate = format!("{with_note}\nCREATE TABLE public.accounts (id integer, other text);\n");
    let long = "t".repeat(63);
    let collision = format!(
        "{base}\nCREATE TABLE public.{long}_first (id integer);\nCREATE TABLE public.{long}_second (id integer, other text);\n"
    );
    let connect = format!("{with_note}\n\\connect other_database\nCREATE TABLE public.from_elsewhere (id integer);\n");
    let utf32: Vec<u8> =
        [0xff, 0xfe, 0, 0].into_iter().chain(with_note.chars().flat_map(|c| u32::from(c).to_le_bytes())).collect();
    let unterminated_copy =
        format!("{base}\nCOPY public.accounts (id) FROM stdin;\n7\nCREATE TABLE public.after_copy (id integer);\n");
    let acting = format!(
        "{base}\nCREATE TABLE public.shown (id integer, note text DEFAULT 'a\u{1b}[2J\u{202e}b\\c');\nCOMMENT ON TABLE public.shown IS 'bell\u{7}';\nCREATE FUNCTION public.shown_note() RETURNS text LANGUAGE sql AS $$SELECT 'it''s\u{1b}[31m'::text$$;\n"
    );
    vec![
        Case {
            name: "terminal escapes and bidi overrides in a default, a comment and a body",
            to: acting.into_bytes(),
            load: Load::Strict,
            never: &["\u{1b}", "\u{7}", "\u{202e}", "DROP TABLE"],
            warning: None,
        },
        Case {
            name: "deep nesting as pg_dump writes it",
            to: with_note.clone().into_bytes(),
            load: Load::Strict,
            never: &["DROP TABLE"],
            warning: None,
        },
        Case {
            name: "a default hiding statements under standard_conforming_strings = off",
            to: scs_off.into_bytes(),
            load: Load::Strict,
            never: &["\nGRANT ALL ON TABLE public.accounts TO PUBLIC", "\nCREATE FUNCTION public.pwn", "\nDROP TABLE"],
            warning: None,
        },
        Case {
            // psql reads a meta-command to the next `\n`: in a CR-only file pg_dump's `\restrict`
            // line would swallow the rest, so the file is written without it, as older pg_dump did.
            name: "CR-only line endings",
            to: with_note
                .lines()
                .filter(|l| !l.starts_with('\\'))
                .map(|l| format!("{l}\r"))
                .collect::<String>()
                .into_bytes(),
            load: Load::Strict,
            never: &["DROP TABLE"],
            warning: None,
        },
        Case {
            name: "UTF-32 LE with a byte-order mark",
            to: utf32,
            load: Load::No,
            never: &["DROP TABLE"],
            warning: Some("UTF-32 LE"),
        },
        Case {
            name: "a column syntax the parser lacks",
            to: unknown_syntax.into_bytes(),
            load: Load::No,
            never: &["DROP TABLE", "DROP COLUMN"],
            warning: None,
        },
        Case {
            name: "nesting deeper than schemadrift reads",
            to: too_deep.into_bytes(),
            load: Load::No,
            never: &["DROP TABLE", "DROP COLUMN", "DROP CONSTRAINT"],
            warning: None,
        },
        Case {
            name: "a /* comment never closed",
            to: unclosed_comment.into_bytes(),
            load: Load::No,
            never: &["DROP VIEW"],
            warning: Some("a /* comment opened on line 99 is never closed"),
        },
        Case {
            name: "a table defined twice",
            to: duplicate.into_bytes(),
            load: Load::Tolerant,
            never: &["DROP TABLE", "other text"],
            warning: None,
        },
        Case {
            name: "two names alike in their first 63 bytes",
            to: collision.into_bytes(),
            load: Load::Tolerant,
            never: &["DROP TABLE", "other text"],
            warning: None,
        },
        Case {
            name: "a \\connect to another database after objects",
            to: connect.into_bytes(),
            load: Load::No,
            never: &["from_elsewhere", "DROP TABLE"],
            warning: Some("switches to another database"),
        },
        Case {
            name: "a COPY block never ended",
            to: unterminated_copy.into_bytes(),
            load: Load::No,
            never: &["after_copy", "DROP TABLE"],
            warning: Some("has no `\\.` line to end it"),
        },
    ]
}

#[test]
fn migrations_to_awkward_files_destroy_nothing_and_run_nothing_hidden() {
    if std::env::var_os("SCHEMADRIFT_POSTGRES").is_some_and(|v| v == "skip") {
        eprintln!("SCHEMADRIFT_POSTGRES=skip: the awkward-input migrations do not run");
        return;
    }
    let cluster = pgtest::Cluster::start().unwrap_or_else(|e| panic!("cannot start a private PostgreSQL: {e}"));
    let dir = std::env::temp_dir().join(format!("schemadrift-awkward-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let from_sql = base();
    let from = read_side("from.sql", from_sql.as_bytes(), None).unwrap();
    let mut failures = Vec::new();
    for (number, case) in cases().into_iter().enumerate() {
        let to = read_side("to.sql", &case.to, None).unwrap_or_else(|e| panic!("{}: refused: {e}", case.name));
        if let Some(warning) = case.warning {
            if !to.warnings.iter().any(|w| w.contains(warning)) {
                failures.push(format!("{}: no warning with {warning:?}: {:?}", case.name, to.warnings));
            }
        }
        let outputs = Comparison::new(from.clone(), to, DiffOptions::default());
        let script = &outputs.release().script;
        for never in case.never {
            if script.contains(never) {
                failures.push(format!("{}: the script holds {never:?}:\n{script}", case.name));
            }
        }
        // Build `from` with rows, migrate.
        let database = format!("awkward{number}");
        cluster.create_database(&database).unwrap();
        let from_file = dir.join(format!("{database}-from.sql"));
        std::fs::write(&from_file, &from_sql).unwrap();
        cluster.psql_file(&database, &from_file).unwrap();
        cluster.query(&database, "INSERT INTO public.accounts (id) SELECT g FROM generate_series(1, 25) g").unwrap();
        let script_file = dir.join(format!("{database}-migration.sql"));
        std::fs::write(&script_file, script.as_bytes()).unwrap();
        if let Err(error) = cluster.psql_file(&database, &script_file) {
            failures.push(format!("{}: the migration fails: {error}\n{script}", case.name));
            continue;
        }
        let rows = cluster.query(&database, "SELECT count(*) FROM public.accounts").unwrap_or_else(|e| e);
        if rows != "25" {
            failures.push(format!("{}: public.accounts holds {rows} rows after the migration, not 25", case.name));
        }
        let hidden = cluster
            .query(
                &database,
                "SELECT (SELECT count(*) FROM pg_proc WHERE proname = 'pwn') || ' ' || (SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = 'PUBLIC' AND table_schema = 'public')",
            )
            .unwrap();
        if hidden != "0 0" {
            failures.push(format!("{}: a hidden statement ran (pwn functions, PUBLIC grants: {hidden})", case.name));
        }
        if case.load == Load::No {
            continue;
        }
        // `to` as psql reads it, dumped, against the migrated database, dumped.
        let target = format!("{database}_target");
        cluster.create_database(&target).unwrap();
        let to_file = dir.join(format!("{target}.sql"));
        std::fs::write(&to_file, &case.to).unwrap();
        if case.load == Load::Strict {
            cluster
                .psql_file(&target, &to_file)
                .unwrap_or_else(|e| panic!("{}: psql does not load `to`: {e}", case.name));
        } else {
            let _ = cluster.client("psql").args(["-X", "-q", "-d", &target, "-f"]).arg(&to_file).output();
        }
        let migrated = build_catalog(&read(&cluster.dump_schema(&database, &["--no-owner"]).unwrap()));
        let expected = build_catalog(&read(&cluster.dump_schema(&target, &["--no-owner"]).unwrap()));
        let left = diff(&migrated, &expected, &DiffOptions::default());
        if !left.changes.is_empty() {
            let shown: Vec<String> = left
                .changes
                .iter()
                .map(|c| format!("{} {} {} {:?}", c.change.sign(), c.object_kind, c.object, c.details))
                .collect();
            failures.push(format!(
                "{}: the migrated database differs from `to` as psql loads it:\n{}\n{script}",
                case.name,
                shown.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// For any dump, making one statement unreadable (its body damaged) never adds a DROP of its object:
/// every statement of the project's fixture dumps that creates a table, view, function, type,
/// sequence or index is damaged in turn, and the migration from the whole dump to the damaged one
/// must not drop anything.
#[test]
fn damaging_one_statement_never_drops_its_object() {
    // The project's dumps, every CREATE; the corpus' smaller real dumps, 40 CREATEs each, spread out.
    let mut files: Vec<(std::path::PathBuf, usize)> = common::project_dumps().into_iter().map(|p| (p, 1)).collect();
    files.push((Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations/deep_nesting/after.sql"), 1));
    if let Some(corpus) = common::corpus_dir() {
        let mut dumps: Vec<(u64, std::path::PathBuf)> = common::dumps(&corpus)
            .into_iter()
            .filter_map(|p| Some((std::fs::metadata(&p).ok()?.len(), p)))
            .filter(|(len, _)| *len < 400_000)
            .collect();
        dumps.sort();
        files.extend(dumps.into_iter().take(6).map(|(_, p)| (p, 0)));
    }
    let mut damaged_count = 0;
    for (path, every) in files {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let Ok(whole) = read_side("whole.sql", text.as_bytes(), None) else { continue };
        let dump = read(&text);
        let creates = dump.statements().filter(|p| p.text.to_ascii_uppercase().starts_with("CREATE ")).count();
        let every = if every == 0 { (creates / 40).max(1) } else { every };
        for piece in dump.statements().filter(|p| p.text.to_ascii_uppercase().starts_with("CREATE ")).step_by(every) {
            let upper = piece.text.to_ascii_uppercase();
            let creates = [
                "CREATE TABLE",
                "CREATE VIEW",
                "CREATE MATERIALIZED VIEW",
                "CREATE FUNCTION",
                "CREATE TYPE",
                "CREATE SEQUENCE",
                "CREATE INDEX",
                "CREATE UNIQUE INDEX",
            ]
            .iter()
            .any(|head| upper.starts_with(head));
            if !creates {
                continue;
            }
            // The body damaged: a word no SQL has, inside the first parenthesis (after the name).
            let Some(open) = piece.text.find('(') else { continue };
            let damaged_statement = format!("{} NONSENSE(( {}", &piece.text[..=open], &piece.text[open + 1..]);
            let start = piece.text.as_ptr() as usize - text.as_ptr() as usize;
            let damaged = format!("{}{}{}", &text[..start], damaged_statement, &text[start + piece.text.len()..]);
            let side = read_side("damaged.sql", damaged.as_bytes(), None).unwrap();
            let outputs = Comparison::new(whole.clone(), side, DiffOptions::default());
            damaged_count += 1;
            let drops: Vec<&str> =
                outputs.release().script.lines().filter(|l| l.trim_start().starts_with("DROP ")).collect();
            assert!(
                drops.is_empty(),
                "{}: damaging the statement on line {} (`{}`) drops: {drops:?}",
                path.display(),
                piece.line,
                piece.text.lines().next().unwrap_or_default()
            );
        }
    }
    eprintln!("{damaged_count} statements damaged one at a time: no DROP in any migration");
    assert!(damaged_count > 100, "only {damaged_count} statements were damaged");
}
