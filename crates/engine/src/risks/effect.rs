//! What a rule claims the script does to a table's rows and locks, as data: the strongest lock
//! taken, whether the table is rewritten, and under which lock its existing rows are read.
//!
//! Architecture invariant: a claim is about the statements the script runs for the change, on the
//! table the change is on (for a type, the tables using it), and `tests/lock_claims.rs` measures
//! each claim on PostgreSQL: a claim the measurement contradicts fails the build.

use serde::{Deserialize, Serialize};

/// PostgreSQL's table lock modes, weakest first (the order of its conflict table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lock {
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
}

impl Lock {
    pub const ALL: [Lock; 8] = [
        Lock::AccessShare,
        Lock::RowShare,
        Lock::RowExclusive,
        Lock::ShareUpdateExclusive,
        Lock::Share,
        Lock::ShareRowExclusive,
        Lock::Exclusive,
        Lock::AccessExclusive,
    ];

    /// As PostgreSQL's documentation names it: `ACCESS EXCLUSIVE`.
    pub fn label(self) -> &'static str {
        match self {
            Lock::AccessShare => "ACCESS SHARE",
            Lock::RowShare => "ROW SHARE",
            Lock::RowExclusive => "ROW EXCLUSIVE",
            Lock::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            Lock::Share => "SHARE",
            Lock::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            Lock::Exclusive => "EXCLUSIVE",
            Lock::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// As `pg_locks.mode` names it: `AccessExclusiveLock`.
    pub fn pg_locks_mode(self) -> &'static str {
        match self {
            Lock::AccessShare => "AccessShareLock",
            Lock::RowShare => "RowShareLock",
            Lock::RowExclusive => "RowExclusiveLock",
            Lock::ShareUpdateExclusive => "ShareUpdateExclusiveLock",
            Lock::Share => "ShareLock",
            Lock::ShareRowExclusive => "ShareRowExclusiveLock",
            Lock::Exclusive => "ExclusiveLock",
            Lock::AccessExclusive => "AccessExclusiveLock",
        }
    }

    /// The mode `pg_locks.mode` names.
    pub fn from_pg_locks(mode: &str) -> Option<Lock> {
        Lock::ALL.into_iter().find(|l| l.pg_locks_mode() == mode)
    }

    /// Whether the application's writes (INSERT, UPDATE, DELETE: ROW EXCLUSIVE) wait for it.
    pub fn blocks_writes(self) -> bool {
        self >= Lock::Share
    }

    /// Whether the application's reads (SELECT: ACCESS SHARE) wait for it.
    pub fn blocks_reads(self) -> bool {
        self == Lock::AccessExclusive
    }

    /// What the application feels while it is held: `blocks reads and writes`.
    pub fn blocks(self) -> &'static str {
        if self.blocks_reads() {
            "blocks reads and writes"
        } else if self.blocks_writes() {
            "blocks writes"
        } else {
            "blocks no reads or writes"
        }
    }
}

/// What the script's statements for one change do to the table: a rule's claim, measured by
/// `tests/lock_claims.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Effect {
    /// The strongest lock held on the table by the change's statements (`None`: no lock on it).
    pub lock: Option<Lock>,
    /// Whether the table is written anew (a new file for it and its indexes).
    pub rewrite: bool,
    /// The strongest lock held while the table's existing rows are read (a validation, an index
    /// build, a rewrite); `None` when no row is read.
    pub reads_rows_under: Option<Lock>,
}

impl Effect {
    /// A change to the catalog only: the lock, no rewrite, no row read.
    pub const fn catalog_only(lock: Lock) -> Effect {
        Effect { lock: Some(lock), rewrite: false, reads_rows_under: None }
    }

    /// A rewrite of the table under an ACCESS EXCLUSIVE lock.
    pub const REWRITE: Effect =
        Effect { lock: Some(Lock::AccessExclusive), rewrite: true, reads_rows_under: Some(Lock::AccessExclusive) };

    /// Every row read under an ACCESS EXCLUSIVE lock, the table not rewritten (a validation in
    /// place, an index built under the lock).
    pub const REWRITE_FREE_SCAN: Effect =
        Effect { lock: Some(Lock::AccessExclusive), rewrite: false, reads_rows_under: Some(Lock::AccessExclusive) };

    /// A brief `lock` on the catalog, then the rows read under `reads` (a validation or a
    /// concurrent build that lets the application go on).
    pub const fn reads_under(lock: Lock, reads: Lock) -> Effect {
        Effect { lock: Some(lock), rewrite: false, reads_rows_under: Some(reads) }
    }

    /// The claim in words, as risk cards show it: `ACCESS EXCLUSIVE lock (blocks reads and
    /// writes), no rewrite, rows read under SHARE UPDATE EXCLUSIVE (blocks no reads or writes)`.
    pub fn describe(&self) -> String {
        let lock = match self.lock {
            Some(lock) => format!("{} lock ({})", lock.label(), lock.blocks()),
            None => "no lock on the table".to_string(),
        };
        let rewrite = if self.rewrite { "table rewritten" } else { "no rewrite" };
        let reads = match self.reads_rows_under {
            Some(lock) if Some(lock) == self.lock => "rows read under it".to_string(),
            Some(lock) => format!("rows read under {} ({})", lock.label(), lock.blocks()),
            None => "no rows read".to_string(),
        };
        format!("{lock}, {rewrite}, {reads}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_read_as_pg_locks_writes_them_and_order_by_strength() {
        for lock in Lock::ALL {
            assert_eq!(Lock::from_pg_locks(lock.pg_locks_mode()), Some(lock));
        }
        assert!(Lock::ShareUpdateExclusive < Lock::Share);
        assert!(!Lock::ShareUpdateExclusive.blocks_writes());
        assert!(Lock::Share.blocks_writes() && !Lock::Share.blocks_reads());
        assert!(Lock::AccessExclusive.blocks_reads());
    }

    #[test]
    fn a_claim_reads_as_a_sentence() {
        assert_eq!(
            Effect::reads_under(Lock::AccessExclusive, Lock::ShareUpdateExclusive).describe(),
            "ACCESS EXCLUSIVE lock (blocks reads and writes), no rewrite, rows read under SHARE UPDATE EXCLUSIVE (blocks no reads or writes)"
        );
        assert_eq!(
            Effect::REWRITE.describe(),
            "ACCESS EXCLUSIVE lock (blocks reads and writes), table rewritten, rows read under it"
        );
    }
}
