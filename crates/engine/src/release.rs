//! Everything a release needs from two catalogs: the diff, its risks, compatibility and deploy
//! order, the phased migration with its script, and the rollback. Made by
//! [`crate::pipeline::Comparison`], the one path the CLI, the worker and the fuzz targets take.

use crate::catalog::Catalog;
use crate::compat::{compatibility, recommendation, Compatibility};
use crate::diff::{diff, Diff, DiffOptions};
use crate::plan::{hold_back, plan, rollback_script, script, Plan};
use crate::risks::{assess, Risk};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub diff: Diff,
    /// Most severe first. Shared with the report, which lists them too.
    pub risks: std::sync::Arc<Vec<Risk>>,
    pub compatibility: std::sync::Arc<Vec<Compatibility>>,
    /// The deploy order for the whole release, in a sentence.
    pub deploy_order: String,
    pub plan: Plan,
    /// The migration script, annotated with risks. Shared with the report.
    pub script: std::sync::Arc<String>,
}

/// The release of a diff already made: its risks, compatibility and deploy order, and the phased
/// migration with its script. [`crate::pipeline::Comparison`] is the way to it (it reports
/// comparing and planning as two steps).
pub(crate) fn release_of(
    from: &Catalog,
    to: &Catalog,
    result: Diff,
    options: &DiffOptions,
    names: (&str, &str),
    version: &crate::version::TargetVersion,
) -> Release {
    let server = crate::risks::Server { sizes: options.sizes[0].as_ref(), version: version.major };
    let risks = assess(from, to, &result, server);
    let compatibility = compatibility(from, to, &result);
    let deploy_order = recommendation(&compatibility, &risks);
    let mut migration = plan(from, to, &result);
    hold_back(&mut migration, &result, to, options.confirm_cut_short);
    let script = script(&migration, &format!("Migration {} → {}", names.0, names.1), &risks, version);
    Release {
        diff: result,
        risks: std::sync::Arc::new(risks),
        compatibility: std::sync::Arc::new(compatibility),
        deploy_order,
        plan: migration,
        script: std::sync::Arc::new(script),
    }
}

impl Release {
    /// The same release with every secret's value replaced in the plan, and taken from a psql
    /// variable in the script ([`crate::secrets::withhold`]).
    pub fn redact(&mut self, secrets: &[crate::secrets::Secret]) {
        if secrets.is_empty() {
            return;
        }
        for step in &mut self.plan.steps {
            step.sql = crate::secrets::withhold_statement(&step.sql, secrets);
        }
        for manual in &mut self.plan.manual {
            *manual = crate::secrets::redact(manual, secrets);
        }
        self.script = crate::secrets::withhold(&self.script, secrets).into();
    }

    /// The script that takes `to` back to `from` (`reversed`: the options with confirmed renames
    /// the other way), headed by what it cannot bring back. [`crate::pipeline::Comparison::rollback`]
    /// is the way to it.
    pub(crate) fn rollback(
        &self,
        from: &Catalog,
        to: &Catalog,
        reversed: &DiffOptions,
        confirm_cut_short: bool,
        names: (&str, &str),
        version: &crate::version::TargetVersion,
    ) -> String {
        let back = diff(to, from, reversed);
        // The rollback runs on the `to` database: its sizes and version level the risks.
        let server = crate::risks::Server { sizes: reversed.sizes[1].as_ref(), version: version.major };
        let back_risks = assess(to, from, &back, server);
        let title = format!("Rollback of {} → {}: {} back to {}", names.0, names.1, names.1, names.0);
        let mut backward = plan(to, from, &back);
        hold_back(&mut backward, &back, from, confirm_cut_short);
        rollback_script(&self.plan, &backward, &title, &back_risks, version)
    }
}
