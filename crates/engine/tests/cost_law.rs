//! The cost law (`pipeline::laws::budget`): for any input, the whole analysis — both sides read,
//! compared, planned, and every report format written — takes time and memory linear in the input.
//! Awkward shapes (runs of every secret detector's prefix, unbalanced quotes, deep nesting, long
//! lines, long chains of views, many changes) are grown 1×, 4× and 16×: the test fails when a
//! shape's time, memory or output grows faster than its size, when memory leaves the law's budget
//! (so much per input byte, so much per output byte, beyond a fixed start-up cost), or when each
//! further byte between 4× and 16× costs more than the law's slope (the fixed allowance hides
//! nothing). Checked: with the AKIA detector made quadratic again (each match keeps a copy of the
//! rest of the line), the AKIA shape fails here — a measurement stops at four times the law.

use schemadrift_engine::pipeline::{laws, read_side, Comparison};
use schemadrift_engine::DiffOptions;
use std::time::Instant;

/// Counts the bytes in use and their peak. Each measurement runs in a process of its own (this test
/// binary again), so the peak is that measurement's.
#[global_allocator]
static ALLOCATOR: cap::Cap<std::alloc::System> = cap::Cap::new(std::alloc::System, usize::MAX);

/// Set in the child process: which shape to measure, at which size.
const RUN: &str = "SCHEMADRIFT_COST_RUN";

/// What one run of the whole analysis cost.
struct Cost {
    bytes: usize,
    seconds: f64,
    peak: usize,
    /// Every output together: the Markdown, the HTML, the JSON, the migration and the rollback.
    output: usize,
}

/// Reads both sides, compares them and writes every format (Markdown, HTML, JSON, the scripts).
fn analyse(from: &[u8], to: &[u8]) -> Cost {
    let base = ALLOCATOR.allocated();
    let started = Instant::now();
    let mut output = 0;
    let sides = (read_side("from.sql", from, None), read_side("to.sql", to, None));
    let read = started.elapsed().as_secs_f64();
    // Every shape is a dump both sides read: a refused side would measure nothing.
    assert!(
        sides.0.is_ok() && sides.1.is_ok(),
        "a side is refused: {:?} / {:?}",
        sides.0.as_ref().err(),
        sides.1.as_ref().err()
    );
    if let (Ok(from), Ok(to)) = sides {
        let outputs = Comparison::new(from, to, DiffOptions::default());
        eprintln!("read {read:.3} s, compared {:.3} s", started.elapsed().as_secs_f64() - read);
        let json = serde_json::to_string(outputs.report()).expect("plain data serializes");
        output = outputs.markdown().len() + outputs.html().len() + json.len() + outputs.rollback().len();
        output += outputs.release().script.len();
        std::hint::black_box((&outputs, json));
    }
    Cost {
        bytes: from.len() + to.len(),
        seconds: started.elapsed().as_secs_f64(),
        peak: ALLOCATOR.max_allocated().saturating_sub(base),
        output,
    }
}

/// Longer than any measurement may take, even in a debug build on a busy machine.
const MAX_SECONDS: u64 = 60;

/// Measures one shape at one size in a fresh process (the peak counter only grows).
fn measure(shape: usize, times: usize) -> Cost {
    let mut child = std::process::Command::new(std::env::current_exe().expect("the test binary"))
        .args(["every_shape_costs_time_and_memory_linear_in_its_size", "--exact", "--nocapture", "--test-threads=1"])
        .env(RUN, format!("{shape}:{times}"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the test binary runs");
    // A shape that takes minutes is a failure, said as one (not a test that hangs).
    let started = Instant::now();
    while child.try_wait().expect("the child can be waited for").is_none() {
        if started.elapsed().as_secs() >= MAX_SECONDS {
            let _ = child.kill();
            let _ = child.wait();
            return Cost { bytes: 0, seconds: f64::INFINITY, peak: 0, output: 0 };
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let output = child.wait_with_output().expect("the child's output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    if String::from_utf8_lossy(&output.stderr).contains("memory allocation of") {
        // Over four times the law: as over as anything can be.
        return Cost { bytes: 0, seconds: f64::INFINITY, peak: usize::MAX, output: 0 };
    }
    let line = stdout.lines().find_map(|l| l.split_once("cost: ").map(|(_, c)| c)).unwrap_or_else(|| {
        panic!(
            "shape {} ×{times} did not report its cost ({}):\n{stdout}\n{}",
            SHAPES[shape].0,
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let numbers: Vec<f64> = line.split(' ').filter_map(|n| n.parse().ok()).collect();
    Cost { bytes: numbers[0] as usize, seconds: numbers[1], peak: numbers[2] as usize, output: numbers[3] as usize }
}

/// `count` units of a shape, each written by `unit` from its number.
fn units(count: usize, unit: impl Fn(usize) -> String) -> String {
    (0..count).map(unit).collect()
}

/// A shape: its name and the pair it makes at a size (`n` repetitions of its unit).
type Shape = (&'static str, fn(usize) -> (String, String));

fn comment(text: &str) -> String {
    format!("CREATE TABLE public.t (id integer);\nCOMMENT ON TABLE public.t IS '{text}';\n")
}

/// `sql` compared with a dump that holds nothing (as pg_dump writes for an empty database): every
/// object of it is a change, and every output describes it.
fn against_empty(sql: String) -> (String, String) {
    (String::from("SET client_encoding = 'UTF8';\n"), sql)
}

const SHAPES: &[Shape] = &[
    ("AKIA run", |n| against_empty(comment(&"AKIA".repeat(n)))),
    ("password= run", |n| against_empty(comment(&"password=".repeat(n)))),
    ("password ' run", |n| against_empty(comment(&"password ''".repeat(n)))),
    ("eyJ. run", |n| against_empty(comment(&"eyJ.".repeat(n)))),
    ("ghp_ run", |n| against_empty(comment(&"ghp_".repeat(n)))),
    ("api_key := run", |n| against_empty(comment(&"api_key := ''".repeat(n)))),
    ("URL credentials run", |n| against_empty(comment(&"://a:b@".repeat(n)))),
    ("private key run", |n| against_empty(comment(&"-----BEGIN PRIVATE KEY-----".repeat(n)))),
    ("unbalanced quote", |n| against_empty(format!("CREATE TABLE t (a text DEFAULT '{}", "x y ".repeat(n)))),
    ("unbalanced dollar quote", |n| {
        against_empty(format!("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ {}", "select 1; ".repeat(n)))
    }),
    ("nested parentheses", |n| {
        against_empty(format!("CREATE VIEW v AS SELECT {}1{};\n", "(".repeat(n), ")".repeat(n)))
    }),
    ("nested comments", |n| against_empty(format!("{}x{}\nCREATE TABLE t (a int);\n", "/*".repeat(n), "*/".repeat(n)))),
    ("empty statements", |n| against_empty(format!("{}CREATE TABLE t (a int);\n", ";\n".repeat(n)))),
    ("one long line", |n| against_empty(comment(&"abcdefgh".repeat(n)))),
    ("chain of views", |n| {
        let views = |to: bool| {
            let mut sql = String::from("CREATE TABLE public.v0 (id integer, name text);\n");
            for i in 1..=n / 16 {
                let extra = if to && i == 1 { ", 1 AS one" } else { "" };
                sql.push_str(&format!(
                    "CREATE VIEW public.v{i} AS\n SELECT v{}.id, v{}.name{extra}\n   FROM public.v{} v{};\n",
                    i - 1,
                    i - 1,
                    i - 1,
                    i - 1
                ));
            }
            sql
        };
        (views(false), views(true))
    }),
    ("many new tables", |n| {
        against_empty(
            (0..n / 16).map(|i| format!("CREATE TABLE public.t{i} (id integer NOT NULL, note text);\n")).collect(),
        )
    }),
    ("many tables with policies, a column retyped in each", |n| {
        // Tenant-style tables, each with a policy and a trigger reading its `tenant_id`, whose type
        // changes everywhere (and the policies with it): a step per column or per policy that
        // walked every policy, trigger, function or table of the catalog would be quadratic.
        let tables = |kind: &str, tenant: u32| {
            let mut sql = String::from(
                "CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n",
            );
            for i in 0..n / 32 {
                sql.push_str(&format!(
                    "CREATE TABLE public.t{i} (id integer NOT NULL, tenant_id {kind}, note text);\n\
                     ALTER TABLE public.t{i} ENABLE ROW LEVEL SECURITY;\n\
                     CREATE POLICY own ON public.t{i} USING ((tenant_id = {tenant}));\n\
                     CREATE TRIGGER touch BEFORE UPDATE OF tenant_id ON public.t{i} FOR EACH ROW EXECUTE FUNCTION public.touch();\n"
                ));
            }
            sql
        };
        (tables("integer", 1), tables("bigint", 2))
    }),
    ("many tables dropped with their comments and privileges", |n| {
        // Each removed comment and privilege asks whether its object goes too: a set, not a walk
        // over every removal.
        let tables: String = units(n / 32, |i| {
            format!(
                "CREATE TABLE public.t{i} (id integer);\nCOMMENT ON TABLE public.t{i} IS 'x';\n\
                 COMMENT ON COLUMN public.t{i}.id IS 'y';\nGRANT SELECT ON TABLE public.t{i} TO PUBLIC;\n"
            )
        });
        (tables, String::from("SET client_encoding = 'UTF8';\n"))
    }),
    ("many enum types made again", |n| {
        // Each table's own enum loses a label (the type is made again), and another table's column
        // is of it: one walk over the columns, not one per type.
        let tables = |labels: &str| {
            let mut sql = String::new();
            for i in 0..n / 32 {
                sql.push_str(&format!(
                    "CREATE TYPE public.e{i} AS ENUM ({labels});\nCREATE TABLE public.t{i} (id integer, state public.e{i});\n"
                ));
            }
            sql
        };
        (tables("'a', 'b', 'c'"), tables("'a', 'c'"))
    }),
    ("many tables renamed", |n| {
        // Each dropped table looks like each new one (same columns): rename candidates are paired
        // through what they share, not by comparing every removal with every addition (which kept
        // n² candidate pairs: 3 GB for 4,000 tables).
        let tables = |prefix: &str| -> String {
            units(n / 32, |i| format!("CREATE TABLE public.{prefix}{i} (id integer NOT NULL, note text);\n"))
        };
        (tables("old"), tables("new"))
    }),
    ("many functions made again, each called by a default and a view", |n| {
        // A function's return type changes (dropped and made again): the defaults, functions and
        // domains calling it are found through an index of the words they name, not a walk over
        // every column, function and type per function.
        let side = |returns: &str| -> String {
            units(n / 32, |i| {
                format!(
                    "CREATE FUNCTION public.f{i}() RETURNS {returns} LANGUAGE sql AS $$ SELECT 1 $$;\n\
                     CREATE TABLE public.t{i} (id integer NOT NULL, a {returns} DEFAULT public.f{i}());\n\
                     CREATE VIEW public.v{i} AS\n SELECT public.f{i}() AS x;\n"
                )
            })
        };
        (side("integer"), side("bigint"))
    }),
    ("many functions with a new signature, each with a trigger", |n| {
        // Dropped under one signature and added under another: the removals of a name are looked
        // up, and the risk asks a set of the target's names, not every function per removal.
        let side = |argument: &str| -> String {
            units(n / 32, |i| {
                format!(
                    "CREATE FUNCTION public.g{i}(x {argument}) RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n\
                     CREATE TABLE public.t{i} (id integer);\n\
                     CREATE TRIGGER tr{i} BEFORE INSERT ON public.t{i} FOR EACH ROW EXECUTE FUNCTION public.g{i}('1');\n"
                )
            })
        };
        (side("integer"), side("text"))
    }),
    ("many views over retyped columns, in schemas of one shape", |n| {
        // Tenant schemas, each with a view (all named `v`) over a column whose type changes and
        // functions taking or returning the view's rows: the views dropped and made again, the
        // functions they carry, the view risk's dependents, are found by the last two words of
        // each name (not by `v`, which every schema shares).
        let side = |kind: &str| -> String {
            units(n / 32, |i| {
                format!(
                    "CREATE SCHEMA s{i};\nCREATE TABLE s{i}.t (id integer, a {kind});\n\
                     CREATE VIEW s{i}.v AS\n SELECT t.id, t.a\n   FROM s{i}.t;\n\
                     CREATE FUNCTION s{i}.f(r s{i}.v) RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;\n\
                     CREATE FUNCTION s{i}.g(r s{i}.v) RETURNS integer LANGUAGE sql AS $$ SELECT 2 $$;\n\
                     CREATE FUNCTION s{i}.h() RETURNS SETOF s{i}.v LANGUAGE sql AS $$ SELECT * FROM s{i}.v $$;\n"
                )
            })
        };
        (side("integer"), side("bigint"))
    }),
    ("many views replaced by tables of their names", |n| {
        // Each object replaced by one of another kind finds its steps, grants and readers through
        // indexes made once, not a walk over every step, privilege and view per pair.
        let side = |to: bool| -> String {
            units(n / 32, |i| {
                let replaced = match to {
                    true => format!("CREATE TABLE public.v{i} (id integer);\n"),
                    false => format!("CREATE VIEW public.v{i} AS\n SELECT x{i}.id\n   FROM public.x{i};\n"),
                };
                format!(
                    "CREATE TABLE public.x{i} (id integer);\n{replaced}GRANT SELECT ON TABLE public.v{i} TO PUBLIC;\n"
                )
            })
        };
        (side(false), side(true))
    }),
    ("many domains changed, arrays of them in tables", |n| {
        // A domain's check changes: the array columns of it are found in one walk for every type.
        let side = |bound: u32| -> String {
            units(n / 32, |i| {
                format!(
                    "CREATE DOMAIN public.d{i} AS integer CONSTRAINT d{i}_check CHECK ((VALUE > {bound}));\n\
                     CREATE TABLE public.t{i} (id integer, a public.d{i}, b public.d{i}[]);\n"
                )
            })
        };
        (side(0), side(1))
    }),
    ("a bit of every change, many times", |n| {
        // Each unit, a schema of its own (objects named alike across schemas), changes one of most
        // kinds: a column's type under a view, a materialized view with an index, a policy, a
        // trigger and an index predicate; a function's return type under a default and a policy;
        // a function's signature; an enum label removed under a CHECK; a domain's check over an
        // array column; a sequence; a privilege; a comment and an owner; a NOT NULL; a foreign key
        // added; a partition attached; a table dropped and one alike added. A step or risk that
        // walks the catalog for each change of its kind makes this grow with the square.
        let side = |to: bool| -> String {
            let (kind, returns, argument, labels, bound, step, grant, owner, nn) = match to {
                false => ("integer", "integer", "integer", "'a', 'b', 'c'", 0, 1, "SELECT", "alice", ""),
                true => ("bigint", "bigint", "text", "'a', 'c'", 1, 2, "SELECT,INSERT", "bob", " NOT NULL"),
            };
            let mut sql = String::new();
            for i in 0..n / 128 {
                let s = format!("s{i}");
                sql.push_str(&format!(
                    "CREATE SCHEMA {s};\n\
                     CREATE TYPE {s}.e AS ENUM ({labels});\n\
                     CREATE DOMAIN {s}.d AS integer CONSTRAINT d_check CHECK ((VALUE > {bound}));\n\
                     CREATE FUNCTION {s}.f() RETURNS {returns} LANGUAGE sql AS $$ SELECT 1 $$;\n\
                     CREATE FUNCTION {s}.g(x {argument}) RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n\
                     CREATE SEQUENCE {s}.q START WITH 1 INCREMENT BY {step} NO MINVALUE NO MAXVALUE CACHE 1;\n\
                     CREATE TABLE {s}.t (id integer NOT NULL, a {kind}, b {returns} DEFAULT {s}.f(), st {s}.e, ds {s}.d[], note text{nn}, CONSTRAINT t_st_check CHECK ((st <> 'a'::{s}.e)));\n\
                     ALTER TABLE ONLY {s}.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);\n\
                     ALTER TABLE {s}.t OWNER TO {owner};\n\
                     COMMENT ON COLUMN {s}.t.note IS '{owner}';\n\
                     GRANT {grant} ON TABLE {s}.t TO PUBLIC;\n\
                     ALTER TABLE {s}.t ENABLE ROW LEVEL SECURITY;\n\
                     CREATE POLICY own ON {s}.t USING ((a > 0) AND (b = {s}.f()));\n\
                     CREATE TRIGGER touch BEFORE UPDATE OF a ON {s}.t FOR EACH ROW EXECUTE FUNCTION {s}.g('1');\n\
                     CREATE INDEX t_a ON {s}.t USING btree (a) WHERE (a > 0);\n\
                     CREATE VIEW {s}.v AS\n SELECT t.id, t.a\n   FROM {s}.t;\n\
                     CREATE MATERIALIZED VIEW {s}.m AS\n SELECT t.id, t.a\n   FROM {s}.t\n  WITH NO DATA;\n\
                     CREATE INDEX m_a ON {s}.m USING btree (a);\n\
                     CREATE TABLE {s}.p (id integer NOT NULL, k integer) PARTITION BY RANGE (k);\n\
                     CREATE TABLE {s}.{} (id integer NOT NULL, t_id integer);\n",
                    if to { "added" } else { "dropped" }
                ));
                if to {
                    sql.push_str(&format!(
                        "CREATE TABLE {s}.p0 (id integer NOT NULL, k integer);\n\
                         ALTER TABLE ONLY {s}.p ATTACH PARTITION {s}.p0 FOR VALUES FROM (0) TO (10);\n\
                         ALTER TABLE ONLY {s}.added ADD CONSTRAINT added_t_fkey FOREIGN KEY (t_id) REFERENCES {s}.t(id);\n"
                    ));
                }
            }
            sql
        };
        (side(false), side(true))
    }),
    ("many columns, one changed", |n| {
        // Tables as wide as PostgreSQL allows (1,600 columns), the first column of each changed.
        let tables = |kind: &str| {
            let mut sql = String::new();
            for (table, first) in (0..n / 4).step_by(1600).enumerate() {
                let columns: Vec<String> = (first..(first + 1600).min(n / 4))
                    .map(|i| format!("    c{i} {}", if i == first { kind } else { "integer" }))
                    .collect();
                sql.push_str(&format!("CREATE TABLE public.wide{table} (\n{}\n);\n", columns.join(",\n")));
            }
            sql
        };
        (tables("integer"), tables("bigint"))
    }),
    ("one table wider than PostgreSQL allows", |n| {
        let table = |kind: &str| {
            let columns: Vec<String> =
                (0..n / 4).map(|i| format!("    c{i} {}", if i == 0 { kind } else { "integer" })).collect();
            format!("CREATE TABLE public.wide (\n{}\n);\n", columns.join(",\n"))
        };
        (table("integer"), table("bigint"))
    }),
];

/// What each further byte of input costs in memory between two sizes: the slope, which a fixed
/// start-up cost does not hide.
fn marginal_bytes_per_byte(smaller: &Cost, larger: &Cost) -> f64 {
    (larger.peak as f64 - smaller.peak as f64) / (larger.bytes as f64 - smaller.bytes as f64).max(1.0)
}

/// Unit repetitions at 1× (the sizes grow 4× and 16× from there).
const BASE: usize = 4_000;

#[test]
fn every_shape_costs_time_and_memory_linear_in_its_size() {
    if let Ok(run) = std::env::var(RUN) {
        let (shape, times) = run.split_once(':').expect("shape:times");
        let (from, to) =
            SHAPES[shape.parse::<usize>().expect("a shape")].1(BASE * times.parse::<usize>().expect("a size"));
        // A pass that grows with the square would take the machine's memory: the child stops at
        // four times what the law allows (an allocation that fails aborts it, reported as such).
        let limit = laws::budget(from.len() + to.len()).peak_bytes.saturating_mul(4);
        ALLOCATOR.set_limit(ALLOCATOR.allocated() + limit).expect("a limit above what is in use");
        let cost = analyse(from.as_bytes(), to.as_bytes());
        println!("cost: {} {} {} {}", cost.bytes, cost.seconds, cost.peak, cost.output);
        return;
    }
    let mut problems = Vec::new();
    // `SCHEMADRIFT_COST=text` measures only the shapes whose name contains the text.
    let only = std::env::var("SCHEMADRIFT_COST").unwrap_or_default();
    for (index, (name, _)) in SHAPES.iter().enumerate().filter(|(_, (name, _))| name.contains(only.as_str())) {
        let costs: Vec<Cost> = [1, 4, 16].iter().map(|times| measure(index, *times)).collect();
        let line = costs
            .iter()
            .map(|c| match c.seconds.is_finite() {
                true => format!(
                    "{} KB: {:.3} s, {:.1} MB, {:.1} MB out",
                    c.bytes >> 10,
                    c.seconds,
                    c.peak as f64 / 1e6,
                    c.output as f64 / 1e6
                ),
                false if c.peak == usize::MAX => String::from("stopped at four times the law's memory"),
                false => format!("stopped after {MAX_SECONDS} s"),
            })
            .collect::<Vec<_>>()
            .join("; ");
        let slope = marginal_bytes_per_byte(&costs[1], &costs[2]);
        eprintln!("{name}: {line}; each further input byte {slope:.1} B of memory");
        if costs.iter().any(|c| !c.seconds.is_finite()) {
            problems.push(format!("{name}: a measurement was stopped: {line}"));
            continue;
        }
        let (small, large) = (&costs[0], &costs[2]);
        // Sixteen times the input may cost sixteen times as much, with room for noise and for a
        // fixed start-up cost; a quadratic pass costs 256 times as much.
        let grows = |small: f64, large: f64, floor: f64| large > floor && large / small.max(floor / 16.0) > 40.0;
        if grows(small.seconds, large.seconds, 0.2) {
            problems.push(format!("{name}: time grows faster than the input: {line}"));
        }
        if grows(small.peak as f64, large.peak as f64, 64e6) {
            problems.push(format!("{name}: memory grows faster than the input: {line}"));
        }
        if grows(small.output as f64, large.output as f64, 1e6) {
            problems.push(format!("{name}: the output grows faster than the input: {line}"));
        }
        let budget = laws::budget(large.bytes);
        if large.output > budget.output_bytes {
            problems.push(format!(
                "{name}: {} KB of output is over the law's {} per input byte: {line}",
                large.output >> 10,
                laws::OUTPUT_PER_INPUT_BYTE
            ));
        }
        let allowed = laws::memory_for(large.bytes, large.output);
        if large.peak > allowed {
            problems.push(format!("{name}: {} MB is over the law's {} MB: {line}", large.peak >> 20, allowed >> 20));
        }
        // The fixed allowance hides nothing: each further byte between 4× and 16× must cost no more
        // than the law's slope (a pass that keeps a copy per item, or grows with the square, does).
        let (medium, further_output) = (&costs[1], large.output.saturating_sub(costs[1].output));
        let further_input = large.bytes.saturating_sub(medium.bytes).max(1);
        let slope_allowed = (laws::MEMORY_PER_INPUT_BYTE * further_input
            + laws::MEMORY_PER_OUTPUT_BYTE * further_output) as f64
            / further_input as f64;
        if slope > slope_allowed {
            problems.push(format!(
                "{name}: each further input byte takes {slope:.1} B of memory, over the law's {slope_allowed:.1}: {line}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
