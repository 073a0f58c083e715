//! Old pg_dump output compared with new reports what changed in the schema, not how pg_dump writes.
//!
//! OpenStreetMap's `structure.sql` of 2017 was written by pg_dump 9.5 (unqualified names under
//! `SET search_path = public`), that of 2023 by a modern pg_dump (everything qualified). Restoring
//! both into one PostgreSQL and dumping them again with the same pg_dump removes every difference
//! of format and keeps every difference of schema: the diff of the originals must equal the diff of
//! the re-dumps, change for change.
//!
//! The 2017 dump declares three C functions of OpenStreetMap's own library (`libpgosm`), which no
//! PostgreSQL here has: they are left out of the restore, and functions are left out of the
//! comparison. Migration versions are rows of `schema_migrations`, which a
//! schema-only re-dump does not keep, so they are left out too. Owners and grants depend on who restores, so they are ignored on both sides.
//! Without a PostgreSQL server the test fails, unless `SCHEMADRIFT_POSTGRES=skip` is set.

mod common;

use schemadrift_engine::diff::Change;
use schemadrift_engine::diff::ObjectKind;
use schemadrift_engine::{build_catalog, decode, diff, read, Catalog, DiffOptions};

const OLD: &str = "public/openstreetmap-website/2017-06-29_1b7586c9.sql";
const NEW: &str = "public/openstreetmap-website/2023-12-06_3c3a499e.sql";

fn lines(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        // Functions: see above. Migration versions are rows of data, which a schema-only re-dump drops.
        .filter(|c| c.object_kind != ObjectKind::Function && c.object_kind != ObjectKind::MigrationVersion)
        .map(|c| {
            let sign = c.change.sign();
            let details: Vec<String> = if c.change.compares() {
                c.details
                    .iter()
                    .map(|d| format!("{}: {:?} → {:?}", d.property, d.from.as_deref(), d.to.as_deref()))
                    .collect()
            } else {
                Vec::new()
            };
            format!("{sign} {} {} {}", c.object_kind, c.object, details.join("; "))
        })
        .collect()
}

fn catalog(text: &str) -> Catalog {
    build_catalog(&read(text))
}

#[test]
fn pg_dump_9_5_against_modern_pg_dump_shows_schema_changes_only() {
    let Some(corpus) = common::corpus_dir() else { return };
    if std::env::var_os("SCHEMADRIFT_POSTGRES").is_some_and(|v| v == "skip") {
        eprintln!("SCHEMADRIFT_POSTGRES=skip: the format-noise test does not run");
        return;
    }
    let text = |path: &str| decode(&std::fs::read(corpus.join(path)).unwrap()).unwrap().text.into_owned();
    let (old, new) = (text(OLD), text(NEW));
    let cluster = pgtest::Cluster::start().unwrap_or_else(|e| panic!("cannot start a private PostgreSQL: {e}"));
    let redump = |name: &str, sql: &str| -> String {
        cluster.create_database(name).unwrap();
        let file = std::env::temp_dir().join(format!("schemadrift-format-noise-{}-{name}.sql", std::process::id()));
        std::fs::write(&file, sql).unwrap();
        let restored = cluster.psql_file(name, &file);
        std::fs::remove_file(&file).ok();
        restored.unwrap_or_else(|e| panic!("{name} does not restore: {e}"));
        cluster.dump_schema(name, &[]).unwrap()
    };
    // The libpgosm functions go; everything else is restored as pg_dump 9.5 wrote it.
    let old_restorable: String =
        read(&old).pieces.iter().filter(|p| !p.text.contains("libpgosm")).map(|p| format!("{}\n", p.text)).collect();
    let (old_again, new_again) = (redump("old", &old_restorable), redump("new", &new));

    let options = DiffOptions { ignore_owners: true, ignore_grants: true, ..DiffOptions::default() };
    let original = diff(&catalog(&old), &catalog(&new), &options);
    let redumped = diff(&catalog(&old_again), &catalog(&new_again), &options);
    let (original, redumped) = (lines(&original.changes), lines(&redumped.changes));
    let noise: Vec<&String> = original.iter().filter(|l| !redumped.contains(l)).collect();
    let missed: Vec<&String> = redumped.iter().filter(|l| !original.contains(l)).collect();
    assert!(
        noise.is_empty() && missed.is_empty(),
        "reported only from the original dumps (format noise), {}:\n{}\n\nreported only from the re-dumps (missed), {}:\n{}",
        noise.len(),
        noise.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"),
        missed.len(),
        missed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"),
    );
    assert!(original.len() > 100, "the two versions differ in many real ways: {}", original.len());
}

/// Class 13 of #17: one database dumped with each pg_dump option gives one catalog, minus exactly
/// what the option leaves out, on a database with the kinds whose text the options change: arrays of
/// built-in and user types, domains, policies with roles, grants, storage parameters, partitions.
#[test]
fn class13_every_pg_dump_option_gives_the_same_catalog_of_one_database() {
    if std::env::var_os("SCHEMADRIFT_POSTGRES").is_some_and(|v| v == "skip") {
        eprintln!("SCHEMADRIFT_POSTGRES=skip: the dump-options test does not run");
        return;
    }
    let cluster = pgtest::Cluster::start().unwrap_or_else(|e| panic!("cannot start a private PostgreSQL: {e}"));
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pg_dump_versions");
    let fixture = folder.join("build_many_kinds.sql");
    cluster.create_database("many_kinds").unwrap();
    cluster.psql_file("many_kinds", &fixture).unwrap();
    let dump = |options: &[&str]| catalog(&cluster.dump_schema("many_kinds", options).unwrap());
    let plain = dump(&[]);
    assert!(plain.not_understood.is_empty(), "{:?}", plain.not_understood);
    assert!(
        plain.tables.len() >= 4 && plain.policies.len() == 2 && plain.grants.len() >= 8 && !plain.comments.is_empty()
    );
    let exact = DiffOptions::default();
    let shown = |changes: &[Change]| lines(changes).join("\n");
    for (options, ignored) in [
        (&["--quote-all-identifiers"][..], DiffOptions::default()),
        (&["--clean", "--if-exists"][..], DiffOptions::default()),
        (&["--no-owner"][..], DiffOptions { ignore_owners: true, ..DiffOptions::default() }),
        (&["--no-privileges"][..], DiffOptions { ignore_grants: true, ..DiffOptions::default() }),
        (&["--no-comments"][..], DiffOptions::default()),
        (
            &["--quote-all-identifiers", "--no-owner", "--no-privileges"][..],
            DiffOptions { ignore_owners: true, ignore_grants: true, ..DiffOptions::default() },
        ),
    ] {
        let other = dump(options);
        let found = diff(&plain, &other, &ignored);
        let (expected, noise): (Vec<Change>, Vec<Change>) = found.changes.into_iter().partition(|c| {
            options.contains(&"--no-comments")
                && c.object_kind == ObjectKind::Comment
                && c.change == schemadrift_engine::diff::ChangeKind::Removed
        });
        assert!(noise.is_empty(), "pg_dump {}: format noise:\n{}", options.join(" "), shown(&noise));
        if options.contains(&"--no-comments") {
            assert_eq!(expected.len(), plain.comments.len(), "--no-comments leaves out every comment");
        }
        // What the option removes is all that differs: nothing else hides behind the ignore options.
        let removed = diff(&plain, &other, &exact);
        assert!(
            removed.changes.iter().all(|c| match c.object_kind {
                ObjectKind::Owner => options.contains(&"--no-owner"),
                ObjectKind::Grant => options.contains(&"--no-privileges"),
                ObjectKind::Comment => options.contains(&"--no-comments"),
                _ => false,
            }),
            "pg_dump {}:\n{}",
            options.join(" "),
            shown(&removed.changes)
        );
    }
    // The same SQL dumped by pg_dump 16, 17 and 18 (see the folder's README).
    for version in ["pg_dump16", "pg_dump17", "pg_dump18", "pg_dump18_quote_all"] {
        let path = folder.join(format!("many_kinds.{version}.sql"));
        let other = catalog(&std::fs::read_to_string(&path).unwrap());
        assert!(other.not_understood.is_empty(), "{version}: {:?}", other.not_understood);
        let found = diff(&plain, &other, &exact);
        assert!(found.changes.is_empty(), "{version} against pg_dump 15:\n{}", shown(&found.changes));
    }
}
