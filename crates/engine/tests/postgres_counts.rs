//! The catalog's object counts equal what PostgreSQL itself reports once the dump is restored.
//!
//! Every corpus dump and the demo dumps are loaded into a private PostgreSQL (pgtest crate) with
//! `psql -v ON_ERROR_STOP=1`, exactly as a user would restore them. Dumps that cannot load on the
//! installed PostgreSQL are listed below with the reason, strictly: a change either way fails.
//! Without a PostgreSQL server the test fails, unless `SCHEMADRIFT_POSTGRES=skip` says on purpose
//! that it should not run (`cargo xtask test` installs the server).

mod common;

use schemadrift_engine::{build_catalog, decode, read, Counts};
use std::path::PathBuf;

const COUNT_QUERY: &str = "
WITH ext AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e'),
ns AS (
  SELECT n.oid FROM pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp_%'
    AND n.nspname NOT LIKE 'pg_toast_temp_%'
    AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_namespace'::regclass AND ext.objid = n.oid)),
rel AS (
  SELECT c.oid, c.relkind FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid))
SELECT concat_ws(',',
  (SELECT count(*) FROM ns),
  (SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql'),
  (SELECT count(*) FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
     WHERE (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
       AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_type'::regclass AND ext.objid = t.oid)),
  (SELECT count(*) FROM rel WHERE relkind = 'S'),
  (SELECT count(*) FROM rel WHERE relkind IN ('r', 'p')),
  (SELECT count(*) FROM pg_attribute a JOIN rel ON rel.oid = a.attrelid
     WHERE rel.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped),
  -- Constraints a dump prints or implies: CHECKs inherited by partitions are neither.
  (SELECT count(*) FROM pg_constraint k JOIN rel ON rel.oid = k.conrelid
     WHERE k.contype IN ('p', 'u', 'x') OR (k.contype = 'c' AND k.conislocal)),
  -- Foreign keys cloned onto partitions are not printed by pg_dump.
  (SELECT count(*) FROM pg_constraint k JOIN rel ON rel.oid = k.conrelid WHERE k.contype = 'f' AND k.conparentid = 0),
  (SELECT count(*) FROM pg_index i JOIN rel ON rel.oid = i.indrelid
     WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))),
  (SELECT count(*) FROM rel WHERE relkind = 'v'),
  (SELECT count(*) FROM rel WHERE relkind = 'm'),
  -- Functions a dump creates: not extension members, not made internally (range constructors).
  (SELECT count(*) FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
     WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid)
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i')),
  (SELECT count(*) FROM pg_trigger g JOIN rel ON rel.oid = g.tgrelid WHERE NOT g.tgisinternal AND g.tgparentid = 0),
  (SELECT count(*) FROM pg_policy))";

/// The counts PostgreSQL reports, in the order of `COUNT_QUERY`.
const KINDS: [&str; 14] = [
    "schemas",
    "extensions",
    "types",
    "sequences",
    "tables",
    "columns",
    "constraints",
    "foreign_keys",
    "indexes",
    "views",
    "materialized_views",
    "functions",
    "triggers",
    "policies",
];

fn catalog_counts(counts: &Counts) -> Vec<(String, usize)> {
    let entries = counts.entries();
    KINDS
        .iter()
        .map(|kind| (kind.to_string(), entries.iter().find(|(k, _)| k == kind).map(|(_, n)| *n).unwrap()))
        .collect()
}

/// The project's fixtures and, unless turned off with `SCHEMADRIFT_CORPUS=skip`, the corpus.
fn dumps() -> Vec<PathBuf> {
    let mut files = common::project_dumps();
    if let Some(corpus) = common::corpus_dir() {
        files.extend(common::dumps(&corpus));
    }
    files.sort();
    files
}

#[test]
fn catalog_counts_equal_what_postgresql_reports_for_the_restored_dump() {
    if std::env::var_os("SCHEMADRIFT_POSTGRES").is_some_and(|v| v == "skip") {
        eprintln!("SCHEMADRIFT_POSTGRES=skip: the PostgreSQL count test does not run");
        return;
    }
    let cluster = pgtest::Cluster::start().unwrap_or_else(|e| panic!("cannot start a private PostgreSQL: {e}"));
    // The kinds fixture grants to a role of its own; roles live outside the dump.
    cluster.query("postgres", "CREATE ROLE kinds_reader").unwrap();
    let mut could_not_load = Vec::new();
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for (number, path) in dumps().iter().enumerate() {
        let shown = path.to_string_lossy().replace('\\', "/");
        let database = format!("d{number}");
        cluster.create_database(&database).unwrap();
        if let Err(error) = cluster.psql_file(&database, path) {
            let last_line = error.lines().last().unwrap_or("").to_string();
            could_not_load.push((shown, last_line));
            continue;
        }
        let reported = cluster.query(&database, COUNT_QUERY).unwrap();
        let reported: Vec<usize> = reported.split(',').map(|n| n.parse().unwrap()).collect();
        let text = decode(&std::fs::read(path).unwrap()).unwrap().text.into_owned();
        let ours = catalog_counts(&build_catalog(&read(&text)).counts());
        for ((kind, ours), theirs) in ours.iter().zip(&reported) {
            if ours != theirs {
                mismatches.push(format!("{shown}: {kind}: catalog {ours}, PostgreSQL {theirs}"));
            }
        }
        compared += 1;
    }
    // Files (by ending) that do not load on PostgreSQL 15, and why: tests/known_failures.txt.
    let cannot_load = common::known("dump-cannot-load");
    let unexpected: Vec<&(String, String)> =
        could_not_load.iter().filter(|(f, _)| !cannot_load.iter().any(|(end, _)| f.ends_with(end))).collect();
    assert!(unexpected.is_empty(), "these dumps did not load on PostgreSQL: {unexpected:#?}");
    let loaded_now: Vec<&str> = cannot_load
        .iter()
        .filter(|(end, _)| dumps().iter().any(|d| d.to_string_lossy().ends_with(end.as_str())))
        .filter(|(end, _)| !could_not_load.iter().any(|(f, _)| f.ends_with(end.as_str())))
        .map(|(end, _)| end.as_str())
        .collect();
    assert!(
        loaded_now.is_empty(),
        "these now load; compare them and take them off [dump-cannot-load] in known_failures.txt: {loaded_now:?}"
    );
    assert!(compared >= 2, "nothing was compared");
    eprintln!("compared the counts of {compared} restored dumps with PostgreSQL's");
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
}
