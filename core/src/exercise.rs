//! Exercises as data: which rules the learner writes, the cases that grade them,
//! and the report a grade produces. No interpreter here, so the app can show an
//! exercise without loading the grader; grading lives in `grade` (feature `grader`).

use crate::replay::RecordedView;
use crate::scenario::Scenario;
use crate::trace::TraceEvent;
use serde::{Deserialize, Serialize};

pub mod shard;

/// The exercise file format this build reads.
pub const EXERCISE_FORMAT_VERSION: u32 = 1;

/// A set of rules a learner can write, declared by the protocol that calls them
/// ([`crate::Lab::RULE_SETS`]): what the learner defines, which simulation cases make sense, and
/// (with the grader) how one schedule is run and judged.
pub struct RuleSetInfo {
    /// The id an exercise file names (`rules = "hlc"`).
    pub id: &'static str,
    /// The functions the learner must define: name and parameter names.
    pub functions: &'static [(&'static str, &'static [&'static str])],
    /// The adversaries a simulation case of this rule set may name (`adversary = "figure-8"`);
    /// the protocol's own `grade.rs` plays them, so no shared file names any.
    pub adversaries: &'static [&'static str],
    /// The scenario a simulation case runs for one seed (before any adversary plays), so that an
    /// exercise file can be checked without the grader: it must be a valid scenario.
    #[cfg(feature = "authoring")]
    pub scenario: fn(&SimulationCase, u64) -> Scenario,
    /// Checks the options of a simulation case this rule set does not take or bounds, naming what
    /// is wrong.
    #[cfg(feature = "authoring")]
    pub check_case: fn(&SimulationCase) -> Result<(), String>,
    /// Runs and judges one schedule of a simulation case with the learner's code.
    #[cfg(feature = "grader")]
    pub schedule: crate::grade::ScheduleFn,
}

/// Which rule set an exercise grades: a key into the registry's rule sets, written by its id.
#[derive(Clone, Copy)]
pub struct RuleSet(&'static RuleSetInfo);

impl RuleSet {
    /// The rule set with this id, from every registered protocol.
    pub fn find(id: &str) -> Option<RuleSet> {
        crate::ProtocolSpec::rule_sets()
            .find(|r| r.id == id)
            .map(RuleSet)
    }

    /// Every rule set of every registered protocol, in registry order.
    pub fn all() -> impl Iterator<Item = RuleSet> {
        crate::ProtocolSpec::rule_sets().map(RuleSet)
    }

    /// What the registry knows of it.
    pub fn info(self) -> &'static RuleSetInfo {
        self.0
    }

    /// Its id, e.g. `"raft-vote"`.
    pub fn id(self) -> &'static str {
        self.0.id
    }

    /// The functions the learner must define: name and parameter names.
    pub fn functions(self) -> &'static [(&'static str, &'static [&'static str])] {
        self.0.functions
    }
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RuleSet({:?})", self.0.id)
    }
}

impl PartialEq for RuleSet {
    fn eq(&self, other: &Self) -> bool {
        self.0.id == other.0.id
    }
}

impl Eq for RuleSet {}

impl std::hash::Hash for RuleSet {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.id.hash(h);
    }
}

impl Serialize for RuleSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.id)
    }
}

impl<'de> Deserialize<'de> for RuleSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?;
        RuleSet::find(&id).ok_or_else(|| {
            let known: Vec<&str> = RuleSet::all().map(RuleSet::id).collect();
            serde::de::Error::custom(format!(
                "unknown rule set `{id}` (known: {})",
                known.join(", ")
            ))
        })
    }
}

/// Options of a simulation case that only some rule sets take: an error naming them when `case`
/// sets one, for rule sets that take none.
#[cfg(feature = "authoring")]
pub fn no_case_options(case: &SimulationCase) -> Result<(), String> {
    if case.entries_per_append.is_some() || case.adversary.is_some() {
        return Err(format!(
            "simulation case `{}`: `entries_per_append` and `adversary` are for Raft rules only",
            case.name
        ));
    }
    if case.clock_resolution_us.is_some() {
        return Err(format!(
            "simulation case `{}`: `clock_resolution_us` is for hybrid logical clock rules only",
            case.name
        ));
    }
    Ok(())
}

#[cfg(feature = "authoring")]
impl SimulationCase {
    /// Checks the case for rule set `rules`: its sizes, the options the rule set takes, and that
    /// its first schedule is a valid scenario (so every counterexample can be shared and
    /// replayed).
    pub fn validate(&self, rules: RuleSet) -> Result<(), String> {
        if !(1..=16).contains(&self.nodes) || !(1..=5_000).contains(&self.schedules) {
            return Err(format!(
                "simulation case `{}` needs 1..=16 nodes and 1..=5000 schedules",
                self.name
            ));
        }
        if let Some(a) = &self.adversary {
            let known = rules.info().adversaries;
            if !known.contains(&a.as_str()) {
                return Err(format!(
                    "simulation case `{}`: no adversary `{a}` for rule set `{}` (it has {})",
                    self.name,
                    rules.info().id,
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ));
            }
        }
        (rules.info().check_case)(self)?;
        (rules.info().scenario)(self, self.seed)
            .validate()
            .map_err(|e| format!("simulation case `{}`: {e}", self.name))
    }
}

/// A value passed to or returned by a learner's function: an integer, a short word or a list.
///
/// Written bare in exercise files (`3`, `"concurrent"`, `[1, 0, 2]`, `true`), by variant index in
/// the compact form the page decodes (`forms.rs` in this crate says why there are two).
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
        #[cfg(feature = "authoring")]
        if s.is_human_readable() {
            return match self {
                Value::Int(i) => s.serialize_i64(*i),
                Value::Bool(b) => s.serialize_bool(*b),
                Value::Str(text) => s.serialize_str(text),
                Value::List(items) => items.serialize(s),
            };
        }
        match self.clone() {
            Value::Int(i) => CompactValue::Int(i),
            Value::Bool(b) => CompactValue::Bool(b),
            Value::Str(text) => CompactValue::Str(text),
            Value::List(items) => CompactValue::List(items),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[cfg(feature = "authoring")]
        if d.is_human_readable() {
            return d.deserialize_any(BareValue);
        }
        Ok(match CompactValue::deserialize(d)? {
            CompactValue::Int(i) => Value::Int(i),
            CompactValue::Bool(b) => Value::Bool(b),
            CompactValue::Str(text) => Value::Str(text),
            CompactValue::List(items) => Value::List(items),
        })
    }
}

/// Reads [`Value`]'s human-readable form: a bare integer, boolean, string or list.
#[cfg(feature = "authoring")]
struct BareValue;

#[cfg(feature = "authoring")]
impl<'de> serde::de::Visitor<'de> for BareValue {
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
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::List(items))
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
    /// Cluster size: every node for the clocks, the servers (clients come on top) for Raft.
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
    /// An adversary that plays its faults instead of a random schedule, by the name its rule
    /// set lists in [`RuleSetInfo::adversaries`] (Raft's `"figure-8"`).
    #[serde(default)]
    pub adversary: Option<String>,
    /// Hybrid logical clocks only: the physical clock the learner's rules read ticks in steps of
    /// this many µs (1 when absent). A clock read in whole milliseconds, as many real clocks are,
    /// makes ties between `l`, the message's `l` and `pt` common: the boundary cases of the rules.
    #[serde(default)]
    pub clock_resolution_us: Option<u64>,
}

/// A solution that must fail, and the message it must fail with.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrongSolution {
    /// The file beside `exercise.toml`, e.g. `wrong/forgets-max.rhai`.
    pub file: String,
    /// Text the failing case's message must contain.
    pub fails_with: String,
    /// Why the simulation cases pass this solution, when they do: the reference's other rules
    /// mask the mistake (a Raft candidate that steps down on a newer term never counts a vote it
    /// should not have had), so only the table cases can catch it. Checked: the simulation cases
    /// alone must then pass it.
    #[serde(default)]
    pub why_runs_pass: Option<String>,
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
    /// Seeded runs of the reference protocol with the learner's rules, judged by the rule set's
    /// checkers (happens-before for the clocks, the safety properties and liveness for Raft).
    #[serde(default)]
    pub simulation: Vec<SimulationCase>,
    /// Known-wrong solutions and the message each must get.
    #[serde(default)]
    pub wrong: Vec<WrongSolution>,
    /// Mutants of the reference that compute the same function (no case can reject them), each
    /// with why; every other mutant must be rejected ([`crate::grade::mutation`]).
    #[serde(default)]
    pub equivalent: Vec<EquivalentMutant>,
}

/// A mutant of the reference that no case can reject, because it computes the same function.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EquivalentMutant {
    /// The mutant's id as `netsplit mutants` prints it, e.g. ``"7:21 `>` → `>=`"``.
    pub mutant: String,
    /// One line: why it computes the same function as the reference.
    pub reason: String,
}

/// Where in the learner's code something went wrong (1-based; 0 when unknown).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeError {
    /// The line in the learner's code, 1-based (0 when the error has no place).
    pub line: u32,
    /// The column in that line, 1-based (0 when unknown).
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

impl CaseReport {
    /// A case named `name` that passed.
    pub fn pass(name: &str) -> Self {
        CaseReport {
            name: name.to_string(),
            passed: true,
            message: String::new(),
            counterexample: None,
        }
    }
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

    #[cfg(feature = "authoring")]
    #[test]
    fn a_case_naming_an_adversary_its_rule_set_lacks_is_refused_with_the_ones_it_has() {
        let case = |rules: &str, adversary: &str| {
            let case = SimulationCase {
                name: "c".into(),
                schedules: 5,
                nodes: 5,
                seed: 1,
                faults: true,
                entries_per_append: None,
                adversary: Some(adversary.into()),
                clock_resolution_us: None,
            };
            case.validate(RuleSet::find(rules).expect("registered"))
        };
        assert!(case("raft-commit", "figure-8").is_ok());
        let err = case("raft-commit", "figure-9").unwrap_err();
        assert!(
            err.contains("no adversary `figure-9`") && err.contains("figure-8"),
            "{err}"
        );
        let err = case("lamport", "figure-8").unwrap_err();
        assert!(err.contains("(it has none)"), "{err}");
    }

    #[test]
    fn every_rule_set_names_distinct_functions() {
        for rules in RuleSet::all() {
            let names: Vec<&str> = rules.functions().iter().map(|(n, _)| *n).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), names.len(), "{rules:?}");
        }
    }

    #[test]
    fn every_rule_set_has_a_unique_id_that_reads_back() {
        let ids: Vec<&str> = RuleSet::all().map(RuleSet::id).collect();
        assert_eq!(ids.len(), 8, "{ids:?}");
        for id in &ids {
            assert_eq!(ids.iter().filter(|i| *i == id).count(), 1, "{id}");
            assert_eq!(RuleSet::find(id).map(RuleSet::id), Some(*id));
        }
        assert!(RuleSet::find("paxos").is_none());
    }
}
