//! Replays what the fuzz targets kept (`fuzz/corpus/<target>/`: inputs that reach code the fixtures
//! do not) and what they found (`fuzz/regressions/<target>/`: inputs that once panicked, broke a law
//! or ran too long), through the same laws the targets check. Runs in every `cargo xtask test`, on
//! the stable toolchain, so a fixed crash stays fixed without running the fuzzer.

mod common;

use schemadrift_engine::pipeline::laws::{compare_any, read_any};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz").join(kind).join(target);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// Each input through `law`, within a time a user would wait for a small file (debug build).
fn replay(target: &str, law: fn(&[u8])) -> usize {
    let mut count = 0;
    for kind in ["corpus", "regressions"] {
        for file in inputs(kind, target) {
            let bytes = std::fs::read(&file).unwrap();
            let start = Instant::now();
            if let Err(message) = common::panic_message_of(|| law(&bytes)) {
                panic!("{}: {message}", file.display());
            }
            let took = start.elapsed();
            assert!(took < Duration::from_secs(20), "{} took {took:?}", file.display());
            count += 1;
        }
    }
    count
}

#[test]
fn every_kept_input_of_read_catalog_keeps_the_laws() {
    let count = replay("read_catalog", |bytes| {
        read_any(bytes);
    });
    assert!(count >= 10, "fuzz/corpus/read_catalog holds {count} inputs: run `cargo xtask fuzz --keep`");
}

#[test]
fn every_kept_input_of_diff_plan_keeps_the_laws() {
    let count = replay("diff_plan", |bytes| {
        compare_any(bytes);
    });
    assert!(count >= 10, "fuzz/corpus/diff_plan holds {count} inputs: run `cargo xtask fuzz --keep`");
}
