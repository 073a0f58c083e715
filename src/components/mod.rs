//! Leptos components. Each one renders state and turns user actions into state changes.

pub mod app;
pub mod changes;
pub mod crash;
pub mod dump_panel;
pub mod file_reading;
pub mod progressive;
pub mod proof;
pub mod release;
pub mod report;
pub mod sizes;
pub mod summary;
pub mod tables;
pub mod verdict;
pub mod virtual_table;
