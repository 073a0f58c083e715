//! Throw-away PostgreSQL clusters for tests and tooling.
//!
//! A cluster lives in a temporary folder, listens only on 127.0.0.1 at a free port, trusts local
//! connections, and is stopped and removed when dropped. Used by the engine's database tests and
//! by `cargo xtask demo`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The folder of the PostgreSQL server programs to use: the one holding the `initdb` found on
/// PATH, or else the newest installed server's bin folder (Debian layout), if any.
pub fn bin_dir() -> Option<PathBuf> {
    on_path("initdb").or_else(debian_bin_dir)
}

/// The real folder of `program` found on PATH (links followed: Debian links `initdb` into
/// `/usr/local/bin` while psql and pg_dump stay beside it in the server's folder).
fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        let real = std::fs::canonicalize(dir.join(program)).ok()?;
        let folder = real.parent()?;
        folder.join("pg_ctl").is_file().then(|| folder.to_path_buf())
    })
}

/// The newest installed PostgreSQL server's bin folder (Debian layout), if any.
fn debian_bin_dir() -> Option<PathBuf> {
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
        Cluster::start_with(bin)
    }

    /// A cluster run by the server programs (`initdb`, `pg_ctl`, `postgres`) in `bin`, with the
    /// client programs (`psql`, `pg_dump`) from the same folder.
    pub fn start_with(bin: PathBuf) -> Result<Cluster, String> {
        for program in ["initdb", "pg_ctl", "psql", "pg_dump"] {
            if !bin.join(program).is_file() {
                return Err(format!("{} has no `{program}`", bin.display()));
            }
        }
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "schemadrift-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let port = free_port()?;
        let cluster = Cluster { bin, dir, port };
        // initdb and the server refuse to run as root; Debian's `postgres` user runs them then.
        cluster.chown_for_postgres()?;
        let data = cluster.data_dir();
        cluster.run("initdb", &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"])?;
        // A throw-away cluster needs no durability: without fsync, databases are created and filled
        // several times faster. Logical WAL lets tests give subscriptions a replication slot.
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c wal_level=logical",
            cluster.port,
            cluster.dir.display()
        );
        let log = cluster.dir.join("server.log").display().to_string();
        cluster.run("pg_ctl", &["-D", &data, "-o", &options, "-l", &log, "-w", "start"])?;
        Ok(cluster)
    }

    fn data_dir(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn as_root() -> bool {
        Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
    }

    fn chown_for_postgres(&self) -> Result<(), String> {
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

    /// Output of one SQL query, unaligned and without headers (`psql -At`).
    pub fn query(&self, database: &str, sql: &str) -> Result<String, String> {
        let output = self
            .client("psql")
            .args(["-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql])
            .output()
            .map_err(|e| format!("cannot run psql: {e}"))?;
        if !output.status.success() {
            return Err(format!("query failed: {}", String::from_utf8_lossy(&output.stderr).trim()));
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
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
        let mut args = vec!["--schema-only"];
        args.extend_from_slice(extra);
        self.dump(database, &args)
    }

    /// Output of a client program run against `database` (e.g. `pg_dump` with any options).
    pub fn dump(&self, database: &str, args: &[&str]) -> Result<String, String> {
        self.client_output("pg_dump", &["-d", database], args)
    }

    /// Runs a client program (`pg_dump`, `pg_restore`, …) and returns its standard output.
    pub fn client_output(&self, program: &str, first: &[&str], args: &[&str]) -> Result<String, String> {
        let out =
            self.client(program).args(first).args(args).output().map_err(|e| format!("cannot run pg_dump: {e}"))?;
        if !out.status.success() {
            return Err(format!("{program} {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr)));
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

/// Runs a command to its end; the error names the command and its exit status.
fn run_to_end(command: &mut Command, program: &str, args: &[&str]) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("cannot start `{program}`: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{program} {}` failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
