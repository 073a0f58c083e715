//! The whole analysis in two calls, from a file's bytes to every output: [`read_side`] for each
//! file, then [`compare_sides`]. The command line and the browser's worker read through it; the
//! fuzz targets (`fuzz/`) and the property test (`tests/never_panics.rs`) drive it with damaged and
//! random input through [`laws`], so what they prove holds for what users run.

use crate::catalog::Catalog;
use crate::input::{prepare, reading_notes, InputError};
use crate::release::{release, Release};
use crate::render::{html::report_html, markdown::report_markdown};
use crate::report::{self, InputFacts};
use crate::secrets::{find_secrets, Secret};
use crate::{build_catalog, read, summarize, DiffOptions, DumpSummary};

/// One file, read: its catalog, its summary and the facts reports name it by, the secrets found in
/// it, and what decoding and reading noted (as warnings for the user).
#[derive(Debug, Clone)]
pub struct Side {
    pub catalog: Catalog,
    pub summary: DumpSummary,
    pub facts: InputFacts,
    pub secrets: Vec<Secret>,
    pub warnings: Vec<String>,
}

/// Reads one file (for a `pg_dumpall` file, its `database`). The error says what the file is and
/// what to do instead.
pub fn read_side(file_name: &str, bytes: &[u8], database: Option<&str>) -> Result<Side, InputError> {
    let mut decoded = prepare(bytes, database)?;
    let dump = read(&decoded.text);
    decoded.warnings.extend(reading_notes(&decoded.text, &dump));
    let summary = summarize(&decoded.text, &dump);
    let mut catalog = build_catalog(&dump);
    catalog.cut_short = summary.cut_short.clone();
    decoded.warnings.extend(catalog.refusals());
    Ok(Side {
        facts: InputFacts::new(file_name, bytes, &summary),
        summary,
        secrets: find_secrets(&decoded.text),
        catalog,
        warnings: decoded.warnings,
    })
}

/// Everything made from two sides: the release (diff, risks, plan, script), the rollback, and the
/// report as data and as Markdown and HTML. Secrets are left in; redact before showing.
#[derive(Debug, Clone)]
pub struct Outputs {
    pub release: Release,
    pub rollback: String,
    pub report: report::Report,
    pub markdown: String,
    pub html: String,
}

pub fn compare_sides(from: &Side, to: &Side, options: &DiffOptions) -> Outputs {
    let names = (from.facts.name.as_str(), to.facts.name.as_str());
    let release = release(&from.catalog, &to.catalog, options, names);
    let rollback = release.rollback(&from.catalog, &to.catalog, options, names);
    let report = report_of(&release, from, to, options, rollback.clone());
    Outputs { markdown: report_markdown(&report), html: report_html(&report), release, rollback, report }
}

/// The report of a release between two sides (the CLI's `md`, `html` and `json` formats).
pub fn report_of(release: &Release, from: &Side, to: &Side, options: &DiffOptions, rollback: String) -> report::Report {
    report::build(
        release,
        report::Sources {
            from: &from.catalog,
            to: &to.catalog,
            inputs: [from.facts.clone(), to.facts.clone()],
            options,
            secrets: [from.secrets.clone(), to.secrets.clone()],
            rollback,
        },
    )
}

/// What the analysis promises for any bytes at all, as assertions: the fuzz targets call these on
/// every input they make, and `tests/fuzz_regressions.rs` on every input they kept. A broken law
/// panics, which is how libFuzzer and the tests notice it.
pub mod laws {
    use super::{compare_sides, read_side, Outputs, Side};
    use crate::diff::{diff, ChangeKind, DiffOptions, Rename};
    use crate::input::InputError;

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
    pub fn read_any(bytes: &[u8]) -> Vec<Side> {
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
    /// the outputs, or `None` when a side was refused.
    pub fn compare_any(bytes: &[u8]) -> Option<Outputs> {
        let split = bytes.iter().position(|&b| b == 0);
        let (from, to) = match split {
            Some(at) => (&bytes[..at], &bytes[at + 1..]),
            None => (bytes, bytes),
        };
        let from = first_side(from, "from.sql")?;
        let to = first_side(to, "to.sql")?;
        let options = DiffOptions::default();
        let outputs = compare_sides(&from, &to, &options);
        if split.is_none() {
            assert!(outputs.release.diff.changes.is_empty(), "a file compared with itself differs");
            assert!(outputs.release.plan.steps.is_empty(), "a file compared with itself needs a migration");
        }
        if let Some(candidate) = outputs.release.diff.rename_candidates.first() {
            let confirmed = DiffOptions {
                renames: vec![Rename {
                    object_kind: candidate.object_kind.to_string(),
                    from: candidate.from.clone(),
                    to: candidate.to.clone(),
                }],
                ..DiffOptions::default()
            };
            let renamed = compare_sides(&from, &to, &confirmed);
            assert!(
                renamed.release.diff.changes.iter().any(|c| c.change == ChangeKind::Renamed),
                "the confirmed rename {candidate:?} is not a renamed change"
            );
        }
        Some(outputs)
    }

    /// A side as the browser reads it: a `pg_dumpall` file's first database.
    fn first_side(bytes: &[u8], name: &str) -> Option<Side> {
        match read_side(name, bytes, None) {
            Ok(side) => Some(side),
            Err(InputError::ChooseDatabase { databases }) => read_side(name, bytes, Some(&databases[0].name)).ok(),
            Err(_) => None,
        }
    }
}
