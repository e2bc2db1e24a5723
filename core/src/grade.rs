//! Grading a learner's code: table cases with known answers, and simulation cases that run the
//! reference protocol with the learner's rules under seeded fault schedules and judge the run.
//!
//! The grader is protocol-agnostic. An exercise names a rule set, which its protocol declares
//! ([`crate::Lab::RULE_SETS`]) with the functions the learner writes and a schedule function in
//! the protocol's `grade.rs`: it builds the learner's rules over a [`script::Script`], runs one
//! seeded schedule and judges it with the protocol's checkers, returning the message and the
//! counterexample to replay when the rules went wrong. Each protocol module says what it judges:
//! Lamport stamps against happens-before, vector stamps against the simulator's own vector clocks,
//! hybrid clocks against causality and the physical clocks, Raft against its five safety
//! properties and liveness.
//!
//! The learner's code runs in a [`Sandbox`] that bounds everything a script can consume.

pub mod hostile;
mod lex;
pub mod mutants;
pub mod mutation;
pub mod sandbox;
pub mod script;

pub use sandbox::{
    Sandbox, MAX_ARRAY_LEN, MAX_CALL_LEVELS, MAX_FUNCTIONS, MAX_MAP_LEN, MAX_OPERATIONS_PER_CALL,
    MAX_OPERATIONS_PER_GRADE, MAX_OUTPUT_LINES, MAX_SOURCE_BYTES, MAX_STRING_BYTES, MAX_VARIABLES,
};

use crate::actor::Protocol;
use crate::exercise::shard::{self, ScheduleFailed, Shard, ShardReport};
use crate::exercise::{
    CaseReport, Counterexample, ExerciseSpec, Report, RuleSet, SimulationCase, TableCase,
};
use crate::scenario::Scenario;
use crate::schedules::{EXERCISE_DURATION_US, EXERCISE_MAX_STEPS};
use crate::sim::{Sim, SimOptions};
use crate::time::SimTime;
use rhai::AST;
use script::{from_script, Script, ToScript};
use std::rc::Rc;

/// Why a schedule failed: the message for the learner, and the run to replay.
pub type ScheduleFailure = (String, Box<Counterexample>);

/// Runs and judges one schedule (`seed`) of a simulation case: what a rule set's protocol provides.
pub type ScheduleFn = fn(&ScheduleRun<'_>, &SimulationCase, u64) -> Result<(), ScheduleFailure>;

/// What a schedule function gets from the grader: the learner's compiled code and the sandbox it
/// runs in.
pub struct ScheduleRun<'a> {
    sandbox: &'a Rc<Sandbox>,
    ast: &'a Rc<AST>,
    rules: RuleSet,
}

impl ScheduleRun<'_> {
    /// The rule set being graded (a protocol with several, such as Raft, plays the others itself).
    pub fn rules(&self) -> RuleSet {
        self.rules
    }

    /// A fresh handle on the learner's code, for one run.
    pub fn script(&self) -> Rc<Script> {
        Rc::new(Script::new(self.sandbox.clone(), self.ast.clone()))
    }

    /// Runs `f` (a second run of the learner's code, to record a trace or views), dropping what
    /// the code prints meanwhile, so the learner sees each line once, and with the schedule's
    /// budget as it was when the schedule began, so the second run meets every limit where the
    /// first did.
    pub fn quietly<R>(&self, f: impl FnOnce() -> R) -> R {
        let output = self.sandbox.take_output();
        let result = self.sandbox.from_unit_start(f);
        self.sandbox.take_output();
        self.sandbox.output.borrow_mut().extend(output);
        result
    }
}

/// The run to replay when a schedule fails at `step`.
pub fn counterexample<P: Protocol>(
    sim: &Sim<P>,
    scenario: &Scenario,
    step: u64,
) -> Box<Counterexample> {
    Box::new(Counterexample {
        scenario: scenario.clone(),
        events: sim.trace().events().to_vec(),
        failed_at_step: step,
        views: Vec::new(),
    })
}

/// Runs one schedule to its end (or [`EXERCISE_MAX_STEPS`]), keeping every event; the learner's
/// first runtime error stops it.
pub fn run_schedule<P: Protocol>(
    protocol: P,
    scenario: &Scenario,
    script: &Script,
) -> Result<Sim<P>, ScheduleFailure> {
    let opts = SimOptions {
        trace_cap: usize::MAX,
        check_invariants: false,
    };
    let mut sim = scenario.sim(protocol, opts);
    if let Some(e) = script.take_failure() {
        return Err((e.to_string(), counterexample(&sim, scenario, 0)));
    }
    while sim.steps() < EXERCISE_MAX_STEPS
        && sim
            .next_event_time()
            .is_some_and(|t| t <= SimTime(EXERCISE_DURATION_US))
    {
        sim.step();
        if let Some(e) = script.take_failure() {
            let step = sim.steps();
            return Err((e.to_string(), counterexample(&sim, scenario, step)));
        }
    }
    Ok(sim)
}

/// Grades solutions; build once, grade many times (the engine is reused).
pub struct Grader {
    sandbox: Rc<Sandbox>,
}

impl Default for Grader {
    fn default() -> Self {
        Grader::new()
    }
}

/// How far grading has got: units (table cases and schedules) done out of the total (of the
/// shard being graded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Done so far.
    pub done: u32,
    /// In all.
    pub total: u32,
}

impl Grader {
    /// A grader with a fresh sandbox.
    pub fn new() -> Self {
        Grader {
            sandbox: Rc::new(Sandbox::new()),
        }
    }

    /// A grader whose grades' schedules may run at most `operations` script operations in all
    /// (shared out equally among them).
    pub fn with_operations_budget(operations: u64) -> Self {
        let mut sandbox = Sandbox::new();
        sandbox.grade_budget_ops = operations;
        Grader {
            sandbox: Rc::new(sandbox),
        }
    }

    /// Script operations the last grade used (for benchmarks and for sizing the budget).
    pub fn operations_used(&self) -> u64 {
        self.sandbox.operations_used()
    }

    /// Grades `code` against every case of `spec`, reporting progress as it goes.
    pub fn grade(
        &self,
        spec: &ExerciseSpec,
        code: &str,
        progress: &mut dyn FnMut(Progress),
    ) -> Report {
        let whole = self.grade_shard(spec, code, Shard::WHOLE, progress);
        shard::merge(spec, &[whole]).expect("one whole shard is a whole grade")
    }

    /// Grades one shard of a grade (see [`crate::exercise::shard`]): merging every shard's report
    /// gives exactly the report of [`Grader::grade`].
    pub fn grade_shard(
        &self,
        spec: &ExerciseSpec,
        code: &str,
        shard: Shard,
        progress: &mut dyn FnMut(Progress),
    ) -> ShardReport {
        self.grade_units(spec, code, shard, false, progress)
    }

    /// Grades `code` until its first failing case and no further (the report ends there): how a
    /// mutant is rejected without running every schedule of every case.
    pub fn grade_until_failure(&self, spec: &ExerciseSpec, code: &str) -> Report {
        let whole = self.grade_units(spec, code, Shard::WHOLE, true, &mut |_| {});
        let table = whole.table.into_iter().map(|(_, r)| r);
        let simulation = whole
            .failures
            .into_iter()
            .zip(&spec.simulation)
            .map(|(failure, case)| {
                failure.map_or_else(|| CaseReport::pass(&case.name), |f| f.report)
            });
        Report {
            compile_error: whole.compile_error,
            cases: table.chain(simulation).collect(),
            output: whole.output.into_iter().map(|(_, l)| l).collect(),
        }
    }

    /// Grades the units of `shard`, in order. With `stop_at_failure`, nothing after the first
    /// failing case is graded: the table cases after it are missing from the report, and so is
    /// every simulation case after it (its `failures` entry is absent, not `None`).
    fn grade_units(
        &self,
        spec: &ExerciseSpec,
        code: &str,
        shard: Shard,
        stop_at_failure: bool,
        progress: &mut dyn FnMut(Progress),
    ) -> ShardReport {
        self.sandbox.take_output();
        self.sandbox.start_grade();
        let ast = match self.sandbox.compile(code, spec.rules.functions()) {
            Ok(ast) => Rc::new(ast),
            Err(e) => return ShardReport::refused(shard, e),
        };
        let total = shard::units_in(spec, shard);
        let starts = shard::unit_starts(spec);
        let schedules = starts.last().copied().unwrap_or(0) - starts[0];
        let share = self.sandbox.schedule_budget(schedules);
        let mut report = ShardReport {
            shard,
            compile_error: None,
            table: Vec::new(),
            failures: Vec::new(),
            output: Vec::new(),
        };
        let mut done = 0;
        // At most MAX_OUTPUT_LINES per case, the table cases counting as one (see `ShardReport`).
        let keep_output = |report: &mut ShardReport, unit: u64, case_start: u64| {
            let lines = self.sandbox.take_output();
            let already = report
                .output
                .iter()
                .rev()
                .take_while(|(u, _)| *u >= case_start)
                .count();
            let room = MAX_OUTPUT_LINES.saturating_sub(already);
            report
                .output
                .extend(lines.into_iter().take(room).map(|l| (unit, l)));
        };
        for (i, case) in spec.table.iter().enumerate() {
            if !shard.takes(i as u64) {
                continue;
            }
            self.sandbox.start_unit(u64::MAX);
            let case_report = self.table_case(&ast, case);
            let failed = !case_report.passed;
            report.table.push((i as u32, case_report));
            keep_output(&mut report, i as u64, 0);
            done += 1;
            progress(Progress { done, total });
            if failed && stop_at_failure {
                return report;
            }
        }
        for (c, case) in spec.simulation.iter().enumerate() {
            let run = ScheduleRun {
                sandbox: &self.sandbox,
                ast: &ast,
                rules: spec.rules,
            };
            let mut failure = None;
            for i in 0..case.schedules {
                let unit = starts[c] + u64::from(i);
                if !shard.takes(unit) {
                    continue;
                }
                if failure.is_none() {
                    self.sandbox.start_unit(share);
                    failure = self.schedule(&run, case, i).map(|report| ScheduleFailed {
                        schedule: i,
                        report,
                    });
                    keep_output(&mut report, unit, starts[c]);
                }
                // The schedules after a failure count as done: one worker would not run them.
                done += 1;
                progress(Progress { done, total });
            }
            let failed = failure.is_some();
            report.failures.push(failure);
            if failed && stop_at_failure {
                break;
            }
        }
        report
    }

    /// Runs schedule `i` of `case`; the case's report if it failed.
    fn schedule(&self, run: &ScheduleRun<'_>, case: &SimulationCase, i: u32) -> Option<CaseReport> {
        let seed = case.seed.wrapping_add(u64::from(i));
        let (message, counterexample) = (run.rules.info().schedule)(run, case, seed).err()?;
        Some(CaseReport {
            name: case.name.clone(),
            passed: false,
            message: format!(
                "{message} (schedule {} of {}, seed {seed})",
                i + 1,
                case.schedules
            ),
            counterexample: Some(counterexample),
        })
    }

    fn table_case(&self, ast: &AST, case: &TableCase) -> CaseReport {
        let args: Vec<rhai::Dynamic> = case.args.iter().map(ToScript::to_script).collect();
        let shown: Vec<String> = case.args.iter().map(|a| a.to_string()).collect();
        let call = format!("{}({})", case.call, shown.join(", "));
        let (passed, message) = match self.sandbox.call(ast, &case.call, args) {
            Err(e) => (false, e.to_string()),
            Ok(got) => match from_script(&got) {
                Some(v) if v == case.expect => (true, String::new()),
                Some(v) => (
                    false,
                    format!(
                        "{} ({call} returned {v}; expected {})",
                        case.message, case.expect
                    ),
                ),
                None => (
                    false,
                    format!(
                        "{call} returned a {}, not a number, a word or a list of numbers",
                        got.type_name()
                    ),
                ),
            },
        };
        CaseReport {
            name: case.name.clone(),
            passed,
            message,
            counterexample: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::Value;

    fn spec() -> ExerciseSpec {
        ExerciseSpec {
            format_version: 1,
            title: "t".into(),
            prompt: "p".into(),
            rules: RuleSet::find("lamport").expect("registered"),
            hints: vec![],
            table: vec![TableCase {
                name: "receive moves past the message".into(),
                call: "receive".into(),
                args: vec![Value::Int(3), Value::Int(7)],
                expect: Value::Int(8),
                message: "max then add one".into(),
            }],
            simulation: vec![SimulationCase {
                name: "random runs".into(),
                schedules: 20,
                nodes: 3,
                seed: 1,
                faults: true,
                entries_per_append: None,
                adversary: None,
                clock_resolution_us: None,
            }],
            wrong: vec![],
            equivalent: vec![],
        }
    }

    const RIGHT: &str =
        "fn tick(clock) { clock + 1 }\nfn receive(clock, msg_time) { max(clock, msg_time) + 1 }";

    #[test]
    fn the_right_rules_pass_every_case() {
        let r = Grader::new().grade(&spec(), RIGHT, &mut |_| {});
        assert!(r.passed(), "{}", r.to_text());
    }

    #[test]
    fn a_syntax_error_has_line_and_column() {
        let r = Grader::new().grade(&spec(), "fn tick(clock) { clock + }\n", &mut |_| {});
        let e = r.compile_error.expect("syntax error");
        assert_eq!(e.line, 1);
        assert!(e.col > 0 && e.message.starts_with("syntax error"), "{e}");
    }

    #[test]
    fn a_missing_function_is_named() {
        let r = Grader::new().grade(&spec(), "fn tick(clock) { clock + 1 }", &mut |_| {});
        assert!(r
            .compile_error
            .unwrap()
            .message
            .contains("fn receive(clock, msg_time)"));
    }

    #[test]
    fn an_endless_loop_is_stopped_with_a_message() {
        let code = "fn tick(clock) { clock + 1 }\nfn receive(clock, msg_time) { loop { } }";
        let r = Grader::new().grade(&spec(), code, &mut |_| {});
        assert!(!r.passed());
        assert!(
            r.cases[0].message.contains("loop that never ends"),
            "{}",
            r.to_text()
        );
    }

    #[test]
    fn runaway_recursion_and_allocation_are_stopped() {
        let deep = "fn tick(clock) { tick(clock) }\nfn receive(clock, msg_time) { tick(clock) }";
        let r = Grader::new().grade(&spec(), deep, &mut |_| {});
        assert!(
            r.cases[0].message.contains("nested calls"),
            "{}",
            r.to_text()
        );
        let big = "fn tick(clock) { clock + 1 }\nfn receive(clock, msg_time) { let a = []; loop { a.push(1); } }";
        let r = Grader::new().grade(&spec(), big, &mut |_| {});
        assert!(r.cases[0].message.contains("too large"), "{}", r.to_text());
        let s = "fn tick(clock) { clock + 1 }\nfn receive(clock, msg_time) { let s = \"x\"; loop { s += s; } }";
        let r = Grader::new().grade(&spec(), s, &mut |_| {});
        assert!(r.cases[0].message.contains("too large"), "{}", r.to_text());
    }

    #[test]
    fn a_runtime_error_names_the_line() {
        let code = "fn tick(clock) { clock + 1 }\nfn receive(clock, msg_time) {\n  let a = [1];\n  a[clock]\n}";
        let r = Grader::new().grade(&spec(), code, &mut |_| {});
        assert!(
            r.cases[0].message.contains("runtime error in `receive`"),
            "{}",
            r.to_text()
        );
        let undefined =
            "fn tick(clock) { clock + 1 }\nfn receive(clock, msg_time) {\n  clock + nope\n}";
        let e = Grader::new()
            .grade(&spec(), undefined, &mut |_| {})
            .compile_error
            .expect("undefined variable");
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("nope"), "{e}");
    }

    #[test]
    fn a_rule_that_breaks_the_clock_condition_fails_the_simulation_with_a_replayable_run() {
        // Passes the table case (3, 7) -> 8 but forgets to increment when the clock is already ahead.
        let code = "fn tick(clock) { clock + 1 }\nfn receive(clock, msg_time) { if msg_time >= clock { msg_time + 1 } else { clock } }";
        let r = Grader::new().grade(&spec(), code, &mut |_| {});
        assert!(r.cases[0].passed);
        let sim = &r.cases[1];
        assert!(!sim.passed);
        assert!(
            sim.message.contains("clock condition broken"),
            "{}",
            sim.message
        );
        let cx = sim.counterexample.as_ref().expect("counterexample");
        assert!(!cx.events.is_empty() && cx.failed_at_step > 0);
        assert!(sim.message.contains(&format!("seed {}", cx.scenario.seed)));
    }

    #[test]
    fn slow_but_finite_code_is_stopped_by_the_grade_budget() {
        // Each call stays under the per-call limit, but 200 schedules of it would take minutes.
        let code = "fn tick(clock) { let s = 0; for i in 0..60000 { s += i; } clock + 1 }\nfn receive(clock, msg_time) { max(clock, msg_time) + 1 }";
        let mut spec = spec();
        spec.simulation[0].schedules = 200;
        let grader = Grader::with_operations_budget(2_000_000);
        let r = grader.grade(&spec, code, &mut |_| {});
        assert!(r.to_text().contains("operations budget"), "{}", r.to_text());
        let r = grader.grade(&spec, RIGHT, &mut |_| {});
        assert!(
            r.passed(),
            "the budget resets for the next grade: {}",
            r.to_text()
        );
    }

    #[test]
    fn progress_counts_every_case_and_schedule() {
        let mut seen = Vec::new();
        Grader::new().grade(&spec(), RIGHT, &mut |p| seen.push(p));
        assert_eq!(
            seen.last(),
            Some(&Progress {
                done: 21,
                total: 21
            })
        );
    }

    #[test]
    fn print_output_is_captured_for_the_learner() {
        let code = "fn tick(clock) { clock + 1 }\nfn receive(clock, msg_time) { print(`got ${msg_time}`); max(clock, msg_time) + 1 }";
        let r = Grader::new().grade(&spec(), code, &mut |_| {});
        assert!(r.output.iter().any(|l| l == "got 7"), "{:?}", r.output);
        assert!(r.output.len() <= MAX_OUTPUT_LINES);
    }

    /// The compile error `code` gets, and how long it took to say so.
    fn refused(code: &str) -> (String, std::time::Duration) {
        #[allow(clippy::disallowed_types)]
        let start = std::time::Instant::now();
        let r = Grader::new().grade(&spec(), code, &mut |_| {});
        let message = r.compile_error.map(|e| e.to_string()).unwrap_or_default();
        (message, start.elapsed())
    }

    #[test]
    fn a_huge_source_is_refused_at_once_naming_the_size_limit() {
        let dead: String = (0..40_000)
            .map(|i| format!("fn dead{i}() {{ {i} }}\n"))
            .collect();
        let (message, took) = refused(&format!("{RIGHT}\n{dead}"));
        assert!(message.contains("KB, more than the 64 KB"), "{message}");
        assert!(took.as_millis() < 200, "{took:?}");
    }

    #[test]
    fn too_many_functions_or_variables_are_refused_naming_the_limit() {
        let fns: String = (0..MAX_FUNCTIONS + 1)
            .map(|i| format!("fn f{i}() {{ 0 }}\n"))
            .collect();
        let (message, _) = refused(&format!("{RIGHT}\n{fns}"));
        assert!(message.contains("functions, more than the 64"), "{message}");
        let lets: String = (0..MAX_VARIABLES + 1)
            .map(|i| format!("let v{i} = 0;\n"))
            .collect();
        let (message, _) = refused(&format!("{lets}{RIGHT}"));
        assert!(
            message.contains("variables and constants, more than the 512"),
            "{message}"
        );
        // Words inside comments and text are not definitions.
        let comments: String = (0..MAX_FUNCTIONS + 1)
            .map(|_| "// fn let const\n")
            .collect();
        let r = Grader::new().grade(&spec(), &format!("{comments}{RIGHT}"), &mut |_| {});
        assert!(r.passed(), "{}", r.to_text());
    }

    #[test]
    fn a_byte_order_mark_or_a_nul_byte_is_named() {
        let (message, _) = refused(&format!("\u{feff}{RIGHT}"));
        assert!(message.contains("byte-order mark"), "{message}");
        let (message, _) = refused(&format!("{RIGHT}\n\0"));
        assert!(
            message.starts_with("line 3") && message.contains("NUL byte"),
            "{message}"
        );
    }

    #[test]
    fn an_overload_by_arity_is_graded_by_the_overload_the_grader_calls() {
        // Rhai allows one definition per arity; whichever the AST lists first, `tick(clock)` is
        // the one called.
        for code in [
            format!("fn tick(a, b) {{ a }}\n{RIGHT}"),
            format!("{RIGHT}\nfn tick(a, b) {{ a }}"),
        ] {
            let r = Grader::new().grade(&spec(), &code, &mut |_| {});
            assert!(r.passed(), "{}", r.to_text());
        }
    }

    #[test]
    fn a_decimal_a_top_level_constant_and_a_swallowed_stop_each_get_their_own_message() {
        let (message, _) =
            refused("fn tick(clock) { clock + 1.5 }\nfn receive(clock, msg_time) { clock }");
        assert!(
            message.starts_with("line 1, column 26: `1.5` is a decimal number"),
            "{message}"
        );
        let (message, _) = refused(
            "const STEP = 1;\nfn tick(clock) { clock + STEP }\nfn receive(clock, msg_time) { clock }",
        );
        assert!(
            message.contains("`STEP` is defined outside every function"),
            "{message}"
        );
        // A sort whose comparator never returns catches each comparison's stop and sorts on: the
        // call still fails, naming the per-call limit, and quickly.
        let code = "fn tick(clock) { let a = [3, 1, 2]; a.sort(|x, y| { loop { } }); clock + 1 }\n\
                    fn receive(clock, msg_time) { max(clock, msg_time) + 1 }";
        #[allow(clippy::disallowed_types)]
        let start = std::time::Instant::now();
        let r = Grader::new().grade(&spec(), code, &mut |_| {});
        assert!(!r.passed());
        assert!(
            r.first_failure().unwrap().contains("one call may run"),
            "{}",
            r.to_text()
        );
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    }
}
