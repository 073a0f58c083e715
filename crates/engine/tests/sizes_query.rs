//! The query schemadrift documents for table sizes (`input::sizes::QUERY`), run as users run it
//! (`psql -X --csv -c …`) on a real PostgreSQL, gives a file `input::sizes::parse` reads: every
//! table, partitioned table and materialized view with its bytes and row estimate, names that
//! need quoting included, and nothing of the system schemas.
//!
//! Without a PostgreSQL server the test fails, unless `SCHEMADRIFT_POSTGRES=skip` is set.

use schemadrift_engine::catalog::QualifiedName;
use schemadrift_engine::input::sizes::{parse, QUERY};

#[test]
fn the_documented_query_gives_a_file_schemadrift_reads() {
    if std::env::var_os("SCHEMADRIFT_POSTGRES").is_some_and(|v| v == "skip") {
        eprintln!("SCHEMADRIFT_POSTGRES=skip: the sizes query does not run");
        return;
    }
    let cluster = pgtest::Cluster::start().unwrap_or_else(|e| panic!("cannot start a private PostgreSQL: {e}"));
    cluster.create_database("sizes").unwrap();
    cluster
        .query(
            "sizes",
            "CREATE SCHEMA \"odd, schema\"; \
             CREATE TABLE public.big (id integer PRIMARY KEY, note text); \
             INSERT INTO public.big SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g; ANALYZE public.big; \
             CREATE TABLE \"odd, schema\".\"a \"\"quoted\"\" name\" (id integer); \
             CREATE TABLE public.parted (id integer) PARTITION BY RANGE (id); \
             CREATE TABLE public.parted_1 PARTITION OF public.parted FOR VALUES FROM (1) TO (100); \
             CREATE MATERIALIZED VIEW public.mv AS SELECT count(*) FROM public.big;",
        )
        .unwrap();
    let csv = cluster.client_output("psql", &["-X", "-d", "sizes", "--csv", "-c", QUERY], &[]).unwrap();
    let sizes = parse("sizes.csv", csv.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{csv}"));
    let names: Vec<String> = sizes.tables.keys().map(|n| n.to_string()).collect();
    for table in ["public.big", "public.parted", "public.parted_1", "public.mv"] {
        assert!(names.contains(&table.to_string()), "{table} missing from {names:?}");
    }
    assert!(sizes.of(&QualifiedName::new("odd, schema", "a \"quoted\" name")).is_some(), "{csv}");
    assert!(names.iter().all(|n| !n.starts_with("pg_catalog.") && !n.starts_with("information_schema.")));
    let big = sizes.of(&QualifiedName::new("public", "big")).unwrap();
    assert_eq!(big.rows, Some(5000), "ANALYZE gave the row estimate");
    assert!(big.bytes > 500_000, "table, index and TOAST bytes: {}", big.bytes);
    assert_eq!(sizes.of(&QualifiedName::new("public", "parted_1")).unwrap().rows, None, "never analyzed: -1");
}
