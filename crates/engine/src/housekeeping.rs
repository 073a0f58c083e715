//! Facts about one catalog that a reviewer wants besides the diff: leftover copies of tables that
//! look safe to clean up, and the tables in which migration tools record what they applied.

use crate::catalog::{Catalog, ConstraintKind, QualifiedName};
use serde::{Deserialize, Serialize};

/// A table that looks like a backup or temporary copy, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanupCandidate {
    pub table: QualifiedName,
    pub reasons: Vec<String>,
}

/// A migration tool's tracking table, with the versions the dump lists (Rails dumps list them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingTable {
    pub table: QualifiedName,
    #[serde(deserialize_with = "crate::interned::one")]
    pub tool: crate::interned::Word,
    pub versions: Vec<String>,
}

pub fn tracking_tables(catalog: &Catalog) -> Vec<TrackingTable> {
    catalog
        .tables
        .keys()
        .filter_map(|table| {
            let tool = crate::catalog::tracking_tool(table)?;
            let versions = catalog.migration_versions.get(table).cloned().unwrap_or_default();
            Some(TrackingTable { table: table.clone(), tool, versions })
        })
        .collect()
}

/// Name parts that mark a copy: `users_backup`, `orders_bak`, `old_users`, `tmp_import`, …
const COPY_WORDS: &[&str] = &["backup", "bak", "bkp", "old", "tmp", "temp", "copy", "archive", "deleted"];

pub fn cleanup_candidates(catalog: &Catalog) -> Vec<CleanupCandidate> {
    let tracking: Vec<QualifiedName> = tracking_tables(catalog).into_iter().map(|t| t.table).collect();
    catalog
        .tables
        .iter()
        .filter(|(name, _)| !tracking.contains(name))
        .filter_map(|(name, table)| {
            let mut reasons = Vec::new();
            let words: Vec<&str> = name.name.split('_').collect();
            if let Some(word) = words.iter().find(|w| COPY_WORDS.contains(w)) {
                reasons.push(format!("its name contains “{word}”"));
            }
            // A partition named by its range (`invoices_2025`) is how partitioning is done, not a copy.
            if words.iter().any(|w| looks_like_a_date(w)) && table.more.partition_of.is_none() {
                reasons.push("its name ends in a date".to_string());
            }
            let has_key = table
                .constraints
                .values()
                .any(|c| matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique));
            if table.created_as_query {
                reasons.push("it was created with CREATE TABLE … AS (a copy)".to_string());
            }
            if !reasons.is_empty() && !has_key {
                reasons.push("it has no primary key".to_string());
            }
            (!reasons.is_empty()).then(|| CleanupCandidate { table: name.clone(), reasons })
        })
        .collect()
}

/// `20240131`, `2024`, `202401` (a year from 2000 to 2099 at the start).
fn looks_like_a_date(word: &str) -> bool {
    matches!(word.len(), 4 | 6 | 8) && word.chars().all(|c| c.is_ascii_digit()) && word.starts_with("20")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_catalog, read};

    fn candidates(sql: &str) -> Vec<(String, Vec<String>)> {
        cleanup_candidates(&build_catalog(&read(sql))).into_iter().map(|c| (c.table.name, c.reasons)).collect()
    }

    #[test]
    fn backups_dated_copies_and_create_table_as_are_flagged() {
        let found = candidates(
            "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE users_backup_before_fix (id int);
             CREATE TABLE orders_2024_03 (id int); CREATE TABLE snapshot AS SELECT 1 AS x;
             CREATE TABLE old_things (id int PRIMARY KEY); CREATE TABLE bold_move (id int);",
        );
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["old_things", "orders_2024_03", "snapshot", "users_backup_before_fix"]);
        let backup = &found.iter().find(|(n, _)| n == "users_backup_before_fix").unwrap().1;
        assert_eq!(backup, &["its name contains “backup”", "it has no primary key"]);
    }

    #[test]
    fn partitions_named_by_their_range_are_not_copies() {
        let found = candidates(
            "CREATE TABLE invoices (id int, issued date, PRIMARY KEY (id, issued)) PARTITION BY RANGE (issued);
             CREATE TABLE invoices_2025 PARTITION OF invoices FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
             CREATE TABLE invoices_2026_old PARTITION OF invoices FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
        );
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["invoices_2026_old"], "a partition still counts when its name says it is old");
    }

    #[test]
    fn tracking_tables_name_their_tool_and_versions() {
        let catalog = build_catalog(&read(
            "CREATE TABLE schema_migrations (version varchar PRIMARY KEY);
             CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY);
             INSERT INTO schema_migrations (version) VALUES ('20240101000000'), ('20240202000000');",
        ));
        let found = tracking_tables(&catalog);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].tool, found[0].versions.len()), ("Prisma", 0));
        assert_eq!(found[1].tool, "Rails / dbmate / golang-migrate");
        assert_eq!(found[1].versions, ["20240101000000", "20240202000000"]);
        assert!(cleanup_candidates(&catalog).is_empty());
    }
}
