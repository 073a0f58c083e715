//! Extensions whose version changes.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::{ObjectKind, Property};

pub(super) const RULE: Rule = Rule {
    id: "extension-version",
    category: Category::Correctness,
    why: "ALTER EXTENSION … UPDATE runs the extension's upgrade script: it can rewrite objects, change function behaviour and needs the new version's files installed on the server.",
    mitigation: "Install the new version's package on every server (replicas too) first, read its release notes, and test the update on a copy.",
    caveat: None,
    check,
};

fn check(ctx: &Context) -> Vec<Hit> {
    ctx.changes_of(ObjectKind::Extension)
        .filter(|c| c.change.compares())
        .filter_map(|change| {
            let detail = change.details.iter().find(|d| d.property == Property::Version)?;
            Some(hit(
                change,
                Level::Medium,
                format!(
                    "extension {}: version {} → {}",
                    change.object,
                    detail.from.as_deref().unwrap_or("?"),
                    detail.to.as_deref().unwrap_or("?")
                ),
            ))
        })
        .collect()
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_an_extension_is_upgraded() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE EXTENSION vector WITH SCHEMA public VERSION '0.5.0';"#,
            r#"CREATE EXTENSION vector WITH SCHEMA public VERSION '0.7.0';"#
        ));
    }

    #[test]
    fn does_not_fire_on_an_extension_is_added() {
        assert_eq!(findings(RULE.id, r#""#, r#"CREATE EXTENSION vector WITH SCHEMA public VERSION '0.7.0';"#), "");
    }

    #[test]
    fn does_not_fire_on_an_extension_without_a_version_moves_schema() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE EXTENSION citext WITH SCHEMA public;"#,
                r#"CREATE SCHEMA ext;
CREATE EXTENSION citext WITH SCHEMA ext;"#
            ),
            ""
        );
    }
}
