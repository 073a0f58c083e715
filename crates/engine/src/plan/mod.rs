//! A diff → a phased migration script that takes the `from` database to the `to` schema.
//!
//! Phases, in order (empty ones are left out):
//! 0. enum values added (`ALTER TYPE … ADD VALUE`, outside a transaction so later phases can use them);
//! 1. preparation, one transaction: schemas, extensions, types, sequences, functions, new tables,
//!    new columns, cheap column changes, views, triggers, policies;
//! 2. online builds, no transaction: `CREATE INDEX CONCURRENTLY`, constraints added `NOT VALID`
//!    and validated separately (the CHECK a `SET NOT NULL` uses among them), unique keys built from
//!    a concurrently built index;
//! 3. rewrites for a maintenance window, one transaction: type changes, `SET NOT NULL` (which uses
//!    the CHECK validated in phase 2 instead of scanning), identity and constraint changes, views
//!    re-created around them;
//! 4. cleanup after the new code is deployed: index drops (concurrently, no transaction), then the
//!    drops of everything `to` no longer has, in one transaction.
//!
//! Architecture invariant: SQL text comes from `crate::sql` (names and literals) or, for objects the
//! catalog keeps as normalized definitions (functions, views, triggers, …), from the statement the
//! `to` dump itself wrote (`Catalog::sources`). Steps are ordered by (phase, rank, diff order), so
//! the same inputs give the same script.

mod casts;
mod definitions;
pub use definitions::definitions;
mod mentions;
mod needs;
mod objects;
mod relations;
pub(crate) mod rerun;
mod view_mentions;

use crate::catalog::{Catalog, QualifiedName};
use crate::diff::{Change, Diff, ObjectKind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    EnumValues,
    Prepare,
    Online,
    Rewrite,
    CleanupIndexes,
    Cleanup,
}

impl Phase {
    pub const ALL: [Phase; 6] =
        [Phase::EnumValues, Phase::Prepare, Phase::Online, Phase::Rewrite, Phase::CleanupIndexes, Phase::Cleanup];

    /// Whether the phase runs inside one transaction.
    pub fn transactional(self) -> bool {
        matches!(self, Phase::Prepare | Phase::Rewrite | Phase::Cleanup)
    }

    pub fn title(self) -> &'static str {
        match self {
            Phase::EnumValues => "Phase 0: enum values (outside a transaction, so that later phases can use them)",
            Phase::Prepare => "Phase 1: schema preparation (safe while the old code runs)",
            Phase::Online => {
                "Phase 2: indexes and constraints built online, subscriptions (no transaction: CONCURRENTLY cannot run inside one)"
            }
            Phase::Rewrite => "Phase 3: changes that rewrite or lock tables (plan a maintenance window)",
            Phase::CleanupIndexes => {
                "Phase 4a: cleanup, index and subscription drops (after the new code is deployed; no transaction)"
            }
            Phase::Cleanup => {
                "Phase 4b: cleanup, drops of what the target no longer has (after the new code is deployed)"
            }
        }
    }
}

/// Order inside a phase: lower first. Dependencies between kinds are expressed here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rank {
    #[default]
    Schema,
    Extension,
    /// Collations and conversions: types and columns use them.
    EarlyOther,
    FreeName,
    Type,
    DropDependentView,
    /// A relation replaced by one of another kind, once the views over it are gone.
    DropReplaced,
    Sequence,
    Function,
    /// Objects built on functions (languages, wrappers, casts, operators), then servers, then what
    /// needs a server (user mappings): see `objects::other_ranks`.
    FunctionDependent,
    ForeignServer,
    UserMapping,
    Table,
    SequenceOwner,
    Column,
    TableProperty,
    DropForeignKey,
    DropKey,
    ColumnRewrite,
    Key,
    Index,
    PartitionAttach,
    IndexAttach,
    ForeignKey,
    Validate,
    View,
    ViewIndex,
    Trigger,
    Policy,
    Other,
    /// Revokes before grants: narrowing a privilege (dropping its grant option, `ALL` to `SELECT`)
    /// revokes the old one and grants the kept part, never the other way round.
    Revoke,
    Access,
    /// `OWNED BY` a column: after the owners, since PostgreSQL links a sequence only to a table of
    /// the same owner and refuses to change the owner of a linked sequence.
    SequenceLink,
    // Cleanup order: dependents before what they depend on.
    DropTrigger,
    DropPolicy,
    DropView,
    DropConstraint,
    /// Rules, extended statistics, user mappings: before the columns and servers they use.
    DropDependentOther,
    DropColumn,
    /// A child's inherited column: after its parent's drop (which takes it along).
    DropInheritedColumn,
    /// A child joins a parent once the parent's columns it lacks are dropped.
    Inherit,
    DropTable,
    /// A partition's own key again, once its parent's key (which took the partition's copy along)
    /// and the NOT NULLs the parent no longer has are gone.
    PartitionKeyAgain,
    DropSequence,
    DropServer,
    DropFunctionDependent,
    DropFunction,
    DropType,
    DropOther,
    DropExtension,
    DropSchema,
}

/// One statement of the script and the changes it carries out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub phase: Phase,
    #[serde(skip)]
    pub(crate) rank: Rank,
    pub sql: String,
    /// The changes this statement carries out, as `<kind> <object>`.
    pub changes: Vec<String>,
    /// Why the statement is written this way, or what to check before running it.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub steps: Vec<Step>,
    /// Changes the script cannot carry out by itself, with what to do instead.
    pub manual: Vec<String>,
    /// The target dump looks cut short: what it says about the removals (see [`hold_back`]).
    #[serde(default)]
    pub cut_short: Option<CutShort>,
}

/// A migration whose target dump looks cut short: everything after the cut would look removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutShort {
    /// Why the target looks cut short.
    pub reason: String,
    /// The removals (`<kind> <object>`) the cut may have caused.
    pub removals: Vec<String>,
    /// The user confirmed the removals are real: their statements are in the script.
    pub confirmed: bool,
}

/// A target that looks cut short ([`Catalog::cut_short`]) turns into no destructive statement
/// unless the user confirms: the steps that only remove what the target lacks (drops, revokes)
/// are left out, and the script opens with a warning that lists them. Confirmed, they stay, and the
/// warning says so.
pub fn hold_back(plan: &mut Plan, diff: &Diff, to: &Catalog, confirmed: bool) {
    let Some(reason) = &to.cut_short else { return };
    let removed: std::collections::BTreeSet<String> =
        diff.changes.iter().filter(|c| c.change == crate::diff::ChangeKind::Removed).map(change_id).collect();
    // (An owner or comment goes with its object: listed as the object.)
    let removals: Vec<String> = diff
        .changes
        .iter()
        .filter(|c| {
            c.change == crate::diff::ChangeKind::Removed
                && ![ObjectKind::Owner, ObjectKind::Comment].contains(&c.object_kind)
        })
        .map(change_id)
        .collect();
    if !confirmed {
        let destructive = |sql: &str| {
            sql.lines().any(|line| {
                let upper = line.trim_start().to_ascii_uppercase();
                upper.starts_with("DROP ") || upper.starts_with("REVOKE ") || upper.contains(" DROP ")
            })
        };
        plan.steps.retain(|step| {
            !(destructive(&step.sql) && !step.changes.is_empty() && step.changes.iter().all(|c| removed.contains(c)))
        });
    }
    plan.cut_short = Some(CutShort { reason: reason.clone(), removals, confirmed });
}

impl Plan {
    /// The steps of one phase, in order.
    pub fn phase(&self, phase: Phase) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(move |s| s.phase == phase)
    }
}

/// Builds the plan that takes `from` to `to` given their diff.
pub fn plan(from: &Catalog, to: &Catalog, diff: &Diff) -> Plan {
    // An object not compared gets no statement, only a manual step (see `diff/uncompared.rs`).
    let uncompared = |c: &Change| c.change == crate::diff::ChangeKind::Uncompared;
    let mut manual: Vec<String> = Vec::new();
    for change in diff.changes.iter().filter(|c| uncompared(c)) {
        manual.push(format!(
            "{} {} was not compared, so this script leaves it as it is ({}). Compare its definitions by hand and write the change if one is needed",
            change.object_kind.words(),
            change.object,
            crate::diff::uncompared_sides(change),
        ));
    }
    let compared;
    let diff = if diff.changes.iter().any(uncompared) {
        compared = Diff { changes: diff.changes.iter().filter(|c| !uncompared(c)).cloned().collect(), ..diff.clone() };
        &compared
    } else {
        diff
    };
    let mut by_kind: BTreeMap<ObjectKind, Vec<&Change>> = BTreeMap::new();
    for change in &diff.changes {
        by_kind.entry(change.object_kind).or_default().push(change);
    }
    // The `from` name behind each renamed table, found once (the planner asks for every table).
    let renamed_tables = by_kind
        .get(&ObjectKind::Table)
        .into_iter()
        .flatten()
        .filter(|c| c.change == crate::diff::ChangeKind::Renamed)
        .filter_map(|c| {
            let old = c.was.as_deref()?.find(&from.tables)?.0.clone();
            Some((c.key.qualified()?.clone(), old))
        })
        .fold(BTreeMap::new(), |mut map, (shown, names)| {
            map.entry(shown).or_insert(names);
            map
        });
    let mut planner = Planner {
        from,
        to,
        diff,
        by_kind,
        renamed_tables,
        steps: Vec::new(),
        manual,
        created: BTreeMap::new(),
        made_in: BTreeMap::new(),
        moved: BTreeMap::new(),
        remade_constraints: Default::default(),
        remade_indexes: Default::default(),
        views_made_again: Default::default(),
        recreated: Default::default(),
        remade_calls: Default::default(),
        retyped: Default::default(),
        mentions: Default::default(),
        type_uses: Default::default(),
        removed_functions: Default::default(),
        renamed_from: Default::default(),
    };
    planner.run();
    // What only planning needs (the phases things are made in, the indexes) goes before the steps
    // are ordered: a plan of many objects peaks there.
    let (mut steps, manual) = planner.finish();
    free_replaced_names(&mut steps, diff, from, to);
    steps.sort_by_key(|s| (s.phase, s.rank));
    needs::order_by_needs(&mut steps, from);
    rerun::make_rerunnable(&mut steps);
    // What a dump holds shows, never acts: characters that would drive a terminal are escapes.
    for step in &mut steps {
        if let std::borrow::Cow::Owned(inert) = crate::sql::inert_sql(&step.sql) {
            step.sql = inert;
        }
    }
    steps.shrink_to_fit();
    Plan { steps, manual, cut_short: None }
}

/// Tables, views, materialized views, sequences and foreign tables share one namespace, and the
/// row types of tables, views and composite types share another with every other type: an object
/// replaced by one of another kind under the same name (a view that becomes a materialized view, a
/// composite type that becomes a table) makes way for its successor. It is renamed out of the way
/// (`x_sdold`) just before the successor is created, keeping its rows and everything that uses it
/// until the cleanup drops it under that name; one with views over it is swapped in phase 3
/// instead, between dropping those views and making them again.
fn free_replaced_names(steps: &mut Vec<Step>, diff: &Diff, from: &Catalog, to: &Catalog) {
    let pairs = replaced_pairs(diff);
    if pairs.is_empty() {
        return;
    }
    // Found once for all pairs: the steps by the changes they carry, the views over each object
    // that goes, the privileges both sides give, the indexes by table.
    let mut index = StepIndex::new(steps);
    let gone_names: Vec<QualifiedName> = pairs
        .iter()
        .filter(|(_, _, kind, _)| *kind != "type")
        .filter_map(|(gone, ..)| shown_relation(from, to, namespace_key(gone).map_or("", |(_, name)| name)))
        .collect();
    let mentioned = view_mentions::mentions_of(from.views.iter().map(|(n, v)| (n, v.definition.as_str())), gone_names);
    let read_by_a_view: std::collections::HashSet<&QualifiedName> = mentioned.values().flatten().collect();
    let from_grants: std::collections::HashSet<&String> = from.grants.iter().collect();
    // The target's privileges by every word and pair of words they hold.
    let mut to_grants: HashMap<String, Vec<usize>> = HashMap::new();
    for (at, grant) in to.grants.iter().enumerate() {
        for key in crate::sql::held_keys(grant) {
            let list = to_grants.entry(key).or_default();
            if list.last() != Some(&at) {
                list.push(at);
            }
        }
    }
    let mut indexes_by_table: HashMap<&QualifiedName, Vec<&QualifiedName>> = HashMap::new();
    for (name, index) in &to.indexes {
        indexes_by_table.entry(&index.table).or_default().push(name);
    }
    for (gone, successor, gone_kind, successor_kind) in pairs {
        // Steps name a view of either kind as `view <name>`: of the two views, the one that goes
        // is the one dropped.
        let carries = |step: &Step, c: &Change| {
            let as_view = format!("view {}", c.object);
            let dropping = step.sql.trim_start().get(..5).is_some_and(|w| w.eq_ignore_ascii_case("drop "));
            if c.object_kind.is_view() && step.changes.contains(&as_view) {
                dropping == (c.change == crate::diff::ChangeKind::Removed)
            } else {
                step.changes.contains(&change_id(c))
            }
        };
        let carrying = |steps: &[Step], index: &StepIndex, c: &Change| -> Vec<usize> {
            let ids = [format!("view {}", c.object), change_id(c)];
            index.with_any(&ids).into_iter().filter(|at| carries(&steps[*at], c)).collect()
        };
        let successor_steps = carrying(steps, &index, successor);
        let Some(phase) = successor_steps.iter().map(|at| steps[*at].phase).min() else {
            continue;
        };
        let shown = namespace_key(gone).map_or("", |(_, name)| name);
        let gone_name = shown_relation(from, to, shown);
        let Some(gone_name) = gone_name.as_ref() else { continue };
        // The successor is a new object: the privileges both sides give under its name (which the
        // diff sees as unchanged) are granted again. (Only those whose last words are the name's
        // are looked at: a privilege holding ` on table x.v ` has them.)
        let grant_word = match successor_kind {
            "sequence" => "sequence",
            "type" => "type",
            _ => "table",
        };
        let on = format!(" on {grant_word} {shown} ");
        let named: Vec<usize> = match crate::sql::tail_key(shown) {
            Some(tail) => to_grants.get(&tail).cloned().unwrap_or_default(),
            None => (0..to.grants.len()).collect(),
        };
        let grants: Vec<String> = named
            .into_iter()
            .map(|at| &to.grants[at])
            .filter(|g| g.contains(&on) && from_grants.contains(*g))
            .map(|g| format!("{g};"))
            .collect();
        let last = successor_steps.iter().map(|at| steps[*at].phase).max().unwrap_or(phase);
        // (A view over a type reads its row type, not a relation: a type is renamed away.)
        let read_by_views = gone_kind != "type" && read_by_a_view.contains(gone_name);
        if read_by_views {
            let indexes_on: Vec<String> =
                indexes_by_table.get(gone_name).into_iter().flatten().map(|name| format!("index {name}")).collect();
            // Its owner, comment and privileges (`owner view x.v`, …) follow it.
            let about = format!(" {} {shown}", successor_kind.replace('_', " "));
            let about_steps = index.ending_with(&about);
            let index_steps = index.with_any(&indexes_on);
            let gone_steps = carrying(steps, &index, gone);
            let mut touched: Vec<usize> =
                gone_steps.iter().chain(&successor_steps).chain(&about_steps).chain(&index_steps).copied().collect();
            touched.sort_unstable();
            touched.dedup();
            for at in touched {
                let step = &mut steps[at];
                if carries(step, gone) {
                    (step.phase, step.rank) = (Phase::Rewrite, Rank::DropReplaced);
                } else if carries(step, successor) || step.changes.iter().any(|c| c.ends_with(&about)) {
                    step.phase = step.phase.max(Phase::Rewrite);
                } else if step.phase < Phase::Rewrite && step.changes.iter().any(|c| indexes_on.contains(c)) {
                    // Its indexes are built once it is made, in that transaction.
                    (step.phase, step.rank) = (Phase::Rewrite, Rank::ViewIndex);
                    step.sql = step.sql.replace(" INDEX CONCURRENTLY ", " INDEX ");
                }
            }
        } else {
            let gone_steps = carrying(steps, &index, gone);
            rename_aside(steps, gone, gone_name, (gone_kind, successor_kind), phase, &gone_steps);
            index.add(steps);
        }
        if !grants.is_empty() {
            let phase = if read_by_views { last.max(Phase::Rewrite) } else { last.max(phase) };
            let sql = grants.join("\n");
            steps.push(Step { phase, rank: Rank::Access, sql, changes: vec![change_id(successor)], note: None });
            index.add(steps);
        }
    }
}

/// The steps by the changes they carry: which steps carry a change is looked up, not found by a
/// walk over every step (many objects replaced by another kind under their names stay linear).
struct StepIndex {
    /// The steps indexed so far.
    len: usize,
    by_id: HashMap<String, Vec<usize>>,
    /// By the tail ([`crate::sql::tail_key`]) of each change id.
    by_tail: HashMap<String, Vec<usize>>,
    /// Steps with a change id without a name character (looked at for every question).
    odd: Vec<usize>,
}

impl StepIndex {
    fn new(steps: &[Step]) -> StepIndex {
        let mut index = StepIndex { len: 0, by_id: HashMap::new(), by_tail: HashMap::new(), odd: Vec::new() };
        index.add(steps);
        index
    }

    /// Indexes the steps pushed since.
    fn add(&mut self, steps: &[Step]) {
        for (at, step) in steps.iter().enumerate().skip(self.len) {
            for id in &step.changes {
                self.by_id.entry(id.clone()).or_default().push(at);
                match crate::sql::tail_key(id) {
                    Some(tail) => self.by_tail.entry(tail).or_default().push(at),
                    None => self.odd.push(at),
                }
            }
        }
        self.len = steps.len();
    }

    /// The steps carrying any of `ids`, in order, each once.
    fn with_any(&self, ids: &[String]) -> Vec<usize> {
        let mut found: Vec<usize> = ids.iter().filter_map(|id| self.by_id.get(id)).flatten().copied().collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The steps that may carry a change whose id ends with `suffix` (a space, then two words or
    /// more): those whose ids end in its last words (the caller makes the exact test).
    fn ending_with(&self, suffix: &str) -> Vec<usize> {
        let mut found: Vec<usize> = match crate::sql::tail_key(suffix) {
            Some(tail) if crate::sql::words(suffix).nth(1).is_some() => {
                self.by_tail.get(&tail).into_iter().flatten().chain(&self.odd).copied().collect()
            }
            _ => (0..self.len).collect(),
        };
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// Renames an object that goes (`gone`, under `name`) out of its successor's way in `phase`; its
/// own steps (its drop at cleanup) name it by the name it is moved to.
fn rename_aside(
    steps: &mut Vec<Step>,
    gone: &Change,
    name: &QualifiedName,
    (gone_kind, successor_kind): (&str, &str),
    phase: Phase,
    carrying: &[usize],
) {
    let shown = namespace_key(gone).map_or("", |(_, name)| name);
    let moved = QualifiedName::new(&name.schema, &aside_name(&name.name));
    let (old_sql, new_sql) = (crate::sql::qualified(name), crate::sql::qualified(&moved));
    for at in carrying {
        steps[*at].sql = replace_name(&steps[*at].sql, &old_sql, &new_sql);
    }
    let word = gone_kind.replace('_', " ").to_uppercase();
    let gone_kind = gone_kind.replace('_', " ");
    let successor_kind = successor_kind.replace('_', " ");
    steps.push(Step {
        phase,
        rank: Rank::FreeName,
        sql: format!("ALTER {word} {old_sql} RENAME TO {};", crate::sql::ident(&moved.name)),
        changes: vec![change_id(gone)],
        note: Some(format!(
            "{gone_kind} {shown} makes way for the {successor_kind} of its name; it is dropped at cleanup as {moved}"
        )),
    });
}

/// Relation and type kinds, whose objects share PostgreSQL's relation and type namespaces.
const NAMESPACED: &[ObjectKind] =
    &[ObjectKind::Table, ObjectKind::View, ObjectKind::MaterializedView, ObjectKind::Sequence, ObjectKind::Type];

/// The kind and name (as shown) of a change to an object in the relation or type namespace: a
/// foreign table is an `other` change (`foreign table public.t`).
pub(crate) fn namespace_key(change: &Change) -> Option<(&str, &str)> {
    match change.object_kind {
        kind if NAMESPACED.contains(&kind) => Some((kind.as_str(), change.object.as_str())),
        ObjectKind::Other => change.object.strip_prefix("foreign table ").map(|name| ("foreign_table", name)),
        _ => None,
    }
}

/// Objects replaced by one of another kind under the same name (a view by a materialized view, a
/// composite type by a table): (the one that goes, its successor, their kinds). Two types of
/// different kinds under one name are one type made again (`objects::recreate_type`), not a pair.
pub(crate) fn replaced_pairs(diff: &Diff) -> Vec<(&Change, &Change, &str, &str)> {
    use crate::diff::ChangeKind;
    // Sorted by name (stable: the diff's order within one name), searched by each removed object: a
    // flat list costs a few words per added object, where a map of lists cost a list each.
    let mut added: Vec<(&str, &Change, &str)> = diff
        .changes
        .iter()
        .filter(|c| c.change == ChangeKind::Added)
        .filter_map(|c| namespace_key(c).map(|(kind, name)| (name, c, kind)))
        .collect();
    added.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::new();
    for gone in diff.changes.iter().filter(|c| c.change == ChangeKind::Removed) {
        let Some((gone_kind, name)) = namespace_key(gone) else { continue };
        let start = added.partition_point(|(added, _, _)| *added < name);
        let successor = added[start..]
            .iter()
            .take_while(|(added, _, _)| *added == name)
            .find(|(_, _, kind)| *kind != gone_kind && !(gone_kind == "type" && *kind == "type"));
        if let Some((_, successor, successor_kind)) = successor {
            out.push((gone, *successor, gone_kind, *successor_kind));
        }
    }
    out
}

/// The name of a relation or type shown as `shown`, from whichever side holds it under a kind the
/// catalog keys by name (a foreign table's replacement holds the same name).
pub(crate) fn shown_relation(from: &Catalog, to: &Catalog, shown: &str) -> Option<QualifiedName> {
    [from, to].into_iter().find_map(|c| {
        crate::catalog::find_shown(&c.tables, shown)
            .map(|(n, _)| n)
            .or_else(|| crate::catalog::find_shown(&c.views, shown).map(|(n, _)| n))
            .or_else(|| crate::catalog::find_shown(&c.sequences, shown).map(|(n, _)| n))
            .or_else(|| crate::catalog::find_shown(&c.types, shown).map(|(n, _)| n))
            .cloned()
    })
}

/// The name an object is moved to while the one that replaces it takes its name (`x_sdold`),
/// shortened so that it stays within PostgreSQL's 63 bytes and differs from the name itself.
pub(crate) fn aside_name(name: &str) -> String {
    with_suffix(name, "_sdold")
}

/// `name` followed by `suffix`, the name shortened (at a character boundary) so that the whole
/// stays within PostgreSQL's 63 bytes, which it would otherwise cut itself (and a cut suffix could
/// name the object it was meant to stand beside).
pub(crate) fn with_suffix(name: &str, suffix: &str) -> String {
    let mut end = name.len().min(63usize.saturating_sub(suffix.len()));
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{suffix}", &name[..end])
}

/// `sql` with each whole occurrence of the (qualified, as SQL) name `old` written as `new`.
fn replace_name(sql: &str, old: &str, new: &str) -> String {
    crate::sql::replace_whole(sql, old, new, |c| c.is_alphanumeric() || matches!(c, '_' | '$' | '"' | '.'))
}

pub(crate) struct Planner<'a> {
    pub(crate) from: &'a Catalog,
    pub(crate) to: &'a Catalog,
    pub(crate) diff: &'a Diff,
    /// The diff's changes by kind, in their order ([`Planner::changes_of`]).
    by_kind: BTreeMap<ObjectKind, Vec<&'a Change>>,
    /// Confirmed table renames: the old name, by the new name as shown.
    renamed_tables: BTreeMap<QualifiedName, QualifiedName>,
    pub(crate) steps: Vec<Step>,
    pub(crate) manual: Vec<String>,
    /// The phase in which an object (`<kind> <object>`) is created, for what must follow it.
    pub(crate) created: BTreeMap<String, Phase>,
    /// The last phase (cleanup aside) in which a step carries out each change (`<kind> <object>`):
    /// what is said about a constraint or an index comes after it is made.
    pub(crate) made_in: BTreeMap<String, Phase>,
    /// Indexes (and the constraints they back) of `from` that go away later and whose names the
    /// new objects need: renamed out of the way first, to this name.
    pub(crate) moved: BTreeMap<QualifiedName, String>,
    /// Constraints (table, name) that a type or function made again takes away and makes again
    /// (`objects::checks_and_indexes_reading`).
    pub(crate) remade_constraints: std::collections::BTreeSet<(QualifiedName, String)>,
    /// Indexes of `from` that a type or function made again takes away and makes again as `to`
    /// has them: their own rebuild (phase 2, before the type exists) is left out.
    pub(crate) remade_indexes: std::collections::BTreeSet<QualifiedName>,
    /// Views created in phase 3 (made again, or new over what phase 3 changes): their triggers and
    /// rules are created with them ([`Planner::carried_along`]), not by their own steps.
    pub(crate) views_made_again: std::collections::BTreeSet<QualifiedName>,
    /// What a step of many asks about the whole of both catalogs, found once on first need: each is
    /// a walk over every function or every column, which per step would make a plan of many
    /// policies or columns quadratic ([`Planner::recreated_functions`], [`Planner::remade_calls`],
    /// [`Planner::retyped_columns`]).
    recreated: std::cell::OnceCell<Vec<QualifiedName>>,
    remade_calls: std::cell::OnceCell<Vec<String>>,
    retyped: std::cell::OnceCell<mentions::Retyped>,
    mentions: std::cell::OnceCell<mentions::Mentions<'a>>,
    type_uses: std::cell::OnceCell<mentions::TypeUses<'a>>,
    removed_functions: std::cell::OnceCell<HashMap<&'a QualifiedName, Vec<&'a crate::catalog::Function>>>,
    renamed_from: std::cell::OnceCell<HashMap<QualifiedName, Vec<QualifiedName>>>,
}

impl<'a> Planner<'a> {
    fn run(&mut self) {
        relations::plan_tables(self);
        objects::plan_objects(self);
        objects::plan_access(self);
        // A constraint that changes and that a type or function made again also makes again: its
        // own ADD drops what may be there first, so either order of the two works.
        let remade_indexes: std::collections::BTreeSet<String> =
            self.remade_indexes.iter().map(|name| format!("index {name}")).collect();
        let rebuilt_alone = |step: &Step| {
            step.phase == Phase::Online && step.changes.len() == 1 && remade_indexes.contains(&step.changes[0])
        };
        let altered: std::collections::HashSet<String> = match remade_indexes.is_empty() {
            true => Default::default(),
            false => self
                .diff
                .changes
                .iter()
                .filter(|c| c.change == crate::diff::ChangeKind::Altered)
                .map(change_id)
                .collect(),
        };
        let changed_index = |id: &String| altered.contains(id);
        self.steps.retain(|step| !(rebuilt_alone(step) && changed_index(&step.changes[0])));
        // Each remade constraint's ADD gets its DROP before it. The steps opening with an ADD are
        // found by what comes before ` ADD CONSTRAINT ` (the table), not by trying every constraint
        // on every step: a type made again under thousands of CHECKs stays linear.
        let remade = std::mem::take(&mut self.remade_constraints);
        let mut by_table: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for (table, key) in &remade {
            let shown = crate::sql::qualified(table);
            let drop = format!("ALTER TABLE {shown} DROP CONSTRAINT IF EXISTS {};", crate::sql::ident(key));
            let opening = format!("ALTER TABLE {shown}");
            by_table.entry(opening).or_default().push((format!("{} ", crate::sql::ident(key)), drop));
        }
        let longest = by_table.keys().map(String::len).max().unwrap_or(0);
        const ADD: &str = " ADD CONSTRAINT ";
        for step in self.steps.iter_mut().filter(|s| !remade.is_empty() && s.sql.starts_with("ALTER TABLE ")) {
            // (In the constraints' order, the first whose ADD opens the step: its DROP then opens it.)
            let opens = |(at, _): (usize, &str)| {
                let rest = &step.sql[at + ADD.len()..];
                by_table.get(&step.sql[..at])?.iter().find(|(name, _)| rest.starts_with(name.as_str()))
            };
            let found = step.sql.match_indices(ADD).take_while(|(at, _)| *at <= longest).find_map(opens);
            if let Some((_, drop)) = found {
                step.sql = format!("{drop}\n{}", step.sql);
            }
        }
    }

    /// The steps and the manual changes; the rest of the planner's state is dropped.
    fn finish(self) -> (Vec<Step>, Vec<String>) {
        (self.steps, self.manual)
    }

    pub(crate) fn push(&mut self, phase: Phase, rank: Rank, sql: String, change: &Change) {
        self.push_step(phase, rank, sql, vec![change_id(change)], None);
    }

    pub(crate) fn push_step(
        &mut self,
        phase: Phase,
        rank: Rank,
        mut sql: String,
        mut changes: Vec<String>,
        note: Option<String>,
    ) {
        if phase != Phase::Cleanup {
            for change in &changes {
                let made = self.made_in.entry(change.clone()).or_insert(phase);
                *made = (*made).max(phase);
            }
        }
        // Kept for the whole release: without the room left from being written.
        sql.shrink_to_fit();
        changes.iter_mut().for_each(String::shrink_to_fit);
        changes.shrink_to_fit();
        self.steps.push(Step { phase, rank, sql, changes, note });
    }

    /// The functions the plan drops and makes again ([`objects::recreated_function`]), by name.
    pub(crate) fn recreated_functions(&self) -> &[QualifiedName] {
        self.recreated.get_or_init(|| objects::recreated_functions(self))
    }

    /// The calls (`schema.name(`) of the functions phase 3 makes again: those recreated, and those
    /// dropped under one signature and added under another.
    pub(crate) fn remade_calls(&self) -> &[String] {
        self.remade_calls.get_or_init(|| objects::remade_in_rewrite(self))
    }

    /// The FROM side's policies, triggers and function bodies by the words they name.
    pub(crate) fn mentions(&self) -> &mentions::Mentions<'a> {
        self.mentions.get_or_init(|| mentions::Mentions::of(self.from, self.to))
    }

    /// The functions (and procedures, aggregates) the diff removes under `name`, in the diff's order.
    pub(crate) fn removed_functions(&self, name: &QualifiedName) -> &[&'a crate::catalog::Function] {
        let by_name = self.removed_functions.get_or_init(|| {
            let mut by_name: HashMap<&'a QualifiedName, Vec<&'a crate::catalog::Function>> = HashMap::new();
            let removed =
                self.changes_of(ObjectKind::Function).filter(|c| c.change == crate::diff::ChangeKind::Removed);
            for old in removed.filter_map(|c| self.from.functions.get(&c.object)) {
                by_name.entry(&old.name).or_default().push(old);
            }
            by_name
        });
        by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// Which tables use each type.
    pub(crate) fn type_uses(&self) -> &mentions::TypeUses<'a> {
        self.type_uses.get_or_init(|| mentions::TypeUses::of(self))
    }

    /// Every column whose type changes (of `to`'s tables, against the table each was in `from`).
    pub(crate) fn retyped_columns(&self) -> &mentions::Retyped {
        self.retyped.get_or_init(|| {
            let mut retyped = Vec::new();
            for (name, after) in &self.to.tables {
                let Some(before) = self.from.tables.get(&self.old_table_name(name)) else { continue };
                let old_columns: std::collections::HashMap<&str, &crate::catalog::Column> =
                    before.columns.iter().map(|c| (c.name.as_str(), c)).collect();
                for column in &after.columns {
                    if old_columns.get(column.name.as_str()).is_some_and(|old| old.data_type != column.data_type) {
                        retyped.push((name.clone(), column.name.clone()));
                    }
                }
            }
            mentions::Retyped::new(retyped)
        })
    }

    /// The `from` table behind a `to` table: itself, or the old one of a confirmed rename.
    /// The target's tables confirmed as renamed from `old` (by their new names).
    pub(crate) fn renamed_from(&self, old: &QualifiedName) -> &[QualifiedName] {
        let by_old = self.renamed_from.get_or_init(|| {
            let mut by_old: HashMap<QualifiedName, Vec<QualifiedName>> = HashMap::new();
            for (new, old) in &self.renamed_tables {
                by_old.entry(old.clone()).or_default().push(new.clone());
            }
            by_old
        });
        by_old.get(old).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn old_table_name(&self, name: &QualifiedName) -> QualifiedName {
        self.renamed_tables.get(name).cloned().unwrap_or_else(|| name.clone())
    }

    /// What an object the script drops and creates again must get back from `to`, as statements
    /// to follow its CREATE: its owner, its comment and its columns' comments, its privileges
    /// (PostgreSQL gives a new object the defaults), and for a view its triggers and rules. `kind` and
    /// `shown` name it as the catalog keys it (`function`, `public.f(integer)`); `sql_object` is
    /// how a statement names it.
    pub(crate) fn carried_along(&self, kind: &str, shown: &str, sql_object: &str) -> Vec<String> {
        use crate::sql::{ident, literal};
        let key = format!("{kind} {shown}");
        let word = kind.to_uppercase();
        let mut out = Vec::new();
        if let Some(role) = self.to.owners.get(&key) {
            out.push(format!("ALTER {word} {sql_object} OWNER TO {};", ident(role)));
        }
        if let Some(text) = self.to.comments.get(&key) {
            out.push(format!("COMMENT ON {word} {sql_object} IS {};", literal(text)));
        }
        let columns = format!("column {shown}.");
        for (column_key, text) in self.to.comments.range(columns.clone()..) {
            let Some(column) = column_key.strip_prefix(&columns) else { break };
            out.push(format!("COMMENT ON COLUMN {sql_object}.{} IS {};", ident(column), literal(text)));
        }
        // Privileges name a function with its argument names, a view as a table.
        let (grant_kind, target) = match kind {
            "function" | "procedure" => (kind, shown.split('(').next().unwrap_or(shown).to_string() + "("),
            "view" | "materialized view" => ("table", format!("{shown} ")),
            _ => (kind, format!("{shown} ")),
        };
        let on = format!(" on {grant_kind} {target}");
        // (Only the privileges and rules naming the object's last word are looked at: a text
        // holding `on` has that word.)
        let last_word = |text: &str| crate::sql::words(text).last().unwrap_or("").to_string();
        let grants = self.mentions().target_grants.naming(&last_word(&target));
        out.extend(grants.filter(|g| g.contains(&on)).map(|g| format!("{g};")));
        if kind == "view" || kind == "materialized view" {
            let triggers = format!("{shown}.");
            for (trigger, _) in self.to.triggers.range(triggers.clone()..).take_while(|(k, _)| k.starts_with(&triggers))
            {
                if let Some(source) = self.to.sources.get(&format!("trigger {trigger}")) {
                    out.push(source.trim().to_string());
                }
            }
            // Its rules (`ON UPDATE TO v DO INSTEAD …`) went with it too.
            let on = format!(" on {shown}");
            for rule in self.mentions().target_rules.naming(&last_word(shown)).filter(|k| k.ends_with(&on)) {
                if let Some(source) = self.to.sources.get(&format!("other {rule}")) {
                    out.push(source.trim().to_string());
                }
            }
        }
        out
    }

    pub(crate) fn changes_of<'c>(&'c self, kind: ObjectKind) -> impl Iterator<Item = &'c Change> + 'c {
        self.by_kind.get(&kind).into_iter().flatten().copied()
    }
}

/// `<kind> <object>`: how steps name the changes they carry out.
pub fn change_id(change: &Change) -> String {
    format!("{} {}", change.object_kind, change.object)
}

use crate::sql::comment;

/// What to do when the script stops on a lock timeout (PostgreSQL's advice: retry), in the
/// header of every script. `plan::rerun` makes it true, `tests/migration_round_trip.rs` and
/// `tests/peer_suites.rs` run each phase outside a transaction twice to prove it.
const RETRY: [&str; 4] = [
    "If a statement stops on `canceling statement due to lock timeout` (the application held a",
    "conflicting lock for 5 s), run again, at a quieter moment, the SET lines below and the script from",
    "the `-- Phase` line of the phase it stopped in: phases 1, 3 and 4b run in one transaction and leave",
    "nothing behind; phases 0, 2 and 4a skip what they did already.",
];

/// The header's [`RETRY`] lines, and the exception a phase outside a transaction may hold: a
/// `CREATE SUBSCRIPTION` cannot be checked first (it cannot run inside a DO block).
fn write_retry(out: &mut String, plan: &Plan) {
    for line in RETRY {
        let _ = writeln!(out, "-- {line}");
    }
    let subscribes = plan.steps.iter().any(|s| {
        !s.phase.transactional() && s.sql.trim_start().to_ascii_uppercase().starts_with("CREATE SUBSCRIPTION")
    });
    if subscribes {
        let _ = writeln!(
            out,
            "-- Except CREATE SUBSCRIPTION, which nothing can check first: if it ran, leave it out when you run phase 2 again."
        );
    }
}

/// Said before a statement that waits by design: no lock timeout for it.
const WAIT_BY_DESIGN: &str = "SET lock_timeout = 0; -- waits by design, blocking no reads or writes (CONCURRENTLY for older transactions, VALIDATE for its SHARE UPDATE EXCLUSIVE lock)";
/// Said before a strong-lock statement after one that waits by design.
const WAIT_BRIEFLY: &str =
    "SET lock_timeout = '5s'; -- a strong lock: give up rather than queue the application's queries behind it";

/// Whether the statement a script line starts waits by design, taking no lock stronger than SHARE
/// UPDATE EXCLUSIVE, so that queueing for it holds up none of the application's reads or writes
/// (`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX … CONCURRENTLY`, `DETACH
/// PARTITION … CONCURRENTLY`, `VALIDATE CONSTRAINT`: `true`), or takes a lock it must not queue for
/// (`false`); `None` for a line that starts no statement (a comment, the rest of a statement).
/// `tests/lock_claims.rs` checks each answer against the lock PostgreSQL takes.
pub fn waits_by_design(line: &str) -> Option<bool> {
    const STARTS: [&str; 8] = ["ALTER ", "CREATE ", "DROP ", "REINDEX ", "REFRESH ", "COMMENT ", "GRANT ", "REVOKE "];
    let line = line.trim_start();
    // (`DO` blocks, the checks around a concurrent build, set their own lock timeout.)
    STARTS.iter().any(|start| line.starts_with(start)).then(|| {
        let validates = line.starts_with("ALTER TABLE ")
            && line
                .trim_end()
                .trim_end_matches(';')
                .rsplit_once(" VALIDATE CONSTRAINT ")
                .is_some_and(|(_, name)| !name.trim().is_empty() && !name.contains(','));
        crate::sql::concurrently_at(line).is_some() || validates
    })
}

/// The whole script: a header, the settings, and each phase with its transaction boundaries; each
/// statement is annotated with the risks of the changes it carries out.
pub fn script(
    plan: &Plan,
    title: &str,
    risks: &[crate::risks::Risk],
    version: &crate::version::TargetVersion,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "-- {}", comment(title));
    let _ = writeln!(out, "-- Generated by schemadrift {}. Review before running.", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(out, "-- {}", comment(&version.said()));
    write_retry(&mut out, plan);
    write_body(&mut out, plan, risks);
    out.shrink_to_fit();
    out
}

/// The rollback: the plan from `to` back to `from`, with what it cannot bring back.
pub fn rollback_script(
    forward: &Plan,
    backward: &Plan,
    title: &str,
    risks: &[crate::risks::Risk],
    version: &crate::version::TargetVersion,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "-- {}", comment(title));
    let _ = writeln!(out, "-- Generated by schemadrift {}. Review before running.", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(out, "-- {}", comment(&version.said()));
    write_retry(&mut out, backward);
    let lost: Vec<&String> =
        forward.steps.iter().filter_map(|s| s.note.as_ref()).filter(|n| n.starts_with("data loss")).collect();
    if lost.is_empty() {
        let _ = writeln!(out, "-- The migration deletes no data: this rollback restores the previous schema.");
    } else {
        let _ = writeln!(out, "-- CANNOT BE UNDONE: the migration deletes data that this rollback cannot bring back;");
        let _ = writeln!(out, "-- it recreates the objects empty. Restore their rows from a backup:");
        for note in lost {
            let _ = writeln!(out, "--   {}", comment(note.trim_start_matches("data loss: ")));
        }
    }
    write_body(&mut out, backward, risks);
    out.shrink_to_fit();
    out
}

fn write_body(out: &mut String, plan: &Plan, risks: &[crate::risks::Risk]) {
    let by_change = crate::risks::by_change(risks);
    if let Some(cut) = &plan.cut_short {
        let _ = writeln!(out, "--");
        let _ = writeln!(out, "-- WARNING: the target dump looks cut short: {}.", comment(&cut.reason));
        let n = cut.removals.len();
        let them = if n == 1 { "it" } else { "them" };
        if cut.confirmed {
            let _ = writeln!(
                out,
                "-- You confirmed that the {n} removal{} below are real: this script makes {them}.",
                if n == 1 { "" } else { "s" }
            );
        } else {
            let _ = writeln!(
                out,
                "-- What comes after the cut would look removed, so this script leaves out the {n} removal{} below.",
                if n == 1 { "" } else { "s" }
            );
            let _ = writeln!(
                out,
                "-- Dump the schema again, or confirm they are real (`--allow-truncated`, or the checkbox in the app)."
            );
        }
        for removal in &cut.removals {
            let _ = writeln!(out, "--   {}", comment(&removal.replace('_', " ")));
        }
        let _ = writeln!(out, "--");
    }
    if plan.steps.is_empty() && plan.manual.is_empty() && plan.cut_short.is_some() {
        let _ = writeln!(out, "-- No statement to run: see the warning above.");
    } else if plan.steps.is_empty() && plan.manual.is_empty() {
        let _ = writeln!(out, "-- Nothing to do: the two schemas are the same.");
    } else if plan.steps.is_empty() {
        let _ = writeln!(out, "-- No statement to run, but the schemas may differ: see the manual steps.");
    }
    for manual in &plan.manual {
        let _ = writeln!(out, "-- MANUAL: {}", comment(manual));
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "SET lock_timeout = '5s';");
    let _ = writeln!(out, "SET statement_timeout = '15min';");
    let _ = writeln!(out, "SET check_function_bodies = false;");
    let _ = writeln!(out, "SET client_min_messages = warning;");
    let _ = writeln!(out, "SET search_path = public;");
    // Whether the lock timeout is off for statements that wait by design (see `waits_by_design`).
    let mut waiting = false;
    for phase in Phase::ALL {
        let steps: Vec<&Step> = plan.phase(phase).collect();
        if steps.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n-- {}", phase.title());
        if phase == Phase::Online {
            let _ = writeln!(out, "SET statement_timeout = 0; -- index builds take as long as the table needs");
        }
        if phase == Phase::CleanupIndexes {
            let _ = writeln!(
                out,
                "SET statement_timeout = 0; -- concurrent drops wait for the transactions using the index"
            );
        }
        if phase.transactional() {
            let _ = writeln!(out, "BEGIN;");
        }
        for step in steps {
            for change in &step.changes {
                if let Some(risk) = by_change.of(change) {
                    let _ = writeln!(
                        out,
                        "-- risk {}: {} ({})",
                        risk.level.label(),
                        comment(change),
                        risk.rules.join(", ")
                    );
                }
            }
            if let Some(note) = &step.note {
                let _ = writeln!(out, "-- {}", comment(note));
            }
            if !matches!(phase, Phase::Online | Phase::CleanupIndexes) {
                let _ = writeln!(out, "{}", step.sql.trim_end());
                continue;
            }
            for line in step.sql.trim_end().lines() {
                match waits_by_design(line) {
                    Some(true) if !waiting => {
                        waiting = true;
                        let _ = writeln!(out, "{WAIT_BY_DESIGN}");
                    }
                    Some(false) if waiting => {
                        waiting = false;
                        let _ = writeln!(out, "{WAIT_BRIEFLY}");
                    }
                    _ => {}
                }
                let _ = writeln!(out, "{line}");
            }
        }
        if phase.transactional() {
            let _ = writeln!(out, "COMMIT;");
        }
        if phase == Phase::Online || phase == Phase::CleanupIndexes {
            if waiting {
                waiting = false;
                let _ = writeln!(out, "{WAIT_BRIEFLY}");
            }
            let _ = writeln!(out, "SET statement_timeout = '15min';");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::replace_name;

    #[test]
    fn the_header_says_how_to_run_again_and_names_what_cannot_be_checked_first() {
        let script_between = |from: &str, to: &str| {
            let (from, to) = (crate::build_catalog(&crate::read(from)), crate::build_catalog(&crate::read(to)));
            let changes = crate::diff(&from, &to, &crate::DiffOptions::default());
            let version = crate::version::TargetVersion::of(None, "from.sql", None);
            super::script(&super::plan(&from, &to, &changes), "m", &[], &version)
        };
        let table = script_between("", "CREATE TABLE public.t (id integer);");
        assert!(table.contains("phases 0, 2 and 4a skip what they did already."), "{table}");
        assert!(!table.contains("CREATE SUBSCRIPTION"), "{table}");
        let subscription = "CREATE SUBSCRIPTION s CONNECTION 'host=db dbname=app' PUBLICATION p WITH (connect = false, slot_name = 's');";
        let subscribed = script_between("", subscription);
        assert!(subscribed.contains("CREATE SUBSCRIPTION s"), "{subscribed}");
        assert!(
            subscribed.contains("-- Except CREATE SUBSCRIPTION, which nothing can check first: if it ran, leave it out when you run phase 2 again."),
            "{subscribed}"
        );
    }

    #[test]
    fn a_name_is_replaced_only_where_it_is_whole() {
        let sql = "DROP TABLE IF EXISTS public.addr; DROP TABLE public.addr_x; SELECT x.public.addr, public.addr";
        assert_eq!(
            replace_name(sql, "public.addr", "public.addr_sdold"),
            "DROP TABLE IF EXISTS public.addr_sdold; DROP TABLE public.addr_x; SELECT x.public.addr, public.addr_sdold"
        );
        assert_eq!(
            replace_name("DROP TYPE public.\"A\";", "public.\"A\"", "public.\"A_sdold\""),
            "DROP TYPE public.\"A_sdold\";"
        );
    }

    #[test]
    fn a_suffixed_name_stays_within_63_bytes_and_keeps_its_suffix() {
        let long = "é".repeat(40);
        let moved = super::with_suffix(&long, "_sdold");
        assert!(moved.len() <= 63 && moved.ends_with("_sdold") && moved != long, "{moved}");
        let long = "a".repeat(63);
        assert_eq!(super::aside_name(&long), format!("{}_sdold", "a".repeat(57)));
        assert_eq!(super::aside_name("t"), "t_sdold");
    }
}
