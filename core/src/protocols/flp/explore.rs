//! The valence explorer: every configuration reachable from one, by a breadth-first search over
//! deliveries in any order, up to a round horizon, and the decisions each can still reach.
//!
//! FLP's words (Fischer, Lynch and Paterson 1985): a **configuration** is every process's state
//! and the messages sent but not yet received; an **event** delivers one of those messages; a
//! configuration is **0-valent** if every decision reachable from it is 0, **1-valent** if every
//! one is 1, and **bivalent** if both are reachable. The search cannot go on forever (rounds have
//! no end), so it stops at a horizon: a valence it found with every branch decided below the
//! horizon is exact, "bivalent" is always exact (both decisions were reached), and a branch cut
//! at the horizon is reported as such rather than guessed.

use super::model::{Msg, Proc, Shape};
use std::collections::BTreeMap;

/// A configuration's processes (at most [`super::MAX_NODES`]).
pub type Procs = Vec<Option<Proc>>;
/// A configuration's messages in transit, as `(from, to, message)`.
pub type Pending = Vec<(u32, u32, Msg)>;

/// A quick fingerprint of a configuration for the search's index: every field packed into a few
/// words, each mixed in with the rustc "Fx" step. Only equal configurations are merged, so the
/// fingerprint cannot change a result; it only has to be fast (hashing field by field was a
/// fifth of a search's time, and byte by byte a quarter).
fn fingerprint(c: &Config) -> u64 {
    fn value_code(v: Option<u8>) -> u64 {
        v.map_or(0, |v| u64::from(v) + 1)
    }
    let mut h = 0u64;
    let mut add = |word: u64| h = (h.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    for p in &c.procs {
        let Some(p) = p else {
            add(u64::MAX);
            continue;
        };
        add(u64::from(p.round) << 32
            | (p.got.len() as u64 & 0xffff) << 16
            | value_code(p.decided) << 8
            | (p.phase as u64) << 4
            | u64::from(p.value) << 2
            | u64::from(p.input));
        for (round, phase, from, value) in &p.got {
            add(u64::from(*round) << 32
                | (*phase as u64) << 24
                | u64::from(*from) << 8
                | value_code(*value));
        }
    }
    for (from, to, msg) in &c.pending {
        let (kind, round, value) = match msg {
            Msg::Report { round, value } => (0, *round, Some(*value)),
            Msg::Propose { round, value } => (1, *round, *value),
            Msg::Decided { value } => (2, 0, Some(*value)),
        };
        add(u64::from(*from & 0xff) << 56
            | u64::from(*to & 0xff) << 48
            | kind << 40
            | value_code(value) << 32
            | u64::from(round));
    }
    h
}

/// A configuration: each process's state (`None` once crashed) and the messages in transit, as
/// a sorted multiset of `(from, to, message)`. Messages that would change nothing (to a process
/// that decided, crashed, or left their phase) are left out.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Config {
    /// Each process, `None` once it has crashed.
    pub procs: Procs,
    /// Messages in transit that still matter.
    pub pending: Pending,
}

/// What a search found reachable from a configuration.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Reach {
    /// A run decides 0.
    pub zero: bool,
    /// A run decides 1.
    pub one: bool,
    /// Some branch was cut at the horizon undecided, so a decision beyond it is not ruled out.
    pub cut: bool,
}

/// A configuration's valence as far as the search could tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Valence {
    /// Every reachable decision is 0 (`exact`: no branch was cut at the horizon).
    Zero {
        /// False if a branch was cut undecided at the horizon.
        exact: bool,
    },
    /// Every reachable decision is 1.
    One {
        /// False if a branch was cut undecided at the horizon.
        exact: bool,
    },
    /// Both decisions are reachable: always exact.
    Bivalent,
    /// No decision reachable below the horizon.
    Unknown,
}

impl Reach {
    /// The valence this reach means.
    pub fn valence(self) -> Valence {
        match (self.zero, self.one) {
            (true, true) => Valence::Bivalent,
            (true, false) => Valence::Zero { exact: !self.cut },
            (false, true) => Valence::One { exact: !self.cut },
            (false, false) => Valence::Unknown,
        }
    }
}

impl Valence {
    /// A short word for people: "bivalent", "0-valent", "1-valent" or "unknown".
    pub fn word(self) -> &'static str {
        match self {
            Valence::Zero { .. } => "0-valent",
            Valence::One { .. } => "1-valent",
            Valence::Bivalent => "bivalent",
            Valence::Unknown => "unknown",
        }
    }
}

impl Config {
    /// The decision some process has made, if any (agreement makes it the only one).
    pub fn decided(&self) -> Option<u8> {
        self.procs.iter().flatten().find_map(|p| p.decided)
    }

    /// The highest round any live process has reached.
    pub fn max_round(&self) -> u32 {
        self.procs
            .iter()
            .flatten()
            .map(|p| p.round)
            .max()
            .unwrap_or(0)
    }

    /// The horizon a search from here looks to: `window` rounds past the furthest process.
    /// (Past the slowest is not enough: the adversary then loses sight of the decisions the
    /// furthest process can still be steered away from, and a run decides within 55 steps.)
    pub fn horizon(&self, window: u32) -> u32 {
        self.max_round() + window
    }

    /// Drops messages that would change nothing and sorts the rest, so equal configurations
    /// compare equal.
    pub fn normalise(&mut self, shape: &Shape) {
        let procs = &self.procs;
        self.pending.retain(|(_, to, msg)| {
            procs
                .get(*to as usize)
                .and_then(|p| p.as_ref())
                .is_some_and(|p| !shape.is_stale(p, msg))
        });
        self.pending.sort_unstable();
    }

    /// The configurations one delivery of `self.pending[i]` leads to: one, or two when a fair
    /// coin is flipped (each outcome). `None` if `i` is out of range.
    pub fn deliver(&self, shape: &Shape, i: usize) -> Option<Vec<Config>> {
        let (from, to, msg) = *self.pending.get(i)?;
        let mut outcomes = Vec::with_capacity(2);
        for flip in 0..=1u8 {
            let mut next = self.clone();
            next.pending.remove(i);
            let Some(Some(p)) = next.procs.get_mut(to as usize) else {
                return Some(vec![next]);
            };
            let (sends, used) = shape.receive(to, p, from, msg, flip);
            next.pending
                .extend(sends.into_iter().map(|(dest, m)| (to, dest, m)));
            next.normalise(shape);
            outcomes.push(next);
            if !used {
                break;
            }
        }
        Some(outcomes)
    }

    /// Crashes process `node`: it takes no more steps and messages to it never arrive.
    pub fn crash(&self, shape: &Shape, node: u32) -> Config {
        let mut next = self.clone();
        if let Some(slot) = next.procs.get_mut(node as usize) {
            *slot = None;
        }
        next.normalise(shape);
        next
    }
}

/// Every configuration reachable from a start below a round horizon, with what each can reach.
pub struct Graph {
    /// The configurations, the start first, in the order found.
    pub configs: Vec<Config>,
    /// For each configuration, its successors: `(index of the message delivered in its
    /// pending list, index of the configuration it leads to)`.
    pub edges: Vec<Vec<(usize, usize)>>,
    /// For each configuration, what it can reach.
    pub reach: Vec<Reach>,
    /// True if the search stopped at its configuration budget before exploring everything below
    /// the horizon (every unexplored configuration then counts as cut).
    pub truncated: bool,
    /// For each configuration, true if the budget left part of what it reaches unexplored.
    starved: Vec<bool>,
    /// For each configuration, true if the search computed its successors.
    expanded: Vec<bool>,
    /// Each configuration's fingerprint.
    prints: Vec<u64>,
    /// The horizon: configurations in which some process is past this round are not expanded.
    pub max_round: u32,
    /// The configurations by hash (the first of each hash), and for each configuration the next
    /// one of the same hash ([`Graph::find`]).
    index: BTreeMap<u64, usize>,
    chain: Vec<usize>,
}

impl Graph {
    /// Explores from `start` every delivery order, expanding configurations in which no process
    /// is past round `max_round`, up to `budget` configurations.
    pub fn explore(shape: &Shape, start: &Config, max_round: u32, budget: usize) -> Graph {
        Graph::explore_after(shape, start, max_round, budget, None)
    }

    /// [`Graph::explore`], taking the successors of every configuration `previous` expanded
    /// from it instead of computing them again. A configuration's successors do not depend on
    /// where a search started or how far it looks, and the search visits and numbers
    /// configurations in the same order either way, so the graph is the same as a new search's;
    /// only the deliveries are not replayed. An adversary's next search starts a delivery or two
    /// on from its last, and much of what it needs was expanded there.
    pub fn explore_after(
        shape: &Shape,
        start: &Config,
        max_round: u32,
        budget: usize,
        previous: Option<&Graph>,
    ) -> Graph {
        let mut start = start.clone();
        start.normalise(shape);
        let mut found = Found::default();
        let start_print = fingerprint(&start);
        found.add(start, start_print);
        // Where each of `previous`'s configurations is here, once taken.
        let mut taken: Vec<usize> = vec![usize::MAX; previous.map_or(0, |p| p.configs.len())];
        let mut truncated = false;
        let mut next = 0;
        while next < found.configs.len() {
            let here = next;
            next += 1;
            let c = &found.configs[here];
            if c.decided().is_some() || c.max_round() > max_round {
                continue;
            }
            if found.configs.len() >= budget {
                truncated = true;
                continue;
            }
            found.expanded[here] = true;
            let there = previous.and_then(|p| {
                p.find_printed(c, found.prints[here])
                    .filter(|at| p.expanded[*at])
                    .map(|at| (p, at))
            });
            if let Some((p, at)) = there {
                for (i, to) in &p.edges[at] {
                    if taken[*to] == usize::MAX {
                        taken[*to] = found.add(p.configs[*to].clone(), p.prints[*to]);
                    }
                    found.edges[here].push((*i, taken[*to]));
                }
                continue;
            }
            let c = c.clone();
            for i in 0..c.pending.len() {
                if i > 0 && c.pending[i] == c.pending[i - 1] {
                    continue;
                }
                for succ in c.deliver(shape, i).unwrap_or_default() {
                    let print = fingerprint(&succ);
                    let id = found.add(succ, print);
                    found.edges[here].push((i, id));
                }
            }
        }
        let Found {
            index,
            chain,
            prints,
            configs,
            edges,
            expanded,
        } = found;
        let mut reach: Vec<Reach> = configs
            .iter()
            .zip(&expanded)
            .map(|(c, expanded)| match c.decided() {
                Some(0) => Reach {
                    zero: true,
                    ..Reach::default()
                },
                Some(_) => Reach {
                    one: true,
                    ..Reach::default()
                },
                // Unexpanded and undecided: cut at the horizon or the budget. Expanded with no
                // successor: every process is stuck waiting (a crash took a quorum), so nothing
                // is reachable, and nothing was cut.
                None => Reach {
                    cut: !expanded,
                    ..Reach::default()
                },
            })
            .collect();
        // The graph has no cycles (every delivery moves a process on or uses up a message), so
        // passes from the newest configuration back settle it; repeat until nothing changes.
        // Configurations the budget left unexplored, and every configuration that reaches one:
        // a search from those would look further than this one did.
        let mut starved: Vec<bool> = configs
            .iter()
            .zip(&expanded)
            .map(|(c, expanded)| !expanded && c.decided().is_none() && c.max_round() <= max_round)
            .collect();
        loop {
            let mut changed = false;
            for here in (0..configs.len()).rev() {
                if !starved[here] && edges[here].iter().any(|(_, to)| starved[*to]) {
                    starved[here] = true;
                    changed = true;
                }
                let mut r = reach[here];
                for (_, to) in &edges[here] {
                    let s = reach[*to];
                    r.zero |= s.zero;
                    r.one |= s.one;
                    r.cut |= s.cut;
                }
                if r != reach[here] {
                    reach[here] = r;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        Graph {
            configs,
            edges,
            reach,
            truncated,
            starved,
            expanded,
            max_round,
            index,
            chain,
            prints,
        }
    }

    /// The index of `config` (normalised) in the graph, if the search reached it.
    pub fn find(&self, config: &Config) -> Option<usize> {
        self.find_printed(config, fingerprint(config))
    }

    /// [`Graph::find`] for a configuration whose fingerprint is `print`.
    fn find_printed(&self, config: &Config, print: u64) -> Option<usize> {
        let mut at = *self.index.get(&print)?;
        while at != usize::MAX {
            if self.configs[at] == *config {
                return Some(at);
            }
            at = self.chain[at];
        }
        None
    }

    /// Where `config` is in this graph, if a search from it would give this graph's results for
    /// it: the search reached `config` below the same horizon, and explored everything `config`
    /// reaches (even a search stopped by its budget may have, for configurations deep enough).
    /// Everything reachable from it is then already here, with the same successors in the same
    /// order, so its valence and every choice made from it are the same as a new search's;
    /// reusing the search cannot make a run depend on what was searched before.
    pub fn serves(&self, config: &Config, max_round: u32) -> Option<usize> {
        if self.max_round != max_round {
            return None;
        }
        self.find(config).filter(|at| !self.starved[*at])
    }

    /// The configurations delivering `m` from configuration `at` leads to: one, or two when a
    /// fair coin is flipped; none if `m` is not in transit there or `at` was not expanded.
    pub fn successors<'a>(
        &'a self,
        at: usize,
        m: &'a (u32, u32, Msg),
    ) -> impl Iterator<Item = usize> + 'a {
        let pending = &self.configs[at].pending;
        self.edges[at]
            .iter()
            .filter(move |(i, _)| pending[*i] == *m)
            .map(|(_, to)| *to)
    }

    /// What delivering `m` from configuration `at` can still reach: with a fair coin, what
    /// either outcome of the flip reaches (the scheduler does not choose the coin).
    pub fn reach_after(&self, at: usize, m: &(u32, u32, Msg)) -> Reach {
        self.successors(at, m)
            .map(|to| self.reach[to])
            .fold(Reach::default(), |r, t| Reach {
                zero: r.zero || t.zero,
                one: r.one || t.one,
                cut: r.cut || t.cut,
            })
    }

    /// The valence of configuration `i`.
    pub fn valence(&self, i: usize) -> Valence {
        self.reach[i].valence()
    }
}

/// A search's configurations as it goes: each found once, by fingerprint, with a chain to the
/// next one of the same fingerprint (comparing u64 keys is far cheaper than comparing
/// configurations).
#[derive(Default)]
struct Found {
    index: BTreeMap<u64, usize>,
    chain: Vec<usize>,
    prints: Vec<u64>,
    configs: Vec<Config>,
    edges: Vec<Vec<(usize, usize)>>,
    expanded: Vec<bool>,
}

impl Found {
    /// The id of `config` (whose fingerprint is `print`), added if it is new.
    fn add(&mut self, config: Config, print: u64) -> usize {
        let mut at = self.index.get(&print).copied().unwrap_or(usize::MAX);
        while at != usize::MAX && self.configs[at] != config {
            at = self.chain[at];
        }
        if at != usize::MAX {
            return at;
        }
        let id = self.configs.len();
        self.chain
            .push(self.index.insert(print, id).unwrap_or(usize::MAX));
        self.configs.push(config);
        self.prints.push(print);
        self.edges.push(Vec::new());
        self.expanded.push(false);
        id
    }
}

/// The initial configuration of `shape` with these inputs (one per process, 0 or 1).
pub fn initial(shape: &Shape, inputs: &[u8]) -> Config {
    let mut procs = Procs::new();
    let mut pending = Pending::new();
    for (me, input) in (0u32..).zip(inputs) {
        let (p, sends) = shape.start(me, *input);
        procs.push(Some(p));
        pending.extend(sends.into_iter().map(|(to, m)| (me, to, m)));
    }
    let mut c = Config { procs, pending };
    c.normalise(shape);
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::flp::model::Coin;

    fn shape() -> Shape {
        Shape {
            n: 3,
            coin: Coin::Fixed,
        }
    }

    fn valence_of(inputs: &[u8], rounds: u32) -> Valence {
        let s = shape();
        Graph::explore(&s, &initial(&s, inputs), rounds, 1_000_000).valence(0)
    }

    #[test]
    fn unanimous_inputs_are_univalent_and_exactly_so() {
        assert_eq!(valence_of(&[0, 0, 0], 3), Valence::Zero { exact: true });
        assert_eq!(valence_of(&[1, 1, 1], 3), Valence::One { exact: true });
    }

    #[test]
    fn two_ones_of_three_make_a_bivalent_initial_configuration() {
        assert_eq!(valence_of(&[0, 1, 1], 3), Valence::Bivalent);
        assert_eq!(valence_of(&[1, 0, 1], 3), Valence::Bivalent);
    }

    #[test]
    fn a_single_one_can_never_win_with_the_fixed_coin() {
        // A 1 is proposed only when two processes report it, and with the fixed coin values
        // only ever become 0 or a proposed value.
        assert!(matches!(valence_of(&[0, 0, 1], 4), Valence::Zero { .. }));
    }

    #[test]
    fn every_configuration_below_the_horizon_agrees_and_the_graph_has_no_cycles() {
        let s = shape();
        let g = Graph::explore(&s, &initial(&s, &[0, 1, 1]), 2, 1_000_000);
        assert!(!g.truncated);
        for c in &g.configs {
            let decisions: Vec<u8> = c.procs.iter().flatten().filter_map(|p| p.decided).collect();
            assert!(decisions.windows(2).all(|w| w[0] == w[1]), "{c:?}");
        }
        for (here, out) in g.edges.iter().enumerate() {
            for (_, to) in out {
                assert_ne!(*to, here);
            }
        }
    }

    #[test]
    fn a_search_that_takes_another_searchs_expansions_finds_the_same_graph() {
        for coin in [Coin::Fixed, Coin::Fair] {
            let s = Shape { n: 3, coin };
            let start = initial(&s, &[0, 1, 1]);
            let first = Graph::explore(&s, &start, 2, 4_000);
            let next = start.deliver(&s, 0).unwrap().remove(0);
            for (horizon, budget) in [(2, 4_000), (3, 4_000), (2, 100_000)] {
                let fresh = Graph::explore(&s, &next, horizon, budget);
                let reused = Graph::explore_after(&s, &next, horizon, budget, Some(&first));
                assert_eq!(fresh.configs, reused.configs, "{coin:?} {horizon} {budget}");
                assert_eq!(fresh.edges, reused.edges);
                assert_eq!(fresh.reach, reused.reach);
                assert_eq!(fresh.truncated, reused.truncated);
                assert_eq!(fresh.starved, reused.starved);
            }
        }
    }

    #[test]
    fn a_flip_is_bivalent_only_if_its_outcomes_reach_both_decisions() {
        let s = Shape {
            n: 3,
            coin: Coin::Fair,
        };
        let g = Graph::explore(&s, &initial(&s, &[0, 1, 1]), 2, 1_000_000);
        let (mut one_cut, mut one_exact_and_not) = (0, 0);
        for (at, c) in g.configs.iter().enumerate() {
            for m in &c.pending {
                let outcomes: Vec<Valence> = g.successors(at, m).map(|to| g.valence(to)).collect();
                let after = g.reach_after(at, m).valence();
                match outcomes.as_slice() {
                    // One outcome decides, the other was cut undecided at the horizon.
                    [Valence::Zero { .. }, Valence::Unknown]
                    | [Valence::Unknown, Valence::Zero { .. }] => {
                        one_cut += 1;
                        assert_eq!(after, Valence::Zero { exact: false });
                    }
                    // Both decide 1, one of them exactly.
                    [Valence::One { exact: a }, Valence::One { exact: b }] if a != b => {
                        one_exact_and_not += 1;
                        assert_eq!(after, Valence::One { exact: false });
                    }
                    [Valence::Zero { .. }, Valence::One { .. }]
                    | [Valence::One { .. }, Valence::Zero { .. }] => {
                        assert_eq!(after, Valence::Bivalent)
                    }
                    _ => {}
                }
            }
        }
        assert!(
            one_cut > 0 && one_exact_and_not > 0,
            "{one_cut} {one_exact_and_not}"
        );
    }
}
