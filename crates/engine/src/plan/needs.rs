//! Inside a phase, a statement runs after the statements that create what it names.
//!
//! Ranks put kinds in an order that holds for most schemas (functions before tables, tables before
//! views), but some objects cut across it: a SQL-standard function body (`BEGIN ATOMIC … END`,
//! `RETURN …`) that calls another function or reads a table, a function returning a new table's
//! row type (`RETURNS SETOF t`), a column default calling a new function. Each step that creates a
//! table, view, function, type or sequence *provides* its name; each other step *needs* the
//! provided names its SQL mentions (outside strings and comments, as `schema.name`). Steps are then
//! sorted topologically, the planned order breaking ties, so a plan without such references keeps
//! its order exactly. A cycle (two functions calling each other) keeps the planned order for the
//! steps in it. Drops go the other way: an object is dropped after the objects whose definition in
//! `from` names it (a function reading a table goes before the table). A rename statement needs nothing.

use super::{Phase, Step};
use std::collections::{BTreeSet, BinaryHeap, HashMap};

/// Kinds whose creation provides a name other statements may use.
const PROVIDES: &[&str] =
    &["table", "view", "materialized_view", "function", "type", "domain", "sequence", "foreign_table"];

pub(super) fn order_by_needs(steps: &mut [Step], from: &crate::catalog::Catalog) {
    let mut start = 0;
    while start < steps.len() {
        let phase: Phase = steps[start].phase;
        let end = start + steps[start..].iter().take_while(|s| s.phase == phase).count();
        let order = order_phase(&steps[start..end], from);
        permute(&mut steps[start..end], &order);
        start = end;
    }
}

/// Puts `steps[order[k]]` at position `k`, in place (each cycle of the permutation followed once).
fn permute(steps: &mut [Step], order: &[usize]) {
    let mut done = vec![false; steps.len()];
    for first in 0..steps.len() {
        let mut at = first;
        while !done[at] {
            done[at] = true;
            let next = order[at];
            if next == first {
                break;
            }
            steps.swap(at, next);
            at = next;
        }
    }
}

/// The order of a phase's steps (`order[k]`: the index of the step that goes `k`th).
fn order_phase(steps: &[Step], from: &crate::catalog::Catalog) -> Vec<usize> {
    // Keyed by names borrowed from the steps' change ids: nothing copied per step.
    let mut provider: HashMap<&str, usize> = HashMap::new();
    let mut dropper: HashMap<&str, usize> = HashMap::new();
    for (index, step) in steps.iter().enumerate().filter(|(_, s)| starts_with_word(&s.sql, "drop")) {
        for id in &step.changes {
            if let Some(name) = provided_name(id) {
                dropper.entry(name).or_insert(index);
            }
        }
    }
    for (index, step) in steps.iter().enumerate() {
        // A step that makes an object again (drops, then creates) provides it too.
        if !step.sql.lines().any(|line| starts_with_word(line.trim_start(), "create")) {
            continue;
        }
        for id in &step.changes {
            if let Some(name) = provided_name(id) {
                provider.entry(name).or_insert(index);
            }
        }
    }
    if provider.is_empty() && dropper.len() < 2 {
        return (0..steps.len()).collect();
    }
    // needs[i]: the steps i must follow; waiting[j]: the steps that follow j.
    let mut needs: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); steps.len()];
    for (index, step) in steps.iter().enumerate() {
        if starts_with_word(&step.sql, "drop") {
            continue;
        }
        // A rename needs nothing (it frees a name the step, or a later one, creates again); the
        // step's other statements still need what they name.
        let rest: Vec<&str> =
            step.sql.lines().filter(|line| !line.to_ascii_uppercase().contains(" RENAME TO ")).collect();
        for name in qualified_names(&rest.join("\n")) {
            if let Some(&from) = provider.get(name.as_str()) {
                if from != index {
                    needs[index].insert(from);
                }
            }
        }
    }
    // The drop of what a dropped object's old definition names waits for that drop.
    for (index, step) in steps.iter().enumerate().filter(|(_, s)| starts_with_word(&s.sql, "drop")) {
        for id in &step.changes {
            let Some(definition) = from.sources.get(id) else { continue };
            let own = provided_name(id);
            // (A definition names its own object: `CREATE VIEW public.v AS …`.)
            for name in qualified_names(&definition).into_iter().filter(|n| own != Some(n.as_str())) {
                if let Some(&later) = dropper.get(name.as_str()) {
                    if later != index {
                        needs[later].insert(index);
                    }
                }
            }
        }
    }
    let mut waiting: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
    let mut unmet: Vec<usize> = needs.iter().map(BTreeSet::len).collect();
    for (index, of) in needs.iter().enumerate() {
        for &from in of {
            waiting[from].push(index);
        }
    }
    // Kahn's algorithm, the lowest planned position first among the steps that are ready.
    let mut ready: BinaryHeap<std::cmp::Reverse<usize>> =
        (0..steps.len()).filter(|&i| unmet[i] == 0).map(std::cmp::Reverse).collect();
    let mut placed = vec![false; steps.len()];
    let mut out = Vec::with_capacity(steps.len());
    loop {
        while let Some(std::cmp::Reverse(index)) = ready.pop() {
            placed[index] = true;
            out.push(index);
            for &next in &waiting[index] {
                unmet[next] -= 1;
                if unmet[next] == 0 {
                    ready.push(std::cmp::Reverse(next));
                }
            }
        }
        // A cycle: its first step in planned order goes next, as planned.
        match (0..steps.len()).find(|&i| !placed[i]) {
            Some(index) => {
                unmet[index] = 0;
                ready.push(std::cmp::Reverse(index));
                for &from in &needs[index] {
                    if !placed[from] {
                        waiting[from].retain(|&w| w != index);
                    }
                }
            }
            None => break,
        }
    }
    out
}

fn starts_with_word(sql: &str, word: &str) -> bool {
    let text = sql.trim_start();
    text.len() >= word.len() && text[..word.len()].eq_ignore_ascii_case(word)
}

/// `function public.f(integer)` → `public.f`; `table public.t` → `public.t`.
fn provided_name(id: &str) -> Option<&str> {
    let (kind, object) = id.split_once(' ')?;
    // A foreign table is an `other` object (`other foreign table public.t`).
    if let Some(name) = object.strip_prefix("foreign table ").filter(|_| kind == "other") {
        return Some(name);
    }
    if !PROVIDES.contains(&kind) {
        return None;
    }
    object.split('(').next()
}

/// Every `schema.name` the SQL mentions outside strings, dollar-quoted bodies and comments, as the
/// catalog shows names (unquoted parts lower-cased, quoted parts as written).
fn qualified_names(sql: &str) -> Vec<String> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    let mut after_dot = false;
    let mut i = 0;
    let flush = |parts: &mut Vec<String>, out: &mut Vec<String>| {
        for pair in parts.windows(2) {
            out.push(format!("{}.{}", pair[0], pair[1]));
        }
        parts.clear();
    };
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'"' {
            let end = bytes[i + 1..].iter().position(|&b| b == b'"').map_or(bytes.len(), |p| i + 1 + p);
            let part = sql[i + 1..end].to_string();
            if !after_dot {
                flush(&mut parts, &mut out);
            }
            parts.push(part);
            after_dot = false;
            i = end + 1;
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let end = bytes[i..]
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80))
                .map_or(bytes.len(), |p| i + p);
            if !after_dot {
                flush(&mut parts, &mut out);
            }
            parts.push(sql[i..end].to_lowercase());
            after_dot = false;
            i = end;
        } else if c == b'.' {
            after_dot = true;
            i += 1;
        } else if c == b'\'' {
            flush(&mut parts, &mut out);
            let mut j = i + 1;
            while j < bytes.len() {
                if bytes[j] == b'\'' {
                    if bytes.get(j + 1) == Some(&b'\'') {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j += 1;
            }
            i = j + 1;
        } else if c == b'$' {
            flush(&mut parts, &mut out);
            let tag_end =
                bytes[i + 1..].iter().position(|&b| !(b.is_ascii_alphanumeric() || b == b'_')).map(|p| i + 1 + p);
            match tag_end {
                Some(t) if bytes[t] == b'$' => {
                    let tag = &sql[i..=t];
                    i = sql[t + 1..].find(tag).map_or(bytes.len(), |at| t + 1 + at + tag.len());
                }
                _ => i += 1,
            }
        } else if c == b'-' && bytes.get(i + 1) == Some(&b'-') {
            flush(&mut parts, &mut out);
            i = bytes[i..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| i + p);
        } else {
            if !(c == b' ' && after_dot) {
                flush(&mut parts, &mut out);
                after_dot = false;
            }
            i += 1;
        }
    }
    flush(&mut parts, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Rank;

    fn step(sql: &str, changes: &[&str]) -> Step {
        Step {
            phase: Phase::Prepare,
            rank: Rank::Function,
            sql: sql.to_string(),
            changes: changes.iter().map(|c| c.to_string()).collect(),
            note: None,
        }
    }

    fn order(steps: Vec<Step>) -> Vec<String> {
        let mut steps = steps;
        order_by_needs(&mut steps, &crate::catalog::Catalog::default());
        steps.iter().map(|s| s.sql.lines().next().unwrap_or_default().to_string()).collect()
    }

    #[test]
    fn a_statement_follows_what_it_names() {
        let steps = vec![
            step(
                "CREATE FUNCTION public.a(x integer) RETURNS integer BEGIN ATOMIC SELECT public.z(x); END;",
                &["function public.a(integer)"],
            ),
            step("CREATE FUNCTION public.rows() RETURNS SETOF public.u RETURN NULL;", &["function public.rows()"]),
            step("CREATE FUNCTION public.z(x integer) RETURNS integer RETURN x;", &["function public.z(integer)"]),
            step("CREATE TABLE public.u (id integer DEFAULT public.z(1));", &["table public.u"]),
        ];
        assert_eq!(
            order(steps),
            [
                "CREATE FUNCTION public.z(x integer) RETURNS integer RETURN x;",
                "CREATE FUNCTION public.a(x integer) RETURNS integer BEGIN ATOMIC SELECT public.z(x); END;",
                "CREATE TABLE public.u (id integer DEFAULT public.z(1));",
                "CREATE FUNCTION public.rows() RETURNS SETOF public.u RETURN NULL;",
            ]
        );
    }

    #[test]
    fn without_references_the_planned_order_stays_and_drops_need_nothing() {
        let steps = vec![
            step("DROP VIEW IF EXISTS public.v;", &["view public.v"]),
            step("CREATE TABLE public.t (id integer);", &["table public.t"]),
            step("CREATE VIEW public.v AS SELECT id FROM public.t;", &["view public.v"]),
            step(
                "CREATE FUNCTION public.f() RETURNS text AS $$ SELECT 'public.v' FROM public.v $$;",
                &["function public.f()"],
            ),
        ];
        let planned: Vec<String> = steps.iter().map(|s| s.sql.clone()).collect();
        assert_eq!(order(steps), planned);
    }

    #[test]
    fn a_cycle_keeps_the_planned_order() {
        let steps = vec![
            step("CREATE FUNCTION public.a() RETURNS integer RETURN public.b();", &["function public.a()"]),
            step("CREATE FUNCTION public.b() RETURNS integer RETURN public.a();", &["function public.b()"]),
        ];
        let planned: Vec<String> = steps.iter().map(|s| s.sql.clone()).collect();
        assert_eq!(order(steps), planned);
    }

    #[test]
    fn names_are_read_as_the_catalog_shows_them() {
        assert_eq!(
            qualified_names("SELECT \"Sales\".\"Orders\".id, Public.T, 'x.y', $$ a.b $$ -- c.d\n FROM s.t"),
            ["Sales.Orders", "Orders.id", "public.t", "s.t"]
        );
    }
}
