#![allow(dead_code)] // each test file uses part of it
//! Running the real `schemadrift` binary as users do, for the CLI's integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs the real binary from the project root, so file names in the output are relative and stable.
pub fn schemadrift(args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_schemadrift"));
    command.args(args).current_dir(project_root());
    let output = match stdin {
        Some(bytes) => {
            use std::io::Write;
            let mut child = command
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            child.stdin.take().unwrap().write_all(bytes).unwrap();
            child.wait_with_output().unwrap()
        }
        None => command.output().unwrap(),
    };
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}
