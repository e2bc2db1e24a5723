//! How far a quiz can be passed from the shape of its answers alone, without the material.
//!
//! The content review found the right answer strictly the longest choice in 18 of 21 single
//! items of the self-assessment, and every multiple-choice item with exactly 2 of 4 or 3 of 5
//! right. These figures measure both, so a test can bound them (see `tests/shape.rs`).

use crate::quiz::{Choice, QuizItem, QuizKind};
use std::collections::BTreeMap;

/// The shape figures of one quiz (a lesson's, or the self-assessment).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShapeFigures {
    /// Single and predict items.
    pub one_right_items: u32,
    /// Ids of those whose right choice is strictly longer than every wrong one.
    pub longest_right: Vec<String>,
    /// Multiple-choice items.
    pub multiple_items: u32,
    /// How many multiple-choice items have each share of right choices, keyed `right/choices`.
    pub right_counts: BTreeMap<String, u32>,
    /// Ids of multiple-choice items fully answered by picking the k longest choices, k being
    /// the number of right ones (a learner who knows k and nothing else).
    pub k_longest_right: Vec<String>,
}

/// Length in characters, which is what a reader sees (not bytes).
fn chars(c: &Choice) -> usize {
    c.text.chars().count()
}

/// True if the right choice is strictly longer than every wrong one.
fn right_is_longest(choices: &[Choice]) -> bool {
    let right = choices.iter().filter(|c| c.correct).map(chars).max();
    let wrong = choices.iter().filter(|c| !c.correct).map(chars).max();
    matches!((right, wrong), (Some(r), Some(w)) if r > w)
}

/// True if the `k` longest choices are exactly the right ones (ties broken against the learner).
fn k_longest_are_right(choices: &[Choice]) -> bool {
    let k = choices.iter().filter(|c| c.correct).count();
    let shortest_right = choices.iter().filter(|c| c.correct).map(chars).min();
    let longest_wrong = choices.iter().filter(|c| !c.correct).map(chars).max();
    k > 0
        && match (shortest_right, longest_wrong) {
            (Some(r), Some(w)) => r > w,
            _ => true,
        }
}

/// Measures one quiz's items.
pub fn shape_figures(items: &[QuizItem]) -> ShapeFigures {
    let mut f = ShapeFigures::default();
    for item in items {
        match &item.kind {
            QuizKind::Single { choices } | QuizKind::Predict { choices, .. } => {
                f.one_right_items += 1;
                if right_is_longest(choices) {
                    f.longest_right.push(item.id.clone());
                }
            }
            QuizKind::Multiple { choices } => {
                f.multiple_items += 1;
                let right = choices.iter().filter(|c| c.correct).count();
                *f.right_counts
                    .entry(format!("{right}/{}", choices.len()))
                    .or_default() += 1;
                if k_longest_are_right(choices) {
                    f.k_longest_right.push(item.id.clone());
                }
            }
            QuizKind::Order { .. } | QuizKind::Numeric { .. } => {}
        }
    }
    f
}

impl ShapeFigures {
    /// Adds another quiz's figures to these (for the course's total).
    pub fn add(&mut self, other: &ShapeFigures) {
        self.one_right_items += other.one_right_items;
        self.longest_right
            .extend(other.longest_right.iter().cloned());
        self.multiple_items += other.multiple_items;
        for (k, n) in &other.right_counts {
            *self.right_counts.entry(k.clone()).or_default() += n;
        }
        self.k_longest_right
            .extend(other.k_longest_right.iter().cloned());
    }

    /// The share of single and predict items whose right choice is strictly the longest, in
    /// per cent (0 when there are none).
    pub fn longest_right_percent(&self) -> u32 {
        (self.longest_right.len() as u32 * 100)
            .checked_div(self.one_right_items)
            .unwrap_or(0)
    }
}
