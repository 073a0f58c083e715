//! `schemadrift prove FROM TO`: the migration and the rollback applied to a real PostgreSQL.
//!
//! Each script gets a database of its own on a throw-away cluster (made with the `initdb` and
//! `pg_ctl` found on PATH or in `--pg-bin`, removed afterwards), or in an empty database the user
//! made for it (`--scratch-url`, checked to be empty before anything is written): the start dump is
//! built with psql, the script applied with `psql -v ON_ERROR_STOP=1`, the result dumped with the
//! cluster's pg_dump and compared with the target by the engine ([`schemadrift_engine::proof`]).

use schemadrift_engine::proof::{self, Case, Dumped, Outcome, Proof};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the proofs run.
pub enum Server {
    /// A private cluster, stopped and removed when dropped.
    Cluster(pgtest::Cluster),
    /// Empty databases the user made for the proofs: one per script, in order.
    Scratch { urls: Vec<String>, bin: PathBuf },
}

/// A database a proof runs in: its name on the cluster, or its URL.
#[derive(Clone)]
pub enum Database {
    Named(String),
    Url(String),
}

impl Server {
    /// Starts a cluster with the programs in `bin`, or uses the scratch databases (each checked to
    /// be empty first). The error says what is missing and what to do.
    pub fn open(pg_bin: Option<&Path>, scratch_urls: &[String]) -> Result<Server, String> {
        let bin = match pg_bin {
            Some(dir) => dir.to_path_buf(),
            None => pgtest::bin_dir().ok_or(
                "no PostgreSQL server programs found (initdb, pg_ctl, psql, pg_dump are not on PATH): install PostgreSQL, or name its bin folder with --pg-bin DIR",
            )?,
        };
        if scratch_urls.is_empty() {
            return pgtest::Cluster::start_with(bin)
                .map(Server::Cluster)
                .map_err(|e| format!("cannot start a throw-away PostgreSQL: {e}"));
        }
        let server = Server::Scratch { urls: scratch_urls.to_vec(), bin };
        for url in scratch_urls {
            let objects = server.query(&Database::Url(url.clone()), EMPTY_CHECK)?;
            if !objects.trim().is_empty() {
                let first: Vec<&str> = objects.lines().take(5).collect();
                return Err(format!(
                    "--scratch-url {}: the database is not empty (it holds {}{}); prove builds schemas in it, so it needs an empty database made for it, e.g. with `createdb`",
                    shown_url(url),
                    first.join(", "),
                    if objects.lines().count() > 5 { ", …" } else { "" }
                ));
            }
        }
        Ok(server)
    }

    /// A database for the `index`-th proof (0 = migration, 1 = rollback), or why there is none.
    fn database(&self, index: usize) -> Result<Database, String> {
        match self {
            Server::Cluster(cluster) => {
                // Asked again for the same script (to prove the rest without a missing extension),
                // the database is the one made first, still empty.
                let name = format!("prove{index}");
                let exists = cluster.query("postgres", &format!("SELECT count(*) FROM pg_database WHERE datname = '{name}'"));
                if exists.as_deref() != Ok("1") {
                    cluster.create_database(&name)?;
                }
                Ok(Database::Named(name))
            }
            Server::Scratch { urls, .. } => urls.get(index).cloned().map(Database::Url).ok_or_else(|| {
                "each script needs an empty database of its own: give --scratch-url a second time to prove the rollback too".to_string()
            }),
        }
    }

    fn client(&self, program: &str, database: &Database) -> Command {
        let mut command = match self {
            Server::Cluster(cluster) => cluster.client(program),
            Server::Scratch { bin, .. } => Command::new(bin.join(program)),
        };
        match database {
            Database::Named(name) => command.args(["-d", name]),
            Database::Url(url) => command.args(["-d", url]),
        };
        command
    }

    fn query(&self, database: &Database, sql: &str) -> Result<String, String> {
        let output = self
            .client("psql", database)
            .args(["-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .map_err(|e| format!("cannot run psql: {e}"))?;
        if !output.status.success() {
            return Err(format!("psql: {}", String::from_utf8_lossy(&output.stderr).trim()));
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    }

    /// Runs a file with `psql -v ON_ERROR_STOP=1`: `Err((line, message))` where it stopped.
    fn run_file(&self, database: &Database, file: &Path) -> Result<(), (Option<usize>, String)> {
        let output = self
            .client("psql", database)
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f"])
            .arg(file)
            .output()
            .map_err(|e| (None, format!("cannot run psql: {e}")))?;
        if output.status.success() {
            return Ok(());
        }
        Err(psql_error(&String::from_utf8_lossy(&output.stderr), file))
    }

    fn dump(&self, database: &Database, options: &[&str]) -> Result<String, String> {
        let output =
            self.client("pg_dump", database).args(options).output().map_err(|e| format!("cannot run pg_dump: {e}"))?;
        if !output.status.success() {
            return Err(format!("pg_dump: {}", String::from_utf8_lossy(&output.stderr).trim()));
        }
        String::from_utf8(output.stdout).map_err(|e| format!("pg_dump wrote text that is not UTF-8: {e}"))
    }
}

/// Anything a user made in a database: schemas, relations, functions and types outside the system
/// schemas, extensions other than PL/pgSQL, and database-wide objects.
const EMPTY_CHECK: &str = "SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public', 'pg_toast') AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%' \
UNION ALL SELECT 'relation ' || c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' \
UNION ALL SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' \
UNION ALL SELECT 'type ' || t.oid::regtype::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typrelid = 0 AND t.typelem = 0 \
UNION ALL SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql' \
UNION ALL SELECT 'event trigger ' || evtname FROM pg_event_trigger \
UNION ALL SELECT 'publication ' || pubname FROM pg_publication \
UNION ALL SELECT 'foreign-data wrapper ' || fdwname FROM pg_foreign_data_wrapper";

/// A URL as shown: without its password.
fn shown_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:…{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// psql's `psql:FILE:LINE: ERROR:  …` and what follows it (DETAIL, HINT, CONTEXT).
fn psql_error(stderr: &str, file: &Path) -> (Option<usize>, String) {
    let prefix = format!("psql:{}:", file.display());
    let lines: Vec<&str> = stderr.lines().collect();
    let Some(at) = lines.iter().position(|l| l.starts_with(&prefix) && l.contains(" ERROR: ")) else {
        return (None, stderr.trim().to_string());
    };
    let rest = &lines[at][prefix.len()..];
    let (line, message) = rest.split_once(": ").unwrap_or(("", rest));
    let mut text = vec![message.trim().to_string()];
    text.extend(lines[at + 1..].iter().filter(|l| !l.starts_with("psql:")).map(|l| l.trim().to_string()));
    (line.parse().ok(), text.join("\n"))
}

/// Proves one case on `server` in the `index`-th database: the start dump's text is run with psql
/// as a user restores it, the script with `psql -v ON_ERROR_STOP=1`.
pub fn prove(
    server: &Server,
    index: usize,
    case: &Case<'_>,
    (start_text, script_text): (&str, &str),
    work: &Path,
) -> Proof {
    if let Some(reason) = case.cannot_run() {
        return case.refused(reason);
    }
    let outcome = run(server, index, case, (start_text, script_text), work);
    let Outcome::MissingExtensions { extensions, .. } = &outcome else { return case.judge(&outcome) };
    // The server lacks extensions: prove the rest, and say what was left out.
    let reduced = case.without(extensions);
    if reduced.left_out.rest == 0 {
        return case.judge(&outcome); // every difference needs what the server lacks
    }
    let start = Dumped { statements: &reduced.start, ..case.start };
    let rest = Case { start, script: &reduced.script, left_out: Some(&reduced.left_out), ..*case };
    let texts = (at_their_lines(&reduced.start), at_their_lines(&reduced.script));
    let outcome = run(server, index, &rest, (&texts.0, &texts.1), work);
    rest.judge(&outcome)
}

/// The statements of a script or dump, each on the line it starts on in the whole file, so that
/// psql's line numbers name the same statements as in the file the user has.
fn at_their_lines(script: &proof::Script) -> String {
    let mut out = String::new();
    let mut line = 1;
    for statement in &script.statements {
        while line < statement.line {
            out.push('\n');
            line += 1;
        }
        out.push_str(&statement.sql);
        out.push('\n');
        line += statement.sql.matches('\n').count() + 1;
    }
    out
}

fn server_version(server: &Server) -> Result<String, String> {
    let database = match server {
        Server::Cluster(_) => Database::Named("postgres".into()),
        Server::Scratch { urls, .. } => Database::Url(urls[0].clone()),
    };
    let number = server.query(&database, "SHOW server_version")?;
    Ok(format!("PostgreSQL {}", number.split_whitespace().next().unwrap_or(&number)))
}

/// Builds the start, applies the script, dumps the result.
fn run(
    server: &Server,
    index: usize,
    case: &Case<'_>,
    (start_text, script_text): (&str, &str),
    work: &Path,
) -> Outcome {
    let server_name = match server_version(server) {
        Ok(version) => version,
        Err(error) => return Outcome::Crashed { error },
    };
    let crashed = |error: String| Outcome::Crashed { error };
    let database = match server.database(index) {
        Ok(database) => database,
        Err(error) => return crashed(error),
    };
    let job = case.job(false);
    let available = match server.query(&database, "SELECT name FROM pg_available_extensions") {
        Ok(names) => names,
        Err(error) => return crashed(error),
    };
    let available: Vec<&str> = available.lines().collect();
    let missing: Vec<String> = job.extensions.iter().filter(|e| !available.contains(&e.as_str())).cloned().collect();
    if !missing.is_empty() {
        return Outcome::MissingExtensions { server: server_name, extensions: missing };
    }
    for role in &job.roles {
        // A role that exists already (or cannot be made here) shows up when a statement needs it.
        let _ = server.query(&database, &proof::create_role(role));
    }
    let start_file = work.join(format!("start-{index}.sql"));
    let script_file = work.join(format!("script-{index}.sql"));
    for (path, text) in [(&start_file, start_text), (&script_file, script_text)] {
        if let Err(e) = std::fs::write(path, text) {
            return crashed(format!("cannot write {}: {e}", path.display()));
        }
    }
    if let Err((line, error)) = server.run_file(&database, &start_file) {
        return Outcome::BuildFailed { server: server_name, index: None, line, error };
    }
    if let Err((line, error)) = server.run_file(&database, &script_file) {
        return Outcome::Failed { server: server_name, index: None, line, error };
    }
    let options: Vec<&str> = job.dump_args.iter().map(String::as_str).collect();
    match server.dump(&database, &options) {
        Ok(dump) => Outcome::Dumped { server: server_name, dump, rewritten: 0 },
        Err(error) => Outcome::DumpFailed { server: server_name, error },
    }
}
