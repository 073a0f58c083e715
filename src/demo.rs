//! The embedded demo comparison: two real pg_dump outputs of the project's own "Fieldbook" app.
//!
//! They are produced by `cargo xtask demo` from demo/build_production.sql and demo/build_staging.sql.

/// The file names the page shows while the worker reads the demo.
pub const FROM_NAME: &str = "fieldbook_production.sql";
pub const TO_NAME: &str = "fieldbook_staging.sql";

/// (file name, text) of the database to migrate.
pub const FROM: (&str, &str) = (FROM_NAME, include_str!("../demo/fieldbook_production.sql"));
/// (file name, text) of the schema to reach.
pub const TO: (&str, &str) = (TO_NAME, include_str!("../demo/fieldbook_staging.sql"));
