//! Risk rules: each one fires on the project's fixtures, and the shrinkchat pair is flagged at least
//! as section 8.1 of the hand-written seed report flags it.

mod common;

use schemadrift_engine::risks::{assess, Level, RULES};
use schemadrift_engine::{build_catalog, diff, read, DiffOptions};
use std::collections::BTreeSet;
use std::path::Path;

fn fired(from: &str, to: &str, options: &DiffOptions) -> Vec<(String, Level, String)> {
    let (from, to) = (build_catalog(&read(from)), build_catalog(&read(to)));
    let result = diff(&from, &to, options);
    assess(&from, &to, &result).into_iter().map(|r| (r.rule.to_string(), r.level, r.object)).collect()
}

#[test]
fn every_rule_fires_on_the_projects_fixtures() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations/every_rule");
    let read_file = |name: &str| std::fs::read_to_string(folder.join(name)).unwrap();
    let mut seen: BTreeSet<String> = fired(&read_file("before.sql"), &read_file("after.sql"), &DiffOptions::default())
        .into_iter()
        .map(|(rule, _, _)| rule)
        .collect();
    // What PostgreSQL 15 without extensions cannot restore, from catalogs alone.
    let before = "CREATE EXTENSION vector WITH SCHEMA public VERSION '0.5.0';
        CREATE TABLE public.docs (id bigint PRIMARY KEY, fullname text, embedding public.vector(3));
        CREATE INDEX docs_embedding ON public.docs USING hnsw (embedding public.vector_cosine_ops) WITH (m='16', ef_construction='64');";
    let after = "CREATE EXTENSION vector WITH SCHEMA public VERSION '0.7.0';
        CREATE TABLE public.docs (id bigint PRIMARY KEY, full_name text, embedding public.vector(3));
        CREATE INDEX docs_embedding ON public.docs USING ivfflat (embedding public.vector_cosine_ops) WITH (lists='100');";
    let rename = schemadrift_engine::diff::Rename {
        object_kind: "column".into(),
        from: "public.docs.fullname".into(),
        to: "public.docs.full_name".into(),
    };
    let options = DiffOptions { renames: vec![rename], ..DiffOptions::default() };
    let extra = fired(before, after, &options);
    assert!(extra.contains(&("vector-index-change".into(), Level::High, "public.docs_embedding".into())), "{extra:?}");
    seen.extend(extra.into_iter().map(|(rule, _, _)| rule));
    let missing: Vec<&str> = RULES.iter().map(|r| r.id).filter(|id| !seen.contains(*id)).collect();
    assert!(missing.is_empty(), "rules that no fixture sets off: {missing:?}");
}

#[test]
fn the_shrinkchat_pair_is_flagged_as_the_seed_report_flags_it() {
    let Some(corpus) = common::corpus_dir() else { return };
    let dir = corpus.join("selfmade/shrinkchat_staging_vs_production");
    let text = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let risks = fired(&text("production.sql"), &text("staging.sql"), &DiffOptions::default());
    let has =
        |rule: &str, level: Level, object: &str| risks.iter().any(|(r, l, o)| r == rule && *l == level && o == object);
    let count = |rule: &str| risks.iter().filter(|(r, _, _)| r == rule).count();
    // 8.1 HIGH: the vector index changes from HNSW to IVFFlat.
    assert!(has("vector-index-change", Level::High, "public.idx_memory_embedding_hnsw"), "{risks:#?}");
    assert!(has("vector-index-change", Level::High, "public.idx_memory_embedding_ivfflat"));
    // 8.1 MEDIUM, new columns: instant here (no volatile default), so low; all five are listed.
    assert_eq!(count("column-added"), 5);
    // 8.1 MEDIUM, new tables.
    assert_eq!(count("table-added"), 3);
    // 8.1 LOW, new indexes (built CONCURRENTLY on existing tables).
    assert!(count("index-build") >= 9, "{}", count("index-build"));
    // 8.1 LOW, the type change: in fact numeric → double precision rewrites the table.
    assert!(has("column-type-change", Level::High, "public.memory.decay_rate"));
    // Beyond 8.1: the backup table's rows go, and indexes only production has are dropped.
    assert!(has("table-dropped", Level::High, "public.profiles_backup_before_user_id_fix"));
    assert!(count("index-drop") >= 4);
}
