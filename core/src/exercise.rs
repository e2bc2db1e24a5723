//! Exercises as data: which rules the learner writes, the cases that grade them,
//! and the report a grade produces. No interpreter here, so the app can show an
//! exercise without loading the grader; grading lives in `grade` (feature `grader`).

use crate::replay::RecordedView;
use crate::scenario::Scenario;
use crate::trace::TraceEvent;
use serde::{Deserialize, Serialize};

/// The exercise file format this build reads.
pub const EXERCISE_FORMAT_VERSION: u32 = 1;

/// Which reference protocol calls the learner's functions, and so which functions it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleSet {
    /// Lamport clocks: `tick(clock)` and `receive(clock, msg_time)`.
    Lamport,
    /// Vector clocks: `tick(clock, me)`, `receive(clock, msg_clock, me)` and `compare(a, b)`.
    VectorClock,
    /// Hybrid logical clocks: `send(l, c, pt)` and `receive(l, c, ml, mc, pt)`, each returning `[l, c]`.
    Hlc,
    /// Raft's vote: `grant_vote(term, voted_for, last_index, last_term, candidate, cand_term,
    /// cand_last_index, cand_last_term)`, returning `true` or `false` (`voted_for` is -1 for nobody).
    RaftVote,
    /// Raft's `AppendEntries` on the follower: `append_entries(log, prev_index, prev_term,
    /// entries)`, where `log` and `entries` are lists of terms; returns `false` to reject or the
    /// new log as a list of terms.
    RaftAppend,
    /// Raft's commit rule on the leader: `advance_commit(commit_index, term, log, match_index)`,
    /// where `log` is a list of terms and `match_index` has one entry per server; returns the new
    /// commit index.
    RaftCommit,
}

impl RuleSet {
    /// The functions the learner must define: name and parameter names.
    pub fn functions(self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            RuleSet::Lamport => &[("tick", &["clock"]), ("receive", &["clock", "msg_time"])],
            RuleSet::VectorClock => &[
                ("tick", &["clock", "me"]),
                ("receive", &["clock", "msg_clock", "me"]),
                ("compare", &["a", "b"]),
            ],
            RuleSet::Hlc => &[
                ("send", &["l", "c", "pt"]),
                ("receive", &["l", "c", "ml", "mc", "pt"]),
            ],
            RuleSet::RaftVote => &[(
                "grant_vote",
                &[
                    "term",
                    "voted_for",
                    "last_index",
                    "last_term",
                    "candidate",
                    "cand_term",
                    "cand_last_index",
                    "cand_last_term",
                ],
            )],
            RuleSet::RaftAppend => &[(
                "append_entries",
                &["log", "prev_index", "prev_term", "entries"],
            )],
            RuleSet::RaftCommit => &[(
                "advance_commit",
                &["commit_index", "term", "log", "match_index"],
            )],
        }
    }

    /// True for the rule sets that run in the reference Raft cluster.
    pub fn is_raft(self) -> bool {
        matches!(
            self,
            RuleSet::RaftVote | RuleSet::RaftAppend | RuleSet::RaftCommit
        )
    }
}

/// A scripted opponent that watches a simulation and strikes at chosen moments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Adversary {
    /// Plays the crashes of the Raft paper's Figure 8 on five servers with two clients, one entry
    /// per `AppendEntries` and no election no-op (`testkit::raft::Figure8`): the run that commits
    /// an old-term entry by counting replicas and then loses it.
    #[serde(rename = "figure-8")]
    Figure8,
}

/// A value passed to or returned by a learner's function: an integer, a short word or a list.
///
/// Written bare in exercise files (`3`, `"concurrent"`, `[1, 0, 2]`, `true`), by variant index in
/// the compact form the page decodes (see [`crate::forms`] for why there are two).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// An integer.
    Int(i64),
    /// A yes or no (a vote granted or refused).
    Bool(bool),
    /// A string, for answers that read better as words (`"before"`, `"concurrent"`).
    Str(String),
    /// A list (a vector clock, an HLC pair).
    List(Vec<Value>),
}

/// [`Value`]'s compact form: the variant index, then the value.
#[derive(Serialize, Deserialize)]
enum CompactValue {
    Int(i64),
    Bool(bool),
    Str(String),
    List(Vec<Value>),
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            match self {
                Value::Int(i) => s.serialize_i64(*i),
                Value::Bool(b) => s.serialize_bool(*b),
                Value::Str(text) => s.serialize_str(text),
                Value::List(items) => items.serialize(s),
            }
        } else {
            match self.clone() {
                Value::Int(i) => CompactValue::Int(i),
                Value::Bool(b) => CompactValue::Bool(b),
                Value::Str(text) => CompactValue::Str(text),
                Value::List(items) => CompactValue::List(items),
            }
            .serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if !d.is_human_readable() {
            return Ok(match CompactValue::deserialize(d)? {
                CompactValue::Int(i) => Value::Int(i),
                CompactValue::Bool(b) => Value::Bool(b),
                CompactValue::Str(text) => Value::Str(text),
                CompactValue::List(items) => Value::List(items),
            });
        }
        struct Bare;
        impl<'de> serde::de::Visitor<'de> for Bare {
            type Value = Value;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an integer, true or false, a string, or a list of those")
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
                Ok(Value::Int(i))
            }
            fn visit_u64<E: serde::de::Error>(self, u: u64) -> Result<Value, E> {
                i64::try_from(u)
                    .map(Value::Int)
                    .map_err(|_| E::custom(format!("{u} is too large for an integer")))
            }
            fn visit_str<E>(self, text: &str) -> Result<Value, E> {
                Ok(Value::Str(text.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Value::List(items))
            }
        }
        d.deserialize_any(Bare)
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::List(v) => {
                let parts: Vec<String> = v.iter().map(|x| x.to_string()).collect();
                write!(f, "[{}]", parts.join(", "))
            }
        }
    }
}

/// One call with a known right answer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableCase {
    /// Shown in the results list.
    pub name: String,
    /// Which function.
    pub call: String,
    /// Its arguments.
    pub args: Vec<Value>,
    /// The right result.
    pub expect: Value,
    /// What the learner is told when the result is wrong.
    pub message: String,
}

/// Runs the reference protocol with the learner's rules under seeded fault schedules.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationCase {
    /// Shown in the results list.
    pub name: String,
    /// How many schedules (seeds `seed..seed + schedules`).
    pub schedules: u32,
    /// Cluster size.
    pub nodes: u32,
    /// The first seed.
    pub seed: u64,
    /// Crash, restart and partition nodes as well as losing, duplicating and delaying messages.
    #[serde(default)]
    pub faults: bool,
    /// Raft only: the most entries one `AppendEntries` carries (the reference's default when
    /// absent). One entry per message makes stale, reordered messages far more common.
    #[serde(default)]
    pub entries_per_append: Option<u32>,
    /// Raft only: an adversary that plays its faults instead of a random schedule.
    #[serde(default)]
    pub adversary: Option<Adversary>,
}

/// A solution that must fail, and the message it must fail with.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrongSolution {
    /// The file beside `exercise.toml`, e.g. `wrong/forgets-max.rhai`.
    pub file: String,
    /// Text the failing case's message must contain.
    pub fails_with: String,
}

/// An exercise as written in `exercise.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseSpec {
    /// Must be [`EXERCISE_FORMAT_VERSION`].
    pub format_version: u32,
    /// Shown above the editor.
    pub title: String,
    /// What to implement (Markdown-free plain text, paragraphs separated by blank lines).
    pub prompt: String,
    /// Which protocol calls the learner's functions.
    pub rules: RuleSet,
    /// Hints, revealed one at a time.
    pub hints: Vec<String>,
    /// Cases with known answers.
    #[serde(default)]
    pub table: Vec<TableCase>,
    /// Randomized executions checked against the simulator's happens-before.
    #[serde(default)]
    pub simulation: Vec<SimulationCase>,
    /// Known-wrong solutions and the message each must get.
    #[serde(default)]
    pub wrong: Vec<WrongSolution>,
}

/// Where in the learner's code something went wrong (1-based; 0 when unknown).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeError {
    /// Line.
    pub line: u32,
    /// Column.
    pub col: u32,
    /// What went wrong, for a learner.
    pub message: String,
}

impl std::fmt::Display for CodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.col, self.message
            )
        } else {
            f.write_str(&self.message)
        }
    }
}

/// A failing run the page can replay: the scenario (with its seed) and the trace it produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counterexample {
    /// The scenario the learner's rules ran in (its protocol names the workload).
    pub scenario: Scenario,
    /// Every event of the run, as recorded with the learner's rules.
    pub events: Vec<TraceEvent>,
    /// The step at which the rules went wrong.
    pub failed_at_step: u64,
    /// What each node showed as the run went (Raft: role, term, log), when recorded.
    pub views: Vec<RecordedView>,
}

/// How one case went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseReport {
    /// The case's name.
    pub name: String,
    /// True if it passed.
    pub passed: bool,
    /// What went wrong (empty when passed).
    pub message: String,
    /// For a failed simulation case: the run to replay.
    pub counterexample: Option<Box<Counterexample>>,
}

/// The result of grading one solution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// A syntax error or a missing function: no case ran.
    pub compile_error: Option<CodeError>,
    /// One entry per case, in order.
    pub cases: Vec<CaseReport>,
    /// What the code printed (`print`), capped.
    pub output: Vec<String>,
}

impl Report {
    /// True if the code compiled and every case passed.
    pub fn passed(&self) -> bool {
        self.compile_error.is_none()
            && !self.cases.is_empty()
            && self.cases.iter().all(|c| c.passed)
    }

    /// The first failure's message (the compile error, else the first failed case).
    pub fn first_failure(&self) -> Option<String> {
        if let Some(e) = &self.compile_error {
            return Some(e.to_string());
        }
        self.cases
            .iter()
            .find(|c| !c.passed)
            .map(|c| format!("{}: {}", c.name, c.message))
    }

    /// A plain-text summary, one line per case.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if let Some(e) = &self.compile_error {
            out.push_str(&format!("error: {e}\n"));
        }
        for c in &self.cases {
            if c.passed {
                out.push_str(&format!("pass  {}\n", c.name));
            } else {
                out.push_str(&format!("FAIL  {}\n      {}\n", c.name, c.message));
                if let Some(cx) = &c.counterexample {
                    out.push_str(&format!(
                        "      counterexample: seed {}, {} nodes, failed at step {} (replay it in the page)\n",
                        cx.scenario.seed, cx.scenario.nodes, cx.failed_at_step
                    ));
                }
            }
        }
        let passed = self.cases.iter().filter(|c| c.passed).count();
        out.push_str(&format!("{passed} of {} cases passed\n", self.cases.len()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_set_names_distinct_functions() {
        for rules in [RuleSet::Lamport, RuleSet::VectorClock, RuleSet::Hlc] {
            let names: Vec<&str> = rules.functions().iter().map(|(n, _)| *n).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), names.len(), "{rules:?}");
        }
    }
}
