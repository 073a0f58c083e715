//! The Markdown report of the shrinkchat pair carries every schema fact of the hand-written seed
//! report (`../shared/seed/schema-analysis-report.md`), sections 1, 2, 4, 5, 6, 8, 9 and appendices
//! A.2–A.4, item by item. The data-volume facts (sections 3.1, 7, 10, sizes) need a live database
//! and are not in schema-only dumps.

mod common;

use schemadrift_engine::pipeline::{read_side, Comparison};
use schemadrift_engine::render::markdown::report_markdown;
use schemadrift_engine::report::Report;
use schemadrift_engine::DiffOptions;

fn shrinkchat_report() -> Option<Report> {
    let corpus = common::corpus_dir()?;
    let dir = corpus.join("selfmade/shrinkchat_staging_vs_production");
    let load = |name: &str| read_side(name, &std::fs::read(dir.join(name)).unwrap(), None).unwrap();
    let compared = Comparison::new(load("production.sql"), load("staging.sql"), DiffOptions::default());
    Some(compared.report().clone())
}

/// The text under the first heading that starts with `heading`, up to the next heading of the
/// same or a higher level.
fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let start = markdown.find(&format!("\n{heading}")).unwrap_or_else(|| panic!("no heading {heading}:\n{markdown}"));
    let level = heading.chars().take_while(|c| *c == '#').count();
    let body = &markdown[start + 1..];
    let mut offset = body.find('\n').unwrap_or(body.len());
    let mut in_fence = false;
    for line in body[offset..].split_inclusive('\n') {
        if line.starts_with("```") {
            in_fence = !in_fence;
        }
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if !in_fence && hashes > 0 && hashes <= level && line[hashes..].starts_with(' ') {
            break;
        }
        offset += line.len();
    }
    &body[..offset]
}

fn has(haystack: &str, needle: &str, what: &str) {
    assert!(haystack.contains(needle), "{what}: {needle:?} is missing from:\n{haystack}");
}

#[test]
fn the_markdown_report_carries_the_seed_reports_schema_facts() {
    let Some(report) = shrinkchat_report() else { return };
    let md = report_markdown(&report);

    // Header: inputs identified by name, pg_dump version and hash; deterministic.
    has(&md, "| File | `production.sql` | `staging.sql` |", "input names");
    has(&md, "| pg\\_dump version | 15.20", "pg_dump version");
    has(&md, &format!("| SHA-256 | `{}` | `{}` |", report.inputs[0].sha256, report.inputs[1].sha256), "hashes");
    assert_eq!(md, report_markdown(&shrinkchat_report().unwrap()), "the same inputs give the same report");

    // Executive summary / key findings.
    let summary = section(&md, "## Executive summary");
    has(summary, "3 tables only in staging.sql: account\\_link\\_events, email\\_verification\\_codes, scheduled\\_notifications", "key finding");
    has(summary, "1 table only in production.sql: profiles\\_backup\\_before\\_user\\_id\\_fix", "key finding");

    // 1. Table inventory: tables only on each side, and the 19 common tables of seed 1.4.
    let only_staging = section(&md, "### 1.2 Tables only in `staging.sql` (3)");
    for table in ["account_link_events", "email_verification_codes", "scheduled_notifications"] {
        has(only_staging, &format!("`public.{table}`"), "seed 1.2");
    }
    let only_production = section(&md, "### 1.3 Tables only in `production.sql` (1)");
    has(only_production, "`public.profiles_backup_before_user_id_fix`", "seed 1.3");
    has(only_production, "Backup of profiles before user\\_id fix", "seed 1.3 purpose (its comment)");
    let common = section(&md, "### 1.4 Common tables");
    for table in [
        "audit_logs",
        "commitments",
        "journal_entries",
        "journal_idempotency",
        "journal_insights",
        "memory",
        "memory_metrics",
        "messages",
        "password_reset_tokens",
        "profile_tone_history",
        "profiles",
        "prompt_registry",
        "refresh_tokens",
        "risk_alerts",
        "sso_identities",
        "stripe_webhook_events",
        "threads",
        "user_feedback",
        "webhook_events",
    ] {
        has(common, &format!("- `public.{table}`"), "seed 1.4");
    }

    // 2. Column-level differences with type and default.
    let columns = section(&md, "## 2. Column-level differences");
    let profiles = section(columns, "### 2.3 `public.profiles`");
    has(profiles, "`staging.sql` **has 3 additional column(s):**", "seed 2.1");
    has(profiles, "| `expo_push_token` | `text` | NULL |", "seed 2.1");
    has(
        profiles,
        "| `notification_preferences` | `jsonb` | `'{\"enabled\": true, \"quiet_hours_end\": null, \"quiet_hours_start\": null}'::jsonb` |",
        "seed 2.1",
    );
    has(profiles, "| `is_test_account` | `boolean` | `false` |", "seed 2.1");
    has(section(columns, "### 2.1 `public.commitments`"), "| `commitment_key` | `text` | NULL |", "seed 2.2");
    has(section(columns, "### 2.4 `public.sso_identities`"), "| `email_hash` | `text` | NULL |", "seed 2.3");
    let types = section(columns, "### Type changes");
    has(types, "| `public.memory` | `decay_rate` | `numeric` | `double precision` | yes", "seed 2.4 type change");
    let order = section(columns, "### Column order");
    has(order, "| `public.memory` | `metadata` | 14 | 13 |", "seed 2.4 column order");
    has(order, "| `public.messages` | `turn` | 5 | 3 |", "seed 3 column order");

    // 4. New tables: full definitions with their indexes.
    let new_tables = section(&md, "## 4. New tables");
    let account = section(new_tables, "### 4.1 `public.account_link_events`");
    for line in [
        "id uuid DEFAULT gen_random_uuid() NOT NULL",
        "user_id uuid NOT NULL",
        "event_type text NOT NULL",
        "provider text NOT NULL",
        "email_hash text",
        "details jsonb",
        "created_at timestamp with time zone DEFAULT now()",
    ] {
        has(account, line, "seed 4.1 schema");
    }
    has(account, "`public.account_link_events_pkey` (primary key", "seed 4.1 indexes");
    has(account, "(user_id, created_at desc)", "seed 4.1 indexes");
    let codes = section(new_tables, "### 4.2 `public.email_verification_codes`");
    for line in ["email_hash text NOT NULL", "code_hash text NOT NULL", "expires_at timestamp with time zone NOT NULL"]
    {
        has(codes, line, "seed 4.2 schema");
    }
    for index in [
        "email_verification_codes_pkey",
        "idx_email_verification_codes_email_hash",
        "idx_email_verification_codes_expires",
    ] {
        has(codes, &format!("`public.{index}`"), "seed 4.2 indexes");
    }
    let notifications = section(new_tables, "### 4.3 `public.scheduled_notifications`");
    for line in [
        "thread_id uuid NOT NULL",
        "scheduled_for timestamp with time zone NOT NULL",
        "status text",
        "updated_at timestamp with time zone DEFAULT now()",
    ] {
        has(notifications, line, "seed 4.3 schema");
    }
    has(notifications, "Queue for commitment reminders and scheduled push notifications", "seed 4.3 purpose");
    for index in [
        "scheduled_notifications_pkey",
        "idx_scheduled_notifications_pending",
        "idx_scheduled_notifications_thread",
        "idx_scheduled_notifications_commitment",
    ] {
        has(notifications, &format!("`public.{index}`"), "seed 4.3 indexes");
    }
    has(notifications, "WHERE (status = 'pending'::text)", "seed 4.3 partial index");

    // 5. Index comparison: each side's indexes, HNSW vs IVFFlat called out.
    let indexes = section(&md, "## 5. Index comparison");
    has(indexes, "> **HNSW → IVFFlat** on `public.memory`: `public.idx_memory_embedding_hnsw` (hnsw) in production.sql, `public.idx_memory_embedding_ivfflat` (ivfflat) in staging.sql", "seed 5.2 analysis");
    let new_indexes = section(indexes, "### 5.1 Indexes only in `staging.sql`");
    for index in [
        "idx_memory_consolidation",
        "idx_memory_quality",
        "idx_memory_thread_embedding",
        "idx_memory_metadata",
        "idx_commitments_key_unique",
        "idx_commitments_thread_key",
        "idx_profiles_is_test_account",
        "idx_profiles_recovery_email_hash_linking",
        "idx_sso_identities_email_hash",
        "idx_account_link_events_user",
        "idx_email_verification_codes_email_hash",
        "idx_email_verification_codes_expires",
        "idx_scheduled_notifications_pending",
        "idx_scheduled_notifications_thread",
        "idx_scheduled_notifications_commitment",
    ] {
        has(new_indexes, &format!("| `public.{index}` |"), "seed 5.1");
    }
    has(new_indexes, "| `public.idx_memory_metadata` | `public.memory` | gin |", "seed 5.1 GIN");
    has(
        new_indexes,
        "| `public.idx_commitments_key_unique` | `public.commitments` | btree | unique |",
        "seed 5.1 unique",
    );
    let old_indexes = section(indexes, "### 5.2 Indexes only in `production.sql`");
    for index in [
        "idx_memory_embedding_hnsw",
        "idx_memory_quality_compound",
        "idx_memory_thread_created",
        "idx_memory_thread_quality_validation",
        "idx_audit_logs_thread_time",
        "idx_audit_logs_user_time",
    ] {
        has(old_indexes, &format!("| `public.{index}` |"), "seed 5.2");
    }
    has(
        old_indexes,
        "USING hnsw (embedding extensions.vector_cosine_ops) WITH (ef_construction=64, m=16)",
        "seed 5.2 HNSW",
    );

    // 6. Migration status.
    has(section(&md, "## 6. Migration status"), "Neither dump has a migration tracking table", "seed 6.1");

    // 8. Risks and backward compatibility.
    let risks = section(&md, "## 8. Risk assessment");
    for (level, rule) in [
        ("HIGH", "vector-index-change"),
        ("LOW", "column-added"),
        ("LOW", "table-added"),
        ("LOW", "index-build"),
        ("HIGH", "column-type-change"),
    ] {
        assert!(
            risks.lines().any(|l| l.starts_with(&format!("| **{level}** |")) && l.contains(&format!("(`{rule}`)"))),
            "seed 8.1: no {level} {rule} row in\n{risks}"
        );
    }
    // Changes with the same verdicts are one row: "added column (5): `a`, `b`…".
    let compatibility = section(risks, "### 8.3 Backward compatibility");
    let row = |change: &str, name: &str| {
        compatibility.lines().find(|l| {
            l.starts_with(&format!("| {change}"))
                && l.contains(&format!("`public.{name}`"))
                && l.contains("| yes | no | migrate first |")
        })
    };
    for column in [
        "profiles.expo_push_token",
        "profiles.notification_preferences",
        "commitments.commitment_key",
        "profiles.is_test_account",
        "sso_identities.email_hash",
    ] {
        assert!(row("added column", column).is_some(), "seed 8.2: no added column {column} row in\n{compatibility}");
    }
    for table in ["email_verification_codes", "account_link_events"] {
        assert!(row("added table", table).is_some(), "seed 8.2: no added table {table} row in\n{compatibility}");
    }
    assert!(
        compatibility
            .contains("| added column (5): `public.commitments.commitment_key`, `public.profiles.expo_push_token`"),
        "seed 8.2: the five added columns share one row, in order:\n{compatibility}"
    );

    // 9. Migration phases, ORM lines, testing strategy and checklist.
    let migration = section(&md, "## 9. Migration");
    let phases = section(migration, "### 9.1 Phases");
    has(phases, "Phase 1: schema preparation", "seed 9.1 phase 1");
    has(phases, "Phase 2: indexes and constraints built online", "seed 9.1 phase 2");
    has(phases, "Phase 3: changes that rewrite or lock tables", "seed 9.1 phase 3");
    has(phases, "Phase 4b: cleanup", "seed 9.1 phase 4");
    let script = section(migration, "### 9.2 Migration script");
    for statement in [
        "ALTER TABLE public.profiles ADD COLUMN IF NOT EXISTS expo_push_token text;",
        "ALTER TABLE public.profiles ADD COLUMN IF NOT EXISTS notification_preferences jsonb DEFAULT '{\"enabled\": true, \"quiet_hours_end\": null, \"quiet_hours_start\": null}'::jsonb;",
        "ALTER TABLE public.profiles ADD COLUMN IF NOT EXISTS is_test_account boolean DEFAULT false;",
        "ALTER TABLE public.commitments ADD COLUMN IF NOT EXISTS commitment_key text;",
        "ALTER TABLE public.sso_identities ADD COLUMN IF NOT EXISTS email_hash text;",
        "CREATE TABLE IF NOT EXISTS public.account_link_events (",
        "CREATE TABLE IF NOT EXISTS public.email_verification_codes (",
        "CREATE TABLE IF NOT EXISTS public.scheduled_notifications (",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_profiles_is_test_account ON public.profiles",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_profiles_recovery_email_hash_linking ON public.profiles",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx_commitments_key_unique ON public.commitments",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_commitments_thread_key ON public.commitments",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sso_identities_email_hash ON public.sso_identities",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_memory_consolidation ON public.memory",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_memory_quality ON public.memory",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_memory_thread_embedding ON public.memory",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_memory_metadata ON public.memory USING gin (metadata);",
        "ALTER TABLE public.memory ALTER COLUMN decay_rate TYPE double precision",
        "DROP TABLE IF EXISTS public.profiles_backup_before_user_id_fix;",
    ] {
        has(script, statement, "seed 9.1 script");
    }
    for index in [
        "idx_account_link_events_user",
        "idx_email_verification_codes_email_hash",
        "idx_scheduled_notifications_pending",
    ] {
        // Indexes of tables created in the same migration are empty: built plainly.
        has(script, &format!("CREATE INDEX IF NOT EXISTS {index} ON "), "seed 9.1 new-table indexes");
    }
    let orm = section(migration, "### 9.3 ORM schema changes");
    for line in [
        "export const accountLinkEvents = pgTable('account_link_events', {",
        "export const emailVerificationCodes = pgTable('email_verification_codes', {",
        "export const scheduledNotifications = pgTable('scheduled_notifications', {",
        "expoPushToken: text('expo_push_token'),",
        "notificationPreferences: jsonb('notification_preferences').default(sql`'{\"enabled\": true, \"quiet_hours_end\": null, \"quiet_hours_start\": null}'::jsonb`),",
        "isTestAccount: boolean('is_test_account').default(false),",
        "commitmentKey: text('commitment_key'),",
        "emailHash: text('email_hash'),",
        "decayRate: doublePrecision('decay_rate').default(0.05), // changed: type numeric → double precision",
        "model account_link_events {",
        "expo_push_token String?",
    ] {
        has(orm, line, "seed 9.2 code changes");
    }
    let testing = section(migration, "### 9.4 Testing strategy");
    has(testing, "Convert `public.memory.decay_rate` from numeric to double precision", "seed 9.3 data migration");
    has(testing, "Benchmark nearest-neighbour queries with the old and the new vector index", "seed 9.3 performance");
    has(testing, "Rollback plan", "seed 9.3 rollback");
    has(testing, "Run the tests of the code now deployed", "seed 9.3 backward compatibility");
    let checklist = section(migration, "### 9.5 Post-migration checklist");
    for table in ["account_link_events", "email_verification_codes", "scheduled_notifications"] {
        has(checklist, &format!("- [ ] Deploy the code that writes and reads `public.{table}`"), "seed 9.4");
    }
    has(checklist, "`public.profiles.expo_push_token`", "seed 9.4 new columns");

    // 10 (seed 11 data cleanup): the backup table.
    has(
        section(&md, "## 10. Cleanup candidates"),
        "`public.profiles_backup_before_user_id_fix` looks like a copy",
        "cleanup",
    );

    // Appendix A.2–A.4.
    let appendix = section(&md, "## Appendix");
    let tables = section(appendix, "### A.2 Table count");
    has(tables, "| `staging.sql` | 23 | 3 (`public.account_link_events`, `public.email_verification_codes`, `public.scheduled_notifications`) |", "seed A.2");
    has(tables, "| `production.sql` | 21 | 1 (`public.profiles_backup_before_user_id_fix`) |", "seed A.2");
    let additions = section(appendix, "### A.3 Column additions");
    for (table, column) in [
        ("profiles", "expo_push_token"),
        ("profiles", "notification_preferences"),
        ("profiles", "is_test_account"),
        ("commitments", "commitment_key"),
        ("sso_identities", "email_hash"),
    ] {
        has(additions, &format!("| `public.{table}` | `{column}` |"), "seed A.3");
    }
    let counts = section(appendix, "### A.4 Index count");
    has(counts, "- `production.sql`: 59 indexes", "seed A.4");
    has(counts, "- `staging.sql`: 72 indexes", "seed A.4");
    has(counts, "- New in `staging.sql`: 19 indexes", "seed A.4");
}
