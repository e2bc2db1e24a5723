//! Grading a learner's adversary: `choose(deliveries, crashes, crashes_left)` picks every move of
//! runs of 2 and 3 processes from the options the explorer computes ([`super::rule::options`]).
//! A run passes when no process decides within the run, at most one process crashes, and no
//! message waits more than [`OLDEST_WAIT_CHOICES`] choices as the oldest in transit (FLP's runs
//! are admissible: every message is delivered). The learner's answers are not compared with the
//! reference's: any adversary that wins admissibly passes.

use super::model::Msg;
use super::rule::{AdversaryRule, Move, Options};
use super::schedules::{exercise_run, EXERCISE_CHOICES};
use super::{Flp, FlpParams};
use crate::exercise::{SimulationCase, Value};
use crate::grade::script::{shown, Script};
use crate::grade::{counterexample, ScheduleFailure, ScheduleRun};
use crate::rng::Rng;
use crate::scenario::ProtocolSpec;
use crate::trace::EventKind;
use core::cell::RefCell;
use std::rc::Rc;

/// How many of the adversary's moves may pass over the oldest message in transit before it is
/// delivered (or dropped by its receiver's crash). The reference passes it over at most once in
/// the exercise's runs; a one-step greedy adversary, up to 5 times.
pub const OLDEST_WAIT_CHOICES: u32 = 4;

/// The oldest message in transit at the last move, and how many moves have passed it over.
type Passed = ((u32, u32, Msg), u32);

/// The learner's rule, with what the run has seen so far.
struct LearnerAdversary {
    script: Rc<Script>,
    /// The warm-up: random deliveries that keep the run bivalent, played before the learner's
    /// first move, and how many are left.
    warmup: RefCell<(Rng, u32)>,
    /// How many warm-up deliveries were played.
    warmed: core::cell::Cell<u32>,
    /// The oldest message at the last choice, and for how many choices it has been the oldest.
    oldest: RefCell<Option<Passed>>,
}

impl LearnerAdversary {
    /// The next warm-up delivery: one that keeps the run bivalent, at random. `None` once the
    /// warm-up is over (or nothing keeps it bivalent: a start with 2 processes).
    fn warm_up(&self, options: &Options) -> Option<usize> {
        let (rng, left) = &mut *self.warmup.borrow_mut();
        let bivalent: Vec<usize> = (0..options.deliveries.len())
            .filter(|i| options.deliveries[*i].after == "bivalent")
            .collect();
        if *left == 0 || bivalent.is_empty() {
            *left = 0;
            return None;
        }
        *left -= 1;
        self.warmed.set(self.warmed.get() + 1);
        Some(bivalent[rng.below(bivalent.len() as u64) as usize])
    }
}

/// How many warm-up deliveries a seed's run starts with: 0 to [`WARMUP_MOST`], so that the
/// learner's first move comes in many different bivalent configurations, not only the first.
pub fn warmup_deliveries(seed: u64) -> u32 {
    (seed % (u64::from(WARMUP_MOST) + 1)) as u32
}

/// The longest warm-up.
pub const WARMUP_MOST: u32 = 12;

/// The arguments of `choose`, as the learner's code sees them.
fn arguments(options: &Options) -> (Value, Value, Value) {
    let deliveries = options
        .deliveries
        .iter()
        .map(|d| {
            Value::List(vec![
                Value::Str(d.after.into()),
                Value::Int(i64::from(d.steps)),
            ])
        })
        .collect();
    let crashes = options
        .crashes
        .iter()
        .map(|c| Value::Str(c.unwrap_or("crashed").into()))
        .collect();
    (
        Value::List(deliveries),
        Value::List(crashes),
        Value::Int(i64::from(options.crashes_left)),
    )
}

impl AdversaryRule for LearnerAdversary {
    fn choose(&self, options: &Options) -> Option<Move> {
        if let Some(i) = self.warm_up(options) {
            return Some(Move::Deliver(i));
        }
        if let Some(first) = options.deliveries.first() {
            let mut oldest = self.oldest.borrow_mut();
            let waited = match *oldest {
                Some((m, w)) if m == first.message => w + 1,
                _ => 0,
            };
            *oldest = Some((first.message, waited));
            if waited >= OLDEST_WAIT_CHOICES {
                self.script.fail(format!(
                    "the message {} was the oldest in transit at {waited} of your moves and was \
                     not delivered: FLP's runs deliver every message, so serve the oldest before \
                     it is passed over {OLDEST_WAIT_CHOICES} times (deliver the one with the \
                     fewest steps, the oldest itself when its steps are 1)",
                    super::view::label(first.message)
                ));
                return None;
            }
        }
        let (deliveries, crashes, left) = arguments(options);
        let v = self
            .script
            .call("choose", (deliveries.clone(), crashes.clone(), left))?;
        let called = || format!("choose({deliveries}, {crashes}, {})", options.crashes_left);
        let parsed = crate::grade::script::from_script(&v).and_then(|v| match v {
            Value::List(items) => match items.as_slice() {
                [Value::Str(kind), Value::Int(i)] => Some((kind.clone(), *i)),
                _ => None,
            },
            _ => None,
        });
        let Some((kind, i)) = parsed else {
            self.script.fail(format!(
                "{} returned {}: return [\"deliver\", i] or [\"crash\", p]",
                called(),
                shown(&v)
            ));
            return None;
        };
        match kind.as_str() {
            "deliver" => match usize::try_from(i)
                .ok()
                .filter(|i| *i < options.deliveries.len())
            {
                Some(i) => Some(Move::Deliver(i)),
                None => {
                    self.script.fail(format!(
                        "{} returned [\"deliver\", {i}], but there are {} deliveries (0 to {})",
                        called(),
                        options.deliveries.len(),
                        options.deliveries.len().saturating_sub(1)
                    ));
                    None
                }
            },
            "crash" => {
                let p = u32::try_from(i).ok();
                match p.and_then(|p| options.crashes.get(p as usize).map(|c| (p, c))) {
                    None => {
                        self.script.fail(format!(
                            "{} returned [\"crash\", {i}], but the processes are 0 to {}",
                            called(),
                            options.crashes.len().saturating_sub(1)
                        ));
                        None
                    }
                    Some((p, None)) => {
                        self.script.fail(format!(
                            "{} returned [\"crash\", {p}], but n{p} has already crashed",
                            called()
                        ));
                        None
                    }
                    Some(_) if options.crashes_left == 0 => {
                        self.script.fail(format!(
                            "{} returned [\"crash\", {i}]: a second crash. FLP's adversary may \
                             crash at most one process (crashes_left is 0)",
                            called()
                        ));
                        None
                    }
                    Some((p, Some(_))) => Some(Move::Crash(p)),
                }
            }
            _ => {
                self.script.fail(format!(
                    "{} returned [{kind:?}, {i}]: the move is \"deliver\" or \"crash\"",
                    called()
                ));
                None
            }
        }
    }
}

/// One schedule of the `flp-adversary` rule set.
pub(super) fn schedule(
    run: &ScheduleRun<'_>,
    case: &SimulationCase,
    seed: u64,
) -> Result<(), ScheduleFailure> {
    let scenario = exercise_run(case, seed);
    let ProtocolSpec::Flp(params) = &scenario.protocol else {
        unreachable!("the exercise's scenario runs FLP");
    };
    let learner = |script: Rc<Script>| {
        Rc::new(LearnerAdversary {
            script,
            warmup: RefCell::new((
                Rng::new(seed ^ 0x9e37_79b9_7f4a_7c15),
                warmup_deliveries(seed),
            )),
            warmed: core::cell::Cell::new(0),
            oldest: RefCell::new(None),
        })
    };
    // A failing run is played again with the same rule, to record what each process held
    // (round, phase, value), so the replay shows the badges as well as the messages.
    let with_views = |mut cx: Box<crate::exercise::Counterexample>| {
        cx.views = run.quietly(|| {
            let protocol = Flp::with_rule(FlpParams::clone(params), learner(run.script()));
            let mut sim = scenario.sim(
                protocol,
                crate::sim::SimOptions {
                    trace_cap: 0,
                    check_invariants: false,
                },
            );
            crate::replay::record_views(&mut sim, cx.failed_at_step)
        });
        cx
    };
    let script = run.script();
    let rule = learner(script.clone());
    let protocol = Flp::with_rule(FlpParams::clone(params), rule.clone());
    let sim = crate::grade::run_schedule(protocol, &scenario, &script)
        .map_err(|(message, cx)| (message, with_views(cx)))?;
    let decided = sim.trace().events().iter().find_map(|e| match &e.kind {
        EventKind::Note { node, text } if text.starts_with("decides") => {
            Some((e.step, *node, text.clone()))
        }
        _ => None,
    });
    if let Some((step, node, text)) = decided {
        let inputs = &params.inputs[..scenario.nodes as usize];
        return Err((
            format!(
                "{node} {text} at step {step} ({} processes, inputs {inputs}, {} warm-up \
                 deliveries before your first move): the adversary must keep every process \
                 undecided for the whole run ({EXERCISE_CHOICES} moves)",
                scenario.nodes,
                rule.warmed.get()
            ),
            with_views(counterexample(&sim, &scenario, step)),
        ));
    }
    Ok(())
}
