//! The engine's outputs for every peer-shaped case, byte for byte: each case's two SQL files (the
//! project's `fixtures/peer_cases`, and the migra and apgdiff suites read in place) are read as
//! written, compared both ways, and the Markdown and HTML reports, the JSON report, the script and
//! the rollback are hashed together; `tests/golden/cases.txt` keeps one line per case and direction.
//! It is the wide net under a redesign that must change no output byte (#15); the CLI's
//! `tests/golden.rs` holds every format of every corpus and fixture pair, as the binary writes them.
//!
//! When outputs change on purpose: `SCHEMADRIFT_GOLDEN=update cargo test -p schemadrift-engine --test
//! golden_cases`, then review the list's diff. `SCHEMADRIFT_GOLDEN=keep` writes each case's outputs
//! to `target/golden-cases/` to compare two versions of the code.

mod common;

use schemadrift_engine::pipeline::{read_side, Comparison};
use schemadrift_engine::report::sha256_hex;
use schemadrift_engine::DiffOptions;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const GOLDEN: &str = "tests/golden/cases.txt";

/// (name, a, b) for every case folder holding both files.
fn cases() -> Vec<(String, PathBuf, PathBuf)> {
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/peer_cases");
    let mut suites = vec![("cases", own, "a.sql", "b.sql")];
    if let Some(corpus) = common::corpus_dir() {
        let peers = std::env::var_os("SCHEMADRIFT_PEER_SUITES")
            .map(PathBuf::from)
            .unwrap_or_else(|| corpus.join("../peer-suites"));
        suites.push(("migra", peers.join("migra"), "a.sql", "b.sql"));
        suites.push(("apgdiff", peers.join("apgdiff"), "original.sql", "new.sql"));
    }
    let mut out = Vec::new();
    for (suite, folder, a, b) in suites {
        let mut folders: Vec<PathBuf> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join(a).is_file() && p.join(b).is_file())
            .collect();
        folders.sort();
        for case in folders {
            let name = format!("{suite}/{}", case.file_name().unwrap_or_default().to_string_lossy());
            out.push((name, case.join(a), case.join(b)));
        }
    }
    out
}

/// Every output of one direction, one after the other (each headed by its name).
fn outputs(a: &[u8], b: &[u8]) -> Vec<u8> {
    let (Ok(from), Ok(to)) = (read_side("a.sql", a, None), read_side("b.sql", b, None)) else {
        return b"refused".to_vec();
    };
    let outputs = Comparison::new(from, to, DiffOptions::default());
    let json = serde_json::to_string_pretty(outputs.report()).expect("plain data serializes");
    let mut all = Vec::new();
    for (name, text) in [
        ("markdown", outputs.markdown().as_str()),
        ("html", outputs.html().as_str()),
        ("json", json.as_str()),
        ("script", outputs.release().script.as_ref()),
        ("rollback", outputs.rollback()),
    ] {
        all.extend_from_slice(format!("=== {name}\n").as_bytes());
        all.extend_from_slice(text.as_bytes());
    }
    all
}

#[test]
fn every_case_output_is_byte_identical_to_the_kept_list() {
    let cases = cases();
    let keep = std::env::var_os("SCHEMADRIFT_GOLDEN");
    let keep_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/golden-cases");
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(8);
    let got: BTreeMap<String, String> = std::thread::scope(|scope| {
        let chunk = cases.len().div_ceil(threads).max(1);
        let handles: Vec<_> = cases
            .chunks(chunk)
            .map(|part| {
                let (keep, keep_dir) = (&keep, &keep_dir);
                scope.spawn(move || {
                    let mut lines = Vec::new();
                    for (name, a, b) in part {
                        let (a, b) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
                        for (direction, from, to) in [("a→b", &a, &b), ("b→a", &b, &a)] {
                            let all = outputs(from, to);
                            let key = format!("{name} {direction}");
                            if keep.as_ref().is_some_and(|v| v == "keep") {
                                let _ = std::fs::create_dir_all(keep_dir);
                                let _ = std::fs::write(keep_dir.join(key.replace(['/', ' '], "_")), &all);
                            }
                            lines.push((key, format!("{} {:>8}", sha256_hex(&all), all.len())));
                        }
                    }
                    lines
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a case panicked")).collect()
    });
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    if keep.as_ref().is_some_and(|v| v == "update") {
        assert!(common::corpus_dir().is_some(), "update the list with the peer suites in place");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text: String = got.iter().map(|(key, hash)| format!("{hash} {key}\n")).collect();
        std::fs::write(&path, text).unwrap();
        eprintln!("wrote {} lines to {GOLDEN}", got.len());
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{GOLDEN}: {e}"));
    let kept: BTreeMap<&str, String> = text
        .lines()
        .filter_map(|line| {
            let (hash, rest) = line.split_once(' ')?;
            let (length, key) = rest.trim_start().split_once(' ')?;
            Some((key, format!("{hash} {length:>8}")))
        })
        .collect();
    let mut differences = Vec::new();
    for (key, hash) in &got {
        match kept.get(key.as_str()) {
            Some(expected) if expected == hash => {}
            Some(expected) => differences.push(format!("changed: {key} (kept {expected}, got {hash})")),
            None => differences.push(format!("new: {key}")),
        }
    }
    let peers_there = common::corpus_dir().is_some();
    for key in kept.keys() {
        if !got.contains_key(*key) && (peers_there || key.starts_with("cases/")) {
            differences.push(format!("gone: {key}"));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} case directions differ from {GOLDEN} (SCHEMADRIFT_GOLDEN=keep writes each output to \
         target/golden-cases/ to compare with the old code; SCHEMADRIFT_GOLDEN=update if the change is meant):\n{}",
        differences.len(),
        got.len(),
        differences.join("\n")
    );
}
