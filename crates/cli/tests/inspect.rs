//! `schemadrift inspect` as users run it: golden snapshots of its output for the project's own demo
//! dumps, and the exit status and message for input that is not a plain-SQL dump.
//!
//! Review snapshot changes with `cargo insta review`.

mod common;

use common::schemadrift;

#[test]
fn inspect_text_of_the_demo_dumps() {
    for side in ["production", "staging"] {
        let (status, stdout, stderr) = schemadrift(&["inspect", &format!("demo/fieldbook_{side}.sql")], None);
        assert_eq!(status, 0, "{stderr}");
        insta::assert_snapshot!(format!("inspect_text_{side}"), stdout);
    }
}

#[test]
fn inspect_text_of_the_fixture_with_every_kind_of_object() {
    let (status, stdout, stderr) = schemadrift(&["inspect", "crates/engine/tests/fixtures/kinds/kinds.sql"], None);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.contains(" 0 not understood"), "{stdout}");
    insta::assert_snapshot!("inspect_text_kinds", stdout);
}

#[test]
fn inspect_json_of_the_demo_dumps() {
    for side in ["production", "staging"] {
        let (status, stdout, stderr) =
            schemadrift(&["inspect", "--format", "json", &format!("demo/fieldbook_{side}.sql")], None);
        assert_eq!(status, 0, "{stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(json["statements"]["not_understood"], 0);
        insta::assert_snapshot!(format!("inspect_json_{side}"), stdout);
    }
}

#[test]
fn not_understood_statements_are_reported_with_line_and_reason() {
    let sql = b"CREATE TABLE t (id int);\nVACUUM t;\n";
    let (status, stdout, _) = schemadrift(&["inspect", "--format", "json", "-"], Some(sql));
    assert_eq!(status, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["statements"]["total"], 2);
    assert_eq!(json["statements"]["understood"], 1);
    assert_eq!(json["not_understood"][0]["line"], 2);
    assert_eq!(json["not_understood"][0]["text"], "VACUUM t;");
    assert_eq!(json["counts"]["tables"], 1);
}

#[test]
fn input_that_is_not_a_plain_sql_dump_exits_2_with_one_clear_line() {
    let cases: [(&str, &[u8], &str); 4] = [
        ("custom-format archive", b"PGDMP\x01\x0e\x00\x04\x08", "pg_restore"),
        ("gzip", &[0x1f, 0x8b, 0x08, 0x00, 0, 0], "gunzip"),
        ("empty", b"", "empty"),
        ("binary", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "binary"),
    ];
    for (what, bytes, hint) in cases {
        let (status, stdout, stderr) = schemadrift(&["inspect", "-"], Some(bytes));
        assert_eq!(status, 2, "{what}: {stderr}");
        assert!(stdout.is_empty(), "{what}: nothing on stdout");
        assert_eq!(stderr.lines().count(), 1, "{what}: one line: {stderr}");
        assert!(stderr.contains(hint), "{what}: {stderr}");
    }
    let (status, _, stderr) = schemadrift(&["inspect", "no/such/file.sql"], None);
    assert_eq!(status, 2);
    assert!(stderr.contains("cannot read no/such/file.sql"), "{stderr}");
}

#[test]
fn a_gzip_compressed_dump_is_read_as_the_dump_it_holds() {
    use std::io::Write;
    let demo = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/fieldbook_staging.sql")).unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&demo).unwrap();
    let compressed = encoder.finish().unwrap();
    let (status, plain, _) = schemadrift(&["inspect", "--format", "json", "-"], Some(&demo));
    assert_eq!(status, 0);
    let (status, unpacked, stderr) = schemadrift(&["inspect", "--format", "json", "-"], Some(&compressed));
    assert_eq!(status, 0, "{stderr}");
    let (plain, unpacked): (serde_json::Value, serde_json::Value) =
        (serde_json::from_str(&plain).unwrap(), serde_json::from_str(&unpacked).unwrap());
    assert_eq!(plain["counts"], unpacked["counts"]);
    assert_eq!(plain["statements"], unpacked["statements"]);
}

#[test]
fn help_lists_the_commands() {
    let (status, stdout, _) = schemadrift(&["--help"], None);
    assert_eq!(status, 0);
    assert!(stdout.contains("inspect"), "{stdout}");
}
