//! `--sizes` and `--to-sizes` (issue #18): each side's table sizes, from the CSV output of the query
//! `schemadrift sizes-query` prints, level the risks that read a table's rows and show in the report;
//! a bad sizes file is refused with its line and what is wrong, and nothing is written.

mod common;

fn schemadrift(args: &[&str]) -> (i32, String, String) {
    common::schemadrift(args, None)
}

const FROM: &str = "demo/fieldbook_production.sql";
const TO: &str = "demo/fieldbook_staging.sql";
const PRODUCTION: &str = "crates/cli/tests/fixtures/sizes/fieldbook_production_sizes.csv";
const STAGING: &str = "crates/cli/tests/fixtures/sizes/fieldbook_staging_sizes.csv";
const EMPTY: &str = "crates/cli/tests/fixtures/sizes/empty_tables_sizes.csv";

/// The `column-type-change` risk of `public.tasks.estimate_hours` (a rewrite) in the JSON output.
fn rewrite_risk(extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["diff", FROM, TO, "--format", "json"];
    args.extend_from_slice(extra);
    let (status, stdout, stderr) = schemadrift(&args);
    assert_eq!(status, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    json["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "column-type-change" && r["object"] == "public.tasks.estimate_hours")
        .cloned()
        .expect("the demo pair rewrites public.tasks")
}

#[test]
fn sizes_query_prints_the_psql_command_whose_output_sizes_reads() {
    let (status, stdout, _) = schemadrift(&["sizes-query"]);
    assert_eq!(status, 0);
    assert!(stdout.starts_with("psql -X --csv -c \"SELECT n.nspname AS schema, c.relname AS name"), "{stdout}");
    assert!(stdout.contains("pg_total_relation_size(c.oid) AS bytes FROM pg_class"), "{stdout}");
    assert!(stdout.trim_end().ends_with("> sizes.csv"), "{stdout}");
}

#[test]
fn a_rewrite_is_levelled_by_the_size_of_the_table_it_rewrites() {
    let without = rewrite_risk(&[]);
    assert_eq!(without["level"], "high");
    let large = rewrite_risk(&["--sizes", PRODUCTION]);
    assert_eq!(large["level"], "high");
    let finding = large["finding"].as_str().unwrap();
    assert!(finding.contains("public.tasks holds 1 GB (~4,210,000 rows)"), "{finding}");
    assert!(finding.contains("low under 10 MB, medium under 100 MB, high from there"), "{finding}");
    let empty = rewrite_risk(&["--sizes", EMPTY]);
    assert_eq!(empty["level"], "low", "a rewrite of an empty table is low: {empty}");
    assert_eq!(empty["effect"]["rewrite"], true);
    // The TO side's sizes level the rollback, not the migration.
    assert_eq!(rewrite_risk(&["--to-sizes", EMPTY])["level"], "high");
}

#[test]
fn the_report_shows_each_sides_sizes() {
    let (status, md, stderr) =
        schemadrift(&["diff", FROM, TO, "--format", "md", "--sizes", PRODUCTION, "--to-sizes", STAGING]);
    assert_eq!(status, 0, "{stderr}");
    assert!(md.contains("| Side | File | Tables | Indexes | Size (total) |"), "{md}");
    assert!(md.contains("| From | `fieldbook_production.sql` | 8 | 16 | 1.4 GB |"), "{md}");
    assert!(md.contains("### 1.5 Table sizes (largest first)"), "{md}");
    assert!(md.contains("`fieldbook_production_sizes.csv` for `fieldbook_production.sql`"), "{md}");
    assert!(md.contains("| `public.tasks` | 1 GB (\\~4,210,000 rows) | 224 KB (\\~900 rows) |"), "{md}");
    assert!(md.contains("| `public.notifications` | – | 0 bytes (rows not estimated yet) |"), "{md}");
    // Without sizes, the report has no size column and no sizes section.
    let (_, plain, _) = schemadrift(&["diff", FROM, TO, "--format", "md"]);
    assert!(!plain.contains("Size (total)") && !plain.contains("1.5 Table sizes"));
}

#[test]
fn a_bad_sizes_file_is_refused_with_its_line_and_nothing_is_written() {
    let (status, stdout, stderr) =
        schemadrift(&["diff", FROM, TO, "--sizes", "crates/cli/tests/fixtures/sizes/bad_sizes.csv"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(stdout.is_empty(), "nothing is written: {stdout}");
    assert!(
        stderr.contains("--sizes crates/cli/tests/fixtures/sizes/bad_sizes.csv: line 3: bytes `1 GB` is not a whole number of bytes"),
        "{stderr}"
    );
    assert!(stderr.contains("A sizes file is the output of: psql -X --csv -c"), "{stderr}");

    let (status, _, stderr) = schemadrift(&["diff", FROM, TO, "--to-sizes", "no/such/sizes.csv"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("--to-sizes no/such/sizes.csv: cannot read it"), "{stderr}");

    // A dump given as sizes is refused by its header.
    let (status, _, stderr) = schemadrift(&["diff", FROM, TO, "--sizes", FROM]);
    assert_eq!(status, 2);
    assert!(stderr.contains("line 1: the header is `--`"), "{stderr}");
}
