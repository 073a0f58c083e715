//! Key findings: the diff told in a few plain sentences, like the executive summary a reviewer
//! would write by hand ("3 new tables in staging: …").

use super::ObjectKind;
use super::{Change, ChangeKind, Diff};
use crate::diff::Property;

/// At most this many names are listed in one sentence; the rest are counted.
const NAMES_SHOWN: usize = 5;

/// Sentences about the diff, most important first. `from` and `to` are the names the user knows
/// the two sides by (e.g. the file names).
pub fn key_findings(diff: &Diff, from: &str, to: &str) -> Vec<String> {
    let of = |kind: ObjectKind, change: ChangeKind| -> Vec<&Change> {
        diff.changes.iter().filter(|c| c.object_kind == kind && c.change == change).collect()
    };
    let mut out: Vec<String> = Vec::new();
    let plain = |c: &Change| short(&c.object);
    let uncompared: Vec<&Change> = diff.changes.iter().filter(|c| c.change == ChangeKind::Uncompared).collect();
    out.extend(sentence(
        &uncompared,
        "object not compared",
        "objects not compared",
        "(a statement of theirs was not understood; the script leaves them as they are)",
        &|c: &Change| format!("{} {}", c.object_kind.words(), short(&c.object)),
    ));
    let to_place = format!("only in {to}");
    let from_place = format!("only in {from}");
    out.extend(sentence(&of(ObjectKind::Table, ChangeKind::Added), "table", "tables", &to_place, &plain));
    out.extend(sentence(&of(ObjectKind::Table, ChangeKind::Removed), "table", "tables", &from_place, &plain));
    out.extend(sentence(
        &of(ObjectKind::Column, ChangeKind::Added),
        "new column",
        "new columns",
        &format!("in {to}"),
        &plain,
    ));
    out.extend(sentence(
        &of(ObjectKind::Column, ChangeKind::Removed),
        "column",
        "columns",
        &format!("dropped in {to}"),
        &plain,
    ));
    let altered_columns = of(ObjectKind::Column, ChangeKind::Altered);
    let type_changes: Vec<&Change> =
        altered_columns.iter().copied().filter(|c| c.details.iter().any(|d| d.property == Property::Type)).collect();
    out.extend(sentence(&type_changes, "column type change", "column type changes", "", &|c: &Change| {
        let detail = c.details.iter().find(|d| d.property == Property::Type).expect("filtered on type");
        format!("{} {} → {}", short(&c.object), value(&detail.from), value(&detail.to))
    }));
    let other_column_changes: Vec<&Change> =
        altered_columns.iter().copied().filter(|c| !c.details.iter().any(|d| d.property == Property::Type)).collect();
    out.extend(sentence(
        &other_column_changes,
        "column changed",
        "columns changed",
        "(default, NOT NULL, …)",
        &|c: &Change| {
            let properties: Vec<&str> = c.details.iter().map(|d| d.property.as_str()).collect();
            format!("{} ({})", short(&c.object), properties.join(", "))
        },
    ));
    let (added, removed, altered) = (
        of(ObjectKind::Index, ChangeKind::Added).len(),
        of(ObjectKind::Index, ChangeKind::Removed).len(),
        of(ObjectKind::Index, ChangeKind::Altered),
    );
    if added + removed > 0 {
        out.push(format!("Indexes: {added} only in {to}, {removed} only in {from}"));
    }
    out.extend(sentence(&altered, "index changed", "indexes changed", "", &|c: &Change| {
        let method = c.details.iter().find(|d| d.property == Property::Method);
        match method {
            Some(m) => format!("{} (method {} → {})", short(&c.object), value(&m.from), value(&m.to)),
            None => short(&c.object),
        }
    }));
    for (kind, one, many) in [
        (ObjectKind::Type, "type changed", "types changed"),
        (ObjectKind::Function, "function changed", "functions changed"),
        (ObjectKind::View, "view changed", "views changed"),
        (ObjectKind::MaterializedView, "materialized view changed", "materialized views changed"),
        (ObjectKind::Policy, "policy changed", "policies changed"),
        (ObjectKind::Trigger, "trigger changed", "triggers changed"),
    ] {
        out.extend(sentence(&of(kind, ChangeKind::Altered), one, many, "", &plain));
    }
    for note in &diff.notes {
        out.push(format!("{}: {}", short(&note.object), note.note));
    }
    // Whatever no sentence above tells (statements, grants, owners, comments, …) is still counted:
    // "the same schema" is said only of a diff without a single change.
    let told = out.len();
    if told == 0 && !diff.changes.is_empty() {
        let mut kinds: Vec<ObjectKind> = diff.changes.iter().map(|c| c.object_kind).collect();
        kinds.dedup();
        out.push(format!(
            "{} other change{} ({})",
            diff.changes.len(),
            if diff.changes.len() == 1 { "" } else { "s" },
            kinds.iter().map(|k| k.words()).collect::<Vec<_>>().join(", ")
        ));
    }
    if out.is_empty() {
        out.push(format!("{from} and {to} define the same schema"));
    }
    out
}

/// `N things place: a, b, c`, or nothing when there are no changes.
fn sentence(
    changes: &[&Change],
    one: &str,
    many: &str,
    place: &str,
    show: &dyn Fn(&Change) -> String,
) -> Option<String> {
    if changes.is_empty() {
        return None;
    }
    let noun = if changes.len() == 1 { one } else { many };
    let place = if place.is_empty() { String::new() } else { format!(" {place}") };
    Some(format!("{} {noun}{place}: {}", changes.len(), names(changes.iter().map(|c| show(c)).collect())))
}

/// `public.t.c` → `t.c`: the public schema is where most objects live, so it goes unsaid.
fn short(object: &str) -> String {
    object.strip_prefix("public.").unwrap_or(object).to_string()
}

fn value(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "(none)".into())
}

fn names(mut all: Vec<String>) -> String {
    if all.len() > NAMES_SHOWN {
        let rest = all.len() - NAMES_SHOWN;
        all.truncate(NAMES_SHOWN);
        all.push(format!("and {rest} more"));
    }
    all.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_catalog, diff, read, DiffOptions};

    #[test]
    fn the_findings_read_like_a_reviewer_wrote_them() {
        let from = build_catalog(&read(
            "CREATE TABLE memory (id int, decay_rate numeric, note text);
             CREATE TABLE profiles_backup (id int);
             CREATE INDEX idx_m ON memory USING hnsw (note);",
        ));
        let to = build_catalog(&read(
            "CREATE TABLE memory (id int NOT NULL, decay_rate double precision, note text, extra jsonb);
             CREATE TABLE events (id int); CREATE TABLE codes (id int);
             CREATE INDEX idx_m ON memory USING ivfflat (note);",
        ));
        let findings = key_findings(&diff(&from, &to, &DiffOptions::default()), "production", "staging");
        assert_eq!(
            findings,
            [
                "2 tables only in staging: codes, events",
                "1 table only in production: profiles_backup",
                "1 new column in staging: memory.extra",
                "1 column type change: memory.decay_rate numeric → double precision",
                "1 column changed (default, NOT NULL, …): memory.id (not null)",
                "1 index changed: idx_m (method hnsw → ivfflat)",
            ]
        );
        let same = key_findings(&diff(&from, &from, &DiffOptions::default()), "a.sql", "b.sql");
        assert_eq!(same, ["a.sql and b.sql define the same schema"]);
    }
}
