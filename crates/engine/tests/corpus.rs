//! Conformance over the real pg_dump files in `../shared/corpus` (used in place, never copied).
//!
//! Where the folder is absent: under CI the test fails loudly; elsewhere it fails too, unless
//! `SCHEMADRIFT_CORPUS=skip` says on purpose that it should not run (`cargo xtask test` sets this
//! on machines without the corpus and reports the stage as not run).

mod common;

use common::{catalog_of, corpus_dir, dumps};
use schemadrift_engine::Catalog;
use std::path::Path;

/// Known gaps, each with the number of statements not understood and why. Strict: when a gap is
/// fixed the count changes and this list must be updated. Empty since the PostgreSQL 18 syntax of
/// the hand-edited pagila file (VIRTUAL generated columns) is read.
const KNOWN_GAPS: &[(&str, usize, &str)] = &[];

#[test]
fn every_corpus_dump_is_read_without_unexplained_gaps() {
    let Some(dir) = corpus_dir() else { return };
    let files = dumps(&dir);
    assert!(files.len() >= 30, "expected the whole corpus, found {} dumps in {}", files.len(), dir.display());
    let mut problems = Vec::new();
    for path in &files {
        let catalog = catalog_of(path);
        let relative = path.strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
        let expected = KNOWN_GAPS.iter().find(|(suffix, ..)| relative.ends_with(suffix)).map_or(0, |(_, n, _)| *n);
        let found = catalog.not_understood.len();
        if found != expected {
            let first: Vec<String> =
                catalog.not_understood.iter().take(3).map(|n| format!("    line {}: {}", n.line, n.reason)).collect();
            problems.push(format!("{relative}: {found} not understood (expected {expected})\n{}", first.join("\n")));
        }
        assert!(catalog.statements.total > 0, "{relative}: no statements read");
    }
    assert!(problems.is_empty(), "corpus conformance:\n{}", problems.join("\n"));
}

#[test]
fn corpus_object_counts_are_plausible() {
    let Some(dir) = corpus_dir() else { return };
    let production = catalog_of(&dir.join("selfmade/shrinkchat_staging_vs_production/production.sql"));
    let staging = catalog_of(&dir.join("selfmade/shrinkchat_staging_vs_production/staging.sql"));
    // The corpus README: 3 tables only in staging, 1 only in production.
    let tables = |c: &Catalog| c.tables.keys().filter(|k| k.schema == "public").count();
    assert_eq!(tables(&staging), tables(&production) + 2);
    let profiles =
        |c: &Catalog| c.tables[&schemadrift_engine::catalog::QualifiedName::new("public", "profiles")].clone();
    let staging_profiles = profiles(&staging);
    let expo = staging_profiles.column("expo_push_token").expect("staging has profiles.expo_push_token");
    assert_eq!(expo.data_type, "text");
    assert!(profiles(&production).column("expo_push_token").is_none());
    let decay = |c: &Catalog| {
        c.tables[&schemadrift_engine::catalog::QualifiedName::new("public", "memory")]
            .column("decay_rate")
            .map(|col| col.data_type.clone())
    };
    assert_eq!(decay(&production).as_deref(), Some("numeric"));
    assert_eq!(decay(&staging).as_deref(), Some("double precision"));
}

/// The catalog without what differs between dumps of one database by construction: statement totals.
fn schema_of(path: &Path) -> Catalog {
    let mut catalog = catalog_of(path);
    catalog.statements = Default::default();
    catalog
}

fn without_owners_and_grants(mut catalog: Catalog) -> Catalog {
    catalog.owners.clear();
    catalog.grants.clear();
    catalog
}

/// Only what `pg_dump --schema=public` keeps: objects in schema public (extensions live elsewhere).
fn only_public(mut catalog: Catalog) -> Catalog {
    catalog.schemas.retain(|name, _| name == "public");
    catalog.extensions.clear();
    catalog.comments.retain(|key, _| !key.starts_with("extension "));
    catalog.tables.retain(|name, _| name.schema == "public");
    catalog.functions.retain(|_, f| f.name.schema == "public");
    catalog.triggers.retain(|_, t| t.table.schema == "public");
    catalog
}

fn assert_same_schema(what: &str, a: &Catalog, b: &Catalog) {
    assert!(a.tables.len() >= 3, "{what}: only {} tables were read", a.tables.len());
    if a != b {
        let a = serde_json::to_value(a).unwrap();
        let b = serde_json::to_value(b).unwrap();
        let mut differences = Vec::new();
        for (key, value) in a.as_object().unwrap() {
            if b.get(key) != Some(value) {
                differences.push(key.clone());
            }
        }
        panic!("{what}: the catalogs differ in {differences:?}");
    }
}

#[test]
fn dumps_of_one_database_by_different_pg_dump_versions_give_one_catalog() {
    let Some(dir) = corpus_dir() else { return };
    let pagila = dir.join("public/pagila");
    assert_same_schema(
        "pagila dumped by pg_dump 15beta2 and 17.0",
        &schema_of(&pagila.join("2022-12-13_fef9675_pgdump15beta2.sql")),
        &schema_of(&pagila.join("2024-10-06_33d5218_pgdump17.0.sql")),
    );
    let supabase = dir.join("public/supabase-postgres");
    assert_same_schema(
        "supabase dumped by PostgreSQL 15 and 16",
        &schema_of(&supabase.join("schema_2024-10-17_cfbb1714.sql")),
        &schema_of(&supabase.join("schema-16_2024-10-17_cfbb1714.sql")),
    );
}

#[test]
fn dumps_of_one_database_with_different_options_give_one_catalog_minus_what_the_option_removes() {
    let Some(dir) = corpus_dir() else { return };
    let pair = dir.join("selfmade/shrinkchat_staging_vs_production");
    let production = schema_of(&pair.join("production.sql"));
    let with_acl = schema_of(&pair.join("production_with_owner_acl.sql"));
    assert!(!with_acl.owners.is_empty() && !with_acl.grants.is_empty(), "owners and grants are read");
    assert_same_schema("--no-owner --no-privileges", &production, &without_owners_and_grants(with_acl.clone()));
    assert_same_schema(
        "custom format restored through pg_restore",
        &with_acl,
        &schema_of(&pair.join("variants/production_with_owner_acl_via_pg_restore.sql")),
    );
    let mut without_comments = production.clone();
    without_comments.comments.clear();
    assert_same_schema(
        "--no-comments",
        &without_comments,
        &schema_of(&pair.join("variants/production_no_comments.sql")),
    );
    assert_same_schema(
        "--schema=public",
        &only_public(production),
        &only_public(schema_of(&pair.join("variants/production_schema_public_only.sql"))),
    );
}
