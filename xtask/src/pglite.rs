//! `cargo xtask pglite`: Trunk's post-build hook (see Trunk.toml) that puts PGlite, PostgreSQL
//! compiled to WebAssembly, beside the app: `pglite/` (the server, its data file, the extensions it
//! ships) and `pglite-tools/` (its pg_dump). The proof worker (`assets/prove-worker.js`) loads them
//! from there, only when the user asks for a proof. Only what runs in a browser is copied: no source
//! maps, CommonJS builds, type declarations or Node-only file systems.

use std::path::{Path, PathBuf};

/// (package folder under node_modules, folder in the app).
const PACKAGES: &[(&str, &str)] =
    &[("@electric-sql/pglite/dist", "pglite"), ("@electric-sql/pglite-tools/dist", "pglite-tools")];

pub fn apply() -> Result<(), String> {
    let staging = std::env::var_os("TRUNK_STAGING_DIR")
        .map(PathBuf::from)
        .ok_or("TRUNK_STAGING_DIR is not set: `cargo xtask pglite` runs as Trunk's post_build hook")?;
    let root = crate::run::project_root();
    let mut bytes = 0;
    for (package, folder) in PACKAGES {
        let from = root.join("node_modules").join(package);
        if !from.is_dir() {
            return Err(format!(
                "{} is missing: run `cargo xtask setup` (it installs the node packages of package.json)",
                from.display()
            ));
        }
        bytes += copy_for_browser(&from, &staging.join(folder))?;
    }
    println!("xtask pglite: PGlite copied beside the app ({:.1} MB, loaded only for a proof)", bytes as f64 / 1e6);
    Ok(())
}

/// Whether a file of a PGlite package runs in the browser.
fn wanted(name: &str) -> bool {
    let browser =
        name.ends_with(".js") || name.ends_with(".wasm") || name.ends_with(".data") || name.ends_with(".tar.gz");
    browser && name != "nodefs.js"
}

/// Copies the browser's files of `from` (and of its folders) into `to`; returns the bytes copied.
fn copy_for_browser(from: &Path, to: &Path) -> Result<u64, String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot make {}: {e}", to.display()))?;
    let mut bytes = 0;
    let entries = std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            // `live` and `worker` are PGlite's own extras; the proof uses neither.
            if name != "live" && name != "worker" {
                bytes += copy_for_browser(&path, &to.join(&name))?;
            }
        } else if wanted(&name) {
            bytes +=
                std::fs::copy(&path, to.join(&name)).map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_what_a_browser_runs_is_copied() {
        for name in ["index.js", "pglite.wasm", "pglite.data", "vector.tar.gz", "pg_dump.wasm"] {
            assert!(super::wanted(name), "{name}");
        }
        for name in ["index.js.map", "index.cjs", "index.d.ts", "pglite.html", "nodefs.js"] {
            assert!(!super::wanted(name), "{name}");
        }
    }
}
