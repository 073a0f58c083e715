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
    Ok(())
}
