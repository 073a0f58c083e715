//! The embedded demo comparison: two real pg_dump outputs of the project's own "Fieldbook" app.
//!
//! They are produced by `cargo xtask demo` from demo/build_production.sql and demo/build_staging.sql.

/// (file name, text) of the database to migrate.
pub const FROM: (&str, &str) = ("fieldbook_production.sql", include_str!("../demo/fieldbook_production.sql"));
/// (file name, text) of the schema to reach.
pub const TO: (&str, &str) = ("fieldbook_staging.sql", include_str!("../demo/fieldbook_staging.sql"));
