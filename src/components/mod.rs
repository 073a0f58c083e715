//! Leptos components. Each one renders state and turns user actions into state changes.

pub mod app;
pub mod changes;
pub mod crash;
pub mod definition;
pub mod dump_panel;
pub mod file_reading;
pub mod focus;
pub mod progressive;
pub mod proof;
pub mod release;
pub mod report;
pub mod side_by_side;
pub mod sizes;
pub mod summary;
pub mod tables;
pub mod verdict;
pub mod virtual_table;
