//! Every object of one catalog as the statements that make it from nothing: what a migration from
//! an empty database writes for it. The page opens any added, removed or changed object to these
//! (both sides of a change), so a reviewer reads what an added policy or function says, not only
//! its name.

use super::{plan, Plan};
use crate::catalog::Catalog;
use crate::diff::{diff, DiffOptions};
use std::collections::BTreeMap;

/// Change id (`<kind> <object>`, as `Step::changes` names it) → the statements that make that
/// object, in script order. The planner is the one the migration uses, so a definition is what the
/// script would run; secrets are left in (redact before showing).
pub fn definitions(catalog: &Catalog) -> BTreeMap<String, String> {
    let empty = Catalog::default();
    let made = diff(&empty, catalog, &DiffOptions::default());
    let Plan { steps, .. } = plan(&empty, catalog, &made);
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for step in steps {
        for change in &step.changes {
            let text = out.entry(change.clone()).or_default();
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(step.sql.trim_end());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::read;

    fn catalog(sql: &str) -> Catalog {
        crate::catalog::build(&read(sql))
    }

    #[test]
    fn each_object_is_the_statements_that_make_it() {
        let c = catalog(
            "CREATE TABLE public.t (id integer NOT NULL, body text);
             ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);
             CREATE INDEX t_body ON public.t USING btree (body);
             ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;
             CREATE POLICY mine ON public.t FOR SELECT USING ((id > 0));
             CREATE FUNCTION public.f(a integer) RETURNS integer LANGUAGE sql AS $$ SELECT a + 1 $$;",
        );
        let d = definitions(&c);
        let table = &d["table public.t"];
        assert!(table.starts_with("CREATE TABLE IF NOT EXISTS public.t ("), "{table}");
        assert!(table.contains("body text"), "{table}");
        let policy = &d["policy public.t.mine"];
        assert!(policy.contains("CREATE POLICY mine ON public.t") && policy.contains("id > 0"), "{policy}");
        assert!(d["function public.f(integer)"].contains("SELECT a + 1"), "{d:?}");
        assert!(
            d["index public.t_body"].contains("CREATE INDEX IF NOT EXISTS t_body ON public.t USING btree (body)"),
            "{d:?}"
        );
        assert!(d.values().all(|sql| !sql.contains("DO '")), "no guards: {d:?}");
    }
}
