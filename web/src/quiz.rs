//! Quizzes: one item at a time judged in the page, with every choice explained, and a panel
//! that scores a lesson's (or the final self-assessment's) items from the saved answers.

pub mod item;
pub mod panel;

pub use item::QuizItemView;
pub use panel::QuizPanel;
