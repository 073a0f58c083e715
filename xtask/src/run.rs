//! Running commands in the project's environment, and the app's build and serve workflows.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The project root: xtask lives one folder below it.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits inside the workspace").to_path_buf()
}

/// Where commands run: the project root, with the project's tool folders first on PATH.
pub struct Env {
    pub root: PathBuf,
    path: OsString,
}

/// How many tests a command reported, read from cargo's and node's closing lines.
#[derive(Default, Clone, Copy)]
pub struct TestCount {
    pub passed: usize,
    pub failed: usize,
}

impl Env {
    pub fn new(root: &Path, first_on_path: &[PathBuf]) -> Env {
        let old = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs: Vec<PathBuf> = first_on_path.to_vec();
        dirs.extend(std::env::split_paths(&old));
        let path = std::env::join_paths(dirs).expect("PATH entries have no separators");
        Env { root: root.to_path_buf(), path }
    }

    pub fn command(&self, program: &str, args: &[&str]) -> Command {
        let mut command = Command::new(program);
        command.args(args).current_dir(&self.root).env("PATH", &self.path);
        command
    }

    /// Standard output of a command that succeeded, or None.
    pub fn output(&self, program: &str, args: &[&str]) -> Option<String> {
        let out = self.command(program, args).stderr(Stdio::null()).output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Runs a command with inherited output; an error says which command failed.
    pub fn status(&self, program: &str, args: &[&str]) -> Result<(), String> {
        run_to_end(&mut self.command(program, args), program, args)
    }
}

pub fn run_to_end(command: &mut Command, program: &str, args: &[&str]) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("cannot start `{program}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// Runs a command, echoing its standard output while counting the tests its runner reports.
pub fn run_counting_tests(mut command: Command, label: &str) -> Result<TestCount, (String, TestCount)> {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| (format!("cannot start {label}: {e}"), TestCount::default()))?;
    let mut count = TestCount::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            count_line(&line, &mut count);
        }
    }
    let status = child.wait().map_err(|e| (e.to_string(), count))?;
    if status.success() {
        Ok(count)
    } else {
        Err((format!("{label} failed ({status})"), count))
    }
}

/// Reads `test result: ok. 12 passed; 0 failed; …` (cargo) and `ℹ pass 3` / `ℹ fail 0` (node --test).
fn count_line(line: &str, count: &mut TestCount) {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix("test result: ") {
        for part in rest.split([';', '.']) {
            let mut words = part.split_whitespace();
            if let (Some(n), Some(what)) = (words.next(), words.next()) {
                match (n.parse::<usize>(), what) {
                    (Ok(n), "passed") => count.passed += n,
                    (Ok(n), "failed") => count.failed += n,
                    _ => {}
                }
            }
        }
    } else if let Some(n) = line.strip_prefix("ℹ pass ").and_then(|n| n.parse::<usize>().ok()) {
        count.passed += n;
    } else if let Some(n) = line.strip_prefix("ℹ fail ").and_then(|n| n.parse::<usize>().ok()) {
        count.failed += n;
    }
}

pub fn build(env: &Env) -> Result<(), String> {
    env.status("trunk", &["build", "--release"])
}

pub fn serve(env: &Env) -> Result<(), String> {
    eprintln!("xtask: building the release app and serving it on http://127.0.0.1:8080 (Ctrl-C stops)");
    env.status("trunk", &["serve", "--release"])
}
