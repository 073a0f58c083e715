//! Other projects' test cases (and the project's own migration fixtures), judged by the method of `../shared/peer-suites/README.md` (read in
//! place, never copied): each case's two schemas are built on PostgreSQL 15 and dumped; the
//! migration schemadrift writes from those dumps is applied to a copy of the first database with
//! `psql -v ON_ERROR_STOP=1`; the result's dump must equal the second database's dump, TOC entries
//! compared as a set (the order of a table's columns aside, owners and privileges included). Both
//! directions, and a dump compared with itself must show no change.
//!
//! The comparison of the two dumps is plain text, independent of schemadrift's catalog and diff, so
//! a change the diff does not see still fails here.
//!
//! Cases that cannot load on PostgreSQL 15 as written, and cases schemadrift refuses on purpose, are
//! listed strictly: a listed case that starts to load or converge fails the test too, so the lists
//! only shrink. `SCHEMADRIFT_PEER=text` runs only the cases whose name contains the text.
//! Without the suites the test fails, unless `SCHEMADRIFT_CORPUS=skip` is set; without a PostgreSQL
//! server it fails, unless `SCHEMADRIFT_POSTGRES=skip` is set.

mod common;

use schemadrift_engine::pipeline::{read_side, Comparison};
use schemadrift_engine::DiffOptions;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

// What is expected not to load or converge is in `tests/known_failures.txt` (sections
// `peer-cannot-load`, `peer-refused`: the migration applies and the schema works the same, but no
// statement makes PostgreSQL write it as the target, and the script says so as a manual step holding
// the reason's text, checked; `peer-not-yet`: directions that do not converge yet, issue #17).

fn suites_dir() -> Option<PathBuf> {
    let corpus = common::corpus_dir()?;
    let dir =
        std::env::var_os("SCHEMADRIFT_PEER_SUITES").map(PathBuf::from).unwrap_or_else(|| corpus.join("../peer-suites"));
    assert!(dir.is_dir(), "the peer suites folder {} is missing (or set SCHEMADRIFT_PEER_SUITES)", dir.display());
    Some(dir)
}

/// One case: its name (`suite/case`) and the SQL of its two schemas.
struct Case {
    name: String,
    a: String,
    b: String,
    roles: Vec<String>,
}

fn cases(dir: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    // The project's own migration fixtures are judged the same way, from the SQL they are built from.
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations");
    let suites = [
        ("migra", dir.join("migra"), "a.sql", "b.sql"),
        ("apgdiff", dir.join("apgdiff"), "original.sql", "new.sql"),
        ("schemadrift", own, "build_before.sql", "build_after.sql"),
        // Cases the project wrote in the peer suites' shape (`fixtures/peer_cases/README.md`).
        ("cases", Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/peer_cases"), "a.sql", "b.sql"),
    ];
    // The corpus pairs too, from their dumps.
    if let Some(corpus) = common::corpus_dir() {
        for (before, after) in common::CORPUS_PAIRS {
            let read = |f: &str| std::fs::read_to_string(corpus.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            let (a, b) = (read(before), read(after));
            let mut roles = named_roles(&a);
            roles.extend(named_roles(&b));
            roles.sort();
            roles.dedup();
            let case = after.rsplit_once('/').map_or(*after, |(_, file)| file).trim_end_matches(".sql");
            let folder = after.rsplit_once('/').map_or("", |(folder, _)| folder);
            out.push(Case { name: format!("corpus/{folder}/{case}"), a, b, roles });
        }
    }
    for (suite, folder, a_file, b_file) in suites {
        let mut folders: Vec<PathBuf> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join(a_file).is_file())
            .collect();
        folders.sort();
        for folder in folders {
            let read = |f: &str| std::fs::read_to_string(folder.join(f)).unwrap_or_default();
            let mut roles = Vec::new();
            if let Ok(meta) = std::fs::read_to_string(folder.join("meta.json")) {
                let value: serde_json::Value = serde_json::from_str(&meta).unwrap_or_default();
                if let Some(list) = value.get("roles").and_then(|r| r.as_array()) {
                    roles.extend(list.iter().filter_map(|r| r.as_str().map(str::to_string)));
                }
            }
            let (a, b) = (read(a_file), read(b_file));
            roles.extend(named_roles(&a));
            roles.extend(named_roles(&b));
            roles.sort();
            roles.dedup();
            let name = format!("{suite}/{}", folder.file_name().unwrap_or_default().to_string_lossy());
            out.push(Case { name, a, b, roles });
        }
    }
    out
}

/// Roles a schema's SQL names (`OWNER TO r`, `GRANT … TO r`, `REVOKE … FROM r`, `AUTHORIZATION r`,
/// a policy's `TO r`): they live outside a database and must exist before it is built.
fn named_roles(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = sql.to_lowercase();
    for statement in lower.split(';') {
        let words: Vec<&str> =
            statement.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
        let granting = words.first().is_some_and(|w| *w == "grant" || *w == "revoke")
            || words.windows(2).any(|w| w == ["create", "policy"]);
        for (i, word) in words.iter().enumerate() {
            let takes_list = (*word == "to" || *word == "from") && granting;
            let takes_one = *word == "authorization" || (*word == "to" && i > 0 && words[i - 1] == "owner");
            if !(takes_list || takes_one) {
                continue;
            }
            for role in &words[i + 1..] {
                let role = role.trim_matches(|c| c == '"' || c == ')' || c == '(');
                if ["with", "using", "check", "granted", "cascade", "restrict", "group"].contains(&role) {
                    break;
                }
                if !role.is_empty() && !["public", "current_user", "session_user", "current_role"].contains(&role) {
                    out.push(role.to_string());
                }
                if takes_one {
                    break;
                }
            }
        }
    }
    out
}

/// What a fresh PostgreSQL 15 database needs before a case's SQL runs, by the suites' README.
fn preparation(sql: &str) -> String {
    let lower = sql.to_lowercase();
    let mut out = String::new();
    let creates_plpgsql = lower.lines().any(|line| {
        let mut words = line.split_whitespace().map(|w| w.trim_end_matches(';'));
        words.next() == Some("create") && {
            let mut words = words.skip_while(|w| ["or", "replace", "trusted", "procedural"].contains(w));
            matches!(words.next(), Some("language" | "extension")) && words.next() == Some("plpgsql")
        }
    });
    if creates_plpgsql {
        out.push_str("DROP EXTENSION plpgsql;\n");
    }
    if lower.contains("create schema public") {
        out.push_str("DROP SCHEMA public;\n");
    }
    if lower.contains("server ats") && !lower.contains("create server ats") {
        out.push_str("CREATE FOREIGN DATA WRAPPER dummy;\nCREATE SERVER ats FOREIGN DATA WRAPPER dummy;\n");
    }
    out
}

/// A dump as a multiset of its TOC entries, each entry's text normalized: the `\restrict` key
/// lines (random per run) and the column order of a `CREATE TABLE` do not count, nor does the
/// `plpgsql` extension with its comment: pg_dump leaves it out when initdb made it and writes it
/// when a later `CREATE LANGUAGE plpgsql` or `CREATE EXTENSION plpgsql` did (it goes by the
/// extension's OID), the same schema either way.
fn entries(dump: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let lines: Vec<&str> =
        dump.lines().filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict")).collect();
    let mut current: Vec<&str> = Vec::new();
    let mut flush = |current: &mut Vec<&str>| {
        if let Some(first) = current.first() {
            let plpgsql = first.starts_with("-- Name: plpgsql; Type: EXTENSION;")
                || first.starts_with("-- Name: EXTENSION plpgsql; Type: COMMENT;");
            if first.starts_with("-- Name: ") && !plpgsql {
                *out.entry(normalize(current)).or_insert(0) += 1;
            }
        }
        current.clear();
    };
    for line in lines {
        if line.starts_with("-- Name: ") || line.starts_with("-- PostgreSQL database dump complete") {
            flush(&mut current);
        }
        if line == "--" {
            continue;
        }
        current.push(line);
    }
    flush(&mut current);
    out
}

/// One entry's text with a table's column lines sorted, and the grants of a privileges entry
/// sorted (PostgreSQL keeps an object's privileges in the order they were granted, which means
/// nothing). Session settings pg_dump writes between entries (`SET default_tablespace`) are not
/// part of any entry.
fn normalize(lines: &[&str]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    let mut in_table = false;
    for line in lines
        .iter()
        .filter(|l| !l.is_empty() && !l.starts_with("SET ") && !l.starts_with("SELECT pg_catalog.set_config"))
    {
        if in_table && line.starts_with("    ") {
            columns.push(line.trim_end_matches(',').to_string());
            continue;
        }
        if in_table {
            columns.sort();
            out.append(&mut columns);
            in_table = false;
        }
        out.push(line.to_string());
        if (line.starts_with("CREATE TABLE ")
            || line.starts_with("CREATE UNLOGGED TABLE ")
            || line.starts_with("CREATE FOREIGN TABLE "))
            && line.ends_with('(')
        {
            in_table = true;
        }
    }
    columns.sort();
    out.append(&mut columns);
    if lines.first().is_some_and(|header| header.contains("; Type: ACL;")) {
        out[1..].sort();
    }
    out.join("\n")
}

/// What differs between two dumps' entries, for the failure message.
fn entry_difference(got: &str, want: &str) -> Option<String> {
    let (got, want) = (entries(got), entries(want));
    if got == want {
        return None;
    }
    let mut lines = Vec::new();
    for (entry, n) in &got {
        if want.get(entry) != Some(n) {
            lines.push(format!("  only after the migration:\n    {}", entry.replace('\n', "\n    ")));
        }
    }
    for (entry, n) in &want {
        if got.get(entry) != Some(n) {
            lines.push(format!("  only in the target:\n    {}", entry.replace('\n', "\n    ")));
        }
    }
    Some(lines.join("\n"))
}

#[derive(Debug)]
enum Verdict {
    CannotLoad(String),
    Converged,
    Failed(String),
}

struct Run<'a> {
    cluster: &'a pgtest::Cluster,
    dir: PathBuf,
    next: AtomicUsize,
}

impl Run<'_> {
    fn database(&self) -> String {
        format!("peer{}", self.next.fetch_add(1, Ordering::Relaxed))
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// A database built from one schema's SQL, and its dump.
    fn build(&self, sql: &str) -> Result<(String, String), String> {
        let database = self.database();
        self.cluster.create_database(&database)?;
        let prepared = format!("{}{sql}", preparation(sql));
        self.cluster.psql_file(&database, &self.file(&format!("{database}.sql"), &prepared))?;
        let dump = self.cluster.dump_schema(&database, &[])?;
        Ok((database, dump))
    }

    /// One direction: the migration from `from`'s dump to `to`'s, applied to `from`'s database
    /// (dumped already, so it is needed for nothing else).
    fn direction(&self, (from_db, from_dump): (&str, &str), to_dump: &str) -> Result<(), String> {
        let side = |name: &str, dump: &str| read_side(name, dump.as_bytes(), None).map_err(|e| e.to_string());
        let (from, to) = (side("from.sql", from_dump)?, side("to.sql", to_dump)?);
        let outputs = Comparison::new(from, to, DiffOptions::default());
        // Each phase outside a transaction runs twice in a row, as after a lock timeout stopped it
        // (issue #18): the script's every statement still runs, in order.
        let script = &outputs.release().script;
        let script = &common::with_phases_outside_transactions_twice(script).unwrap_or_else(|| script.to_string());
        let script_file = self.file(&format!("{from_db}-migration.sql"), script);
        if let Err(error) = self.cluster.psql_file(from_db, &script_file) {
            return Err(format!("the migration fails: {error}\n--- script ---\n{script}"));
        }
        let result = self.cluster.dump_schema(from_db, &[])?;
        match entry_difference(&result, to_dump) {
            None => Ok(()),
            Some(difference) => Err(format!("the migrated database differs:\n{difference}\n--- script ---\n{script}")),
        }
    }

    fn judge(&self, case: &Case) -> [Verdict; 2] {
        for role in &case.roles {
            let _ = self.cluster.query("postgres", &format!("CREATE ROLE \"{}\"", role.replace('"', "\"\"")));
        }
        let (a, b) = match (self.build(&case.a), self.build(&case.b)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                return [Verdict::CannotLoad(e.clone()), Verdict::CannotLoad(e)];
            }
        };
        let same = read_side("a.sql", a.1.as_bytes(), None)
            .map(|side| Comparison::new(side.clone(), side, DiffOptions::default()).release().diff.changes.len());
        if !matches!(same, Ok(0)) {
            let e = format!("a dump compared with itself does not show zero changes: {same:?}");
            return [Verdict::Failed(e.clone()), Verdict::Failed(e)];
        }
        let verdict = |result: Result<(), String>| match result {
            Ok(()) => Verdict::Converged,
            Err(e) => Verdict::Failed(e),
        };
        [verdict(self.direction((&a.0, &a.1), &b.1)), verdict(self.direction((&b.0, &b.1), &a.1))]
    }
}

#[test]
fn peer_suites_converge_in_both_directions() {
    if std::env::var_os("SCHEMADRIFT_POSTGRES").is_some_and(|v| v == "skip") {
        eprintln!("SCHEMADRIFT_POSTGRES=skip: the peer suites do not run");
        return;
    }
    let Some(dir) = suites_dir() else { return };
    let only = std::env::var("SCHEMADRIFT_PEER").unwrap_or_default();
    let cases: Vec<Case> = cases(&dir).into_iter().filter(|c| c.name.contains(&only)).collect();
    let cluster = pgtest::Cluster::start().unwrap_or_else(|e| panic!("cannot start a private PostgreSQL: {e}"));
    let work = std::env::temp_dir().join(format!("schemadrift-peer-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let run = Run { cluster: &cluster, dir: work.clone(), next: AtomicUsize::new(0) };
    let queue = Mutex::new(cases.iter());
    let verdicts: Mutex<Vec<(String, Verdict)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| loop {
                let Some(case) = queue.lock().unwrap().next() else { break };
                let [forward, backward] = run.judge(case);
                let mut out = verdicts.lock().unwrap();
                out.push((format!("{} a→b", case.name), forward));
                out.push((format!("{} b→a", case.name), backward));
            });
        }
    });
    let _ = std::fs::remove_dir_all(&work);
    let mut verdicts = verdicts.into_inner().unwrap();
    verdicts.sort_by(|x, y| x.0.cmp(&y.0));
    let mut problems = Vec::new();
    let mut failures = Vec::new();
    let mut counts: BTreeMap<(String, &str), (usize, usize, usize)> = BTreeMap::new();
    let (cannot_load, refused_list, not_yet_list) =
        (common::known("peer-cannot-load"), common::known("peer-refused"), common::known("peer-not-yet"));
    for (name, verdict) in &verdicts {
        let (case, direction) = name.rsplit_once(' ').unwrap_or((name.as_str(), ""));
        let suite = case.split('/').next().unwrap_or_default().to_string();
        let unloadable = cannot_load.iter().any(|(c, _)| c == case);
        let not_yet = not_yet_list.iter().any(|(c, _)| c == name);
        let refused = refused_list.iter().find(|(c, _)| c == name).map(|(_, message)| message.as_str());
        let count = counts.entry((suite, direction)).or_default();
        match verdict {
            Verdict::CannotLoad(e) => {
                if !unloadable {
                    problems.push(format!("{name}: does not load on PostgreSQL 15 and is not listed: {e}"));
                }
            }
            _ if unloadable => {
                problems.push(format!("{name}: loads now; take it off [peer-cannot-load] in known_failures.txt"))
            }
            Verdict::Failed(e)
                if refused.is_some_and(|m| e.starts_with("the migrated database differs") && e.contains(m)) =>
            {
                count.1 += 1;
                count.2 += 1;
                failures.push(format!("{name} (refused on purpose): {e}"));
            }
            _ if refused.is_some() => {
                problems.push(format!("{name}: listed in [peer-refused], but not with its message: {verdict:?}"));
            }
            Verdict::Converged => {
                count.0 += 1;
                count.1 += 1;
                if not_yet {
                    problems.push(format!("{name}: converges now; take it off [peer-not-yet] in known_failures.txt"));
                }
            }
            Verdict::Failed(e) => {
                count.1 += 1;
                failures.push(format!("{name}: {e}"));
                if !not_yet {
                    problems.push(format!("{name}: {e}"));
                }
            }
        }
    }
    for ((suite, direction), (converged, loaded, refused)) in &counts {
        eprintln!("{suite} {direction}: {converged} of {loaded} loadable cases converge, {refused} refused on purpose");
    }
    // Per suite, the pairs that converge both ways, of those that load.
    let mut pairs: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    for (name, verdict) in &verdicts {
        let case = name.rsplit_once(' ').map_or(name.as_str(), |(case, _)| case);
        let suite = case.split('/').next().unwrap_or_default().to_string();
        let entry = pairs.entry(suite).or_default().entry(case).or_default();
        match verdict {
            Verdict::Converged => *entry += 1,
            Verdict::CannotLoad(_) => *entry += 10,
            Verdict::Failed(_) => {}
        }
    }
    let mut summary = Vec::new();
    for (suite, cases) in &pairs {
        let loaded = cases.values().filter(|n| **n < 10).count();
        let both = cases.values().filter(|n| **n == 2).count();
        summary.push(format!(
            "proof: {both} of {loaded} pairs converge in both directions ({suite}, peer harness, PostgreSQL 15)"
        ));
    }
    for line in &summary {
        eprintln!("{line}");
    }
    if only.is_empty() {
        common::record_proof_summary("peer_suites", &summary);
    }
    for problem in &problems {
        eprintln!("FAIL {}", problem.lines().next().unwrap_or_default());
    }
    if let Some(path) = std::env::var_os("SCHEMADRIFT_PEER_REPORT") {
        // Every direction that does not converge, listed or not, with its script (to debug).
        let _ = std::fs::write(path, failures.join("\n\n"));
    }
    assert!(problems.is_empty(), "{} problems:\n\n{}", problems.len(), problems.join("\n\n"));
}
