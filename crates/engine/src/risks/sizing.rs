//! Risks levelled by the size of the table they touch, when the user added the sizes of the
//! database the script runs on ([`crate::input::sizes`]).
//!
//! Only a claim that reads the table's rows is levelled: a rewrite or a scan under a lock that
//! blocks writes is an outage as long as the table is large; a concurrent build or a validation
//! blocks nothing, and only a very large one (long to run, and to run again after a failure) is
//! raised. Catalog-only changes keep their level, whatever the size.

use super::{Hit, Level};
use crate::input::sizes::{bytes, Sizes};

/// Under this, rows read under a lock that blocks writes take well under a second: low.
pub const SMALL: u64 = 10 * 1024 * 1024;
/// From this, rows read under a lock that blocks writes block the application for seconds or
/// more: high (medium between [`SMALL`] and this).
pub const LARGE: u64 = 100 * 1024 * 1024;
/// From this, a concurrent build or a validation runs long enough to be at least medium.
pub const VERY_LARGE: u64 = 10 * 1024 * 1024 * 1024;

/// The hit levelled by the size of its table, the size and the thresholds said in its finding.
pub(super) fn level_by_size(mut hit: Hit, sizes: &Sizes) -> Hit {
    let (Some(effect), Some(table)) = (&hit.effect, &hit.table) else { return hit };
    let Some(reads_under) = effect.reads_rows_under else { return hit };
    let Some(size) = sizes.of(table) else {
        hit.finding.push_str(&format!(" ({} gives no size for {table})", sizes.file_name));
        return hit;
    };
    if reads_under.blocks_writes() {
        hit.level = match size.bytes {
            b if b < SMALL => Level::Low,
            b if b < LARGE => Level::Medium,
            _ => Level::High,
        };
        hit.finding.push_str(&format!(
            "; {table} holds {}: rows read under a lock that blocks writes are low under {}, medium under {}, high from there",
            size.describe(),
            bytes(SMALL),
            bytes(LARGE)
        ));
    } else {
        if size.bytes >= VERY_LARGE {
            hit.level = hit.level.max(Level::Medium);
        }
        hit.finding.push_str(&format!(
            "; {table} holds {}: read without blocking writes, at least medium from {}",
            size.describe(),
            bytes(VERY_LARGE)
        ));
    }
    hit
}

#[cfg(test)]
mod tests {
    use crate::input::sizes::parse;
    use crate::{build_catalog, diff, read, DiffOptions};

    /// The column-type risk of `public.t.k` going from integer to bigint, with the sizes `csv` gives.
    fn rewrite_risk(csv: &[u8]) -> crate::risks::Risk {
        let (from, to) = (
            build_catalog(&read("CREATE TABLE public.t (id integer PRIMARY KEY, k integer);")),
            build_catalog(&read("CREATE TABLE public.t (id integer PRIMARY KEY, k bigint);")),
        );
        let sizes = parse("prod-sizes.csv", csv).unwrap();
        let result = diff(&from, &to, &DiffOptions::default());
        crate::risks::assess(&from, &to, &result, crate::risks::Server { sizes: Some(&sizes), version: None })
            .into_iter()
            .find(|r| r.rule == "column-type-change")
            .unwrap()
    }

    fn rewrite_at(size: u64) -> (crate::risks::Level, String) {
        let risk = rewrite_risk(format!("schema,name,rows,bytes\npublic,t,1000,{size}\n").as_bytes());
        (risk.level, risk.finding)
    }

    #[test]
    fn a_rewrite_is_levelled_by_the_size_of_its_table() {
        use crate::risks::Level;
        assert_eq!(rewrite_at(0).0, Level::Low);
        assert_eq!(rewrite_at(50 * 1024 * 1024).0, Level::Medium);
        let (level, finding) = rewrite_at(15_309_209_000);
        assert_eq!(level, Level::High);
        assert!(finding.contains("public.t holds 14.3 GB (~1,000 rows)"), "{finding}");
        assert!(finding.contains("low under 10 MB, medium under 100 MB, high from there"), "{finding}");
    }

    #[test]
    fn a_table_the_sizes_do_not_name_keeps_its_level_and_says_so() {
        let risk = rewrite_risk(b"schema,name,rows,bytes\npublic,other,1,1\n");
        assert_eq!(risk.level, crate::risks::Level::High);
        assert!(risk.finding.ends_with("(prod-sizes.csv gives no size for public.t)"), "{}", risk.finding);
    }
}
