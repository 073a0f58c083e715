//! Every kind of bad input README's table lists, given to `schemadrift diff` as a user would: the
//! exit status and the message (what the file is, where, what to do), and for the files that can
//! be read, the comparison that follows.
//!
//! The files are in `crates/engine/tests/fixtures/bad_inputs/` (how each was made is in its README).

mod common;

use common::{project_root, schemadrift};

const DIR: &str = "crates/engine/tests/fixtures/bad_inputs";
const SAME: &str = "define the same schema";

fn fixture(name: &str) -> String {
    format!("{DIR}/{name}")
}

/// `schemadrift diff FILE app.sql`, and the same with the sides the other way round.
fn diff_against_app(file: &str, extra: &[&str]) -> [(i32, String, String); 2] {
    let app = fixture("app.sql");
    let forward: Vec<&str> = ["diff", file, &app].into_iter().chain(extra.iter().copied()).collect();
    let backward: Vec<&str> = ["diff", &app, file].into_iter().chain(extra.iter().copied()).collect();
    [schemadrift(&forward, None), schemadrift(&backward, None)]
}

#[track_caller]
fn refused(file: &str, extra: &[&str], message: &[&str]) {
    for (status, stdout, stderr) in diff_against_app(file, extra) {
        assert_eq!(status, 2, "{file}: exit 2 for bad input: {stderr}");
        assert!(stdout.is_empty(), "{file}: nothing on stdout: {stdout}");
        assert_eq!(stderr.lines().count(), 1, "{file}: one line: {stderr}");
        assert!(stderr.starts_with(&format!("schemadrift: {file}: ")), "{file}: names the file: {stderr}");
        for part in message {
            assert!(stderr.contains(part), "{file}: says {part:?}: {stderr}");
        }
    }
}

#[track_caller]
fn read_with_warning(file: &str, extra: &[&str], warning: &[&str], stdout_has: &str) {
    for (status, stdout, stderr) in diff_against_app(file, extra) {
        assert_eq!(status, 0, "{file}: {stderr}");
        let line = stderr
            .lines()
            .find(|l| l.starts_with(&format!("schemadrift: warning: {file}: ")) && l.contains(warning[0]))
            .unwrap_or_else(|| panic!("{file}: a warning naming the file: {stderr}"));
        for part in warning {
            assert!(line.contains(part), "{file}: warns {part:?}: {line}");
        }
        assert!(stdout.contains(stdout_has), "{file}: {stdout_has:?} in {stdout}");
    }
}

#[test]
fn files_that_are_not_sql_text_are_refused_with_what_to_do() {
    refused(&fixture("empty.sql"), &[], &["the file is empty", "pg_dump --schema-only"]);
    refused(&fixture("image.png"), &[], &["binary file", "NUL byte at offset 8"]);
    refused(&fixture("app.custom"), &[], &["pg_dump archive (custom format", "pg_restore --schema-only -f schema.sql"]);
    refused(&fixture("app.tar"), &[], &["tar-format archive", "pg_restore --schema-only"]);
    refused(&fixture("app_directory/toc.dat"), &[], &["toc.dat of a directory-format dump", "pg_restore"]);
    refused(&fixture("app_directory"), &[], &["directory-format pg_dump archive", "pg_restore --schema-only"]);
}

#[test]
fn a_pg_dumpall_file_asks_which_database_and_reads_the_one_named() {
    let cluster = fixture("cluster.sql");
    refused(
        &cluster,
        &[],
        &["pg_dumpall file with 4 databases (template1, analytics, app, postgres)", "--database NAME"],
    );
    refused(&cluster, &["--database", "shop"], &["no database named \"shop\"; it has template1, analytics, app"]);
    read_with_warning(&cluster, &["--database", "app"], &["4 databases", "database \"app\" is read"], SAME);
    // Per side: the analytics database is not the app.
    let (status, stdout, stderr) =
        schemadrift(&["diff", &cluster, &fixture("app.sql"), "--from-database", "analytics"], None);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.contains("public.events") && stdout.contains("public.orders"), "{stdout}");
}

#[test]
fn files_that_can_be_read_say_what_was_done() {
    read_with_warning(&fixture("utf16.sql"), &[], &["UTF-16 LE encoded and has been decoded"], SAME);
    read_with_warning(
        &fixture("latin1.sql"),
        &[],
        &["not valid UTF-8", "first bad byte on line 65", "replaced by \u{fffd}"],
        "comment",
    );
    read_with_warning(
        &fixture("truncated.sql"),
        &[],
        &[
            "ends in the middle of the statement that starts on line 25",
            "inside a dollar-quoted body ($$ opened on line 27 is never closed)",
            "cut short",
        ],
        "public.orders",
    );
    read_with_warning(
        &fixture("migration.sql"),
        &[],
        &[
            "looks like a migration",
            "3 statements change or drop objects (the first on line 3)",
            "pg_dump --schema-only",
        ],
        "public.users",
    );
}

#[test]
fn a_gzip_compressed_dump_is_decompressed() {
    use std::io::Write;
    let plain = std::fs::read(project_root().join(fixture("app.sql"))).unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&plain).unwrap();
    let dir = tempdir("gzip");
    let file = dir.join("app.sql.gz");
    std::fs::write(&file, encoder.finish().unwrap()).unwrap();
    read_with_warning(file.to_str().unwrap(), &[], &["gzip-compressed", "has been decompressed"], SAME);
    let damaged = dir.join("damaged.sql.gz");
    let whole = std::fs::read(&file).unwrap();
    std::fs::write(&damaged, &whole[..whole.len() / 2]).unwrap();
    refused(damaged.to_str().unwrap(), &[], &["gzip-compressed but cannot be decompressed", "gunzip -t"]);
}

#[test]
fn a_utf8_byte_order_mark_is_removed_and_a_file_without_statements_is_named() {
    let dir = tempdir("notes");
    let bom = dir.join("bom.sql");
    let mut bytes = vec![0xef, 0xbb, 0xbf];
    bytes.extend(std::fs::read(project_root().join(fixture("app.sql"))).unwrap());
    std::fs::write(&bom, bytes).unwrap();
    read_with_warning(bom.to_str().unwrap(), &[], &["a UTF-8 byte-order mark at the start was removed"], SAME);
    let comments = dir.join("comments.sql");
    std::fs::write(&comments, "-- only a comment\n/* and another */\n").unwrap();
    read_with_warning(
        comments.to_str().unwrap(),
        &[],
        &["no SQL statements were found in this file", "pg_dump --schema-only"],
        "public.users",
    );
}

#[test]
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let file = tempdir("large").join("huge.sql");
    // Sparse: the size is there, the bytes are never written nor read.
    let handle = std::fs::File::create(&file).unwrap();
    handle.set_len(schemadrift_engine::input::MAX_INPUT_BYTES + 1).unwrap();
    refused(file.to_str().unwrap(), &[], &["the file is 1025 MB, more than the 1024 MB this reads", "-n SCHEMA"]);
}

/// A fresh directory under the build's target directory (absolute: the binary runs from the root).
fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad_inputs").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `schemadrift diff app.sql FILE --format sql`: the script, and the run's stderr.
fn script_to(file: &str, extra: &[&str]) -> (i32, String, String) {
    let app = fixture("app.sql");
    let args: Vec<&str> = ["diff", &app, file, "--format", "sql"].into_iter().chain(extra.iter().copied()).collect();
    schemadrift(&args, None)
}

/// Issue 19: text read as psql reads it, and nothing not understood becomes a drop.
#[test]
fn text_is_read_as_psql_reads_it_and_nothing_unread_is_dropped() {
    // A default under standard_conforming_strings = off is one string, not three statements.
    let (status, script, stderr) = script_to(&fixture("conforming_strings_off.sql"), &[]);
    assert_eq!(status, 0, "{stderr}");
    assert!(!script.lines().any(|l| l.starts_with("GRANT") || l.starts_with("DROP")), "{script}");
    assert!(
        script.contains("SET DEFAULT 'x''; GRANT ALL ON TABLE public.users TO PUBLIC; DROP TABLE public.orders; --'"),
        "{script}"
    );
    // CR-only line endings and UTF-32: the same schema as app.sql.
    read_with_warning(&fixture("utf32.sql"), &[], &["UTF-32 LE encoded and has been decoded"], SAME);
    for (status, stdout, stderr) in diff_against_app(&fixture("cr_only.sql"), &[]) {
        assert_eq!(status, 0, "{stderr}");
        assert!(stdout.contains(SAME), "{stdout}");
    }
    // A statement the parser cannot read: its table is not compared, never dropped; --fail-on medium stops.
    let (status, script, _) = script_to(&fixture("unreadable_table.sql"), &["--fail-on", "medium"]);
    assert_eq!(status, 1, "not compared is a medium risk");
    assert!(!script.contains("DROP TABLE"), "{script}");
    assert!(script.contains("-- MANUAL: table public.users was not compared"), "{script}");
    let (_, stdout, _) = schemadrift(&["diff", &fixture("app.sql"), &fixture("unreadable_table.sql")], None);
    assert!(stdout.contains("1 not compared") && !stdout.contains(SAME), "{stdout}");
    // A /* comment never closed: a warning, and what it hides is not compared rather than dropped.
    let (status, script, stderr) = script_to(&fixture("unclosed_comment.sql"), &[]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("a /* comment opened on line 53 is never closed"), "{stderr}");
    assert!(!script.contains("DROP"), "{script}");
    // A table defined twice: PostgreSQL keeps the first, and so does the comparison.
    read_with_warning(
        &fixture("defined_twice.sql"),
        &[],
        &["table public.users is already defined earlier in the file", "keeps the first"],
        SAME,
    );
    // A \connect after objects: the other database's part is not merged in.
    let (status, script, stderr) = script_to(&fixture("connect_mid_file.sql"), &[]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains("`\\connect analytics` switches to another database after objects were created"),
        "{stderr}"
    );
    assert!(!script.contains("events"), "{script}");
}

/// Found by a probe: `inspect /dev/zero` read 8 GB before it was killed (the limit was checked against
/// the reported size, which a device or a pipe does not have). The limit now holds while reading.
#[cfg(unix)]
#[test]
fn a_stream_without_end_is_refused_at_the_limit() {
    let (status, stdout, stderr) = schemadrift(&["inspect", "/dev/zero"], None);
    assert_eq!(status, 2, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("/dev/zero: it holds more than 1024 MB (a stream or device, read up to the limit)"),
        "{stderr}"
    );
}

/// Feeds `sink` 1 MB pieces of spaces until the reader stops taking them (it refused the input).
#[cfg(unix)]
fn feed_without_end(mut sink: impl std::io::Write) {
    let piece = vec![b' '; 1 << 20];
    while sink.write_all(&piece).is_ok() {}
}

/// #20: an endless FIFO is refused at the limit with exit 2, like a device.
#[cfg(unix)]
#[test]
fn an_endless_fifo_is_refused_at_the_limit() {
    let dir = std::env::temp_dir().join(format!("schemadrift-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("endless.sql");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || feed_without_end(std::fs::OpenOptions::new().write(true).open(fifo).unwrap()))
    };
    let (status, stdout, stderr) = schemadrift(&["inspect", fifo.to_str().unwrap()], None);
    writer.join().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(status, 2, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("endless.sql: it holds more than 1024 MB (a stream or device, read up to the limit)"),
        "{stderr}"
    );
}

/// #20: standard input that goes on past the limit is refused there with exit 2.
#[cfg(unix)]
#[test]
fn an_oversized_standard_input_is_refused_at_the_limit() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_schemadrift"))
        .args(["inspect", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || feed_without_end(stdin));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(stderr.contains("standard input: it holds more than 1024 MB (read up to the limit)"), "{stderr}");
}

/// Issue 21: a script to a dump that looks cut short would drop what the cut left out. Refused
/// (exit 2) unless `--allow-truncated` confirms the removals, and then it opens with a warning.
#[test]
fn a_script_to_a_cut_short_dump_is_refused_unless_its_removals_are_confirmed() {
    // Cut inside a statement, as the migration's target.
    let (status, script, stderr) = script_to(&fixture("truncated.sql"), &[]);
    assert_eq!(status, 2, "{stderr}");
    assert!(script.is_empty(), "no script: {script}");
    assert!(
        stderr.contains("TO (")
            && stderr.contains("looks cut short: it ends inside the statement that starts on line 25"),
        "{stderr}"
    );
    assert!(stderr.contains("--allow-truncated"), "says what to do: {stderr}");
    let (status, script, stderr) = script_to(&fixture("truncated.sql"), &["--allow-truncated"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        script.contains(
            "-- WARNING: the target dump looks cut short: it ends inside the statement that starts on line 25."
        ),
        "{script}"
    );
    assert!(
        script.contains("-- You confirmed that the 2 removals below are real: this script makes them."),
        "{script}"
    );
    assert!(
        script.contains("--   table public.users") && script.contains("DROP TABLE IF EXISTS public.users;"),
        "{script}"
    );
    // As the rollback's target (FROM), likewise.
    let (truncated, app) = (fixture("truncated.sql"), fixture("app.sql"));
    let (status, _, stderr) = schemadrift(&["diff", &truncated, &app, "--rollback"], None);
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("FROM (") && stderr.contains("the rollback would drop objects"), "{stderr}");
    // Other formats say so and go on: nothing destructive is written.
    let (status, stdout, _) = schemadrift(&["diff", &app, &truncated], None);
    assert_eq!(status, 0);
    assert!(stdout.contains("public.users"), "{stdout}");
    // Cut between two statements: pg_dump's closing line is missing.
    let dir = std::env::temp_dir().join(format!("schemadrift-cut-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let whole = std::fs::read_to_string(project_root().join(fixture("app.sql"))).unwrap();
    let cut = &whole[..whole.find("CREATE TABLE public.orders").expect("app.sql creates orders")];
    let path = dir.join("cut_between.sql");
    std::fs::write(&path, cut).unwrap();
    let (status, script, stderr) = script_to(path.to_str().unwrap(), &[]);
    assert_eq!(status, 2, "{stderr}");
    assert!(script.is_empty());
    assert!(stderr.contains("`-- PostgreSQL database dump complete`, is missing"), "{stderr}");
    let (status, script, _) = script_to(path.to_str().unwrap(), &["--allow-truncated"]);
    assert_eq!(status, 0);
    assert!(
        script.contains("--   table public.orders") && script.contains("DROP TABLE IF EXISTS public.orders;"),
        "{script}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
