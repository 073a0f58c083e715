//! The analysis worker's WebAssembly stack. Natively a deep statement is read on a stack of its own
//! (`stacker`); WebAssembly cannot grow its stack, so the worker is linked with one large enough for
//! the deepest nesting the engine reads in the browser (`catalog::MAX_NESTING`). The page does no parsing and keeps
//! the default.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|family| family == "wasm") {
        // 16 MB: reserved in the worker's memory, touched only as deep as a statement goes (400
        // levels, see `MAX_NESTING`, where the JavaScript engine's own stack ends first).
        println!("cargo:rustc-link-arg-bin=schemadrift-worker=-zstack-size=16777216");
    }
}
