//! Grading a learner's code: a sandboxed Rhai engine, table cases, and simulation
//! cases that run the reference protocol with the learner's rules under seeded
//! fault schedules and judge it against the simulator's own happens-before.
//!
//! Each rule set has its own judge: Lamport stamps must grow along every causal
//! edge ([`check_lamport_clock_condition`]); vector stamps must equal the
//! simulator's own vector clocks, and `compare` must agree with happens-before on
//! seeded pairs of events ([`check_vector_stamps`]); hybrid logical clocks run on
//! skewed, drifting clocks ([`random_clocks`]) and must keep causality and stay
//! within the clocks' spread of physical time ([`check_hlc`]).
//!
//! The sandbox bounds everything a script can consume: operations per call (so
//! an endless loop stops in milliseconds), call depth (recursion), expression
//! depth, and the size of strings, arrays and maps. Scripts get no clock, no I/O,
//! no modules and no randomness; only the arguments the exercise hands in.

use crate::actor::Protocol;
use crate::causality::{causal_events, CausalEvent};
use crate::clock::{Clock, ClockSetting};
use crate::exercise::{
    Adversary, CaseReport, CodeError, Counterexample, ExerciseSpec, Report, RuleSet,
    SimulationCase, TableCase, Value,
};
use crate::fault::{random_plan, NemesisConfig};
use crate::id::NodeId;
use crate::net::NetConfig;
use crate::protocols::hlc::{Hlc, HlcParams, HlcRules, HlcTime};
use crate::protocols::lamport::{Lamport, LamportParams, LamportRules};
use crate::protocols::raft::rules::{edit_from_terms, LogEdit, PaperRules, RaftRules, VoteQuery};
use crate::protocols::raft::{Entry, Raft, RaftParams};
use crate::protocols::vector_clock::{Order, VectorClock, VectorParams, VectorRules};
use crate::rng::{Ratio, Rng};
use crate::scenario::{ProtocolSpec, Scenario};
use crate::sim::{Sim, SimOptions};
use crate::testkit::raft as raft_kit;
use crate::time::SimTime;
use crate::trace::Stamp;
use rhai::{Array, CallFnOptions, Dynamic, Engine, EvalAltResult, Scope, AST};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Operations one call may run before it is stopped (an endless loop hits this in milliseconds).
pub const MAX_OPERATIONS_PER_CALL: u64 = 250_000;
/// Operations a whole grade may run (all cases and schedules): bounds slow but finite code.
pub const MAX_OPERATIONS_PER_GRADE: u64 = 40_000_000;
/// What the progress hook returns to stop a script that used up the grade's budget.
const OUT_OF_BUDGET: &str = "out of budget";
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
/// Commands each client sends in a graded Figure 8 schedule (the lesson's runs send 40). The
/// adversary plays within the first second, and the shorter logs that follow make the leader's
/// calls to the learner's `advance_commit` about twice as cheap; the adversary finishes about as
/// often (95 of 200 schedules with 16, 87 with 40).
const FIGURE8_GRADING_COMMANDS: u32 = 16;
/// Simulated time one schedule may cover.
const SCHEDULE_DURATION_US: u64 = 3_000_000;
/// Steps one schedule may take.
const SCHEDULE_MAX_STEPS: u64 = 20_000;
/// The largest clock offset from true time an HLC schedule gives a node at the start, in µs.
pub const HLC_MAX_SKEW_US: i64 = 50_000;
/// The largest clock rate error an HLC schedule gives a node, in parts per million.
pub const HLC_MAX_DRIFT_PPM: i64 = 200;
/// How many pairs of a run's events the vector-clock grader asks `compare` about per schedule.
const COMPARE_PAIRS: u64 = 32;

/// A Rhai engine with every limit set, built once and reused for every call.
pub struct Sandbox {
    engine: Engine,
    output: Rc<RefCell<Vec<String>>>,
    /// Operations left for the whole grade; slow-but-finite code is stopped when they run out.
    budget: Rc<Cell<u64>>,
    /// The budget each grade starts with.
    grade_budget: u64,
    /// Operations the current call has used so far.
    used: Rc<Cell<u64>>,
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
        let budget = Rc::new(Cell::new(MAX_OPERATIONS_PER_GRADE));
        let used: Rc<Cell<u64>> = Rc::default();
        let (b, u) = (budget.clone(), used.clone());
        engine.on_progress(move |ops| {
            u.set(ops);
            (ops > b.get()).then(|| Dynamic::from(OUT_OF_BUDGET))
        });
        let output: Rc<RefCell<Vec<String>>> = Rc::default();
        let (out_print, out_debug) = (output.clone(), output.clone());
        engine.on_print(move |s| push_line(&out_print, s.to_string()));
        engine.on_debug(move |s, _, pos| {
            push_line(&out_debug, format!("line {}: {s}", pos.line().unwrap_or(0)))
        });
        Sandbox {
            engine,
            output,
            budget,
            used,
            grade_budget: MAX_OPERATIONS_PER_GRADE,
        }
    }

    /// Starts a new grade with the full operations budget.
    pub fn reset_budget(&self) {
        self.budget.set(self.grade_budget);
    }

    /// Operations used since the budget was last reset.
    pub fn operations_used(&self) -> u64 {
        self.grade_budget.saturating_sub(self.budget.get())
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
        self.used.set(0);
        let result = self
            .engine
            .call_fn_with_options::<Dynamic>(options, &mut Scope::new(), ast, name, args)
            .map_err(|e| runtime_error(&e, name));
        self.budget
            .set(self.budget.get().saturating_sub(self.used.get()));
        result
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
        EvalAltResult::ErrorTerminated(..) => format!(
            "grading was stopped: your code used up the operations budget for all cases together ({MAX_OPERATIONS_PER_GRADE} in the page); `{name}` does too much work per call, so simplify it"
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
        Value::Bool(b) => Dynamic::from(*b),
        Value::Str(s) => Dynamic::from(s.clone()),
        Value::List(items) => Dynamic::from(items.iter().map(to_dynamic).collect::<Array>()),
    }
}

fn from_dynamic(d: &Dynamic) -> Option<Value> {
    if let Ok(i) = d.as_int() {
        return Some(Value::Int(i));
    }
    if let Ok(b) = d.as_bool() {
        return Some(Value::Bool(b));
    }
    if d.is_string() {
        return d.clone().into_string().ok().map(Value::Str);
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

    /// A grader whose grades may run at most `operations` script operations in all.
    pub fn with_operations_budget(operations: u64) -> Self {
        let mut sandbox = Sandbox::new();
        sandbox.grade_budget = operations;
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
        self.sandbox.take_output();
        self.sandbox.reset_budget();
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
                RuleSet::VectorClock => self.vector_schedule(ast, case, seed),
                RuleSet::Hlc => self.hlc_schedule(ast, case, seed),
                RuleSet::RaftVote | RuleSet::RaftAppend | RuleSet::RaftCommit => {
                    self.raft_schedule(rules, ast, case, seed)
                }
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

    /// The learner's rules for `rules` (Raft needs to know which of its three rules is the learner's).
    fn script(&self, rules: RuleSet, ast: &Rc<AST>) -> Rc<ScriptRules> {
        Rc::new(ScriptRules {
            rules,
            sandbox: self.sandbox.clone(),
            ast: ast.clone(),
            failure: RefCell::default(),
            last_call: RefCell::default(),
        })
    }

    fn lamport_schedule(
        &self,
        ast: &Rc<AST>,
        case: &SimulationCase,
        seed: u64,
    ) -> Result<(), (String, Box<Counterexample>)> {
        let params = LamportParams::default();
        let scenario = schedule_scenario(ProtocolSpec::Lamport(params.clone()), case, seed);
        let rules = self.script(RuleSet::Lamport, ast);
        let protocol = Lamport::with_rules(params, rules.clone());
        let sim = run_schedule(protocol, &scenario, &rules)?;
        let events = causal_events(sim.trace().events(), scenario.nodes);
        check_lamport_clock_condition(&events)
            .map_err(|(i, message)| (message, counterexample(&sim, &scenario, events[i].id.step)))
    }

    /// Runs the learner's `tick` and `receive` in a cluster and checks every stamp against the
    /// simulator's own vector clock, then asks `compare` about pairs of the run's events.
    fn vector_schedule(
        &self,
        ast: &Rc<AST>,
        case: &SimulationCase,
        seed: u64,
    ) -> Result<(), (String, Box<Counterexample>)> {
        let params = VectorParams::default();
        let scenario = schedule_scenario(ProtocolSpec::VectorClock(params.clone()), case, seed);
        let rules = self.script(RuleSet::VectorClock, ast);
        let protocol = VectorClock::with_rules(params, rules.clone());
        let sim = run_schedule(protocol, &scenario, &rules)?;
        let events = causal_events(sim.trace().events(), scenario.nodes);
        let at_event = |i: usize| counterexample(&sim, &scenario, events[i].id.step);
        check_vector_stamps(&events).map_err(|(i, message)| (message, at_event(i)))?;
        // Compare the true clocks (equal to the learner's stamps once the check above passed),
        // so `compare` is judged on its own. The pairs are drawn from the whole run, seeded by the
        // schedule; the first pairs an event with itself, so "equal" is asked every time.
        let mut rng = Rng::stream(seed, 0xC0DE);
        let count = events.len() as u64;
        for k in 0..COMPARE_PAIRS.min(count * count) {
            let i = rng.below(count) as usize;
            let j = if k == 0 { i } else { rng.below(count) as usize };
            let (a, b) = (&events[i], &events[j]);
            let got = rules.compare(&a.clock, &b.clock);
            if let Some(e) = rules.failure.borrow_mut().take() {
                return Err((e.to_string(), at_event(i.max(j))));
            }
            let truth = true_order(a, b);
            if got != truth.as_str() {
                return Err((compare_message(a, b, &got, truth), at_event(i.max(j))));
            }
        }
        Ok(())
    }

    /// Runs the learner's `send` and `receive` on skewed, drifting clocks and checks causality,
    /// `l >= pt` and that `l` never runs ahead of every physical clock.
    fn hlc_schedule(
        &self,
        ast: &Rc<AST>,
        case: &SimulationCase,
        seed: u64,
    ) -> Result<(), (String, Box<Counterexample>)> {
        let params = HlcParams::default();
        let mut scenario = schedule_scenario(ProtocolSpec::Hlc(params.clone()), case, seed);
        scenario.clocks = random_clocks(seed, case.nodes);
        let rules = self.script(RuleSet::Hlc, ast);
        let protocol = Hlc::with_rules(params, rules.clone());
        let sim = run_schedule(protocol, &scenario, &rules)?;
        let events = causal_events(sim.trace().events(), scenario.nodes);
        let clocks = physical_clocks(&scenario);
        check_hlc(&events, &clocks)
            .map_err(|(i, message)| (message, counterexample(&sim, &scenario, events[i].id.step)))
    }
}

impl Grader {
    /// Runs a Raft cluster of `case.nodes` servers with the learner's rule (the paper's for the
    /// other two) under a seeded fault schedule, with the five safety checkers after every step
    /// and liveness once the faults stop.
    ///
    /// The schedule is the property sweep's, or, with the Figure 8 adversary, the figure's
    /// setting with the adversary's faults (recorded into the counterexample, so it replays).
    fn raft_schedule(
        &self,
        rule_set: RuleSet,
        ast: &Rc<AST>,
        case: &SimulationCase,
        seed: u64,
    ) -> Result<(), (String, Box<Counterexample>)> {
        let (scenario, mut adversary) = match case.adversary {
            Some(Adversary::Figure8) => {
                let params = RaftParams {
                    commands: FIGURE8_GRADING_COMMANDS,
                    ..raft_kit::figure8_params()
                };
                (
                    raft_kit::figure8_schedule(seed, params),
                    Some(raft_kit::Figure8::default()),
                )
            }
            None => {
                let mut params = raft_kit::sweep_params();
                if let Some(n) = case.entries_per_append {
                    params.max_entries_per_append = n;
                }
                (raft_kit::raft_schedule(seed, case.nodes, params), None)
            }
        };
        let ProtocolSpec::Raft(params) = &scenario.protocol else {
            unreachable!("Raft schedules are Raft scenarios")
        };
        let rules = self.script(rule_set, ast);
        let protocol = Raft::with_rules(params.clone(), rules.clone());
        let (sim, verdict, played) =
            raft_kit::run_raft_schedule(&scenario, protocol, usize::MAX, adversary.as_mut());
        // A failing run is played again with the same rules to record what each server held,
        // so the replay shows roles and logs too; what the script prints then is not kept twice.
        let at = |step: u64| {
            let mut cx = counterexample(&sim, &played, step);
            let output = self.sandbox.take_output();
            let again = Raft::with_rules(params.clone(), self.script(rule_set, ast));
            cx.views = raft_kit::raft_views(&played, again, step);
            self.sandbox.take_output();
            self.sandbox.output.borrow_mut().extend(output);
            cx
        };
        if let Some(e) = rules.failure.borrow_mut().take() {
            return Err((e.to_string(), at(sim.steps())));
        }
        if let Some((step, v)) = verdict.violation {
            return Err((format!("{} broken: {}", v.invariant, v.detail), at(step)));
        }
        verdict
            .liveness
            .map_err(|v| (format!("no progress: {}", v.detail), at(sim.steps())))
    }
}

/// The run to replay when a schedule fails at `step`.
fn counterexample<P: Protocol>(
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

/// Runs one schedule to its end, keeping every event; the learner's first runtime error stops it.
fn run_schedule<P: Protocol>(
    protocol: P,
    scenario: &Scenario,
    rules: &ScriptRules,
) -> Result<Sim<P>, (String, Box<Counterexample>)> {
    let opts = SimOptions {
        trace_cap: usize::MAX,
        check_invariants: false,
    };
    let mut sim = scenario.sim(protocol, opts);
    if let Some(e) = rules.failure.borrow_mut().take() {
        return Err((e.to_string(), counterexample(&sim, scenario, 0)));
    }
    while sim.steps() < SCHEDULE_MAX_STEPS
        && sim
            .next_event_time()
            .is_some_and(|t| t <= SimTime(SCHEDULE_DURATION_US))
    {
        sim.step();
        if let Some(e) = rules.failure.borrow_mut().take() {
            let step = sim.steps();
            return Err((e.to_string(), counterexample(&sim, scenario, step)));
        }
    }
    Ok(sim)
}

/// Per-node clocks for an HLC schedule, drawn from the seed: offsets up to
/// ±[`HLC_MAX_SKEW_US`] and rate errors up to ±[`HLC_MAX_DRIFT_PPM`].
pub fn random_clocks(seed: u64, nodes: u32) -> Vec<ClockSetting> {
    let mut rng = Rng::stream(seed, 0xC10C);
    let skew_span = (2 * HLC_MAX_SKEW_US) as u64;
    let drift_span = (2 * HLC_MAX_DRIFT_PPM) as u64;
    (0..nodes)
        .map(|i| ClockSetting {
            node: NodeId(i),
            skew_us: rng.between(0, skew_span) as i64 - HLC_MAX_SKEW_US,
            drift_ppm: rng.between(0, drift_span) as i64 - HLC_MAX_DRIFT_PPM,
        })
        .collect()
}

/// Every node's clock as the simulator sets it up for `scenario` (skew, then drift, at time zero).
///
/// A node's physical reading at an event is `clocks[node].read(event.at)`: exactly what `ctx.now()`
/// returned to the handler, because the handler ran at that true time. This is only so while no
/// fault changes a clock during the run; the grader's schedules never plan one (the nemesis does
/// not touch clocks), and [`check_hlc`]'s bound also relies on clocks never jumping backwards.
pub fn physical_clocks(scenario: &Scenario) -> Vec<Clock> {
    let mut clocks = vec![Clock::default(); scenario.nodes as usize];
    for c in &scenario.clocks {
        if let Some(clock) = clocks.get_mut(c.node.index()) {
            clock.set_skew(SimTime::ZERO, c.skew_us);
            clock.set_drift(SimTime::ZERO, c.drift_ppm);
        }
    }
    clocks
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

/// A learner's rules, called from a protocol; the first error is kept and stops the schedule.
///
/// After an error every call returns a harmless fallback (the clock unchanged), since a
/// protocol handler cannot fail; the grader then reports the error and stops the schedule.
struct ScriptRules {
    /// Which rules are the learner's (for Raft, the other rules are the paper's).
    rules: RuleSet,
    sandbox: Rc<Sandbox>,
    ast: Rc<AST>,
    failure: RefCell<Option<CodeError>>,
    /// The last Raft call's arguments (flattened) and result. A leader asks about its commit
    /// index after every reply and followers see the same heartbeat again and again, with
    /// arguments that did not change; the learner's function is pure (a script has no state, no
    /// clock and no randomness), so the same arguments get the same answer without running it.
    last_call: RefCell<Option<(Vec<u64>, Dynamic)>>,
}

impl ScriptRules {
    /// Calls `name`, unless an earlier call failed; keeps the first error.
    fn call(&self, name: &str, args: Vec<Dynamic>) -> Option<Dynamic> {
        if self.failure.borrow().is_some() {
            return None;
        }
        match self.sandbox.call(&self.ast, name, args) {
            Ok(v) => Some(v),
            Err(e) => {
                *self.failure.borrow_mut() = Some(e);
                None
            }
        }
    }

    /// Like [`ScriptRules::call`], but answers from the last call when `key` (the arguments,
    /// flattened with lengths so that different argument lists never share a key) is the same.
    fn call_pure(
        &self,
        name: &str,
        key: Vec<u64>,
        args: impl FnOnce() -> Vec<Dynamic>,
    ) -> Option<Dynamic> {
        if let Some((k, v)) = &*self.last_call.borrow() {
            if *k == key && self.failure.borrow().is_none() {
                return Some(v.clone());
            }
        }
        let v = self.call(name, args())?;
        *self.last_call.borrow_mut() = Some((key, v.clone()));
        Some(v)
    }

    /// Records a wrong kind of result as the schedule's failure.
    fn fail(&self, message: String) {
        let mut failure = self.failure.borrow_mut();
        if failure.is_none() {
            *failure = Some(CodeError {
                line: 0,
                col: 0,
                message,
            });
        }
    }

    fn lamport(&self, name: &str, args: &[u64], fallback: u64) -> u64 {
        let dyn_args = args.iter().map(|a| Dynamic::from(*a as i64)).collect();
        let Some(v) = self.call(name, dyn_args) else {
            return fallback;
        };
        match v.as_int() {
            Ok(i) if i >= 0 => i as u64,
            Ok(i) => {
                self.fail(format!(
                    "`{name}` returned {i}, but a Lamport clock is never negative"
                ));
                fallback
            }
            Err(t) => {
                self.fail(format!(
                    "`{name}` must return an integer, but returned a {t}"
                ));
                fallback
            }
        }
    }

    fn vector(&self, name: &str, args: Vec<Dynamic>, fallback: &[u64]) -> Vec<u64> {
        let Some(v) = self.call(name, args) else {
            return fallback.to_vec();
        };
        match parse_vector(&v, fallback.len()) {
            Ok(clock) => clock,
            Err(why) => {
                self.fail(format!("`{name}` {why}"));
                fallback.to_vec()
            }
        }
    }

    /// The learner's `compare(a, b)`, as a word; empty after an error.
    fn compare(&self, a: &[u64], b: &[u64]) -> String {
        let Some(v) = self.call("compare", vec![list_arg(a), list_arg(b)]) else {
            return String::new();
        };
        if v.is_string() {
            if let Ok(word) = v.into_string() {
                return word;
            }
            return String::new();
        }
        let shown = from_dynamic(&v).map_or_else(|| v.type_name().to_string(), |x| x.to_string());
        self.fail(format!(
            "`compare` must return one of \"before\", \"after\", \"concurrent\" or \"equal\", but returned {shown}"
        ));
        String::new()
    }

    fn hlc(&self, name: &str, args: &[i64], fallback: HlcTime) -> HlcTime {
        let dyn_args = args.iter().map(|a| Dynamic::from(*a)).collect();
        let Some(v) = self.call(name, dyn_args) else {
            return fallback;
        };
        match from_dynamic(&v) {
            Some(Value::List(items)) => match items.as_slice() {
                [Value::Int(l), Value::Int(c)] if *c >= 0 => HlcTime {
                    l: *l,
                    c: *c as u64,
                },
                [Value::Int(_), Value::Int(c)] => {
                    self.fail(format!(
                        "`{name}` returned c = {c}, but c counts events and is never negative"
                    ));
                    fallback
                }
                _ => {
                    self.fail(format!(
                        "`{name}` must return [l, c], a list of two integers, but returned {}",
                        Value::List(items.clone())
                    ));
                    fallback
                }
            },
            other => {
                let shown = other.map_or_else(|| v.type_name().to_string(), |x| x.to_string());
                self.fail(format!(
                    "`{name}` must return [l, c], a list of two integers, but returned {shown}"
                ));
                fallback
            }
        }
    }
}

/// A list of counts as a script array: a vector clock, or a Raft log or match index as terms.
fn list_arg(values: &[u64]) -> Dynamic {
    Dynamic::from(
        values
            .iter()
            .map(|x| Dynamic::from(*x as i64))
            .collect::<Array>(),
    )
}

/// Reads a learner's vector clock: a list of `nodes` non-negative integers.
fn parse_vector(v: &Dynamic, nodes: usize) -> Result<Vec<u64>, String> {
    let value = from_dynamic(v);
    let Some(Value::List(items)) = &value else {
        let shown = value.map_or_else(|| v.type_name().to_string(), |x| x.to_string());
        return Err(format!(
            "must return the clock as a list of {nodes} numbers, but returned {shown}"
        ));
    };
    if items.len() != nodes {
        return Err(format!(
            "returned {}, a list of {} numbers, but the cluster has {nodes} nodes: a vector clock has one entry per node",
            Value::List(items.clone()),
            items.len()
        ));
    }
    items
        .iter()
        .map(|x| match x {
            Value::Int(i) if *i >= 0 => Ok(*i as u64),
            _ => Err(format!(
                "returned {}: every entry must be a count of events, a number that is never negative",
                Value::List(items.clone())
            )),
        })
        .collect()
}

impl LamportRules for ScriptRules {
    fn tick(&self, clock: u64) -> u64 {
        self.lamport("tick", &[clock], clock)
    }
    fn receive(&self, clock: u64, msg_time: u64) -> u64 {
        self.lamport("receive", &[clock, msg_time], clock)
    }
}

impl VectorRules for ScriptRules {
    fn tick(&self, clock: &[u64], me: usize) -> Vec<u64> {
        let args = vec![list_arg(clock), Dynamic::from(me as i64)];
        self.vector("tick", args, clock)
    }
    fn receive(&self, clock: &[u64], msg: &[u64], me: usize) -> Vec<u64> {
        let args = vec![list_arg(clock), list_arg(msg), Dynamic::from(me as i64)];
        self.vector("receive", args, clock)
    }
}

/// The learner writes one of the three rules (whichever the exercise names); the other two are
/// the paper's.
impl RaftRules for ScriptRules {
    fn grant_vote(&self, q: &VoteQuery) -> bool {
        if self.rules != RuleSet::RaftVote {
            return PaperRules.grant_vote(q);
        }
        let int = |v: u64| Dynamic::from(v as i64);
        let args = vec![
            int(q.term),
            Dynamic::from(q.voted_for.map_or(-1, |n| i64::from(n.0))),
            int(q.last_log_index),
            int(q.last_log_term),
            Dynamic::from(i64::from(q.candidate.0)),
            int(q.candidate_term),
            int(q.candidate_last_log_index),
            int(q.candidate_last_log_term),
        ];
        let Some(v) = self.call("grant_vote", args) else {
            return false;
        };
        match v.as_bool() {
            Ok(b) => b,
            Err(t) => {
                self.fail(format!(
                    "`grant_vote` must return true or false, but returned a {t}"
                ));
                false
            }
        }
    }

    /// The learner returns `false` or the new log as terms; [`edit_from_terms`] reads that back
    /// into an edit, and anything else stops the schedule with a message. After a failure the
    /// message is rejected, which changes nothing.
    fn append_entries(
        &self,
        log: &[Entry],
        prev_log_index: u64,
        prev_log_term: u64,
        entries: &[Entry],
    ) -> Option<LogEdit> {
        if self.rules != RuleSet::RaftAppend {
            return PaperRules.append_entries(log, prev_log_index, prev_log_term, entries);
        }
        let old = terms(log);
        let sent = terms(entries);
        let mut key = vec![old.len() as u64, prev_log_index, prev_log_term];
        key.extend(&old);
        key.extend(&sent);
        let v = self.call_pure("append_entries", key, || {
            vec![
                list_arg(&old),
                Dynamic::from(prev_log_index as i64),
                Dynamic::from(prev_log_term as i64),
                list_arg(&sent),
            ]
        })?;
        if v.as_bool() == Ok(false) {
            return None;
        }
        let shown = format!("append_entries({old:?}, {prev_log_index}, {prev_log_term}, {sent:?})");
        let Some(new) = parse_terms(&v) else {
            self.fail(format!(
                "{shown} returned a {}: return false to reject, or the new log as a list of terms",
                v.type_name()
            ));
            return None;
        };
        match edit_from_terms(&old, prev_log_index, &sent, &new) {
            Ok(edit) => Some(edit),
            Err(e) => {
                self.fail(format!("{shown}: {e}"));
                None
            }
        }
    }

    /// The learner returns the new commit index; one that goes back or past the log stops the
    /// schedule with a message.
    fn advance_commit(
        &self,
        commit_index: u64,
        term: u64,
        log: &[Entry],
        match_index: &[u64],
    ) -> u64 {
        if self.rules != RuleSet::RaftCommit {
            return PaperRules.advance_commit(commit_index, term, log, match_index);
        }
        let log_terms = terms(log);
        let mut key = vec![commit_index, term, log_terms.len() as u64];
        key.extend(&log_terms);
        key.extend(match_index);
        let v = self.call_pure("advance_commit", key, || {
            vec![
                Dynamic::from(commit_index as i64),
                Dynamic::from(term as i64),
                list_arg(&log_terms),
                list_arg(match_index),
            ]
        });
        let Some(v) = v else {
            return commit_index;
        };
        let shown =
            format!("advance_commit({commit_index}, {term}, {log_terms:?}, {match_index:?})");
        match v.as_int() {
            Err(t) => self.fail(format!("{shown} returned a {t}, not an index")),
            Ok(n) if n < commit_index as i64 => self.fail(format!(
                "{shown} returned {n}, below the commit index {commit_index}: a committed entry stays committed"
            )),
            Ok(n) if n > log.len() as i64 => self.fail(format!(
                "{shown} returned {n}, past the end of the leader's log (index {})",
                log.len()
            )),
            Ok(n) => return n as u64,
        }
        commit_index
    }
}

/// A log (or a message's entries) as the list of terms the Raft exercises see.
fn terms(entries: &[Entry]) -> Vec<u64> {
    entries.iter().map(|e| e.term).collect()
}

/// A list of non-negative integers, or `None`.
fn parse_terms(v: &Dynamic) -> Option<Vec<u64>> {
    let array = v.read_lock::<Array>()?;
    array
        .iter()
        .map(|t| t.as_int().ok().and_then(|t| u64::try_from(t).ok()))
        .collect()
}

impl HlcRules for ScriptRules {
    fn send(&self, now: HlcTime, pt: i64) -> HlcTime {
        self.hlc("send", &[now.l, now.c as i64, pt], now)
    }
    fn receive(&self, now: HlcTime, msg: HlcTime, pt: i64) -> HlcTime {
        let args = [now.l, now.c as i64, msg.l, msg.c as i64, pt];
        self.hlc("receive", &args, now)
    }
}

/// What happened at an event, for messages: "its receipt of m4 from n1" or "a local event".
fn describe(events: &[CausalEvent], e: &CausalEvent) -> String {
    match e.received {
        Some((msg, s)) => format!(
            "{}'s receipt of {msg} from {} at {}",
            e.id.node, events[s].id.node, e.at
        ),
        None => format!(
            "{}'s local event (start, timer or send) at {}",
            e.id.node, e.at
        ),
    }
}

fn show_clock(clock: &[u64]) -> String {
    let parts: Vec<String> = clock.iter().map(u64::to_string).collect();
    format!("[{}]", parts.join(", "))
}

/// Checks every vector stamp equals the true vector clock the simulator computed (Mattern 1989, §4).
///
/// The first event whose stamp differs is reported with the clock before it, what the rules made
/// of it, and the right answer; every earlier stamp was right, so the clock before is the true one.
pub fn check_vector_stamps(events: &[CausalEvent]) -> Result<(), (usize, String)> {
    for (i, e) in events.iter().enumerate() {
        let Some(Stamp::Vector(got)) = &e.stamp else {
            continue;
        };
        if *got == e.clock {
            continue;
        }
        let before = e
            .previous
            .map_or_else(|| vec![0; e.clock.len()], |p| events[p].clock.clone());
        let what = describe(events, e);
        let rule = match e.received {
            Some((_, s)) => format!(
                "receive got clock {} and message clock {}. A receipt knows everything the sender knew: take the element-wise max of both clocks, then add one to the node's own entry",
                show_clock(&before),
                show_clock(&events[s].clock)
            ),
            None => format!(
                "tick got clock {}. A local event adds one to the node's own entry and leaves the others alone",
                show_clock(&before)
            ),
        };
        return Err((
            i,
            format!(
                "wrong vector clock after {what}: your rules made it {}, but the true vector clock is {} ({rule})",
                show_clock(got),
                show_clock(&e.clock)
            ),
        ));
    }
    Ok(())
}

/// The true order of two events, from the simulator's happens-before.
fn true_order(a: &CausalEvent, b: &CausalEvent) -> Order {
    if a.id == b.id {
        Order::Equal
    } else if a.happens_before(b) {
        Order::Before
    } else if b.happens_before(a) {
        Order::After
    } else {
        Order::Concurrent
    }
}

fn compare_message(a: &CausalEvent, b: &CausalEvent, got: &str, truth: Order) -> String {
    let (na, nb) = (a.id.node, b.id.node);
    let why = match truth {
        Order::Equal => format!(
            "both are {na}'s event at {}: the same clock, entry for entry",
            a.at
        ),
        Order::Before => format!(
            "{na}'s event at {} happens before {nb}'s event at {}: every entry of the first clock is <= the second's, and they differ",
            a.at, b.at
        ),
        Order::After => format!(
            "{na}'s event at {} happens after {nb}'s event at {}: every entry of the second clock is <= the first's, and they differ",
            a.at, b.at
        ),
        Order::Concurrent => format!(
            "{na}'s event at {} and {nb}'s event at {} are concurrent: no chain of messages links them, and neither clock is <= the other in every entry",
            a.at, b.at
        ),
    };
    format!(
        "compare({}, {}) returned {got:?}, but {why}, so the answer is {:?}",
        show_clock(&a.clock),
        show_clock(&b.clock),
        truth.as_str()
    )
}

/// The nearest earlier event on the same node that carries a stamp (a restart may carry none).
fn previous_stamped<'a>(
    events: &'a [CausalEvent],
    e: &CausalEvent,
) -> Option<(&'a CausalEvent, &'a Stamp)> {
    let mut p = e.previous;
    while let Some(i) = p {
        if let Some(s) = &events[i].stamp {
            return Some((&events[i], s));
        }
        p = events[i].previous;
    }
    None
}

fn hlc_of(stamp: &Stamp) -> Option<HlcTime> {
    match stamp {
        Stamp::Hlc { wall_us, logical } => Some(HlcTime {
            l: *wall_us,
            c: *logical,
        }),
        _ => None,
    }
}

/// Checks a run's hybrid logical clocks (Kulkarni et al. 2014, §3.2) against happens-before and
/// the physical clocks (`clocks[node].read(at)` is what the node's `pt` was at an event):
///
/// 1. causality: if e → f then (l, c)(e) < (l, c)(f), checked on program order and send → receive,
///    whose transitive closure is happens-before;
/// 2. `l >= pt`: l never falls behind the node's own physical clock;
/// 3. `l <= max(0, fastest clock now)`: l is always a physical reading from the causal past (or
///    the initial 0) and clocks never run backwards, so l cannot be ahead of every clock in the
///    cluster at that instant. With (2) this gives the paper's bound `l - pt <= ε`, ε being the
///    largest offset between two clocks, without assuming any bound on message delay. The
///    property needs clocks that never jump backwards: the grader's schedules only skew clocks
///    at time zero.
pub fn check_hlc(events: &[CausalEvent], clocks: &[Clock]) -> Result<(), (usize, String)> {
    for (i, e) in events.iter().enumerate() {
        let Some(t) = e.stamp.as_ref().and_then(hlc_of) else {
            continue;
        };
        let node = e.id.node;
        if let Some((p, ps)) = previous_stamped(events, e) {
            if let Some(tp) = hlc_of(ps) {
                if t <= tp {
                    return Err((i, format!(
                        "causality broken on {node}: its event at {} got (l, c) = {tp} and its next event, at {}, got {t}. Each event on a node must get a larger (l, c) than the one before it: a larger l, or the same l and a larger c",
                        p.at, e.at
                    )));
                }
            }
        }
        if let Some((msg, s)) = e.received {
            if let Some(ts) = events[s].stamp.as_ref().and_then(hlc_of) {
                if t <= ts {
                    let sender = events[s].id.node;
                    return Err((i, format!(
                        "causality broken: {sender} sent {msg} stamped (l, c) = {ts} at {}, and {node} stamped its receipt {t} at {}. A receive happens after its send, so it needs a larger (l, c): a larger l, or the same l and a larger c",
                        events[s].at, e.at
                    )));
                }
            }
        }
        let Some(own) = clocks.get(node.index()) else {
            continue;
        };
        let pt = own.read(e.at).0;
        if t.l < pt {
            return Err((i, format!(
                "l fell behind the physical clock on {node}: at {} its physical clock read pt = {pt} but the event got (l, c) = {t}. l must never be less than pt, or HLC timestamps stop being close to real time",
                e.at
            )));
        }
        let (fastest, fastest_pt) = clocks
            .iter()
            .enumerate()
            .map(|(j, c)| (j, c.read(e.at).0))
            .max_by_key(|&(j, r)| (r, core::cmp::Reverse(j)))
            .unwrap_or((node.index(), pt));
        let ceiling = fastest_pt.max(0);
        if t.l > ceiling {
            return Err((i, format!(
                "l ran ahead of every physical clock on {node}: at {} its event got l = {}, but the fastest clock in the cluster ({}) read only {fastest_pt}. l must always be some clock's reading from the event's past, so l - pt = {} may be at most {}, how far the fastest clock is ahead of this node's",
                e.at,
                t.l,
                NodeId(fastest as u32),
                t.l - pt,
                ceiling - pt
            )));
        }
    }
    Ok(())
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
                entries_per_append: None,
                adversary: None,
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

    fn vector_spec() -> ExerciseSpec {
        ExerciseSpec {
            rules: RuleSet::VectorClock,
            table: vec![TableCase {
                name: "concurrent".into(),
                call: "compare".into(),
                args: vec![
                    Value::List(vec![Value::Int(1), Value::Int(0)]),
                    Value::List(vec![Value::Int(0), Value::Int(1)]),
                ],
                expect: Value::Str("concurrent".into()),
                message: "neither is <= the other".into(),
            }],
            simulation: vec![SimulationCase {
                name: "random runs".into(),
                schedules: 10,
                nodes: 3,
                seed: 1,
                faults: true,
                entries_per_append: None,
                adversary: None,
            }],
            ..spec()
        }
    }

    const VECTOR_RIGHT: &str = r#"
fn tick(clock, me) { clock[me] += 1; clock }
fn receive(clock, msg_clock, me) {
    for i in 0..clock.len() { clock[i] = max(clock[i], msg_clock[i]); }
    clock[me] += 1;
    clock
}
fn compare(a, b) {
    let le = true; let ge = true;
    for i in 0..a.len() { if a[i] > b[i] { le = false; } if a[i] < b[i] { ge = false; } }
    if le && ge { "equal" } else if le { "before" } else if ge { "after" } else { "concurrent" }
}"#;

    #[test]
    fn vector_rules_that_match_the_simulators_clocks_pass() {
        let r = Grader::new().grade(&vector_spec(), VECTOR_RIGHT, &mut |_| {});
        assert!(r.passed(), "{}", r.to_text());
    }

    #[test]
    fn a_compare_that_answers_with_numbers_is_told_the_words() {
        let code = VECTOR_RIGHT.replace("\"concurrent\" }\n}", "0 }\n}");
        assert_ne!(code, VECTOR_RIGHT);
        let r = Grader::new().grade(&vector_spec(), &code, &mut |_| {});
        assert!(
            r.cases[0]
                .message
                .contains("returned 0; expected \"concurrent\""),
            "{}",
            r.to_text()
        );
        assert!(
            r.cases[1].message.contains("must return one of \"before\""),
            "{}",
            r.to_text()
        );
    }

    #[test]
    fn a_vector_of_the_wrong_length_is_explained() {
        let code = VECTOR_RIGHT.replace(
            "fn tick(clock, me) { clock[me] += 1; clock }",
            "fn tick(clock, me) { clock[me] += 1; clock.push(0); clock }",
        );
        let r = Grader::new().grade(&vector_spec(), &code, &mut |_| {});
        assert!(
            r.cases[1].message.contains("one entry per node"),
            "{}",
            r.to_text()
        );
    }

    /// Runs an HLC cluster with `rules` on a seeded skewed schedule; returns the causal events and clocks.
    fn hlc_run(seed: u64, rules: Rc<dyn HlcRules>) -> (Vec<CausalEvent>, Vec<Clock>, Scenario) {
        let case = SimulationCase {
            name: "hlc".into(),
            schedules: 1,
            nodes: 4,
            seed,
            faults: true,
            entries_per_append: None,
            adversary: None,
        };
        let mut scenario = schedule_scenario(ProtocolSpec::Hlc(HlcParams::default()), &case, seed);
        scenario.clocks = random_clocks(seed, case.nodes);
        let protocol = Hlc::with_rules(HlcParams::default(), rules);
        let mut sim = scenario.sim(protocol, SimOptions::default());
        sim.run_until(SimTime(SCHEDULE_DURATION_US), SCHEDULE_MAX_STEPS);
        let events = causal_events(sim.trace().events(), scenario.nodes);
        (events, physical_clocks(&scenario), scenario)
    }

    /// The paper's rules, remembering every physical reading they were handed.
    #[derive(Default)]
    struct Recording(RefCell<Vec<i64>>);

    impl HlcRules for Recording {
        fn send(&self, now: HlcTime, pt: i64) -> HlcTime {
            self.0.borrow_mut().push(pt);
            crate::protocols::hlc::ReferenceRules.send(now, pt)
        }
        fn receive(&self, now: HlcTime, msg: HlcTime, pt: i64) -> HlcTime {
            self.0.borrow_mut().push(pt);
            crate::protocols::hlc::ReferenceRules.receive(now, msg, pt)
        }
    }

    #[test]
    fn the_graders_physical_clocks_read_what_the_handlers_saw() {
        for seed in 0..20 {
            let rules = Rc::new(Recording::default());
            let (events, clocks, _) = hlc_run(seed, rules.clone());
            let expected: Vec<i64> = events
                .iter()
                .filter(|e| e.stamp.is_some())
                .map(|e| clocks[e.id.node.index()].read(e.at).0)
                .collect();
            assert!(!expected.is_empty());
            assert_eq!(*rules.0.borrow(), expected, "seed {seed}");
        }
    }

    #[test]
    fn the_papers_rules_keep_causality_and_closeness_on_skewed_drifting_clocks() {
        let mut ahead = 0;
        for seed in 0..300 {
            let (events, clocks, s) = hlc_run(seed, Rc::new(crate::protocols::hlc::ReferenceRules));
            assert_eq!(check_hlc(&events, &clocks), Ok(()), "seed {seed}: {s:?}");
            ahead += events
                .iter()
                .filter(|e| matches!(e.stamp, Some(Stamp::Hlc { logical, .. }) if logical > 0))
                .count();
        }
        assert!(
            ahead > 100,
            "skew makes c count up often enough to matter ({ahead})"
        );
    }

    /// l pushed 100 ms past the physical clock: causal and never behind pt, but far from real time.
    struct RunsAhead;

    impl HlcRules for RunsAhead {
        fn send(&self, now: HlcTime, pt: i64) -> HlcTime {
            crate::protocols::hlc::ReferenceRules.send(now, pt + 100_000)
        }
        fn receive(&self, now: HlcTime, msg: HlcTime, pt: i64) -> HlcTime {
            crate::protocols::hlc::ReferenceRules.receive(now, msg, pt + 100_000)
        }
    }

    #[test]
    fn an_l_ahead_of_every_physical_clock_is_caught() {
        let (events, clocks, _) = hlc_run(3, Rc::new(RunsAhead));
        let (_, message) = check_hlc(&events, &clocks).unwrap_err();
        assert!(
            message.contains("ran ahead of every physical clock"),
            "{message}"
        );
    }

    #[test]
    fn hlc_schedules_skew_and_drift_every_clock_within_the_stated_bounds() {
        let clocks = random_clocks(9, 16);
        assert_eq!(clocks, random_clocks(9, 16));
        assert!(clocks
            .iter()
            .all(|c| c.skew_us.abs() <= HLC_MAX_SKEW_US && c.drift_ppm.abs() <= HLC_MAX_DRIFT_PPM));
        assert!(clocks.iter().any(|c| c.skew_us < 0) && clocks.iter().any(|c| c.skew_us > 0));
    }
}

#[cfg(test)]
mod raft_tests {
    use super::*;
    use crate::replay::TraceReplay;
    use crate::scenario::Runner;
    use crate::sim::NodeView;

    const TRUNCATE_ON_MATCH: &str = "fn append_entries(log, prev_index, prev_term, entries) {
        if prev_index > log.len() || (prev_index > 0 && log[prev_index - 1] != prev_term) { return false; }
        log.truncate(prev_index);
        log + entries
    }";

    fn append_spec() -> ExerciseSpec {
        ExerciseSpec {
            format_version: 1,
            title: "append".into(),
            prompt: String::new(),
            rules: RuleSet::RaftAppend,
            hints: vec![],
            table: vec![],
            simulation: vec![SimulationCase {
                name: "raft".into(),
                schedules: 5,
                nodes: 5,
                seed: 1,
                faults: true,
                entries_per_append: Some(1),
                adversary: None,
            }],
            wrong: vec![],
        }
    }

    /// The replayed counterexample shows what the servers held: at the failing step, its log
    /// grid is the one a direct run of the learner's rules has when the checkers stop it.
    #[test]
    fn a_replayed_raft_counterexample_shows_every_servers_log() {
        let grader = Grader::new();
        let r = grader.grade(&append_spec(), TRUNCATE_ON_MATCH, &mut |_| {});
        let cx = r.cases[0].counterexample.as_ref().expect("caught");
        assert!(!cx.views.is_empty());
        let mut replay =
            TraceReplay::new(cx.events.clone(), cx.scenario.nodes).with_views(&cx.views);
        while replay.steps() < cx.failed_at_step && replay.step() {}

        let ProtocolSpec::Raft(params) = &cx.scenario.protocol else {
            panic!("a Raft run")
        };
        let functions = RuleSet::RaftAppend.functions();
        let ast = Rc::new(
            grader
                .sandbox
                .compile(TRUNCATE_ON_MATCH, functions)
                .unwrap(),
        );
        let rules = grader.script(RuleSet::RaftAppend, &ast);
        let raft = Raft::with_rules(params.clone(), rules);
        let (direct, verdict, _) =
            raft_kit::run_raft_schedule(&cx.scenario, raft, usize::MAX, None);
        assert!(direct.trace().events() == &cx.events[..], "the same run");
        assert_eq!(verdict.violation.map(|v| v.0), Some(cx.failed_at_step));
        let logs = |views: Vec<NodeView>| views.into_iter().map(|v| v.log).collect::<Vec<_>>();
        let shown = logs(replay.node_views());
        assert!(shown.iter().flatten().any(|l| !l.entries.is_empty()));
        assert_eq!(shown, logs(direct.node_views()));
    }

    #[test]
    fn a_commit_index_that_goes_back_is_explained() {
        let spec = ExerciseSpec {
            rules: RuleSet::RaftCommit,
            ..append_spec()
        };
        let r = Grader::new().grade(
            &spec,
            "fn advance_commit(commit_index, term, log, match_index) { if commit_index > 0 { 0 } else { log.len() } }",
            &mut |_| {},
        );
        assert!(!r.passed());
        let text = r.to_text();
        assert!(
            text.contains("a committed entry stays committed") || text.contains("broken"),
            "{text}"
        );
    }

    #[test]
    fn an_append_that_returns_a_misplaced_log_is_explained() {
        let r = Grader::new().grade(
            &append_spec(),
            "fn append_entries(log, prev_index, prev_term, entries) { [99] }",
            &mut |_| {},
        );
        let text = r.to_text();
        assert!(
            text.contains("is not the start of the follower's log"),
            "{text}"
        );
    }
}
