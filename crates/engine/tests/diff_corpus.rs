//! The diff on real dumps: no noise between dumps of one database, exactly the documented changes
//! between versions (`../shared/corpus/README.md`), and nothing between a catalog and itself.

mod common;

use common::{catalog_of, corpus_dir, dumps, project_dumps};
use schemadrift_engine::diff::ObjectKind;
use schemadrift_engine::diff::Property;
use schemadrift_engine::diff::{Change, ChangeKind};
use schemadrift_engine::{diff, DiffOptions};
use std::collections::BTreeSet;
use std::path::Path;

fn changes(from: &Path, to: &Path, options: &DiffOptions) -> Vec<Change> {
    diff(&catalog_of(from), &catalog_of(to), options).changes
}

/// `+ table public.t`, `- index public.i`, `~ column public.t.c`: the form these tests compare.
fn lines(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .map(|c| {
            let sign = c.change.sign();
            format!("{sign} {} {}", c.object_kind, c.object)
        })
        .collect()
}

#[test]
fn a_catalog_compared_with_itself_has_no_changes() {
    let mut files = project_dumps();
    if let Some(dir) = corpus_dir() {
        files.extend(dumps(&dir));
    }
    for file in files {
        let catalog = catalog_of(&file);
        let result = diff(&catalog, &catalog, &DiffOptions::default());
        assert!(result.changes.is_empty() && result.notes.is_empty(), "{}: {:?}", file.display(), result.changes);
    }
}

#[test]
fn dumps_of_one_database_give_no_changes() {
    let Some(dir) = corpus_dir() else { return };
    let same = |a: &str, b: &str, options: DiffOptions| {
        let found = changes(&dir.join(a), &dir.join(b), &options);
        assert!(found.is_empty(), "{a} → {b}: {:#?}", lines(&found));
    };
    same(
        "public/pagila/2022-12-13_fef9675_pgdump15beta2.sql",
        "public/pagila/2024-10-06_33d5218_pgdump17.0.sql",
        DiffOptions::default(),
    );
    same(
        "public/supabase-postgres/schema_2024-10-17_cfbb1714.sql",
        "public/supabase-postgres/schema-16_2024-10-17_cfbb1714.sql",
        DiffOptions::default(),
    );
    let pair = "selfmade/shrinkchat_staging_vs_production";
    let ignoring = |f: fn(&mut DiffOptions)| {
        let mut options = DiffOptions::default();
        f(&mut options);
        options
    };
    same(
        &format!("{pair}/production.sql"),
        &format!("{pair}/production_with_owner_acl.sql"),
        ignoring(|o| {
            o.ignore_owners = true;
            o.ignore_grants = true;
        }),
    );
    same(
        &format!("{pair}/production_with_owner_acl.sql"),
        &format!("{pair}/variants/production_with_owner_acl_via_pg_restore.sql"),
        DiffOptions::default(),
    );
    same(
        &format!("{pair}/production.sql"),
        &format!("{pair}/variants/production_no_comments.sql"),
        ignoring(|o| o.ignore_comments = true),
    );
    same(
        &format!("{pair}/production.sql"),
        &format!("{pair}/variants/production_schema_public_only.sql"),
        ignoring(|o| o.exclude_schemas = ["auth".to_string(), "extensions".to_string()].into_iter().collect()),
    );
}

#[test]
fn shrinkchat_production_to_staging_gives_exactly_the_documented_differences() {
    let Some(dir) = corpus_dir() else { return };
    let pair = dir.join("selfmade/shrinkchat_staging_vs_production");
    let result = diff(
        &catalog_of(&pair.join("production.sql")),
        &catalog_of(&pair.join("staging.sql")),
        &DiffOptions::default(),
    );
    let found: BTreeSet<String> = lines(&result.changes).into_iter().collect();
    let expected: BTreeSet<String> = [
        "+ table public.account_link_events",
        "+ table public.email_verification_codes",
        "+ table public.scheduled_notifications",
        "- table public.profiles_backup_before_user_id_fix",
        "+ column public.profiles.expo_push_token",
        "+ column public.profiles.notification_preferences",
        "+ column public.profiles.is_test_account",
        "+ column public.commitments.commitment_key",
        "+ column public.sso_identities.email_hash",
        "~ column public.memory.decay_rate",
        // The vector index: HNSW in production, IVFFlat in staging (different names).
        "- index public.idx_memory_embedding_hnsw",
        "+ index public.idx_memory_embedding_ivfflat",
        "+ index public.idx_memory_consolidation",
        "+ index public.idx_memory_quality",
        "+ index public.idx_memory_thread_embedding",
        "+ index public.idx_memory_metadata",
        "+ index public.idx_commitments_key_unique",
        "+ index public.idx_commitments_thread_key",
        "+ index public.idx_profiles_is_test_account",
        "+ index public.idx_profiles_recovery_email_hash_linking",
        "+ index public.idx_sso_identities_email_hash",
        "- index public.idx_memory_quality_compound",
        "- index public.idx_memory_thread_created",
        "- index public.idx_memory_thread_quality_validation",
        "- index public.idx_audit_logs_thread_time",
        "- index public.idx_audit_logs_user_time",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let missing: Vec<&String> = expected.difference(&found).collect();
    assert!(missing.is_empty(), "documented differences not found: {missing:#?}");
    // Anything else must belong to a table that is only on one side (its indexes, comment, policy, trigger).
    let one_sided = [
        "account_link_events",
        "email_verification_codes",
        "scheduled_notifications",
        "profiles_backup_before_user_id_fix",
    ];
    let belongs_to_one_sided_table = |change: &Change| {
        one_sided.iter().map(|t| format!("public.{t}")).any(|table| {
            change.object.contains(&table)
                || change.details.iter().any(|d| {
                    d.property == Property::Table
                        && [&d.from, &d.to].iter().any(|v| v.as_deref() == Some(table.as_str()))
                })
        })
    };
    let unexplained: Vec<String> = result
        .changes
        .iter()
        .filter(|c| !expected.contains(&lines(std::slice::from_ref(c))[0]) && !belongs_to_one_sided_table(c))
        .map(|c| lines(std::slice::from_ref(c)).remove(0))
        .collect();
    assert!(unexplained.is_empty(), "changes the corpus README does not list: {unexplained:#?}");

    let decay = result.changes.iter().find(|c| c.object == "public.memory.decay_rate").unwrap();
    assert_eq!(decay.details.len(), 1);
    assert_eq!(
        (decay.details[0].from.as_deref(), decay.details[0].to.as_deref()),
        (Some("numeric"), Some("double precision"))
    );
    let hnsw = result.changes.iter().find(|c| c.object == "public.idx_memory_embedding_hnsw").unwrap();
    assert!(hnsw.details.iter().any(|d| d.property == Property::Method && d.from.as_deref() == Some("hnsw")));
    assert!(hnsw
        .details
        .iter()
        .any(|d| d.property == Property::Parameters && d.from.as_deref() == Some("ef_construction=64, m=16")));
    let ivfflat = result.changes.iter().find(|c| c.object == "public.idx_memory_embedding_ivfflat").unwrap();
    assert!(ivfflat.details.iter().any(|d| d.property == Property::Parameters && d.to.as_deref() == Some("lists=100")));
    let order_notes: Vec<&str> =
        result.notes.iter().filter(|n| n.object_kind == ObjectKind::Table).map(|n| n.object.as_str()).collect();
    assert_eq!(order_notes, ["public.memory", "public.messages"]);
    let versions: Vec<&str> =
        result.notes.iter().filter(|n| n.object_kind == ObjectKind::Extension).map(|n| n.object.as_str()).collect();
    assert_eq!(versions, ["pg_trgm, pgcrypto, vector"], "a plain dump gives no extension versions");
}

#[test]
fn openstreetmap_pairs_give_their_documented_changes() {
    let Some(dir) = corpus_dir() else { return };
    let pairs = dir.join("public/openstreetmap-website/pairs");
    let check = |case: &str, expected: &[&str]| {
        let found =
            changes(&pairs.join(case).join("before.sql"), &pairs.join(case).join("after.sql"), &DiffOptions::default());
        let found: Vec<String> = lines(&found).into_iter().filter(|l| !l.contains(" migration_version ")).collect();
        assert_eq!(found, expected, "{case}");
    };
    check(
        "seq_as_integer_removed",
        &[
            "~ sequence public.note_comments_id_seq",
            "~ sequence public.notes_id_seq",
            "~ sequence public.oauth_nonces_id_seq",
        ],
    );
    check("not_null_added", &["~ column public.redactions.description", "~ column public.redactions.title"]);
    check("column_dropped", &["- column public.users.creation_ip"]);
    check("enum_default_changed", &["~ column public.gpx_files.visibility"]);
    check(
        "table_dropped_oauth1",
        &[
            "- index public.index_client_applications_on_key",
            "- index public.index_client_applications_on_user_id",
            "- index public.index_oauth_nonces_on_nonce_and_timestamp",
            "- index public.index_oauth_tokens_on_token",
            "- index public.index_oauth_tokens_on_user_id",
            "- sequence public.client_applications_id_seq",
            "- sequence public.oauth_nonces_id_seq",
            "- sequence public.oauth_tokens_id_seq",
            "- table public.client_applications",
            "- table public.oauth_nonces",
            "- table public.oauth_tokens",
        ],
    );

    let sequence = changes(
        &pairs.join("seq_as_integer_removed/before.sql"),
        &pairs.join("seq_as_integer_removed/after.sql"),
        &DiffOptions::default(),
    );
    let detail = &sequence.iter().find(|c| c.object_kind == ObjectKind::Sequence).unwrap().details[0];
    assert_eq!(
        (detail.property.as_str(), detail.from.as_deref(), detail.to.as_deref()),
        ("data type", Some("integer"), Some("bigint"))
    );
    let versions = changes(
        &pairs.join("column_dropped/before.sql"),
        &pairs.join("column_dropped/after.sql"),
        &DiffOptions::default(),
    );
    assert!(lines(&versions).contains(&"+ migration_version public.schema_migrations 20240913171951".to_string()));
}

#[test]
fn leftover_copies_and_migration_tracking_are_recognized() {
    use schemadrift_engine::housekeeping::{cleanup_candidates, tracking_tables};
    let Some(dir) = corpus_dir() else { return };
    let production = catalog_of(&dir.join("selfmade/shrinkchat_staging_vs_production/production.sql"));
    let candidates: Vec<String> = cleanup_candidates(&production).iter().map(|c| c.table.to_string()).collect();
    assert_eq!(candidates, ["public.profiles_backup_before_user_id_fix"]);
    let osm = catalog_of(&dir.join("public/openstreetmap-website/2025-07-17_a024a079.sql"));
    let tracking = tracking_tables(&osm);
    assert_eq!(tracking.len(), 1);
    assert_eq!(tracking[0].table.to_string(), "public.schema_migrations");
    assert!(tracking[0].versions.len() > 100, "{}", tracking[0].versions.len());
    assert!(cleanup_candidates(&osm).is_empty(), "{:?}", cleanup_candidates(&osm));
}

#[test]
fn renames_are_proposed_with_evidence_and_never_applied() {
    let Some(dir) = corpus_dir() else { return };
    let case = dir.join("selfmade/case_a_types_constraints");
    let result =
        diff(&catalog_of(&case.join("before.sql")), &catalog_of(&case.join("after.sql")), &DiffOptions::default());
    let renames: Vec<(&str, &str, u8)> =
        result.rename_candidates.iter().map(|c| (c.from.as_str(), c.to.as_str(), c.confidence)).collect();
    assert_eq!(renames, [("public.customers.fullname", "public.customers.full_name", 100)]);
    assert!(result.changes.iter().any(|c| c.object == "public.customers.fullname" && c.change == ChangeKind::Removed));

    let pair = dir.join("selfmade/shrinkchat_staging_vs_production");
    let result = diff(
        &catalog_of(&pair.join("production.sql")),
        &catalog_of(&pair.join("staging.sql")),
        &DiffOptions::default(),
    );
    let index =
        result.rename_candidates.iter().find(|c| c.object_kind == ObjectKind::Index).expect("the vector index pair");
    assert_eq!(
        (index.from.as_str(), index.to.as_str()),
        ("public.idx_memory_embedding_hnsw", "public.idx_memory_embedding_ivfflat")
    );
    assert!(!index.evidence.contains(&"same method".to_string()));
}
