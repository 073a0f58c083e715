//! Phases outside a transaction (0, 2 and 4a) can run again. A lock timeout may stop the script in
//! the middle of one; its statements before the stop stay done, and the user runs the phase again
//! (the script's header says how). Most of them can run twice as written (`IF NOT EXISTS`, `IF
//! EXISTS`, `VALIDATE`, the checks around a concurrent build); the two that cannot, a constraint
//! added and a partition attached, run only when not done yet: a DO block looks for the
//! constraint or the attachment by schema and name first, and takes its own 5 s lock timeout.
//!
//! Architecture invariant: a phase outside a transaction holds no statement that fails on what
//! it did itself; `tests/migration_round_trip.rs` runs those phases of every project and corpus
//! pair again after the migration and checks the schema still converges.

use super::Step;
use crate::catalog::QualifiedName;
use crate::reader::{read, PieceKind};
use crate::sql::literal;

/// Makes each statement of the steps outside a transaction safe to run twice.
pub(super) fn make_rerunnable(steps: &mut [Step]) {
    for step in steps.iter_mut().filter(|s| !s.phase.transactional()) {
        let wraps: Vec<(String, String)> = read(&step.sql)
            .pieces
            .iter()
            .filter(|p| p.kind == PieceKind::Statement)
            .filter_map(|p| once(p.text).map(|wrapped| (p.text.to_string(), wrapped)))
            .collect();
        for (statement, wrapped) in wraps {
            step.sql = step.sql.replacen(&statement, &wrapped, 1);
        }
    }
}

/// `statements` (a partition's columns its parent keeps until cleanup, then its ATTACH) run only
/// while `child` is not attached to `parent`: once attached, PostgreSQL refuses even `ADD COLUMN
/// IF NOT EXISTS` on it.
pub(in crate::plan) fn unless_attached(parent: &QualifiedName, child: &QualifiedName, statements: &str) -> String {
    unless(&attached(parent, child), statements)
}

/// `statements` run only when `done` (a query) finds nothing, with their own 5 s lock timeout.
fn unless(done: &str, statements: &str) -> String {
    let body =
        format!("BEGIN IF NOT EXISTS ({done}) THEN SET LOCAL lock_timeout = '5s'; {} END IF; END", statements.trim());
    format!("DO {};", literal(&body))
}

fn attached(parent: &QualifiedName, child: &QualifiedName) -> String {
    format!(
        "SELECT FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace \
         WHERE n.nspname = {} AND c.relname = {} AND pn.nspname = {} AND p.relname = {}",
        literal(&child.schema),
        literal(&child.name),
        literal(&parent.schema),
        literal(&parent.name)
    )
}

/// The statement run only when not done yet, if it is one that cannot run twice.
fn once(statement: &str) -> Option<String> {
    let done = if let Some((table, constraint)) = adds_constraint(statement) {
        format!(
            "SELECT FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = {} AND c.relname = {} AND k.conname = {}",
            literal(&table.schema),
            literal(&table.name),
            literal(&constraint)
        )
    } else if let Some((parent, child)) = attaches(statement) {
        attached(&parent, &child)
    } else {
        return None;
    };
    Some(unless(&done, statement))
}

/// `ALTER TABLE [ONLY] t ADD CONSTRAINT c …`: the table and the constraint.
fn adds_constraint(statement: &str) -> Option<(QualifiedName, String)> {
    let rest = statement.trim_start().strip_prefix("ALTER TABLE ")?;
    let rest = rest.strip_prefix("ONLY ").unwrap_or(rest);
    let (table, rest) = qualified_name(rest)?;
    let rest = rest.strip_prefix(" ADD CONSTRAINT ")?;
    let (constraint, _) = ident(rest)?;
    Some((table, constraint))
}

/// `ALTER TABLE p ATTACH PARTITION c …`: the parent and the partition.
fn attaches(statement: &str) -> Option<(QualifiedName, QualifiedName)> {
    let rest = statement.trim_start().strip_prefix("ALTER TABLE ")?;
    let (parent, rest) = qualified_name(rest)?;
    let rest = rest.strip_prefix(" ATTACH PARTITION ")?;
    let (child, _) = qualified_name(rest)?;
    Some((parent, child))
}

/// `schema.name` as `sql::qualified` writes it, and what follows.
fn qualified_name(text: &str) -> Option<(QualifiedName, &str)> {
    let (schema, rest) = ident(text)?;
    let (name, rest) = ident(rest.strip_prefix('.')?)?;
    Some((QualifiedName::new(&schema, &name), rest))
}

/// One name as `sql::ident` writes it (bare, or in double quotes with `""` for a quote), and what
/// follows. `U&"…"` names are not read: such a statement stays as it is.
fn ident(text: &str) -> Option<(String, &str)> {
    if let Some(quoted) = text.strip_prefix('"') {
        let mut name = String::new();
        let mut chars = quoted.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if chars.peek().is_some_and(|(_, next)| *next == '"') {
                    chars.next();
                    name.push('"');
                } else {
                    return Some((name, &quoted[i + 1..]));
                }
            } else {
                name.push(c);
            }
        }
        return None;
    }
    let end = text.find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$'))?;
    (end > 0).then(|| (text[..end].to_string(), &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_and_attachments_run_only_when_not_done() {
        let wrapped =
            once("ALTER TABLE public.\"Odd \"\"t\"\"\" ADD CONSTRAINT c_check check (v > 'x') NOT VALID;").unwrap();
        assert!(wrapped.starts_with("DO 'BEGIN IF NOT EXISTS (SELECT FROM pg_constraint k "), "{wrapped}");
        assert!(
            wrapped.contains("n.nspname = ''public'' AND c.relname = ''Odd \"t\"'' AND k.conname = ''c_check''"),
            "{wrapped}"
        );
        assert!(wrapped.contains("SET LOCAL lock_timeout = ''5s''; ALTER TABLE public.\"Odd \"\"t\"\"\" ADD CONSTRAINT c_check check (v > ''x'') NOT VALID; END IF; END';"), "{wrapped}");
        let attach =
            once("ALTER TABLE public.events ATTACH PARTITION public.events_2025 FOR VALUES FROM (1) TO (2);").unwrap();
        assert!(
            attach.contains("c.relname = ''events_2025'' AND pn.nspname = ''public'' AND p.relname = ''events''"),
            "{attach}"
        );
        assert_eq!(once("ALTER TABLE public.t VALIDATE CONSTRAINT c;"), None);
        assert_eq!(once("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON public.t (v);"), None);
    }
}
