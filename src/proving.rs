//! The analysis worker's half of a proof in the browser: it turns the last comparison into a job
//! for the PGlite worker (`assets/prove-worker.js`) and judges what that worker reports, both
//! through the engine's [`schemadrift_engine::proof::Case`], as `schemadrift prove` does.
//!
//! The job holds the dumps' statements and the script with their secrets (PostgreSQL must run
//! them as they are): the page passes it on as bytes it never reads. The verdict the page gets is
//! redacted.

use schemadrift_engine::pipeline::{Comparison, ReadDump};
use schemadrift_engine::proof::{self, Case, Direction, Dumped, Outcome, Proof, Script, Verdict};
use schemadrift_engine::secrets::{redact, Secret};
use serde::{Deserialize, Serialize};

/// How a proof starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Start {
    /// Run this job (JSON for the PGlite worker) of `statements` statements.
    Job { job: Vec<u8>, statements: usize },
    /// Nothing to run: the verdict is known (e.g. the script leaves a step to the user).
    Done(Box<Card>),
}

/// What the worker answers to an outcome: the verdict, or, when the server lacked extensions, a
/// second job that proves the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judged {
    Card(Card),
    Again(Start),
}

/// A proof as the page shows it (plain fields: the page renders, it does not judge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub direction: Direction,
    /// `proven`, `failed`, `differs` or `cannot prove`.
    pub verdict: String,
    /// The verdict in one sentence ([`Proof::headline`]).
    pub headline: String,
    /// For a failed statement: its SQL, where it is, and PostgreSQL's whole message.
    pub statement: Option<String>,
    pub line: Option<usize>,
    pub error: Option<String>,
    /// What still differs (for `differs`).
    pub differences: Vec<String>,
    pub caveats: Vec<String>,
}

impl Card {
    pub fn of(proof: &Proof) -> Card {
        let (statement, line, error, differences) = match &proof.verdict {
            Verdict::Failed { statement, line, error, .. } => {
                (Some(statement.clone()), Some(*line), Some(error.clone()), Vec::new())
            }
            Verdict::Differs { differences } => (None, None, None, differences.clone()),
            Verdict::Proven | Verdict::CannotProve { .. } => (None, None, None, Vec::new()),
        };
        Card {
            direction: proof.direction,
            verdict: proof.verdict.label().to_string(),
            headline: proof.headline(),
            statement,
            line,
            error,
            differences,
            caveats: proof.caveats.clone(),
        }
    }
}

/// The start and the target of a direction, and its script, as the engine reads them.
struct Parts {
    statements: [Script; 2],
    script: Script,
}

/// The side a direction starts from and the one it must reach.
fn ends(compared: &Comparison, direction: Direction) -> (&ReadDump, &ReadDump) {
    match direction {
        Direction::Migration => (compared.from(), compared.to()),
        Direction::Rollback => (compared.to(), compared.from()),
    }
}

fn parts(compared: &Comparison, direction: Direction) -> Parts {
    let (start, target) = ends(compared, direction);
    let script = match direction {
        Direction::Migration => compared.release().script.as_ref(),
        Direction::Rollback => compared.rollback(),
    };
    Parts {
        statements: [proof::dump_statements(&start.text), proof::dump_statements(&target.text)],
        script: proof::script_statements(script),
    }
}

fn case<'a>(compared: &'a Comparison, direction: Direction, parts: &'a Parts) -> Case<'a> {
    let (start, target) = ends(compared, direction);
    let dumped = |side: &'a ReadDump, statements: &'a Script| Dumped {
        name: &side.facts.name,
        catalog: &side.catalog,
        major: side.facts.server_version.as_deref().and_then(proof::major_version),
        statements,
    };
    Case {
        direction,
        start: dumped(start, &parts.statements[0]),
        target: dumped(target, &parts.statements[1]),
        script: &parts.script,
        options: compared.options(),
        left_out: None,
    }
}

pub fn start(compared: &Comparison, direction: Direction) -> Start {
    let parts = parts(compared, direction);
    let case = case(compared, direction, &parts);
    if let Some(reason) = case.cannot_run() {
        return Start::Done(Box::new(Card::of(&redacted(case.refused(reason), &compared.secrets()))));
    }
    let job = serde_json::to_vec(&case.job(true)).expect("plain data serializes");
    Start::Job { job, statements: parts.script.statements.len() }
}

pub fn judge(compared: &Comparison, direction: Direction, bytes: &[u8]) -> Judged {
    let parts = parts(compared, direction);
    let case = case(compared, direction, &parts);
    let outcome = serde_json::from_slice::<Outcome>(bytes).unwrap_or_else(|error| Outcome::Crashed {
        error: format!("the proof worker's report could not be read ({error})"),
    });
    let echo: proof::Echo = serde_json::from_slice(bytes).unwrap_or_default();
    let card = |proof: Proof| Judged::Card(Card::of(&redacted(proof, &compared.secrets())));
    // The job left out what needs these extensions: the outcome is of the rest.
    let without = match &outcome {
        Outcome::MissingExtensions { extensions, .. } if echo.without.is_empty() => extensions.clone(),
        _ => echo.without.clone(),
    };
    if without.is_empty() {
        return card(case.judge(&outcome));
    }
    let reduced = case.without(&without);
    let start = Dumped { statements: &reduced.start, ..case.start };
    let rest = Case { start, script: &reduced.script, left_out: Some(&reduced.left_out), ..case };
    if !echo.without.is_empty() {
        return card(rest.judge(&outcome));
    }
    if reduced.left_out.rest == 0 {
        return card(case.judge(&outcome)); // every difference needs what the server lacks
    }
    // Prove the rest: a second job, whose outcome comes back with `without`.
    let job = serde_json::to_vec(&rest.job(true)).expect("plain data serializes");
    Judged::Again(Start::Job { job, statements: reduced.script.statements.len() })
}

/// The proof with every secret's value replaced: it goes to the page.
fn redacted(mut proof: Proof, secrets: &[Secret]) -> Proof {
    if secrets.is_empty() {
        return proof;
    }
    match &mut proof.verdict {
        Verdict::Failed { statement, error, .. } => {
            *statement = redact(statement, secrets);
            *error = redact(error, secrets);
        }
        Verdict::Differs { differences } => differences.iter_mut().for_each(|d| *d = redact(d, secrets)),
        Verdict::CannotProve { reason } => *reason = redact(reason, secrets),
        Verdict::Proven => {}
    }
    proof
}

#[cfg(test)]
mod tests {
    use crate::analysis::Analyst;
    use crate::proving::{Card, Judged};
    use schemadrift_engine::proof::{Direction, Job, Outcome};

    fn card(judged: Option<Judged>) -> Card {
        match judged {
            Some(Judged::Card(card)) => card,
            other => panic!("a verdict, not {other:?}"),
        }
    }

    #[test]
    fn the_demo_gives_a_job_with_its_extensions_and_a_dumped_result_is_judged() {
        let mut analyst = Analyst::default();
        analyst.demo();
        analyst.compare().unwrap();
        let Some(super::Start::Job { job, statements }) = analyst.prove(Direction::Migration) else { panic!("a job") };
        let job: Job = serde_json::from_slice(&job).unwrap();
        assert_eq!(job.extensions, ["pg_trgm", "pgcrypto"]);
        assert_eq!(job.script.len(), statements);
        // PGlite has one user: CONCURRENTLY is taken out here, and counted for the verdict.
        assert!(job.rewritten > 0 && job.script.iter().all(|s| !s.contains(" CONCURRENTLY")), "{job:?}");
        assert!(job.build.iter().all(|s| !s.starts_with('\\')), "no meta-command is sent");
        // The target's own dump, as a runner would report it, proves the migration.
        let target = analyst.side(crate::state::Side::To).unwrap().side.text.to_string();
        let outcome = Outcome::Dumped { server: "PostgreSQL 17.5 (PGlite)".into(), dump: target, rewritten: 2 };
        let proof = card(analyst.judge(Direction::Migration, &serde_json::to_vec(&outcome).unwrap()));
        assert_eq!(proof.verdict, "proven");
        assert!(proof.headline.starts_with("proven: applying the "), "{}", proof.headline);
        assert!(proof.caveats[0].starts_with("2 statements ran without CONCURRENTLY"), "{:?}", proof.caveats);
        // The start's dump does not: the residual is the whole migration.
        let start = analyst.side(crate::state::Side::From).unwrap().side.text.to_string();
        let outcome = Outcome::Dumped { server: "PostgreSQL 17.5 (PGlite)".into(), dump: start, rewritten: 0 };
        let proof = card(analyst.judge(Direction::Migration, &serde_json::to_vec(&outcome).unwrap()));
        assert_eq!(proof.verdict, "differs", "{proof:?}");
        assert!(!proof.differences.is_empty());
        let failed = Outcome::Failed {
            server: "PostgreSQL 17.5 (PGlite)".into(),
            index: Some(7),
            line: None,
            error: "ERROR:  boom".into(),
        };
        let proof = card(analyst.judge(Direction::Migration, &serde_json::to_vec(&failed).unwrap()));
        assert_eq!(proof.verdict, "failed");
        assert!(proof.headline.starts_with("failed: statement 8 of "), "{}", proof.headline);
        assert_eq!(proof.statement.as_deref(), Some(job.script[7].as_str()));
        assert_eq!(card(analyst.judge(Direction::Rollback, b"not json")).verdict, "cannot prove");
        // The server lacks an extension: a second job proves the rest, and its outcome, which
        // comes back with the extensions it left out, is judged as the rest.
        let missing = Outcome::MissingExtensions {
            server: "PostgreSQL 17.5 (PGlite)".into(),
            extensions: vec!["pg_trgm".into()],
        };
        let Some(Judged::Again(super::Start::Job { job: rest, .. })) =
            analyst.judge(Direction::Migration, &serde_json::to_vec(&missing).unwrap())
        else {
            panic!("a second job")
        };
        let rest: Job = serde_json::from_slice(&rest).unwrap();
        assert_eq!(
            (rest.extensions.as_slice(), rest.without.as_slice()),
            (&["pgcrypto".to_string()][..], &["pg_trgm".to_string()][..])
        );
        assert!(rest.build.iter().all(|s| !s.contains("EXTENSION IF NOT EXISTS pg_trgm")), "{:?}", rest.build);
        let failed_rest = br#"{"result":"build_failed","server":"PostgreSQL 17.5 (PGlite)","index":3,"error":"ERROR:  operator class \"gin_trgm_ops\" does not exist","without":["pg_trgm"]}"#;
        let proof = card(analyst.judge(Direction::Migration, failed_rest));
        assert_eq!(proof.verdict, "cannot prove");
        assert!(
            proof.headline.contains("does not build on PostgreSQL 17.5 (PGlite) without what needs pg_trgm"),
            "{}",
            proof.headline
        );
        let undumped =
            Outcome::DumpFailed { server: "PostgreSQL 17.5 (PGlite)".into(), error: "{\"errno\":44}".into() };
        let proof = card(analyst.judge(Direction::Migration, &serde_json::to_vec(&undumped).unwrap()));
        assert_eq!(proof.verdict, "cannot prove");
        assert!(
            proof.headline.contains("pg_dump could not dump the result (PGlite's pg_dump stops on larger schemas"),
            "{}",
            proof.headline
        );
    }
}
