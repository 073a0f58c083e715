//! `cargo xtask csp`: Trunk's post-build hook (see Trunk.toml). It writes the app's
//! Content-Security-Policy into the built `index.html`: scripts only from the app's own files and
//! the one inline module script Trunk writes (allowed by its hash, which changes with every build
//! because the script names the hashed file names), WebAssembly compilation, styles and images
//! from the app, and network requests only to what `?from=&to=` URL loads need.

use schemadrift_engine::render::html::csp_hash;
use std::path::PathBuf;

/// Where the policy goes: right after the charset declaration, before anything it governs.
const ANCHOR: &str = "<meta charset=\"utf-8\" />";

pub fn apply() -> Result<(), String> {
    let dir = std::env::var_os("TRUNK_STAGING_DIR")
        .map(PathBuf::from)
        .ok_or("TRUNK_STAGING_DIR is not set: `cargo xtask csp` runs as Trunk's post_build hook")?;
    let path = dir.join("index.html");
    let html = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let with_policy = add_policy(&html)?;
    std::fs::write(&path, with_policy).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("xtask csp: Content-Security-Policy written into {}", path.display());
    Ok(())
}

/// The page with its policy: every inline script (one without `src`) allowed by its hash.
pub fn add_policy(html: &str) -> Result<String, String> {
    if html.contains("Content-Security-Policy") {
        return Err("index.html already has a Content-Security-Policy".into());
    }
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let tag_end = rest[start..].find('>').ok_or("a <script> tag is not closed")? + start;
        let close = rest[tag_end..].find("</script>").ok_or("a <script> has no </script>")? + tag_end;
        if !rest[start..tag_end].contains(" src=") {
            hashes.push(format!("'{}'", csp_hash(&rest[tag_end + 1..close])));
        }
        rest = &rest[close..];
    }
    let policy = format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self'; img-src 'self'; \
         connect-src 'self' https: http:; worker-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'",
        hashes.join(" ")
    );
    let meta = format!("\n    <meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\" />");
    let at = html.find(ANCHOR).ok_or("index.html has no <meta charset=\"utf-8\" /> to put the policy after")?;
    let mut out = html.to_string();
    out.insert_str(at + ANCHOR.len(), &meta);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_inline_script_is_allowed_by_its_hash_and_nothing_else() {
        let html = "<head>\n<meta charset=\"utf-8\" />\n<script src=\"./a.js\"></script><script type=\"module\">init();</script></head>";
        let out = add_policy(html).unwrap();
        assert!(out.contains(&format!("script-src 'self' 'wasm-unsafe-eval' '{}';", csp_hash("init();"))), "{out}");
        assert!(out.find("Content-Security-Policy").unwrap() < out.find("<script").unwrap());
        assert!(add_policy(&out).is_err(), "a second policy is refused");
        assert!(add_policy("<html></html>").is_err());
    }
}
