//! Installs what the app and the tests need when it is missing, and builds the environment to run them in.
//!
//! Versions come from the project's own files (Cargo.lock for wasm-bindgen, Trunk.toml and
//! package.json for the rest), so one edit there changes what every machine installs.

use crate::run::{project_root, Env};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the environment is for: the app alone, or the app plus browser and database for tests.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    App,
    Tests,
    /// Tests plus apgdiff, the anchor `cargo xtask bench` compares with.
    Bench,
}

const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Installs what is missing and returns the environment (PATH) every later command runs in.
pub fn ensure(purpose: Purpose) -> Result<Env, String> {
    let root = project_root();
    let cargo_bin = cargo_home().join("bin");
    let env = Env::new(&root, &[root.join("node_modules/.bin"), cargo_bin.clone()]);

    ensure_wasm_target(&env)?;
    ensure_cargo_tool(&env, "trunk", TRUNK_VERSION, &["trunk", "--version", TRUNK_VERSION, "--locked"])?;
    let bindgen = wasm_bindgen_version(&root)?;
    // wasm-bindgen-cli's own lockfile wants crate versions some registry mirrors lack: no --locked.
    ensure_cargo_tool(&env, "wasm-bindgen", &bindgen, &["wasm-bindgen-cli", "--version", &bindgen])?;
    ensure_node_packages(&env, &root)?;
    if purpose != Purpose::App {
        ensure_debian_packages(&env)?;
    }
    if purpose == Purpose::Bench && env.output("which", &["apgdiff"]).is_none_or(|p| p.trim().is_empty()) {
        install_debian(&env, &["apgdiff"], "cargo xtask bench compares with apgdiff on the same pairs")?;
    }
    Ok(env)
}

/// The environment for `cargo xtask fuzz`: cargo-fuzz needs the nightly toolchain (libFuzzer's
/// instrumentation and sanitizers are nightly options).
pub fn ensure_fuzzing() -> Result<Env, String> {
    let root = project_root();
    let env = Env::new(&root, &[cargo_home().join("bin")]);
    let toolchains = env.output("rustup", &["toolchain", "list"]).unwrap_or_default();
    if !toolchains.lines().any(|l| l.starts_with("nightly")) {
        say("installing the nightly Rust toolchain (cargo fuzz instruments code with nightly-only options)");
        env.status("rustup", &["toolchain", "install", "nightly", "--profile", "minimal"]).map_err(|e| {
            format!(
                "{e}: cargo xtask fuzz needs the nightly toolchain; install it with `rustup toolchain install nightly`"
            )
        })?;
    }
    Ok(env)
}

fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/root".into())).join(".cargo"))
}

fn say(message: &str) {
    eprintln!("xtask: {message}");
}

fn ensure_wasm_target(env: &Env) -> Result<(), String> {
    let installed = env.output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    say(&format!("installing the Rust target {WASM_TARGET} (the app compiles to WebAssembly)"));
    env.status("rustup", &["target", "add", WASM_TARGET])
}

/// Installs `tool` with `cargo install` unless `tool --version` already reports `version`.
pub fn ensure_cargo_tool(env: &Env, tool: &str, version: &str, install_args: &[&str]) -> Result<(), String> {
    let current = env.output(tool, &["--version"]).unwrap_or_default();
    if current.split_whitespace().any(|word| word == version) {
        return Ok(());
    }
    let why =
        if current.is_empty() { "it is not installed".to_string() } else { format!("found `{}`", current.trim()) };
    say(&format!("installing {tool} {version} with cargo install ({why}); this takes a few minutes once"));
    let mut args = vec!["install"];
    args.extend_from_slice(install_args);
    env.status("cargo", &args)
}

/// The wasm-bindgen version locked in Cargo.lock: the CLI must match it exactly.
fn wasm_bindgen_version(root: &Path) -> Result<String, String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

fn ensure_node_packages(env: &Env, root: &Path) -> Result<(), String> {
    if env.output("npm", &["--version"]).is_none() {
        install_debian(env, &["nodejs", "npm"], "Node.js runs wasm-opt and the end-to-end tests")?;
    }
    let wanted = std::fs::read_to_string(root.join("package.json")).map_err(|e| e.to_string())?;
    let stamp = root.join("node_modules/.schemadrift-package.json");
    let complete = root.join("node_modules/.bin/wasm-opt").exists()
        && root.join("node_modules/playwright-core/package.json").exists()
        && root.join("node_modules/@electric-sql/pglite/dist/pglite.wasm").exists()
        && std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str());
    if complete {
        return Ok(());
    }
    say("installing node packages from package.json (binaryen's wasm-opt for release builds, PGlite for the in-browser proof, playwright-core for end-to-end tests)");
    env.status("npm", &["install", "--no-audit", "--no-fund", "--no-package-lock"])?;
    std::fs::write(&stamp, wanted).map_err(|e| e.to_string())
}

/// Chromium and ChromeDriver for browser tests, PostgreSQL for tests against a real database.
fn ensure_debian_packages(env: &Env) -> Result<(), String> {
    let mut missing = Vec::new();
    if !Path::new("/usr/bin/chromium").exists() {
        missing.push("chromium");
    }
    if !Path::new("/usr/bin/chromedriver").exists() {
        missing.push("chromium-driver");
    }
    if crate::postgres::bin_dir().is_none() {
        // The tests prove migrations on PostgreSQL 15, with the PostGIS of that version below.
        missing.push("postgresql-15");
    }
    // The OpenStreetMap dumps in the corpus create the postgis extension.
    let has_postgis = std::fs::read_dir("/usr/share/postgresql")
        .map(|dirs| dirs.flatten().any(|d| d.path().join("extension/postgis.control").exists()))
        .unwrap_or(false);
    if !has_postgis {
        missing.push("postgresql-15-postgis-3");
    }
    if missing.is_empty() {
        return Ok(());
    }
    install_debian(
        env,
        &missing,
        "the browser tests drive headless Chromium and the database tests start a private PostgreSQL (with PostGIS)",
    )
}

fn install_debian(env: &Env, packages: &[&str], why: &str) -> Result<(), String> {
    let list = packages.join(" ");
    let is_root = env.output("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        return Err(format!(
            "missing Debian packages: {list} ({why}). Install them with `sudo apt-get install -y {list}` and run the command again"
        ));
    }
    say(&format!("installing Debian packages {list}: {why}"));
    env.status("apt-get", &["update", "-q"])?;
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend_from_slice(packages);
    Command::new("apt-get")
        .args(&args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .map_err(|e| format!("cannot run apt-get: {e}"))
        .and_then(|s| if s.success() { Ok(()) } else { Err(format!("apt-get install {list} failed")) })
}
