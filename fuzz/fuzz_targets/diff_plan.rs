//! Any bytes, as a pair of files (split at the first NUL byte; without one, the file against
//! itself): both read, compared, risks judged, the migration planned, the rollback and the reports
//! written. The laws it checks are in `schemadrift_engine::pipeline::laws`.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    schemadrift_engine::pipeline::laws::compare_any(bytes);
});
