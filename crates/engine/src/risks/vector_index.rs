//! A vector index (pgvector HNSW or IVFFlat) built, dropped, or its method or parameters changed.

use super::{hit, Category, Context, Hit, Level, Rule};
use crate::diff::{ChangeKind, ObjectKind, Property};

pub(super) const RULE: Rule = Rule {
    id: "vector-index-change",
    category: Category::Performance,
    why: "HNSW and IVFFlat trade build time, memory and recall differently: HNSW builds slowly and uses much memory but answers with high recall without training; IVFFlat builds fast from the rows present (its lists are trained on them, so it must be built after the data is loaded) and its recall depends on `lists` and `ivfflat.probes`. Rebuilding a vector index on a large table takes long and needs maintenance_work_mem to fit the graph, and nearest-neighbour queries change their results and speed.",
    mitigation: "Build the new index CONCURRENTLY beside the old one, compare recall and latency of real queries (SET hnsw.ef_search / ivfflat.probes) before dropping the old one, and raise maintenance_work_mem for the build.",
    caveat: Some("pgvector 0.5+ has HNSW; parallel HNSW builds need pgvector 0.6+."),
    check,
};

const METHODS: [&str; 2] = ["hnsw", "ivfflat"];

fn check(ctx: &Context) -> Vec<Hit> {
    let mut out = Vec::new();
    for change in ctx.changes_of(ObjectKind::Index) {
        let method =
            |catalog: &crate::catalog::Catalog| change.key.find(&catalog.indexes).map(|(_, i)| i.method.clone());
        let (old, new) = (method(ctx.from), method(ctx.to));
        let vector = |m: &Option<String>| m.as_deref().is_some_and(|m| METHODS.contains(&m));
        if !vector(&old) && !vector(&new) {
            continue;
        }
        let on_new_table = change.key.find(&ctx.to.indexes).is_some_and(|(_, i)| !ctx.existing_table(&i.table));
        if on_new_table {
            continue;
        }
        let finding = match change.change {
            ChangeKind::Added => {
                format!("vector index {} ({}) is built on an existing table", change.object, new.unwrap_or_default())
            }
            ChangeKind::Removed => format!(
                "vector index {} ({}) is dropped: its nearest-neighbour queries fall back to another index or a scan",
                change.object,
                old.unwrap_or_default()
            ),
            _ => {
                let details: Vec<String> = change
                    .details
                    .iter()
                    .filter(|d| {
                        d.property == Property::Method
                            || d.property == Property::Parameters
                            || d.property == Property::Keys
                    })
                    .map(ToString::to_string)
                    .collect();
                format!("vector index {} changes: {}", change.object, details.join("; "))
            }
        };
        out.push(hit(change, Level::High, finding));
    }
    out
}

#[cfg(test)]
mod rule_tests {
    use super::RULE;
    use crate::risks::testing::{findings, fires};

    #[test]
    fn fires_on_an_hnsw_index_is_built_on_an_existing_table() {
        insta::assert_snapshot!(fires(
            RULE.id,
            r#"CREATE TABLE public.docs (id integer PRIMARY KEY, e public.vector(3));"#,
            r#"CREATE TABLE public.docs (id integer PRIMARY KEY, e public.vector(3));
CREATE INDEX docs_e ON public.docs USING hnsw (e public.vector_cosine_ops);"#
        ));
    }

    #[test]
    fn does_not_fire_on_a_vector_index_on_a_new_table() {
        assert_eq!(
            findings(
                RULE.id,
                r#""#,
                r#"CREATE TABLE public.docs (id integer PRIMARY KEY, e public.vector(3));
CREATE INDEX docs_e ON public.docs USING hnsw (e public.vector_cosine_ops);"#
            ),
            ""
        );
    }

    #[test]
    fn does_not_fire_on_a_btree_index_on_an_existing_table() {
        assert_eq!(
            findings(
                RULE.id,
                r#"CREATE TABLE public.docs (id integer PRIMARY KEY, e text);"#,
                r#"CREATE TABLE public.docs (id integer PRIMARY KEY, e text);
CREATE INDEX docs_e ON public.docs USING btree (e);"#
            ),
            ""
        );
    }
}
