//! The sandbox a learner's code runs in: a Rhai engine with every limit set.
//!
//! It bounds everything a script can consume: operations per call (so an endless loop stops in
//! milliseconds), operations per schedule (the grade's budget shared out, so slow but finite code
//! stops too, and so a schedule's result does not depend on which schedules ran before it: see
//! [`crate::exercise::shard`]), call depth
//! (recursion), expression depth, and the size of strings, arrays and maps. Scripts get no clock,
//! no I/O, no modules and no randomness: only the arguments the exercise hands in. Every limit
//! that stops a script is named in the message the learner sees.

use crate::exercise::CodeError;
use rhai::{CallFnOptions, Dynamic, Engine, EvalAltResult, Scope, AST};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Operations one call may run before it is stopped (an endless loop hits this in milliseconds).
pub const MAX_OPERATIONS_PER_CALL: u64 = 250_000;
/// Operations a whole grade's schedules may run, shared out equally among them (each schedule
/// may use its share, whichever worker runs it): bounds slow but finite code. A table case is one
/// call, bounded by [`MAX_OPERATIONS_PER_CALL`].
pub const MAX_OPERATIONS_PER_GRADE: u64 = 40_000_000;
/// What the progress hook returns to stop a script that used up its schedule's budget.
const OUT_OF_BUDGET: &str = "out of budget";
/// What the progress hook returns to stop a call past [`MAX_OPERATIONS_PER_CALL`].
const PER_CALL: &str = "per call";
/// How deep calls may nest (recursion).
pub const MAX_CALL_LEVELS: usize = 48;
/// Longest string a script may build, in bytes.
pub const MAX_STRING_BYTES: usize = 4_096;
/// Longest array a script may build.
pub const MAX_ARRAY_LEN: usize = 1_024;
/// Largest map a script may build.
pub const MAX_MAP_LEN: usize = 256;
pub use crate::exercise::shard::MAX_OUTPUT_LINES;
/// Longest source the grader compiles, in bytes: the references are under 1 KB, and compiling
/// grows with the square of a source's functions and variables (a 1 MB source of dead functions
/// took 5 s), so anything larger is refused before it costs time.
pub const MAX_SOURCE_BYTES: usize = 64 * 1024;
/// Most functions a solution may define (the exercises need one to three, with helpers).
pub const MAX_FUNCTIONS: usize = 64;
/// Most variables and constants a solution may declare (`let` and `const`, counted in the source;
/// one scope may also hold no more at run time).
pub const MAX_VARIABLES: usize = 512;

/// A Rhai engine with every limit set, built once and reused for every call.
pub struct Sandbox {
    engine: Engine,
    pub(crate) output: Rc<RefCell<Vec<String>>>,
    /// Operations left for the current schedule; slow-but-finite code is stopped when they run out.
    budget_ops: Rc<Cell<u64>>,
    /// The budget the current schedule started with (its share of the grade's).
    unit_budget_ops: Cell<u64>,
    /// Operations used since the grade began, by every unit.
    used_total_ops: Cell<u64>,
    /// The budget a grade's schedules share, in script operations.
    pub(crate) grade_budget_ops: u64,
    /// Operations the current call has used so far.
    used_ops: Rc<Cell<u64>>,
    /// The limit the current call hit, if any (`PER_CALL` or `OUT_OF_BUDGET`).
    tripped: Rc<Cell<Option<&'static str>>>,
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
            .set_max_call_levels(MAX_CALL_LEVELS)
            .set_max_expr_depths(64, 64)
            .set_max_string_size(MAX_STRING_BYTES)
            .set_max_array_size(MAX_ARRAY_LEN)
            .set_max_map_size(MAX_MAP_LEN)
            .set_max_functions(MAX_FUNCTIONS)
            .set_max_variables(MAX_VARIABLES)
            .set_strict_variables(true);
        engine.disable_symbol("eval");
        // Rhai's core package has `sleep`, which blocks the thread for real (the hostile corpus
        // found it): the grader has no clock, so it is shadowed by one that refuses.
        engine.register_fn("sleep", |_: rhai::INT| -> Result<(), Box<EvalAltResult>> {
            Err(
                "`sleep` is not available: the grader has no clock, and a rule must not wait"
                    .into(),
            )
        });
        let budget_ops = Rc::new(Cell::new(MAX_OPERATIONS_PER_GRADE));
        let used_ops: Rc<Cell<u64>> = Rc::default();
        let (b, u) = (budget_ops.clone(), used_ops.clone());
        // Both operation limits are checked here rather than by Rhai's own maximum, so that a
        // call that hit one is known to have, even if its code swallowed the stop: a sort whose
        // comparator never returns catches each comparison's error and sorts on (see `call`).
        let tripped = Rc::new(Cell::new(None::<&'static str>));
        let t = tripped.clone();
        engine.on_progress(move |ops| {
            u.set(ops);
            let hit = if ops > MAX_OPERATIONS_PER_CALL {
                Some(PER_CALL)
            } else if ops > b.get() {
                Some(OUT_OF_BUDGET)
            } else {
                None
            };
            if hit.is_some() {
                t.set(hit);
            }
            hit.map(Dynamic::from)
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
            budget_ops,
            unit_budget_ops: Cell::new(u64::MAX),
            used_total_ops: Cell::new(0),
            used_ops,
            tripped,
            grade_budget_ops: MAX_OPERATIONS_PER_GRADE,
        }
    }

    /// Starts a new grade: no operations used yet.
    pub fn start_grade(&self) {
        self.used_total_ops.set(0);
        self.start_unit(u64::MAX);
    }

    /// Starts a unit of a grade (a table case, `u64::MAX`: its call's own limit bounds it; or a
    /// schedule, with its share of the grade's budget).
    pub fn start_unit(&self, budget_ops: u64) {
        self.unit_budget_ops.set(budget_ops);
        self.budget_ops.set(budget_ops);
    }

    /// Each schedule's share of a grade of `schedules` schedules, in script operations.
    pub fn schedule_budget(&self, schedules: u64) -> u64 {
        self.grade_budget_ops / schedules.max(1)
    }

    /// Runs `f` with the current unit's budget as it was when the unit started, then puts back
    /// what was left: a second run of the same schedule (to record its trace) meets every limit
    /// exactly where the first did.
    pub fn from_unit_start<R>(&self, f: impl FnOnce() -> R) -> R {
        let (left, used) = (self.budget_ops.get(), self.used_total_ops.get());
        self.budget_ops.set(self.unit_budget_ops.get());
        let result = f();
        self.budget_ops.set(left);
        self.used_total_ops.set(used);
        result
    }

    /// Operations used since the grade started, by every unit.
    pub fn operations_used(&self) -> u64 {
        self.used_total_ops.get()
    }

    /// Compiles `code` and checks it defines each function with the right parameters.
    pub fn compile(&self, code: &str, functions: &[(&str, &[&str])]) -> Result<AST, CodeError> {
        refuse_before_compiling(code)?;
        let ast = self.engine.compile(code).map_err(|e| {
            let pos = e.position();
            let kind = e.err_type();
            let message = match kind {
                rhai::ParseErrorType::VariableUndefined(name)
                    if super::lex::defined_at_top_level(code, name) =>
                {
                    format!("`{name}` is defined outside every function, and a function does not see the top level: define it inside the function that uses it")
                }
                _ => format!("syntax error: {kind}"),
            };
            CodeError {
                line: pos.line().unwrap_or(0) as u32,
                col: pos.position().unwrap_or(0) as u32,
                message,
            }
        })?;
        for (name, params) in functions {
            let found: Vec<_> = ast.iter_functions().filter(|f| f.name == *name).collect();
            let signature = format!("fn {name}({})", params.join(", "));
            // Rhai lets a name be defined once per arity: the grader calls the overload with the
            // right number of parameters, so that is the one to look for (the order in which
            // the AST lists overloads is not the same in every build).
            let called = found.iter().find(|f| f.params.len() == params.len());
            match called.or(found.first()) {
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
        self.used_ops.set(0);
        self.tripped.set(None);
        let result = self
            .engine
            .call_fn_with_options::<Dynamic>(options, &mut Scope::new(), ast, name, args)
            .map_err(|e| runtime_error(&e, name, self.unit_budget_ops.get()));
        self.budget_ops
            .set(self.budget_ops.get().saturating_sub(self.used_ops.get()));
        self.used_total_ops.set(
            self.used_total_ops
                .get()
                .saturating_add(self.used_ops.get()),
        );
        // A call that hit a limit fails even if its code caught the stop: a limit is never a pass.
        match (self.tripped.get(), &result) {
            (Some(limit), Ok(_)) => Err(runtime_error(
                &EvalAltResult::ErrorTerminated(Dynamic::from(limit), rhai::Position::NONE),
                name,
                self.unit_budget_ops.get(),
            )),
            _ => result,
        }
    }

    /// Runs `code`'s `f(n)` `calls` times and returns the last result; the caller times it, to
    /// measure what the limits cost (see `netsplit bench`).
    pub fn run_calls(&self, code: &str, n: i64, calls: u32) -> Result<i64, CodeError> {
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

/// Refuses, before any compiling, a source the grader will not compile: too large, too many
/// functions or variables, or bytes a text editor would not have written (a NUL, a byte-order mark).
fn refuse_before_compiling(code: &str) -> Result<(), CodeError> {
    let at_start = |message: String| CodeError {
        line: 1,
        col: 1,
        message,
    };
    if code.len() > MAX_SOURCE_BYTES {
        return Err(CodeError {
            line: 0,
            col: 0,
            message: format!(
                "your code is {} KB, more than the {} KB the grader compiles: the exercises need well under 1 KB",
                code.len().div_ceil(1024),
                MAX_SOURCE_BYTES / 1024
            ),
        });
    }
    if code.starts_with('\u{feff}') {
        return Err(at_start(
            "the code starts with a byte-order mark (an invisible U+FEFF): delete it, or save the file as UTF-8 without BOM"
                .into(),
        ));
    }
    if let Some(at) = code.find('\0') {
        let line = code[..at].matches('\n').count() as u32 + 1;
        return Err(CodeError {
            line,
            col: 0,
            message:
                "the code contains a NUL byte (\\0): it is not text; paste it again as plain text"
                    .into(),
        });
    }
    let census = super::lex::census(code);
    if let Some((line, col, number)) = census.first_decimal {
        return Err(CodeError {
            line,
            col,
            message: format!(
                "`{number}` is a decimal number: the exercises use whole numbers only (times are in whole microseconds)"
            ),
        });
    }
    if census.functions > MAX_FUNCTIONS as u64 {
        return Err(at_start(format!(
            "your code defines {} functions, more than the {MAX_FUNCTIONS} the grader compiles",
            census.functions
        )));
    }
    if census.variables > MAX_VARIABLES as u64 {
        return Err(at_start(format!(
            "your code declares {} variables and constants, more than the {MAX_VARIABLES} the grader compiles",
            census.variables
        )));
    }
    Ok(())
}

/// Turns a Rhai error into a message a learner understands, at the line in their code.
/// `budget_ops` is the share of the grade's operations budget the schedule had.
fn runtime_error(err: &EvalAltResult, name: &str, budget_ops: u64) -> CodeError {
    let inner = err.unwrap_inner();
    let pos = if inner.position().is_none() {
        err.position()
    } else {
        inner.position()
    };
    let message = match inner {
        // Rhai's own operations maximum is not set: the progress hook stops both limits.
        EvalAltResult::ErrorTerminated(token, _)
            if token.clone().into_immutable_string().is_ok_and(|t| t == PER_CALL) =>
        {
            format!(
                "`{name}` was stopped: one call may run {MAX_OPERATIONS_PER_CALL} operations, far more than any exercise needs. A loop that never ends, or one far longer than the lists it is given?"
            )
        }
        EvalAltResult::ErrorTerminated(..) => format!(
            "grading was stopped: your code used up this schedule's operations budget ({budget_ops} operations, its share of the {MAX_OPERATIONS_PER_GRADE} all schedules together may run); `{name}` does too much work per call, so simplify it"
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
