//! `cargo xtask …`: every workflow of the project in one place, so a fresh machine needs only cargo.
//!
//! `serve` and `test` install what is missing first (see `setup.rs`), saying what and why.
//! It depends on the engine only for the CSP hash of `csp` (one place computes CSP hashes).

mod bench;
mod csp;
mod fuzz;
mod pglite;
mod postgres;
mod run;
mod setup;
mod test;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve    install what is missing, then build and serve the app on http://127.0.0.1:8080
  test     install what is missing, then run every check: fmt, clippy, native tests,
           browser tests, release build, end-to-end tests; one summary line per stage
  build    install what is missing, then build the release app into dist/
  setup    only install what is missing (add --for-tests for Chromium and PostgreSQL)
  demo     regenerate demo/*.sql from demo/build_*.sql with a private PostgreSQL
  fuzz     run the fuzz targets for a bounded time each (cargo fuzz on nightly; --seconds N,
           --target NAME, --keep); says executions, coverage and findings
  bench    install what is missing, then measure the performance budgets (native engine on
           generated 1–50 MB pairs, browser timings, wasm size, apgdiff for comparison)
  csp      (Trunk's post-build hook) write the Content-Security-Policy into the built index.html
  pglite   (Trunk's post-build hook) copy PGlite (PostgreSQL in WebAssembly, for proofs) beside the app";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => setup::ensure(setup::Purpose::App).and_then(|env| run::serve(&env)),
        Some("build") => setup::ensure(setup::Purpose::App).and_then(|env| run::build(&env)),
        Some("test") => return test::run_all(),
        Some("setup") => {
            let purpose =
                if args.iter().any(|a| a == "--for-tests") { setup::Purpose::Tests } else { setup::Purpose::App };
            setup::ensure(purpose).map(|_| ())
        }
        Some("demo") => postgres::regenerate_demo(),
        Some("csp") => csp::apply(),
        Some("pglite") => pglite::apply(),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("bench") => setup::ensure(setup::Purpose::Bench).and_then(|env| bench::run(&env)),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}
