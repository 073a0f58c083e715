//! `cargo xtask test`: every check a change must pass, as stages with one summary line each.
//!
//! Stages run in order and all of them run even when one fails (except those that need an
//! earlier stage's output), so one run shows everything that is wrong.

use crate::run::{run_counting_tests, Env, TestCount};
use crate::setup;
use std::process::ExitCode;
use std::time::Instant;

enum Outcome {
    Passed(TestCount),
    Failed(String, TestCount),
    NotRun(&'static str),
    /// Deliberately not run on this machine; reported, never counted as passed.
    Skipped(&'static str),
}

struct Stage {
    name: &'static str,
    outcome: Outcome,
    seconds: f64,
}

pub fn run_all() -> ExitCode {
    let started = Instant::now();
    let mut stages = Vec::new();
    let env = match timed("set-up", &mut stages, || {
        setup::ensure(setup::Purpose::Tests)
            .map(|env| (env, TestCount::default()))
            .map_err(|m| (m, TestCount::default()))
    }) {
        Some(env) => env,
        None => return finish(&stages, started),
    };

    timed("format", &mut stages, || checked(&env, "cargo", &["fmt", "--all", "--check"]));
    timed("clippy", &mut stages, || {
        checked(&env, "cargo", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
        checked(
            &env,
            "cargo",
            &[
                "clippy",
                "-p",
                "schemadrift-web",
                "--all-targets",
                "--all-features",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ],
        )?;
        // The fuzz targets (a workspace of their own, fuzzed on nightly by `cargo xtask fuzz`) must
        // keep building: checked here on stable.
        checked(
            &env,
            "cargo",
            &["clippy", "--manifest-path", "fuzz/Cargo.toml", "--all-targets", "--", "-D", "warnings"],
        )
    });
    // The corpus conformance tests read ../shared/corpus in place. Without it (a user's clone), they
    // are skipped on purpose and the summary says so; under CI a missing corpus fails them.
    let corpus = env.root.join("../shared/corpus");
    let corpus_missing = !corpus.is_dir() && std::env::var_os("CI").is_none();
    // The proof counts the database tests record (see crates/engine/tests/common): fresh each run.
    let proof_summary = env.root.join("target/proof-summary");
    let _ = std::fs::remove_dir_all(&proof_summary);
    timed("native tests", &mut stages, || {
        // Every test binary runs even when one fails, so one run shows everything that is wrong.
        let mut command = env.command("cargo", &["test", "--workspace", "--no-fail-fast"]);
        if corpus_missing {
            command.env("SCHEMADRIFT_CORPUS", "skip");
        }
        run_counting_tests(command, "cargo test --workspace").map(|c| ((), c))
    });
    if corpus_missing {
        stages.push(Stage {
            name: "corpus",
            outcome: Outcome::Skipped("../shared/corpus is absent: corpus conformance was not checked"),
            seconds: 0.0,
        });
    }
    timed("browser tests", &mut stages, || {
        let mut command =
            // Its runner serves no worker file: the analysis runs in the page (feature in-page).
            env.command("cargo", &["test", "-p", "schemadrift-web", "--features", "in-page", "--target", "wasm32-unknown-unknown"]);
        command.env("CHROMEDRIVER", "/usr/bin/chromedriver");
        run_counting_tests(command, "wasm-bindgen-test in headless Chromium").map(|c| ((), c))
    });
    let built = timed("release build", &mut stages, || {
        checked(&env, "trunk", &["build", "--release"])?;
        page_holds_no_parser(&env.root.join("dist")).map_err(|m| (m, TestCount::default()))?;
        Ok(((), TestCount::default()))
    })
    .is_some();
    if built {
        timed("end-to-end", &mut stages, || {
            counted(&env, "node", &["--test", "--test-reporter=spec", "--test-concurrency=1", "e2e/"])
        });
    } else {
        stages.push(Stage { name: "end-to-end", outcome: Outcome::NotRun("the release build failed"), seconds: 0.0 });
    }
    print_proof_summary(&proof_summary);
    finish(&stages, started)
}

/// The page's wasm must hold no SQL parser: reading and comparing is the analysis worker's, so
/// the page stays small and never blocks on a dump. A crate's code carries its source paths (panic
/// locations), so the parser's name in the page's bytes means the page links it. The worker's wasm
/// must carry the name, or the check would prove nothing.
fn page_holds_no_parser(dist: &std::path::Path) -> Result<(), String> {
    let wasm = |prefix: &str| -> Result<Vec<u8>, String> {
        let files = std::fs::read_dir(dist).map_err(|e| format!("cannot read {}: {e}", dist.display()))?;
        let path = files
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.extension().is_some_and(|e| e == "wasm")
                    && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(prefix))
            })
            .ok_or(format!("dist/ has no {prefix} .wasm file"))?;
        std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let holds = |bytes: &[u8]| bytes.windows(b"sqlparser".len()).any(|w| w == b"sqlparser");
    if !holds(&wasm("schemadrift-worker")?) {
        return Err(
            "the worker's wasm does not name sqlparser: the check of the page's wasm would prove nothing".into()
        );
    }
    if holds(&wasm("schemadrift-web")?) {
        return Err("the page's wasm links sqlparser: parsing belongs in the analysis worker (ARCHITECTURE.md, \"The page never parses\")".into());
    }
    println!("the page's wasm holds no SQL parser (the worker's does)");
    Ok(())
}

/// The `proof: N of M pairs converge in both directions` lines the database tests recorded.
fn print_proof_summary(dir: &std::path::Path) {
    let mut files: Vec<_> = std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    let lines: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|text| text.lines().map(str::to_string).collect::<Vec<_>>())
        .collect();
    if !lines.is_empty() {
        println!("\nmigrations proven on PostgreSQL (natively, and in the browser with PGlite):");
        for line in lines {
            println!("  {line}");
        }
    }
}

/// Runs a stage, records its outcome, and returns its value when it passed.
fn timed<T>(
    name: &'static str,
    stages: &mut Vec<Stage>,
    body: impl FnOnce() -> Result<(T, TestCount), (String, TestCount)>,
) -> Option<T> {
    eprintln!("\n==> xtask test: {name}");
    let start = Instant::now();
    let result = body();
    let seconds = start.elapsed().as_secs_f64();
    match result {
        Ok((value, count)) => {
            stages.push(Stage { name, outcome: Outcome::Passed(count), seconds });
            Some(value)
        }
        Err((message, count)) => {
            eprintln!("xtask: {name} failed: {message}");
            stages.push(Stage { name, outcome: Outcome::Failed(message, count), seconds });
            None
        }
    }
}

fn checked(env: &Env, program: &str, args: &[&str]) -> Result<((), TestCount), (String, TestCount)> {
    env.status(program, args).map(|()| ((), TestCount::default())).map_err(|m| (m, TestCount::default()))
}

fn counted(env: &Env, program: &str, args: &[&str]) -> Result<((), TestCount), (String, TestCount)> {
    run_counting_tests(env.command(program, args), &format!("{program} {}", args.join(" "))).map(|c| ((), c))
}

fn finish(stages: &[Stage], started: Instant) -> ExitCode {
    println!("\nxtask test summary:");
    let (mut passed, mut failed, mut stage_failures) = (0, 0, 0);
    for stage in stages {
        let line = match &stage.outcome {
            Outcome::Passed(count) => {
                passed += count.passed;
                failed += count.failed;
                match count.passed {
                    0 => "ok".to_string(),
                    n => format!("ok ({n} tests)"),
                }
            }
            Outcome::Failed(message, count) => {
                stage_failures += 1;
                passed += count.passed;
                failed += count.failed;
                format!("FAILED: {message}")
            }
            Outcome::Skipped(why) => format!("SKIPPED: {why}"),
            Outcome::NotRun(why) => {
                stage_failures += 1;
                format!("NOT RUN: {why}")
            }
        };
        println!("  {:<14} {:>6.1}s  {line}", stage.name, stage.seconds);
    }
    println!("  total          {:>6.1}s", started.elapsed().as_secs_f64());
    println!("tests: {passed} passed, {failed} failed");
    if stage_failures == 0 && failed == 0 {
        ExitCode::SUCCESS
    } else {
        println!("xtask test: {stage_failures} stage(s) failed");
        ExitCode::FAILURE
    }
}
