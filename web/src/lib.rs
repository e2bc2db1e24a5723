//! # netsplit-web
//!
//! The Yew front end. It holds no protocol logic: lessons come from
//! `netsplit-lessons`, simulation from `netsplit-core`; this crate only shows
//! them and turns clicks and keys into actions.

pub mod app;
pub mod cluster;
pub mod element_width;
pub mod exercise;
pub mod fetch;
pub mod grading;
pub mod history_check;
pub mod lab;
pub mod lab_link;
pub mod live_root;
pub mod live_slot;
pub mod live_view;
pub mod measure;
pub mod measure_lab;
pub mod page_focus;
pub mod page_link;
pub mod pages;
pub mod progress;
pub mod quiz;
pub mod route;
pub mod saved;
pub mod spacetime;
pub mod storage;
pub mod svg;
pub mod unique_id;

pub use app::App;
pub use cluster::{ClusterWidget, ClusterWidgetProps};
