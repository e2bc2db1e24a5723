//! The adversary as a rule over what the explorer knows, so an exercise can run a learner's: the
//! messages that matter, oldest first, each with the valence its delivery leads to and the
//! length of the shortest schedule it starts that serves the oldest message while staying
//! bivalent (Lemma 3's schedule), and what crashing each process would leave.

use super::explore::{Graph, Reach, Valence};
use super::model::{Msg, Shape};
use std::collections::VecDeque;
use std::rc::Rc;

/// One message the adversary may deliver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryOption {
    /// The message, as `(from, to, message)`.
    pub message: (u32, u32, Msg),
    /// What the configuration its delivery leads to can still decide ([`outlook`]).
    pub after: &'static str,
    /// The number of deliveries in the shortest schedule that starts with this one and ends by
    /// delivering the oldest message into a bivalent configuration (1 for the oldest itself when
    /// its delivery stays bivalent); 0 if the search found none.
    pub steps: u32,
}

/// What the adversary sees before a choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The messages that can still change something, oldest first.
    pub deliveries: Vec<DeliveryOption>,
    /// For each process, what crashing it now would leave ([`outlook`]): `None` if it has
    /// already crashed.
    pub crashes: Vec<Option<&'static str>>,
    /// How many crashes the adversary has left (FLP allows one).
    pub crashes_left: u32,
}

/// The adversary's move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// Deliver `deliveries[i]`.
    Deliver(usize),
    /// Crash this process.
    Crash(u32),
}

/// An adversary that chooses from [`Options`]: the reference ([`Lemma3`]) or a learner's.
pub trait AdversaryRule {
    /// The next move. `None` leaves the run waiting (a learner's rule that failed).
    fn choose(&self, options: &Options) -> Option<Move>;
}

/// The rule of the FLP exercise: deliver the message with the fewest steps to serving the oldest
/// while bivalent (the oldest first on a tie); if no schedule does, spend the crash on a process
/// whose crash leaves no decision reachable; otherwise deliver the oldest.
pub struct Lemma3;

impl AdversaryRule for Lemma3 {
    fn choose(&self, options: &Options) -> Option<Move> {
        let best = (0..options.deliveries.len())
            .filter(|i| options.deliveries[*i].steps > 0)
            .min_by_key(|i| options.deliveries[*i].steps);
        if let Some(i) = best {
            return Some(Move::Deliver(i));
        }
        if options.crashes_left > 0 {
            let never = (0u32..)
                .zip(&options.crashes)
                .find(|(_, v)| **v == Some(UNDECIDED));
            if let Some((p, _)) = never {
                return Some(Move::Crash(p));
            }
        }
        (!options.deliveries.is_empty()).then_some(Move::Deliver(0))
    }
}

/// The outlook of a configuration no run from which decides.
pub const UNDECIDED: &str = "undecided";

/// What a configuration can still decide, in the words a learner's code gets: `"0-valent"`,
/// `"1-valent"`, `"bivalent"`, [`UNDECIDED`] when no run decides at all (a process the others
/// wait for has crashed), or `"unknown"` when the search found no decision before its horizon.
pub fn outlook(reach: Reach) -> &'static str {
    match reach.valence() {
        Valence::Unknown if reach.cut => "unknown",
        Valence::Unknown => UNDECIDED,
        v => v.word(),
    }
}

/// The options at `root` of `graph`, the messages in transit given oldest first
/// (`oldest_first`, which may include messages that no longer matter: they are left out), with
/// `crashes_left` and the valence after each crash (searched here, below the same horizon).
/// `crash_searches` holds, per process, the last search after crashing it: the next one takes
/// what it expanded ([`Graph::explore_after`]), and is stored in its place.
pub fn options(
    shape: &Shape,
    graph: &Graph,
    root: usize,
    oldest_first: &[(u32, u32, Msg)],
    crashes_left: u32,
    crash_searches: &mut Vec<Option<Rc<Graph>>>,
) -> Options {
    let config = &graph.configs[root];
    let live: Vec<(u32, u32, Msg)> = oldest_first
        .iter()
        .filter(|m| config.pending.contains(m))
        .copied()
        .collect();
    let dist = live
        .first()
        .map(|oldest| to_bivalent_service(graph, *oldest))
        .unwrap_or_default();
    let deliveries = live
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let succ: Vec<usize> = graph.successors(root, m).collect();
            let after = outlook(graph.reach_after(root, m));
            let steps = if k == 0 {
                u32::from(
                    !succ.is_empty() && succ.iter().all(|s| graph.valence(*s) == Valence::Bivalent),
                )
            } else {
                succ.iter()
                    .map(|s| dist[*s])
                    .try_fold(0u32, |worst, d| Some(worst.max(d?)))
                    .filter(|_| !succ.is_empty())
                    .map_or(0, |d| d + 2)
            };
            DeliveryOption {
                message: *m,
                after,
                steps,
            }
        })
        .collect();
    let crashes = (0..shape.n)
        .map(|p| {
            config.procs.get(p as usize)?.as_ref()?;
            let crashed = config.crash(shape, p);
            let slot = p as usize;
            if crash_searches.len() <= slot {
                crash_searches.resize(slot + 1, None);
            }
            let search = Graph::explore_after(
                shape,
                &crashed,
                graph.max_round,
                super::adversary::BUDGET_CONFIGS,
                crash_searches[slot].as_deref(),
            );
            let reach = search.reach[0];
            crash_searches[slot] = Some(Rc::new(search));
            Some(outlook(reach))
        })
        .collect();
    Options {
        deliveries,
        crashes,
        crashes_left,
    }
}

/// For every configuration of `graph`, the fewest deliveries of messages other than `oldest`
/// that lead to one from which delivering `oldest` stays bivalent (or where it no longer
/// matters, the configuration being bivalent); `None` if none does within the search. One
/// breadth-first pass backwards from all such configurations at once.
fn to_bivalent_service(graph: &Graph, oldest: (u32, u32, Msg)) -> Vec<Option<u32>> {
    let n = graph.configs.len();
    let mut back: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut dist: Vec<Option<u32>> = vec![None; n];
    let mut queue = VecDeque::new();
    for (here, c) in graph.configs.iter().enumerate() {
        let mut serves = Vec::new();
        for (i, to) in &graph.edges[here] {
            if c.pending[*i] == oldest {
                serves.push(*to);
            } else {
                back[*to].push(here);
            }
        }
        let bivalent = graph.valence(here) == Valence::Bivalent;
        let good = bivalent
            && if c.pending.contains(&oldest) {
                !serves.is_empty()
                    && serves
                        .iter()
                        .all(|s| graph.valence(*s) == Valence::Bivalent)
            } else {
                true
            };
        if good {
            queue.push_back(here);
        }
    }
    for here in &queue {
        dist[*here] = Some(0);
    }
    while let Some(here) = queue.pop_front() {
        let d = dist[here].unwrap_or(0) + 1;
        for from in &back[here] {
            if dist[*from].is_none() {
                dist[*from] = Some(d);
                queue.push_back(*from);
            }
        }
    }
    dist
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::flp::explore::initial;
    use crate::protocols::flp::model::Coin;

    fn three() -> Shape {
        Shape {
            n: 3,
            coin: Coin::Fixed,
        }
    }

    #[test]
    fn from_a_bivalent_start_the_oldest_message_can_be_served_at_once() {
        let shape = three();
        let config = initial(&shape, &[0, 1, 1]);
        let graph = Graph::explore(&shape, &config, config.horizon(1), 20_000);
        let o = options(&shape, &graph, 0, &config.pending, 1, &mut Vec::new());
        assert_eq!(o.deliveries.len(), config.pending.len());
        assert!(o.deliveries.iter().any(|d| d.steps == 1 || d.steps >= 2));
        // A crash of one of three leaves two, who can still decide.
        assert!(o
            .crashes
            .iter()
            .all(|c| c.is_some() && *c != Some(UNDECIDED)));
        assert!(matches!(Lemma3.choose(&o), Some(Move::Deliver(_))));
    }

    #[test]
    fn with_two_processes_one_crash_leaves_nobody_able_to_decide() {
        let shape = Shape {
            n: 2,
            coin: Coin::Fixed,
        };
        let config = initial(&shape, &[0, 1]);
        let graph = Graph::explore(&shape, &config, config.horizon(1), 20_000);
        let o = options(&shape, &graph, 0, &config.pending, 1, &mut Vec::new());
        assert_eq!(outlook(graph.reach[0]), "0-valent");
        assert!(o.deliveries.iter().all(|d| d.steps == 0));
        assert_eq!(o.crashes, vec![Some(UNDECIDED), Some(UNDECIDED)]);
        assert_eq!(Lemma3.choose(&o), Some(Move::Crash(0)));
        let spent = Options {
            crashes_left: 0,
            ..o
        };
        assert_eq!(Lemma3.choose(&spent), Some(Move::Deliver(0)));
    }
}
