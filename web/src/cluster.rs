//! The live cluster widget and its parts, one component per file.

pub mod controls;
pub mod event_log;
pub mod held;
pub mod inspector;
pub mod log_grid;
pub mod network_panel;
pub mod panels;
pub mod partition_panel;
pub mod playback;
pub mod ring;
pub mod state;
pub mod widget;

pub use widget::{ClusterWidget, ClusterWidgetProps};
