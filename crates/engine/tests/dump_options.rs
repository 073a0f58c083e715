//! One database dumped with different pg_dump options gives one catalog, minus what an option
//! removes or adds. The fixtures are the demo's production database dumped by a real pg_dump
//! (`cargo xtask demo` writes them to tests/fixtures/dump_options/).

use schemadrift_engine::catalog::QualifiedName;
use schemadrift_engine::{build_catalog, decode, read, Catalog};
use std::path::Path;

fn catalog(path: &Path) -> Catalog {
    let text = decode(&std::fs::read(path).unwrap()).unwrap().text.into_owned();
    let mut catalog = build_catalog(&read(&text));
    assert!(catalog.not_understood.is_empty(), "{}: {:#?}", path.display(), catalog.not_understood);
    catalog.statements = Default::default();
    catalog
}

fn fixture(name: &str) -> Catalog {
    catalog(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dump_options").join(format!("{name}.sql")))
}

fn plain() -> Catalog {
    let plain = catalog(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/fieldbook_production.sql"));
    assert!(plain.tables.len() >= 8 && plain.indexes.len() >= 8, "the demo dump is read");
    plain
}

#[test]
fn clean_if_exists_drops_nothing_that_the_dump_creates() {
    assert_eq!(fixture("clean_if_exists"), plain());
}

#[test]
fn quote_all_identifiers_changes_nothing() {
    assert_eq!(fixture("quote_all_identifiers"), plain());
}

#[test]
fn pg_restore_of_a_custom_format_archive_gives_the_same_catalog() {
    assert_eq!(fixture("restored_from_custom_format"), plain());
}

#[test]
fn data_is_counted_per_table_and_is_not_schema() {
    for variant in ["with_data_copy", "with_data_inserts"] {
        let mut with_data = fixture(variant);
        let rows = std::mem::take(&mut with_data.data_rows);
        assert_eq!(rows.get(&QualifiedName::new("public", "teams")), Some(&2), "{variant}: {rows:?}");
        assert_eq!(rows.get(&QualifiedName::new("public", "tasks")), Some(&2), "{variant}: {rows:?}");
        assert_eq!(with_data, plain(), "{variant}");
    }
}

#[test]
fn owners_and_privileges_are_read_and_are_all_that_differs() {
    let mut full = fixture("with_owner_and_privileges");
    assert_eq!(full.owners.get("table public.tasks").map(String::as_str), Some("postgres"));
    assert_eq!(full.owners.get("sequence public.tasks_id_seq").map(String::as_str), Some("postgres"));
    assert_eq!(full.owners.get("view public.open_tasks").map(String::as_str), Some("postgres"));
    assert!(
        full.grants.contains(&"grant select on table public.open_tasks to public".to_string()),
        "{:?}",
        full.grants
    );
    full.owners.clear();
    full.grants.clear();
    assert_eq!(full, plain());
}
