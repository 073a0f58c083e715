//! `schemadrift-bench`, run by `cargo xtask bench` in release mode:
//!
//! * `generate DIR SIZE_MB…` writes `DIR/bench-<SIZE>mb-from.sql` and `-to.sql`, a pair of SIZE MB
//!   in all (half on each side): realistic pg_dump
//!   output (many tenant schemas with enums, tables, identity columns, keys, foreign keys, indexes,
//!   plpgsql functions, triggers, row-level security policies, comments and grants), the same bytes
//!   on every run, and a `to` side with the kinds of changes a release brings.
//! * `native FROM TO` times the whole analysis of one pair (decode, read, catalog both sides, diff,
//!   risks, compatibility, plan and script) and prints one line of `key=value` pairs: bytes, best
//!   seconds of several runs, MB/s and the process's peak resident memory.

/// mimalloc, as the CLI: reading a dump makes millions of small strings, which the system allocator
/// serves markedly slower.
#[cfg(not(feature = "heap-stats"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// With feature `heap-stats`, counted: the peak of bytes in use is the analysis's memory. Counting
/// slows every allocation down, so times are taken from a build without it.
#[cfg(feature = "heap-stats")]
#[global_allocator]
static ALLOCATOR: cap::Cap<mimalloc::MiMalloc> = cap::Cap::new(mimalloc::MiMalloc, usize::MAX);

/// Bytes in use now and at the peak so far, when counted.
fn heap() -> Option<(usize, usize)> {
    #[cfg(feature = "heap-stats")]
    return Some((ALLOCATOR.allocated(), ALLOCATOR.max_allocated()));
    #[cfg(not(feature = "heap-stats"))]
    None
}

mod generate;

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") if args.len() >= 3 => generate_all(&args[1], &args[2..]),
        Some("native") if args.len() == 3 => native(&args[1], &args[2]),
        Some("fixture") if args.len() == 3 => fixture(&args[1], &args[2]),
        _ => Err("usage: schemadrift-bench generate DIR SIZE_MB… | native FROM TO | fixture DIR SIZE_MB".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("schemadrift-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate_all(dir: &str, sizes: &[String]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {dir}: {e}"))?;
    for size in sizes {
        let mb: f64 = size.parse().map_err(|_| format!("{size} is not a size in MB"))?;
        let (from, to) = generate::pair((mb * 500_000.0) as usize);
        for (side, text) in [("from", from), ("to", to)] {
            let path = format!("{dir}/bench-{size}mb-{side}.sql");
            std::fs::write(&path, text).map_err(|e| format!("cannot write {path}: {e}"))?;
        }
    }
    Ok(())
}

/// The project's own large fixture pair: a generated pair restored into a throw-away PostgreSQL
/// and dumped again by its pg_dump, so the files are exactly what pg_dump writes. Written to
/// `DIR/fixture-from.sql` and `DIR/fixture-to.sql`.
fn fixture(dir: &str, size: &str) -> Result<(), String> {
    generate_all(dir, &[size.to_string()])?;
    let sources = ["from", "to"].map(|side| format!("{dir}/bench-{size}mb-{side}.sql"));
    let dumps = restore_and_dump(&sources)?;
    for (side, dump) in ["from", "to"].iter().zip(dumps) {
        let path = format!("{dir}/fixture-{side}.sql");
        std::fs::write(&path, dump).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    Ok(())
}

/// Each file restored into its own database of a throw-away PostgreSQL, and dumped again.
fn restore_and_dump(files: &[String; 2]) -> Result<[String; 2], String> {
    let cluster = pgtest::Cluster::start()?;
    let mut dumps = [String::new(), String::new()];
    for (i, file) in files.iter().enumerate() {
        let database = format!("fixture_{i}");
        cluster.create_database(&database)?;
        cluster.psql_file(&database, std::path::Path::new(file))?;
        dumps[i] = cluster.dump_schema(&database, &[])?;
    }
    Ok(dumps)
}

fn analyse(from: &[u8], to: &[u8]) -> usize {
    use schemadrift_engine::{build_catalog, decode, read, DiffOptions};
    let stages = std::env::var_os("SCHEMADRIFT_BENCH_STAGES").is_some();
    let mut clock = Instant::now();
    let mut lap = |stage: &str| {
        if stages {
            eprintln!("  {stage}: {:.3} s", clock.elapsed().as_secs_f64());
        }
        clock = Instant::now();
    };
    let catalog = |bytes: &[u8]| decode(bytes).map(|d| build_catalog(&read(&d.text)));
    // As the CLI does: one thread per side.
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(|| catalog(from));
        let new = catalog(to);
        (old.join().ok().and_then(Result::ok), new.ok())
    });
    let (Some(old), Some(new)) = (old, new) else { return 0 };
    lap("catalogs");
    let options = DiffOptions::default();
    let result = schemadrift_engine::diff(&old, &new, &options);
    lap("diff");
    let risks = schemadrift_engine::risks::assess(&old, &new, &result, schemadrift_engine::risks::Server::default());
    lap("risks");
    let compatibility = schemadrift_engine::compat::compatibility(&old, &new, &result);
    lap("compatibility");
    let plan = schemadrift_engine::plan::plan(&old, &new, &result);
    lap("plan");
    let script = schemadrift_engine::plan::script(
        &plan,
        "bench",
        &risks,
        &schemadrift_engine::version::TargetVersion::of(None, "bench", None),
    );
    lap("script");
    result.changes.len() + compatibility.len() + script.len()
}

fn native(from: &str, to: &str) -> Result<(), String> {
    // What the process holds before any work (the program itself): not the analysis's memory.
    let baseline = memory("VmRSS:").unwrap_or(0);
    let read = |path: &str| std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"));
    let (old, new) = (read(from)?, read(to)?);
    let bytes = old.len() + new.len();
    let in_use_before = heap().map_or(0, |(now, _)| now);
    let mut best = f64::MAX;
    let mut changes = 0;
    // Small pairs run more often, so that one slow run (another process on the machine) does not count.
    let runs = if bytes < 5_000_000 { 5 } else { 2 };
    for _ in 0..runs {
        let start = Instant::now();
        changes = analyse(&old, &new);
        best = best.min(start.elapsed().as_secs_f64());
    }
    let peak = memory("VmHWM:").unwrap_or(0);
    // Bytes in use at the peak of the analysis, beyond the two files already read.
    let heap = heap().map(|(_, max)| format!(" heap_peak_bytes={}", max.saturating_sub(in_use_before)));
    println!(
        "bytes={bytes} seconds={best:.4} mb_per_s={:.1} peak_bytes={peak} baseline_bytes={baseline}{} output={changes}",
        bytes as f64 / 1e6 / best,
        heap.unwrap_or_default()
    );
    Ok(())
}

/// A memory figure of this process from `/proc/self/status` (Linux), in bytes: `VmHWM:` is the
/// peak resident set, `VmRSS:` the current one.
fn memory(key: &str) -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use schemadrift_engine::{build_catalog, decode, diff, read, DiffOptions};

    fn catalog(text: &str) -> schemadrift_engine::Catalog {
        build_catalog(&read(&decode(text.as_bytes()).unwrap().text))
    }

    /// The generated pairs are valid PostgreSQL, and what the generator writes is what pg_dump
    /// writes back: restored and dumped again, each side compares equal to itself (owners aside:
    /// the generator writes none), and the pair differs as before.
    #[test]
    fn a_generated_pair_restored_and_dumped_again_is_the_same_schema() {
        let dir = std::env::temp_dir().join(format!("schemadrift-fixture-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (from, to) = super::generate::pair(250_000);
        let files = [("from", &from), ("to", &to)].map(|(side, text)| {
            let path = dir.join(format!("{side}.sql"));
            std::fs::write(&path, text).unwrap();
            path.display().to_string()
        });
        let dumps = super::restore_and_dump(&files).unwrap_or_else(|e| panic!("cannot restore the pair: {e}"));
        let _ = std::fs::remove_dir_all(&dir);
        let options = DiffOptions { ignore_owners: true, ..DiffOptions::default() };
        for (generated, dumped) in [(&from, &dumps[0]), (&to, &dumps[1])] {
            let changes = diff(&catalog(generated), &catalog(dumped), &options).changes;
            assert!(changes.is_empty(), "generated and dumped differ: {:#?}", &changes[..changes.len().min(5)]);
        }
        let generated = diff(&catalog(&from), &catalog(&to), &options);
        let dumped = diff(&catalog(&dumps[0]), &catalog(&dumps[1]), &options);
        assert!(generated.changes.len() > 100);
        assert_eq!(generated.changes, dumped.changes);
    }
}
