//! The PostgreSQL major version a script runs on: the one its database was dumped from (the dump's
//! `-- Dumped from database version` line), or the one the user names (`--target-version`). The
//! script states it, and the risks use that version's facts.

use serde::{Deserialize, Serialize};

/// The version a script assumes, and how it is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetVersion {
    /// The major version (9 for any 9.x); `None` when nothing says which.
    pub major: Option<u32>,
    /// Where it comes from, as the script says it.
    pub basis: String,
}

/// The oldest major version whose facts the risks know apart (older ones are treated as it).
pub const OLDEST_KNOWN: u32 = 9;

impl TargetVersion {
    /// `named` (the user's `--target-version`) or else the version `file` was dumped from.
    pub fn of(named: Option<u32>, file: &str, dumped_from: Option<&str>) -> TargetVersion {
        if let Some(major) = named {
            return TargetVersion { major: Some(major), basis: "named with --target-version".to_string() };
        }
        match dumped_from.and_then(crate::proof::major_version) {
            Some(major) => TargetVersion {
                major: Some(major),
                basis: format!(
                    "{file} was dumped from PostgreSQL {}; --target-version names another",
                    dumped_from.unwrap_or_default().split_whitespace().next().unwrap_or_default()
                ),
            },
            None => TargetVersion {
                major: None,
                basis: format!("{file} does not say which version it was dumped from; --target-version names it"),
            },
        }
    }

    /// Whether the server is `major` or newer (see [`at_least`]).
    pub fn at_least(&self, major: u32) -> bool {
        at_least(self.major, major)
    }

    /// The script's line: `Assumes PostgreSQL 15 (…)`.
    pub fn said(&self) -> String {
        match self.major {
            Some(major) if major < 10 => format!("Assumes PostgreSQL 9.x ({}).", self.basis),
            Some(major) => format!("Assumes PostgreSQL {major} ({}).", self.basis),
            None => format!("Assumes a current PostgreSQL, 12 or later ({}).", self.basis),
        }
    }
}

/// Whether a server of major version `version` is `major` or newer; an unknown one is taken as a
/// current one.
pub fn at_least(version: Option<u32>, major: u32) -> bool {
    version.is_none_or(|v| v >= major)
}

/// `--target-version`'s value: `15`, `9.6`, `17.2`; the major version, or what is wrong.
pub fn parse(text: &str) -> Result<u32, String> {
    let major = crate::proof::major_version(text)
        .filter(|_| text.trim().chars().all(|c| c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| format!("`{text}` is not a PostgreSQL version: write its major version, e.g. 15 or 9.6"))?;
    if !(OLDEST_KNOWN..=99).contains(&major) {
        return Err(format!("PostgreSQL {major} does not exist: write a version from 9.5 on, e.g. 15"));
    }
    Ok(major)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_comes_from_the_flag_or_the_dump() {
        let named = TargetVersion::of(Some(11), "prod.sql", Some("15.20"));
        assert_eq!(named.said(), "Assumes PostgreSQL 11 (named with --target-version).");
        let dumped = TargetVersion::of(None, "prod.sql", Some("15.20 (Debian 15.20-0+deb12u1)"));
        assert_eq!(
            dumped.said(),
            "Assumes PostgreSQL 15 (prod.sql was dumped from PostgreSQL 15.20; --target-version names another)."
        );
        assert!(dumped.at_least(12) && !dumped.at_least(16));
        let unknown = TargetVersion::of(None, "hand.sql", None);
        assert!(unknown.at_least(17));
        assert!(unknown.said().starts_with("Assumes a current PostgreSQL, 12 or later (hand.sql does not say"));
    }

    #[test]
    fn target_version_reads_major_versions_and_refuses_the_rest() {
        assert_eq!(parse("15"), Ok(15));
        assert_eq!(parse("9.6"), Ok(9));
        assert_eq!(parse("17.2"), Ok(17));
        assert!(parse("fifteen").unwrap_err().contains("is not a PostgreSQL version"));
        assert!(parse("15beta").is_err());
        assert!(parse("3").unwrap_err().contains("does not exist"));
    }
}
