//! Risk claims measured, not asserted (issue #18): for every kind of statement the plan emits, the
//! migration of a small pair is run on PostgreSQL statement by statement, as the script runs it (its
//! transactions, its statements outside them), and each statement is measured on the table it is
//! about: the locks it takes (`pg_locks`, inside its own transaction, or seen from a second session
//! while a CONCURRENTLY statement waits behind a held lock), whether the table was written anew
//! (`relfilenode` before and after) and whether existing rows were read (the table's scan counters).
//! Each risk's claim ([`Effect`]: lock, rewrite, the lock held while rows are read) is checked
//! against what its change's statements did; a claim the measurement contradicts fails the test.
//!
//! The table of measurements and claims is `docs/lock-claims.md`; the test fails when the
//! measurements differ from it (`SCHEMADRIFT_GOLDEN=update` writes it again: review its diff).
//! Without a PostgreSQL server the test fails, unless `SCHEMADRIFT_POSTGRES=skip` is set.

use schemadrift_engine::pipeline::{read_side, Comparison};
use schemadrift_engine::plan::Phase;
use schemadrift_engine::risks::{Effect, Lock};
use schemadrift_engine::DiffOptions;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A pair of schemas whose migration makes one kind of change to `public.t`, which holds rows.
struct Case {
    name: &'static str,
    from: &'static str,
    to: &'static str,
}

/// The table every case is about, and the rows it holds before the migration.
const TABLE: &str = "public.t";
const ROWS: &str = "INSERT INTO public.t (id, i, v, n, s, b, c, x, a, r, ts) SELECT g, g, 'v' || g, g, 's' || g, \
                    B'101', '10.0.0.0/8', '<a/>', ARRAY[g], int4range(g, g + 1), '2026-12-07' FROM generate_series(1, 2000) g";
/// The rows of the table the foreign keys of the cases reference.
const PARENT_ROWS: &str = "INSERT INTO public.p (id) SELECT g FROM generate_series(1, 2000) g";

/// `public.t` with a column of each type the cases change (`ROWS` fills them).
macro_rules! t {
    ($($extra:literal),*) => {
        concat!(
            "CREATE TABLE public.t (id integer NOT NULL, i integer, v character varying(20), n numeric(10,2), s text, ",
            "b bit varying(8), c cidr, x xml, a integer[], r int4range, ts timestamp without time zone",
            $(", ", $extra,)* ");\n"
        )
    };
}

macro_rules! parent {
    () => {
        "CREATE TABLE public.p (id integer NOT NULL, CONSTRAINT p_pkey PRIMARY KEY (id));\n"
    };
}

/// `public.t` with one column's definition replaced (`v text`: the column `v` becomes text).
fn retyped(column: &str) -> &'static str {
    let name = column.split(' ').next().unwrap();
    let base = t!();
    let start = base.find(&format!(" {name} ")).unwrap() + 1;
    let mut depth = 0;
    let end = start
        + base[start..]
            .find(|c: char| {
                depth += i32::from(c == '(') - i32::from(c == ')');
                depth < 0 || (depth == 0 && c == ',')
            })
            .unwrap();
    Box::leak(format!("{}{column}{}", &base[..start], &base[end..]).into_boxed_str())
}

/// `public.t` beside a partitioned table of the same columns, `public.pp`, attached to it or not.
fn partitions(attached: bool) -> &'static str {
    let parent = t!().replace("public.t (", "public.pp (").replace(");\n", ") PARTITION BY RANGE (id);\n");
    let attach = "ALTER TABLE ONLY public.pp ATTACH PARTITION public.t FOR VALUES FROM (1) TO (100000);\n";
    Box::leak(format!("{}{parent}{}", t!(), if attached { attach } else { "" }).into_boxed_str())
}

fn cases() -> Vec<Case> {
    let case = |name, from, to| Case { name, from, to };
    let types = [
        ("type varchar(20) → varchar(40)", "v character varying(40)"),
        ("type varchar(20) → text", "v text"),
        ("type varchar(20) → varchar", "v character varying"),
        ("type varchar(20) → varchar(10)", "v character varying(10)"),
        ("type numeric(10,2) → numeric(12,2)", "n numeric(12,2)"),
        ("type numeric(10,2) → numeric", "n numeric"),
        ("type numeric(10,2) → numeric(12,3)", "n numeric(12,3)"),
        ("type varbit(8) → varbit(16)", "b bit varying(16)"),
        ("type cidr → inet", "c inet"),
        ("type text → varchar", "s character varying"),
        ("type text → varchar(10)", "s character varying(10)"),
        ("type xml → text", "x text"),
        ("type integer → bigint", "i bigint"),
    ];
    let mut out: Vec<Case> = types.into_iter().map(|(name, column)| case(name, t!(), retyped(column))).collect();
    out.extend([
        // Constraints, added valid and NOT VALID.
        case("CHECK added", t!(), t!("CONSTRAINT t_i_check CHECK (i > 0)")),
        case(
            "CHECK added NOT VALID",
            t!(),
            concat!(t!(), "ALTER TABLE public.t ADD CONSTRAINT t_i_check CHECK (i > 0) NOT VALID;\n"),
        ),
        case(
            "FOREIGN KEY added",
            concat!(parent!(), t!()),
            concat!(parent!(), t!("CONSTRAINT t_i_fkey FOREIGN KEY (i) REFERENCES public.p(id)")),
        ),
        case(
            "FOREIGN KEY added NOT VALID",
            concat!(parent!(), t!()),
            concat!(parent!(), t!(), "ALTER TABLE public.t ADD CONSTRAINT t_i_fkey FOREIGN KEY (i) REFERENCES public.p(id) NOT VALID;\n"),
        ),
        case("UNIQUE added", t!(), t!("CONSTRAINT t_i_key UNIQUE (i)")),
        case("PRIMARY KEY added (NOT NULL column)", t!(), t!("CONSTRAINT t_pkey PRIMARY KEY (id)")),
        case(
            "PRIMARY KEY added (nullable column)",
            t!(),
            concat!(t!(), "ALTER TABLE public.t ALTER COLUMN i SET NOT NULL;\nALTER TABLE public.t ADD CONSTRAINT t_pkey PRIMARY KEY (i);\n"),
        ),
        case("EXCLUDE added", t!(), t!("CONSTRAINT t_r_excl EXCLUDE USING gist (r WITH &&)")),
        // Indexes of each kind; the plan builds them concurrently on a table with rows.
        case("index btree", t!(), concat!(t!(), "CREATE INDEX t_i ON public.t USING btree (i);\n")),
        case("index unique", t!(), concat!(t!(), "CREATE UNIQUE INDEX t_i ON public.t USING btree (i);\n")),
        case("index hash", t!(), concat!(t!(), "CREATE INDEX t_i ON public.t USING hash (i);\n")),
        case("index gin", t!(), concat!(t!(), "CREATE INDEX t_a ON public.t USING gin (a);\n")),
        case("index gist", t!(), concat!(t!(), "CREATE INDEX t_r ON public.t USING gist (r);\n")),
        case("index brin", t!(), concat!(t!(), "CREATE INDEX t_i ON public.t USING brin (i);\n")),
        case("index partial", t!(), concat!(t!(), "CREATE INDEX t_i ON public.t USING btree (i) WHERE (i > 0);\n")),
        case("index on an expression", t!(), concat!(t!(), "CREATE INDEX t_s ON public.t USING btree (lower(s));\n")),
        case("index dropped", concat!(t!(), "CREATE INDEX t_i ON public.t USING btree (i);\n"), t!()),
        case(
            "index changed",
            concat!(t!(), "CREATE INDEX t_i ON public.t USING btree (i);\n"),
            concat!(t!(), "CREATE INDEX t_i ON public.t USING btree (i, id);\n"),
        ),
        // Defaults and columns.
        case("column added", t!(), t!("k integer")),
        case("column added with a constant default", t!(), t!("k integer DEFAULT 7")),
        case("column added with a volatile default", t!(), t!("k double precision DEFAULT random()")),
        case("column added NOT NULL with a default", t!(), t!("k integer DEFAULT 7 NOT NULL")),
        case("column added as identity", t!(), t!("k integer GENERATED ALWAYS AS IDENTITY")),
        case("column added generated", t!(), t!("k integer GENERATED ALWAYS AS ((id * 2)) STORED")),
        case("default set", t!(), &*Box::leak(t!().replace(" i integer,", " i integer DEFAULT 7,").into_boxed_str())),
        case("column dropped", t!("k integer"), t!()),
        // NOT NULL, directly and where a valid CHECK already proves it.
        case("NOT NULL set", t!(), &*Box::leak(t!().replace(" s text,", " s text NOT NULL,").into_boxed_str())),
        case(
            "NOT NULL set under a valid CHECK",
            t!("CONSTRAINT t_i_check CHECK (i IS NOT NULL)"),
            &*Box::leak(t!("CONSTRAINT t_i_check CHECK (i IS NOT NULL)").replace(" i integer,", " i integer NOT NULL,").into_boxed_str()),
        ),
        case("identity added to a column", t!(), &*Box::leak(t!().replace("id integer NOT NULL", "id integer NOT NULL GENERATED ALWAYS AS IDENTITY").into_boxed_str())),
        case(
            "identity added to a nullable column",
            t!(),
            &*Box::leak(t!().replace(" i integer,", " i integer NOT NULL GENERATED BY DEFAULT AS IDENTITY,").into_boxed_str()),
        ),
        // Partitions.
        case("partition attached", partitions(false), partitions(true)),
        case("partition detached", partitions(true), partitions(false)),
        // A domain's new constraint checks the columns that use it.
        case(
            "domain CHECK added",
            concat!("CREATE DOMAIN public.d AS integer;\n", t!("dv public.d")),
            concat!("CREATE DOMAIN public.d AS integer CONSTRAINT d_check CHECK ((VALUE > 0));\n", t!("dv public.d")),
        ),
        // Enums.
        case(
            "enum value added",
            concat!("CREATE TYPE public.m AS ENUM ('a', 'b');\n", t!("e public.m")),
            concat!("CREATE TYPE public.m AS ENUM ('a', 'b', 'c');\n", t!("e public.m")),
        ),
        case(
            "enum value removed",
            concat!("CREATE TYPE public.m AS ENUM ('a', 'b', 'c');\n", t!("e public.m")),
            concat!("CREATE TYPE public.m AS ENUM ('a', 'b');\n", t!("e public.m")),
        ),
        // Triggers, row-level security, policies.
        case(
            "trigger added",
            concat!("CREATE FUNCTION public.f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n", t!()),
            concat!(
                "CREATE FUNCTION public.f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n",
                t!(),
                "CREATE TRIGGER t_f BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.f();\n"
            ),
        ),
        case(
            "trigger removed",
            concat!(
                "CREATE FUNCTION public.f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n",
                t!(),
                "CREATE TRIGGER t_f BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.f();\n"
            ),
            concat!("CREATE FUNCTION public.f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n", t!()),
        ),
        case("row-level security enabled", t!(), concat!(t!(), "ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;\n")),
        case(
            "policy added",
            concat!(t!(), "ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;\n"),
            concat!(t!(), "ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;\nCREATE POLICY t_p ON public.t USING ((i > 0));\n"),
        ),
        case("table set UNLOGGED", t!(), &*Box::leak(t!().replace("CREATE TABLE", "CREATE UNLOGGED TABLE").into_boxed_str())),
        case("column renamed", t!("k integer"), t!("k2 integer")),
    ]);
    out
}

/// PostgreSQL through a psql process kept open, so that transactions span statements.
struct Session {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    errors: std::path::PathBuf,
    sent: usize,
    pid: String,
}

impl Session {
    fn open(cluster: &pgtest::Cluster, database: &str) -> Session {
        let errors = std::env::temp_dir().join(format!("schemadrift-claims-{}-{database}.err", std::process::id()));
        let mut child = cluster
            .client("psql")
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&errors).unwrap())
            .spawn()
            .expect("psql starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut session = Session { child, stdin, stdout, errors, sent: 0, pid: String::new() };
        session.pid = session.run("SELECT pg_backend_pid();").unwrap().remove(0);
        session
    }

    /// Sends SQL without waiting for it (see [`Session::wait`]).
    fn send(&mut self, sql: &str) {
        self.sent += 1;
        writeln!(self.stdin, "{}\n\\echo @@done {}", sql.trim_end(), self.sent).unwrap();
        self.stdin.flush().unwrap();
    }

    /// The rows of what was sent last, or psql's error when it stopped.
    fn wait(&mut self) -> Result<Vec<String>, String> {
        let marker = format!("@@done {}", self.sent);
        let mut rows = Vec::new();
        loop {
            let mut line = String::new();
            if self.stdout.read_line(&mut line).unwrap_or(0) == 0 {
                let _ = self.child.wait();
                return Err(std::fs::read_to_string(&self.errors).unwrap_or_default());
            }
            let line = line.trim_end();
            if line == marker {
                return Ok(rows);
            }
            if !line.is_empty() {
                rows.push(line.to_string());
            }
        }
    }

    fn run(&mut self, sql: &str) -> Result<Vec<String>, String> {
        self.send(sql);
        self.wait()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "\\q");
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.errors);
    }
}

/// What one statement did to the table.
#[derive(Debug, Clone, Default)]
struct Measured {
    /// The strongest lock it took that was not held before it.
    taken: Option<Lock>,
    /// The strongest lock held on the table when it ended (taken by it or earlier in its
    /// transaction).
    held: Option<Lock>,
    rewrite: bool,
    rows_read: bool,
}

/// The table's state as one session sees it: its file, the rows read from it so far, its locks.
#[derive(Debug, Default)]
struct Seen {
    file: String,
    reads: i64,
    locks: Vec<Lock>,
}

/// What `session` sees of the table: inside a transaction, the reads counted in it so far.
fn seen(session: &mut Session, in_transaction: bool) -> Seen {
    let reads = if in_transaction {
        "(SELECT coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0) FROM pg_stat_xact_user_tables WHERE relid = to_regclass('public.t'))"
    } else {
        "(SELECT coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0) FROM pg_stat_user_tables WHERE relid = to_regclass('public.t'))"
    };
    let sql = format!(
        "SELECT coalesce((SELECT relfilenode::text FROM pg_class WHERE oid = to_regclass('{TABLE}')), '-'), {reads}, \
         coalesce((SELECT string_agg(mode, ',') FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' \
         AND granted AND relation = to_regclass('{TABLE}')), '');"
    );
    if !in_transaction {
        // A statement's counts reach the shared statistics when its session next goes idle.
        session.run("SELECT pg_stat_force_next_flush();").unwrap();
    }
    let row = session.run(&sql).unwrap().remove(0);
    let mut fields = row.split('|');
    let file = fields.next().unwrap().to_string();
    let reads = fields.next().unwrap().parse().unwrap();
    let locks = fields.next().unwrap_or("").split(',').filter_map(Lock::from_pg_locks).collect();
    Seen { file, reads, locks }
}

/// Runs one statement on `session` and measures it. Statements outside the script's transactions
/// run in one of their own, so that their locks can be read before they are let go; CONCURRENTLY
/// statements cannot, so their lock is seen from a second session while they wait behind one held.
fn measure(
    cluster: &pgtest::Cluster,
    database: &str,
    session: &mut Session,
    sql: &str,
    in_phase_transaction: bool,
) -> Result<Measured, String> {
    let concurrently = schemadrift_engine::sql::concurrently_at(sql).is_some();
    if concurrently {
        let before = seen(session, false);
        let hold = "BEGIN; LOCK TABLE public.t IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(1.5); COMMIT;";
        let mut holder = cluster
            .client("psql")
            .args(["-X", "-q", "-d", database, "-c", hold])
            .stdout(Stdio::null())
            .spawn()
            .expect("psql starts");
        let held = || {
            cluster
                .query(database, "SELECT count(*) FROM pg_locks WHERE relation = to_regclass('public.t') AND mode = 'AccessExclusiveLock' AND granted")
                .is_ok_and(|n| n == "1")
        };
        let start = Instant::now();
        while !held() {
            assert!(start.elapsed() < Duration::from_secs(10), "the holding session did not lock the table");
            std::thread::sleep(Duration::from_millis(20));
        }
        session.send(sql);
        let mut waiting = None;
        let start = Instant::now();
        while waiting.is_none() && start.elapsed() < Duration::from_millis(1200) {
            let mode = cluster
                .query(
                    database,
                    &format!(
                        "SELECT mode FROM pg_locks WHERE pid = {} AND NOT granted AND relation = to_regclass('public.t')",
                        session.pid
                    ),
                )
                .unwrap_or_default();
            waiting = Lock::from_pg_locks(&mode);
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = holder.wait();
        session.wait()?;
        let after = seen(session, false);
        return Ok(Measured {
            taken: waiting,
            held: waiting,
            rewrite: before.file != after.file,
            rows_read: after.reads > before.reads,
        });
    }
    if !in_phase_transaction {
        session.run("BEGIN;")?;
    }
    let before = seen(session, true);
    session.run(sql)?;
    let after = seen(session, true);
    if !in_phase_transaction {
        session.run("COMMIT;")?;
    }
    let held = after.locks.iter().copied().max();
    let taken = after.locks.iter().copied().filter(|l| !before.locks.contains(l)).max();
    Ok(Measured { taken, held, rewrite: before.file != after.file, rows_read: after.reads > before.reads })
}

/// One statement of a case's migration, with its measurement.
struct Row {
    phase: Phase,
    sql: String,
    changes: Vec<String>,
    measured: Measured,
}

/// A risk's claim and what its change's statements did.
struct Claim {
    rule: String,
    object: String,
    claimed: Effect,
    measured: Effect,
}

struct Outcome {
    rows: Vec<Row>,
    claims: Vec<Claim>,
}

fn run_case(cluster: &pgtest::Cluster, index: usize, case: &Case) -> Result<Outcome, String> {
    let database = format!("claims_{index}");
    cluster.create_database(&database)?;
    cluster.query(&database, case.from).map_err(|e| format!("FROM does not load: {e}"))?;
    cluster.query(&database, ROWS)?;
    if case.from.contains("public.p ") {
        cluster.query(&database, PARENT_ROWS)?;
    }
    let side = |name: &str, text: &str| Arc::new(read_side(name, text.as_bytes(), None).expect("plain SQL reads"));
    let comparison = Comparison::new(side("from.sql", case.from), side("to.sql", case.to), DiffOptions::default());
    let release = comparison.release();
    if release.plan.steps.is_empty() {
        return Err("the migration has no statement: the case's change is not seen".to_string());
    }
    let mut session = Session::open(cluster, &database);
    let mut rows = Vec::new();
    for phase in Phase::ALL {
        let steps: Vec<_> = release.plan.steps.iter().filter(|s| s.phase == phase).collect();
        if steps.is_empty() {
            continue;
        }
        let transaction = phase.transactional();
        if transaction {
            session.run("BEGIN;")?;
        }
        for step in steps {
            for statement in schemadrift_engine::proof::script_statements(&step.sql).statements {
                let measured = measure(cluster, &database, &mut session, &statement.sql, transaction)
                    .map_err(|e| format!("{}: {e}", statement.sql))?;
                rows.push(Row { phase, sql: statement.sql, changes: step.changes.clone(), measured });
            }
        }
        if transaction {
            session.run("COMMIT;")?;
        }
    }
    let claims = release
        .risks
        .iter()
        .filter_map(|risk| {
            let claimed = risk.effect?;
            let id = format!("{} {}", risk.object_kind, risk.object);
            let of_change: Vec<&Measured> =
                rows.iter().filter(|row| row.changes.contains(&id)).map(|row| &row.measured).collect();
            let measured = Effect {
                lock: of_change.iter().filter_map(|m| m.taken).max(),
                rewrite: of_change.iter().any(|m| m.rewrite),
                reads_rows_under: of_change.iter().filter(|m| m.rows_read).filter_map(|m| m.held).max(),
            };
            Some(Claim { rule: risk.rule.to_string(), object: id, claimed, measured })
        })
        .collect();
    Ok(Outcome { rows, claims })
}

fn lock(lock: Option<Lock>) -> &'static str {
    lock.map_or("–", Lock::label)
}

/// The statement as the table shows it: one line, the DO blocks around concurrent builds named.
fn shown(sql: &str) -> String {
    let one_line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.starts_with("DO ") {
        // A statement run only when not done yet (`plan::rerun`): shown as it runs.
        if let Some((_, inner)) = one_line.split_once("SET LOCAL lock_timeout = ''5s''; ") {
            if let Some((statement, _)) = inner.rsplit_once(" END IF; END") {
                if !statement.starts_with("DROP INDEX") {
                    return format!("DO … (unless done) {}", shown(&statement.replace("''", "'")));
                }
            }
        }
        return if one_line.contains("RAISE EXCEPTION") {
            "DO … (fails if the concurrent build left the index INVALID)".to_string()
        } else {
            "DO … (drops an INVALID index left by a failed build)".to_string()
        };
    }
    let mut out: String = one_line.chars().take(110).collect();
    if out.len() < one_line.len() {
        out.push('…');
    }
    out.replace('|', "\\|")
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

#[test]
fn every_risk_claim_about_locks_and_rewrites_holds_on_postgresql() {
    if std::env::var_os("SCHEMADRIFT_POSTGRES").is_some_and(|v| v == "skip") {
        eprintln!("SCHEMADRIFT_POSTGRES=skip: the lock-claim measurements do not run");
        return;
    }
    let cluster = pgtest::Cluster::start().unwrap_or_else(|e| panic!("cannot start a private PostgreSQL: {e}"));
    let version = cluster.query("postgres", "SHOW server_version_num").unwrap();
    let major = version.parse::<u32>().unwrap() / 10000;
    let cases = cases();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let outcomes: BTreeMap<usize, Result<Outcome, String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(case) = cases.get(index) else { return done };
                        done.push((index, run_case(&cluster, index, case)));
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });

    let mut statements = String::new();
    let mut claims = String::new();
    let mut failures = Vec::new();
    let (mut agreed, mut total) = (0, 0);
    for (index, outcome) in &outcomes {
        let case = &cases[*index];
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(error) => {
                failures.push(format!("{}: the migration does not run: {error}", case.name));
                continue;
            }
        };
        for row in &outcome.rows {
            let m = &row.measured;
            // Outside transactions, the script lets a statement wait without a lock timeout only
            // where queueing for its lock holds up none of the application's reads or writes.
            let online = matches!(row.phase, Phase::Online | Phase::CleanupIndexes);
            let waits = online && schemadrift_engine::plan::waits_by_design(&row.sql) == Some(true);
            if let (true, Some(taken)) = (online, m.taken) {
                if waits != (taken <= Lock::ShareUpdateExclusive) {
                    failures.push(format!(
                        "{}: `{}` takes {} but the script {}",
                        case.name,
                        shown(&row.sql),
                        taken.label(),
                        if waits { "lets it wait without a lock timeout" } else { "gives it a 5 s lock timeout" }
                    ));
                }
            }
            statements.push_str(&format!(
                "| {} | {} | `{}` | {} | {} | {} | {} | {} |\n",
                case.name,
                row.phase.title().split(':').next().unwrap_or_default(),
                shown(&row.sql),
                if waits { "none" } else { "5 s" },
                lock(m.taken),
                lock(m.held),
                yes(m.rewrite),
                yes(m.rows_read),
            ));
        }
        for claim in &outcome.claims {
            total += 1;
            let agree = claim.claimed == claim.measured;
            if agree {
                agreed += 1;
            } else {
                failures.push(format!(
                    "{}: {} claims for {}: {}\n  measured: {}",
                    case.name,
                    claim.rule,
                    claim.object,
                    claim.claimed.describe(),
                    claim.measured.describe()
                ));
            }
            claims.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                case.name,
                claim.rule,
                claim.claimed.describe(),
                if agree { "the same".to_string() } else { claim.measured.describe() },
                if agree { "✓" } else { "✗" }
            ));
        }
    }
    let document = format!(
        "# Lock and rewrite claims, measured on PostgreSQL {major}\n\n\
         Written by `crates/engine/tests/lock_claims.rs` (run by `cargo xtask test`); do not edit by hand.\n\
         Each case migrates a small pair whose table `public.t` holds 2,000 rows; the script runs statement by\n\
         statement as psql runs it, and each statement is measured on `public.t`: the locks it takes\n\
         (`pg_locks`), the strongest lock held when it ends (locks taken earlier in its transaction\n\
         stay held), whether the table was written anew (`relfilenode`) and whether rows were read\n\
         (the table's scan counters). The lock timeout is the script's for that statement: none where\n\
         queueing for its lock holds up no reads or writes, checked against the lock taken.\n\n\
         **Claims: {agreed} of {total} agree with the measurement.**\n\n\
         ## Each risk's claim\n\n\
         | case | rule | claim | measured | agrees |\n|---|---|---|---|---|\n{claims}\n\
         ## Each statement\n\n\
         | case | phase | statement | lock timeout | lock taken | lock held | rewrite | rows read |\n|---|---|---|---|---|---|---|---|\n{statements}"
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/lock-claims.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if std::env::var_os("SCHEMADRIFT_GOLDEN").is_some_and(|v| v == "update") {
        std::fs::write(&path, &document).unwrap();
    } else if committed != document {
        let kept = std::env::temp_dir().join("lock-claims.md");
        std::fs::write(&kept, &document).unwrap();
        failures.push(format!(
            "docs/lock-claims.md differs from the measurement (written to {}); SCHEMADRIFT_GOLDEN=update rewrites it",
            kept.display()
        ));
    }
    eprintln!("lock claims: {agreed} of {total} agree with PostgreSQL {major}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
