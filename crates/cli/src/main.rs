//! `schemadrift`: the engine on the command line, for CI gates and scripts.
//!
//! This file only parses arguments, reads files and prints; all domain work is in the engine.

use clap::{Parser, Subcommand, ValueEnum};
use schemadrift_engine::diff::Rename;
use schemadrift_engine::input::MAX_INPUT_BYTES;
use schemadrift_engine::pipeline::{Comparison, ReadDump, Reading};
use schemadrift_engine::render::html::write_html;
use schemadrift_engine::render::markdown::write_markdown;
use schemadrift_engine::render::text::comparison_text;
use schemadrift_engine::risks::Level;
use schemadrift_engine::secrets::{find_secrets, redact, withhold, Secret};
use schemadrift_engine::{
    build_catalog, prepare, read, reading_notes, summarize, DecodedInput, DiffOptions, InputError, ReadingBudget,
};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod prove;

/// mimalloc: reading a dump makes millions of small strings, which the system allocator serves
/// markedly slower. Its version 2 (the `v2` feature) gives memory back to the system within
/// milliseconds of it being freed, version 3 after a second: what reading frees is reused or
/// returned before planning and reporting peak (80,000 new tables: 197 → 174 MB resident as text),
/// at the same speed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Print the psql command whose output `--sizes` and `--to-sizes` read: table sizes and row
    /// estimates from the catalog (pg_class, pg_total_relation_size), no rows and no data.
    SizesQuery,
    /// Read one dump and report what it contains and what could not be understood.
    Inspect {
        /// A plain-SQL file written by `pg_dump` (or `pg_restore -f -`), or `-` for standard input.
        dump: PathBuf,
        /// Output for people (text) or for programs (json).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Keep passwords, credentials and keys found in the dump in the output (they are replaced by
        /// [REDACTED] otherwise).
        #[arg(long)]
        no_redact: bool,
        /// For a `pg_dumpall` file: the database to read (with the cluster's roles and tablespaces).
        #[arg(long, value_name = "NAME")]
        database: Option<String>,
    },
    /// Compare two dumps: FROM is the database to migrate (e.g. production), TO the schema to reach.
    Diff {
        from: PathBuf,
        to: PathBuf,
        /// Output for people (text, the default), the report for programs (json) or to share (md:
        /// Markdown, html: one standalone file), or the phased migration script (sql).
        #[arg(long, value_enum)]
        format: Option<DiffFormat>,
        /// Print the rollback script (TO back to FROM) instead of the migration.
        #[arg(long)]
        rollback: bool,
        /// Write the script even when its target dump looks cut short (TO for the migration, FROM
        /// for the rollback), keeping the removals the cut may have caused: you confirm they are
        /// real. Without it such a script is refused (exit status 2).
        #[arg(long)]
        allow_truncated: bool,
        /// Exit with status 1 when any change carries a risk at or above this level (for CI gates).
        #[arg(long, value_name = "LEVEL")]
        fail_on: Option<FailOn>,
        /// Keep passwords, credentials and keys found in the dumps in the output (they are replaced by
        /// [REDACTED] otherwise).
        #[arg(long)]
        no_redact: bool,
        /// For `pg_dumpall` files: the database to read on both sides.
        #[arg(long, value_name = "NAME")]
        database: Option<String>,
        /// For a `pg_dumpall` FROM file: its database to read (overrides --database).
        #[arg(long, value_name = "NAME")]
        from_database: Option<String>,
        /// For a `pg_dumpall` TO file: its database to read (overrides --database).
        #[arg(long, value_name = "NAME")]
        to_database: Option<String>,
        #[command(flatten)]
        drift: DriftFlags,
    },
    /// Prove the migration and the rollback on a real PostgreSQL: FROM is built, the script applied
    /// with `psql -v ON_ERROR_STOP=1`, the result dumped and compared with TO (and the same the
    /// other way). Exit status: 0 proven, 1 failed or differs, 2 cannot prove.
    Prove {
        from: PathBuf,
        to: PathBuf,
        /// Output for people (text) or for programs (json).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The folder of the PostgreSQL programs to use (initdb, pg_ctl, psql, pg_dump); by default
        /// the ones on PATH.
        #[arg(long, value_name = "DIR")]
        pg_bin: Option<PathBuf>,
        /// Prove in an empty database you made for it (e.g. with `createdb`) instead of a throw-away
        /// cluster; checked to be empty before anything is written. Give it twice (two databases)
        /// to prove the rollback too.
        #[arg(long = "scratch-url", value_name = "URL")]
        scratch_urls: Vec<String>,
        /// Keep passwords, credentials and keys found in the dumps in the output.
        #[arg(long)]
        no_redact: bool,
        /// For `pg_dumpall` files: the database to read on both sides.
        #[arg(long, value_name = "NAME")]
        database: Option<String>,
        /// For a `pg_dumpall` FROM file: its database to read (overrides --database).
        #[arg(long, value_name = "NAME")]
        from_database: Option<String>,
        /// For a `pg_dumpall` TO file: its database to read (overrides --database).
        #[arg(long, value_name = "NAME")]
        to_database: Option<String>,
        #[command(flatten)]
        drift: DriftFlags,
    },
}

/// What to leave out of the comparison.
#[derive(clap::Args, Debug)]
struct DriftFlags {
    /// Do not compare object owners.
    #[arg(long)]
    ignore_owners: bool,
    /// Do not compare GRANT / REVOKE and default privileges.
    #[arg(long)]
    ignore_grants: bool,
    /// Do not compare COMMENT ON.
    #[arg(long)]
    ignore_comments: bool,
    /// Do not compare extension versions.
    #[arg(long)]
    ignore_extension_versions: bool,
    /// Do not compare storage parameters (WITH (…)) of tables and indexes.
    #[arg(long)]
    ignore_storage_parameters: bool,
    /// Do not compare the tablespaces of tables and indexes.
    #[arg(long)]
    ignore_tablespaces: bool,
    /// Leave out the objects of this schema (repeatable).
    #[arg(long = "exclude-schema", value_name = "SCHEMA")]
    exclude_schemas: Vec<String>,
    /// Leave out the schemas Supabase manages (auth, storage, realtime, vault, graphql, extensions, …).
    #[arg(long = "exclude-supabase-schemas")]
    exclude_platform_schemas: bool,
    /// Confirm a rename proposed as a possible rename: KIND:OLD=NEW, e.g.
    /// `column:public.users.fullname=public.users.full_name` (repeatable). KIND is table, column,
    /// index, constraint or foreign_key.
    #[arg(long = "rename", value_name = "KIND:OLD=NEW")]
    renames: Vec<String>,
    /// Table sizes and row estimates of FROM's database, the one the migration runs on: rewrites
    /// and index builds are levelled by what they touch, and reports show each table's size. FILE is
    /// the CSV output of the query `schemadrift sizes-query` prints (catalog sizes only, no data).
    #[arg(long = "sizes", value_name = "FILE")]
    sizes: Option<PathBuf>,
    /// Table sizes of TO's database (the one the rollback runs on), made the same way.
    #[arg(long = "to-sizes", value_name = "FILE")]
    to_sizes: Option<PathBuf>,
    /// The PostgreSQL major version the scripts run on (e.g. 15 or 9.6): the script states it and
    /// the risks use its facts. By default each script assumes the version its database was dumped
    /// from (the dump's `Dumped from database version` line).
    #[arg(long = "target-version", value_name = "VERSION")]
    target_version: Option<String>,
}

/// A sizes file read whole, or why not (the flag, the file and what is wrong in it).
fn read_sizes(flag: &str, path: &Path) -> Result<schemadrift_engine::input::sizes::Sizes, String> {
    use schemadrift_engine::input::sizes::{parse, MAX_BYTES};
    use std::io::Read as _;
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("{flag} {shown}: cannot read it: {e}"))?;
    let mut bytes = Vec::new();
    // Bounded while reading: a pipe or a device has no size to check first.
    file.take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{flag} {shown}: cannot read it: {e}"))?;
    let name = path.file_name().map_or_else(|| shown.to_string(), |n| n.to_string_lossy().into_owned());
    parse(&name, &bytes).map_err(|e| format!("{flag} {shown}: {e}"))
}

impl DriftFlags {
    fn options(&self) -> Result<DiffOptions, String> {
        let renames = self.renames.iter().map(|r| parse_rename(r)).collect::<Result<Vec<_>, _>>()?;
        Ok(DiffOptions {
            ignore_owners: self.ignore_owners,
            ignore_grants: self.ignore_grants,
            ignore_comments: self.ignore_comments,
            ignore_extension_versions: self.ignore_extension_versions,
            ignore_storage_parameters: self.ignore_storage_parameters,
            ignore_tablespaces: self.ignore_tablespaces,
            exclude_schemas: self.exclude_schemas.iter().cloned().collect(),
            exclude_platform_schemas: self.exclude_platform_schemas,
            renames,
            confirm_cut_short: false,
            sizes: [
                self.sizes.as_deref().map(|p| read_sizes("--sizes", p)).transpose()?,
                self.to_sizes.as_deref().map(|p| read_sizes("--to-sizes", p)).transpose()?,
            ],
            target_version: self
                .target_version
                .as_deref()
                .map(|v| schemadrift_engine::version::parse(v).map_err(|e| format!("--target-version {v}: {e}")))
                .transpose()?,
        })
    }
}

/// `KIND:OLD=NEW` → a confirmed rename, or what is wrong with it.
fn parse_rename(text: &str) -> Result<Rename, String> {
    let wrong = |why: &str| {
        format!("--rename {text}: {why}; write KIND:OLD=NEW, e.g. column:public.t.old_name=public.t.new_name")
    };
    Rename::parse(text).map_err(|why| wrong(&why))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    /// The report as Markdown, to paste into a pull request or a ticket.
    Md,
    /// The report as one standalone HTML file (no scripts, no network), to attach or print.
    Html,
    /// The phased migration script.
    Sql,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Low,
    Medium,
    High,
}

/// Exit status when `--fail-on` finds a risk at or above its level.
const RISKY: u8 = 1;

/// Exit status for input that is not a readable dump (2, as for usage errors).
const BAD_INPUT: u8 = 2;

/// Exit status when schemadrift itself failed (a bug): never a crash dump, always this.
const INTERNAL_ERROR: i32 = 3;

/// What a user sees if schemadrift has a bug: what happened, that it is not their file's fault,
/// and what to send, rather than a Rust backtrace (release builds abort on a panic).
fn internal_error_message(what: &str, location: Option<(&str, u32)>) -> String {
    let at = location.map(|(file, line)| format!(" at {file}:{line}")).unwrap_or_default();
    format!(
        "schemadrift: internal error{at}: {what}\nschemadrift: this is a bug in schemadrift, not a problem with your files. Please report it with the command you ran and, if you can share them, the dumps (their secrets redacted)"
    )
}

/// Standard output, buffered: a report is written to it as it is made, never held whole (a report
/// can be hundreds of MB). The first error is kept and said at the end.
struct Output {
    out: std::io::BufWriter<std::io::Stdout>,
    error: Option<std::io::Error>,
}

impl Output {
    fn new() -> Output {
        Output { out: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()), error: None }
    }

    /// Writes what is left and says whether all went out. A reader that stopped early (`| head`)
    /// is not an error.
    fn finish(mut self) -> Result<(), std::io::Error> {
        use std::io::Write as _;
        if self.error.is_none() {
            self.error = self.out.flush().err();
        }
        match self.error {
            Some(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(error),
            _ => Ok(()),
        }
    }
}

impl std::fmt::Write for Output {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        use std::io::Write as _;
        if self.error.is_some() {
            return Err(std::fmt::Error);
        }
        self.out.write_all(text.as_bytes()).map_err(|error| {
            self.error = Some(error);
            std::fmt::Error
        })
    }
}

/// A `fmt::Write` taking the bytes `serde_json` writes (whole UTF-8 text, as
/// [`schemadrift_engine::render::visible::JsonWriter`] passes it on).
struct TextBytes<'a>(&'a mut dyn std::fmt::Write);

impl std::io::Write for TextBytes<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = std::str::from_utf8(buf).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        self.0.write_str(text).map_err(|_| std::io::Error::other("the output stopped"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes one line of text output. Names and values come from the dumps: a newline or a terminal
/// escape inside them is shown escaped (`\n`, `\u{1b}`), so it cannot break the line or drive the
/// terminal.
macro_rules! say {
    ($out:expr, $($arg:tt)*) => {{
        $out.push_str(&schemadrift_engine::render::text::one_line(&format!($($arg)*)));
        $out.push('\n');
    }};
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("{}", internal_error_message(&what, info.location().map(|l| (l.file(), l.line()))));
        std::process::exit(INTERNAL_ERROR);
    }));
    let cli = Cli::parse();
    let mut out = String::new();
    let mut output = Output::new();
    let code = match cli.command {
        Command::Prove {
            from,
            to,
            format,
            pg_bin,
            scratch_urls,
            no_redact,
            database,
            from_database,
            to_database,
            drift,
        } => match drift.options() {
            Ok(options) => {
                let inputs = Inputs {
                    from: Source { path: &from, database: from_database.as_deref().or(database.as_deref()) },
                    to: Source { path: &to, database: to_database.as_deref().or(database.as_deref()) },
                    keep_secrets: no_redact,
                };
                let place = Place { pg_bin: pg_bin.as_deref(), scratch_urls: &scratch_urls };
                prove_command(&inputs, &place, format, &options, &mut out)
            }
            Err(message) => {
                eprintln!("schemadrift: {message}");
                ExitCode::from(BAD_INPUT)
            }
        },
        Command::SizesQuery => {
            out.push_str(&format!("psql -X --csv -c \"{}\" > sizes.csv\n", schemadrift_engine::input::sizes::QUERY));
            ExitCode::SUCCESS
        }
        Command::Inspect { dump, format, no_redact, database } => {
            inspect(&Source { path: &dump, database: database.as_deref() }, format, no_redact, &mut out)
        }
        Command::Diff {
            from,
            to,
            format,
            rollback,
            allow_truncated,
            fail_on,
            no_redact,
            database,
            from_database,
            to_database,
            drift,
        } => match (drift.options().map(|o| DiffOptions { confirm_cut_short: allow_truncated, ..o }), format, rollback)
        {
            (Ok(_), Some(format), true) if format != DiffFormat::Sql => {
                eprintln!("schemadrift: --rollback prints SQL: leave out --format, or use --format sql");
                ExitCode::from(BAD_INPUT)
            }
            (Ok(options), format, rollback) => {
                let format = format.unwrap_or(if rollback { DiffFormat::Sql } else { DiffFormat::Text });
                let level = fail_on.map(|f| match f {
                    FailOn::Low => Level::Low,
                    FailOn::Medium => Level::Medium,
                    FailOn::High => Level::High,
                });
                let inputs = Inputs {
                    from: Source { path: &from, database: from_database.as_deref().or(database.as_deref()) },
                    to: Source { path: &to, database: to_database.as_deref().or(database.as_deref()) },
                    keep_secrets: no_redact,
                };
                compare(&inputs, format, rollback, level, &options, &mut output)
            }
            (Err(message), _, _) => {
                eprintln!("schemadrift: {message}");
                ExitCode::from(BAD_INPUT)
            }
        },
    };
    let _ = output.write_str(&out);
    match output.finish() {
        Err(error) => {
            eprintln!("schemadrift: cannot write the output: {error}");
            ExitCode::FAILURE
        }
        Ok(()) => code,
    }
}

/// Says on stderr where secrets are (never their values).
fn warn_about_secrets(path: &std::path::Path, secrets: &[Secret], keep: bool) {
    for secret in secrets {
        let fate = if keep { "kept in the output (--no-redact)" } else { "redacted from the output" };
        eprintln!("schemadrift: warning: {}:{}: {} found; {fate}", path.display(), secret.line, secret.kind);
    }
}

/// A file named on the command line, and for a `pg_dumpall` file the database to read in it.
#[derive(Clone, Copy)]
struct Source<'a> {
    path: &'a PathBuf,
    database: Option<&'a str>,
}

/// The file's text, ready to read: a bad file is said on stderr (what it is, what to do) and exits 2.
fn open_text<'b>(source: &Source<'_>, bytes: &'b [u8]) -> Result<DecodedInput<'b>, ExitCode> {
    let path = source.path.display();
    let decoded = prepare(bytes, source.database).map_err(|error| refused(source, &error))?;
    for warning in &decoded.warnings {
        eprintln!("schemadrift: warning: {path}: {warning}");
    }
    Ok(decoded)
}

/// Says why a file cannot be read, and what to do (exit status 2).
fn refused(source: &Source<'_>, error: &InputError) -> ExitCode {
    eprintln!("schemadrift: {}", refusal(source, error));
    ExitCode::from(BAD_INPUT)
}

/// Why a file cannot be read, and what to do.
fn refusal(source: &Source<'_>, error: &InputError) -> String {
    let hint = match error {
        InputError::ChooseDatabase { .. } => " with --database NAME",
        _ => "",
    };
    format!("{}: {error}{hint}", source.path.display())
}

/// Says what decoding and reading found about the file as a whole (re-encoded, cut short, a migration).
fn warn_about_reading(source: &Source<'_>, notes: &[String]) {
    for note in notes {
        eprintln!("schemadrift: warning: {}: {note}", source.path.display());
    }
}

/// Reads a dump into its catalog, saying nothing yet: the message for stderr when it cannot be read.
/// Two sides read at once say what they found afterwards, FROM first, so stderr is the same each run.
fn read_catalog(source: &Source<'_>) -> Result<ReadDump, String> {
    let bytes = read_bytes(source.path)?;
    let refused = |error: InputError| refusal(source, &error);
    let decoded = prepare(&bytes, source.database).map_err(refused)?;
    // Read one statement at a time within a time budget, as the browser does: a shape that reads
    // too slowly stops with the statement and its line instead of a job that hangs.
    let budget = reading_budget(bytes.len());
    let started = std::time::Instant::now();
    let mut reading = Reading::start(&decoded);
    while let Some(piece) = reading.next_statement() {
        budget.check(started.elapsed().as_secs_f64(), piece).map_err(refused)?;
    }
    Ok(reading.finish(&file_name(source.path), &bytes))
}

/// The reading budget for a file of `bytes` ([`ReadingBudget::for_bytes`]), or the seconds set in
/// `SCHEMADRIFT_READING_SECONDS` (a CI job can ask for less).
fn reading_budget(bytes: usize) -> ReadingBudget {
    match std::env::var("SCHEMADRIFT_READING_SECONDS").ok().and_then(|s| s.trim().parse::<f64>().ok()) {
        Some(seconds) if seconds >= 0.0 => ReadingBudget { seconds },
        _ => ReadingBudget::for_bytes(bytes),
    }
}

/// Says on stderr what reading found (its warnings, or why the file was refused: exit status 2).
fn said(source: &Source<'_>, read: Result<ReadDump, String>) -> Result<ReadDump, ExitCode> {
    match read {
        Ok(side) => {
            warn_about_reading(source, &side.warnings);
            Ok(side)
        }
        Err(message) => {
            eprintln!("schemadrift: {message}");
            Err(ExitCode::from(BAD_INPUT))
        }
    }
}

/// The name a file is known by in reports: its name without the directory.
fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The two files compared.
struct Inputs<'a> {
    from: Source<'a>,
    to: Source<'a>,
    /// `--no-redact`: leave secrets in the output.
    keep_secrets: bool,
}

/// Where `prove` runs: the programs' folder, or databases the user made for it.
struct Place<'a> {
    pg_bin: Option<&'a std::path::Path>,
    scratch_urls: &'a [String],
}

/// Exit status when a proof could not be made (an extension missing, no PostgreSQL, …).
const CANNOT_PROVE: u8 = 2;

fn prove_command(inputs: &Inputs, place: &Place, format: Format, options: &DiffOptions, out: &mut String) -> ExitCode {
    use schemadrift_engine::proof::{self, major_version, Direction, Verdict};
    let [from, to] = [&inputs.from, &inputs.to].map(|source| said(source, read_catalog(source)));
    let (old, new) = match (from, to) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let compared = Comparison::new(old, new, options.clone());
    let (old, new) = (compared.from(), compared.to());
    let server = match prove::Server::open(place.pg_bin, place.scratch_urls) {
        Ok(server) => server,
        Err(message) => {
            eprintln!("schemadrift: {message}");
            return ExitCode::from(CANNOT_PROVE);
        }
    };
    let work = std::env::temp_dir().join(format!("schemadrift-prove-{}", std::process::id()));
    if let Err(error) = std::fs::create_dir_all(&work) {
        eprintln!("schemadrift: cannot make a folder for the proof's files ({}): {error}", work.display());
        return ExitCode::from(CANNOT_PROVE);
    }
    let statements = [proof::dump_statements(&old.text), proof::dump_statements(&new.text)];
    let scripts = [proof::script_statements(&compared.release().script), proof::script_statements(compared.rollback())];
    fn dumped<'a>(side: &'a ReadDump, statements: &'a proof::Script) -> proof::Dumped<'a> {
        proof::Dumped {
            name: &side.facts.name,
            catalog: &side.catalog,
            major: side.facts.server_version.as_deref().and_then(major_version),
            statements,
        }
    }
    let cases = [
        proof::Case {
            direction: Direction::Migration,
            start: dumped(old, &statements[0]),
            target: dumped(new, &statements[1]),
            script: &scripts[0],
            options,
            left_out: None,
        },
        proof::Case {
            direction: Direction::Rollback,
            start: dumped(new, &statements[1]),
            target: dumped(old, &statements[0]),
            script: &scripts[1],
            options,
            left_out: None,
        },
    ];
    let texts = [(&*old.text, compared.release().script.as_str()), (&*new.text, compared.rollback())];
    let started = std::time::Instant::now();
    let proofs: Vec<_> = cases
        .iter()
        .zip(texts)
        .enumerate()
        .map(|(index, (case, texts))| prove::prove(&server, index, case, texts, &work))
        .collect();
    drop(server);
    let _ = std::fs::remove_dir_all(&work);
    let secrets: Vec<Secret> = old.secrets.iter().chain(&new.secrets).cloned().collect();
    let shown = |text: String| if inputs.keep_secrets { text } else { redact(&text, &secrets) };
    match format {
        Format::Json => {
            // Each proof with its headline, the sentence the text output prints.
            let proofs: Vec<serde_json::Value> = proofs
                .iter()
                .map(|proof| {
                    let mut value = serde_json::to_value(proof).expect("plain data serializes");
                    value["headline"] = proof.headline().into();
                    value
                })
                .collect();
            let json =
                serde_json::to_string_pretty(&serde_json::json!({ "proofs": proofs })).expect("plain data serializes");
            out.push_str(&schemadrift_engine::render::visible::json(&shown(json)));
            out.push('\n');
        }
        Format::Text => {
            let mut text = String::new();
            for proof in &proofs {
                say!(text, "{}", proof.headline());
                match &proof.verdict {
                    Verdict::Failed { statement, error, .. } => {
                        for line in error.lines().skip(1) {
                            say!(text, "  {line}");
                        }
                        if !statement.is_empty() {
                            say!(text, "  the statement:");
                        }
                        for line in statement.lines() {
                            say!(text, "    {line}");
                        }
                    }
                    Verdict::Differs { differences } => {
                        for difference in differences {
                            say!(text, "  {difference}");
                        }
                    }
                    _ => {}
                }
                for caveat in &proof.caveats {
                    say!(text, "  note: {caveat}");
                }
            }
            say!(text, "proved in {:.1} s", started.elapsed().as_secs_f64());
            out.push_str(&shown(text));
        }
    }
    let failed = proofs.iter().any(|p| matches!(p.verdict, Verdict::Failed { .. } | Verdict::Differs { .. }));
    // A proof of the rest, what needs a missing extension left out, is not a whole proof.
    let cannot = proofs.iter().any(|p| matches!(p.verdict, Verdict::CannotProve { .. }) || p.left_out.is_some());
    match (failed, cannot) {
        (true, _) => ExitCode::from(1),
        (false, true) => ExitCode::from(CANNOT_PROVE),
        (false, false) => ExitCode::SUCCESS,
    }
}

fn compare(
    inputs: &Inputs,
    format: DiffFormat,
    rollback: bool,
    fail_on: Option<Level>,
    options: &DiffOptions,
    output: &mut Output,
) -> ExitCode {
    let (from_path, to_path) = (inputs.from.path, inputs.to.path);
    // The two sides are read on two threads: reading is most of the work.
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(|| read_catalog(&inputs.from));
        let new = read_catalog(&inputs.to);
        let old = old
            .join()
            .unwrap_or_else(|_| Err(format!("{}: reading stopped on an internal error", from_path.display())));
        (said(&inputs.from, old), said(&inputs.to, new))
    });
    let (old, new) = match (old, new) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    warn_about_secrets(from_path, &old.secrets, inputs.keep_secrets);
    warn_about_secrets(to_path, &new.secrets, inputs.keep_secrets);
    // A script to a dump that looks cut short would drop what the cut left out: refused unless the
    // user confirms the removals are real.
    if format == DiffFormat::Sql && !options.confirm_cut_short {
        let (target, path, role) =
            if rollback { (&old.catalog, from_path, "FROM") } else { (&new.catalog, to_path, "TO") };
        if let Some(reason) = &target.cut_short {
            eprintln!(
                "schemadrift: {role} ({}) looks cut short: {reason}. What comes after the cut would look removed, so the {} would drop objects that may still exist. Dump the schema again, or pass --allow-truncated if the removals are real (the script then opens with a warning listing them)",
                path.display(),
                if rollback { "rollback" } else { "migration" }
            );
            return ExitCode::from(BAD_INPUT);
        }
    }
    let compared = Comparison::new(old, new, options.clone());
    let release = compared.release();
    let secrets = compared.secrets();
    // Redacted scripts take each secret from a psql variable (never apply a placeholder); the rest
    // of the output is redacted at the end, so it is held whole only when there is a secret to
    // redact: otherwise every format goes straight to the output as it is written.
    let redacting = !inputs.keep_secrets && !secrets.is_empty();
    let report = || match redacting {
        true => std::borrow::Cow::Owned(compared.report().clone().withheld()),
        false => std::borrow::Cow::Borrowed(compared.report()),
    };
    let script = |out: &mut dyn std::fmt::Write, text: &str| match redacting {
        true => out.write_str(&withhold(text, &secrets)),
        false => out.write_str(text),
    };
    let mut held = String::new();
    let out: &mut dyn std::fmt::Write = if redacting { &mut held } else { output };
    // An error here is the output's (a closed pipe, a full disk): kept by `Output`, said at the end.
    let _ = match format {
        DiffFormat::Md => write_markdown(&report(), out),
        DiffFormat::Html => write_html(&report(), out),
        DiffFormat::Sql if rollback => script(out, compared.rollback()),
        DiffFormat::Sql => script(out, &release.script),
        DiffFormat::Json => {
            // serde_json writes in small pieces: gathered first, they are checked and escaped 64 KB
            // at a time.
            let json = schemadrift_engine::render::visible::JsonWriter::new(TextBytes(out));
            let mut json = std::io::BufWriter::with_capacity(1 << 16, json);
            let written = serde_json::to_writer_pretty(&mut json, &*report()).map_err(std::io::Error::from);
            match written.and_then(|()| json.into_inner().map_err(|e| e.into_error())) {
                Ok(json) => json.into_inner().0.write_char('\n'),
                Err(_) => Err(std::fmt::Error),
            }
        }
        DiffFormat::Text => {
            out.write_str(&comparison_text(&compared, &from_path.display().to_string(), &to_path.display().to_string()))
        }
    };
    if redacting {
        let _ = output.write_str(&redact(&held, &secrets));
    }
    if let Some(level) = fail_on {
        let over = release.risks.iter().filter(|r| r.level >= level).count();
        if over > 0 {
            eprintln!("schemadrift: {over} risks at level {} or above (--fail-on {})", level.label(), level.label());
            return ExitCode::from(RISKY);
        }
    }
    ExitCode::SUCCESS
}

/// The file's bytes; a file over [`MAX_INPUT_BYTES`] is refused before it is read.
fn read_bytes(path: &PathBuf) -> Result<Vec<u8>, String> {
    let too_large = |bytes: u64| InputError::TooLarge { bytes, limit: MAX_INPUT_BYTES };
    if path.as_os_str() == "-" {
        let bytes = read_limited(std::io::stdin(), 0).map_err(|e| format!("cannot read standard input: {e}"))?;
        return bytes.ok_or_else(|| {
            format!(
                "standard input: it holds more than {} MB (read up to the limit): {}",
                MAX_INPUT_BYTES >> 20,
                stream_advice()
            )
        });
    }
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if metadata.is_dir() {
        let archive = if path.join("toc.dat").exists() { "a directory-format pg_dump archive" } else { "a directory" };
        return Err(format!(
            "{}: this is {archive}, not a file: convert a pg_dump directory with `pg_restore --schema-only -f schema.sql DIRECTORY` and give schema.sql",
            path.display()
        ));
    }
    let size = metadata.len();
    if size > MAX_INPUT_BYTES {
        return Err(format!("{}: {}", path.display(), too_large(size)));
    }
    // A pipe, a FIFO or a device has no size to check first (`/dev/zero` never ends): the limit is
    // kept while reading, one byte past it is enough to refuse.
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let bytes = read_limited(file, usize::try_from(size).unwrap_or(0))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    bytes.ok_or_else(|| {
        format!(
            "{}: it holds more than {} MB (a stream or device, read up to the limit): {}",
            path.display(),
            MAX_INPUT_BYTES >> 20,
            stream_advice()
        )
    })
}

/// Reads to the end, or `None` once more than [`MAX_INPUT_BYTES`] came (a stream that never ends
/// stops there). Read in 8 MB pieces kept apart, so nothing is copied while growing; they are joined
/// once the whole input is in. `hint`: the expected size (a file's), read into one piece.
fn read_limited(mut reader: impl std::io::Read, hint: usize) -> std::io::Result<Option<Vec<u8>>> {
    let piece = (8 << 20).max(hint.saturating_add(1)).min(usize::try_from(MAX_INPUT_BYTES + 1).unwrap_or(usize::MAX));
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    let mut total: u64 = 0;
    loop {
        let mut buffer = Vec::with_capacity(piece);
        let read = std::io::Read::read_to_end(&mut std::io::Read::take(&mut reader, piece as u64), &mut buffer)?;
        total += read as u64;
        if total > MAX_INPUT_BYTES {
            return Ok(None);
        }
        let done = read < piece;
        pieces.push(buffer);
        if done {
            break;
        }
    }
    Ok(Some(if pieces.len() == 1 { pieces.pop().unwrap_or_default() } else { pieces.concat() }))
}

/// What to do with input too large to read: the same advice as for a large file.
fn stream_advice() -> &'static str {
    "dump fewer schemas at a time (`pg_dump --schema-only -n SCHEMA`) and give the file"
}

fn inspect(source: &Source<'_>, format: Format, keep_secrets: bool, out: &mut String) -> ExitCode {
    let path = source.path;
    let bytes = match read_bytes(path) {
        Ok(bytes) => bytes,
        Err(message) => {
            eprintln!("schemadrift: {message}");
            return ExitCode::from(BAD_INPUT);
        }
    };
    let mut decoded = match open_text(source, &bytes) {
        Ok(decoded) => decoded,
        Err(code) => return code,
    };
    let dump = read(&decoded.text);
    let notes = reading_notes(&decoded.text, &dump);
    warn_about_reading(source, &notes);
    decoded.warnings.extend(notes);
    let summary = summarize(&decoded.text, &dump);
    let catalog = build_catalog(&dump);
    let counts = catalog.counts();
    let secrets = find_secrets(&decoded.text);
    warn_about_secrets(path, &secrets, keep_secrets);
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
                "secrets": secrets,
                "copy": { "blocks": summary.copy_blocks, "rows": summary.copy_rows },
            });
            let json = serde_json::to_string_pretty(&json).expect("plain data serializes");
            out.push_str(&schemadrift_engine::render::visible::json(&json));
            out.push('\n');
        }
        Format::Text => {
            say!(out, "{}", path.display());
            say!(
                out,
                "  pg_dump version: {}",
                summary.pg_dump_version.as_deref().unwrap_or("unknown (no pg_dump header)")
            );
            say!(out, "  {} bytes, {} lines", summary.bytes, summary.lines);
            let s = &catalog.statements;
            say!(
                out,
                "  {} statements: {} understood, {} ignored (session settings), {} not understood",
                s.total,
                s.understood,
                s.ignored,
                s.not_understood
            );
            if summary.copy_blocks > 0 {
                say!(
                    out,
                    "  {} COPY blocks with {} rows (data is not compared)",
                    summary.copy_blocks,
                    summary.copy_rows
                );
            }
            say!(out, "objects:");
            for (kind, n) in counts.entries() {
                say!(out, "  {kind:<20} {n}");
            }
            if !catalog.not_understood.is_empty() {
                say!(out, "not understood:");
                for item in &catalog.not_understood {
                    let first_line = item.text.lines().next().unwrap_or("");
                    say!(out, "  line {}: {first_line}", item.line);
                    say!(out, "    {}", item.reason);
                }
            }
            for secret in &secrets {
                say!(out, "secret: line {}: {} ({} …)", secret.line, secret.kind, secret.context);
            }
        }
    }
    if !keep_secrets {
        *out = redact(out, &secrets);
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::internal_error_message;

    #[test]
    fn an_internal_error_says_it_is_a_bug_and_what_to_send() {
        let message = internal_error_message("index out of bounds", Some(("crates/engine/src/x.rs", 7)));
        let lines: Vec<&str> = message.lines().collect();
        assert_eq!(lines[0], "schemadrift: internal error at crates/engine/src/x.rs:7: index out of bounds");
        assert!(lines[1].contains("a bug in schemadrift, not a problem with your files"), "{message}");
        assert!(lines[1].contains("secrets redacted"), "{message}");
        assert!(lines.iter().all(|l| l.starts_with("schemadrift: ")), "{message}");
    }
}
