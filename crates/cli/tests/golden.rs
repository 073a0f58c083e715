//! Every output users get, byte for byte: for the project's pairs (the demo, every migration
//! fixture) and every corpus pair, in both directions, each `diff` format (text, md, html, json, the
//! script and the rollback) and `inspect` of each file (text, json), as the real binary writes them.
//! Their SHA-256 and length are kept in `tests/golden/outputs.txt`: any byte that changes fails the
//! test, so a redesign that must change nothing proves it here.
//!
//! When an output changes on purpose, `SCHEMADRIFT_GOLDEN=update cargo test -p schemadrift-cli --test
//! golden` writes the list again (review its diff: every line is one output). A failing run writes
//! what it got to `target/golden/` (one file per output) to compare with a run of the old code.

#[path = "../../engine/tests/common/mod.rs"]
mod engine_common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const GOLDEN: &str = "tests/golden/outputs.txt";

/// (name, from, to): the project's pairs, and the corpus pairs when the corpus is there.
fn pairs() -> Vec<(String, PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut pairs =
        vec![("demo".to_string(), root.join("demo/fieldbook_production.sql"), root.join("demo/fieldbook_staging.sql"))];
    let fixtures = root.join("crates/engine/tests/fixtures/migrations");
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("the migration fixtures are there")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("before.sql").is_file())
        .collect();
    folders.sort();
    for folder in folders {
        let name = format!("fixture/{}", folder.file_name().unwrap_or_default().to_string_lossy());
        pairs.push((name, folder.join("before.sql"), folder.join("after.sql")));
    }
    if let Some(corpus) = engine_common::corpus_dir() {
        for (before, after) in engine_common::CORPUS_PAIRS {
            let name = format!("corpus/{}→{}", before.trim_end_matches(".sql"), after.trim_end_matches(".sql"));
            pairs.push((name, corpus.join(before), corpus.join(after)));
        }
    }
    pairs
}

/// One run of the binary: what it wrote to stdout and stderr, and its exit status.
fn run(args: &[&str]) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_schemadrift"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run schemadrift {args:?}: {e}"));
    let mut all = format!("exit {}\n", output.status.code().unwrap_or(-1)).into_bytes();
    all.extend_from_slice(&output.stdout);
    all.extend_from_slice(b"\n--- stderr\n");
    all.extend_from_slice(&output.stderr);
    all
}

/// Every output's key and its arguments. Paths are given relative to the project or the corpus
/// would make stderr depend on where the checkout is, so outputs name files by a stable form.
fn jobs() -> Vec<(String, Vec<String>)> {
    let mut jobs = Vec::new();
    let mut files = std::collections::BTreeSet::new();
    for (name, before, after) in pairs() {
        for (direction, from, to) in [("a→b", &before, &after), ("b→a", &after, &before)] {
            let (from, to) = (from.display().to_string(), to.display().to_string());
            for format in ["text", "md", "html", "json", "sql"] {
                let args = vec!["diff".into(), from.clone(), to.clone(), "--format".into(), format.into()];
                jobs.push((format!("{name} {direction} {format}"), args));
            }
            let args =
                vec!["diff".into(), from.clone(), to.clone(), "--format".into(), "sql".into(), "--rollback".into()];
            jobs.push((format!("{name} {direction} rollback"), args));
        }
        files.insert(before);
        files.insert(after);
    }
    let places = places();
    for file in files {
        let name = String::from_utf8_lossy(&stable(file.display().to_string().into_bytes(), &places)).into_owned();
        for format in ["text", "json"] {
            let args = vec!["inspect".into(), file.display().to_string(), "--format".into(), format.into()];
            jobs.push((format!("file {name} inspect {format}"), args));
        }
    }
    jobs
}

/// The output with the checkout's and the corpus's location taken out (they appear in `text`
/// headers and in messages naming a file).
fn stable(output: Vec<u8>, places: &[String]) -> Vec<u8> {
    let mut text = String::from_utf8_lossy(&output).into_owned();
    for (at, place) in places.iter().enumerate() {
        text = text.replace(place.as_str(), &format!("<place{at}>"));
    }
    text.into_bytes()
}

fn places() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut places = vec![root.display().to_string()];
    if let Some(corpus) = engine_common::corpus_dir() {
        places.insert(0, corpus.display().to_string());
    }
    places
}

/// The key of a kept line (`<sha256> <length> <key>`).
fn key_of(line: &str) -> Option<&str> {
    let (_hash, rest) = line.split_once(' ')?;
    let (_length, key) = rest.trim_start().split_once(' ')?;
    Some(key)
}

fn line_of(key: &str, output: &[u8]) -> String {
    format!("{} {:>9} {key}", schemadrift_engine::report::sha256_hex(output), output.len())
}

#[test]
fn every_output_is_byte_identical_to_the_kept_list() {
    let jobs = jobs();
    let places = places();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(8);
    let outputs: BTreeMap<String, Vec<u8>> = std::thread::scope(|scope| {
        let chunk = jobs.len().div_ceil(threads);
        let handles: Vec<_> = jobs
            .chunks(chunk.max(1))
            .map(|part| {
                let places = &places;
                scope.spawn(move || {
                    part.iter()
                        .map(|(key, args)| {
                            let args: Vec<&str> = args.iter().map(String::as_str).collect();
                            (key.clone(), stable(run(&args), places))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a golden job panicked")).collect()
    });
    let got: Vec<String> = outputs.iter().map(|(key, output)| line_of(key, output)).collect();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    let corpus_there = engine_common::corpus_dir().is_some();
    if std::env::var_os("SCHEMADRIFT_GOLDEN").is_some_and(|v| v == "update") {
        assert!(corpus_there, "update the golden list with the corpus in place, or its corpus lines are lost");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got.join("\n") + "\n").unwrap();
        eprintln!("wrote {} outputs to {GOLDEN}", got.len());
        return;
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{GOLDEN}: {e}; write it with SCHEMADRIFT_GOLDEN=update cargo test -p schemadrift-cli --test golden")
    });
    let kept: BTreeMap<&str, &str> = kept.lines().filter_map(|line| Some((key_of(line)?, line))).collect();
    let mut differences = Vec::new();
    for (key, output) in &outputs {
        let line = line_of(key, output);
        match kept.get(key.as_str()) {
            Some(expected) if *expected == line => {}
            Some(expected) => differences.push(format!("changed: {key}\n  kept {expected}\n  got  {line}")),
            None => differences.push(format!("new: {line}")),
        }
    }
    for key in kept.keys() {
        let is_corpus = key.starts_with("corpus/") || key.starts_with("file <place0>");
        if !outputs.contains_key(*key) && (corpus_there || !is_corpus) {
            differences.push(format!("gone: {key}"));
        }
    }
    if !differences.is_empty() {
        let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/golden");
        let _ = std::fs::create_dir_all(&out_dir);
        for (key, output) in &outputs {
            let _ = std::fs::write(out_dir.join(key.replace(['/', ' '], "_")), output);
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} outputs differ from {GOLDEN} (what this run wrote is in target/golden/; if the change is meant, \
         run SCHEMADRIFT_GOLDEN=update cargo test -p schemadrift-cli --test golden and review the list's diff):\n{}",
        differences.len(),
        outputs.len(),
        differences.join("\n")
    );
    eprintln!("{} outputs byte-identical to {GOLDEN}", outputs.len());
}
