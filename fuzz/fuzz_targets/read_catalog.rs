//! Any bytes, as one dropped file: decoded (or refused with a message), read, turned into a catalog,
//! summarized and searched for secrets — and for a `pg_dumpall` file, each of its databases in turn.
//! The laws it checks are in `schemadrift_engine::pipeline::laws`.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    schemadrift_engine::pipeline::laws::read_any(bytes);
});
