//! `cargo xtask bench`: the performance figures of issue 7, measured on this machine.
//!
//! * native release engine: the whole analysis of generated pairs of 1, 3, 10, 25 and 50 MB
//!   (`crates/bench`), MB/s, per-MB cost against the 1 MB pair, peak memory against the input;
//! * the browser: from the files handed to the page to the summary, and the longest main-thread
//!   task, for the 3 MB and 25 MB pairs, and the frame rate while a 10,000-row list scrolls
//!   (`crates/bench/browser.mjs`, headless Chromium);
//! * the project's own large fixture pair (the 10 MB pair restored into PostgreSQL and dumped again
//!   by pg_dump), natively and through apgdiff;
//! * the wasm bundles (the page's and the analysis worker's), raw and gzip;
//! * apgdiff (Debian package) on the same pairs, as a ratio.
//!
//! Each figure is printed with its budget and whether it is met.

use crate::run::{project_root, Env};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Pair sizes in MB (both dumps together).
const SIZES: [&str; 5] = ["1", "3", "10", "25", "50"];
const BROWSER_SIZES: [&str; 2] = ["3", "25"];
/// The project's own large fixture pair: the 10 MB pair restored into PostgreSQL and dumped again by
/// its pg_dump (`schemadrift-bench fixture`).
const FIXTURE: &str = "fixture";

fn field(line: &str, key: &str) -> Option<f64> {
    line.split_whitespace().find_map(|pair| pair.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "OVER BUDGET"
    }
}

pub fn run(env: &Env) -> Result<(), String> {
    let root = project_root();
    let dir = root.join("target/bench");
    let dir_text = dir.display().to_string();
    println!("xtask bench: building the release benchmark and generating the pairs in {dir_text}");
    env.status("cargo", &["build", "--release", "--quiet", "-p", "schemadrift-bench"])?;
    // The same benchmark counting the bytes in use, for the memory figures (slower: not timed).
    env.status(
        "cargo",
        &[
            "build",
            "--release",
            "--quiet",
            "-p",
            "schemadrift-bench",
            "--features",
            "heap-stats",
            "--target-dir",
            "target/heap-stats",
        ],
    )?;
    let bench = root.join("target/release/schemadrift-bench");
    let bench_text = bench.display().to_string();
    let counting = root.join("target/heap-stats/release/schemadrift-bench").display().to_string();
    let mut args = vec!["generate", dir_text.as_str()];
    args.extend(SIZES);
    env.status(&bench_text, &args)?;
    println!("xtask bench: restoring the 10 MB pair into PostgreSQL and dumping it again (the fixture pair)");
    env.status(&bench_text, &["fixture", dir_text.as_str(), "10"])?;
    let pair = |size: &str| {
        let side = |s: &str| match size {
            FIXTURE => dir.join(format!("fixture-{s}.sql")).display().to_string(),
            _ => dir.join(format!("bench-{size}mb-{s}.sql")).display().to_string(),
        };
        (side("from"), side("to"))
    };

    println!("\n## Native engine (release, whole analysis: read both, catalog, diff, risks, plan)\n");
    println!("| pair | bytes | time | MB/s | ms per MB | peak resident (process) | analysis memory (peak bytes in use) / input |");
    println!("|---|---|---|---|---|---|---|");
    let mut per_mb = Vec::new();
    let mut worst_memory: f64 = 0.0;
    for size in SIZES.into_iter().chain([FIXTURE]) {
        let (from, to) = pair(size);
        let line = env.output(&bench_text, &["native", &from, &to]).ok_or("the native benchmark failed")?;
        let counted = env.output(&counting, &["native", &from, &to]).ok_or("the memory benchmark failed")?;
        let (bytes, seconds, peak, baseline, heap) = (
            field(&line, "bytes").unwrap_or(0.0),
            field(&line, "seconds").unwrap_or(0.0),
            field(&line, "peak_bytes").unwrap_or(0.0),
            field(&line, "baseline_bytes").unwrap_or(0.0),
            field(&counted, "heap_peak_bytes").unwrap_or(f64::MAX),
        );
        let ms_per_mb = seconds * 1000.0 / (bytes / 1e6);
        if size != FIXTURE {
            per_mb.push(ms_per_mb);
        }
        // The analysis's memory: the most bytes in use at once, beyond the two files read.
        let used = heap / bytes;
        worst_memory = worst_memory.max(used);
        let label = label(size);
        println!(
            "| {label} | {bytes:.0} | {:.0} ms | {:.1} | {ms_per_mb:.1} | {:.0} MB (process before work: {:.0} MB) | {used:.1}× |",
            seconds * 1000.0,
            bytes / 1e6 / seconds,
            peak / 1e6,
            baseline / 1e6
        );
        if size == "3" {
            println!("  budget: 3 MB pair in ≤ 150 ms → {}", verdict(seconds <= 0.150));
        }
    }
    let throughput = 1000.0 / per_mb.iter().cloned().fold(0.0, f64::max);
    println!("\nbudgets:");
    println!("* throughput ≥ 20 MB/s on every pair: slowest {throughput:.1} MB/s → {}", verdict(throughput >= 20.0));
    let growth = per_mb[per_mb.len() - 1] / per_mb[0];
    println!("* linear: per-MB time at 50 MB within 1.5× of 1 MB: {growth:.2}× → {}", verdict(growth <= 1.5));
    println!(
        "* peak memory of the analysis ≤ 10× the input: worst {worst_memory:.1}× → {}",
        verdict(worst_memory <= 10.0)
    );

    println!("\n## Wasm bundles (release)\n");
    crate::run::build(env)?;
    let wasm_files: Vec<_> = std::fs::read_dir(root.join("dist"))
        .map_err(|e| format!("cannot read dist/: {e}"))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .collect();
    for (label, prefix, budget) in [
        ("main app (the page)", "schemadrift-web", true),
        ("analysis worker (loaded with the page, runs beside it)", "schemadrift-worker", false),
    ] {
        let wasm = wasm_files
            .iter()
            .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(prefix)))
            .ok_or(format!("dist/ has no {prefix} .wasm file"))?;
        let raw = std::fs::metadata(wasm).map(|m| m.len()).unwrap_or(0);
        let gzip = gzip_size(wasm)?;
        println!("{label}: raw {raw} bytes, gzip -9 {gzip} bytes ({:.0} KB)", gzip as f64 / 1000.0);
        if budget {
            println!("  budget: main app ≤ 900 KB gzip → {}", verdict(gzip <= 900_000));
        }
    }

    println!("\n## Browser (headless Chromium, release build)\n");
    let mut args = vec!["crates/bench/browser.mjs".to_string(), root.join("dist").display().to_string()];
    for size in BROWSER_SIZES {
        let (from, to) = pair(size);
        args.extend([from, to]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = env.output("node", &args).ok_or("the browser benchmark failed")?;
    let lines: Vec<&str> = out.lines().collect();
    for (size, line) in BROWSER_SIZES.iter().zip(&lines) {
        let seconds = field(line, "seconds").unwrap_or(f64::MAX);
        let longest = field(line, "longest_task_ms").unwrap_or(f64::MAX);
        let budget = if *size == "3" { 1.0 } else { 8.0 };
        println!(
            "{size} MB pair: drop to summary {seconds:.2} s (budget ≤ {budget} s → {}), longest main-thread task {longest:.0} ms (budget ≤ 100 ms → {})",
            verdict(seconds <= budget),
            verdict(longest <= 100.0)
        );
    }
    if let Some(scroll) = lines.iter().find(|l| l.starts_with("scroll_rows=")) {
        let fps = field(scroll, "fps").unwrap_or(0.0);
        println!(
            "scrolling the {:.0}-row list of changes: {fps:.1} fps, 95% of frames within {:.1} ms, slowest {:.1} ms, {:.0} rows in the page (budget 60 fps → {})",
            field(scroll, "scroll_rows").unwrap_or(0.0),
            field(scroll, "p95_frame_ms").unwrap_or(0.0),
            field(scroll, "slowest_frame_ms").unwrap_or(0.0),
            field(scroll, "rows_in_page").unwrap_or(0.0),
            verdict(fps >= 59.0)
        );
    }

    println!("\n## apgdiff (Debian package) on the same pairs\n");
    for size in SIZES.into_iter().chain([FIXTURE]) {
        let (from, to) = pair(size);
        let ours = {
            let line = env.output(&bench_text, &["native", &from, &to]).unwrap_or_default();
            field(&line, "seconds").unwrap_or(0.0)
        };
        let start = Instant::now();
        let status = Command::new("apgdiff")
            .args(["--ignore-start-with", &from, &to])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let theirs = start.elapsed().as_secs_f64();
        match status {
            Ok(s) if s.success() => println!(
                "{} pair: apgdiff {theirs:.2} s, schemadrift {ours:.2} s ({:.1}× faster)",
                label(size),
                theirs / ours.max(1e-9)
            ),
            Ok(_) => println!("{} pair: apgdiff could not read the files (exit status not 0)", label(size)),
            Err(e) => println!("{} pair: apgdiff could not run ({e})", label(size)),
        }
    }
    Ok(())
}

fn label(size: &str) -> String {
    if size == FIXTURE {
        "fixture (real pg_dump)".to_string()
    } else {
        format!("{size} MB")
    }
}

fn gzip_size(path: &Path) -> Result<u64, String> {
    let output =
        Command::new("gzip").args(["-9", "-c"]).arg(path).output().map_err(|e| format!("cannot run gzip: {e}"))?;
    Ok(output.stdout.len() as u64)
}
