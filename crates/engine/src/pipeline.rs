//! The whole analysis, the one path every caller takes: [`read_side`] (or [`Reading`], one
//! statement at a time) for each file, then [`Comparison`] for the pair. The command line, the
//! browser's worker, the fuzz targets (`fuzz/`, through [`laws`]) and the property test
//! (`tests/never_panics.rs`) all run it, so what the fuzzers prove holds for what users run.

use crate::catalog::{Catalog, CatalogBuilder};
use crate::diff::{diff, Rename};
use crate::input::{prepare, reading_notes, DecodedInput, InputError};
use crate::reader::{Dump, Piece};
use crate::release::{release_of, Release};
use crate::render::{html::report_html, markdown::report_markdown};
use crate::report::{self, InputFacts, Report};
use crate::secrets::{find_secrets, Secret};
use crate::version::TargetVersion;
use crate::{read, summarize, DiffOptions, DumpSummary};
use std::sync::{Arc, OnceLock};

/// One file, read: its catalog, its summary and the facts reports name it by, the secrets found in
/// it, and what decoding and reading noted (as warnings for the user).
#[derive(Debug, Clone)]
pub struct ReadDump {
    /// The file's text as decoded (a proof builds the schema from it, statement by statement).
    pub text: Arc<str>,
    pub catalog: Catalog,
    pub summary: DumpSummary,
    pub facts: InputFacts,
    pub secrets: Vec<Secret>,
    pub warnings: Vec<String>,
}

/// Reads one file (for a `pg_dumpall` file, its `database`). The error says what the file is and
/// what to do instead.
pub fn read_side(file_name: &str, bytes: &[u8], database: Option<&str>) -> Result<ReadDump, InputError> {
    let decoded = prepare(bytes, database)?;
    let mut reading = Reading::start(&decoded);
    while reading.next_statement().is_some() {}
    Ok(reading.finish(file_name, bytes))
}

/// A file being read, one statement at a time, so that a caller can pause between statements (the
/// browser's worker yields to its messages, shows progress and keeps a time budget).
/// [`read_side`] is this with every statement at once.
pub struct Reading<'t> {
    text: &'t str,
    dump: Dump<'t>,
    summary: DumpSummary,
    builder: CatalogBuilder,
    next: usize,
    warnings: Vec<String>,
}

impl<'t> Reading<'t> {
    /// Splits the decoded text into statements; nothing is in the catalog yet.
    pub fn start(decoded: &'t DecodedInput<'_>) -> Reading<'t> {
        let text: &'t str = &decoded.text;
        let dump = read(text);
        let mut warnings = decoded.warnings.clone();
        warnings.extend(reading_notes(text, &dump));
        let summary = summarize(text, &dump);
        Reading { text, dump, summary, builder: CatalogBuilder::new(), next: 0, warnings }
    }

    /// Adds the next statement to the catalog and returns it; `None` once every one is in.
    pub fn next_statement(&mut self) -> Option<&Piece<'t>> {
        let piece = self.dump.pieces.get(self.next)?;
        self.builder.add(piece);
        self.next += 1;
        Some(piece)
    }

    /// Statements added, of how many.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.dump.pieces.len())
    }

    /// The side read (`raw`: the file's bytes as given, for the facts reports name it by).
    pub fn finish(mut self, file_name: &str, raw: &[u8]) -> ReadDump {
        while self.next_statement().is_some() {}
        let mut catalog = self.builder.finish();
        catalog.cut_short = self.summary.cut_short.clone();
        self.warnings.extend(catalog.refusals());
        ReadDump {
            text: Arc::from(self.text),
            facts: InputFacts::new(file_name, raw, &self.summary),
            summary: self.summary,
            secrets: find_secrets(self.text),
            catalog,
            warnings: self.warnings,
        }
    }
}

/// Two sides compared under one set of options: the release (diff, risks, compatibility, plan and
/// script) made at once, the rollback and the report on first need. It holds its inputs and its
/// options, so nothing is handed to it twice. Secrets are left in; redact before showing.
#[derive(Debug, Clone)]
pub struct Comparison {
    sides: [Arc<ReadDump>; 2],
    options: DiffOptions,
    /// The PostgreSQL version each side's database runs (the migration runs on from's, the
    /// rollback on to's).
    versions: [TargetVersion; 2],
    release: Release,
    rollback: OnceLock<Arc<String>>,
    report: OnceLock<Report>,
}

impl Comparison {
    /// The sides as read (`ReadDump`) or shared (`Arc<ReadDump>`).
    pub fn new(from: impl Into<Arc<ReadDump>>, to: impl Into<Arc<ReadDump>>, options: DiffOptions) -> Comparison {
        Comparison::with_progress(from.into(), to.into(), options, &mut |_| {})
    }

    /// [`Comparison::new`], telling `step` each step as it starts: `comparing`, `planning`.
    pub fn with_progress(
        from: Arc<ReadDump>,
        to: Arc<ReadDump>,
        options: DiffOptions,
        step: &mut dyn FnMut(&str),
    ) -> Comparison {
        step("comparing");
        let result = diff(&from.catalog, &to.catalog, &options);
        step("planning");
        let names = (from.facts.name.as_str(), to.facts.name.as_str());
        let version = |side: &ReadDump| {
            TargetVersion::of(options.target_version, &side.facts.name, side.summary.server_version.as_deref())
        };
        let versions = [version(&from), version(&to)];
        let release = release_of(&from.catalog, &to.catalog, result, &options, names, &versions[0]);
        Comparison { sides: [from, to], options, versions, release, rollback: OnceLock::new(), report: OnceLock::new() }
    }

    pub fn from(&self) -> &ReadDump {
        &self.sides[0]
    }

    pub fn to(&self) -> &ReadDump {
        &self.sides[1]
    }

    /// The shared sides (from, to), to compare them again under other options without reading.
    pub fn sides(&self) -> [Arc<ReadDump>; 2] {
        self.sides.clone()
    }

    pub fn options(&self) -> &DiffOptions {
        &self.options
    }

    /// The files' names, as the user named them (from, to).
    pub fn names(&self) -> (&str, &str) {
        (self.from().facts.name.as_str(), self.to().facts.name.as_str())
    }

    pub fn release(&self) -> &Release {
        &self.release
    }

    /// The script that takes `to` back to `from`: the migration the other way (confirmed renames
    /// reversed), headed by what it cannot bring back.
    pub fn rollback(&self) -> &str {
        self.rollback_made()
    }

    /// The rollback, made on first need; shared (not copied) with the report, which holds it too.
    fn rollback_made(&self) -> &Arc<String> {
        self.rollback.get_or_init(|| {
            let reversed = DiffOptions {
                renames: self
                    .options
                    .renames
                    .iter()
                    .map(|r| Rename { object_kind: r.object_kind, from: r.to.clone(), to: r.from.clone() })
                    .collect(),
                ..self.options.clone()
            };
            let (from, to) = (&self.from().catalog, &self.to().catalog);
            self.release
                .rollback(from, to, &reversed, self.options.confirm_cut_short, self.names(), &self.versions[1])
                .into()
        })
    }

    /// The report as data (the CLI's `json` format; Markdown and HTML are written from it).
    pub fn report(&self) -> &Report {
        self.report.get_or_init(|| {
            let (from, to) = (self.from(), self.to());
            report::build(
                &self.release,
                report::Basis {
                    from: &from.catalog,
                    to: &to.catalog,
                    inputs: [from.facts.clone(), to.facts.clone()],
                    options: &self.options,
                    secrets: [from.secrets.clone(), to.secrets.clone()],
                    rollback: Arc::clone(self.rollback_made()),
                },
            )
        })
    }

    pub fn markdown(&self) -> String {
        report_markdown(self.report())
    }

    pub fn html(&self) -> String {
        report_html(self.report())
    }

    /// Both sides' secrets (from, then to).
    pub fn secrets(&self) -> Vec<Secret> {
        self.from().secrets.iter().chain(&self.to().secrets).cloned().collect()
    }
}

/// What the analysis promises for any bytes at all, as assertions: the fuzz targets call these on
/// every input they make, and `tests/fuzz_regressions.rs` on every input they kept. A broken law
/// panics, which is how libFuzzer and the tests notice it.
pub mod laws {
    use super::{read_side, Comparison, ReadDump};
    use crate::diff::{diff, ChangeKind, DiffOptions, Rename};
    use crate::input::InputError;
    use std::sync::Arc;

    /// Memory the analysis of one input may take per byte of input (the text, both catalogs, the
    /// changes, the plan), beyond [`FIXED_BYTES`] and what it writes.
    pub const MEMORY_PER_INPUT_BYTE: usize = 20;
    /// Memory per byte of output written (every format the analysis holds at once: the report's
    /// model, its Markdown and HTML, the scripts). A report is as long as what it describes.
    pub const MEMORY_PER_OUTPUT_BYTE: usize = 4;
    /// How much all outputs together may hold per byte of input. The most is reached by many tiny
    /// objects that every section describes (a 60-byte new table is listed, described, created,
    /// dropped by the rollback, assessed, checked and typed for each ORM: about 100 bytes of
    /// output for each of its bytes across the formats); a real dump writes 3 to 5.
    pub const OUTPUT_PER_INPUT_BYTE: usize = 128;
    /// Time the analysis may take per MB of input, natively (a release build on the 2-core machine
    /// CI runs on), beyond [`FIXED_SECONDS`].
    pub const SECONDS_PER_MB: f64 = 1.0;
    /// What any input may cost whatever its size: starting up, the tables of known names.
    pub const FIXED_BYTES: usize = 64 << 20;
    pub const FIXED_SECONDS: f64 = 0.5;

    /// The cost law: what the whole analysis of `input_bytes` of input (both sides, every output)
    /// may take at most, and how much it may write. `tests/cost_law.rs` grows awkward inputs
    /// against it, and `cargo xtask fuzz` gives libFuzzer its `-timeout` and `-rss_limit_mb` from it.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Budget {
        pub seconds: f64,
        /// Peak memory, for the most output the input may give.
        pub peak_bytes: usize,
        /// The most all outputs together may hold.
        pub output_bytes: usize,
    }

    pub fn budget(input_bytes: usize) -> Budget {
        let output_bytes = input_bytes.saturating_mul(OUTPUT_PER_INPUT_BYTE);
        Budget {
            seconds: FIXED_SECONDS + SECONDS_PER_MB * input_bytes as f64 / (1 << 20) as f64,
            peak_bytes: memory_for(input_bytes, output_bytes),
            output_bytes,
        }
    }

    /// The memory an analysis of `input_bytes` that wrote `output_bytes` may take.
    pub fn memory_for(input_bytes: usize, output_bytes: usize) -> usize {
        FIXED_BYTES
            .saturating_add(input_bytes.saturating_mul(MEMORY_PER_INPUT_BYTE))
            .saturating_add(output_bytes.saturating_mul(MEMORY_PER_OUTPUT_BYTE))
    }

    /// One file as a user drops it. A refusal must say something; a `pg_dumpall` file must let
    /// every database it offers be read; a dump compared with itself shows no difference.
    /// Returns the sides read (one, or one per database).
    pub fn read_any(bytes: &[u8]) -> Vec<ReadDump> {
        let sides = match read_side("fuzz.sql", bytes, None) {
            Ok(side) => vec![side],
            Err(InputError::ChooseDatabase { databases }) => {
                assert!(!databases.is_empty(), "a pg_dumpall file offers no database");
                databases
                    .iter()
                    .map(|database| match read_side("fuzz.sql", bytes, Some(&database.name)) {
                        Ok(side) => side,
                        Err(error) => panic!("database {:?} was offered but cannot be read: {error}", database.name),
                    })
                    .collect()
            }
            Err(error) => {
                assert!(error.to_string().len() > 20, "a refusal says what to do: {error:?}");
                Vec::new()
            }
        };
        for side in &sides {
            let same = diff(&side.catalog, &side.catalog, &DiffOptions::default());
            assert!(same.changes.is_empty(), "a dump compared with itself differs: {:?}", same.changes);
            assert!(same.rename_candidates.is_empty(), "a dump compared with itself proposes renames");
        }
        sides
    }

    /// Two files (split at the first NUL byte; without one, the file against itself), compared
    /// with every output made. A confirmed rename candidate becomes one `renamed` change. Returns
    /// the comparison with every output made, or `None` when a side was refused.
    pub fn compare_any(bytes: &[u8]) -> Option<Comparison> {
        let split = bytes.iter().position(|&b| b == 0);
        let (from, to) = match split {
            Some(at) => (&bytes[..at], &bytes[at + 1..]),
            None => (bytes, bytes),
        };
        let from = Arc::new(first_side(from, "from.sql")?);
        let to = Arc::new(first_side(to, "to.sql")?);
        let outputs = Comparison::new(from.clone(), to.clone(), DiffOptions::default());
        let (_markdown, _html) = (outputs.markdown(), outputs.html());
        if split.is_none() {
            assert!(outputs.release().diff.changes.is_empty(), "a file compared with itself differs");
            assert!(outputs.release().plan.steps.is_empty(), "a file compared with itself needs a migration");
        }
        if let Some(candidate) = outputs.release().diff.rename_candidates.first() {
            let confirmed = DiffOptions {
                renames: vec![Rename {
                    object_kind: candidate.object_kind,
                    from: candidate.from.clone(),
                    to: candidate.to.clone(),
                }],
                ..DiffOptions::default()
            };
            let renamed = Comparison::new(from, to, confirmed);
            assert!(
                renamed.release().diff.changes.iter().any(|c| c.change == ChangeKind::Renamed),
                "the confirmed rename {candidate:?} is not a renamed change"
            );
        }
        Some(outputs)
    }

    /// A side as the browser reads it: a `pg_dumpall` file's first database.
    fn first_side(bytes: &[u8], name: &str) -> Option<ReadDump> {
        match read_side(name, bytes, None) {
            Ok(side) => Some(side),
            Err(InputError::ChooseDatabase { databases }) => read_side(name, bytes, Some(&databases[0].name)).ok(),
            Err(_) => None,
        }
    }
}
