//! Steps for views and materialized views: created in dependency order, and made again around the
//! changes PostgreSQL will not make under them (a column's type, a table or function made again).

use super::*;

pub(in crate::plan) fn views(p: &mut Planner, recreated: &[QualifiedName]) {
    // Phase 3: drop the views to re-create, dependents first, then create them after the rewrites.
    let dropped = views_in_order(p.from, p.from.views.keys().filter(|n| recreated.binary_search(n).is_ok()).collect());
    let (before, after) = view_dependents(p, &dropped);
    let ids: Vec<String> = dropped.iter().map(|name| format!("view {name}")).collect();
    if !before.is_empty() {
        p.push_step(Phase::Rewrite, Rank::DropDependentView, before.join("\n"), ids.clone(), None);
    }
    let changed: std::collections::HashSet<&str> = p.diff.changes.iter().map(|c| c.object.as_str()).collect();
    for name in dropped.iter().rev() {
        let view = &p.from.views[*name];
        let sql = format!("DROP {} IF EXISTS {};", view_word(view), qualified(name));
        let note = (!changed.contains(name.to_string().as_str()))
            .then(|| format!("{name} depends on a changed table or view; it is created again below"));
        p.push_step(Phase::Rewrite, Rank::DropDependentView, sql, vec![format!("view {name}")], note);
    }
    let added: Vec<QualifiedName> = p
        .diff
        .changes
        .iter()
        .filter(|c| {
            (c.object_kind == ObjectKind::View || c.object_kind == ObjectKind::MaterializedView)
                && c.change == ChangeKind::Added
        })
        .filter_map(|c| c.key.find(&p.to.views).map(|(n, _)| n.clone()))
        .collect();
    let mut again: Vec<QualifiedName> = recreated.iter().filter(|n| p.to.views.contains_key(*n)).cloned().collect();
    // A new view over a table whose columns change type, over a view made again in phase 3, or over
    // such a new view, is made after them: PostgreSQL will not change a column's type under a view,
    // and a view made again is not there before.
    let retyped = retyped_tables(p);
    let before: BTreeSet<&QualifiedName> = retyped.iter().chain(recreated).collect();
    // What each new view's definition mentions, among those and the new views: one pass over each.
    let read = crate::plan::view_mentions::mentions_of(
        added.iter().map(|n| (n, p.to.views[n].definition.as_str())),
        before.iter().map(|n| (*n).clone()).chain(added.iter().cloned()),
    );
    // One pass in dependency order: a view comes after the new views it reads.
    let mut late: BTreeSet<QualifiedName> = BTreeSet::new();
    for name in views_in_order(p.to, added.iter().collect()) {
        // (Views made again in phase 3 count too: a new view over one follows it. A definition
        // naming the view's own name, that of a table it replaces, is asked on its own.)
        let mentioned = read.get(name).into_iter().flatten();
        if mentioned.clone().any(|t| before.contains(t) || late.contains(t))
            || (before.contains(name) && mentions(&p.to.views[name].definition, name))
        {
            late.insert(name.clone());
        }
    }
    let added: BTreeSet<QualifiedName> = added.into_iter().filter(|n| !late.contains(n)).collect();
    again.extend(late);
    p.views_made_again.extend(again.iter().cloned());
    let again: BTreeSet<QualifiedName> = again.into_iter().collect();
    // The indexes of the views made again, by view (they went with it).
    let mut view_indexes: std::collections::HashMap<&QualifiedName, Vec<(&QualifiedName, &crate::catalog::Index)>> =
        Default::default();
    for (index_name, index) in p.to.indexes.iter().filter(|(_, i)| again.contains(&i.table)) {
        view_indexes.entry(&index.table).or_default().push((index_name, index));
    }
    for (phase, names) in [(Phase::Prepare, added), (Phase::Rewrite, again.clone())] {
        let ordered: Vec<QualifiedName> =
            views_in_order(p.to, p.to.views.keys().filter(|n| names.contains(*n)).collect())
                .into_iter()
                .cloned()
                .collect();
        for name in ordered {
            let Some(mut sql) = create_view_sql(p, &name) else { continue };
            if phase == Phase::Rewrite {
                let kind = if p.to.views[&name].materialized { "materialized view" } else { "view" };
                for carried in p.carried_along(kind, &name.to_string(), &qualified(&name)) {
                    sql.push('\n');
                    sql.push_str(&carried);
                }
            }
            p.push_step(phase, Rank::View, sql, vec![format!("view {name}")], None);
            p.created.insert(format!("view {name}"), phase);
            if phase == Phase::Rewrite {
                // Its indexes went with it.
                let indexes: Vec<String> =
                    view_indexes.get(&name).into_iter().flatten().map(|(n, i)| create_index(n, i)).collect();
                for sql in indexes {
                    p.push_step(phase, Rank::ViewIndex, sql, vec![format!("view {name}")], None);
                }
            }
        }
    }
    if !after.is_empty() {
        p.push_step(Phase::Rewrite, Rank::Trigger, after.join("\n"), ids, None);
    }
    let removed: Vec<&QualifiedName> = p
        .diff
        .changes
        .iter()
        .filter(|c| {
            (c.object_kind == ObjectKind::View || c.object_kind == ObjectKind::MaterializedView)
                && c.change == ChangeKind::Removed
        })
        .filter_map(|c| c.key.find(&p.from.views).map(|(n, _)| n))
        .filter(|n| recreated.binary_search(n).is_err())
        .collect();
    for name in views_in_order(p.from, removed).into_iter().rev() {
        let sql = format!("DROP {} IF EXISTS {};", view_word(&p.from.views[name]), qualified(name));
        p.push_step(Phase::Cleanup, Rank::DropView, sql, vec![format!("view {name}")], None);
    }
}

/// Views (and materialized views) of `from` that must be dropped and created again in phase 3:
/// changed ones, those over a table whose columns are rewritten, and views over those.
/// Sorted: callers look names up in it by binary search.
pub(in crate::plan) fn recreated_views(p: &Planner) -> Vec<QualifiedName> {
    let mut rewritten: BTreeSet<QualifiedName> = BTreeSet::new();
    for change in p.diff.changes.iter().filter(|c| c.object_kind == ObjectKind::Table && c.change.compares()) {
        if let Some((name, _)) = change.key.find(&p.to.tables) {
            if recreated_table(p, name) {
                rewritten.insert(p.old_table_name(name));
            }
        }
    }
    // A function dropped and made again (its return type or arguments change): the views calling it.
    for change in p.changes_of(ObjectKind::Function).filter(|c| c.change == ChangeKind::Altered) {
        if let (Some(old), Some(new)) = (p.from.functions.get(&change.object), p.to.functions.get(&change.object)) {
            if crate::plan::objects::recreated_function(old, new).is_some() {
                rewritten.insert(old.name.clone());
            }
        }
    }
    // A relation replaced by one of another kind under its name (a table by a view, a view by a
    // materialized view, a foreign table by a table): the views over it are made again around the
    // swap (`super::free_replaced_names`).
    for (gone, _, kind, _) in crate::plan::replaced_pairs(p.diff) {
        if kind == "type" {
            continue;
        }
        let shown = crate::plan::namespace_key(gone).map_or("", |(_, name)| name);
        if let Some(name) = crate::plan::shown_relation(p.from, p.to, shown) {
            rewritten.insert(name);
        }
    }
    rewritten.extend(retyped_tables(p));
    let mut remade_types: BTreeSet<&QualifiedName> = BTreeSet::new();
    for change in p.diff.changes.iter().filter(|c| c.object_kind == ObjectKind::Type && c.change == ChangeKind::Altered)
    {
        if let Some((name, _)) = change.key.find(&p.from.types) {
            rewritten.insert(name.clone());
            if crate::plan::objects::recreates_type(p, name) {
                remade_types.insert(name);
            }
        }
    }
    // A type made again converts the columns of that type: views reading those tables must go
    // first (PostgreSQL will not change a column's type under a view). One walk over the columns.
    if !remade_types.is_empty() {
        for (table, t) in &p.from.tables {
            let of_remade_type = |c: &crate::catalog::Column| {
                crate::catalog::datatype::type_name(&c.data_type).is_some_and(|n| remade_types.contains(&n))
            };
            if t.columns.iter().any(of_remade_type) {
                rewritten.insert(table.clone());
            }
        }
    }
    let mut out: Vec<QualifiedName> = p
        .diff
        .changes
        .iter()
        .filter(|c| {
            (c.object_kind == ObjectKind::View || c.object_kind == ObjectKind::MaterializedView)
                && c.change == ChangeKind::Altered
        })
        .filter_map(|c| c.key.find(&p.from.views).map(|(n, _)| n.clone()))
        .collect();
    // The views over those, and the views over them, … : one walk over who mentions whom.
    let names = rewritten.iter().cloned().chain(p.from.views.keys().cloned());
    let index =
        crate::plan::view_mentions::mentions_of(p.from.views.iter().map(|(n, v)| (n, v.definition.as_str())), names);
    let mut read_by: std::collections::BTreeMap<&QualifiedName, Vec<&QualifiedName>> = Default::default();
    for (view, mentioned) in &index {
        for over in mentioned {
            read_by.entry(over).or_default().push(view);
        }
    }
    let mut seen: BTreeSet<QualifiedName> = out.iter().cloned().collect();
    let mut queue: Vec<QualifiedName> = rewritten.iter().chain(out.iter()).cloned().collect();
    while let Some(over) = queue.pop() {
        for view in read_by.get(&over).into_iter().flatten() {
            if seen.insert((*view).clone()) {
                out.push((*view).clone());
                queue.push((*view).clone());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Tables (named as in `from`) with a column whose type, collation, generation or name changes:
/// PostgreSQL will not make such a change under a view.
pub(in crate::plan) fn retyped_tables(p: &Planner) -> BTreeSet<QualifiedName> {
    let mut out = BTreeSet::new();
    for change in p.diff.changes.iter().filter(|c| c.object_kind == ObjectKind::Column && c.change.compares()) {
        let rewrites = change
            .details
            .iter()
            .any(|d| matches!(d.property, Property::Type | Property::Collation | Property::Generated | Property::Name));
        if let Some(name) = rewrites.then(|| change.key.table().filter(|t| p.from.tables.contains_key(*t))).flatten() {
            out.insert(name.clone());
        }
    }
    out
}

/// Views in dependency order: a view after the views it mentions.
/// Round by round: first the views that mention none of the others, then those that mention only
/// those, …, each round in the order given; views in a cycle (or over one) come last, in that order.
/// A view's round is the length of the longest chain of mentions below it, found in one walk.
pub(in crate::plan) fn views_in_order<'c>(
    catalog: &'c Catalog,
    names: Vec<&'c QualifiedName>,
) -> Vec<&'c QualifiedName> {
    let index = crate::plan::view_mentions::mentions_of(
        names.iter().map(|n| (*n, catalog.views[*n].definition.as_str())),
        names.iter().map(|n| (*n).clone()),
    );
    // None while a view's round is being found (met again: a cycle), Some(None) for "in or over a cycle".
    let mut round: std::collections::BTreeMap<&QualifiedName, Option<Option<usize>>> = Default::default();
    for start in &names {
        if round.contains_key(start) {
            continue;
        }
        // Depth first without recursion: (view, whether its mentions were pushed).
        let mut stack: Vec<(&QualifiedName, bool)> = vec![(start, false)];
        while let Some((view, expanded)) = stack.pop() {
            let below = || index.get(view).into_iter().flatten();
            if !expanded {
                if round.contains_key(view) {
                    continue;
                }
                round.insert(view, None);
                stack.push((view, true));
                // One met again while still open is on the path: a cycle, settled below.
                stack.extend(below().filter(|over| !round.contains_key(over)).map(|over| (over, false)));
                continue;
            }
            let mut level = Some(0);
            for over in below() {
                level = match (level, round.get(over).copied().flatten()) {
                    (Some(l), Some(Some(o))) => Some(l.max(o + 1)),
                    _ => None,
                };
            }
            round.insert(view, Some(level));
        }
    }
    let mut order: Vec<(usize, &QualifiedName)> = names.iter().copied().enumerate().collect();
    order.sort_by_key(|(i, n)| (round.get(n).copied().flatten().flatten().unwrap_or(usize::MAX), *i));
    order.into_iter().map(|(_, n)| n).collect()
}

pub(in crate::plan) fn view_word(view: &View) -> &'static str {
    if view.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    }
}

pub(in crate::plan) fn create_view_sql(p: &Planner, name: &QualifiedName) -> Option<String> {
    let view = p.to.views.get(name)?;
    match p.to.sources.get(&format!("view {name}")) {
        Some(source) => Some(source),
        None => Some(format!("CREATE {} {} AS {};", view_word(view), qualified(name), view.definition)),
    }
}

/// What PostgreSQL will not drop a view under, on the FROM side: functions taking or returning its
/// row type, and policies (of any table) that read it. The statements that take them away before
/// the views are dropped, and those that make the target's again once they are made again.
pub(in crate::plan) fn view_dependents(p: &Planner, views: &[&QualifiedName]) -> (Vec<String>, Vec<String>) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let names = crate::sql::Names::new(views.iter().map(|v| qualified(v)));
    let mentions = |text: &str| names.any_in(text);
    for (key, function) in &p.from.functions {
        if function.kind == "aggregate"
            || !(mentions(&function.arguments) || function.returns.as_deref().is_some_and(mentions))
        {
            continue;
        }
        let word = if function.kind == "procedure" { "PROCEDURE" } else { "FUNCTION" };
        before.push(format!("DROP {word} IF EXISTS {};", crate::plan::objects::signature(function)));
        if let (Some(create), Some(target)) = (p.to.sources.get(&format!("function {key}")), p.to.functions.get(key)) {
            after.push(create.trim().to_string());
            let kind = if target.kind == "procedure" { "procedure" } else { "function" };
            after.extend(p.carried_along(kind, key, &crate::plan::objects::signature(target)));
        }
    }
    let (away, again) = crate::plan::objects::policies_reading(p, p.from.policies.iter(), &|policy| {
        crate::plan::objects::policy_reads(policy, &mentions)
    });
    before.extend(away);
    after.extend(again);
    (before, after)
}
