//! Every table of the project's dumps, written back as SQL by `sql::table_ddl`, reads as the same
//! table: the DDL the browser shows side by side (and later migrations) says what the dump says.

mod common;

use schemadrift_engine::sql::table_ddl;
use schemadrift_engine::{build_catalog, read};

#[test]
fn table_ddl_reads_back_as_the_same_table() {
    let mut checked = 0;
    let mut files = common::project_dumps();
    // The project's dumps hold 72 tables of this kind; the corpus more than as many again.
    let mut minimum = 70;
    if let Some(corpus) = common::corpus_dir() {
        files.extend(common::dumps(&corpus));
        minimum = 100;
    }
    let mut failures = Vec::new();
    for path in files {
        let catalog = common::catalog_of(&path);
        for (name, table) in &catalog.tables {
            // Inherited columns and partition bounds depend on the parent, which this DDL leaves out.
            if !table.more.inherits.is_empty() || table.more.partition_of.is_some() {
                continue;
            }
            let ddl = table_ddl(&catalog, name).expect("the table exists");
            let again = build_catalog(&read(&ddl));
            if again.tables.get(name) != Some(table) {
                failures.push(format!(
                    "{}: {name}\n{ddl}\n{:#?}\n{:#?}",
                    path.display(),
                    again.tables.get(name),
                    table
                ));
            }
            let indexes = |c: &schemadrift_engine::Catalog| {
                c.indexes
                    .iter()
                    .filter(|(_, i)| &i.table == name)
                    .map(|(k, i)| (k.clone(), i.clone()))
                    .collect::<Vec<_>>()
            };
            if indexes(&again) != indexes(&catalog) {
                failures.push(format!("{}: indexes of {name}\n{ddl}", path.display()));
            }
            checked += 1;
        }
    }
    assert!(checked > minimum, "only {checked} tables checked");
    assert!(
        failures.is_empty(),
        "{} tables differ; first:\n{}",
        failures.len(),
        failures.iter().take(3).cloned().collect::<Vec<_>>().join("\n\n")
    );
}
