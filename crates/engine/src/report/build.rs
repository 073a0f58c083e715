//! Fills the report from a release and the two catalogs, section by section.

use super::columns::*;
use super::indexes::*;
use super::*;
use crate::catalog::{ByTable, Catalog, QualifiedName};
use crate::diff::{
    align_columns, inventory, key_findings, table_of, Change, ChangeKind, DiffOptions, ObjectKind, Property,
    TableStatus,
};
use crate::housekeeping::{cleanup_candidates, tracking_tables, TrackingTable};
use crate::plan::Phase;
use crate::release::Release;
use std::collections::BTreeMap;

/// Builds the report of `release` (computed from `sources.from` → `sources.to`).
pub fn build(release: &Release, sources: Basis<'_>) -> Report {
    let Basis { from, to, inputs, options, secrets, rollback } = sources;
    let diff = &release.diff;
    let by_change = crate::risks::by_change(&release.risks);
    let row = |change: &Change| ChangeRow {
        change: change.change,
        object_kind: change.object_kind,
        object: change.object.clone(),
        details: change.details.clone(),
        risk: by_change.of_change(change),
    };
    let changes: Vec<ChangeRow> = diff.changes.iter().map(row).collect();
    let entries = inventory(from, to, diff, options);
    let named = |status: TableStatus| entries.iter().filter(move |e| e.status == status);
    let by_table = [ByTable::new(from), ByTable::new(to)];
    let fact = |catalog: &Catalog, by: &ByTable<'_>, shown: &str| {
        let (name, table) = find_table(catalog, shown)?;
        Some(TableFact {
            table: shown.to_string(),
            columns: table.columns.len(),
            indexes: by.indexes(name).len(),
            definition_lines: crate::sql::table_ddl_with(catalog, by, name).map_or(0, |d| d.lines().count()),
            comment: catalog.comments.get(&format!("table {shown}")).cloned(),
        })
    };
    let inventory = Inventory {
        tables: [count_tables(from, options), count_tables(to, options)],
        only_in_from: named(TableStatus::OnlyInFrom).filter_map(|e| fact(from, &by_table[0], &e.table)).collect(),
        only_in_to: named(TableStatus::OnlyInTo).filter_map(|e| fact(to, &by_table[1], &e.table)).collect(),
        common: entries
            .iter()
            .filter(|e| matches!(e.status, TableStatus::Changed | TableStatus::Unchanged))
            .map(|e| e.table.clone())
            .collect(),
        changed: named(TableStatus::Changed).map(|e| e.table.clone()).collect(),
        size_totals: [0, 1].map(|i| {
            options.sizes[i].as_ref().map(|_| entries.iter().filter_map(|e| e.sizes[i]).map(|s| s.bytes).sum::<u64>())
        }),
        size_files: [0, 1].map(|i| options.sizes[i].as_ref().map(|s| s.file_name.clone())),
        sizes: if options.sizes.iter().any(Option::is_some) {
            let mut rows: Vec<SizeRow> =
                entries.iter().map(|e| SizeRow { table: e.table.clone(), sizes: e.sizes }).collect();
            let largest = |r: &SizeRow| r.sizes.iter().flatten().map(|s| s.bytes).max().unwrap_or(0);
            rows.sort_by(|a, b| largest(b).cmp(&largest(a)).then_with(|| a.table.cmp(&b.table)));
            rows
        } else {
            Vec::new()
        },
    };
    // What is only needed to build a section goes as soon as it is built: a report of many objects
    // is large, and the peak is the sum of what is alive at once.
    drop(entries);
    let new_table_names: Vec<&str> = inventory.only_in_to.iter().map(|t| t.table.as_str()).collect();
    let column_differences = column_differences(diff, from, to, &inventory.only_in_from, &new_table_names);
    let rewrites: Vec<&str> =
        release.risks.iter().filter(|r| r.rule == "column-type-change").map(|r| r.object.as_str()).collect();
    let type_changes: Vec<TypeChange> = diff
        .changes
        .iter()
        .filter(|c| c.object_kind == ObjectKind::Column && c.change == ChangeKind::Altered)
        .filter_map(|c| {
            let detail = c.details.iter().find(|d| d.property == Property::Type)?;
            let (table, column) = c.key.member()?;
            Some(TypeChange {
                table: table.to_string(),
                column: column.to_string(),
                from: detail.from.clone().unwrap_or_default(),
                to: detail.to.clone().unwrap_or_default(),
                rewrites: rewrites.contains(&c.object.as_str()),
            })
        })
        .collect();
    let column_order: Vec<ColumnOrder> =
        inventory.common.iter().filter_map(|shown| column_order(from, to, shown)).collect();
    let mut changes_by_table: BTreeMap<String, Vec<&Change>> = BTreeMap::new();
    for change in &diff.changes {
        if let Some(table) = table_of(change, from, to) {
            changes_by_table.entry(table).or_default().push(change);
        }
    }
    let deep_dives: Vec<DeepDive> = inventory
        .changed
        .iter()
        .map(|shown| {
            let old = find_table(from, shown).map(|(_, t)| t);
            let new = find_table(to, shown).map(|(_, t)| t);
            let old_name = old.map(|_| shown.as_str()).unwrap_or(shown);
            DeepDive {
                table: shown.clone(),
                comment: to.comments.get(&format!("table {shown}")).cloned(),
                columns: align_columns(old, new)
                    .into_iter()
                    .map(|pair| ColumnRow {
                        from: pair.from.as_ref().map(|c| column_fact(from, old_name, c)),
                        to: pair.to.as_ref().map(|c| column_fact(to, shown, c)),
                        status: pair.status,
                        differs: pair.differs,
                    })
                    .collect(),
                changes: changes_by_table.get(shown).into_iter().flatten().map(|c| row(c)).collect(),
            }
        })
        .collect();
    drop(changes_by_table);
    let new_tables: Vec<NewTable> = inventory
        .only_in_to
        .iter()
        .filter_map(|fact| {
            let (name, table) = find_table(to, &fact.table)?;
            Some(NewTable {
                table: fact.table.clone(),
                comment: fact.comment.clone(),
                columns: table.columns.iter().map(|c| column_fact(to, &fact.table, c)).collect(),
                definition: crate::sql::create_table(name, table),
                indexes: table_indexes(to, &by_table[1], name),
            })
        })
        .collect();
    let indexes =
        index_comparison(diff, (from, to), &by_table, (&inventory.only_in_from, &inventory.only_in_to), options, &row);
    drop((by_change, by_table));
    let migration_status = migration_status(from, to, &inputs);
    let risk_matrix = crate::risks::matrix(&release.risks);
    let migration = Migration {
        phases: Phase::ALL
            .iter()
            .map(|phase| PhaseScript {
                phase: *phase,
                title: phase.title(),
                statements: release.plan.phase(*phase).map(|s| s.sql.clone()).collect(),
            })
            .filter(|p| !p.statements.is_empty())
            .collect(),
        manual: release.plan.manual.clone(),
        script: std::sync::Arc::clone(&release.script),
        rollback,
    };
    let dropped = release
        .plan
        .steps
        .iter()
        .filter(|s| matches!(s.phase, Phase::CleanupIndexes | Phase::Cleanup))
        .flat_map(|s| s.changes.iter().cloned())
        .collect();
    let cleanup = Cleanup { candidates: [cleanup_candidates(from), cleanup_candidates(to)], dropped };
    let column_additions: Vec<ColumnAddition> = column_differences
        .iter()
        .flat_map(|t| {
            t.added.iter().map(|c| ColumnAddition {
                table: t.table.clone(),
                column: c.column.clone(),
                data_type: c.data_type.clone(),
                not_null: c.not_null,
            })
        })
        .collect();
    let appendix = Appendix {
        counts: [from.counts(), to.counts()],
        tables_only_in: [
            inventory.only_in_from.iter().map(|t| t.table.clone()).collect(),
            inventory.only_in_to.iter().map(|t| t.table.clone()).collect(),
        ],
        column_additions,
        indexes: indexes.counts,
        new_indexes: indexes.only_in_to.len(),
    };
    let (from_name, to_name) = (inputs[0].name.as_str(), inputs[1].name.as_str());
    let facts = checklists::Facts { release, changes: &changes, new_tables: &new_tables, type_changes: &type_changes };
    let testing = checklists::testing(&facts, from_name, to_name);
    let post_migration = checklists::post_migration(&facts);
    let orm = orm::hints(to, &new_tables, &column_differences);
    Report {
        tool: TOOL,
        tool_version: env!("CARGO_PKG_VERSION"),
        key_findings: key_findings(diff, from_name, to_name),
        inputs,
        summary: diff.summary.clone(),
        inventory,
        changes,
        column_differences,
        type_changes,
        column_order,
        deep_dives,
        new_tables,
        indexes,
        migration_status,
        risk_counts: crate::risks::counts(&release.risks),
        risk_matrix,
        risks: std::sync::Arc::clone(&release.risks),
        compatibility: std::sync::Arc::clone(&release.compatibility),
        deploy_order: release.deploy_order.clone(),
        migration,
        testing,
        post_migration,
        cleanup,
        appendix,
        notes: diff.notes.clone(),
        rename_candidates: diff.rename_candidates.clone(),
        secrets,
        orm,
    }
}

pub(super) fn count_tables(catalog: &Catalog, options: &DiffOptions) -> usize {
    catalog.tables.keys().filter(|n| !options.excludes(&n.schema)).count()
}

/// A table by the name the diff shows (`schema.table`).
pub(super) fn find_table<'a>(
    catalog: &'a Catalog,
    shown: &str,
) -> Option<(&'a QualifiedName, &'a crate::catalog::Table)> {
    crate::catalog::find_shown(&catalog.tables, shown)
}

pub(super) fn migration_status(from: &Catalog, to: &Catalog, inputs: &[InputFacts; 2]) -> MigrationStatus {
    let tracking = [tracking_tables(from), tracking_tables(to)];
    let versions = |side: &[TrackingTable]| -> Vec<String> {
        let mut all: Vec<String> = side.iter().flat_map(|t| t.versions.iter().cloned()).collect();
        all.sort();
        all.dedup();
        all
    };
    let (old, new) = (versions(&tracking[0]), versions(&tracking[1]));
    let versions_only_in_from: Vec<String> = old.iter().filter(|v| !new.contains(v)).cloned().collect();
    let versions_only_in_to: Vec<String> = new.iter().filter(|v| !old.contains(v)).cloned().collect();
    let finding = if tracking.iter().all(Vec::is_empty) {
        "Neither dump has a migration tracking table (Prisma's _prisma_migrations, Rails' schema_migrations, \
         Supabase's supabase_migrations.schema_migrations, Flyway, Liquibase, Django, Drizzle, …): the \
         migrations are kept elsewhere (another schema, the migration tool's own store) or the schema is \
         managed by hand. Compare the applied migrations where they are kept."
            .to_string()
    } else if old.is_empty() && new.is_empty() {
        "The tracking tables list no versions here: a schema-only dump leaves their rows out (Rails' \
         structure.sql keeps them)."
            .to_string()
    } else {
        format!(
            "{} versions only in {}, {} only in {}.",
            versions_only_in_to.len(),
            inputs[1].name,
            versions_only_in_from.len(),
            inputs[0].name
        )
    };
    MigrationStatus { tracking, versions_only_in_from, versions_only_in_to, finding }
}
