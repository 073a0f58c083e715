//! `cargo xtask demo`: regenerates the demo dumps with a private PostgreSQL (see the pgtest crate).

use crate::run::project_root;
use pgtest::Cluster;

pub use pgtest::bin_dir;

/// `cargo xtask demo`: loads demo/build_<side>.sql into fresh databases and writes their dumps.
pub fn regenerate_demo() -> Result<(), String> {
    let demo = project_root().join("demo");
    let cluster = Cluster::start()?;
    for side in ["production", "staging"] {
        let database = format!("fieldbook_{side}");
        cluster.create_database(&database)?;
        cluster.psql_file(&database, &demo.join(format!("build_{side}.sql")))?;
        let dump = cluster.dump_schema(&database, &["--no-owner", "--no-privileges"])?;
        let target = demo.join(format!("{database}.sql"));
        std::fs::write(&target, dump).map_err(|e| e.to_string())?;
        eprintln!("xtask: wrote {}", target.display());
    }
    write_dump_option_fixtures(&cluster)?;
    write_kinds_fixture(&cluster)?;
    write_migration_fixtures(&cluster)
}

/// Pairs for the migration round-trip test: each `fixtures/migrations/<case>/build_{before,after}.sql`
/// loaded and dumped as `before.sql` / `after.sql`.
fn write_migration_fixtures(cluster: &Cluster) -> Result<(), String> {
    let folder = project_root().join("crates/engine/tests/fixtures/migrations");
    let mut cases: Vec<_> = std::fs::read_dir(&folder)
        .map_err(|e| format!("cannot read {}: {e}", folder.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("build_before.sql").is_file())
        .collect();
    cases.sort();
    for (number, case) in cases.iter().enumerate() {
        for side in ["before", "after"] {
            let database = format!("migration_{number}_{side}");
            cluster.create_database(&database)?;
            cluster.psql_file(&database, &case.join(format!("build_{side}.sql")))?;
            write(&case.join(format!("{side}.sql")), &cluster.dump_schema(&database, &["--no-owner"])?)?;
        }
    }
    Ok(())
}

/// One database with every kind of object the catalog knows, dumped with owners and privileges.
fn write_kinds_fixture(cluster: &Cluster) -> Result<(), String> {
    let folder = project_root().join("crates/engine/tests/fixtures/kinds");
    cluster.create_database("kinds")?;
    cluster.psql_file("kinds", &folder.join("build.sql"))?;
    write(&folder.join("kinds.sql"), &cluster.dump_schema("kinds", &[])?)
}

/// The production demo database dumped with other pg_dump options, for the engine's tests that
/// each option gives the same catalog (minus what the option removes).
fn write_dump_option_fixtures(cluster: &Cluster) -> Result<(), String> {
    let folder = project_root().join("crates/engine/tests/fixtures/dump_options");
    std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
    let database = "fieldbook_production";
    let plain = ["--no-owner", "--no-privileges"];
    let variants: [(&str, Vec<&str>); 5] = [
        ("clean_if_exists", [&["--schema-only", "--clean", "--if-exists"][..], &plain].concat()),
        ("quote_all_identifiers", [&["--schema-only", "--quote-all-identifiers"][..], &plain].concat()),
        ("with_data_copy", plain.to_vec()),
        ("with_data_inserts", [&["--inserts"][..], &plain].concat()),
        ("with_owner_and_privileges", vec!["--schema-only"]),
    ];
    for (name, args) in variants {
        let dump = cluster.dump(database, &args)?;
        write(&folder.join(format!("{name}.sql")), &dump)?;
    }
    let archive = std::env::temp_dir().join(format!("schemadrift-demo-{}.dump", std::process::id()));
    let archive_arg = archive.display().to_string();
    cluster.dump(database, &["--format=custom", "--file", &archive_arg])?;
    let restored = cluster.client_output(
        "pg_restore",
        &[],
        &["--schema-only", "--no-owner", "--no-privileges", "-f", "-", &archive_arg],
    );
    let _ = std::fs::remove_file(&archive);
    write(&folder.join("restored_from_custom_format.sql"), &restored?)
}

fn write(path: &std::path::Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("xtask: wrote {}", path.display());
    Ok(())
}
