//! `cargo xtask fuzz`: runs the fuzz targets of `fuzz/` (libFuzzer through `cargo fuzz`, on the
//! nightly toolchain) for a bounded time each, and says what they did: executions, coverage, when
//! coverage last grew (a plateau), and what they found.
//!
//! Seeds are made fresh from the project's own fixture dumps (`target/fuzz/seeds/`); what the run
//! discovers goes to a scratch folder (`target/fuzz/found/`), so the committed corpus only changes
//! when asked: `--keep` chooses it again from all found so far, the fewest small inputs that reach
//! code the seeds do not.
//! A crash, a timeout or an out-of-memory input is copied to `fuzz/regressions/<target>/`, which
//! `crates/engine/tests/fuzz_regressions.rs` replays in every `cargo xtask test`.

use crate::run::Env;
use crate::setup;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

const CARGO_FUZZ_VERSION: &str = "0.13.2";
pub const TARGETS: &[&str] = &["read_catalog", "diff_plan"];
/// The largest input `--keep` adds to the committed corpus.
const KEEP_MAX_BYTES: u64 = 2048;

pub const USAGE: &str = "\
usage: cargo xtask fuzz [--seconds N] [--target NAME] [--keep]

  --seconds N    how long each target runs (default 300)
  --target NAME  run only this target (read_catalog, diff_plan)
  --keep         choose fuzz/corpus/<target>/ again: the fewest inputs of 2 KB or less (found
                 so far, or in it) that reach code the seeds do not";

struct Options {
    seconds: u64,
    targets: Vec<String>,
    keep: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options { seconds: 300, targets: Vec::new(), keep: false };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                options.seconds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--seconds needs a number of seconds\n\n{USAGE}"))?;
            }
            "--target" => {
                let name = args.next().ok_or_else(|| format!("--target needs a name\n\n{USAGE}"))?;
                if !TARGETS.contains(&name.as_str()) {
                    return Err(format!("no fuzz target `{name}`: the targets are {}", TARGETS.join(", ")));
                }
                options.targets.push(name.clone());
            }
            "--keep" => options.keep = true,
            other => return Err(format!("unknown option `{other}`\n\n{USAGE}")),
        }
    }
    if options.targets.is_empty() {
        options.targets = TARGETS.iter().map(|t| t.to_string()).collect();
    }
    Ok(options)
}

/// What one target's run did.
struct Outcome {
    target: String,
    executions: u64,
    seconds: f64,
    coverage: u64,
    features: u64,
    /// When the number of edges covered last grew, in seconds from the start.
    last_growth: f64,
    /// (seconds, edges covered) at each status line.
    samples: Vec<(f64, u64)>,
    findings: Vec<PathBuf>,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let env = setup::ensure_fuzzing()?;
    setup::ensure_cargo_tool(
        &env,
        "cargo-fuzz",
        CARGO_FUZZ_VERSION,
        &["cargo-fuzz", "--version", CARGO_FUZZ_VERSION, "--locked"],
    )?;
    let work = env.root.join("target/fuzz");
    write_seeds(&env.root, &work.join("seeds"))?;
    eprintln!("xtask: building the fuzz targets with libFuzzer's instrumentation (a few minutes the first time)");
    env.status("cargo", &["+nightly", "fuzz", "build", "--sanitizer", "none", "--debug-assertions"])?;
    // One target per core: they run side by side, each for the time asked.
    let outcomes: Vec<Result<Outcome, String>> = std::thread::scope(|scope| {
        let runs: Vec<_> = options
            .targets
            .iter()
            .map(|target| {
                let (env, work) = (&env, &work);
                scope.spawn(move || run_target(env, target, options.seconds, work))
            })
            .collect();
        runs.into_iter().map(|run| run.join().unwrap_or_else(|_| Err("a fuzzing thread failed".into()))).collect()
    });
    let outcomes = outcomes.into_iter().collect::<Result<Vec<_>, _>>()?;
    if options.keep {
        for target in &options.targets {
            keep_new_coverage(&env, target, &work)?;
        }
    }
    println!("\nxtask fuzz summary ({} s per target):", options.seconds);
    for o in &outcomes {
        // Edges covered at half time against the end: a plateau is little growth in the second half.
        let half = o.samples.iter().take_while(|(t, _)| *t <= o.seconds / 2.0).last().map_or(0, |&(_, c)| c);
        println!(
            "  {:<13} {:>9} executions in {:>5.0} s ({:>5.0}/s); edges covered {} at half time, {} at the end (last new edge at {:.0} s); {} features; {}",
            o.target,
            o.executions,
            o.seconds,
            o.executions as f64 / o.seconds.max(1.0),
            half,
            o.coverage,
            o.last_growth,
            o.features,
            if o.findings.is_empty() { "nothing found".to_string() } else { format!("FOUND {}", o.findings.len()) }
        );
        for finding in &o.findings {
            println!("      {}", finding.display());
        }
    }
    let found: usize = outcomes.iter().map(|o| o.findings.len()).sum();
    if found > 0 {
        return Err(format!(
            "{found} input(s) broke a law or took too long; each is in fuzz/regressions/ and now fails `cargo test -p schemadrift-engine --test fuzz_regressions`"
        ));
    }
    Ok(())
}

/// The longest input libFuzzer makes.
const MAX_LEN: usize = 32_768;

/// How much slower and larger the fuzz build is than a release build: coverage counters,
/// AddressSanitizer (its shadow memory and redzones) and debug assertions.
const INSTRUMENTED_SLOWDOWN: f64 = 10.0;
const INSTRUMENTED_MEMORY: usize = 3;
/// What libFuzzer and the sanitizer hold whatever the input: the corpus in memory, the shadow of
/// the program's own tables.
const FUZZER_BASE_MB: usize = 512;

/// libFuzzer's `-timeout` and `-rss_limit_mb`, from the cost law (`pipeline::laws::budget`) for
/// the longest input: an input that takes longer or more is a finding, as in `tests/cost_law.rs`.
struct Limits {
    law: schemadrift_engine::pipeline::laws::Budget,
    seconds: u64,
    rss_mb: usize,
}

impl Limits {
    fn of(max_len: usize) -> Limits {
        // One fuzz input is both sides of a comparison (split at a NUL byte), so the law's input
        // is the whole input.
        let law = schemadrift_engine::pipeline::laws::budget(max_len);
        Limits {
            law,
            seconds: (law.seconds * INSTRUMENTED_SLOWDOWN).ceil() as u64,
            rss_mb: FUZZER_BASE_MB + (law.peak_bytes >> 20) * INSTRUMENTED_MEMORY,
        }
    }
}

fn run_target(env: &Env, target: &str, seconds: u64, work: &Path) -> Result<Outcome, String> {
    let found = work.join("found").join(target);
    std::fs::create_dir_all(&found).map_err(|e| e.to_string())?;
    let corpus = env.root.join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
    let artifacts = work.join("artifacts").join(target);
    let _ = std::fs::remove_dir_all(&artifacts);
    std::fs::create_dir_all(&artifacts).map_err(|e| e.to_string())?;
    eprintln!("xtask: fuzzing {target} for {seconds} s");
    let max_time = format!("-max_total_time={seconds}");
    let artifact_prefix = format!("-artifact_prefix={}/", artifacts.display());
    let dict = format!("-dict={}", env.root.join("fuzz/sql.dict").display());
    let seeds = work.join("seeds").join(target);
    let limits = Limits::of(MAX_LEN);
    let (max_len, timeout, rss) = (
        format!("-max_len={MAX_LEN}"),
        format!("-timeout={}", limits.seconds),
        format!("-rss_limit_mb={}", limits.rss_mb),
    );
    eprintln!(
        "xtask: inputs up to {MAX_LEN} bytes; the cost law allows {:.2} s and {} MB for one, so an input over {} s or {} MB is a finding",
        limits.law.seconds,
        limits.law.peak_bytes >> 20,
        limits.seconds,
        limits.rss_mb
    );
    let options = [&max_time, &max_len, &timeout, &rss, "-print_final_stats=1", &dict, &artifact_prefix];
    let args = cargo_fuzz_run(target, &[&found, &corpus, &seeds], &options);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = env
        .command("cargo", &args)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start cargo fuzz: {e}"))?;
    let mut outcome = Outcome {
        target: target.to_string(),
        executions: 0,
        seconds: 0.0,
        coverage: 0,
        features: 0,
        last_growth: 0.0,
        samples: Vec::new(),
        findings: Vec::new(),
    };
    let mut started: Option<Instant> = None;
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            // libFuzzer's status lines: `#1234\tNEW    cov: 812 ft: 3310 corp: …`.
            if let Some(status) = line.strip_prefix('#') {
                let begun = *started.get_or_insert_with(Instant::now);
                if let Some(n) = status.split_whitespace().next().and_then(|n| n.parse().ok()) {
                    outcome.executions = n;
                }
                let coverage = number_after(&line, "cov: ").unwrap_or(outcome.coverage);
                let now = begun.elapsed().as_secs_f64();
                if coverage > outcome.coverage {
                    outcome.last_growth = now;
                }
                outcome.coverage = coverage;
                outcome.samples.push((now, coverage));
                outcome.features = number_after(&line, "ft: ").unwrap_or(outcome.features);
                // Print progress now and then, not every line.
                if line.contains("pulse") || line.contains("DONE") || line.contains("INITED") {
                    eprintln!("[{target}] {line}");
                }
            } else if let Some(n) = line.strip_prefix("stat::number_of_executed_units: ") {
                outcome.executions = n.trim().parse().unwrap_or(outcome.executions);
            } else if !is_noise(&line) {
                eprintln!("[{target}] {line}");
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    outcome.seconds = started.map_or(0.0, |s| s.elapsed().as_secs_f64());
    outcome.findings = keep_findings(&env.root, target, &artifacts)?;
    if !status.success() && outcome.findings.is_empty() {
        return Err(format!("cargo fuzz run {target} failed ({status}) without leaving an input behind"));
    }
    Ok(outcome)
}

/// libFuzzer's lines that say nothing a user needs: new functions reached, the recommended
/// dictionary, final statistics.
fn is_noise(line: &str) -> bool {
    line.starts_with("\tNEW_FUNC")
        || line.starts_with("stat::")
        || line.starts_with("###### ")
        || (line.starts_with('"') && line.contains("# Uses:"))
}

/// `cargo +nightly fuzz run TARGET DIR… -- OPTION…`, built the way `run` builds the targets (no
/// sanitizer: the engine forbids unsafe code, and the speed is worth more; debug assertions on).
fn cargo_fuzz_run(target: &str, dirs: &[&Path], libfuzzer: &[&str]) -> Vec<String> {
    let mut args: Vec<String> =
        ["+nightly", "fuzz", "run", "--sanitizer", "none", "--debug-assertions", target].map(String::from).into();
    args.extend(dirs.iter().map(|d| d.display().to_string()));
    args.push("--".into());
    args.extend(libfuzzer.iter().map(|o| o.to_string()));
    args
}

fn number_after(line: &str, key: &str) -> Option<u64> {
    let at = line.find(key)? + key.len();
    line[at..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// Copies crash, timeout and out-of-memory inputs to `fuzz/regressions/<target>/`.
fn keep_findings(root: &Path, target: &str, artifacts: &Path) -> Result<Vec<PathBuf>, String> {
    let mut kept = Vec::new();
    let regressions = root.join("fuzz/regressions").join(target);
    for entry in std::fs::read_dir(artifacts).map_err(|e| e.to_string())?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if ["crash-", "timeout-", "oom-", "leak-", "slow-unit-"].iter().any(|p| name.starts_with(p)) {
            std::fs::create_dir_all(&regressions).map_err(|e| e.to_string())?;
            let to = regressions.join(&name);
            std::fs::copy(entry.path(), &to).map_err(|e| e.to_string())?;
            kept.push(to.strip_prefix(root).unwrap_or(&to).to_path_buf());
        }
    }
    kept.sort();
    Ok(kept)
}

/// Chooses `fuzz/corpus/<target>/` again: the inputs found (and the corpus's own) that reach code the
/// seeds do not (libFuzzer's `-set_cover_merge=1` with the seeds as the base: the fewest inputs that
/// cover it).
fn keep_new_coverage(env: &Env, target: &str, work: &Path) -> Result<(), String> {
    let base = work.join("merge").join(target);
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).map_err(|e| e.to_string())?;
    let corpus = env.root.join("fuzz/corpus").join(target);
    let mut seeds = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(work.join("seeds").join(target)).map_err(|e| e.to_string())?.flatten() {
        std::fs::copy(entry.path(), base.join(entry.file_name())).map_err(|e| e.to_string())?;
        seeds.insert(entry.file_name());
    }
    // The corpus is chosen again each time from everything found so far and the corpus itself, so
    // it stays the fewest inputs that cover it rather than growing run by run. Only small inputs
    // are candidates, so it stays small enough to keep in the repository and replay in every test.
    let candidates = work.join("candidates").join(target);
    let _ = std::fs::remove_dir_all(&candidates);
    std::fs::create_dir_all(&candidates).map_err(|e| e.to_string())?;
    let before = std::fs::read_dir(&corpus).map_err(|e| e.to_string())?.count();
    for dir in [work.join("found").join(target), corpus.clone()] {
        for entry in std::fs::read_dir(&dir).map_err(|e| e.to_string())?.flatten() {
            if entry.metadata().is_ok_and(|m| m.len() <= KEEP_MAX_BYTES) {
                std::fs::copy(entry.path(), candidates.join(entry.file_name())).map_err(|e| e.to_string())?;
            }
        }
    }
    // Edges, not hit counts: an input is kept for code no other kept input reaches.
    let args = cargo_fuzz_run(target, &[&base, &candidates], &["-set_cover_merge=1", "-use_counters=0"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    env.status("cargo", &args)?;
    std::fs::remove_dir_all(&corpus).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
    let mut kept = 0;
    for entry in std::fs::read_dir(&base).map_err(|e| e.to_string())?.flatten() {
        if !seeds.contains(&entry.file_name()) {
            std::fs::copy(entry.path(), corpus.join(entry.file_name())).map_err(|e| e.to_string())?;
            kept += 1;
        }
    }
    eprintln!(
        "xtask: fuzz/corpus/{target}/ chosen again: {kept} input(s) (it held {before}) reach what the seeds do not"
    );
    Ok(())
}

/// The seeds: the project's own dumps as single files (read_catalog) and as from/to pairs joined by
/// a NUL byte (diff_plan), made fresh each run so they follow the fixtures.
fn write_seeds(root: &Path, seeds: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(seeds);
    let read = |p: &str| std::fs::read(root.join(p)).map_err(|e| format!("{p}: {e}"));
    let single = seeds.join("read_catalog");
    let pairs = seeds.join("diff_plan");
    for dir in [&single, &pairs] {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let bad = "crates/engine/tests/fixtures/bad_inputs";
    let mut files: Vec<String> = std::fs::read_dir(root.join(bad))
        .map_err(|e| e.to_string())?
        .flatten()
        .filter(|e| e.path().is_file() && e.file_name() != "README.md")
        .map(|e| format!("{bad}/{}", e.file_name().to_string_lossy()))
        .collect();
    files.extend(["demo/fieldbook_production.sql", "demo/fieldbook_staging.sql"].map(String::from));
    files.push("crates/engine/tests/fixtures/kinds/kinds.sql".into());
    let mut pair_list = vec![
        ("demo/fieldbook_production.sql".to_string(), "demo/fieldbook_staging.sql".to_string()),
        (format!("{bad}/app.sql"), format!("{bad}/migration.sql")),
    ];
    for case in ["every_rule", "hostile_names", "renames"] {
        let dir = format!("crates/engine/tests/fixtures/migrations/{case}");
        files.push(format!("{dir}/before.sql"));
        files.push(format!("{dir}/after.sql"));
        pair_list.push((format!("{dir}/before.sql"), format!("{dir}/after.sql")));
    }
    files.sort();
    for (n, file) in files.iter().enumerate() {
        std::fs::write(single.join(format!("seed-{n:02}")), read(file)?).map_err(|e| e.to_string())?;
    }
    for (n, (from, to)) in pair_list.iter().enumerate() {
        let mut pair = read(from)?;
        pair.push(0);
        pair.extend(read(to)?);
        std::fs::write(pairs.join(format!("seed-{n:02}")), pair).map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Limits;

    #[test]
    fn the_fuzzers_limits_follow_the_cost_law() {
        let limits = Limits::of(32_768);
        // 0.5 s + 1 s/MB of 32 KB, ten times over for the instrumented build.
        assert_eq!(limits.seconds, 6);
        // 64 MB + 20 B per input byte + 4 B per byte of the most output it may give (128 per input
        // byte): 80.6 MB, three times for AddressSanitizer, on 512 MB.
        assert_eq!(limits.rss_mb, 512 + 80 * 3);
        // A larger law gives larger limits: they are computed from it, not written down.
        assert!(Limits::of(1 << 20).rss_mb > limits.rss_mb && Limits::of(8 << 20).seconds > limits.seconds);
    }
}
