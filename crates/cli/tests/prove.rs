//! `schemadrift prove` as users run it: every verdict and exit status, on pairs dumped by a real
//! pg_dump (`fixtures/prove/`, built from the `*_from.sql` / `*_to.sql` beside them; see its
//! README), and the scratch-database rules. Needs PostgreSQL's server programs (installed by
//! `cargo xtask test`); without them it fails, unless `SCHEMADRIFT_POSTGRES=skip` is set.

mod common;

fn skipped() -> bool {
    let skip = std::env::var_os("SCHEMADRIFT_POSTGRES").is_some_and(|v| v == "skip");
    if skip {
        eprintln!("SCHEMADRIFT_POSTGRES=skip: the prove tests do not run");
    }
    skip
}

fn prove(pair: &str, extra: &[&str]) -> (i32, String, String) {
    let from = format!("crates/cli/tests/fixtures/prove/{pair}_from.dump.sql");
    let to = format!("crates/cli/tests/fixtures/prove/{pair}_to.dump.sql");
    let mut args = vec!["prove", from.as_str(), to.as_str()];
    args.extend_from_slice(extra);
    common::schemadrift(&args, None)
}

#[test]
fn the_demo_pair_is_proven_both_ways_with_exit_status_0() {
    if skipped() {
        return;
    }
    let (status, stdout, stderr) =
        common::schemadrift(&["prove", "demo/fieldbook_production.sql", "demo/fieldbook_staging.sql"], None);
    assert_eq!(status, 0, "{stdout}{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("proven: applying the "), "{stdout}");
    assert!(lines[0].contains(" statements of the migration to fieldbook_production.sql on PostgreSQL "), "{stdout}");
    assert!(lines[0].ends_with("gives fieldbook_staging.sql's schema: 0 differences (column order aside)"), "{stdout}");
    assert!(
        lines[1].starts_with("proven: applying the ") && lines[1].contains(" of the rollback to fieldbook_staging.sql")
    );
    assert!(lines[2].starts_with("proved in "), "{stdout}");
}

#[test]
fn a_failing_statement_is_named_with_its_phase_line_and_postgresql_message() {
    if skipped() {
        return;
    }
    let (status, stdout, stderr) = prove("failing", &[]);
    assert_eq!(status, 1, "{stdout}{stderr}");
    assert!(
        stdout.starts_with(
            "failed: statement 7 of 8 of the migration (line 18, phase 1 (schema preparation)) fails on PostgreSQL "
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("ERROR:  schema changes are frozen: CREATE TABLE is not allowed during the freeze\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  CONTEXT:  PL/pgSQL function refuse_new_tables() line 3 at RAISE\n"), "{stdout}");
    assert!(stdout.contains("  the statement:\n    CREATE TABLE IF NOT EXISTS public.tags ("), "{stdout}");
    // The rollback drops the table, which the freeze allows.
    assert!(stdout.contains("\nproven: applying the 8 statements of the rollback"), "{stdout}");

    let (status, json, _) = prove("failing", &["--format", "json"]);
    assert_eq!(status, 1);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let migration = &json["proofs"][0];
    assert_eq!(migration["direction"], "migration");
    assert_eq!(migration["verdict"]["verdict"], "failed");
    assert_eq!(migration["verdict"]["number"], 7);
    assert_eq!(migration["verdict"]["line"], 18);
    assert!(migration["verdict"]["statement"].as_str().unwrap().starts_with("CREATE TABLE IF NOT EXISTS public.tags"));
    assert!(migration["headline"].as_str().unwrap().starts_with("failed: statement 7 of 8"));
    assert_eq!(json["proofs"][1]["verdict"]["verdict"], "proven");
}

#[test]
fn a_result_that_differs_lists_what_differs_and_exits_1() {
    if skipped() {
        return;
    }
    let (status, stdout, stderr) = prove("differing", &[]);
    assert_eq!(status, 1, "{stdout}{stderr}");
    assert!(
        stdout.starts_with("differs: after the 8 statements of the migration, differing_from.dump.sql on PostgreSQL "),
        "{stdout}"
    );
    assert!(
        stdout.contains(" still differs from differing_to.dump.sql in 1 place\n  extra comment table public.tags\n"),
        "{stdout}"
    );
}

#[test]
fn an_extension_the_server_lacks_cannot_prove_names_it_and_exits_2() {
    if skipped() {
        return;
    }
    // pgvector is not packaged for Debian: the PostgreSQL the tests install does not have it.
    let (status, stdout, stderr) = prove("pgvector", &[]);
    assert_eq!(status, 2, "{stdout}{stderr}");
    assert!(
        stdout.starts_with("cannot prove the migration: PostgreSQL ")
            && stdout.contains(" here does not have the extension vector (used by column public.documents.embedding, index public.documents_embedding) that the dumps use"),
        "{stdout}"
    );
}

#[test]
fn the_rest_is_proven_without_what_needs_an_extension_the_server_lacks() {
    if skipped() {
        return;
    }
    // `authors` needs nothing; `documents` needs pgvector, which the PostgreSQL here lacks (so the
    // pair is the SQL written for it, read as it is: no PostgreSQL here can dump it).
    let (from, to) = (
        "crates/cli/tests/fixtures/prove/pgvector_partly_from.sql",
        "crates/cli/tests/fixtures/prove/pgvector_partly_to.sql",
    );
    let (status, stdout, stderr) = common::schemadrift(&["prove", from, to], None);
    assert_eq!(status, 2, "a proof of the rest is not a whole proof: {stdout}{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("proven except what needs vector: applying the other ")
            && lines[0].contains(" of the migration to pgvector_partly_from.sql on PostgreSQL ")
            && lines[0].ends_with(
                "gives pgvector_partly_to.sql's schema, what needs vector aside: 0 differences (column order aside)"
            ),
        "{stdout}"
    );
    assert!(
        stdout.contains("  note: not proven: what needs the extension vector that PostgreSQL ")
            && stdout.contains(" here does not have (table public.documents, index public.documents_embedding; 1 statement of the script not run): prove it on a PostgreSQL that has it"),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.starts_with("proven except what needs vector: applying the other ")
            && l.contains(" of the rollback ")),
        "{stdout}"
    );
    // The server has PostGIS: the pair with changes besides is proven whole.
    let (status, stdout, stderr) = prove("postgis_partly", &[]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(stdout.starts_with("proven: applying the "), "{stdout}");
}

#[test]
fn an_extension_the_server_has_is_loaded_and_proven() {
    if skipped() {
        return;
    }
    // PostGIS is installed with the test PostgreSQL (it is not in PGlite: the browser cannot).
    let (status, stdout, stderr) = prove("postgis", &[]);
    assert_eq!(status, 0, "{stdout}{stderr}");
}

#[test]
fn no_postgresql_programs_in_the_named_folder_cannot_prove() {
    let (status, stdout, stderr) = prove("differing", &["--pg-bin", "crates"]);
    assert_eq!(status, 2, "{stdout}{stderr}");
    assert!(stderr.contains("cannot start a throw-away PostgreSQL: crates has no `initdb`"), "{stderr}");
}

#[test]
fn a_scratch_database_must_be_empty_and_one_is_needed_per_script() {
    if skipped() {
        return;
    }
    let cluster = pgtest::Cluster::start().unwrap();
    let url = |database: &str| format!("postgresql://postgres@127.0.0.1:{}/{database}", cluster.port);
    for database in ["used", "empty1", "empty2", "empty3"] {
        cluster.create_database(database).unwrap();
    }
    cluster.query("used", "CREATE TABLE public.keep (id integer)").unwrap();
    let bin = pgtest::bin_dir().unwrap().display().to_string();

    let (status, stdout, stderr) = prove("differing", &["--pg-bin", &bin, "--scratch-url", &url("used")]);
    assert_eq!(status, 2, "{stdout}{stderr}");
    assert!(stderr.contains("/used: the database is not empty (it holds relation keep)"), "{stderr}");
    assert_eq!(stdout, "");
    // Nothing was written: the one table is all it has.
    let tables = cluster
        .query("used", "SELECT string_agg(relname, ',') FROM pg_class WHERE relnamespace = 'public'::regnamespace");
    assert_eq!(tables.unwrap(), "keep");

    // One database proves the migration; the rollback needs a second one.
    let (status, stdout, stderr) = prove("failing", &["--pg-bin", &bin, "--scratch-url", &url("empty1")]);
    assert_eq!(status, 1, "{stdout}{stderr}");
    assert!(stdout.starts_with("failed: statement 7 of 8 of the migration"), "{stdout}");
    assert!(
        stdout.contains("cannot prove the rollback: the proof stopped: each script needs an empty database of its own"),
        "{stdout}"
    );

    let two = ["--pg-bin", &bin, "--scratch-url", &url("empty2"), "--scratch-url", &url("empty3")];
    let (status, stdout, stderr) = common::schemadrift(
        &[&["prove", "demo/fieldbook_production.sql", "demo/fieldbook_staging.sql"], &two[..]].concat(),
        None,
    );
    assert_eq!(status, 0, "{stdout}{stderr}");
}
