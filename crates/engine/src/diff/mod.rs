//! Two catalogs → a list of typed changes, property by property.
//!
//! Direction: `from` is the database to migrate, `to` the schema it should reach; "added" means
//! present in `to` only. Architecture invariant: the diff compares catalog data only (never SQL text
//! of the dumps), and its output is ordered, so the same inputs give the same list.

mod findings;
mod properties;
mod renames;
mod words;

pub use findings::key_findings;
pub use renames::RenameCandidate;
pub use words::{word_diff, Part, Segment};

use crate::catalog::{Catalog, QualifiedName, Table};
use properties::Properties;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Altered,
}

/// One property that differs: its value on each side (`None`: not set there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PropertyChange {
    pub property: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The catalog kind in singular: `table`, `column`, `index`, `constraint`, `foreign_key`, …
    pub object_kind: &'static str,
    /// The qualified name, e.g. `public.profiles.expo_push_token` for a column.
    pub object: String,
    pub change: ChangeKind,
    /// For `altered`: each property that differs. For `added` / `removed`: the object's properties.
    pub details: Vec<PropertyChange>,
}

/// Something worth knowing that needs no migration, e.g. the same columns in another order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub object_kind: &'static str,
    pub object: String,
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub added: usize,
    pub removed: usize,
    pub altered: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub summary: Summary,
    pub changes: Vec<Change>,
    pub notes: Vec<Note>,
    /// Removed and added objects that may be one object renamed: proposed, never applied.
    pub rename_candidates: Vec<RenameCandidate>,
}

impl Diff {
    /// Added / removed / altered counts per object kind, in kind order.
    pub fn counts_by_kind(&self) -> BTreeMap<&'static str, Summary> {
        let mut counts: BTreeMap<&'static str, Summary> = BTreeMap::new();
        for change in &self.changes {
            let entry = counts.entry(change.object_kind).or_default();
            match change.change {
                ChangeKind::Added => entry.added += 1,
                ChangeKind::Removed => entry.removed += 1,
                ChangeKind::Altered => entry.altered += 1,
            }
        }
        counts
    }
}

/// What to leave out of the comparison ("drift controls").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffOptions {
    pub ignore_owners: bool,
    pub ignore_grants: bool,
    pub ignore_comments: bool,
    pub ignore_extension_versions: bool,
    pub ignore_storage_parameters: bool,
    /// Schemas whose objects are not compared.
    pub exclude_schemas: BTreeSet<String>,
    /// Also leave out the schemas Supabase manages ([`SUPABASE_MANAGED_SCHEMAS`]).
    pub exclude_platform_schemas: bool,
}

impl DiffOptions {
    /// Whether objects in `schema` are left out of the comparison.
    pub fn excludes(&self, schema: &str) -> bool {
        self.exclude_schemas.contains(schema)
            || (self.exclude_platform_schemas && SUPABASE_MANAGED_SCHEMAS.contains(&schema))
    }
}

/// Schemas managed by Supabase itself: a one-click preset for `exclude_schemas`.
pub const SUPABASE_MANAGED_SCHEMAS: &[&str] = &[
    "auth",
    "storage",
    "realtime",
    "vault",
    "graphql",
    "graphql_public",
    "extensions",
    "supabase_migrations",
    "supabase_functions",
    "pgsodium",
    "pgsodium_masks",
    "net",
    "cron",
];

/// Compares two catalogs.
pub fn diff(from: &Catalog, to: &Catalog, options: &DiffOptions) -> Diff {
    let mut differ = Differ { options, changes: Vec::new(), notes: Vec::new() };
    differ.run(from, to);
    let mut changes = differ.changes;
    changes.sort_by(|a, b| (a.object_kind, &a.object, a.change).cmp(&(b.object_kind, &b.object, b.change)));
    let summary = Summary {
        added: changes.iter().filter(|c| c.change == ChangeKind::Added).count(),
        removed: changes.iter().filter(|c| c.change == ChangeKind::Removed).count(),
        altered: changes.iter().filter(|c| c.change == ChangeKind::Altered).count(),
    };
    let rename_candidates = renames::rename_candidates(from, to, &changes);
    Diff { summary, changes, notes: differ.notes, rename_candidates }
}

struct Differ<'a> {
    options: &'a DiffOptions,
    changes: Vec<Change>,
    notes: Vec<Note>,
}

impl Differ<'_> {
    fn excluded(&self, schema: &str) -> bool {
        self.options.excludes(schema)
    }

    fn run(&mut self, from: &Catalog, to: &Catalog) {
        let options = self.options;
        self.keyed("schema", &from.schemas, &to.schemas, |name| name.clone(), |name| Some(name.as_str()));
        // An extension lives in a schema: excluding the schema excludes it and its comment.
        let excluded_extensions: BTreeSet<String> = from
            .extensions
            .iter()
            .chain(&to.extensions)
            .filter(|(_, e)| e.schema.as_ref().is_some_and(|s| options.excludes(s)))
            .map(|(name, _)| name.clone())
            .collect();
        let strip_versions = |c: &Catalog| {
            let mut extensions = c.extensions.clone();
            extensions.retain(|name, _| !excluded_extensions.contains(name));
            if options.ignore_extension_versions {
                extensions.values_mut().for_each(|e| e.version = None);
            }
            extensions
        };
        self.keyed("extension", &strip_versions(from), &strip_versions(to), |n| n.clone(), |_| None);
        self.qualified("type", &from.types, &to.types);
        self.qualified("sequence", &from.sequences, &to.sequences);
        self.tables(from, to);
        let strip_parameters = |c: &Catalog| {
            let mut indexes = c.indexes.clone();
            if options.ignore_storage_parameters {
                indexes.values_mut().for_each(|i| i.parameters.clear());
            }
            indexes
        };
        self.qualified("index", &strip_parameters(from), &strip_parameters(to));
        let views = |c: &Catalog, materialized: bool| -> BTreeMap<QualifiedName, crate::catalog::View> {
            c.views
                .iter()
                .filter(|(_, v)| v.materialized == materialized)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        self.qualified("view", &views(from, false), &views(to, false));
        self.qualified("materialized_view", &views(from, true), &views(to, true));
        self.keyed("function", &from.functions, &to.functions, |k| k.clone(), |k| k.split('.').next());
        self.keyed("trigger", &from.triggers, &to.triggers, |k| k.clone(), |k| k.split('.').next());
        self.keyed("policy", &from.policies, &to.policies, |k| k.clone(), |k| k.split('.').next());
        self.keyed("event_trigger", &from.event_triggers, &to.event_triggers, |k| k.clone(), |_| None);
        self.keyed("publication", &from.publications, &to.publications, |k| k.clone(), |_| None);
        self.keyed("other", &from.other_objects, &to.other_objects, |k| k.clone(), |_| None);
        if !options.ignore_comments {
            let comments = |c: &Catalog| -> BTreeMap<String, String> {
                c.comments
                    .iter()
                    .filter(|(key, _)| !key.strip_prefix("extension ").is_some_and(|e| excluded_extensions.contains(e)))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            };
            self.keyed("comment", &comments(from), &comments(to), |k| k.clone(), |k| comment_schema(k));
        }
        if !options.ignore_owners {
            self.keyed("owner", &from.owners, &to.owners, |k| k.clone(), |k| comment_schema(k));
        }
        if !options.ignore_grants {
            self.sets("grant", &from.grants, &to.grants);
        }
        let versions = |c: &Catalog| -> Vec<String> {
            c.migration_versions.iter().flat_map(|(t, v)| v.iter().map(move |v| format!("{t} {v}"))).collect()
        };
        self.sets("migration_version", &versions(from), &versions(to));
        // Statements that were not understood still count: a change in them must not go unnoticed.
        let raw = |c: &Catalog| -> Vec<String> {
            c.not_understood.iter().map(|n| crate::catalog::normalized_statement(&n.text)).collect()
        };
        self.sets("statement", &raw(from), &raw(to));
    }

    fn push(&mut self, object_kind: &'static str, object: String, change: ChangeKind, details: Vec<PropertyChange>) {
        self.changes.push(Change { object_kind, object, change, details });
    }

    /// Objects keyed by qualified name: added, removed, or altered property by property.
    fn qualified<T: Properties>(
        &mut self,
        kind: &'static str,
        from: &BTreeMap<QualifiedName, T>,
        to: &BTreeMap<QualifiedName, T>,
    ) {
        self.keyed(kind, from, to, |k| k.to_string(), |k| Some(k.schema.as_str()));
    }

    fn keyed<K: Ord, T: Properties>(
        &mut self,
        kind: &'static str,
        from: &BTreeMap<K, T>,
        to: &BTreeMap<K, T>,
        show: impl Fn(&K) -> String,
        schema_of: impl Fn(&K) -> Option<&str>,
    ) {
        for (key, old) in from {
            if schema_of(key).is_some_and(|s| self.excluded(s)) {
                continue;
            }
            match to.get(key) {
                None => self.push(kind, show(key), ChangeKind::Removed, described(old, Side::From)),
                Some(new) => {
                    let details = compare(old, new);
                    if !details.is_empty() {
                        self.push(kind, show(key), ChangeKind::Altered, details);
                    }
                }
            }
        }
        for (key, new) in to {
            if !from.contains_key(key) && !schema_of(key).is_some_and(|s| self.excluded(s)) {
                self.push(kind, show(key), ChangeKind::Added, described(new, Side::To));
            }
        }
    }

    /// Lists compared as sets of texts (grants, migration versions, raw statements).
    fn sets(&mut self, kind: &'static str, from: &[String], to: &[String]) {
        let from: BTreeSet<&String> = from.iter().collect();
        let to: BTreeSet<&String> = to.iter().collect();
        for removed in from.difference(&to) {
            self.push(kind, (*removed).clone(), ChangeKind::Removed, Vec::new());
        }
        for added in to.difference(&from) {
            self.push(kind, (*added).clone(), ChangeKind::Added, Vec::new());
        }
    }

    fn tables(&mut self, from: &Catalog, to: &Catalog) {
        let options = self.options;
        let prepare = |t: &Table| {
            let mut t = t.clone();
            if options.ignore_storage_parameters {
                t.options.clear();
            }
            t
        };
        for (name, old) in &from.tables {
            if self.excluded(&name.schema) {
                continue;
            }
            match to.tables.get(name) {
                None => {
                    self.push("table", name.to_string(), ChangeKind::Removed, described(old, Side::From));
                }
                Some(new) => {
                    let (old, new) = (prepare(old), prepare(new));
                    let details = compare(&old, &new);
                    if !details.is_empty() {
                        self.push("table", name.to_string(), ChangeKind::Altered, details);
                    }
                    self.columns(name, &old, &new);
                    self.constraints(name, &old, &new);
                }
            }
        }
        for (name, new) in &to.tables {
            if !from.tables.contains_key(name) && !self.excluded(&name.schema) {
                self.push("table", name.to_string(), ChangeKind::Added, described(new, Side::To));
            }
        }
    }

    fn columns(&mut self, table: &QualifiedName, old: &Table, new: &Table) {
        let by_name = |t: &Table| t.columns.iter().map(|c| (c.name.clone(), c.clone())).collect::<BTreeMap<_, _>>();
        self.keyed("column", &by_name(old), &by_name(new), |c| format!("{table}.{c}"), |_| None);
        let order = |t: &Table, other: &Table| -> Vec<String> {
            t.columns.iter().filter(|c| other.column(&c.name).is_some()).map(|c| c.name.clone()).collect()
        };
        let (old_order, new_order) = (order(old, new), order(new, old));
        if old_order != new_order {
            self.notes.push(Note {
                object_kind: "table",
                object: table.to_string(),
                note: format!(
                    "column order only: ({}) → ({}); no migration needed",
                    old_order.join(", "),
                    new_order.join(", ")
                ),
            });
        }
    }

    fn constraints(&mut self, table: &QualifiedName, old: &Table, new: &Table) {
        use crate::catalog::ConstraintKind;
        for foreign in [false, true] {
            let pick = |t: &Table| {
                t.constraints
                    .iter()
                    .filter(|(_, c)| (c.kind == ConstraintKind::ForeignKey) == foreign)
                    .map(|(k, c)| (k.clone(), c.clone()))
                    .collect::<BTreeMap<_, _>>()
            };
            let kind = if foreign { "foreign_key" } else { "constraint" };
            self.keyed(kind, &pick(old), &pick(new), |c| format!("{table}.{c}"), |_| None);
        }
    }
}

/// The schema of a `kind schema.object…` key (comments, owners), when it names one.
fn comment_schema(key: &str) -> Option<&str> {
    let object = key.rsplit(' ').next()?;
    object.split_once('.').map(|(schema, _)| schema)
}

enum Side {
    From,
    To,
}

fn described<T: Properties>(object: &T, side: Side) -> Vec<PropertyChange> {
    object
        .properties()
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(property, value)| match side {
            Side::From => PropertyChange { property: property.to_string(), from: Some(value), to: None },
            Side::To => PropertyChange { property: property.to_string(), from: None, to: Some(value) },
        })
        .collect()
}

fn compare<T: Properties>(old: &T, new: &T) -> Vec<PropertyChange> {
    let new_properties: BTreeMap<&'static str, String> = new.properties().into_iter().collect();
    let old_properties: BTreeMap<&'static str, String> = old.properties().into_iter().collect();
    let mut out = Vec::new();
    for (property, old_value) in old.properties() {
        let new_value = new_properties.get(property).cloned().unwrap_or_default();
        if old_value != new_value {
            out.push(PropertyChange {
                property: property.to_string(),
                from: Some(old_value).filter(|v| !v.is_empty()),
                to: Some(new_value).filter(|v| !v.is_empty()),
            });
        }
    }
    for (property, new_value) in new_properties {
        if !old_properties.contains_key(property) && !new_value.is_empty() {
            out.push(PropertyChange { property: property.to_string(), from: None, to: Some(new_value) });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_catalog, read};

    fn catalog(sql: &str) -> Catalog {
        build_catalog(&read(sql))
    }

    /// Renders a diff as `~ column public.t.c: type integer → bigint` lines, the form tests compare.
    fn check(from: &str, to: &str, expected: &[&str]) {
        let diff = diff(&catalog(from), &catalog(to), &DiffOptions::default());
        let lines: Vec<String> = diff
            .changes
            .iter()
            .map(|c| {
                let sign = match c.change {
                    ChangeKind::Added => "+",
                    ChangeKind::Removed => "-",
                    ChangeKind::Altered => "~",
                };
                let details: Vec<String> = match c.change {
                    ChangeKind::Altered => c
                        .details
                        .iter()
                        .map(|d| {
                            format!(
                                "{} {} → {}",
                                d.property,
                                d.from.as_deref().unwrap_or("∅"),
                                d.to.as_deref().unwrap_or("∅")
                            )
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let details = if details.is_empty() { String::new() } else { format!(": {}", details.join("; ")) };
                format!("{sign} {} {}{details}", c.object_kind, c.object)
            })
            .collect();
        assert_eq!(lines, expected);
    }

    #[test]
    fn a_catalog_compared_with_itself_has_no_changes() {
        let sql = "CREATE TABLE t (id int PRIMARY KEY, a text DEFAULT 'x'); CREATE INDEX i ON t (a);";
        check(sql, sql, &[]);
    }

    #[test]
    fn columns_added_removed_and_altered() {
        check(
            "CREATE TABLE t (id int, a numeric, b text);",
            "CREATE TABLE t (id bigint NOT NULL, a double precision, c text DEFAULT 'x');",
            &[
                "~ column public.t.a: type numeric → double precision",
                "- column public.t.b",
                "+ column public.t.c",
                "~ column public.t.id: type integer → bigint; not null ∅ → yes",
            ],
        );
    }

    #[test]
    fn counts_by_kind_add_up_to_the_summary() {
        let old = catalog("CREATE TABLE t (a int); CREATE INDEX i ON t (a);");
        let new = catalog("CREATE TABLE t (a bigint, b int); CREATE TABLE u (x int);");
        let result = diff(&old, &new, &DiffOptions::default());
        let counts = result.counts_by_kind();
        assert_eq!(counts["column"], Summary { added: 1, removed: 0, altered: 1 });
        assert_eq!(counts["index"], Summary { added: 0, removed: 1, altered: 0 });
        assert_eq!(counts["table"], Summary { added: 1, removed: 0, altered: 0 });
        let total: usize = counts.values().map(|s| s.added + s.removed + s.altered).sum();
        assert_eq!(total, result.changes.len());
    }

    #[test]
    fn column_order_alone_is_a_note_not_a_change() {
        let old = catalog("CREATE TABLE t (a int, b int);");
        let new = catalog("CREATE TABLE t (b int, a int);");
        let diff = diff(&old, &new, &DiffOptions::default());
        assert!(diff.changes.is_empty(), "{:?}", diff.changes);
        assert_eq!(diff.notes.len(), 1);
        assert!(diff.notes[0].note.starts_with("column order only"));
    }

    #[test]
    fn index_method_and_parameters() {
        check(
            "CREATE TABLE t (v text); CREATE INDEX i ON t USING gin (v gin_trgm_ops);",
            "CREATE TABLE t (v text); CREATE INDEX i ON t USING gist (v gist_trgm_ops(siglen = 64)) WITH (fillfactor = 80);",
            &["~ index public.i: method gin → gist; keys v gin_trgm_ops → v gist_trgm_ops(siglen = 64); parameters ∅ → fillfactor=80"],
        );
    }

    #[test]
    fn drift_controls_leave_out_what_the_user_ignores() {
        let old = catalog("CREATE SCHEMA auth; CREATE TABLE auth.users (id int); COMMENT ON TABLE public.x IS 'a';");
        let new = catalog("CREATE SCHEMA auth; CREATE TABLE auth.users (id bigint); COMMENT ON TABLE public.x IS 'b';");
        let options = DiffOptions {
            ignore_comments: true,
            exclude_schemas: ["auth".to_string()].into_iter().collect(),
            ..DiffOptions::default()
        };
        assert!(diff(&old, &new, &options).changes.is_empty());
        let preset = DiffOptions { ignore_comments: true, exclude_platform_schemas: true, ..DiffOptions::default() };
        assert!(diff(&old, &new, &preset).changes.is_empty(), "auth is a Supabase-managed schema");
        assert_eq!(diff(&old, &new, &DiffOptions::default()).changes.len(), 2);
    }

    #[test]
    fn statements_not_understood_still_count() {
        check("VACUUM t;", "VACUUM   t;", &[]);
        check("VACUUM t;", "VACUUM u;", &["- statement vacuum t", "+ statement vacuum u"]);
    }
}
