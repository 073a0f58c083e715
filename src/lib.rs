//! The schemadrift browser app (Leptos, client-side rendered).
//!
//! Architecture invariant: this crate does no domain work. It reads files, keeps the state of the
//! two sides ([`state`]) and renders what the engine computed; everything about SQL is in the
//! `schemadrift-engine` crate.

pub mod analysis;
pub mod client;
pub mod components;
pub mod demo;
pub mod protocol;
pub mod prover;
pub mod proving;
pub mod state;
pub mod url;
pub mod worker;

pub use components::app::App;
