//! The app's pages, one component per file.

pub mod assessment_page;
pub mod bench_page;
pub mod history_page;
pub mod home;
pub mod lesson_page;
pub mod playground;
pub mod progress_panel;
pub mod set_aside;
