//! Table sizes and row estimates a user adds to a side: the CSV output of [`QUERY`], which reads
//! `pg_class` and `pg_total_relation_size` only (no rows, no data). With them the inventory shows
//! each table's size and the risks of a rewrite or an index build are levelled by what they touch.
//!
//! Architecture invariant: a bad file is refused whole, with the line and what was wrong; nothing
//! else of the side changes.

use crate::catalog::QualifiedName;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The query whose `--csv` output [`parse`] reads. Run it on the database a dump was made from:
/// `psql -X --csv -c "<QUERY>" > sizes.csv`.
pub const QUERY: &str = "SELECT n.nspname AS schema, c.relname AS name, c.reltuples::bigint AS rows, pg_total_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2";

/// The header line the query's CSV output starts with.
const HEADER: [&str; 4] = ["schema", "name", "rows", "bytes"];

/// Files larger than this are not a sizes file (the query writes about 60 bytes per table).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// One table's size: its bytes with indexes and TOAST, and PostgreSQL's row estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TableSize {
    pub bytes: u64,
    /// `reltuples`: `None` when PostgreSQL has not estimated it yet (-1: never vacuumed or analyzed).
    pub rows: Option<u64>,
}

impl TableSize {
    /// `14.6 MB (~120,000 rows)`.
    pub fn describe(&self) -> String {
        match self.rows {
            Some(rows) => format!("{} (~{} rows)", bytes(self.bytes), thousands(rows)),
            None => format!("{} (rows not estimated yet)", bytes(self.bytes)),
        }
    }
}

/// The sizes of one side's tables, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Sizes {
    /// The file's name, as the user named it.
    pub file_name: String,
    pub tables: BTreeMap<QualifiedName, TableSize>,
}

impl Sizes {
    pub fn of(&self, table: &QualifiedName) -> Option<TableSize> {
        self.tables.get(table).copied()
    }

    /// Every table's bytes added up.
    pub fn total_bytes(&self) -> u64 {
        self.tables.values().map(|t| t.bytes).sum()
    }
}

/// Why a sizes file was refused: where, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizesError {
    /// 1-based line, when one line is at fault.
    pub line: Option<usize>,
    pub problem: String,
}

impl fmt::Display for SizesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.problem)?,
            None => f.write_str(&self.problem)?,
        }
        write!(f, ". A sizes file is the output of: psql -X --csv -c \"{QUERY}\" > sizes.csv")
    }
}

impl std::error::Error for SizesError {}

/// Reads the CSV output of [`QUERY`] (header `schema,name,rows,bytes`; fields quoted as psql's
/// `--csv` quotes them).
pub fn parse(file_name: &str, bytes: &[u8]) -> Result<Sizes, SizesError> {
    let whole = |problem: String| SizesError { line: None, problem };
    if bytes.len() > MAX_BYTES {
        return Err(whole(format!(
            "the file holds {}, more than a sizes file can (64 MB)",
            self::bytes(bytes.len() as u64)
        )));
    }
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|e| whole(format!("the file is not UTF-8 text (byte {} is not)", e.valid_up_to())))?;
    let records = records(text)?;
    let Some((header_line, header)) = records.first() else {
        return Err(whole("the file is empty".to_string()));
    };
    let header: Vec<&str> = header.iter().map(|f| f.trim()).collect();
    if header != HEADER {
        return Err(SizesError {
            line: Some(*header_line),
            problem: format!("the header is `{}`, not `{}`", header.join(","), HEADER.join(",")),
        });
    }
    let mut tables = BTreeMap::new();
    for (line, fields) in &records[1..] {
        let at = |problem: String| SizesError { line: Some(*line), problem };
        if fields.len() != HEADER.len() {
            return Err(at(format!("{} fields where the header names {}", fields.len(), HEADER.len())));
        }
        let (schema, name) = (&fields[0], &fields[1]);
        if schema.is_empty() || name.is_empty() {
            return Err(at("a table without a schema or a name".to_string()));
        }
        let rows: i64 =
            fields[2].trim().parse().map_err(|_| at(format!("rows `{}` is not a whole number", fields[2])))?;
        let size: u64 = fields[3]
            .trim()
            .parse()
            .map_err(|_| at(format!("bytes `{}` is not a whole number of bytes", fields[3])))?;
        let table = QualifiedName::new(schema, name);
        let size = TableSize { bytes: size, rows: u64::try_from(rows).ok() };
        if tables.insert(table.clone(), size).is_some() {
            return Err(at(format!("{table} is listed twice")));
        }
    }
    Ok(Sizes { file_name: file_name.to_string(), tables })
}

/// The CSV records with the line each starts on; quoted fields may hold commas, quotes (doubled)
/// and line breaks. Empty lines are skipped.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, SizesError> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        loop {
            match chars.next() {
                None => {
                    if quoted {
                        return Err(SizesError { line: Some(start), problem: "a quoted field is not closed".into() });
                    }
                    break;
                }
                Some('"') if quoted => {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        quoted = false;
                    }
                }
                Some('"') if field.is_empty() => quoted = true,
                Some('\n') if quoted => {
                    line += 1;
                    field.push('\n');
                }
                Some(c) if quoted => field.push(c),
                Some(',') => fields.push(std::mem::take(&mut field)),
                Some('\r') if chars.peek() == Some(&'\n') => {}
                Some('\n') => {
                    line += 1;
                    break;
                }
                Some(c) => field.push(c),
            }
        }
        fields.push(field);
        if !(fields.len() == 1 && fields[0].trim().is_empty()) {
            out.push((start, fields));
        }
    }
    Ok(out)
}

/// `0 bytes`, `8 KB`, `14.6 MB`, `2.1 GB` (powers of 1024, as PostgreSQL's `pg_size_pretty`).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value >= 100.0 || value.fract() < 0.05 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `120,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_psql_csv_writes_quoted_names_included() {
        let text =
            "schema,name,rows,bytes\npublic,orders,120000,15309209\n\"my schema\",\"a \"\"quoted\"\", name\",-1,8192\n";
        let sizes = parse("sizes.csv", text.as_bytes()).unwrap();
        assert_eq!(
            sizes.of(&QualifiedName::new("public", "orders")),
            Some(TableSize { bytes: 15_309_209, rows: Some(120_000) })
        );
        assert_eq!(
            sizes.of(&QualifiedName::new("my schema", "a \"quoted\", name")),
            Some(TableSize { bytes: 8192, rows: None })
        );
        assert_eq!(sizes.total_bytes(), 15_317_401);
        assert_eq!(TableSize { bytes: 15_309_209, rows: Some(120_000) }.describe(), "14.6 MB (~120,000 rows)");
    }

    #[test]
    fn a_bad_file_says_where_and_what() {
        let error = |text: &str| parse("s.csv", text.as_bytes()).unwrap_err().to_string();
        assert!(error("").starts_with("the file is empty."));
        assert!(
            error("table,size\nt,1\n").starts_with("line 1: the header is `table,size`, not `schema,name,rows,bytes`.")
        );
        assert!(error("schema,name,rows,bytes\npublic,t,1\n").starts_with("line 2: 3 fields where the header names 4."));
        assert!(error("schema,name,rows,bytes\npublic,t,1,12 kB\n")
            .starts_with("line 2: bytes `12 kB` is not a whole number"));
        assert!(error("schema,name,rows,bytes\npublic,t,1,1\npublic,t,2,2\n")
            .starts_with("line 3: public.t is listed twice."));
        assert!(error("schema,name,rows,bytes\n\"public,t,1,1\n").starts_with("line 2: a quoted field is not closed."));
        assert!(parse("s.csv", b"schema,name,rows,bytes\n").is_ok_and(|s| s.tables.is_empty()));
        assert!(error("x").contains("psql -X --csv -c"), "the message says how to make the file");
        assert!(parse("s.csv", b"\xff\xfe").unwrap_err().to_string().starts_with("the file is not UTF-8 text"));
    }

    #[test]
    fn sizes_read_as_pg_size_pretty_writes_them() {
        assert_eq!(bytes(0), "0 bytes");
        assert_eq!(bytes(8192), "8 KB");
        assert_eq!(bytes(147_456), "144 KB");
        assert_eq!(bytes(15_309_209), "14.6 MB");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024), "3 GB");
    }
}
