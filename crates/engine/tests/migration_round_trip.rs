//! The generated migration works on a real PostgreSQL: `from` is restored, the script is applied as a
//! user would (`psql -v ON_ERROR_STOP=1 -f`), the result is dumped again, and its catalog must equal
//! the catalog of `to` (column order aside: the diff shows no change; versions listed in a
//! migration-tracking table are rows, not schema, and a schema-only dump of the result has none).
//!
//! Pairs: the project's own (the demo, and nothing ↔ every object kind), and the corpus pairs that
//! load on PostgreSQL 15, each in both directions (so every addition is also tested as a drop).
//! Pairs that cannot be tested here are listed with the reason, strictly.
//! Without a PostgreSQL server the test fails, unless `SCHEMADRIFT_POSTGRES=skip` is set.

mod common;

use schemadrift_engine::diff::Rename;
use schemadrift_engine::pipeline::{read_side, Comparison};
use schemadrift_engine::plan::{plan, script};
use schemadrift_engine::proof;
use schemadrift_engine::{build_catalog, decode, diff, read, Catalog, DiffOptions};
use std::path::{Path, PathBuf};

// Corpus pairs that cannot be tested on PostgreSQL 15 here, and pairs whose migration has a step
// the script leaves to a person (`Plan::manual`: PostgreSQL cannot make the change in place), are in
// `tests/known_failures.txt` (`pair-not-testable`, `pair-manual-step`). Strict: a pair listed with a
// manual step must still need it, and no other pair may.

fn text(path: &Path) -> String {
    decode(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap().text.into_owned()
}

/// A manual step of the form `…: ALTER TABLE … USING <expression> …; where <expression> is, for
/// example, expr (note)`, with the example put in: what a user following it would run.
fn completed_statement(manual: &str) -> Option<String> {
    let (head, example) = manual.split_once("; where <expression> is, for example, ")?;
    let statement = &head[head.find("ALTER TABLE ")?..];
    let example = example.split(" (").next().unwrap_or(example);
    Some(format!("{};", statement.replace("<expression>", example)))
}

struct Outcome {
    converged: bool,
    report: String,
}

/// Every proposed rename confirmed, again and again while confirming one reveals another (the
/// constraints of a renamed table are compared only once it is confirmed).
fn all_renames(from: &Catalog, to: &Catalog) -> DiffOptions {
    let mut options = DiffOptions::default();
    for _ in 0..4 {
        let candidates = diff(from, to, &options).rename_candidates;
        if candidates.is_empty() {
            break;
        }
        options.renames.extend(candidates.into_iter().map(|c| Rename {
            object_kind: c.object_kind,
            from: c.from,
            to: c.to,
        }));
    }
    options
}

fn round_trip(
    cluster: &pgtest::Cluster,
    number: usize,
    name: &str,
    (from_sql, to_sql): (&str, &str),
    confirm_renames: bool,
) -> Outcome {
    let side = |name: &str, sql: &str| read_side(name, sql.as_bytes(), None).expect("a pg_dump file reads");
    let (from_side, to_side) = (side("from.sql", from_sql), side("to.sql", to_sql));
    let (from, to) = (&from_side.catalog, &to_side.catalog);
    for role in proof::roles(&[from, to]) {
        let _ = cluster.query("postgres", &proof::create_role(&role));
    }
    let database = format!("rt{number}");
    cluster.create_database(&database).unwrap();
    let dir = std::env::temp_dir().join(format!("schemadrift-round-trip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let from_file = dir.join(format!("{database}-from.sql"));
    std::fs::write(&from_file, from_sql).unwrap();
    if let Err(error) = cluster.psql_file(&database, &from_file) {
        return Outcome { converged: false, report: format!("{name}: `from` does not restore: {error}") };
    }
    // The script exactly as users get it (risk lines, timeouts and all), secrets kept.
    let options = if confirm_renames { all_renames(from, to) } else { DiffOptions::default() };
    let compared = Comparison::new(from_side.clone(), to_side.clone(), options);
    let (changes, migration) = (&compared.release().diff, &compared.release().plan);
    let mut sql = compared.release().script.to_string();
    let manual_steps = common::known("pair-manual-step");
    let expected_manual = manual_steps.iter().find(|(pair, _)| name.contains(pair.as_str()));
    match (expected_manual, migration.manual.as_slice()) {
        (Some((_, subject)), manual) if manual.iter().any(|m| m.starts_with(subject.as_str())) => {
            // A step that says which statement to write, with an example for its expression, is
            // proven too: the statement, so completed, is run after the script.
            let written: Vec<String> = manual.iter().filter_map(|m| completed_statement(m)).collect();
            if written.len() < manual.len() {
                return Outcome {
                    converged: true,
                    report: format!("{name}: needs a manual step, as expected: {manual:?}"),
                };
            }
            sql.push_str(&format!("\n-- the manual steps, as the user would write them\n{}\n", written.join("\n")));
        }
        (Some((_, subject)), manual) => {
            return Outcome {
                converged: false,
                report: format!("{name}: expected a manual step `{subject}`, got {manual:?}"),
            };
        }
        (None, []) => {}
        (None, manual) => {
            return Outcome { converged: false, report: format!("{name}: unexpected manual steps: {manual:?}\n{sql}") };
        }
    }
    let script_file = dir.join(format!("{database}-migration.sql"));
    std::fs::write(&script_file, &sql).unwrap();
    if let Err(error) = cluster.psql_file(&database, &script_file) {
        return Outcome {
            converged: false,
            report: format!(
                "{name}: the migration fails: {error}\n--- script ({} changes) ---\n{sql}",
                changes.changes.len()
            ),
        };
    }
    // A lock timeout may stop the script in a phase outside a transaction: run twice in a row,
    // such a phase must leave the same schema (issue #18). A second database from `from` runs it so.
    if let Some(twice) = common::with_phases_outside_transactions_twice(&sql) {
        let again = format!("{database}_twice");
        cluster.create_database(&again).unwrap();
        cluster.psql_file(&again, &from_file).unwrap();
        let twice_file = dir.join(format!("{again}-migration.sql"));
        std::fs::write(&twice_file, &twice).unwrap();
        if let Err(error) = cluster.psql_file(&again, &twice_file) {
            return Outcome {
                converged: false,
                report: format!(
                    "{name}: a phase outside a transaction does not run twice: {error}\n--- script ---\n{twice}"
                ),
            };
        }
        let dumped = cluster.dump(&again, &proof::dump_options(to)).unwrap();
        let server_major = proof::major_version(&cluster.query("postgres", "SHOW server_version").unwrap());
        let to_major = read(to_sql).header.server_version.as_deref().and_then(proof::major_version);
        let left = proof::residual(&build_catalog(&read(&dumped)), to, &DiffOptions::default(), to_major, server_major);
        if !left.is_empty() {
            let lines: Vec<String> = proof::describe_changes(&left).iter().map(|l| format!("  {l}")).collect();
            return Outcome {
                converged: false,
                report: format!(
                    "{name}: with the phases outside a transaction run twice, differs from `to`:\n{}",
                    lines.join("\n")
                ),
            };
        }
    }
    // The result is dumped the way `to` was, and judged as `schemadrift prove` judges it.
    let dumped = cluster.dump(&database, &proof::dump_options(to)).unwrap();
    let result = build_catalog(&read(&dumped));
    let server_major = proof::major_version(&cluster.query("postgres", "SHOW server_version").unwrap());
    let to_major = read(to_sql).header.server_version.as_deref().and_then(proof::major_version);
    let left = proof::residual(&result, to, &DiffOptions::default(), to_major, server_major);
    if left.is_empty() {
        return Outcome { converged: true, report: format!("{name}: {} changes, converged", changes.changes.len()) };
    }
    let lines: Vec<String> = proof::describe_changes(&left).iter().map(|l| format!("  {l}")).collect();
    Outcome {
        converged: false,
        report: format!(
            "{name}: after the migration, still differs from `to`:\n{}\n--- script ---\n{sql}",
            lines.join("\n")
        ),
    }
}

#[test]
fn generated_migrations_take_from_to_to_on_postgresql() {
    if std::env::var_os("SCHEMADRIFT_POSTGRES").is_some_and(|v| v == "skip") {
        eprintln!("SCHEMADRIFT_POSTGRES=skip: the migration round-trip test does not run");
        return;
    }
    let cluster = pgtest::Cluster::start().unwrap_or_else(|e| panic!("cannot start a private PostgreSQL: {e}"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let empty = cluster.dump_schema("postgres", &[]).unwrap();
    let mut pairs: Vec<(String, String, String)> = vec![
        (
            "demo production → staging".into(),
            text(&root.join("demo/fieldbook_production.sql")),
            text(&root.join("demo/fieldbook_staging.sql")),
        ),
        (
            "nothing → every kind".into(),
            empty.clone(),
            text(&root.join("crates/engine/tests/fixtures/kinds/kinds.sql")),
        ),
    ];
    let fixtures = root.join("crates/engine/tests/fixtures/migrations");
    for entry in std::fs::read_dir(&fixtures).map(|d| d.flatten().collect::<Vec<_>>()).unwrap_or_default() {
        let folder = entry.path();
        if folder.join("before.sql").is_file() {
            let name = format!("fixture {}", entry.file_name().to_string_lossy());
            pairs.push((name, text(&folder.join("before.sql")), text(&folder.join("after.sql"))));
        }
    }
    if let Some(corpus) = common::corpus_dir() {
        for (before, after) in common::CORPUS_PAIRS {
            let path = |p: &str| -> PathBuf { corpus.join(p) };
            pairs.push((format!("{before} → {after}"), text(&path(before)), text(&path(after))));
        }
    }
    // Each pair both ways: additions are also tested as drops, and every migration's rollback.
    // Pairs with rename candidates run once more with all of them confirmed (RENAME statements).
    let both: Vec<(String, String, String, bool)> = pairs
        .into_iter()
        .flat_map(|(name, a, b)| {
            let renames = !all_renames(&build_catalog(&read(&a)), &build_catalog(&read(&b))).renames.is_empty();
            let mut runs = vec![
                (name.clone(), a.clone(), b.clone(), false),
                (format!("{name} (reversed)"), b.clone(), a.clone(), false),
            ];
            if renames {
                runs.push((format!("{name} (renames confirmed)"), a.clone(), b.clone(), true));
                runs.push((format!("{name} (reversed, renames confirmed)"), b, a, true));
            }
            runs
        })
        .collect();
    // `SCHEMADRIFT_ROUND_TRIP=text` runs only the pairs whose name contains the text (to debug one).
    let only = std::env::var("SCHEMADRIFT_ROUND_TRIP").unwrap_or_default();
    let mut failures = Vec::new();
    let mut converged = 0;
    for (number, (name, from, to, renames)) in both.iter().enumerate().filter(|(_, (name, ..))| name.contains(&only)) {
        let outcome = round_trip(&cluster, number, name, (from, to), *renames);
        eprintln!("{}", outcome.report.lines().next().unwrap_or_default());
        if outcome.converged {
            converged += 1;
        } else {
            failures.push(outcome.report);
        }
    }
    eprintln!("{converged} of {} migrations converged or stopped at an expected manual step", both.len());
    // Per suite, the pairs whose every run converged (both directions, renames confirmed or not).
    let mut pairs: std::collections::BTreeMap<(&str, &str), bool> = std::collections::BTreeMap::new();
    for (name, ..) in both.iter().filter(|(name, ..)| name.contains(&only)) {
        let pair = name.split(" (").next().unwrap_or(name);
        let suite = if pair.starts_with("demo ") || pair.starts_with("nothing ") || pair.starts_with("fixture ") {
            "project"
        } else {
            "corpus"
        };
        let failed = failures.iter().any(|f| f.starts_with(&format!("{name}:")));
        *pairs.entry((suite, pair)).or_insert(true) &= !failed;
    }
    let mut summary = Vec::new();
    for suite in ["project", "corpus"] {
        let of_suite: Vec<bool> = pairs.iter().filter(|((s, _), _)| *s == suite).map(|(_, ok)| *ok).collect();
        let both_ways = of_suite.iter().filter(|ok| **ok).count();
        let total = of_suite.len();
        summary.push(format!(
            "proof: {both_ways} of {total} pairs converge in both directions ({suite}, round trip, PostgreSQL 15)"
        ));
    }
    for line in &summary {
        eprintln!("{line}");
    }
    if only.is_empty() {
        common::record_proof_summary("round_trip", &summary);
    }
    assert!(
        failures.is_empty(),
        "{} of {} migrations did not converge:\n\n{}",
        failures.len(),
        both.len(),
        failures.join("\n\n")
    );
}

/// Class 12 of #17: with secrets redacted (the default), the script never applies a placeholder. It
/// takes each secret from a psql variable: run without them, it stops before changing anything;
/// run with them, it reaches `to`, secrets included.
#[test]
fn class12_a_redacted_script_asks_for_its_secrets_and_then_converges() {
    if std::env::var_os("SCHEMADRIFT_POSTGRES").is_some_and(|v| v == "skip") {
        return;
    }
    let cluster = pgtest::Cluster::start().unwrap_or_else(|e| panic!("cannot start a private PostgreSQL: {e}"));
    let from_sql = "CREATE FOREIGN DATA WRAPPER files; CREATE TABLE public.t (id int);";
    let to_sql = "CREATE FOREIGN DATA WRAPPER files; CREATE TABLE public.t (id int);
        CREATE SERVER archive FOREIGN DATA WRAPPER files OPTIONS (host 'db.internal');
        CREATE USER MAPPING FOR postgres SERVER archive OPTIONS (\"user\" 'app', password 'Sup3rSecret!');
        COMMENT ON TABLE public.t IS 'rotated key AKIAIOSFODNN7EXAMPLE, see the runbook';
        CREATE FUNCTION public.api_key() RETURNS text LANGUAGE sql AS $$ SELECT 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' $$;";
    let mut dumps = Vec::new();
    for (name, sql) in [("secret_from", from_sql), ("secret_to", to_sql)] {
        cluster.create_database(name).unwrap();
        cluster.query(name, sql).unwrap();
        dumps.push(cluster.dump_schema(name, &["--no-owner"]).unwrap());
    }
    let side = |name: &str, dump: &str| read_side(name, dump.as_bytes(), None).unwrap();
    let compared = Comparison::new(side("a", &dumps[0]), side("b", &dumps[1]), DiffOptions::default());
    let secrets = compared.secrets();
    assert_eq!(secrets.len(), 3, "{secrets:?}");
    let mut release = compared.release().clone();
    release.redact(&secrets);
    let sql = &release.script;
    for value in ["Sup3rSecret!", "AKIAIOSFODNN7EXAMPLE", "sk_live_4eC39", "[REDACTED]"] {
        assert!(!sql.contains(value), "the script holds {value}:\n{sql}");
    }
    let dir = std::env::temp_dir().join(format!("schemadrift-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("migration.sql");
    std::fs::write(&file, sql.as_bytes()).unwrap();
    let run = |variables: &[(&str, &str)]| {
        let mut psql = cluster.client("psql");
        psql.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "secret_from"]);
        for (name, value) in variables {
            psql.args(["-v", &format!("{name}={value}")]);
        }
        psql.arg("-f").arg(&file).output().unwrap()
    };
    let refused = run(&[]);
    assert!(!refused.status.success(), "runs without its secrets:\n{sql}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("needs the psql variable secret_"), "{refused:?}");
    assert_eq!(cluster.query("secret_from", "SELECT count(*) FROM pg_foreign_server").unwrap(), "0");
    // The header names each variable with where its value is in the dump.
    let mut given: Vec<(String, &str)> = Vec::new();
    for number in 1..=3 {
        let name = format!("secret_{number}");
        assert!(sql.contains(&format!("-v {name}='…'")), "{sql}");
        let about =
            sql.lines().find(|l| l.starts_with(&format!("--   {name}: the "))).unwrap_or_else(|| panic!("{sql}"));
        let value = match () {
            _ if about.contains("password option") => "Sup3rSecret!",
            _ if about.contains("COMMENT ON TABLE") => "AKIAIOSFODNN7EXAMPLE",
            _ if about.contains("SELECT") => "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            _ => panic!("{about}"),
        };
        given.push((name, value));
    }
    let given: Vec<(&str, &str)> = given.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    let applied = run(&given);
    assert!(applied.status.success(), "{}\n{sql}", String::from_utf8_lossy(&applied.stderr));
    let result = build_catalog(&read(&cluster.dump_schema("secret_from", &["--no-owner"]).unwrap()));
    let left = diff(&result, &compared.to().catalog, &DiffOptions::default());
    assert!(left.changes.is_empty(), "{:#?}\n{sql}", left.changes);
}

/// Class 10 of #17: statements PostgreSQL refuses inside a transaction block (a subscription's
/// create and drop) run outside one, both ways.
#[test]
fn class10_subscriptions_are_made_and_dropped_outside_a_transaction() {
    if std::env::var_os("SCHEMADRIFT_POSTGRES").is_some_and(|v| v == "skip") {
        return;
    }
    let cluster = pgtest::Cluster::start().unwrap_or_else(|e| panic!("cannot start a private PostgreSQL: {e}"));
    cluster.create_database("publisher").unwrap();
    cluster.query("publisher", "CREATE TABLE t (id int PRIMARY KEY); CREATE PUBLICATION p FOR TABLE t;").unwrap();
    let table = "CREATE TABLE t (id int PRIMARY KEY);";
    let subscription = format!(
        "CREATE SUBSCRIPTION s CONNECTION 'host=127.0.0.1 port={} dbname=publisher user=postgres' PUBLICATION p WITH (connect = false);",
        cluster.port
    );
    let mut dumps = Vec::new();
    for (name, sql) in [("sub_without", table.to_string()), ("sub_with", subscription)] {
        cluster.create_database(name).unwrap();
        cluster.query(name, table).unwrap();
        if sql != table {
            cluster.query(name, &sql).unwrap();
        }
        dumps.push(cluster.dump_schema(name, &["--no-owner"]).unwrap());
    }
    assert!(dumps[1].contains("CREATE SUBSCRIPTION"), "{}", dumps[1]);
    let dir = std::env::temp_dir().join(format!("schemadrift-subscription-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (database, from, to) in [("sub_without", &dumps[0], &dumps[1]), ("sub_with", &dumps[1], &dumps[0])] {
        if database == "sub_with" {
            // A live subscription has its slot on the publisher (a restored one, made with
            // `connect = false`, does not): the drop must remove it.
            cluster.query("publisher", "SELECT pg_create_logical_replication_slot('s', 'pgoutput')").unwrap();
        }
        let (from, to) = (build_catalog(&read(from)), build_catalog(&read(to)));
        let changes = diff(&from, &to, &DiffOptions::default());
        let sql = script(
            &plan(&from, &to, &changes),
            database,
            &[],
            &schemadrift_engine::version::TargetVersion::of(None, database, None),
        );
        let file = dir.join(format!("{database}.sql"));
        std::fs::write(&file, &sql).unwrap();
        cluster.psql_file(database, &file).unwrap_or_else(|e| panic!("{e}\n{sql}"));
        let result = build_catalog(&read(&cluster.dump_schema(database, &["--no-owner"]).unwrap()));
        let left = diff(&result, &to, &DiffOptions::default());
        assert!(left.changes.is_empty(), "{:#?}\n{sql}", left.changes);
    }
    assert_eq!(cluster.query("publisher", "SELECT count(*) FROM pg_replication_slots").unwrap(), "0");
}

/// Class 1 of #17: a table partitioned by another key is made again, and every row of every old
/// partition reaches the new partitions; its foreign key (which a partitioned table cannot take NOT
/// VALID) is added after the rows.
#[test]
fn a_new_partition_key_keeps_every_row() {
    if std::env::var_os("SCHEMADRIFT_POSTGRES").is_some_and(|v| v == "skip") {
        return;
    }
    let cluster = pgtest::Cluster::start().unwrap_or_else(|e| panic!("cannot start a private PostgreSQL: {e}"));
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations/class1_partitioned_keys");
    let mut dumps = Vec::new();
    for (database, file) in [("keys_before", "build_before.sql"), ("keys_after", "build_after.sql")] {
        cluster.create_database(database).unwrap();
        cluster.psql_file(database, &folder.join(file)).unwrap();
        dumps.push(cluster.dump_schema(database, &["--no-owner"]).unwrap());
    }
    cluster
        .query(
            "keys_before",
            "INSERT INTO public.accounts VALUES (1), (2);
             INSERT INTO public.ledger VALUES (1, 1, '2025-03-01', 'debit'), (2, 2, '2025-07-01', 'credit'),
                                              (3, 1, '2026-02-01', 'debit'), (4, NULL, '2026-09-01', 'credit');",
        )
        .unwrap();
    let (from, to) = (build_catalog(&read(&dumps[0])), build_catalog(&read(&dumps[1])));
    let sql = script(
        &plan(&from, &to, &diff(&from, &to, &DiffOptions::default())),
        "keys",
        &[],
        &schemadrift_engine::version::TargetVersion::of(None, "keys", None),
    );
    let file = std::env::temp_dir().join(format!("schemadrift-keys-{}.sql", std::process::id()));
    std::fs::write(&file, &sql).unwrap();
    cluster.psql_file("keys_before", &file).unwrap_or_else(|e| panic!("{e}\n{sql}"));
    let rows = |table: &str| cluster.query("keys_before", &format!("SELECT count(*) FROM public.{table}")).unwrap();
    assert_eq!(
        (rows("ledger"), rows("ledger_debit"), rows("ledger_credit")),
        ("4".into(), "2".into(), "2".into()),
        "{sql}"
    );
    let result = build_catalog(&read(&cluster.dump_schema("keys_before", &["--no-owner"]).unwrap()));
    assert!(diff(&result, &to, &DiffOptions::default()).changes.is_empty(), "{sql}");
}

/// The `pair-not-testable` entries name pairs that exist and that the round trip really leaves out:
/// an entry for a pair that was taken into `CORPUS_PAIRS`, or for one that is gone, is stale.
#[test]
fn the_pairs_left_out_of_the_round_trip_exist_and_are_left_out() {
    let Some(corpus) = common::corpus_dir() else { return };
    let files: Vec<String> = common::dumps(&corpus)
        .iter()
        .map(|f| f.strip_prefix(&corpus).unwrap_or(f).to_string_lossy().into_owned())
        .collect();
    let left_out = common::known("pair-not-testable");
    assert!(!left_out.is_empty());
    for (pair, reason) in &left_out {
        assert!(files.iter().any(|f| f.contains(pair.as_str())), "{pair} ({reason}): no such corpus file");
        let tested: Vec<_> = common::CORPUS_PAIRS
            .iter()
            .filter(|(a, b)| a.contains(pair.as_str()) || b.contains(pair.as_str()))
            .collect();
        assert!(tested.is_empty(), "{pair} is listed as not testable but the round trip tests {tested:?}");
    }
}
