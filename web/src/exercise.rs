//! The exercise widget and its parts: editor, results, grading-worker client.

pub mod client;
pub mod editor;
pub mod results;
pub mod widget;

pub use widget::{ExerciseWidget, ExerciseWidgetProps};
