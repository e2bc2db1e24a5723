//! Quiz items as data: what a lesson's `[[quiz]]` entries become once validated, and how an
//! answer is judged. Pure and small, so the page judges answers itself with no grader loaded.

use serde::{Deserialize, Serialize};

/// One choice of a choice item, with why it is right or wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// What the learner reads.
    pub text: String,
    /// True for a right choice.
    pub correct: bool,
    /// Why this choice is right or wrong (shown after answering).
    pub why: String,
}

/// A wrong number a learner is likely to give, with why it is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumericMistake {
    /// The wrong value.
    pub value: i64,
    /// Why it is wrong.
    pub why: String,
}

/// What kind of question, with its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuizKind {
    /// Exactly one choice is right.
    Single {
        /// The choices, in the order shown.
        choices: Vec<Choice>,
    },
    /// One or more choices are right; the learner must pick exactly those.
    Multiple {
        /// The choices, in the order shown.
        choices: Vec<Choice>,
    },
    /// Put the steps in order.
    Order {
        /// The steps in the right order (shown shuffled, see [`QuizItem::shown_order`]).
        steps: Vec<String>,
    },
    /// A whole number.
    Numeric {
        /// The right value.
        answer: i64,
        /// How far from `answer` still counts as right.
        tolerance: i64,
        /// Shown after the input, e.g. `ms` (may be empty).
        unit: String,
        /// Likely wrong values, each explained.
        mistakes: Vec<NumericMistake>,
    },
    /// A scenario is shown paused; the learner predicts what happens, then plays it.
    Predict {
        /// A scenario of the same lesson.
        scenario: String,
        /// The predictions; exactly one is right.
        choices: Vec<Choice>,
    },
}

/// One quiz item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizItem {
    /// Unique within the lesson (kebab-case); progress is saved by it.
    pub id: String,
    /// The question.
    pub prompt: String,
    /// Why the right answer is right (shown after answering).
    pub explanation: String,
    /// The kind of question and its answer.
    pub kind: QuizKind,
    /// The final self-assessment's topic this item covers (none in lessons).
    pub topic: Option<String>,
    /// Line in `lesson.toml`, for error messages.
    pub line: u32,
}

/// A topic the final self-assessment must cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// Kebab-case id that items name.
    pub id: String,
    /// What a learner should be able to answer, e.g. "CAP, with an example of each choice".
    pub title: String,
    /// The slug of the lesson that teaches it (in `course.toml`, written or coming), if any.
    #[serde(default)]
    pub lesson: Option<String>,
    /// The id of the heading in that lesson where it is taught (the build gives every `##` and
    /// `###` heading an id from its text, e.g. `the-converse-fails`).
    #[serde(default)]
    pub section: Option<String>,
}

/// The final self-assessment: a quiz across the whole course, by topic.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// The page heading.
    pub title: String,
    /// Shown on the course map.
    pub summary: String,
    /// Every topic covered (empty in the app's build: fetched from `course/<body_file>`).
    pub topics: Vec<Topic>,
    /// The items (empty in the app's build, like `topics`).
    pub quiz: Vec<QuizItem>,
    /// The file the topics and items are served from, named by their content hash.
    pub body_file: String,
}

/// A learner's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// The index of the chosen choice (single, predict).
    Choice(u32),
    /// The indexes of the chosen choices (multiple).
    Choices(Vec<u32>),
    /// Step indexes (into the right order) in the order the learner put them.
    Order(Vec<u32>),
    /// A number.
    Number(i64),
}

impl QuizItem {
    /// The choices of a choice item (empty for order and numeric items).
    pub fn choices(&self) -> &[Choice] {
        match &self.kind {
            QuizKind::Single { choices }
            | QuizKind::Multiple { choices }
            | QuizKind::Predict { choices, .. } => choices,
            QuizKind::Order { .. } | QuizKind::Numeric { .. } => &[],
        }
    }

    /// True if `answer` is right. An answer of the wrong shape (or out of range) is wrong, never
    /// a panic: answers come back from saved progress, which may be old or edited.
    pub fn is_correct(&self, answer: &Answer) -> bool {
        match (&self.kind, answer) {
            (
                QuizKind::Single { choices } | QuizKind::Predict { choices, .. },
                Answer::Choice(i),
            ) => choices.get(*i as usize).is_some_and(|c| c.correct),
            // Exactly the right ones: each choice is picked if and only if it is right.
            (QuizKind::Multiple { choices }, Answer::Choices(picked)) => {
                picked.iter().all(|i| (*i as usize) < choices.len())
                    && choices
                        .iter()
                        .enumerate()
                        .all(|(i, c)| c.correct == picked.contains(&(i as u32)))
            }
            (QuizKind::Order { steps }, Answer::Order(order)) => {
                order.len() == steps.len() && order.iter().enumerate().all(|(k, s)| *s == k as u32)
            }
            (
                QuizKind::Numeric {
                    answer, tolerance, ..
                },
                Answer::Number(n),
            ) => n.abs_diff(*answer) <= tolerance.unsigned_abs(),
            _ => false,
        }
    }

    /// For an order item, the order its steps are first shown in: a shuffle seeded by the item's
    /// id (the same on every visit and machine), never the right order.
    pub fn shown_order(&self) -> Vec<u32> {
        let QuizKind::Order { steps } = &self.kind else {
            return Vec::new();
        };
        let mut order = self.shuffled(steps.len() as u64, 0);
        if order.len() > 1 && order.iter().enumerate().all(|(k, s)| *s == k as u32) {
            order.rotate_left(1);
        }
        order
    }

    /// For a choice item, the order its choices are shown in: a shuffle seeded by the item's id,
    /// so the right choice is not always where the author wrote it (authors tend to write it
    /// first), yet sits in the same place on every visit.
    pub fn shown_choices(&self) -> Vec<u32> {
        self.shuffled(self.choices().len() as u64, 1)
    }

    /// A Fisher-Yates shuffle of `0..n`, driven by FNV-1a of the id and `salt` feeding a small
    /// LCG: the same on every build and target.
    fn shuffled(&self, n: u64, salt: u8) -> Vec<u32> {
        let mut order: Vec<u32> = (0..n as u32).collect();
        let mut x = self
            .id
            .bytes()
            .chain([salt])
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
        for i in (1..n).rev() {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let j = (x >> 33) % (i + 1);
            order.swap(i as usize, j as usize);
        }
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(text: &str, correct: bool) -> Choice {
        Choice {
            text: text.into(),
            correct,
            why: "because".into(),
        }
    }

    fn item(kind: QuizKind) -> QuizItem {
        QuizItem {
            id: "q".into(),
            prompt: "?".into(),
            explanation: "!".into(),
            kind,
            topic: None,
            line: 1,
        }
    }

    #[test]
    fn answers_are_judged_by_kind_and_a_misshapen_answer_is_wrong() {
        let single = item(QuizKind::Single {
            choices: vec![choice("a", false), choice("b", true)],
        });
        assert!(single.is_correct(&Answer::Choice(1)));
        assert!(!single.is_correct(&Answer::Choice(0)));
        assert!(!single.is_correct(&Answer::Choice(9)));
        assert!(!single.is_correct(&Answer::Number(1)));
        let multiple = item(QuizKind::Multiple {
            choices: vec![choice("a", true), choice("b", false), choice("c", true)],
        });
        assert!(multiple.is_correct(&Answer::Choices(vec![2, 0])));
        assert!(!multiple.is_correct(&Answer::Choices(vec![0])));
        assert!(!multiple.is_correct(&Answer::Choices(vec![0, 1, 2])));
        let numeric = item(QuizKind::Numeric {
            answer: 4,
            tolerance: 0,
            unit: String::new(),
            mistakes: vec![],
        });
        assert!(numeric.is_correct(&Answer::Number(4)));
        assert!(!numeric.is_correct(&Answer::Number(3)));
        let order = item(QuizKind::Order {
            steps: vec!["1".into(), "2".into(), "3".into()],
        });
        assert!(order.is_correct(&Answer::Order(vec![0, 1, 2])));
        assert!(!order.is_correct(&Answer::Order(vec![1, 0, 2])));
        assert!(!order.is_correct(&Answer::Order(vec![0, 1])));
    }

    #[test]
    fn order_items_are_shown_shuffled_the_same_way_every_time() {
        for n in 2..8 {
            let mut it = item(QuizKind::Order {
                steps: (0..n).map(|i| i.to_string()).collect(),
            });
            for id in ["a", "raft-steps", "two-phase"] {
                it.id = id.into();
                let shown = it.shown_order();
                assert_eq!(shown, it.shown_order());
                assert!(
                    !it.is_correct(&Answer::Order(shown.clone())),
                    "{id} {n}: shown solved"
                );
                let mut sorted = shown.clone();
                sorted.sort_unstable();
                assert_eq!(sorted, (0..n as u32).collect::<Vec<_>>());
            }
        }
    }
}
