//! The migration of the shrinkchat pair follows section 9.1 of the hand-written seed report in
//! substance: new columns and tables first, indexes CONCURRENTLY, the type change in the
//! maintenance phase, the backup table dropped last.

mod common;

use schemadrift_engine::plan::{plan, Phase};
use schemadrift_engine::{build_catalog, diff, read, DiffOptions};

#[test]
fn the_shrinkchat_migration_has_the_seed_reports_phases() {
    let Some(corpus) = common::corpus_dir() else { return };
    let dir = corpus.join("selfmade/shrinkchat_staging_vs_production");
    let catalog = |name: &str| build_catalog(&read(&std::fs::read_to_string(dir.join(name)).unwrap()));
    let (production, staging) = (catalog("production.sql"), catalog("staging.sql"));
    let migration = plan(&production, &staging, &diff(&production, &staging, &DiffOptions::default()));
    let phase = |phase: Phase| migration.phase(phase).map(|s| s.sql.clone()).collect::<Vec<_>>().join("\n");
    let prepare = phase(Phase::Prepare);
    for expected in [
        "ALTER TABLE public.profiles ADD COLUMN IF NOT EXISTS expo_push_token text;",
        "ALTER TABLE public.profiles ADD COLUMN IF NOT EXISTS is_test_account boolean DEFAULT false;",
        "ALTER TABLE public.commitments ADD COLUMN IF NOT EXISTS commitment_key text;",
        "ALTER TABLE public.sso_identities ADD COLUMN IF NOT EXISTS email_hash text;",
        "CREATE TABLE IF NOT EXISTS public.account_link_events (",
        "CREATE TABLE IF NOT EXISTS public.email_verification_codes (",
        "CREATE TABLE IF NOT EXISTS public.scheduled_notifications (",
    ] {
        assert!(prepare.contains(expected), "phase 1 lacks {expected}\n{prepare}");
    }
    let online = phase(Phase::Online);
    for expected in [
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_memory_metadata ON public.memory USING gin (metadata);",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx_commitments_key_unique ON public.commitments",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_profiles_is_test_account ON public.profiles",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_memory_embedding_ivfflat ON public.memory USING ivfflat",
    ] {
        assert!(online.contains(expected), "phase 2 lacks {expected}\n{online}");
    }
    // Indexes of tables created in phase 1 are empty: built plainly, not concurrently.
    assert!(online.contains("CREATE INDEX IF NOT EXISTS idx_account_link_events_user ON public.account_link_events"));
    assert!(phase(Phase::Rewrite).contains(
        "ALTER TABLE public.memory ALTER COLUMN decay_rate TYPE double precision USING decay_rate::double precision;"
    ));
    // The seed drops the HNSW index nowhere and keeps two vector indexes; here it goes at cleanup.
    assert!(
        phase(Phase::CleanupIndexes).contains("DROP INDEX CONCURRENTLY IF EXISTS public.idx_memory_embedding_hnsw;")
    );
    assert!(phase(Phase::Cleanup).contains("DROP TABLE IF EXISTS public.profiles_backup_before_user_id_fix;"));
    assert!(migration.manual.is_empty());
}
