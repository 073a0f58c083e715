//! Helpers shared by the engine's integration tests: where the corpus is, and reading a dump.
#![allow(dead_code)] // each test file uses its own subset

use schemadrift_engine::{build_catalog, decode, read, Catalog};
use std::path::{Path, PathBuf};

/// The shared corpus (`../shared/corpus` beside the project, or `SCHEMADRIFT_CORPUS`); `None` when
/// `SCHEMADRIFT_CORPUS=skip` turns corpus tests off on purpose. A missing folder fails loudly.
pub fn corpus_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SCHEMADRIFT_CORPUS") {
        if dir == "skip" {
            eprintln!("SCHEMADRIFT_CORPUS=skip: the corpus tests do not run");
            return None;
        }
        return Some(PathBuf::from(dir));
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    assert!(
        dir.is_dir(),
        "the corpus folder {} is missing: put the shared corpus beside the project, point SCHEMADRIFT_CORPUS at it, or set SCHEMADRIFT_CORPUS=skip",
        dir.display()
    );
    Some(dir)
}

/// Every pg_dump output below `dir`: build scripts and the fixture template are SQL written by hand.
pub fn dumps(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("corpus folder is readable").flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                stack.push(path);
            } else if name.ends_with(".sql") && !name.starts_with("build_") && !name.starts_with("template_") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

pub fn catalog_of(path: &Path) -> Catalog {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let decoded = decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    build_catalog(&read(&decoded.text))
}

/// The project's own fixture dumps (demo and engine fixtures).
pub fn project_dumps() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![
        root.join("demo/fieldbook_production.sql"),
        root.join("demo/fieldbook_staging.sql"),
        root.join("crates/engine/tests/fixtures/kinds/kinds.sql"),
    ];
    files.extend(dumps(&root.join("crates/engine/tests/fixtures/dump_options")));
    files
}

/// Runs `body`; a panic comes back as its message (for tests that say which input panicked).
pub fn panic_message_of<T>(body: impl FnOnce() -> T + std::panic::UnwindSafe) -> Result<T, String> {
    std::panic::catch_unwind(body).map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

/// Corpus pairs that load on PostgreSQL 15 (relative to the corpus folder), oldest first: the
/// round trip (`migration_round_trip.rs`) and the text judge (`peer_suites.rs`) migrate each both ways.
pub const CORPUS_PAIRS: &[(&str, &str)] = &[
    ("selfmade/case_a_types_constraints/before.sql", "selfmade/case_a_types_constraints/after.sql"),
    ("selfmade/case_b_objects_partitions_identity/before.sql", "selfmade/case_b_objects_partitions_identity/after.sql"),
    (
        "public/openstreetmap-website/pairs/column_dropped/before.sql",
        "public/openstreetmap-website/pairs/column_dropped/after.sql",
    ),
    (
        "public/openstreetmap-website/pairs/enum_default_changed/before.sql",
        "public/openstreetmap-website/pairs/enum_default_changed/after.sql",
    ),
    (
        "public/openstreetmap-website/pairs/not_null_added/before.sql",
        "public/openstreetmap-website/pairs/not_null_added/after.sql",
    ),
    (
        "public/openstreetmap-website/pairs/postgis_enabled/before.sql",
        "public/openstreetmap-website/pairs/postgis_enabled/after.sql",
    ),
    (
        "public/openstreetmap-website/pairs/seq_as_integer_removed/before.sql",
        "public/openstreetmap-website/pairs/seq_as_integer_removed/after.sql",
    ),
    (
        "public/openstreetmap-website/pairs/table_dropped_oauth1/before.sql",
        "public/openstreetmap-website/pairs/table_dropped_oauth1/after.sql",
    ),
    ("public/openstreetmap-website/2023-12-06_3c3a499e.sql", "public/openstreetmap-website/2024-01-18_c9a86866.sql"),
    ("public/openstreetmap-website/2024-01-18_c9a86866.sql", "public/openstreetmap-website/2024-09-17_8c071a4d.sql"),
    ("public/openstreetmap-website/2024-09-17_8c071a4d.sql", "public/openstreetmap-website/2025-07-17_a024a079.sql"),
    ("public/openstreetmap-website/2025-07-17_a024a079.sql", "public/openstreetmap-website/2026-08-11_d57114c8.sql"),
    ("public/pagila/2020-08-22_9197cf7_pgdump13beta3.sql", "public/pagila/2022-12-13_fef9675_pgdump15beta2.sql"),
];

/// Records the proof counts a suite prints (`proof: N of M pairs converge in both directions (…)`)
/// in `target/proof-summary/NAME.txt`, which `cargo xtask test` shows in its summary (cargo hides
/// what passing tests print).
pub fn record_proof_summary(name: &str, lines: &[String]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/proof-summary");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("{name}.txt")), lines.join("\n") + "\n");
}

/// The entries (`case`, `reason`) of one section of `tests/known_failures.txt`, the one list of
/// what the database tests expect not to work. An unknown section is a mistake in the test.
pub fn known(section: &str) -> Vec<(String, String)> {
    const SECTIONS: &[&str] = &[
        "dump-cannot-load",
        "pair-not-testable",
        "pair-manual-step",
        "peer-cannot-load",
        "peer-refused",
        "peer-not-yet",
    ];
    assert!(SECTIONS.contains(&section), "known_failures.txt has no section [{section}]");
    let mut current = "";
    let mut out = Vec::new();
    for (number, line) in include_str!("../known_failures.txt").lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            assert!(SECTIONS.contains(&name), "known_failures.txt:{}: unknown section [{name}]", number + 1);
            current = name;
            continue;
        }
        let (case, reason) = line
            .split_once(" | ")
            .unwrap_or_else(|| panic!("known_failures.txt:{}: expected `case | reason`, got {line:?}", number + 1));
        assert!(!current.is_empty(), "known_failures.txt:{}: an entry before any [section]", number + 1);
        if current == section {
            out.push((case.trim().to_string(), reason.trim().to_string()));
        }
    }
    out
}

/// The script with each phase that runs outside a transaction run twice in a row: what a user does
/// when a lock timeout stopped it in the middle of such a phase (the header says to run the phase
/// again). `None` when no such phase has a statement.
pub fn with_phases_outside_transactions_twice(script: &str) -> Option<String> {
    let outside: Vec<&str> =
        schemadrift_engine::plan::Phase::ALL.iter().filter(|p| !p.transactional()).map(|p| p.title()).collect();
    let mut out = String::new();
    let mut block: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    let mut doubled = false;
    let flush = |out: &mut String, block: &mut Vec<String>, doubled: &mut bool| {
        if !block.is_empty() {
            out.push_str(&block.join("\n"));
            out.push('\n');
            *doubled = true;
        }
        block.clear();
    };
    for statement in schemadrift_engine::proof::script_statements(script).statements {
        if statement.phase != current {
            flush(&mut out, &mut block, &mut doubled);
            current = statement.phase.clone();
        }
        out.push_str(statement.sql.trim_end());
        out.push('\n');
        if statement.phase.as_deref().is_some_and(|p| outside.contains(&p)) {
            block.push(statement.sql.trim_end().to_string());
        }
    }
    flush(&mut out, &mut block, &mut doubled);
    doubled.then_some(out)
}
