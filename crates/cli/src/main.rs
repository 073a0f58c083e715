//! `schemadrift`: the engine on the command line, for CI gates and scripts.
//!
//! This file only parses arguments, reads files and prints; all domain work is in the engine.

use clap::{Parser, Subcommand, ValueEnum};
use schemadrift_engine::{build_catalog, decode, read, summarize};
use std::path::PathBuf;
use std::process::ExitCode;

/// Compare PostgreSQL schemas from pg_dump files: differences, risks and a migration script.
///
/// Everything runs locally: no database connection and no credentials are needed.
#[derive(Parser, Debug)]
#[command(name = "schemadrift", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read one dump and report what it contains and what could not be understood.
    Inspect {
        /// A plain-SQL file written by `pg_dump` (or `pg_restore -f -`), or `-` for standard input.
        dump: PathBuf,
        /// Output for people (text) or for programs (json).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Exit status for input that is not a readable dump (2, as for usage errors).
const BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Inspect { dump, format } => inspect(&dump, format),
    }
}

fn read_bytes(path: &PathBuf) -> Result<Vec<u8>, String> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn inspect(path: &PathBuf, format: Format) -> ExitCode {
    let bytes = match read_bytes(path) {
        Ok(bytes) => bytes,
        Err(message) => {
            eprintln!("schemadrift: {message}");
            return ExitCode::from(BAD_INPUT);
        }
    };
    let decoded = match decode(&bytes) {
        Ok(decoded) => decoded,
        Err(error) => {
            eprintln!("schemadrift: {}: {error}", path.display());
            return ExitCode::from(BAD_INPUT);
        }
    };
    for warning in &decoded.warnings {
        eprintln!("schemadrift: warning: {}: {warning}", path.display());
    }
    let dump = read(&decoded.text);
    let summary = summarize(&decoded.text, &dump);
    let catalog = build_catalog(&dump);
    let counts = catalog.counts();
    match format {
        Format::Json => {
            let json = serde_json::json!({
                "file": path.display().to_string(),
                "pg_dump_version": summary.pg_dump_version,
                "server_version": summary.server_version,
                "warnings": decoded.warnings,
                "statements": catalog.statements,
                "counts": counts,
                "not_understood": catalog.not_understood,
                "copy": { "blocks": summary.copy_blocks, "rows": summary.copy_rows },
            });
            println!("{}", serde_json::to_string_pretty(&json).expect("plain data serializes"));
        }
        Format::Text => {
            println!("{}", path.display());
            println!(
                "  pg_dump version: {}",
                summary.pg_dump_version.as_deref().unwrap_or("unknown (no pg_dump header)")
            );
            println!("  {} bytes, {} lines", summary.bytes, summary.lines);
            let s = &catalog.statements;
            println!(
                "  {} statements: {} understood, {} ignored (session settings), {} not understood",
                s.total, s.understood, s.ignored, s.not_understood
            );
            if summary.copy_blocks > 0 {
                println!(
                    "  {} COPY blocks with {} rows (data is not compared)",
                    summary.copy_blocks, summary.copy_rows
                );
            }
            println!("objects:");
            for (kind, n) in counts.entries() {
                println!("  {kind:<20} {n}");
            }
            if !catalog.not_understood.is_empty() {
                println!("not understood:");
                for item in &catalog.not_understood {
                    let first_line = item.text.lines().next().unwrap_or("");
                    println!("  line {}: {first_line}", item.line);
                    println!("    {}", item.reason);
                }
            }
        }
    }
    ExitCode::SUCCESS
}
