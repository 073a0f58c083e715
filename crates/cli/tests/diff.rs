//! `schemadrift diff` as users run it, on the project's demo pair (golden snapshots), plus the JSON
//! shape scripts rely on and the options that leave parts of the schema out.

mod common;

use std::path::Path;
use std::process::Command;

fn schemadrift(args: &[&str]) -> (i32, String, String) {
    common::schemadrift(args, None)
}

const FROM: &str = "demo/fieldbook_production.sql";
const TO: &str = "demo/fieldbook_staging.sql";

#[test]
fn diff_text_of_the_demo_pair() {
    let (status, stdout, stderr) = schemadrift(&["diff", FROM, TO]);
    assert_eq!(status, 0, "{stderr}");
    insta::assert_snapshot!("diff_text_demo", stdout);
}

#[test]
fn diff_json_of_the_demo_pair_has_the_documented_shape() {
    let (status, stdout, stderr) = schemadrift(&["diff", FROM, TO, "--format", "json"]);
    assert_eq!(status, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let summary = &json["summary"];
    let changes = json["changes"].as_array().unwrap();
    let count = |kind: &str| changes.iter().filter(|c| c["change"] == kind).count();
    assert_eq!(summary["added"], count("added"));
    assert_eq!(summary["removed"], count("removed"));
    assert_eq!(summary["altered"], count("altered"));
    let estimate = changes.iter().find(|c| c["object"] == "public.tasks.estimate_hours").unwrap();
    assert_eq!(estimate["object_kind"], "column");
    assert_eq!(estimate["change"], "altered");
    assert_eq!(estimate["details"][0]["from"], "numeric");
    assert_eq!(estimate["details"][0]["to"], "double precision");
    assert!(changes.iter().any(|c| c["object_kind"] == "table"
        && c["object"] == "public.users_backup_2025_03"
        && c["change"] == "removed"));
    assert!(changes.iter().any(|c| c["object_kind"] == "index"
        && c["object"] == "public.idx_tasks_title_search"
        && c["change"] == "altered"));
    let notes = json["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["object"] == "public.comments"), "{notes:?}");
    assert!(notes.iter().any(|n| n["object_kind"] == "extension" && n["object"] == "pg_trgm, pgcrypto"), "{notes:?}");
    insta::assert_snapshot!("diff_json_demo", stdout);
}

#[test]
fn diff_markdown_of_the_demo_pair() {
    let (status, stdout, stderr) = schemadrift(&["diff", FROM, TO, "--format", "md"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.starts_with("# Schema comparison: fieldbook\\_production.sql → fieldbook\\_staging.sql"),
        "{stdout}"
    );
    insta::assert_snapshot!("diff_md_demo", stdout);
}

/// One dump with every kind of secret the issue names, each with a value no export may hold.
const SECRETS_DUMP: &str = "\
CREATE ROLE app_login LOGIN PASSWORD 'RolePass-1111';
CREATE SERVER files FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db', dbname 'x', password 'ServerPass-2222');
CREATE USER MAPPING FOR app_login SERVER files OPTIONS (user 'reader', password 'MappingPass-3333');
CREATE SUBSCRIPTION sub CONNECTION 'host=db port=5432 user=rep password=ConnPass-4444 dbname=x' PUBLICATION pub;
CREATE TABLE public.t (id integer, dsn text DEFAULT 'postgresql://app:UriPass-5555@db:5432/app');
COMMENT ON TABLE public.t IS 'aws AKIAIOSFODNN7EXAMPLE and stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc';
COMMENT ON COLUMN public.t.id IS 'github ghp_abcdefghijklmnopqrstuvwxyz0123456789 slack xoxb-1234567890-abcdefghij';
CREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $$ SELECT 'AIzaSyA1234567890abcdefghijklmnopqrstuv'::text || 'SG.abcdefghijklmnopqrstuv.wxyz0123456789abcdefghijklmnop' || 'mysql://root:FnPass-6666@h/db' $$;
";

const SECRET_VALUES: [&str; 12] = [
    "RolePass-1111",
    "ServerPass-2222",
    "MappingPass-3333",
    "ConnPass-4444",
    "UriPass-5555",
    "AKIAIOSFODNN7EXAMPLE",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "xoxb-1234567890-abcdefghij",
    "AIzaSyA1234567890abcdefghijklmnopqrstuv",
    "SG.abcdefghijklmnopqrstuv.wxyz0123456789abcdefghijklmnop",
    "FnPass-6666",
];

#[test]
fn every_kind_of_secret_is_found_and_no_export_holds_a_value() {
    let dir = std::env::temp_dir().join(format!("schemadrift-cli-all-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (from, to) = (dir.join("before.sql"), dir.join("after.sql"));
    std::fs::write(&from, "CREATE TABLE public.other (id integer);\n").unwrap();
    std::fs::write(&to, SECRETS_DUMP).unwrap();
    let (from, to) = (from.to_str().unwrap(), to.to_str().unwrap());
    let (_, stdout, stderr) = schemadrift(&["inspect", to, "--format", "json"]);
    let kinds: Vec<String> = serde_json::from_str::<serde_json::Value>(&stdout).unwrap()["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap().to_string())
        .collect();
    for kind in [
        "role password",
        "password option",
        "connection string password",
        "URL credentials",
        "AWS access key",
        "Stripe secret key",
        "GitHub token",
        "Slack token",
        "Google API key",
        "SendGrid key",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} not found: {kinds:?}\n{stderr}");
    }
    assert!(kinds.len() >= 12, "{kinds:?}");
    for (a, b) in [(from, to), (to, from)] {
        for format in ["text", "json", "md", "html", "sql"] {
            for rollback in [false, true] {
                if rollback && format != "sql" {
                    continue;
                }
                let mut args = vec!["diff", a, b, "--format", format];
                if rollback {
                    args.push("--rollback");
                }
                let (status, stdout, stderr) = schemadrift(&args);
                assert_eq!(status, 0, "{stderr}");
                for value in SECRET_VALUES {
                    assert!(!stdout.contains(value), "{value} in {args:?}:\n{stdout}");
                    assert!(!stderr.contains(value), "{value} in stderr of {args:?}");
                }
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_html_report_is_one_inert_page_and_json_is_the_report_model() {
    let (status, html, stderr) = schemadrift(&["diff", FROM, TO, "--format", "html"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"));
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src="), "no script, no resource");
    assert!(html.contains("<h2 id=\"risks\">8. Risk assessment</h2>"), "{html}");
    assert!(html.contains("<td><code>public.users_backup_2025_03</code></td>"), "{html}");
    let (_, again, _) = schemadrift(&["diff", FROM, TO, "--format", "html"]);
    assert_eq!(html, again, "deterministic");
    let (_, stdout, _) = schemadrift(&["diff", FROM, TO, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["tool"], "schemadrift");
    assert_eq!(json["tool_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["inputs"][0]["name"], "fieldbook_production.sql");
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(FROM)).unwrap();
    assert_eq!(json["inputs"][0]["bytes"], bytes.len());
    assert_eq!(json["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    assert!(json["inputs"][1]["pg_dump_version"].as_str().unwrap().starts_with("15."));
    for section in
        ["inventory", "column_differences", "deep_dives", "new_tables", "indexes", "migration", "testing", "orm"]
    {
        assert!(!json[section].is_null(), "{section} missing");
    }
}

#[test]
fn a_dump_against_itself_has_no_changes() {
    let (status, stdout, _) = schemadrift(&["diff", FROM, FROM, "--format", "json"]);
    assert_eq!(status, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["changes"].as_array().unwrap().len(), 0);
}

#[test]
fn ignore_flags_and_schema_filters_leave_changes_out() {
    let count = |extra: &[&str]| {
        let mut args = vec!["diff", FROM, TO, "--format", "json"];
        args.extend_from_slice(extra);
        let (status, stdout, stderr) = schemadrift(&args);
        assert_eq!(status, 0, "{stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        json["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["object_kind"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let all = count(&[]);
    assert!(all.iter().any(|k| k == "comment"));
    let without_comments = count(&["--ignore-comments"]);
    assert!(!without_comments.iter().any(|k| k == "comment"));
    assert_eq!(
        count(&["--exclude-schema", "public"]).len(),
        count(&["--exclude-schema", "public", "--ignore-comments"]).len()
    );
}

#[test]
fn a_bad_file_on_either_side_exits_2_and_names_it() {
    let (status, stdout, stderr) = schemadrift(&["diff", FROM, "no/such.sql"]);
    assert_eq!(status, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("no/such.sql"), "{stderr}");
}

#[test]
fn a_confirmed_rename_is_one_change_and_a_malformed_one_is_refused() {
    let dir = std::env::temp_dir().join(format!("schemadrift-cli-rename-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (from, to) = (dir.join("from.sql"), dir.join("to.sql"));
    std::fs::write(&from, "CREATE TABLE public.c (id integer, fullname text NOT NULL);\n").unwrap();
    std::fs::write(&to, "CREATE TABLE public.c (id integer, full_name text NOT NULL);\n").unwrap();
    let (from, to) = (from.to_str().unwrap(), to.to_str().unwrap());

    let (status, stdout, _) = schemadrift(&["diff", from, to]);
    assert_eq!(status, 0);
    assert!(stdout.contains("possible rename: column public.c.fullname → public.c.full_name"), "{stdout}");
    assert!(stdout.contains("1 added, 1 removed, 0 altered, 0 renamed"), "{stdout}");

    let (status, stdout, stderr) =
        schemadrift(&["diff", from, to, "--rename", "column:public.c.fullname=public.c.full_name"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.contains("0 added, 0 removed, 0 altered, 1 renamed"), "{stdout}");
    assert!(
        stdout.contains("> column public.c.full_name\n    name: public.c.fullname → public.c.full_name"),
        "{stdout}"
    );

    let (status, stdout, stderr) = schemadrift(&["diff", from, to, "--rename", "public.c.fullname"]);
    assert_eq!(status, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("--rename public.c.fullname: no KIND: before the names; write KIND:OLD=NEW"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_schemadrift"))
        .args(["diff", FROM, TO, "--format", "json"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // like `| head -0`: the pipe is closed before anything is read
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn diff_sql_prints_the_phased_migration_and_rollback_prints_the_way_back() {
    let (status, stdout, stderr) = schemadrift(&["diff", FROM, TO, "--format", "sql"]);
    assert_eq!(status, 0, "{stderr}");
    insta::assert_snapshot!("diff_sql_demo", stdout);
    let phase = |title: &str| stdout.find(title).unwrap_or_else(|| panic!("{title} missing"));
    assert!(phase("-- Phase 1") < phase("-- Phase 2") && phase("-- Phase 2") < phase("-- Phase 3"));
    assert!(stdout.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS"));
    assert!(stdout.contains("SET lock_timeout"));

    let (status, rollback, stderr) = schemadrift(&["diff", FROM, TO, "--rollback"]);
    assert_eq!(status, 0, "{stderr}");
    insta::assert_snapshot!("diff_rollback_demo", rollback);
    assert!(rollback.contains("CANNOT BE UNDONE"), "the migration drops users_backup_2025_03 with its rows");

    let (status, _, stderr) = schemadrift(&["diff", FROM, TO, "--rollback", "--format", "json"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("--rollback prints SQL"), "{stderr}");
}

#[test]
fn fail_on_gates_ci_by_risk_level() {
    let (status, _, stderr) = schemadrift(&["diff", FROM, TO, "--fail-on", "high"]);
    assert_eq!(status, 1, "the demo drops a table: a high risk");
    assert!(stderr.contains("risks at level high or above"), "{stderr}");
    let (status, _, _) = schemadrift(&["diff", FROM, FROM, "--fail-on", "low"]);
    assert_eq!(status, 0, "no change, no risk");
    let (status, _, stderr) = schemadrift(&["diff", FROM, TO, "--fail-on", "severe"]);
    assert_eq!(status, 2, "{stderr}");
}

#[test]
fn diff_json_carries_a_risk_on_every_change_and_counts_per_level() {
    let (status, stdout, _) = schemadrift(&["diff", FROM, TO, "--format", "json"]);
    assert_eq!(status, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let changes = json["changes"].as_array().unwrap();
    assert!(changes.iter().all(|c| c.as_object().unwrap().contains_key("risk")));
    let high = changes.iter().filter(|c| c["risk"]["level"] == "high").count();
    assert!(high >= 1);
    let findings = json["risks"].as_array().unwrap();
    for level in ["high", "medium", "low"] {
        let counted = findings.iter().filter(|r| r["level"] == level).count();
        assert_eq!(json["risk_counts"][level], counted, "{level}");
    }
    assert!(json["deploy_order"].as_str().unwrap().len() > 10);
}

#[test]
fn secrets_in_dumps_are_named_on_stderr_and_redacted_from_every_format() {
    let dir = std::env::temp_dir().join(format!("schemadrift-cli-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (from, to) = (dir.join("from.sql"), dir.join("to.sql"));
    std::fs::write(&from, "CREATE TABLE public.t (id integer);\n").unwrap();
    std::fs::write(
        &to,
        "CREATE TABLE public.t (id integer, dsn text DEFAULT 'postgresql://app:Sup3rSecret@db:5432/app');\n\
         COMMENT ON TABLE public.t IS 'key sk_live_4eC39HqLyjWDarjtT1zdp7dc';\n",
    )
    .unwrap();
    let (from, to) = (from.to_str().unwrap(), to.to_str().unwrap());
    for format in ["text", "json", "md", "html", "sql"] {
        let (status, stdout, stderr) = schemadrift(&["diff", from, to, "--format", format]);
        assert_eq!(status, 0, "{stderr}");
        assert!(!stdout.contains("Sup3rSecret") && !stdout.contains("sk_live_4eC39"), "{format}:\n{stdout}");
        if format == "sql" {
            // A script never applies a placeholder: it takes each secret from a psql variable.
            assert!(stdout.contains("-v secret_1='…' -v secret_2='…'") && stdout.contains(":'secret_2'"), "{stdout}");
            assert!(!stdout.contains("[REDACTED]"), "{stdout}");
        } else if format != "text" {
            assert!(stdout.contains("[REDACTED]"), "{format} shows values:\n{stdout}");
            assert!(
                stdout.contains("the psql variable secret_1"),
                "{format}: the report's script asks for the secret:\n{stdout}"
            );
        }
        assert!(stderr.contains("to.sql:1: URL credentials found; redacted from the output"), "{stderr}");
        assert!(stderr.contains("to.sql:2: Stripe secret key found"), "{stderr}");
        assert!(!stderr.contains("Sup3rSecret"), "{stderr}");
    }
    let (status, stdout, _) = schemadrift(&["diff", from, to, "--format", "sql", "--no-redact"]);
    assert_eq!(status, 0);
    assert!(stdout.contains("Sup3rSecret"), "--no-redact keeps the value");
    let (_, stdout, _) = schemadrift(&["inspect", to]);
    assert!(stdout.contains("secret: line 1: URL credentials"), "{stdout}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn names_from_the_dumps_cannot_break_lines_or_drive_the_terminal() {
    let dir = "crates/engine/tests/fixtures/migrations/hostile_names";
    let (status, stdout, stderr) = schemadrift(&["diff", &format!("{dir}/before.sql"), &format!("{dir}/after.sql")]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.contains("- column public.pipe|table.new\\nline"), "{stdout}");
    assert!(!stdout.lines().any(|l| l.starts_with("line")), "a name's newline split a line: {stdout}");
    let escape = b"CREATE TABLE \"a\x1b[2Jb\" (id integer);\n";
    let (status, stdout, stderr) = common::schemadrift(&["diff", "-", "demo/fieldbook_staging.sql"], Some(escape));
    assert_eq!(status, 0, "{stderr}");
    assert!(!stdout.contains('\x1b'), "a terminal escape went through: {stdout:?}");
    assert!(stdout.contains("public.a\\x1b[2Jb"), "{stdout}");
}

/// Reports are written to the output as they are made (never held whole): a full disk is said, with
/// exit status 1, in every format, and nothing pretends to have been written.
#[test]
fn an_output_that_cannot_be_written_is_said() {
    if !std::path::Path::new("/dev/full").exists() {
        panic!("this test needs /dev/full (Linux), as CI has");
    }
    for format in ["text", "md", "html", "json", "sql"] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_schemadrift"))
            .args(["diff", FROM, TO, "--format", format])
            .current_dir(common::project_root())
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}: {stderr}");
        assert!(stderr.contains("schemadrift: cannot write the output: No space left on device"), "{format}: {stderr}");
    }
}

/// Reading has a time budget (ten times the cost law's, at least 30 s; `SCHEMADRIFT_READING_SECONDS`
/// sets another): over it, the side is refused with the statement and line being read, exit 2.
#[test]
fn reading_past_its_time_budget_stops_at_a_named_statement() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_schemadrift"))
        .args(["diff", FROM, TO])
        .current_dir(common::project_root())
        .env("SCHEMADRIFT_READING_SECONDS", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(
        stderr.starts_with(&format!("schemadrift: {FROM}: reading stopped after 0 s at the statement on line ")),
        "{stderr}"
    );
    assert!(stderr.contains("or compare a dump of fewer schemas"), "{stderr}");
    assert!(!stderr.contains("other side"), "the CLI keeps no side loaded: {stderr}");
}
