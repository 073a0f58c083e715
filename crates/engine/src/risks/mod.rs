//! What could go wrong when the migration runs: one rule per file, each with an id, a level, a
//! category, why it matters (the lock taken, the rewrite or scan, what breaks), a mitigation and
//! PostgreSQL-version caveats.
//!
//! Architecture invariant: rules read the diff and both catalogs only; adding a rule is adding a
//! file and one line in [`RULES`]. The result is ordered (level, rule, object), so it is deterministic.

mod column_added;
mod column_type;
pub use column_type::binary_coercible;
mod constraint_validation;
mod data_loss_column;
mod data_loss_other;
mod data_loss_table;
mod domain_change;
mod duplicate_index;
mod effect;
pub use effect::{Effect, Lock};
mod enum_change;
mod extension_version;
mod fk_without_index;
mod function_change;
mod grants;
mod index_build;
mod index_drop;
mod no_primary_key;
mod not_compared;
mod not_null_added;
mod not_null_column_added;
mod partition_attach;
mod policies;
mod rename;
mod replication;
mod rls;
mod sizing;
pub use sizing::{LARGE, SMALL, VERY_LARGE};
mod table_added;
mod table_rewrite;
mod trigger_change;
mod unique_added;
mod vector_index;
mod view_change;

use crate::catalog::{Catalog, Column, QualifiedName, Table};
use crate::diff::{Change, Diff, ObjectKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Low,
    Medium,
    High,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::High, Level::Medium, Level::Low];

    pub fn label(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
        }
    }

    /// `low`, `medium` or `high` (for `--fail-on`).
    pub fn parse(text: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.label() == text.to_lowercase())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Locking,
    DataLoss,
    AppBreakage,
    Security,
    Performance,
    Correctness,
}

impl Category {
    pub fn label(self) -> &'static str {
        match self {
            Category::Locking => "locking/blocking",
            Category::DataLoss => "data loss",
            Category::AppBreakage => "application breakage",
            Category::Security => "security/access",
            Category::Performance => "performance",
            Category::Correctness => "correctness",
        }
    }
}

/// A rule: what it looks for and what to tell about it.
pub struct Rule {
    pub id: &'static str,
    pub category: Category,
    /// Why this matters: the lock taken, the rewrite or scan, what breaks.
    pub why: &'static str,
    pub mitigation: &'static str,
    /// Where the PostgreSQL version changes the answer.
    pub caveat: Option<&'static str>,
    check: fn(&Context) -> Vec<Hit>,
}

/// What a rule found about one object.
pub struct Hit {
    pub object_kind: ObjectKind,
    pub object: String,
    pub level: Level,
    pub finding: String,
    /// What the script's statements for the change do to the table (see [`Effect`]).
    pub effect: Option<Effect>,
    /// The table the effect is on, when it is one table: sizes level the risk by it.
    pub table: Option<QualifiedName>,
}

impl Hit {
    /// The hit with the rule's claim about locks, rewrite and rows read.
    pub(crate) fn with(self, effect: Effect) -> Hit {
        Hit { effect: Some(effect), ..self }
    }

    /// The hit about a change whose effect is on `table` (an index's table).
    pub(crate) fn on(self, table: &QualifiedName) -> Hit {
        Hit { table: Some(table.clone()), ..self }
    }
}

/// One risk: a rule's finding about one object, with the rule's explanation. The explanation
/// (`why`, `mitigation`, `caveat`) and the `area` are the rule's and the object's: looked up, not
/// held by each of a release's risks (a release of 80,000 new tables has 160,000). Serialized with
/// them, as [`RiskFields`] reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Risk {
    pub rule: crate::interned::Word,
    pub level: Level,
    pub category: Category,
    pub object_kind: ObjectKind,
    pub object: String,
    pub finding: String,
    /// The claim about locks, rewrite and rows read, measured on PostgreSQL by
    /// `tests/lock_claims.rs`; `None` when the rule makes none.
    pub effect: Option<Effect>,
}

impl Risk {
    /// The rule that found it (every risk's rule is one of [`RULES`]: reading checks it).
    fn definition(&self) -> Option<&'static Rule> {
        rule(self.rule)
    }

    /// Where in the schema: `tables`, `columns`, `indexes`, `constraints`, `types`, `functions`,
    /// `views`, `security` or `other`.
    pub fn area(&self) -> &'static str {
        area(self.category, self.object_kind)
    }

    /// Why this matters: the lock taken, the rewrite or scan, what breaks.
    pub fn why(&self) -> &'static str {
        self.definition().map_or("", |rule| rule.why)
    }

    pub fn mitigation(&self) -> &'static str {
        self.definition().map_or("", |rule| rule.mitigation)
    }

    /// Where the PostgreSQL version changes the answer.
    pub fn caveat(&self) -> Option<&'static str> {
        self.definition().and_then(|rule| rule.caveat)
    }
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|rule| rule.id == id)
}

/// A risk as written: every field, in this order.
#[derive(Serialize, Deserialize)]
#[serde(rename = "Risk")]
struct RiskFields<'a> {
    #[serde(borrow)]
    rule: std::borrow::Cow<'a, str>,
    level: Level,
    category: Category,
    #[serde(borrow)]
    area: std::borrow::Cow<'a, str>,
    object_kind: ObjectKind,
    #[serde(borrow)]
    object: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    finding: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    why: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    mitigation: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    caveat: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    effect: Option<Effect>,
}

impl Serialize for Risk {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RiskFields {
            rule: self.rule.into(),
            level: self.level,
            category: self.category,
            area: self.area().into(),
            object_kind: self.object_kind,
            object: self.object.as_str().into(),
            finding: self.finding.as_str().into(),
            why: self.why().into(),
            mitigation: self.mitigation().into(),
            caveat: self.caveat().map(Into::into),
            effect: self.effect,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Risk {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Risk, D::Error> {
        let fields = RiskFields::deserialize(deserializer)?;
        let rule = rule(&fields.rule)
            .ok_or_else(|| serde::de::Error::custom(format!("no rule is called {:?}", fields.rule)))?;
        Ok(Risk {
            rule: rule.id,
            level: fields.level,
            category: fields.category,
            object_kind: fields.object_kind,
            object: fields.object.into_owned(),
            finding: fields.finding.into_owned(),
            effect: fields.effect,
        })
    }
}

/// Every rule, in the order they are documented.
pub const RULES: &[&Rule] = &[
    &vector_index::RULE,
    &index_build::RULE,
    &index_drop::RULE,
    &unique_added::RULE,
    &constraint_validation::RULE,
    &not_null_added::RULE,
    &column_type::RULE,
    &column_added::RULE,
    &not_null_column_added::RULE,
    &data_loss_table::RULE,
    &data_loss_column::RULE,
    &data_loss_other::RULE,
    &rename::RULE,
    &enum_change::RULE,
    &domain_change::RULE,
    &rls::RULE,
    &policies::RULE,
    &grants::RULE,
    &function_change::RULE,
    &view_change::RULE,
    &trigger_change::RULE,
    &replication::RULE,
    &extension_version::RULE,
    &table_rewrite::RULE,
    &partition_attach::RULE,
    &table_added::RULE,
    &fk_without_index::RULE,
    &duplicate_index::RULE,
    &no_primary_key::RULE,
    &not_compared::RULE,
];

/// What rules look at.
pub struct Context<'a> {
    pub from: &'a Catalog,
    pub to: &'a Catalog,
    pub diff: &'a Diff,
    /// Tables of `to` that the diff touches, computed once (see [`Context::touched_tables`]).
    touched: Vec<&'a QualifiedName>,
    /// The indexes of each table of `to`, so rules never scan every index for one table.
    to_by_table: crate::catalog::ByTable<'a>,
    /// The database the script runs on: its version's facts.
    pub server: Server<'a>,
}

impl<'a> Context<'a> {
    /// The changes of one kind of object.
    pub fn changes_of(&self, kind: ObjectKind) -> impl Iterator<Item = &'a Change> + 'a {
        self.diff.changes.iter().filter(move |c| c.object_kind == kind)
    }

    /// The table in `to` a change is about or belongs to (a column's, a constraint's table).
    pub fn to_table(&self, change: &Change) -> Option<(&'a QualifiedName, &'a Table)> {
        change.key.find_table(&self.to.tables)
    }

    /// The table in `from` a change is about or belongs to, under the same name.
    pub fn from_table(&self, change: &Change) -> Option<(&'a QualifiedName, &'a Table)> {
        change.key.find_table(&self.from.tables)
    }

    /// Whether the table a change is about or belongs to exists already in `from` (so it may hold
    /// rows).
    pub fn on_existing_table(&self, change: &Change) -> bool {
        self.from_table(change).is_some()
    }

    /// Whether the table exists already in `from` (so it may hold rows).
    pub fn existing_table(&self, table: &QualifiedName) -> bool {
        self.from.tables.contains_key(table)
    }

    /// The column on each side of a column change.
    pub fn columns(&self, change: &Change) -> (Option<&'a Column>, Option<&'a Column>) {
        let Some((table, column)) = change.key.member() else { return (None, None) };
        let column_in = |c: &'a Catalog| c.tables.get(table).and_then(|t| t.column(column));
        (column_in(self.from), column_in(self.to))
    }

    /// Tables that the diff touches (added, or with a change of their own or of their parts).
    pub fn touched_tables(&self) -> Vec<&'a QualifiedName> {
        self.touched.clone()
    }

    pub fn new(from: &'a Catalog, to: &'a Catalog, diff: &'a Diff, server: Server<'a>) -> Context<'a> {
        let tables: std::collections::BTreeSet<QualifiedName> =
            diff.changes.iter().filter_map(|c| crate::diff::table_key(c, from, to)).collect();
        let touched: Vec<&QualifiedName> =
            tables.iter().filter_map(|t| to.tables.get_key_value(t).map(|(n, _)| n)).collect();
        Context { from, to, diff, touched, to_by_table: crate::catalog::ByTable::new(to), server }
    }

    /// The indexes of a table of `to`.
    pub fn indexes_of(&self, table: &QualifiedName) -> &[(&'a QualifiedName, &'a crate::catalog::Index)] {
        self.to_by_table.indexes(table)
    }
}

/// The area of the risk matrix for an object kind (security findings go to `security`).
fn area(category: Category, object_kind: ObjectKind) -> &'static str {
    if category == Category::Security {
        return "security";
    }
    match object_kind {
        ObjectKind::Table => "tables",
        ObjectKind::Column => "columns",
        ObjectKind::Index => "indexes",
        ObjectKind::Constraint | ObjectKind::ForeignKey => "constraints",
        ObjectKind::Type | ObjectKind::Sequence | ObjectKind::Extension | ObjectKind::Schema => "types",
        ObjectKind::Function | ObjectKind::Trigger => "functions",
        ObjectKind::View | ObjectKind::MaterializedView => "views",
        ObjectKind::Policy | ObjectKind::Grant | ObjectKind::Owner => "security",
        _ => "other",
    }
}

/// One row of the risk matrix: an area's risk counts per level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixRow {
    #[serde(deserialize_with = "crate::interned::one")]
    pub area: crate::interned::Word,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

impl MatrixRow {
    pub fn count(&self, level: Level) -> usize {
        match level {
            Level::High => self.high,
            Level::Medium => self.medium,
            Level::Low => self.low,
        }
    }

    pub fn total(&self) -> usize {
        self.high + self.medium + self.low
    }
}

/// The risk matrix: every area of [`AREAS`], in display order, with its counts per level.
pub fn matrix(risks: &[Risk]) -> Vec<MatrixRow> {
    AREAS
        .iter()
        .map(|area| {
            let count = |level| risks.iter().filter(|r| r.area() == *area && r.level == level).count();
            MatrixRow { area, high: count(Level::High), medium: count(Level::Medium), low: count(Level::Low) }
        })
        .collect()
}

/// The areas of the risk matrix, in display order.
pub const AREAS: [&str; 9] =
    ["tables", "columns", "indexes", "constraints", "types", "functions", "views", "security", "other"];

/// What is known of the database a script runs on (`from`'s): its tables' sizes, which level what
/// reads a table's rows, and its PostgreSQL major version, whose facts the rules use.
#[derive(Debug, Clone, Copy, Default)]
pub struct Server<'a> {
    pub sizes: Option<&'a crate::input::sizes::Sizes>,
    pub version: Option<u32>,
}

impl Server<'_> {
    /// Whether the server is `major` or newer ([`crate::version::at_least`]).
    pub fn at_least(&self, major: u32) -> bool {
        crate::version::at_least(self.version, major)
    }
}

/// Every risk of a diff, most severe first.
pub fn assess(from: &Catalog, to: &Catalog, diff: &Diff, server: Server<'_>) -> Vec<Risk> {
    let sizes = server.sizes;
    let context = Context::new(from, to, diff, server);
    let mut risks: Vec<Risk> = RULES
        .iter()
        .flat_map(|rule| {
            (rule.check)(&context)
                .into_iter()
                .map(|hit| match sizes {
                    Some(sizes) => sizing::level_by_size(hit, sizes),
                    None => hit,
                })
                .map(|hit| Risk {
                    rule: rule.id,
                    level: hit.level,
                    category: rule.category,
                    object_kind: hit.object_kind,
                    object: hit.object,
                    finding: hit.finding,
                    effect: hit.effect,
                })
        })
        .collect();
    risks.sort_by(|a, b| (b.level, a.rule, &a.object).cmp(&(a.level, b.rule, &b.object)));
    risks
}

/// The highest level and the rules that flag one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRisk {
    pub level: Level,
    #[serde(deserialize_with = "crate::interned::list")]
    pub rules: Vec<crate::interned::Word>,
}

/// The risk of each change that has one, by the change's kind and object (a change id
/// `<kind> <object>` split at its first space: [`RisksByChange::of`]).
pub fn by_change(risks: &[Risk]) -> RisksByChange<'_> {
    let mut order: Vec<u32> = (0..risks.len()).map(|i| u32::try_from(i).expect("fewer than 2^32 risks")).collect();
    // Stable: within one change its risks keep the release's order (most severe first).
    order.sort_by(|a, b| key(&risks[*a as usize]).cmp(&key(&risks[*b as usize])));
    RisksByChange { risks, order }
}

fn key(risk: &Risk) -> (&str, &str) {
    (risk.object_kind.as_str(), risk.object.as_str())
}

/// [`by_change`]: the risks' positions ordered by change, so that looking a change up copies
/// nothing and a release of many objects costs four bytes per risk to index.
pub struct RisksByChange<'a> {
    risks: &'a [Risk],
    order: Vec<u32>,
}

impl RisksByChange<'_> {
    /// The risk of a change by its id, `<kind> <object>`.
    pub fn of(&self, id: &str) -> Option<ChangeRisk> {
        let (kind, object) = id.split_once(' ')?;
        self.lookup((kind, object))
    }

    /// The risk of a change.
    pub fn of_change(&self, change: &Change) -> Option<ChangeRisk> {
        self.lookup((change.object_kind.as_str(), change.object.as_str()))
    }

    /// Every change's risk, in the order of the changes' kinds and objects.
    pub fn values(&self) -> impl Iterator<Item = ChangeRisk> + '_ {
        self.order
            .chunk_by(|a, b| key(&self.risks[*a as usize]) == key(&self.risks[*b as usize]))
            .map(|group| self.merged(group))
    }

    fn lookup(&self, wanted: (&str, &str)) -> Option<ChangeRisk> {
        let start = self.order.partition_point(|i| key(&self.risks[*i as usize]) < wanted);
        let end = start + self.order[start..].partition_point(|i| key(&self.risks[*i as usize]) == wanted);
        (start < end).then(|| self.merged(&self.order[start..end]))
    }

    /// The highest level of a change's risks and their rules, each once.
    fn merged(&self, group: &[u32]) -> ChangeRisk {
        // Exact room: a report keeps one per change row.
        let mut out = ChangeRisk { level: self.risks[group[0] as usize].level, rules: Vec::with_capacity(group.len()) };
        for risk in group.iter().map(|i| &self.risks[*i as usize]) {
            out.level = out.level.max(risk.level);
            if !out.rules.contains(&risk.rule) {
                out.rules.push(risk.rule);
            }
        }
        out
    }
}

/// Risks counted per level: (high, medium, low).
pub fn counts(risks: &[Risk]) -> BTreeMap<&'static str, usize> {
    Level::ALL.iter().map(|level| (level.label(), risks.iter().filter(|r| r.level == *level).count())).collect()
}

/// Helpers shared by rules.
pub(crate) fn hit(change: &Change, level: Level, finding: String) -> Hit {
    let table = match change.object_kind {
        ObjectKind::Table => change.key.qualified(),
        _ => change.key.member().map(|(table, _)| table),
    };
    Hit {
        object_kind: change.object_kind,
        object: change.object.clone(),
        level,
        finding,
        effect: None,
        table: table.cloned(),
    }
}

/// The table a column or constraint change belongs to, as findings write it.
pub(crate) fn parent(change: &Change) -> String {
    change.key.table().map_or_else(|| change.object.clone(), |table| table.to_string())
}

/// What rule tests share: the risks one rule finds between two schemas, as users read them.
#[cfg(test)]
pub(crate) mod testing {
    use crate::{build_catalog, diff, read, DiffOptions};

    /// The risks `rule` finds going from `from` to `to` (each SQL read as written), each as its card
    /// reads: level, rule, category, the object, the finding, why, the mitigation and the caveat.
    /// Empty when the rule does not fire.
    pub(crate) fn findings(rule: &str, from: &str, to: &str) -> String {
        findings_with(rule, from, to, &DiffOptions::default())
    }

    /// [`findings`] for a case that must fire: it fails when the rule finds nothing.
    pub(crate) fn fires(rule: &str, from: &str, to: &str) -> String {
        fires_with(rule, from, to, &DiffOptions::default())
    }

    pub(crate) fn fires_with(rule: &str, from: &str, to: &str, options: &DiffOptions) -> String {
        let found = findings_with(rule, from, to, options);
        assert!(!found.is_empty(), "{rule} does not fire from\n{from}\nto\n{to}");
        found
    }

    /// [`findings`] under chosen options (confirmed renames, what to ignore).
    pub(crate) fn findings_with(rule: &str, from: &str, to: &str, options: &DiffOptions) -> String {
        assert!(super::RULES.iter().any(|r| r.id == rule), "no rule {rule}");
        let (from, to) = (build_catalog(&read(from)), build_catalog(&read(to)));
        let result = diff(&from, &to, options);
        super::assess(&from, &to, &result, super::Server { sizes: None, version: options.target_version })
            .into_iter()
            .filter(|risk| risk.rule == rule)
            .map(|risk| {
                let mut card = format!(
                    "{} · {} · {} · {} {}\nfinding: {}\nwhy: {}\nmitigation: {}\n",
                    risk.level.label(),
                    risk.rule,
                    risk.category.label(),
                    risk.object_kind,
                    risk.object,
                    risk.finding,
                    risk.why(),
                    risk.mitigation()
                );
                if let Some(caveat) = risk.caveat() {
                    card.push_str(&format!("caveat: {caveat}\n"));
                }
                if let Some(effect) = &risk.effect {
                    card.push_str(&format!("claim: {}\n", effect.describe()));
                }
                card
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Every rule file holds its own tests: at least one case that fires (with a snapshot of the
    /// risk as users read it) and one that must not.
    #[test]
    fn every_rule_has_tests_that_fire_and_that_must_not() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/risks");
        let mut rule_files = 0;
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".rs") || name == "mod.rs" {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            if !text.contains("pub(super) const RULE: Rule") {
                continue;
            }
            rule_files += 1;
            assert!(text.contains("insta::assert_snapshot!(fires"), "{name}: no case that fires, with its snapshot");
            assert!(text.contains("fn does_not_fire_"), "{name}: no case that must not fire");
        }
        assert_eq!(rule_files, super::RULES.len(), "one file per rule");
    }
}

#[cfg(test)]
mod tests {
    use crate::pipeline::{read_side, Comparison};
    use crate::DiffOptions;
    use std::sync::Arc;

    /// Two SQL texts compared through the pipeline every caller takes.
    fn compared(from: &str, to: &str) -> Comparison {
        let side = |name: &str, sql: &str| Arc::new(read_side(name, sql.as_bytes(), None).expect("reads"));
        Comparison::new(side("a.sql", from), side("b.sql", to), DiffOptions::default())
    }

    #[test]
    fn each_change_gets_its_highest_level_and_its_rules_once() {
        let compared = compared(
            "CREATE TABLE t (id int PRIMARY KEY, a text); CREATE TABLE gone (x int);",
            "CREATE TABLE t (id int PRIMARY KEY, a bigint); CREATE TABLE n (x int);",
        );
        let risks = &compared.release().risks;
        let by_change = super::by_change(risks);
        let new_table = by_change.of("table public.n").expect("the new table has risks");
        let expected: Vec<&str> = risks.iter().filter(|r| r.object == "public.n").map(|r| r.rule).collect();
        assert!(expected.len() >= 2, "table-added and no-primary-key: {expected:?}");
        assert_eq!(new_table.rules, expected, "in the release's order, each once");
        let highest = risks.iter().filter(|r| r.object == "public.n").map(|r| r.level).max();
        assert_eq!(Some(new_table.level), highest);
        assert!(by_change.of("table public.t").is_none(), "an unchanged table has none");
        assert!(by_change.of("column public.t.a").is_some(), "the type change has one");
        assert!(by_change.of("table").is_none(), "an id without an object finds nothing");
        let changed: std::collections::BTreeSet<(&str, &str)> =
            risks.iter().map(|r| (r.object_kind.as_str(), r.object.as_str())).collect();
        assert_eq!(by_change.values().count(), changed.len(), "one value per change with risks");
    }

    /// A release of many objects holds a change for each and a risk or two: a field added inline to
    /// either is paid by every one of them.
    #[test]
    fn changes_and_risks_stay_compact() {
        let (change, risk) = (std::mem::size_of::<crate::diff::Change>(), std::mem::size_of::<super::Risk>());
        assert!(change <= 136, "a Change is {change} bytes");
        assert!(risk <= 72, "a Risk is {risk} bytes");
    }

    #[test]
    fn a_risk_is_written_with_its_rules_texts_and_read_back_by_its_rule() {
        let compared = compared("CREATE TABLE t (id int PRIMARY KEY);", "CREATE TABLE n (x int);");
        let risk =
            compared.release().risks.iter().find(|r| r.rule == "no-primary-key").expect("no primary key").clone();
        let text = serde_json::to_string(&risk).expect("serializes");
        let names = ["rule", "level", "category", "area", "object_kind", "object", "finding", "why", "mitigation"];
        let at: Vec<usize> = names.iter().map(|n| text.find(&format!("\"{n}\":")).expect("written")).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "in the order JSON has always had: {text}");
        assert!(text.ends_with(r#","caveat":null,"effect":null}"#), "{text}");
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(json["area"], "tables");
        assert_eq!(json["why"], super::rule("no-primary-key").expect("a rule").why);
        let back: super::Risk = serde_json::from_value(json.clone()).expect("reads back");
        assert_eq!(back, risk);
        let mut unknown = json;
        unknown["rule"] = "no-such-rule".into();
        let error = serde_json::from_value::<super::Risk>(unknown).expect_err("an unknown rule is refused");
        assert!(error.to_string().contains("no rule is called \"no-such-rule\""), "{error}");
    }
}
