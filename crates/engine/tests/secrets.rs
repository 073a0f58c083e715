//! Secrets in real dumps: the corpus holds none but what is listed here, so findings are not noise.

mod common;

use schemadrift_engine::secrets::find_secrets;

#[test]
fn the_corpus_and_fixtures_hold_no_secrets_but_the_known_ones() {
    let mut files = common::project_dumps();
    if let Some(corpus) = common::corpus_dir() {
        files.extend(common::dumps(&corpus));
    }
    let mut found = Vec::new();
    for path in &files {
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        for secret in find_secrets(&text) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            found.push(format!("{name}:{} {} ({})", secret.line, secret.kind, secret.context));
        }
    }
    eprintln!("{}", found.join("\n"));
    assert!(found.is_empty(), "{found:#?}");
}
