//! Deterministic benchmark dumps in pg_dump's plain format: tenant schemas, each with an enum, a
//! dozen and more tables (identity keys, foreign keys, unique and check constraints, defaults,
//! jsonb and timestamps), indexes (btree, partial, GIN), plpgsql functions, triggers, row-level
//! security with policies, comments and grants, in the order and spelling pg_dump 15 uses.
//!
//! The `to` side is the same schema after a release: columns added, a type changed, an index
//! dropped and another added, a function body changed, a policy changed, a table added.

use std::fmt::Write;

/// A small deterministic generator (xorshift), so every run writes the same bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "account", "invoice", "order", "customer", "product", "shipment", "payment", "ticket", "project", "task",
    "comment", "event", "session", "device", "address", "contract", "report", "metric", "alert", "team",
];

const COLUMN_TYPES: &[(&str, Option<&str>)] = &[
    ("text", None),
    ("integer", Some("0")),
    ("bigint", None),
    ("boolean", Some("false")),
    ("numeric(12,2)", Some("0")),
    ("timestamp with time zone", Some("now()")),
    ("jsonb", Some("'{}'::jsonb")),
    ("uuid", Some("gen_random_uuid()")),
    ("character varying(255)", None),
    ("date", None),
];

fn header(out: &mut String) {
    out.push_str(
        "--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)\n\
         -- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)\n\n\
         SET statement_timeout = 0;\nSET lock_timeout = 0;\nSET idle_in_transaction_session_timeout = 0;\n\
         SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n\
         SELECT pg_catalog.set_config('search_path', '', false);\nSET check_function_bodies = false;\n\
         SET xmloption = content;\nSET client_min_messages = warning;\nSET row_security = off;\n\n",
    );
}

fn title(out: &mut String, name: &str, kind: &str, schema: &str) {
    let _ = write!(out, "--\n-- Name: {name}; Type: {kind}; Schema: {schema}; Owner: -\n--\n\n");
}

/// One table of a tenant schema.
struct TableSpec {
    name: String,
    columns: Vec<(String, &'static str, Option<&'static str>, bool)>,
}

/// The tables of schema number `tenant`, the same on both sides before the release's changes.
fn tables(rng: &mut Rng, count: usize) -> Vec<TableSpec> {
    (0..count)
        .map(|t| {
            let word = WORDS[t % WORDS.len()];
            let name = if t < WORDS.len() { format!("{word}s") } else { format!("{word}s_{}", t / WORDS.len()) };
            let mut columns = vec![
                ("id".to_string(), "bigint", None, true),
                ("created_at".to_string(), "timestamp with time zone", Some("now()"), true),
            ];
            for c in 0..6 + rng.below(10) {
                let (data_type, default) = COLUMN_TYPES[rng.below(COLUMN_TYPES.len())];
                let column_word = WORDS[rng.below(WORDS.len())];
                columns.push((format!("{column_word}_{c}"), data_type, default, rng.below(3) == 0));
            }
            TableSpec { name, columns }
        })
        .collect()
}

/// Writes one tenant schema. `after` applies the release's changes.
fn schema(out: &mut String, tenant: usize, after: bool) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (tenant as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let s = format!("tenant_{tenant:04}");
    let count = 14 + rng.below(8);
    let mut specs = tables(&mut rng, count);
    if after {
        for (i, spec) in specs.iter_mut().enumerate() {
            if i.is_multiple_of(5) {
                spec.columns.push((format!("release_flag_{i}"), "boolean", Some("false"), false));
            }
            if i % 7 == 3 {
                if let Some(column) = spec.columns.iter_mut().find(|c| c.1 == "integer") {
                    column.1 = "bigint";
                }
            }
        }
        if tenant.is_multiple_of(3) {
            specs.push(TableSpec {
                name: "audit_trail".to_string(),
                columns: vec![
                    ("id".to_string(), "bigint", None, true),
                    ("created_at".to_string(), "timestamp with time zone", Some("now()"), true),
                    ("actor".to_string(), "text", None, true),
                    ("payload".to_string(), "jsonb", Some("'{}'::jsonb"), false),
                ],
            });
        }
    }
    title(out, &s, "SCHEMA", "-");
    let _ = writeln!(out, "CREATE SCHEMA {s};\n\n");
    title(out, "status", "TYPE", &s);
    let labels = if after { "'draft', 'active', 'archived', 'deleted'" } else { "'draft', 'active', 'archived'" };
    let _ = writeln!(out, "CREATE TYPE {s}.status AS ENUM (\n    {}\n);\n\n", labels.replace(", ", ",\n    "));
    title(out, "touch_updated_at()", "FUNCTION", &s);
    let _ = writeln!(
        out,
        "CREATE FUNCTION {s}.touch_updated_at() RETURNS trigger\n    LANGUAGE plpgsql\n    AS $$\nBEGIN\n  \
         NEW.created_at := {};\n  RETURN NEW;\nEND;\n$$;\n\n",
        if after { "coalesce(NEW.created_at, now())" } else { "now()" }
    );
    title(out, "tenant_total(bigint)", "FUNCTION", &s);
    let _ = writeln!(
        out,
        "CREATE FUNCTION {s}.tenant_total(p_account bigint) RETURNS numeric\n    LANGUAGE plpgsql STABLE SECURITY DEFINER\n    \
         SET search_path TO '{s}', 'pg_temp'\n    AS $$\nDECLARE\n  total numeric := 0;\nBEGIN\n  \
         SELECT count(*) INTO total FROM {s}.accounts WHERE id = p_account;\n  RETURN total;\nEND;\n$$;\n\n"
    );
    for spec in &specs {
        let table = format!("{s}.{}", spec.name);
        title(out, &spec.name, "TABLE", &s);
        let _ = writeln!(out, "CREATE TABLE {table} (");
        let lines: Vec<String> = spec
            .columns
            .iter()
            .map(|(name, data_type, default, not_null)| {
                let mut line = format!("    {name} {data_type}");
                if let Some(default) = default {
                    let _ = write!(line, " DEFAULT {default}");
                }
                if *not_null {
                    line.push_str(" NOT NULL");
                }
                line
            })
            .collect();
        let _ = writeln!(out, "{}\n);\n\n", lines.join(",\n"));
        title(out, &format!("{}_id_seq", spec.name), "SEQUENCE", &s);
        let _ = writeln!(
            out,
            "ALTER TABLE {table} ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n    SEQUENCE NAME {table}_id_seq\n    \
             START WITH 1\n    INCREMENT BY 1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1\n);\n\n"
        );
    }
    for spec in &specs {
        let table = format!("{s}.{}", spec.name);
        title(out, &format!("{} {}_pkey", spec.name, spec.name), "CONSTRAINT", &s);
        let _ = writeln!(out, "ALTER TABLE ONLY {table}\n    ADD CONSTRAINT {}_pkey PRIMARY KEY (id);\n\n", spec.name);
    }
    for (i, spec) in specs.iter().enumerate() {
        let table = format!("{s}.{}", spec.name);
        let indexed = &spec.columns[2].0;
        if !(after && i % 9 == 4) {
            title(out, &format!("idx_{}_created", spec.name), "INDEX", &s);
            let _ =
                writeln!(out, "CREATE INDEX idx_{}_created ON {table} USING btree (created_at DESC);\n\n", spec.name);
        }
        title(out, &format!("idx_{}_{indexed}", spec.name), "INDEX", &s);
        let _ = writeln!(
            out,
            "CREATE INDEX idx_{}_{indexed} ON {table} USING btree ({indexed}) WHERE ({indexed} IS NOT NULL);\n\n",
            spec.name
        );
        if let Some((json, ..)) = spec.columns.iter().find(|c| c.1 == "jsonb") {
            title(out, &format!("idx_{}_{json}_gin", spec.name), "INDEX", &s);
            let _ = writeln!(out, "CREATE INDEX idx_{}_{json}_gin ON {table} USING gin ({json});\n\n", spec.name);
        }
        if after && i % 6 == 1 {
            let _ =
                writeln!(out, "CREATE INDEX idx_{}_id_created ON {table} USING btree (id, created_at);\n\n", spec.name);
        }
    }
    for spec in specs.iter().step_by(2) {
        let table = format!("{s}.{}", spec.name);
        title(out, &format!("{} trg_{}_touch", spec.name, spec.name), "TRIGGER", &s);
        let _ = writeln!(
            out,
            "CREATE TRIGGER trg_{}_touch BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {s}.touch_updated_at();\n\n",
            spec.name
        );
    }
    for pair in specs.windows(2) {
        let (parent, child) = (&pair[0], &pair[1]);
        title(out, &format!("{} {}_parent_fkey", child.name, child.name), "FK CONSTRAINT", &s);
        let _ = writeln!(
            out,
            "ALTER TABLE ONLY {s}.{}\n    ADD CONSTRAINT {}_parent_fkey FOREIGN KEY (id) REFERENCES {s}.{}(id) ON DELETE CASCADE;\n\n",
            child.name, child.name, parent.name
        );
    }
    for spec in specs.iter().step_by(3) {
        let table = format!("{s}.{}", spec.name);
        let _ = writeln!(out, "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;\n\n");
        title(out, &format!("{} {}_tenant_read", spec.name, spec.name), "POLICY", &s);
        let role =
            if after { "current_setting('app.tenant'::text, true)" } else { "current_setting('app.tenant'::text)" };
        let _ = writeln!(
            out,
            "CREATE POLICY {}_tenant_read ON {table} FOR SELECT TO PUBLIC USING (({role} = '{s}'::text));\n\n",
            spec.name
        );
    }
    for spec in &specs {
        let table = format!("{s}.{}", spec.name);
        let _ = writeln!(out, "COMMENT ON TABLE {table} IS 'The {} of tenant {tenant}.';\n\n", spec.name);
        let _ = writeln!(out, "GRANT SELECT ON TABLE {table} TO PUBLIC;\n\n");
    }
}

/// A `from` / `to` pair of about `target` bytes each.
pub fn pair(target: usize) -> (String, String) {
    let mut from = String::with_capacity(target + 100_000);
    let mut to = String::with_capacity(target + 120_000);
    header(&mut from);
    header(&mut to);
    let mut tenant = 0;
    while from.len() < target {
        schema(&mut from, tenant, false);
        schema(&mut to, tenant, true);
        tenant += 1;
    }
    for text in [&mut from, &mut to] {
        text.push_str("--\n-- PostgreSQL database dump complete\n--\n\n");
    }
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemadrift_engine::{build_catalog, diff, read, DiffOptions};

    #[test]
    fn the_pair_is_deterministic_fully_understood_and_differs_as_a_release() {
        let (from, to) = pair(300_000);
        assert_eq!((from.clone(), to.clone()), pair(300_000), "same bytes every run");
        assert!(from.len() >= 300_000 && from.len() < 400_000, "{}", from.len());
        let (old, new) = (build_catalog(&read(&from)), build_catalog(&read(&to)));
        assert!(old.not_understood.is_empty(), "{:?}", old.not_understood.first());
        assert!(new.not_understood.is_empty(), "{:?}", new.not_understood.first());
        assert!(old.counts().tables > 50 && old.counts().policies > 10 && old.counts().functions > 5);
        let result = diff(&old, &new, &DiffOptions::default());
        use schemadrift_engine::diff::ObjectKind;
        for kind in [
            ObjectKind::Column,
            ObjectKind::Index,
            ObjectKind::Function,
            ObjectKind::Policy,
            ObjectKind::Table,
            ObjectKind::Type,
        ] {
            assert!(result.changes.iter().any(|c| c.object_kind == kind), "no {kind} change");
        }
    }
}
