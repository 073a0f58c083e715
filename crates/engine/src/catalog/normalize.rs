//! Normalizations applied once the whole dump is read, so that two dumps of one database give one
//! catalog whatever pg_dump version wrote them.
//!
//! Each step states the PostgreSQL fact it relies on.

use super::{Catalog, Constraint, ConstraintKind};

pub(super) fn normalize(catalog: &mut Catalog) {
    add_the_public_schema(catalog);
    // A sequence created without `AS` is bigint (and every sequence was, before PostgreSQL 10).
    for sequence in catalog.sequences.values_mut() {
        sequence.data_type.get_or_insert_with(|| "bigint".to_string());
    }
    remove_the_implied_plpgsql_extension(catalog);
    add_typed_table_columns(catalog);
    add_inherited_columns(catalog);
    resolve_owner_kinds(catalog);
    remove_checks_inherited_by_partitions(catalog);
    add_constraints_implied_by_partitioning(catalog);
    for grant in catalog.grants.iter_mut() {
        if let Some(keyed) = grant_by_function_identity(grant) {
            *grant = keyed;
        }
    }
    for table in catalog.tables.values_mut() {
        if let Some((_, bound)) = table.more.set_mut().and_then(|more| more.partition_of.as_mut()) {
            *bound = bound_in_utc(bound);
        }
    }
}

/// A privilege on a function names it by its argument types, as PostgreSQL identifies it: pg_dump
/// writes the argument names too (`on function public.f(item integer)`), and a renamed argument is
/// the same function with the same privileges (`on function public.f(integer)`).
fn grant_by_function_identity(grant: &str) -> Option<String> {
    for kind in [" on function ", " on procedure ", " on routine "] {
        let Some(at) = grant.find(kind) else { continue };
        let start = at + kind.len();
        let open = start + grant[start..].find('(')?;
        let close = open + matching_parenthesis(&grant[open..])?;
        let identity = super::name::identity_arguments(&grant[open + 1..close]);
        return Some(format!("{}({identity}){}", &grant[..open], &grant[close + 1..]));
    }
    None
}

/// The offset of the `)` closing the `(` that `text` starts with.
fn matching_parenthesis(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// Every database has the `public` schema, with the comment `standard public schema`; a full dump
/// leaves both implied, while `pg_dump --schema=public` writes them out.
fn add_the_public_schema(catalog: &mut Catalog) {
    catalog.schemas.entry("public".to_string()).or_default();
    if catalog.comments.get("schema public").is_some_and(|c| c == "standard public schema") {
        catalog.comments.remove("schema public");
    }
}

/// PL/pgSQL is installed in every database since PostgreSQL 9.0; dumps up to PostgreSQL 10 write
/// `CREATE EXTENSION plpgsql` and its comment, newer ones leave it implied.
fn remove_the_implied_plpgsql_extension(catalog: &mut Catalog) {
    catalog.extensions.remove("plpgsql");
    catalog.comments.remove("extension plpgsql");
}

/// A typed table's columns are its type's attributes, in their order: what `CREATE TABLE … OF
/// type (…)` lists are their options (NOT NULL, a default).
fn add_typed_table_columns(catalog: &mut Catalog) {
    for table in catalog.tables.values_mut() {
        let Some(of) = &table.more.of_type else { continue };
        let Some(super::TypeDef::Composite { attributes }) = catalog.types.get(of) else { continue };
        let listed = std::mem::take(&mut table.columns);
        table.columns = attributes
            .iter()
            .enumerate()
            .map(|(index, (name, data_type))| {
                let mut column = listed.iter().find(|c| c.name == *name).cloned().unwrap_or_default();
                column.name = name.clone();
                column.data_type = data_type.clone();
                column.position = index + 1;
                column
            })
            .collect();
    }
}

/// A child created with `INHERITS (parent)` or `PARTITION OF parent` without listing all columns
/// gets the parent's columns first, in the parent's order; a column the child also lists is merged
/// into that position. A child that lists every column (as modern pg_dump writes partitions) keeps
/// its own order, which may differ from the parent's.
fn add_inherited_columns(catalog: &mut Catalog) {
    let names: Vec<_> = catalog.tables.keys().cloned().collect();
    for name in names {
        let columns = full_columns(catalog, &name, 0);
        if let Some(table) = catalog.tables.get_mut(&name) {
            table.columns = columns;
        }
    }
}

pub(super) fn full_columns(catalog: &Catalog, name: &super::QualifiedName, depth: usize) -> Vec<super::Column> {
    let Some(table) = catalog.tables.get(name) else { return Vec::new() };
    let parents: Vec<&super::QualifiedName> =
        table.more.inherits.iter().chain(table.more.partition_of.as_ref().map(|(parent, _)| parent)).collect();
    if parents.is_empty() || depth > 32 {
        return table.columns.clone();
    }
    let mut inherited: Vec<super::Column> = Vec::new();
    for parent in parents {
        for column in full_columns(catalog, parent, depth + 1) {
            if !inherited.iter().any(|c| c.name == column.name) {
                inherited.push(column);
            }
        }
    }
    if inherited.iter().all(|c| table.column(&c.name).is_some()) {
        return table.columns.clone();
    }
    let mut columns: Vec<super::Column> = inherited
        .into_iter()
        .map(|parent_column| table.column(&parent_column.name).cloned().unwrap_or(parent_column))
        .collect();
    for local in &table.columns {
        if !columns.iter().any(|c| c.name == local.name) {
            columns.push(local.clone());
        }
    }
    for (position, column) in columns.iter_mut().enumerate() {
        column.position = position + 1;
    }
    columns
}

/// Older pg_dump writes `ALTER TABLE s OWNER TO` for sequences and views too; newer versions write
/// `ALTER SEQUENCE` / `ALTER VIEW`. The owner belongs to the relation, so it is keyed by what the
/// relation really is.
fn resolve_owner_kinds(catalog: &mut Catalog) {
    let owners = std::mem::take(&mut catalog.owners);
    for (key, owner) in owners {
        let relation = ["table ", "sequence ", "view ", "materialized view ", "foreign table "]
            .iter()
            .find_map(|prefix| key.strip_prefix(prefix));
        let key = match relation {
            Some(name) => {
                let found = crate::catalog::find_shown(&catalog.sequences, name)
                    .map(|(n, _)| n)
                    .or_else(|| crate::catalog::find_shown(&catalog.views, name).map(|(n, _)| n));
                let kind = match found {
                    Some(found) if catalog.sequences.contains_key(found) => "sequence",
                    Some(found) if catalog.views[found].materialized => "materialized view",
                    Some(_) => "view",
                    None => "table",
                };
                format!("{kind} {name}")
            }
            None => key,
        };
        catalog.owners.insert(key, owner);
    }
}

/// A partition's CHECK constraint that repeats its parent's (same name and definition) is the
/// parent's, inherited: PostgreSQL marks it non-local on ATTACH PARTITION, and pg_dump prints it in
/// the partition only when the partition is created on its own before being attached.
fn remove_checks_inherited_by_partitions(catalog: &mut Catalog) {
    let mut inherited = Vec::new();
    for (child_name, child) in &catalog.tables {
        let Some((parent_name, _)) = &child.more.partition_of else { continue };
        let Some(parent) = catalog.tables.get(parent_name) else { continue };
        for (name, constraint) in &child.constraints {
            if constraint.kind == ConstraintKind::Check && parent.constraints.get(name) == Some(constraint) {
                inherited.push((child_name.clone(), name.clone()));
            }
        }
    }
    for (child, name) in inherited {
        if let Some(table) = catalog.tables.get_mut(&child) {
            table.constraints.remove(&name);
        }
    }
}

/// A primary key or unique constraint on a partitioned table exists on every partition too
/// (PostgreSQL creates `<partition>_pkey` when the partition is attached). Some pg_dump versions
/// print those partition constraints, others leave them implied.
fn add_constraints_implied_by_partitioning(catalog: &mut Catalog) {
    let mut implied = Vec::new();
    for (child_name, child) in &catalog.tables {
        let Some((parent_name, _)) = &child.more.partition_of else { continue };
        let Some(parent) = catalog.tables.get(parent_name) else { continue };
        for constraint in parent.constraints.values() {
            if !matches!(constraint.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
                continue;
            }
            if child.constraints.values().any(|c| c.definition == constraint.definition) {
                continue;
            }
            let name = match constraint.kind {
                ConstraintKind::PrimaryKey => format!("{}_pkey", child_name.name),
                _ => format!("{}_{}_key", child_name.name, constraint.key_columns().join("_")),
            };
            implied.push((child_name.clone(), name, constraint.clone()));
        }
    }
    for (child, name, constraint) in implied {
        if let Some(table) = catalog.tables.get_mut(&child) {
            table.constraints.entry(name).or_insert(Constraint { not_valid: false, ..constraint });
        }
    }
}

/// Partition bounds of `timestamptz` columns are printed in the dumping session's time zone:
/// `'2022-01-01 03:00:00+03'` and `'2022-01-01 00:00:00+00'` are one instant. Literals with a UTC
/// offset are rewritten in UTC; everything else is left as written.
fn bound_in_utc(bound: &str) -> String {
    let mut out = String::with_capacity(bound.len());
    let mut rest = bound;
    while let Some(open) = rest.find('\'') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('\'') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let literal = &after[..close];
        out.push('\'');
        out.push_str(&timestamp_in_utc(literal).unwrap_or_else(|| literal.to_string()));
        out.push('\'');
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `YYYY-MM-DD HH:MM:SS[.frac]±HH[:MM]` → the same instant as `YYYY-MM-DD HH:MM:SS[.frac]+00`.
fn timestamp_in_utc(literal: &str) -> Option<String> {
    let (date, time) = literal.split_once(' ')?;
    let sign_at = time.rfind(['+', '-'])?;
    let (clock, offset) = time.split_at(sign_at);
    let mut date_parts = date.split('-').map(|p| p.parse::<i64>());
    let (year, month, day) = (date_parts.next()?.ok()?, date_parts.next()?.ok()?, date_parts.next()?.ok()?);
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, fraction)) => (hms, format!(".{fraction}")),
        None => (clock, String::new()),
    };
    let mut clock_parts = hms.split(':').map(|p| p.parse::<i64>());
    let (hour, minute, second) = (clock_parts.next()?.ok()?, clock_parts.next()?.ok()?, clock_parts.next()?.ok()?);
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let mut offset_parts = offset[1..].split(':').map(|p| p.parse::<i64>());
    let offset_hours = offset_parts.next()?.ok()?;
    let offset_minutes = offset_parts.next().transpose().ok()?.unwrap_or(0);
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    let utc = local - sign * (offset_hours * 3600 + offset_minutes * 60);
    let (days, seconds) = (utc.div_euclid(86_400), utc.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    Some(format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}{fraction}+00",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_bounds_in_other_time_zones_are_one_instant() {
        assert_eq!(
            bound_in_utc("FOR VALUES FROM ('2022-01-01 03:00:00+03') TO ('2022-02-01 01:00:00+01')"),
            "FOR VALUES FROM ('2022-01-01 00:00:00+00') TO ('2022-02-01 00:00:00+00')"
        );
        assert_eq!(timestamp_in_utc("2024-03-01 00:30:00-05:30").as_deref(), Some("2024-03-01 06:00:00+00"));
        assert_eq!(timestamp_in_utc("2021-01-01 00:00:00.25+01").as_deref(), Some("2020-12-31 23:00:00.25+00"));
        // Not a timestamp with an offset: left alone.
        assert_eq!(bound_in_utc("FOR VALUES IN ('eu-west-1', 'us')"), "FOR VALUES IN ('eu-west-1', 'us')");
        assert_eq!(
            bound_in_utc("FOR VALUES FROM (MINVALUE) TO ('2020-01-01')"),
            "FOR VALUES FROM (MINVALUE) TO ('2020-01-01')"
        );
    }

    #[test]
    fn calendar_conversion_round_trips() {
        for days in [-800_000, -1, 0, 1, 59, 60, 10_957, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }
}
