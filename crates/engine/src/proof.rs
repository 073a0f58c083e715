//! Proof that a migration works: FROM built on a real PostgreSQL, the script applied to it as
//! `psql -v ON_ERROR_STOP=1` applies it, the result dumped and compared with TO.
//!
//! Running PostgreSQL belongs to the callers (the CLI's `prove` on a throw-away cluster, the page on
//! PGlite in a worker, the tests on a shared cluster); this module holds what they all need so that
//! they judge alike:
//! * [`script_statements`] and [`dump_statements`]: the statements a script or a dump sends, one by
//!   one, with their line and the script's phase;
//! * [`roles`] and [`extensions`]: what must exist before FROM can be built;
//! * [`dump_options`]: how to dump the result so that it is comparable with TO;
//! * [`residual`]: what still differs, without what the server itself decides;
//! * [`Proof`] and [`Verdict`]: the outcome, with the sentence users read.
//!
//! Invariant: a verdict is *proven* only when the residual is empty; anything the proof had to do
//! differently from production is listed in [`Proof::caveats`], never hidden.

use crate::catalog::Catalog;
use crate::diff::{diff, Change, DiffOptions, ObjectKind};
use crate::plan::Phase;
use crate::reader::{read, PieceKind};
use serde::{Deserialize, Serialize};

/// One statement as psql sends it to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// 1-based line of the script or dump where it starts.
    pub line: usize,
    /// The title of the script's phase it belongs to (`Phase 1: …`), if any.
    pub phase: Option<String>,
    pub sql: String,
}

/// A script read for running: its statements and what it leaves to a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Script {
    pub statements: Vec<Statement>,
    /// The `-- MANUAL:` steps: without them the schema cannot reach its target.
    pub manual: Vec<String>,
    /// psql meta-commands (`\if`, `\gexec`, …) with their line: only psql can run them.
    pub meta_commands: Vec<(usize, String)>,
}

/// The statements of a migration or rollback script written by [`crate::plan`], with their phase.
pub fn script_statements(script: &str) -> Script {
    let mut phases: Vec<(usize, &'static str)> = Vec::new();
    let mut manual = Vec::new();
    for (index, line) in script.lines().enumerate() {
        if let Some(comment) = line.strip_prefix("-- ") {
            if let Some(phase) = Phase::ALL.iter().find(|p| p.title() == comment) {
                phases.push((index + 1, phase.title()));
            }
            if let Some(step) = comment.strip_prefix("MANUAL: ") {
                manual.push(step.to_string());
            }
        }
    }
    let mut out = Script { manual, ..Script::default() };
    for piece in read(script).pieces {
        match piece.kind {
            PieceKind::Statement | PieceKind::Unterminated => {
                let phase = phases.iter().rev().find(|(line, _)| *line < piece.line).map(|(_, t)| t.to_string());
                out.statements.push(Statement { line: piece.line, phase, sql: piece.text.to_string() });
            }
            PieceKind::MetaCommand => out.meta_commands.push((piece.line, piece.text.to_string())),
            PieceKind::CopyData { .. } | PieceKind::Lost { .. } => {}
        }
    }
    out
}

/// The statements that build a dump's schema, as psql would send them. `\restrict` and
/// `\unrestrict` (pg_dump's guard against a file that runs meta-commands) change nothing in the
/// database and are left out; any other meta-command is listed, because only psql can run it.
pub fn dump_statements(dump: &str) -> Script {
    let mut out = Script::default();
    for piece in read(dump).pieces {
        match piece.kind {
            PieceKind::Statement => {
                out.statements.push(Statement { line: piece.line, phase: None, sql: piece.text.into() })
            }
            PieceKind::MetaCommand if is_restrict(piece.text) => {}
            PieceKind::MetaCommand | PieceKind::Unterminated => out.meta_commands.push((piece.line, piece.text.into())),
            PieceKind::CopyData { .. } | PieceKind::Lost { .. } => {}
        }
    }
    out
}

fn is_restrict(meta: &str) -> bool {
    let command = meta.split_whitespace().next().unwrap_or("");
    command == "\\restrict" || command == "\\unrestrict"
}

/// Roles the two catalogs name as owners, grantees or policy roles: they live outside a dump, so
/// they must exist before it is built. Sorted, without `public` and the `CURRENT_USER` forms.
pub fn roles(catalogs: &[&Catalog]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        let name = name.trim();
        let unquoted = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
            Some(inner) => inner.replace("\"\"", "\""),
            None if name.contains(' ') => return,
            None => name.to_ascii_lowercase(),
        };
        let special = ["public", "current_user", "session_user", "current_role"];
        if !unquoted.is_empty() && !special.contains(&unquoted.as_str()) {
            out.push(unquoted);
        }
    };
    for catalog in catalogs {
        for owner in catalog.owners.values() {
            add(&format!("\"{}\"", owner.replace('"', "\"\"")));
        }
        for grant in &catalog.grants {
            for marker in [" to ", " from "] {
                if let Some((_, grantees)) = grant.rsplit_once(marker) {
                    for grantee in grantees.replace(" with grant option", "").replace(" granted by ", ",").split(',') {
                        add(grantee.trim().trim_end_matches(" cascade").trim_start_matches("group "));
                    }
                }
            }
        }
        for policy in catalog.policies.values() {
            for role in &policy.roles {
                add(role);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `CREATE ROLE` for a role named by [`roles`], quoted.
pub fn create_role(name: &str) -> String {
    format!("CREATE ROLE {}", quote(name))
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The extensions the two catalogs create (PL/pgSQL aside: every database has it).
pub fn extensions(catalogs: &[&Catalog]) -> Vec<String> {
    let mut out: Vec<String> =
        catalogs.iter().flat_map(|c| c.extensions.keys().cloned()).filter(|name| name != "plpgsql").collect();
    out.sort();
    out.dedup();
    out
}

/// Types some common extensions make (others are named without their dependents).
const EXTENSION_TYPES: &[(&str, &[&str])] = &[
    ("postgis", &["geometry", "geography", "box2d", "box3d"]),
    ("postgis_raster", &["raster"]),
    ("vector", &["vector", "halfvec", "sparsevec"]),
    ("hstore", &["hstore"]),
    ("citext", &["citext"]),
    ("ltree", &["ltree", "lquery", "ltxtquery"]),
    ("cube", &["cube"]),
    ("seg", &["seg"]),
    ("isn", &["isbn", "isbn13", "issn", "issn13", "ean13", "upc", "ismn", "ismn13"]),
];

/// The columns (with the indexes on them) whose type comes from `extension`, as `column
/// public.t.c` / `index public.i`: what cannot be built without it.
pub fn dependents(catalogs: &[&Catalog], extension: &str) -> Vec<String> {
    let Some((_, types)) = EXTENSION_TYPES.iter().find(|(name, _)| *name == extension) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for catalog in catalogs {
        for (table_name, table) in &catalog.tables {
            let columns: Vec<&str> = table
                .columns
                .iter()
                .filter(|c| {
                    let base = c.data_type.split(['(', '[']).next().unwrap_or("").trim();
                    let base = base.rsplit('.').next().unwrap_or(base).trim_matches('"');
                    types.contains(&base)
                })
                .map(|c| c.name.as_str())
                .collect();
            out.extend(columns.iter().map(|c| format!("column {}.{c}", table_name)));
            for (index_name, index) in &catalog.indexes {
                let uses = index.table == *table_name
                    && index.keys.iter().any(|k| columns.iter().any(|c| k.split_whitespace().next() == Some(*c)));
                if uses {
                    out.push(format!("index {}", index_name));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// What a proof leaves out when the server lacks extensions: the extensions, the objects that
/// need them (their types in a column, or a left-out object named in their statement), and how
/// many statements of the start and of the script were not run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    pub extensions: Vec<String>,
    /// `table public.places`, `index public.places_location`, … in the order met.
    pub objects: Vec<String>,
    pub start_statements: usize,
    pub script_statements: usize,
    /// How many differences between the start and the target need nothing left out: none, and
    /// there is nothing else to prove.
    #[serde(default)]
    pub rest: usize,
}

impl LeftOut {
    /// Whether a residual difference is about something left out.
    fn covers(&self, change: &Change) -> bool {
        // A comment's, owner's or grant's object is written `<kind> <name>`.
        let objects = [Some(change.object.as_str()), change.object.split_once(' ').map(|(_, name)| name)];
        let named = |name: &str| {
            objects.iter().flatten().any(|object| {
                *object == name
                    || object.strip_prefix(name).is_some_and(|rest| rest.starts_with('.') || rest.starts_with(' '))
            })
        };
        self.extensions.iter().any(|e| named(e))
            || self
                .objects
                .iter()
                .filter_map(|o| o.split_once(' ').map(|(_, name)| name))
                .any(|name| named(name) || change.key.table().is_some_and(|t| t.to_string() == name))
    }

    /// The verdict's caveat: what was not proven, and why.
    pub fn said(&self, server: &str) -> String {
        let (s, they) = if self.extensions.len() == 1 { ("", "it") } else { ("s", "them") };
        let objects = if self.objects.is_empty() { "nothing else".to_string() } else { self.objects.join(", ") };
        format!(
            "not proven: what needs the extension{s} {} that {server} here does not have ({objects}; {} statement{} of the script not run): prove it on a PostgreSQL that has {they}",
            self.extensions.join(", "),
            self.script_statements,
            if self.script_statements == 1 { "" } else { "s" }
        )
    }
}

/// A case's start and script without what needs the extensions a server lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reduced {
    pub start: Script,
    pub script: Script,
    pub left_out: LeftOut,
}

/// `statements` without those that need what `words` name (or create, alter or comment on one of
/// `extensions`); each left-out statement's object joins `words` and `objects`.
fn leave_out(
    statements: &[Statement],
    extensions: &[String],
    words: &mut Vec<String>,
    objects: &mut Vec<String>,
) -> (Vec<Statement>, usize) {
    let mut kept = Vec::new();
    let mut dropped = 0;
    for statement in statements {
        let upper = statement.sql.to_ascii_uppercase();
        let about_extension = ["CREATE EXTENSION", "ALTER EXTENSION", "COMMENT ON EXTENSION", "DROP EXTENSION"]
            .iter()
            .any(|head| upper.trim_start().starts_with(head))
            && extensions.iter().any(|e| crate::sql::names_word(&statement.sql, e));
        if about_extension || words.iter().any(|w| crate::sql::names_word(&statement.sql, w)) {
            dropped += 1;
            if let Some((kind, name)) = crate::catalog::statement_object(&statement.sql) {
                let creates = upper.trim_start().starts_with("CREATE");
                if creates && kind != ObjectKind::Extension && !words.contains(&name) {
                    words.push(name.clone());
                    objects.push(format!("{} {name}", kind.words()));
                }
            }
        } else {
            kept.push(statement.clone());
        }
    }
    (kept, dropped)
}

/// pg_dump options that dump the result the way `target` was dumped: without owners or privileges
/// when it has none (`--no-owner`, `--no-privileges`).
pub fn dump_options(target: &Catalog) -> Vec<&'static str> {
    let mut options = vec!["--schema-only"];
    if target.owners.is_empty() {
        options.push("--no-owner");
    }
    if target.grants.is_empty() {
        options.push("--no-privileges");
    }
    options
}

/// The major version in a `Dumped from database version 15.18 (…)` header or a `version()` text
/// (`PostgreSQL 17.5 on …`).
pub fn major_version(version: &str) -> Option<u32> {
    let digits = version.trim().trim_start_matches("PostgreSQL").trim_start();
    let number: String = digits.chars().take_while(char::is_ascii_digit).collect();
    let major: u32 = number.parse().ok()?;
    // Before 10 the major version had two parts (9.6): the first one tells enough here.
    Some(major)
}

/// What still differs between the migrated database (`result`, read from its dump) and `target`,
/// compared with the user's options (renames aside: they were for FROM → TO). Left out: versions in
/// migration-tracking tables (rows, which a schema-only dump lacks) and, when `target` was dumped
/// from another major version than the one the proof ran on, the public schema's owner and
/// privileges (PostgreSQL 15 changed their defaults; the server decides them, not the script).
pub fn residual(
    result: &Catalog,
    target: &Catalog,
    options: &DiffOptions,
    target_major: Option<u32>,
    server_major: Option<u32>,
) -> Vec<Change> {
    let options = DiffOptions { renames: Vec::new(), ..options.clone() };
    let mut left = diff(result, target, &options).changes;
    left.retain(|c| c.object_kind != ObjectKind::MigrationVersion);
    if target_major != server_major {
        left.retain(|c| {
            !(c.object_kind == ObjectKind::Grant && c.object.contains(" on schema public ")
                || c.object_kind == ObjectKind::Owner && c.object == "schema public")
        });
    }
    left
}

/// One line per residual change, said from the target's side: `missing table public.t` (the target
/// has it, the result does not), `extra …` (the other way), `different column public.t.c: type:
/// integer → bigint` (the result's value, then the target's).
pub fn describe_changes(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .map(|c| {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
            let details: Vec<String> = if c.change.compares() {
                c.details.iter().map(|d| format!("{}: {} → {}", d.property, show(&d.from), show(&d.to))).collect()
            } else {
                Vec::new()
            };
            let how = match c.change {
                crate::diff::ChangeKind::Added => "missing",
                crate::diff::ChangeKind::Removed => "extra",
                crate::diff::ChangeKind::Altered => "different",
                crate::diff::ChangeKind::Renamed => "renamed",
                crate::diff::ChangeKind::Uncompared => "not compared",
            };
            let head = format!("{how} {} {}", c.object_kind, c.object);
            if details.is_empty() {
                head
            } else {
                format!("{head}: {}", details.join("; "))
            }
        })
        .collect()
}

/// Which script a proof ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The migration, FROM → TO.
    Migration,
    /// The rollback, TO → FROM.
    Rollback,
}

impl Direction {
    /// `migration` or `rollback`.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Migration => "migration",
            Direction::Rollback => "rollback",
        }
    }
}

/// The outcome of one proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// The result dumps equal to the target (column order aside).
    Proven,
    /// A statement failed: the script stopped there, as `psql -v ON_ERROR_STOP=1` stops.
    Failed {
        /// Its position among the script's statements, from 1.
        number: usize,
        line: usize,
        phase: Option<String>,
        statement: String,
        error: String,
    },
    /// Every statement ran, but the result still differs from the target.
    Differs { differences: Vec<String> },
    /// The proof could not be made: what stopped it.
    CannotProve { reason: String },
}

impl Verdict {
    /// `proven`, `failed`, `differs` or `cannot prove`.
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Proven => "proven",
            Verdict::Failed { .. } => "failed",
            Verdict::Differs { .. } => "differs",
            Verdict::CannotProve { .. } => "cannot prove",
        }
    }
}

/// One proof, as users read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    pub direction: Direction,
    /// The file the script starts from, and the one it must reach.
    pub start: String,
    pub target: String,
    /// e.g. `PostgreSQL 15.18`.
    pub server: String,
    /// How many statements the script has.
    pub statements: usize,
    pub verdict: Verdict,
    /// Where the proof ran differently from production, or what it left out.
    pub caveats: Vec<String>,
    /// What the proof left out because the server lacks extensions: it proved the rest.
    #[serde(default)]
    pub left_out: Option<LeftOut>,
}

impl Proof {
    /// The verdict in one sentence, e.g. `proven: applying the 56 statements of the migration to
    /// production.sql on PostgreSQL 17.5 gives staging.sql's schema: 0 differences (column order
    /// aside)`.
    pub fn headline(&self) -> String {
        let script = match self.direction {
            Direction::Migration => "the migration",
            Direction::Rollback => "the rollback",
        };
        let (start, target, server, n) = (&self.start, &self.target, &self.server, self.statements);
        let statements = if n == 1 { "statement".to_string() } else { format!("{n} statements") };
        let the = if n == 1 { "the 1" } else { "the" };
        match (&self.verdict, &self.left_out) {
            (Verdict::Proven, Some(left_out)) => format!(
                "proven except what needs {}: applying the other {statements} of {script} to {start} on {server} gives {target}'s schema, what needs {} aside: 0 differences (column order aside)",
                left_out.extensions.join(", "),
                left_out.extensions.join(", ")
            ),
            (Verdict::Proven, None) => format!(
                "proven: applying {the} {statements} of {script} to {start} on {server} gives {target}'s schema: 0 differences (column order aside)"
            ),
            (Verdict::Failed { number, line, phase, error, .. }, _) => {
                let phase = phase.as_deref().map(|p| format!(", {}", phase_name(p))).unwrap_or_default();
                let error = error.lines().next().unwrap_or_default();
                format!(
                    "failed: statement {number} of {n} of {script} (line {line}{phase}) fails on {server} after {start} is built: {error}"
                )
            }
            (Verdict::Differs { differences }, _) => format!(
                "differs: after {the} {statements} of {script}, {start} on {server} still differs from {target} in {} {}",
                differences.len(),
                if differences.len() == 1 { "place" } else { "places" }
            ),
            (Verdict::CannotProve { reason }, _) => format!("cannot prove {script}: {reason}"),
        }
    }
}

/// `Phase 1: schema preparation (safe while …)` → `phase 1 (schema preparation)`.
fn phase_name(title: &str) -> String {
    let (number, rest) = title.split_once(": ").unwrap_or((title, ""));
    let what = rest.split(" (").next().unwrap_or(rest);
    format!("{} ({what})", number.to_ascii_lowercase())
}

/// The statement number and line of the statement that covers `line` of a script (psql names the
/// line where the failing statement starts or where the error is).
pub fn statement_at(script: &Script, line: usize) -> Option<(usize, &Statement)> {
    script.statements.iter().enumerate().rev().find(|(_, s)| s.line <= line).map(|(i, s)| (i + 1, s))
}

/// A statement as a single-user PostgreSQL (PGlite) can run it: `CONCURRENTLY` taken out, since it
/// needs other backends to wait for. `None` when the statement runs as written.
pub fn for_single_user(sql: &str) -> Option<String> {
    let at = crate::sql::concurrently_at(sql)?;
    Some(format!("{}{}", &sql[..at], &sql[at + " CONCURRENTLY".len()..]))
}

/// One dump in a proof: its name, its catalog, the major version it was dumped from, and its
/// statements (to build it).
#[derive(Debug, Clone, Copy)]
pub struct Dumped<'a> {
    pub name: &'a str,
    pub catalog: &'a Catalog,
    pub major: Option<u32>,
    pub statements: &'a Script,
}

/// One script to prove: the dump it starts from and the one it must reach.
#[derive(Debug, Clone, Copy)]
pub struct Case<'a> {
    pub direction: Direction,
    pub start: Dumped<'a>,
    pub target: Dumped<'a>,
    pub script: &'a Script,
    pub options: &'a DiffOptions,
    /// What was left out of the start and the script because the server lacks extensions
    /// ([`Case::without`]): the proof is of the rest.
    pub left_out: Option<&'a LeftOut>,
}

/// What a runner needs to run a case: extensions to load, roles to make, statements to build the
/// start and to apply, and pg_dump's arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub extensions: Vec<String>,
    pub roles: Vec<String>,
    pub build: Vec<String>,
    pub script: Vec<String>,
    pub dump_args: Vec<String>,
    /// How many script statements were changed for a single-user server ([`for_single_user`]);
    /// the runner reports it back in [`Outcome::Dumped`].
    #[serde(default)]
    pub rewritten: usize,
    /// The extensions whose dependents this job leaves out ([`Case::without`]); a runner that
    /// keeps no state reports them back beside its outcome ([`Echo`]).
    #[serde(default)]
    pub without: Vec<String>,
}

/// What a stateless runner echoes from its job beside the [`Outcome`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Echo {
    #[serde(default)]
    pub without: Vec<String>,
}

/// What a runner reports after running a [`Job`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// Every statement ran; the result's dump.
    Dumped {
        server: String,
        dump: String,
        /// Statements run without `CONCURRENTLY` (a single-user server cannot run it).
        #[serde(default)]
        rewritten: usize,
    },
    /// The start did not build: at its `index`-th statement (from 0) or at a `line`.
    BuildFailed {
        server: String,
        #[serde(default)]
        index: Option<usize>,
        #[serde(default)]
        line: Option<usize>,
        error: String,
    },
    /// The script stopped at its `index`-th statement (from 0) or at a `line`.
    Failed {
        server: String,
        #[serde(default)]
        index: Option<usize>,
        #[serde(default)]
        line: Option<usize>,
        error: String,
    },
    /// The server has no such extensions.
    MissingExtensions { server: String, extensions: Vec<String> },
    /// Every statement ran, but pg_dump could not dump the result.
    DumpFailed { server: String, error: String },
    /// The runner itself failed.
    Crashed { error: String },
}

impl Case<'_> {
    /// What to run. For a single-user server (PGlite), `CONCURRENTLY` is taken out of the script
    /// ([`for_single_user`]) and counted, so that the verdict can say so.
    pub fn job(&self, single_user: bool) -> Job {
        let catalogs = [self.start.catalog, self.target.catalog];
        let mut rewritten = 0;
        let script = self
            .script
            .statements
            .iter()
            .map(|s| match for_single_user(&s.sql).filter(|_| single_user) {
                Some(sql) => {
                    rewritten += 1;
                    sql
                }
                None => s.sql.clone(),
            })
            .collect();
        let left_out: &[String] = self.left_out.map_or(&[], |l| &l.extensions);
        Job {
            extensions: extensions(&catalogs).into_iter().filter(|e| !left_out.contains(e)).collect(),
            roles: roles(&catalogs),
            build: self.start.statements.statements.iter().map(|s| s.sql.clone()).collect(),
            script,
            dump_args: dump_options(self.target.catalog).into_iter().map(String::from).collect(),
            rewritten,
            without: left_out.to_vec(),
        }
    }

    /// The verdict before anything runs, when the case cannot be proven as it stands: the script
    /// leaves steps to a person, or it or the start holds psql meta-commands.
    pub fn cannot_run(&self) -> Option<String> {
        let manual = &self.script.manual;
        if !manual.is_empty() {
            let (s, them) = if manual.len() == 1 { ("", "it") } else { ("s", "them") };
            return Some(format!(
                "the script leaves {} step{s} to you ({}): write {them}, then apply and compare by hand",
                manual.len(),
                manual.join("; ")
            ));
        }
        if let Some((line, command)) = self.script.meta_commands.first() {
            return Some(format!(
                "line {line} of the script is a psql meta-command ({command}) that a proof does not run"
            ));
        }
        if let Some((line, command)) = self.start.statements.meta_commands.first() {
            return Some(format!(
                "line {line} of {} is a psql meta-command ({command}) that a proof does not run",
                self.start.name
            ));
        }
        None
    }

    /// The proof, from what the runner reports (or from [`Case::cannot_run`]).
    pub fn judge(&self, outcome: &Outcome) -> Proof {
        let server = match outcome {
            Outcome::Dumped { server, .. }
            | Outcome::BuildFailed { server, .. }
            | Outcome::Failed { server, .. }
            | Outcome::MissingExtensions { server, .. }
            | Outcome::DumpFailed { server, .. } => server.clone(),
            Outcome::Crashed { .. } => "PostgreSQL".to_string(),
        };
        let server_major = major_version(&server);
        let mut proof = Proof {
            direction: self.direction,
            start: self.start.name.to_string(),
            target: self.target.name.to_string(),
            server: server.clone(),
            statements: self.script.statements.len(),
            verdict: Verdict::Proven,
            caveats: Vec::new(),
            left_out: self.left_out.cloned(),
        };
        if let Some(left_out) = self.left_out {
            proof.caveats.push(left_out.said(&server));
        }
        let cannot = |reason: String| Verdict::CannotProve { reason };
        proof.verdict = match outcome {
            Outcome::Dumped { dump, rewritten, .. } => {
                if *rewritten > 0 {
                    proof.caveats.push(format!(
                        "{rewritten} statement{} ran without CONCURRENTLY: this PostgreSQL has one user, so nothing waits; on your server {} as written",
                        if *rewritten == 1 { "" } else { "s" },
                        if *rewritten == 1 { "it runs" } else { "they run" }
                    ));
                }
                let result = crate::build_catalog(&read(dump));
                let mut left = residual(&result, self.target.catalog, self.options, self.target.major, server_major);
                if let Some(left_out) = self.left_out {
                    left.retain(|c| !left_out.covers(c));
                }
                if left.is_empty() {
                    Verdict::Proven
                } else {
                    Verdict::Differs { differences: describe_changes(&left) }
                }
            }
            Outcome::BuildFailed { index, line, error, .. } => {
                let line = line.or_else(|| index.and_then(|i| self.start.statements.statements.get(i)).map(|s| s.line));
                let at = line.map(|l| format!(" (line {l})")).unwrap_or_default();
                let newer = match (self.start.major, server_major) {
                    (Some(dumped), Some(here)) if dumped > here => {
                        format!("; it was dumped from PostgreSQL {dumped}: prove it on a PostgreSQL {dumped}")
                    }
                    _ => String::new(),
                };
                let first = error.lines().next().unwrap_or_default();
                let without = self
                    .left_out
                    .map(|l| format!(" without what needs {}", l.extensions.join(", ")))
                    .unwrap_or_default();
                cannot(format!("{} does not build on {server}{without}{at}: {first}{newer}", self.start.name))
            }
            Outcome::Failed { index, line, error, .. } => {
                let at = match (index, line) {
                    (Some(i), _) => self.script.statements.get(*i).map(|s| (i + 1, s)),
                    (None, Some(line)) => statement_at(self.script, *line),
                    (None, None) => None,
                };
                match at {
                    Some((number, statement)) => Verdict::Failed {
                        number,
                        line: statement.line,
                        phase: statement.phase.clone(),
                        statement: statement.sql.clone(),
                        error: error.clone(),
                    },
                    None => Verdict::Failed {
                        number: 0,
                        line: line.unwrap_or(0),
                        phase: None,
                        statement: String::new(),
                        error: error.clone(),
                    },
                }
            }
            Outcome::MissingExtensions { extensions, .. } => {
                let catalogs = [self.start.catalog, self.target.catalog];
                let named: Vec<String> = extensions
                    .iter()
                    .map(|extension| match dependents(&catalogs, extension).as_slice() {
                        [] => extension.clone(),
                        objects => format!("{extension} (used by {})", objects.join(", ")),
                    })
                    .collect();
                let (s, it) = if extensions.len() == 1 { ("", "it") } else { ("s", "them") };
                cannot(format!(
                    "{server} here does not have the extension{s} {} that the dumps use: prove on a PostgreSQL that has {it}",
                    named.join(", ")
                ))
            }
            Outcome::DumpFailed { error, .. } => {
                // PGlite's pg_dump (pglite-tools 0.2) stops on larger schemas, whatever they hold.
                let pglite = if server.contains("PGlite") {
                    " (PGlite's pg_dump stops on larger schemas: prove it with `schemadrift prove` on a PostgreSQL of your own)"
                } else {
                    ""
                };
                cannot(format!(
                    "every statement of the script ran, but pg_dump could not dump the result{pglite}: {}",
                    error.lines().next().unwrap_or_default()
                ))
            }
            Outcome::Crashed { error } => cannot(format!("the proof stopped: {error}")),
        };
        if let (Some(dumped), Some(here)) = (self.target.major.or(self.start.major), server_major) {
            if dumped != here && !matches!(proof.verdict, Verdict::CannotProve { .. }) {
                proof.caveats.push(format!(
                    "the proof ran on PostgreSQL {here}, while the dumps come from PostgreSQL {dumped}: behaviour that differs between the two versions is not covered"
                ));
            }
        }
        if self.options.ignore_owners || self.options.ignore_grants || self.options.ignore_comments {
            proof.caveats.push(
                "compared with the same options as the diff: what they leave out (owners, privileges or comments) is not proven"
                    .to_string(),
            );
        }
        proof
    }

    /// The start and the script without what needs `missing` (extensions the server lacks): the
    /// statements that name their types, create, alter or comment on them, and, in turn, those
    /// that name an object left out. The extensions' types are known for common ones
    /// ([`dependents`]); for others only their own statements are left out.
    pub fn without(&self, missing: &[String]) -> Reduced {
        let mut words: Vec<String> = missing
            .iter()
            .flat_map(|e| EXTENSION_TYPES.iter().filter(move |(name, _)| name == e).flat_map(|(_, types)| types.iter()))
            .map(|t| t.to_string())
            .collect();
        let mut objects = Vec::new();
        let (start, start_statements) = leave_out(&self.start.statements.statements, missing, &mut words, &mut objects);
        let (script, script_statements) = leave_out(&self.script.statements, missing, &mut words, &mut objects);
        let mut left_out =
            LeftOut { extensions: missing.to_vec(), objects, start_statements, script_statements, rest: 0 };
        let differences = diff(self.start.catalog, self.target.catalog, self.options).changes;
        left_out.rest = differences.iter().filter(|c| !left_out.covers(c)).count();
        Reduced {
            start: Script { statements: start, ..self.start.statements.clone() },
            script: Script { statements: script, ..self.script.clone() },
            left_out,
        }
    }

    /// The proof when [`Case::cannot_run`] says it cannot run.
    pub fn refused(&self, reason: String) -> Proof {
        Proof {
            direction: self.direction,
            start: self.start.name.to_string(),
            target: self.target.name.to_string(),
            server: "PostgreSQL".to_string(),
            statements: self.script.statements.len(),
            verdict: Verdict::CannotProve { reason },
            caveats: Vec::new(),
            left_out: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = "-- Migration a → b\n-- MANUAL: column public.t.c: write it\n\nSET lock_timeout = '5s';\n\n-- Phase 1: schema preparation (safe while the old code runs)\nBEGIN;\nCREATE TABLE public.t (id integer);\nCOMMIT;\n\n-- Phase 2: indexes and constraints built online, subscriptions (no transaction: CONCURRENTLY cannot run inside one)\nCREATE INDEX CONCURRENTLY t_id ON public.t (id);\n";

    #[test]
    fn a_script_is_read_as_psql_sends_it_with_lines_and_phases() {
        let script = script_statements(SCRIPT);
        assert_eq!(script.statements.len(), 5);
        assert_eq!(script.statements[0].phase, None);
        assert_eq!(script.statements[2].line, 8);
        assert_eq!(script.statements[2].phase.as_deref(), Some(Phase::Prepare.title()));
        assert_eq!(script.statements[4].phase.as_deref(), Some(Phase::Online.title()));
        assert_eq!(script.manual, ["column public.t.c: write it"]);
        assert_eq!(statement_at(&script, 8).map(|(n, _)| n), Some(3));
        assert_eq!(statement_at(&script, 10).map(|(n, _)| n), Some(4));
    }

    #[test]
    fn what_needs_a_missing_extension_is_left_out_and_the_rest_judged() {
        let common =
            "CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;\nCOMMENT ON EXTENSION postgis IS 'x';\n\
                      CREATE TABLE public.places (id integer, location public.geometry(Point,4326));\n";
        let from = format!("{common}CREATE TABLE public.tags (id integer);\n");
        let to = format!("{common}CREATE TABLE public.tags (id integer, color text);\nCREATE INDEX places_location ON public.places USING gist (location);\n");
        let from = from.as_str();
        let script = script_statements(
            "-- Phase 1: schema preparation (safe while the old code runs)\nBEGIN;\nALTER TABLE public.tags ADD COLUMN IF NOT EXISTS color text;\nCOMMIT;\n\
             -- Phase 2: indexes and constraints built online, subscriptions (no transaction: CONCURRENTLY cannot run inside one)\n\
             CREATE INDEX CONCURRENTLY IF NOT EXISTS places_location ON public.places USING gist (location);\n",
        );
        let (from_catalog, to_catalog) = (crate::build_catalog(&read(from)), crate::build_catalog(&read(&to)));
        let (from_statements, to_statements) = (dump_statements(from), dump_statements(&to));
        let options = DiffOptions::default();
        let dumped = |name, catalog, statements| Dumped { name, catalog, major: None, statements };
        let case = Case {
            direction: Direction::Migration,
            start: dumped("from.sql", &from_catalog, &from_statements),
            target: dumped("to.sql", &to_catalog, &to_statements),
            script: &script,
            options: &options,
            left_out: None,
        };
        let reduced = case.without(&["postgis".to_string()]);
        assert_eq!(reduced.left_out.objects, ["table public.places", "index public.places_location"]);
        assert_eq!((reduced.left_out.start_statements, reduced.left_out.script_statements), (3, 1));
        let kept: Vec<&str> = reduced.start.statements.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(kept, ["CREATE TABLE public.tags (id integer);"]);
        assert_eq!(reduced.script.statements.len(), 3, "BEGIN, the new column, COMMIT");
        let rest = Case { script: &reduced.script, left_out: Some(&reduced.left_out), ..case };
        assert!(rest.job(true).extensions.is_empty(), "the job loads no missing extension");
        // A result with the rest done: proven, what needs postgis aside.
        let dumped_rest = "CREATE TABLE public.tags (id integer, color text);\n";
        let proof = rest.judge(&Outcome::Dumped {
            server: "PostgreSQL 17.5 (PGlite)".into(),
            dump: dumped_rest.into(),
            rewritten: 0,
        });
        assert_eq!(proof.verdict, Verdict::Proven, "{proof:?}");
        assert!(
            proof.headline().starts_with("proven except what needs postgis: applying the other 3 statements"),
            "{}",
            proof.headline()
        );
        assert!(proof.caveats[0].starts_with("not proven: what needs the extension postgis that PostgreSQL 17.5 (PGlite) here does not have (table public.places, index public.places_location; 1 statement of the script not run)"), "{:?}", proof.caveats);
        // The rest not done: it differs, in the rest only.
        let proof = rest.judge(&Outcome::Dumped {
            server: "PostgreSQL 17.5 (PGlite)".into(),
            dump: "CREATE TABLE public.tags (id integer);\n".into(),
            rewritten: 0,
        });
        assert!(matches!(&proof.verdict, Verdict::Differs { differences } if differences.len() == 1), "{proof:?}");
    }

    #[test]
    fn a_dump_leaves_out_restrict_and_lists_other_meta_commands() {
        let dump =
            dump_statements("\\restrict abc\nSET x = 1;\n\\connect other\nCREATE TABLE t ();\n\\unrestrict abc\n");
        assert_eq!(dump.statements.len(), 2);
        assert_eq!(dump.meta_commands, [(3, "\\connect other".to_string())]);
    }

    #[test]
    fn concurrently_is_taken_out_only_where_it_is_a_keyword_of_the_statement() {
        assert_eq!(
            for_single_user("CREATE UNIQUE INDEX CONCURRENTLY i ON t (a);").as_deref(),
            Some("CREATE UNIQUE INDEX i ON t (a);")
        );
        assert_eq!(
            for_single_user("DROP INDEX CONCURRENTLY IF EXISTS public.i;").as_deref(),
            Some("DROP INDEX IF EXISTS public.i;")
        );
        assert_eq!(
            for_single_user("ALTER TABLE p DETACH PARTITION c CONCURRENTLY;").as_deref(),
            Some("ALTER TABLE p DETACH PARTITION c;")
        );
        assert_eq!(for_single_user("CREATE INDEX i ON t (a);"), None);
        assert_eq!(for_single_user("COMMENT ON TABLE t IS ' CONCURRENTLY';"), None);
    }

    #[test]
    fn headlines_say_what_ran_where_and_what_came_of_it() {
        let proof = Proof {
            direction: Direction::Migration,
            start: "production.sql".into(),
            target: "staging.sql".into(),
            server: "PostgreSQL 17.5".into(),
            statements: 56,
            verdict: Verdict::Proven,
            caveats: Vec::new(),
            left_out: None,
        };
        assert_eq!(proof.headline(), "proven: applying the 56 statements of the migration to production.sql on PostgreSQL 17.5 gives staging.sql's schema: 0 differences (column order aside)");
        let failed = Proof {
            verdict: Verdict::Failed {
                number: 3,
                line: 8,
                phase: Some(Phase::Prepare.title().into()),
                statement: "CREATE TABLE t ();".into(),
                error: "ERROR:  relation \"t\" already exists".into(),
            },
            ..proof.clone()
        };
        assert_eq!(failed.headline(), "failed: statement 3 of 56 of the migration (line 8, phase 1 (schema preparation)) fails on PostgreSQL 17.5 after production.sql is built: ERROR:  relation \"t\" already exists");
        let differs =
            Proof { verdict: Verdict::Differs { differences: vec!["+ table public.t".into()] }, ..proof.clone() };
        assert!(differs.headline().ends_with("still differs from staging.sql in 1 place"), "{}", differs.headline());
    }

    #[test]
    fn roles_come_from_owners_grants_and_policies_without_public() {
        let catalog = crate::build_catalog(&read(
            "CREATE TABLE public.t (a int);\nALTER TABLE public.t OWNER TO \"App Owner\";\nGRANT SELECT ON TABLE public.t TO reader, PUBLIC;\nALTER TABLE public.t ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON public.t TO authenticated USING (true);\n",
        ));
        assert_eq!(
            roles(&[&catalog]),
            ["App Owner", "authenticated", "reader"],
            "{:?} {:?}",
            catalog.owners,
            catalog.grants
        );
    }

    #[test]
    fn an_extensions_dependents_are_its_typed_columns_and_their_indexes() {
        let catalog = crate::build_catalog(&read(
            "CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;\nCREATE TABLE public.places (id integer, location public.geometry(Point,4326));\nCREATE INDEX places_location ON public.places USING gist (location);\nCREATE INDEX places_id ON public.places USING btree (id);\n",
        ));
        assert_eq!(
            dependents(&[&catalog], "postgis"),
            ["column public.places.location", "index public.places_location"]
        );
        assert!(dependents(&[&catalog], "pg_trgm").is_empty());
    }

    #[test]
    fn versions_are_read_from_headers_and_from_version_texts() {
        assert_eq!(major_version("15.18 (Debian 15.18-0+deb12u1)"), Some(15));
        assert_eq!(major_version("PostgreSQL 17.5 on aarch64-unknown-linux-gnu"), Some(17));
        assert_eq!(major_version("9.6.2"), Some(9));
        assert_eq!(major_version("unknown"), None);
    }
}
