//! A private, throw-away PostgreSQL cluster for tests and for regenerating the demo dumps.
//!
//! It lives in a temporary folder, listens only on 127.0.0.1 at a free port, trusts local
//! connections, and is stopped and removed when dropped.

use crate::run::{project_root, run_to_end};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The newest installed PostgreSQL server's bin folder (Debian layout), if any.
pub fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    pub port: u16,
}

impl Cluster {
    pub fn start() -> Result<Cluster, String> {
        let bin = bin_dir().ok_or("no PostgreSQL server is installed (apt-get install postgresql)")?;
        let dir = std::env::temp_dir().join(format!("schemadrift-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let port = free_port()?;
        let mut cluster = Cluster { bin, dir, port };
        // initdb and the server refuse to run as root; Debian's `postgres` user runs them then.
        cluster.chown_for_postgres()?;
        let data = cluster.data_dir();
        cluster.run("initdb", &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"])?;
        let options = format!("-c listen_addresses=127.0.0.1 -p {} -k {}", cluster.port, cluster.dir.display());
        let log = cluster.dir.join("server.log").display().to_string();
        cluster.run("pg_ctl", &["-D", &data, "-o", &options, "-l", &log, "-w", "start"])?;
        cluster.port = port;
        Ok(cluster)
    }

    fn data_dir(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn as_root() -> bool {
        Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
    }

    fn chown_for_postgres(&mut self) -> Result<(), String> {
        if Self::as_root() {
            run_to_end(
                Command::new("chown").args(["-R", "postgres:postgres"]).arg(&self.dir),
                "chown",
                &["postgres", &self.dir.display().to_string()],
            )?;
        }
        Ok(())
    }

    /// Runs a PostgreSQL server program, as the `postgres` user when we are root.
    fn run(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let path = self.bin.join(program);
        let mut command = if Self::as_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        command.args(args).current_dir(&self.dir);
        run_to_end(&mut command, program, args)
    }

    /// A client program (psql, pg_dump) against this cluster, as the `postgres` database user.
    pub fn client(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin.join(program));
        command.args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "postgres"]);
        command
    }

    pub fn psql_file(&self, database: &str, file: &Path) -> Result<(), String> {
        let mut command = self.client("psql");
        command.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database, "-f"]).arg(file);
        run_to_end(&mut command, "psql", &["-f", &file.display().to_string()])
    }

    pub fn create_database(&self, name: &str) -> Result<(), String> {
        let mut command = self.client("psql");
        command.args(["-X", "-q", "-d", "postgres", "-c", &format!("CREATE DATABASE \"{name}\"")]);
        run_to_end(&mut command, "psql", &["CREATE DATABASE", name])
    }

    /// `pg_dump --schema-only` of a database, as text.
    pub fn dump_schema(&self, database: &str, extra: &[&str]) -> Result<String, String> {
        let out = self
            .client("pg_dump")
            .args(["--schema-only", "-d", database])
            .args(extra)
            .output()
            .map_err(|e| format!("cannot run pg_dump: {e}"))?;
        if !out.status.success() {
            return Err(format!("pg_dump {database} failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        String::from_utf8(out.stdout).map_err(|e| e.to_string())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.run("pg_ctl", &["-D", &self.data_dir(), "-m", "fast", "-w", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

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
