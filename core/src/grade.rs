//! Grading a learner's code: a sandboxed Rhai engine, table cases, and simulation
//! cases that run the reference protocol with the learner's rules under seeded
//! fault schedules and judge it against the simulator's own happens-before.
//!
//! The sandbox bounds everything a script can consume: operations per call (so
//! an endless loop stops in milliseconds), call depth (recursion), expression
//! depth, and the size of strings, arrays and maps. Scripts get no clock, no I/O,
//! no modules and no randomness; only the arguments the exercise hands in.

use crate::causality::{causal_events, CausalEvent};
use crate::exercise::{
    CaseReport, CodeError, Counterexample, ExerciseSpec, Report, RuleSet, SimulationCase,
    TableCase, Value,
};
use crate::fault::{random_plan, NemesisConfig};
use crate::net::NetConfig;
use crate::protocols::lamport::{Lamport, LamportParams, LamportRules};
use crate::rng::{Ratio, Rng};
use crate::scenario::{ProtocolSpec, Scenario};
use crate::sim::{Sim, SimOptions};
use crate::time::SimTime;
use crate::trace::Stamp;
use rhai::{Array, CallFnOptions, Dynamic, Engine, EvalAltResult, Scope, AST};
use std::cell::RefCell;
use std::rc::Rc;

/// Operations one call may run before it is stopped (an endless loop hits this in milliseconds).
pub const MAX_OPERATIONS_PER_CALL: u64 = 250_000;
/// How deep calls may nest (recursion).
pub const MAX_CALL_LEVELS: usize = 48;
/// Longest string a script may build, in bytes.
pub const MAX_STRING_BYTES: usize = 4_096;
/// Longest array a script may build.
pub const MAX_ARRAY_LEN: usize = 1_024;
/// Largest map a script may build.
pub const MAX_MAP_LEN: usize = 256;
/// Lines of `print` output kept for the learner.
pub const MAX_OUTPUT_LINES: usize = 50;
/// Simulated time one schedule may cover.
const SCHEDULE_DURATION_US: u64 = 3_000_000;
/// Steps one schedule may take.
const SCHEDULE_MAX_STEPS: u64 = 20_000;

/// A Rhai engine with every limit set, built once and reused for every call.
pub struct Sandbox {
    engine: Engine,
    output: Rc<RefCell<Vec<String>>>,
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

impl Sandbox {
    /// A fresh sandbox.
    pub fn new() -> Self {
        let mut engine = Engine::new();
        engine
            .set_max_operations(MAX_OPERATIONS_PER_CALL)
            .set_max_call_levels(MAX_CALL_LEVELS)
            .set_max_expr_depths(64, 64)
            .set_max_string_size(MAX_STRING_BYTES)
            .set_max_array_size(MAX_ARRAY_LEN)
            .set_max_map_size(MAX_MAP_LEN)
            .set_strict_variables(true);
        engine.disable_symbol("eval");
        let output: Rc<RefCell<Vec<String>>> = Rc::default();
        let (out_print, out_debug) = (output.clone(), output.clone());
        engine.on_print(move |s| push_line(&out_print, s.to_string()));
        engine.on_debug(move |s, _, pos| {
            push_line(&out_debug, format!("line {}: {s}", pos.line().unwrap_or(0)))
        });
        Sandbox { engine, output }
    }

    /// Compiles `code` and checks it defines each function with the right parameters.
    pub fn compile(&self, code: &str, functions: &[(&str, &[&str])]) -> Result<AST, CodeError> {
        let ast = self.engine.compile(code).map_err(|e| {
            let pos = e.position();
            CodeError {
                line: pos.line().unwrap_or(0) as u32,
                col: pos.position().unwrap_or(0) as u32,
                message: format!("syntax error: {}", e.err_type()),
            }
        })?;
        for (name, params) in functions {
            let found: Vec<_> = ast.iter_functions().filter(|f| f.name == *name).collect();
            let signature = format!("fn {name}({})", params.join(", "));
            match found.first() {
                None => {
                    return Err(CodeError {
                        line: 0,
                        col: 0,
                        message: format!("missing function: define `{signature}`"),
                    });
                }
                Some(f) if f.params.len() != params.len() => {
                    return Err(CodeError {
                        line: 0,
                        col: 0,
                        message: format!(
                            "`{name}` takes {} parameters here, but the grader calls `{signature}`",
                            f.params.len()
                        ),
                    });
                }
                Some(_) => {}
            }
        }
        Ok(ast)
    }

    /// Calls one function with fresh, empty state; top-level statements are not re-run.
    pub fn call(&self, ast: &AST, name: &str, args: Vec<Dynamic>) -> Result<Dynamic, CodeError> {
        let options = CallFnOptions::new().eval_ast(false).rewind_scope(true);
        self.engine
            .call_fn_with_options::<Dynamic>(options, &mut Scope::new(), ast, name, args)
            .map_err(|e| runtime_error(&e, name))
    }

    /// Runs `code`'s `f(n)` `calls` times; for measuring what the limits cost (see `netsplit bench`).
    pub fn time_calls(&self, code: &str, n: i64, calls: u32) -> Result<i64, CodeError> {
        let ast = self.compile(code, &[("f", &["n"])])?;
        let mut last = 0;
        for _ in 0..calls {
            last = self
                .call(&ast, "f", vec![Dynamic::from(n)])?
                .as_int()
                .unwrap_or(0);
        }
        Ok(last)
    }

    /// A sandbox with the same operation and depth limits but no size limits, to measure what size checks cost.
    pub fn without_size_limits() -> Self {
        let mut s = Sandbox::new();
        s.engine
            .set_max_string_size(0)
            .set_max_array_size(0)
            .set_max_map_size(0);
        s
    }

    /// Takes what the script printed since the last call.
    pub fn take_output(&self) -> Vec<String> {
        std::mem::take(&mut self.output.borrow_mut())
    }
}

fn push_line(out: &Rc<RefCell<Vec<String>>>, line: String) {
    let mut o = out.borrow_mut();
    if o.len() < MAX_OUTPUT_LINES {
        o.push(line);
    }
}

/// Turns a Rhai error into a message a learner understands, at the line in their code.
fn runtime_error(err: &EvalAltResult, name: &str) -> CodeError {
    let inner = err.unwrap_inner();
    let pos = if inner.position().is_none() {
        err.position()
    } else {
        inner.position()
    };
    let message = match inner {
        EvalAltResult::ErrorTooManyOperations(_) => format!(
            "`{name}` was stopped after {MAX_OPERATIONS_PER_CALL} operations: is there a loop that never ends?"
        ),
        EvalAltResult::ErrorStackOverflow(_) => format!(
            "`{name}` was stopped after {MAX_CALL_LEVELS} nested calls: does the recursion ever reach its base case?"
        ),
        EvalAltResult::ErrorDataTooLarge(what, _) => format!(
            "`{name}` was stopped: {what} grew too large (limits: {MAX_ARRAY_LEN} array items, {MAX_STRING_BYTES} string bytes, {MAX_MAP_LEN} map entries)"
        ),
        EvalAltResult::ErrorFunctionNotFound(f, _) => format!("`{name}` calls `{f}`, which does not exist"),
        EvalAltResult::ErrorVariableNotFound(v, _) => format!("`{name}` uses `{v}`, which is not defined"),
        other => {
            let text = other.to_string();
            let text = text.split(" (line ").next().unwrap_or(&text).to_string();
            format!("runtime error in `{name}`: {text}")
        }
    };
    CodeError {
        line: pos.line().unwrap_or(0) as u32,
        col: pos.position().unwrap_or(0) as u32,
        message,
    }
}

fn to_dynamic(v: &Value) -> Dynamic {
    match v {
        Value::Int(i) => Dynamic::from(*i),
        Value::List(items) => Dynamic::from(items.iter().map(to_dynamic).collect::<Array>()),
    }
}

fn from_dynamic(d: &Dynamic) -> Option<Value> {
    if let Ok(i) = d.as_int() {
        return Some(Value::Int(i));
    }
    let array = d.read_lock::<Array>()?;
    array
        .iter()
        .map(from_dynamic)
        .collect::<Option<Vec<_>>>()
        .map(Value::List)
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

/// How far grading has got: cases (table cases and schedules) done out of the total.
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

    /// Grades `code` against every case of `spec`, reporting progress as it goes.
    pub fn grade(
        &self,
        spec: &ExerciseSpec,
        code: &str,
        progress: &mut dyn FnMut(Progress),
    ) -> Report {
        self.sandbox.take_output();
        let ast = match self.sandbox.compile(code, spec.rules.functions()) {
            Ok(ast) => Rc::new(ast),
            Err(e) => {
                return Report {
                    compile_error: Some(e),
                    cases: Vec::new(),
                    output: Vec::new(),
                }
            }
        };
        let total =
            spec.table.len() as u32 + spec.simulation.iter().map(|s| s.schedules).sum::<u32>();
        let mut done = 0;
        let mut cases = Vec::new();
        for case in &spec.table {
            cases.push(self.table_case(&ast, case));
            done += 1;
            progress(Progress { done, total });
        }
        for case in &spec.simulation {
            cases.push(self.simulation_case(spec.rules, &ast, case, &mut |d| {
                progress(Progress {
                    done: done + d,
                    total,
                })
            }));
            done += case.schedules;
            progress(Progress { done, total });
        }
        Report {
            compile_error: None,
            cases,
            output: self.sandbox.take_output(),
        }
    }

    fn table_case(&self, ast: &AST, case: &TableCase) -> CaseReport {
        let args: Vec<Dynamic> = case.args.iter().map(to_dynamic).collect();
        let shown: Vec<String> = case.args.iter().map(|a| a.to_string()).collect();
        let call = format!("{}({})", case.call, shown.join(", "));
        let (passed, message) = match self.sandbox.call(ast, &case.call, args) {
            Err(e) => (false, e.to_string()),
            Ok(got) => match from_dynamic(&got) {
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
                        "{call} returned a {}, not a number or a list of numbers",
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

    fn simulation_case(
        &self,
        rules: RuleSet,
        ast: &Rc<AST>,
        case: &SimulationCase,
        progress: &mut dyn FnMut(u32),
    ) -> CaseReport {
        for i in 0..case.schedules {
            let seed = case.seed.wrapping_add(u64::from(i));
            let outcome = match rules {
                RuleSet::Lamport => self.lamport_schedule(ast, case, seed),
            };
            if let Err((message, counterexample)) = outcome {
                let message = format!(
                    "{message} (schedule {} of {}, seed {seed})",
                    i + 1,
                    case.schedules
                );
                return CaseReport {
                    name: case.name.clone(),
                    passed: false,
                    message,
                    counterexample: Some(counterexample),
                };
            }
            progress(i + 1);
        }
        CaseReport {
            name: case.name.clone(),
            passed: true,
            message: String::new(),
            counterexample: None,
        }
    }

    fn lamport_schedule(
        &self,
        ast: &Rc<AST>,
        case: &SimulationCase,
        seed: u64,
    ) -> Result<(), (String, Box<Counterexample>)> {
        let params = LamportParams::default();
        let scenario = schedule_scenario(ProtocolSpec::Lamport(params.clone()), case, seed);
        let rules = Rc::new(ScriptLamport {
            sandbox: self.sandbox.clone(),
            ast: ast.clone(),
            failure: RefCell::default(),
        });
        let protocol = Lamport::with_rules(params, rules.clone());
        let opts = SimOptions {
            trace_cap: usize::MAX,
            check_invariants: false,
        };
        let mut sim = Sim::with_clocks(
            protocol,
            scenario.nodes,
            seed,
            scenario.network,
            &scenario.clocks,
            opts,
        );
        sim.schedule(&scenario.faults);
        let counterexample = |sim: &Sim<Lamport>, step| {
            Box::new(Counterexample {
                scenario: scenario.clone(),
                events: sim.trace().events().to_vec(),
                failed_at_step: step,
            })
        };
        if let Some(e) = rules.failure.borrow_mut().take() {
            return Err((e.to_string(), counterexample(&sim, 0)));
        }
        while sim.steps() < SCHEDULE_MAX_STEPS
            && sim
                .next_event_time()
                .is_some_and(|t| t <= SimTime(SCHEDULE_DURATION_US))
        {
            sim.step();
            if let Some(e) = rules.failure.borrow_mut().take() {
                return Err((e.to_string(), counterexample(&sim, sim.steps())));
            }
        }
        let events = causal_events(sim.trace().events(), scenario.nodes);
        check_lamport_clock_condition(&events)
            .map_err(|(i, message)| (message, counterexample(&sim, events[i].id.step)))
    }
}

/// A seeded schedule for a simulation case: a lossy, duplicating, reordering network and, if asked, a nemesis.
fn schedule_scenario(protocol: ProtocolSpec, case: &SimulationCase, seed: u64) -> Scenario {
    let mut rng = Rng::stream(seed, 0x5C4E);
    let network = NetConfig {
        latency_us_min: 500,
        latency_us_max: rng.between(5_000, 80_000),
        drop: Ratio::percent(rng.below(25) as u32),
        duplicate: Ratio::percent(rng.below(25) as u32),
    };
    let faults = if case.faults {
        let cfg = NemesisConfig {
            nodes: case.nodes,
            horizon_us: 600_000,
            faults: 6,
            max_drop: Ratio::percent(40),
        };
        random_plan(&mut rng, &cfg)
    } else {
        Vec::new()
    };
    Scenario {
        protocol,
        nodes: case.nodes,
        seed,
        network,
        clocks: Vec::new(),
        faults,
        duration_us: SCHEDULE_DURATION_US,
        max_steps: SCHEDULE_MAX_STEPS,
    }
}

/// Lamport rules run from the learner's script; the first error stops the schedule.
struct ScriptLamport {
    sandbox: Rc<Sandbox>,
    ast: Rc<AST>,
    failure: RefCell<Option<CodeError>>,
}

impl ScriptLamport {
    fn call(&self, name: &str, args: &[u64], fallback: u64) -> u64 {
        if self.failure.borrow().is_some() {
            return fallback;
        }
        let dyn_args = args.iter().map(|a| Dynamic::from(*a as i64)).collect();
        let result = self
            .sandbox
            .call(&self.ast, name, dyn_args)
            .and_then(|v| match v.as_int() {
                Ok(i) if i >= 0 => Ok(i as u64),
                Ok(i) => Err(CodeError {
                    line: 0,
                    col: 0,
                    message: format!(
                        "`{name}` returned {i}, but a Lamport clock is never negative"
                    ),
                }),
                Err(t) => Err(CodeError {
                    line: 0,
                    col: 0,
                    message: format!("`{name}` must return an integer, but returned a {t}"),
                }),
            });
        result.unwrap_or_else(|e| {
            *self.failure.borrow_mut() = Some(e);
            fallback
        })
    }
}

impl LamportRules for ScriptLamport {
    fn tick(&self, clock: u64) -> u64 {
        self.call("tick", &[clock], clock)
    }
    fn receive(&self, clock: u64, msg_time: u64) -> u64 {
        self.call("receive", &[clock, msg_time], clock)
    }
}

/// Checks the clock condition (Lamport 1978): if a → b then C(a) < C(b).
///
/// Happens-before is the transitive closure of program order and send → receive,
/// so checking those edges checks every pair. Returns the index of the first
/// offending event and an explanation naming nodes, times and stamps.
pub fn check_lamport_clock_condition(events: &[CausalEvent]) -> Result<(), (usize, String)> {
    let stamp = |e: &CausalEvent| match e.stamp {
        Some(Stamp::Lamport(t)) => Some(t),
        _ => None,
    };
    for (i, e) in events.iter().enumerate() {
        let Some(t) = stamp(e) else { continue };
        let node = e.id.node;
        if let Some(p) = e.previous {
            if let Some(tp) = stamp(&events[p]) {
                if t <= tp {
                    return Err((i, format!(
                        "clock condition broken on {node}: its event at {} was stamped {tp}, and its next event, at {}, got {t}. Each event on a node must get a larger clock than the one before it",
                        events[p].at, e.at
                    )));
                }
            }
        }
        if let Some((msg, s)) = e.received {
            if let Some(ts) = stamp(&events[s]) {
                if t <= ts {
                    let sender = events[s].id.node;
                    return Err((i, format!(
                        "clock condition broken: {sender} sent {msg} with time {ts} (at {}), and {node} stamped its receipt {t} (at {}). A receive happens after its send, so it must be later than its send: more than {ts}",
                        events[s].at, e.at
                    )));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ExerciseSpec {
        ExerciseSpec {
            format_version: 1,
            title: "t".into(),
            prompt: "p".into(),
            rules: RuleSet::Lamport,
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
            }],
            wrong: vec![],
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
}
