//! Triggers added, removed, changed, enabled or disabled.

use super::{hit, Category, Context, Effect, Hit, Level, Lock, Rule};
use crate::diff::{ChangeKind, ObjectKind};

pub(super) const RULE: Rule = Rule {
    id: "trigger-change",
    category: Category::Correctness,
    why: "Triggers run on every write: a new one slows writes and may reject rows, a removed one stops work the application relies on (audit rows, timestamps, denormalized counters). CREATE TRIGGER takes a SHARE ROW EXCLUSIVE lock.",
    mitigation: "Review the trigger function together with the code that writes the table; deploy code that takes over a removed trigger's work first.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Trigger)
        .map(|change| {
            let verb = match change.change {
                ChangeKind::Added => "is added",
                ChangeKind::Removed => "is removed",
                _ => "changes",
            };
            // CREATE TRIGGER takes SHARE ROW EXCLUSIVE, DROP TRIGGER ACCESS EXCLUSIVE.
            let lock = if change.change == ChangeKind::Added { Lock::ShareRowExclusive } else { Lock::AccessExclusive };
            hit(change, Level::Medium, format!("trigger {} {verb}", change.object)).with(Effect::catalog_only(lock))
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_a_trigger_is_added() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;"#,
            r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION public.touch();"#
        ));
    }

    #[test]
    fn does_not_fire_on_the_trigger_stays_while_its_table_changes() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer);
CREATE TRIGGER t_touch BEFORE UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION public.touch();"#,
                r#"CREATE TABLE public.t (id integer PRIMARY KEY, a text, k integer, n integer);
CREATE TRIGGER t_touch BEFORE UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION public.touch();"#
            ),
            ""
        );
    }
}
