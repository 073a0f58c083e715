//! `CREATE TABLE` as the migration writes it, for a new table or one made again: the one writer of
//! a table's creation in the script (columns with identity and storage, keys, partitions and typed
//! tables, inheritance, row-level security, replica identity).

use super::*;

pub(in crate::plan) fn create_table_sql(catalog: &Catalog, name: &QualifiedName, table: &Table) -> String {
    let unlogged = if table.unlogged { "UNLOGGED " } else { "" };
    let mut out = String::new();
    let mut keys: Vec<String> = table
        .constraints
        .iter()
        .filter(|(_, c)| !is_foreign(c) && !c.not_valid)
        .map(|(key, c)| format!("CONSTRAINT {} {}", ident(key), c.definition))
        .collect();
    // A partition must carry its parent's CHECKs to be attached (the catalog keeps them on the parent).
    if let Some(parent) = table.more.partition_of.as_ref().and_then(|(parent, _)| catalog.tables.get(parent)) {
        keys.extend(
            parent
                .constraints
                .iter()
                .filter(|(key, c)| c.kind == ConstraintKind::Check && !table.constraints.contains_key(*key))
                .map(|(key, c)| format!("CONSTRAINT {} {}", ident(key), c.definition)),
        );
    }
    // A new partition is created as a table of its own and attached once its indexes exist (as
    // pg_dump does), so PostgreSQL matches its keys and indexes with the parent's instead of
    // creating copies under other names.
    let mut own: Vec<String> = Vec::new();
    {
        let inherited: BTreeSet<&str> = table
            .more
            .inherits
            .iter()
            .filter_map(|parent| catalog.tables.get(parent))
            .flat_map(|parent| parent.columns.iter().map(|c| c.name.as_str()))
            .collect();
        let mut lines: Vec<String> = table
            .columns
            .iter()
            .filter(|c| !inherited.contains(c.name.as_str()))
            .map(|c| column_sql(catalog, name, c))
            .collect();
        // A typed table's columns come from its type: what it lists are their options.
        let of = match &table.more.of_type {
            Some(of) => {
                lines = table
                    .columns
                    .iter()
                    .filter(|c| c.not_null || c.default.is_some())
                    .map(|c| {
                        let not_null = if c.not_null { " NOT NULL" } else { "" };
                        let default = c.default.as_ref().map(|d| format!(" DEFAULT {d}")).unwrap_or_default();
                        format!("{} WITH OPTIONS{not_null}{default}", ident(&c.name))
                    })
                    .collect();
                format!(" OF {}", qualified(of))
            }
            None => String::new(),
        };
        lines.extend(keys);
        out.push_str(&format!("CREATE {unlogged}TABLE IF NOT EXISTS {}{of}", qualified(name)));
        if !of.is_empty() && lines.is_empty() {
        } else if lines.is_empty() {
            out.push_str(" (");
            out.push(')');
        } else {
            out.push_str(&format!(" (\n    {}\n)", lines.join(",\n    ")));
        }
        if !table.more.inherits.is_empty() {
            let parents: Vec<String> = table.more.inherits.iter().map(qualified).collect();
            out.push_str(&format!(" INHERITS ({})", parents.join(", ")));
        }
        // An inherited column's own default or NOT NULL (`ALTER TABLE ONLY child …`): after the
        // statement, once the column exists.
        let parent_column = |column: &str| {
            table.more.inherits.iter().filter_map(|parent| catalog.tables.get(parent)).find_map(|t| t.column(column))
        };
        for column in table.columns.iter().filter(|c| inherited.contains(c.name.as_str())) {
            let Some(from_parent) = parent_column(&column.name) else { continue };
            let col = ident(&column.name);
            if column.default != from_parent.default {
                let action = column.default.as_ref().map_or("DROP DEFAULT".to_string(), |d| format!("SET DEFAULT {d}"));
                own.push(format!("ALTER TABLE ONLY {} ALTER COLUMN {col} {action};", qualified(name)));
            }
            if column.not_null && !from_parent.not_null {
                own.push(format!("ALTER TABLE ONLY {} ALTER COLUMN {col} SET NOT NULL;", qualified(name)));
            }
        }
    }
    if let Some(partition_by) = &table.more.partition_by {
        out.push_str(&format!(" PARTITION BY {partition_by}"));
    }
    if !table.more.options.is_empty() {
        out.push_str(&format!(" WITH ({})", table.more.options.join(", ")));
    }
    if let Some(tablespace) = &table.more.tablespace {
        out.push_str(&format!(" TABLESPACE {}", ident(tablespace)));
    }
    out.push(';');
    for statement in own {
        out.push('\n');
        out.push_str(&statement);
    }
    let shown = qualified(name);
    if table.row_level_security {
        out.push_str(&format!("\nALTER TABLE {shown} ENABLE ROW LEVEL SECURITY;"));
    }
    if table.force_row_level_security {
        out.push_str(&format!("\nALTER TABLE {shown} FORCE ROW LEVEL SECURITY;"));
    }
    // `USING INDEX` waits for the index (`replica_identity_index`).
    if let Some(identity) = table.more.replica_identity.as_ref().filter(|i| !uses_index(i)) {
        out.push_str(&format!("\nALTER TABLE {shown} REPLICA IDENTITY {identity};"));
    }
    out
}

/// A column as `ADD COLUMN` / `CREATE TABLE` writes it, with the identity's own sequence options.
pub(in crate::plan) fn column_sql(catalog: &Catalog, table: &QualifiedName, column: &Column) -> String {
    let mut text = column_definition(column);
    if column.more.identity.is_some() {
        if let Some(options) = identity_options(catalog, table, &column.name) {
            text = text.replacen(" AS IDENTITY", &format!(" AS IDENTITY ({options})"), 1);
        }
    }
    text
}

/// `SEQUENCE NAME s.q START WITH 1 …` for the sequence behind an identity column.
pub(in crate::plan) fn identity_options(catalog: &Catalog, table: &QualifiedName, column: &str) -> Option<String> {
    let owner = format!("{table}.{column}");
    let (name, sequence) = catalog.sequences.iter().find(|(_, s)| s.owned_by.as_deref() == Some(owner.as_str()))?;
    let mut parts = vec![format!("SEQUENCE NAME {}", qualified(name))];
    parts.extend(sequence.options.iter().cloned());
    Some(parts.join(" "))
}

/// `REPLICA IDENTITY USING INDEX i` once `i` exists: new indexes are built in phase 2.
/// An index whose column becomes NOT NULL in phase 3 can serve only after that (PostgreSQL
/// refuses an index over a nullable column).
pub(in crate::plan) fn replica_identity_index(
    p: &mut Planner,
    name: &QualifiedName,
    identity: &str,
    change_id: String,
) {
    let sql = format!("ALTER TABLE {} REPLICA IDENTITY {identity};", qualified(name));
    let index = identity.rsplit(' ').next().map(|i| QualifiedName::new(&name.schema, i.trim_matches('"')));
    let keys = index.and_then(|i| p.to.indexes.get(&i)).map(|i| i.keys.clone()).unwrap_or_default();
    let old = p.from.tables.get(&p.old_table_name(name));
    let gains_not_null = p.to.tables.get(name).is_some_and(|t| {
        t.columns.iter().any(|c| {
            c.not_null
                && old.and_then(|o| o.column(&c.name)).is_some_and(|o| !o.not_null)
                && keys.iter().any(|k| names_word(k, &c.name))
        })
    });
    if gains_not_null {
        p.push_step(Phase::Rewrite, Rank::Validate, sql, vec![change_id], None);
    } else {
        p.push_step(Phase::Online, Rank::IndexAttach, sql, vec![change_id], None);
    }
}
