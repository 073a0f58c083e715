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
    findings(diff, from, to).into_iter().map(|f| f.text).collect()
}

/// A key finding, and the kind of object it is about (when it is about one kind): the page links
/// it to the list of those changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub text: String,
    pub kind: Option<ObjectKind>,
}

/// [`key_findings`], each with the kind of object it is about.
pub fn findings(diff: &Diff, from: &str, to: &str) -> Vec<Finding> {
    let of = |kind: ObjectKind, change: ChangeKind| -> Vec<&Change> {
        diff.changes.iter().filter(|c| c.object_kind == kind && c.change == change).collect()
    };
    let mut out: Vec<Finding> = Vec::new();
    let about = |kind: ObjectKind| move |text: String| Finding { text, kind: Some(kind) };
    let plain = |c: &Change| short(&c.object);
    let uncompared: Vec<&Change> = diff.changes.iter().filter(|c| c.change == ChangeKind::Uncompared).collect();
    out.extend(
        sentence(
            &uncompared,
            "object not compared",
            "objects not compared",
            "(a statement of theirs was not understood; the script leaves them as they are)",
            &|c: &Change| format!("{} {}", c.object_kind.words(), short(&c.object)),
        )
        .map(|text| Finding { text, kind: None }),
    );
    let to_place = format!("only in {to}");
    let from_place = format!("only in {from}");
    let table = about(ObjectKind::Table);
    out.extend(sentence(&of(ObjectKind::Table, ChangeKind::Added), "table", "tables", &to_place, &plain).map(table));
    out.extend(
        sentence(&of(ObjectKind::Table, ChangeKind::Removed), "table", "tables", &from_place, &plain).map(table),
    );
    let column = about(ObjectKind::Column);
    out.extend(
        sentence(&of(ObjectKind::Column, ChangeKind::Added), "new column", "new columns", &format!("in {to}"), &plain)
            .map(column),
    );
    out.extend(
        sentence(
            &of(ObjectKind::Column, ChangeKind::Removed),
            "column",
            "columns",
            &format!("dropped in {to}"),
            &plain,
        )
        .map(column),
    );
    let altered_columns = of(ObjectKind::Column, ChangeKind::Altered);
    let type_changes: Vec<&Change> =
        altered_columns.iter().copied().filter(|c| c.details.iter().any(|d| d.property == Property::Type)).collect();
    out.extend(
        sentence(&type_changes, "column type change", "column type changes", "", &|c: &Change| {
            let detail = c.details.iter().find(|d| d.property == Property::Type).expect("filtered on type");
            format!("{} {} → {}", short(&c.object), value(&detail.from), value(&detail.to))
        })
        .map(column),
    );
    let other_column_changes: Vec<&Change> =
        altered_columns.iter().copied().filter(|c| !c.details.iter().any(|d| d.property == Property::Type)).collect();
    out.extend(
        sentence(
            &other_column_changes,
            "column changed",
            "columns changed",
            "(default, NOT NULL, …)",
            &|c: &Change| {
                let properties: Vec<&str> = c.details.iter().map(|d| d.property.as_str()).collect();
                format!("{} ({})", short(&c.object), properties.join(", "))
            },
        )
        .map(column),
    );
    let (added, removed, altered) = (
        of(ObjectKind::Index, ChangeKind::Added).len(),
        of(ObjectKind::Index, ChangeKind::Removed).len(),
        of(ObjectKind::Index, ChangeKind::Altered),
    );
    let index = about(ObjectKind::Index);
    if added + removed > 0 {
        out.push(index(format!("Indexes: {added} only in {to}, {removed} only in {from}")));
    }
    out.extend(
        sentence(&altered, "index changed", "indexes changed", "", &|c: &Change| {
            let method = c.details.iter().find(|d| d.property == Property::Method);
            match method {
                Some(m) => format!("{} (method {} → {})", short(&c.object), value(&m.from), value(&m.to)),
                None => short(&c.object),
            }
        })
        .map(index),
    );
    // Objects that carry logic or access rules: what was added and removed, by name, then what
    // changed (a new policy or function is as much a finding as a new table).
    for (kind, one, many) in [
        (ObjectKind::Type, "type", "types"),
        (ObjectKind::Function, "function", "functions"),
        (ObjectKind::View, "view", "views"),
        (ObjectKind::MaterializedView, "materialized view", "materialized views"),
        (ObjectKind::Policy, "policy", "policies"),
        (ObjectKind::Trigger, "trigger", "triggers"),
    ] {
        let this = about(kind);
        out.extend(
            sentence(
                &of(kind, ChangeKind::Added),
                &format!("new {one}"),
                &format!("new {many}"),
                &format!("in {to}"),
                &plain,
            )
            .map(this),
        );
        out.extend(sentence(&of(kind, ChangeKind::Removed), one, many, &from_place, &plain).map(this));
        out.extend(
            sentence(&of(kind, ChangeKind::Altered), &format!("{one} changed"), &format!("{many} changed"), "", &plain)
                .map(this),
        );
    }
    for note in &diff.notes {
        out.push(Finding { text: format!("{}: {}", short(&note.object), note.note), kind: None });
    }
    // Whatever no sentence above tells (statements, grants, owners, comments, …) is still counted:
    // "the same schema" is said only of a diff without a single change.
    let told = out.len();
    if told == 0 && !diff.changes.is_empty() {
        let mut kinds: Vec<ObjectKind> = diff.changes.iter().map(|c| c.object_kind).collect();
        kinds.dedup();
        let text = format!(
            "{} other change{} ({})",
            diff.changes.len(),
            if diff.changes.len() == 1 { "" } else { "s" },
            kinds.iter().map(|k| k.words()).collect::<Vec<_>>().join(", ")
        );
        out.push(Finding { text, kind: None });
    }
    if out.is_empty() {
        out.push(Finding { text: format!("{from} and {to} define the same schema"), kind: None });
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

    #[test]
    fn new_and_dropped_policies_and_functions_are_findings_about_their_kind() {
        let from = build_catalog(&read(
            "CREATE TABLE t (id int); CREATE FUNCTION old_f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;",
        ));
        let to = build_catalog(&read(
            "CREATE TABLE t (id int); ALTER TABLE t ENABLE ROW LEVEL SECURITY;
             CREATE POLICY p1 ON t USING (true); CREATE POLICY p2 ON t USING (id > 0);
             CREATE FUNCTION new_f() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;",
        ));
        let all = findings(&diff(&from, &to, &DiffOptions::default()), "prod", "staging");
        let about =
            |kind: ObjectKind| all.iter().filter(|f| f.kind == Some(kind)).map(|f| f.text.as_str()).collect::<Vec<_>>();
        assert_eq!(about(ObjectKind::Policy), ["2 new policies in staging: t.p1, t.p2"]);
        assert_eq!(
            about(ObjectKind::Function),
            ["1 new function in staging: new_f()", "1 function only in prod: old_f()"]
        );
    }
}
