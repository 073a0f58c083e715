//! The PostgreSQL version a script assumes (issue #18): stated in the script, taken from the dump's
//! `Dumped from database version` line or from `--target-version`, and used by the risks.

mod common;

fn schemadrift(args: &[&str]) -> (i32, String, String) {
    common::schemadrift(args, None)
}

const FROM: &str = "demo/fieldbook_production.sql";
const TO: &str = "demo/fieldbook_staging.sql";

#[test]
fn the_script_states_the_version_its_database_was_dumped_from() {
    let (status, script, stderr) = schemadrift(&["diff", FROM, TO, "--format", "sql"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        script.lines().nth(2),
        Some("-- Assumes PostgreSQL 15 (fieldbook_production.sql was dumped from PostgreSQL 15.18; --target-version names another).")
    );
    // The rollback runs on the other database.
    let (_, rollback, _) = schemadrift(&["diff", FROM, TO, "--rollback"]);
    assert!(rollback
        .lines()
        .nth(2)
        .is_some_and(|l| l.starts_with("-- Assumes PostgreSQL 15 (fieldbook_staging.sql was dumped")));
}

#[test]
fn target_version_names_another_and_the_risks_use_its_facts() {
    let risks = |extra: &[&str]| {
        let mut args = vec!["diff", FROM, TO, "--format", "json"];
        args.extend_from_slice(extra);
        let (status, stdout, stderr) = schemadrift(&args);
        assert_eq!(status, 0, "{stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let script = json["migration"]["script"].as_str().unwrap_or_default().to_string();
        let added = json["risks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == "column-added" && r["object"] == "public.users.is_test_account")
            .cloned()
            .unwrap();
        (script, added)
    };
    // PostgreSQL 15: a column added with a constant default is instant.
    let (_, now) = risks(&[]);
    assert_eq!(now["level"], "low");
    // PostgreSQL 10 writes the default into every row.
    let (script, then) = risks(&["--target-version", "10"]);
    assert_eq!(then["level"], "high");
    assert!(then["finding"].as_str().unwrap().contains("PostgreSQL before 11 writes any default into every row"));
    assert_eq!(then["effect"]["rewrite"], true);
    assert!(script.contains("-- Assumes PostgreSQL 10 (named with --target-version)."), "{script}");
    let (status, sql, _) = schemadrift(&["diff", FROM, TO, "--format", "sql", "--target-version", "9.6"]);
    assert_eq!(status, 0);
    assert_eq!(sql.lines().nth(2), Some("-- Assumes PostgreSQL 9.x (named with --target-version)."));
}

#[test]
fn a_target_version_that_is_not_one_is_refused() {
    for (value, says) in [("fifteen", "is not a PostgreSQL version"), ("3", "does not exist")] {
        let (status, stdout, stderr) = schemadrift(&["diff", FROM, TO, "--target-version", value]);
        assert_eq!(status, 2, "{value}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(&format!("--target-version {value}: ")) && stderr.contains(says), "{stderr}");
    }
}
