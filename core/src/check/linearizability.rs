//! Is a concurrent history linearizable? The search of Porcupine's `checker.go`.
//!
//! A history is linearizable (Herlihy and Wing, 1990) when every operation can be given one
//! instant between its call and its return such that, taken in that order, the operations
//! are accepted by the sequential [`Model`]. The search is Wing and Gong's (1993): walk the
//! calls and returns in time order; at a call, try to *linearize* that operation next (apply
//! it to the model and lift it out of the list); at a return whose operation is not yet
//! linearized, every order so far is a dead end, so undo the last choice and try the next
//! call. Lowe's cache (2017) of (set of linearized operations, state) pairs prunes the search:
//! reaching the same set in the same state by another order cannot succeed where the first
//! failed. Porcupine adds partitioning by key (see [`Model::partition_key`]).
//!
//! The search is NP-hard in general, so it is bounded by a budget of search steps: when it
//! runs out the verdict is [`Verdict::Unknown`], never a hang. For an illegal history the
//! result carries, per partition, the longest partial linearization found and a sentence
//! naming the operation that could not be placed and why.

use crate::check::model::{Model, Step};
use crate::history::{events_to_operations, validate, Event, HistoryError, Operation};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// A step budget fifteen times what the hardest history of the Porcupine test set needs
/// (etcd_002: 1.36 million steps; kv c50-ok: 0.92 million), yet one that bounds a
/// pathological input to about a second natively and its cache to well under a gigabyte.
pub const DEFAULT_BUDGET_STEPS: u64 = 20_000_000;

/// Steps a partition searches before the next partition takes its turn.
const SLICE_STEPS: u64 = 20_000;

/// The checker's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Verdict {
    /// Some order of the operations respects real time and the model.
    Ok,
    /// No such order exists.
    Illegal,
    /// The step budget ran out before the search finished.
    Unknown,
}

/// The verdict on one partition (one key of a store, or the whole history), with evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionResult {
    /// The partition's key, `None` if the model does not partition.
    pub key: Option<String>,
    /// This partition's verdict; `Unknown` also for a partition left unsearched because
    /// another was found illegal first (which decides the history).
    pub verdict: Verdict,
    /// The operations of this partition, as indices into the history.
    pub operations: Vec<u64>,
    /// The longest partial linearization found, as indices into the history in linearization
    /// order: for an `Ok` partition, a whole linearization.
    pub longest: Vec<u64>,
    /// For an illegal partition: the operation that could not be placed after `longest`.
    pub blocked: Option<u64>,
    /// For an illegal partition: why, in a sentence for learners.
    pub explanation: Option<String>,
}

/// What [`check_operations`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    /// `Illegal` if any partition is; else `Unknown` if any ran out of budget; else `Ok`.
    pub verdict: Verdict,
    /// One result per partition, in key order.
    pub partitions: Vec<PartitionResult>,
    /// Search steps taken in all.
    pub steps: u64,
}

impl CheckResult {
    /// The first illegal partition's explanation, if any.
    pub fn explanation(&self) -> Option<&str> {
        self.partitions
            .iter()
            .find_map(|p| p.explanation.as_deref())
    }
}

/// Checks a history of operations against `model` within `budget_steps` search steps.
///
/// Errors only for a malformed history (an operation that returns before its call); every
/// other input gets a verdict.
pub fn check_operations<M: Model>(
    model: &M,
    history: &[Operation<M::Input, M::Output>],
    budget_steps: u64,
) -> Result<CheckResult, HistoryError> {
    validate(history)?;
    let mut groups: BTreeMap<Option<String>, Vec<u64>> = BTreeMap::new();
    for (i, op) in history.iter().enumerate() {
        groups
            .entry(model.partition_key(&op.input))
            .or_default()
            .push(i as u64);
    }
    let groups: Vec<(Option<String>, Vec<u64>)> = groups.into_iter().collect();
    let subs: Vec<Vec<&Operation<M::Input, M::Output>>> = groups
        .iter()
        .map(|(_, idx)| idx.iter().map(|&i| &history[i as usize]).collect())
        .collect();
    let mut searchers: Vec<Searcher<M::State>> = subs
        .iter()
        .map(|ops| Searcher::new(model.init(), ops))
        .collect();
    // Partitions take turns, a slice of steps each, and the first illegal one ends the check:
    // as Porcupine runs partitions in parallel and stops at the first failure, an easy illegal
    // key is found without first finishing a hard one. Deterministic: slices count steps.
    let mut left = budget_steps;
    let mut illegal = false;
    while left > 0 && !illegal {
        let mut progressed = false;
        for (s, ops) in searchers.iter_mut().zip(&subs) {
            if s.verdict.is_some() || left == 0 {
                continue;
            }
            let before = s.steps;
            let slice = SLICE_STEPS.min(left);
            let v = s.run(model, ops, slice);
            left -= (s.steps - before).min(left);
            progressed = true;
            if v == Some(Verdict::Illegal) {
                illegal = true;
                break;
            }
        }
        if !progressed {
            break;
        }
    }
    let mut steps = 0u64;
    let mut partitions = Vec::with_capacity(groups.len());
    for ((key, operations), (s, ops)) in groups.into_iter().zip(searchers.into_iter().zip(&subs)) {
        steps += s.steps;
        let global = |local: u32| operations[local as usize];
        let verdict = s.verdict.unwrap_or(Verdict::Unknown);
        let longest: Vec<u64> = s.longest.iter().map(|&l| global(l)).collect();
        let blocked = s.blocked.filter(|_| verdict == Verdict::Illegal);
        let explanation = blocked.map(|b| {
            explain(
                model,
                ops[b as usize],
                &s.states[s.state_after_longest as usize].0,
                longest.len() as u64,
                operations.len() as u64,
                key.as_deref(),
            )
        });
        let blocked = blocked.map(global);
        partitions.push(PartitionResult {
            key,
            verdict,
            operations,
            longest,
            blocked,
            explanation,
        });
    }
    let verdict = if partitions.iter().any(|p| p.verdict == Verdict::Illegal) {
        Verdict::Illegal
    } else if partitions.iter().any(|p| p.verdict == Verdict::Unknown) {
        Verdict::Unknown
    } else {
        Verdict::Ok
    };
    Ok(CheckResult {
        verdict,
        partitions,
        steps,
    })
}

/// Checks a history in event form (Porcupine's `CheckEvents`): each event's position is its
/// time, and a call without a return is pending.
pub fn check_events<M: Model>(
    model: &M,
    events: Vec<Event<M::Input, M::Output>>,
    budget_steps: u64,
) -> Result<CheckResult, HistoryError> {
    let ops = events_to_operations(events)?;
    check_operations(model, &ops, budget_steps)
}

fn explain<M: Model>(
    model: &M,
    op: &Operation<M::Input, M::Output>,
    state: &M::State,
    placed: u64,
    total: u64,
    key: Option<&str>,
) -> String {
    let output = op.output.as_ref();
    let what = model.describe_operation(&op.input, output);
    let why = match model.step(state, &op.input, output) {
        Step::Illegal => model.why_illegal(state, &op.input, output),
        // Legal here, yet every state it leads to was already explored and failed.
        _ => format!(
            "it fits after the longest valid order of the operations before it (state {}), \
             but every way to go on from there fails",
            model.describe_state(state)
        ),
    };
    let scope = key.map_or(String::new(), |k| format!(" on key '{k}'"));
    format!(
        "{what} by client {} cannot be placed: {why}. The longest valid order found places \
         {placed} of the {total} operations{scope}.",
        op.client_id
    )
}

const NONE: u32 = u32::MAX;

/// FNV-1a, for state hashes: the standard library's hasher may change between releases, and
/// this one is short and fast on small states.
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    fn write_u64(&mut self, v: u64) {
        // One multiply per word instead of eight: integer states dominate.
        self.0 = (self.0 ^ v).wrapping_mul(0x0000_0100_0000_01B3);
        self.0 ^= self.0 >> 29;
    }
    fn write_i64(&mut self, v: i64) {
        self.write_u64(v as u64);
    }
}

fn hash_state<S: Hash>(s: &S) -> u64 {
    let mut h = Fnv(0xCBF2_9CE4_8422_2325);
    s.hash(&mut h);
    h.finish()
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Lowe's cache: the set of (linearized operations, state) pairs already reached.
///
/// Open addressing on a 64-bit key (a Zobrist hash of the set, mixed with the state's hash);
/// a hit compares the bitsets and states exactly, so the hash decides speed, never a verdict.
struct Cache {
    words: usize,
    /// Per slot: index into `entries`, or NONE.
    slots: Vec<u32>,
    /// Per entry: (key, state index).
    entries: Vec<(u64, u32)>,
    /// The entries' bitsets, `words` each.
    bits: Vec<u64>,
}

impl Cache {
    fn new(words: usize) -> Self {
        Cache {
            words,
            slots: vec![NONE; 1024],
            entries: Vec::new(),
            bits: Vec::new(),
        }
    }

    /// Inserts (linearized, state) unless present; true if it was new.
    fn insert<S: Eq>(
        &mut self,
        key: u64,
        linearized: &[u64],
        state: u32,
        states: &[(S, u64)],
    ) -> bool {
        let mask = self.slots.len() as u64 - 1;
        let mut slot = key & mask;
        loop {
            let e = self.slots[slot as usize];
            if e == NONE {
                break;
            }
            let (k, s) = self.entries[e as usize];
            if k == key {
                let start = e as usize * self.words;
                if self.bits[start..start + self.words] == *linearized
                    && (s == state || states[s as usize].0 == states[state as usize].0)
                {
                    return false;
                }
            }
            slot = (slot + 1) & mask;
        }
        self.slots[slot as usize] = self.entries.len() as u32;
        self.entries.push((key, state));
        self.bits.extend_from_slice(linearized);
        if self.entries.len() * 2 > self.slots.len() {
            self.grow();
        }
        true
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        self.slots = vec![NONE; size];
        let mask = size as u64 - 1;
        for (i, &(key, _)) in self.entries.iter().enumerate() {
            let mut slot = key & mask;
            while self.slots[slot as usize] != NONE {
                slot = (slot + 1) & mask;
            }
            self.slots[slot as usize] = i as u32;
        }
    }
}

/// Wing and Gong's search with Lowe's cache on one partition, as Porcupine's `checkSingle`,
/// made resumable: [`Searcher::run`] takes a slice of steps, so partitions can take turns.
struct Searcher<S> {
    /// Per node: next and previous in the list (NONE at the ends); node 0 is the head.
    next: Vec<u32>,
    prev: Vec<u32>,
    /// Per node: its operation.
    op_of: Vec<u32>,
    /// Per call node: its return node; NONE for a return node.
    match_of: Vec<u32>,
    /// Per operation: a random 64-bit word; a set hashes as the xor of its members' words.
    zobrist: Vec<u64>,
    linearized: Vec<u64>,
    lin_hash: u64,
    cache: Cache,
    /// Every state reached, with its hash; the search refers to states by index.
    states: Vec<(S, u64)>,
    state: u32,
    /// The call stack: (call node, state before it).
    calls: Vec<(u32, u32)>,
    entry: u32,
    steps: u64,
    verdict: Option<Verdict>,
    /// The longest partial linearization found so far, the operation that blocked it, and
    /// the state it left.
    longest: Vec<u32>,
    blocked: Option<u32>,
    state_after_longest: u32,
}

impl<S: Clone + Eq + Hash> Searcher<S> {
    fn new<I, O>(init: S, ops: &[&Operation<I, O>]) -> Self {
        let n = ops.len();
        // Entries in time order, calls before returns at equal times (closed intervals); the
        // sort is stable, so events of equal time keep the history's order. A pending
        // operation returns after everything.
        let mut order: Vec<(i64, bool, u32)> = Vec::with_capacity(2 * n);
        for (i, op) in ops.iter().enumerate() {
            order.push((op.call_time, false, i as u32));
            order.push((op.return_time.unwrap_or(i64::MAX), true, i as u32));
        }
        order.sort_by_key(|&(t, is_return, _)| (t, is_return));
        let nodes = 2 * n + 1;
        let mut op_of = vec![0u32; nodes];
        let mut match_of = vec![NONE; nodes];
        let mut call_node = vec![NONE; n];
        for (k, &(_, is_return, op)) in order.iter().enumerate() {
            let node = k + 1;
            op_of[node] = op;
            if is_return {
                match_of[call_node[op as usize] as usize] = node as u32;
            } else {
                call_node[op as usize] = node as u32;
            }
        }
        let prev = (0..nodes)
            .map(|k| if k == 0 { NONE } else { (k - 1) as u32 })
            .collect();
        let next: Vec<u32> = (0..nodes)
            .map(|k| if k + 1 < nodes { (k + 1) as u32 } else { NONE })
            .collect();
        let words = n.div_ceil(64).max(1);
        let init_hash = hash_state(&init);
        Searcher {
            entry: next[0],
            next,
            prev,
            op_of,
            match_of,
            zobrist: (0..n as u64)
                .map(|i| mix(i.wrapping_add(0x9E37_79B9_7F4A_7C15)))
                .collect(),
            linearized: vec![0u64; words],
            lin_hash: 0,
            cache: Cache::new(words),
            states: vec![(init, init_hash)],
            state: 0,
            calls: Vec::new(),
            steps: 0,
            verdict: None,
            longest: Vec::new(),
            blocked: None,
            state_after_longest: 0,
        }
    }

    /// Searches for at most `max_steps` more steps; the verdict once the search has ended.
    fn run<M: Model<State = S>>(
        &mut self,
        model: &M,
        ops: &[&Operation<M::Input, M::Output>],
        max_steps: u64,
    ) -> Option<Verdict> {
        if self.verdict.is_some() {
            return self.verdict;
        }
        let stop = self.steps.saturating_add(max_steps);
        // Locals for the hot loop; written back at the end.
        let (mut entry, mut state, mut lin_hash, mut steps) =
            (self.entry, self.state, self.lin_hash, self.steps);
        let next = &mut self.next;
        let prev = &mut self.prev;
        let op_of = &self.op_of;
        let match_of = &self.match_of;
        let linearized = &mut self.linearized;
        let states = &mut self.states;
        let calls = &mut self.calls;
        let mut verdict = None;
        while next[0] != NONE {
            if steps >= stop {
                break;
            }
            steps += 1;
            let e = entry as usize;
            let ret = match_of[e];
            if ret != NONE {
                let op = op_of[e];
                let o = ops[op as usize];
                let (cur, cur_hash) = &states[state as usize];
                let new_state = match model.step(cur, &o.input, o.output.as_ref()) {
                    Step::Illegal => None,
                    Step::Unchanged => Some(state),
                    Step::Changed(s) => {
                        let h = hash_state(&s);
                        // A changed state equal to the current one is the current one.
                        if h == *cur_hash && s == *cur {
                            Some(state)
                        } else {
                            states.push((s, h));
                            Some((states.len() - 1) as u32)
                        }
                    }
                };
                let Some(ns) = new_state else {
                    entry = next[e];
                    continue;
                };
                let (w, bit) = ((op / 64) as usize, op % 64);
                linearized[w] |= 1 << bit;
                let h = lin_hash ^ self.zobrist[op as usize];
                let key = mix(h ^ states[ns as usize].1.rotate_left(17));
                if self.cache.insert(key, linearized, ns, states) {
                    calls.push((entry, state));
                    state = ns;
                    lin_hash = h;
                    // Lift the call and its return out of the list.
                    let (p, nx) = (prev[e], next[e]);
                    next[p as usize] = nx;
                    prev[nx as usize] = p;
                    let r = ret as usize;
                    let (rp, rn) = (prev[r], next[r]);
                    next[rp as usize] = rn;
                    if rn != NONE {
                        prev[rn as usize] = rp;
                    }
                    entry = next[0];
                } else {
                    linearized[w] &= !(1 << bit);
                    if ns != state && ns as usize == states.len() - 1 {
                        states.pop();
                    }
                    entry = next[e];
                }
            } else {
                // A return whose operation is not linearized: this order is a dead end.
                if calls.len() > self.longest.len() || self.blocked.is_none() {
                    self.longest = calls.iter().map(|&(c, _)| op_of[c as usize]).collect();
                    self.blocked = Some(op_of[e]);
                    self.state_after_longest = state;
                }
                let Some((call, before)) = calls.pop() else {
                    verdict = Some(Verdict::Illegal);
                    break;
                };
                let c = call as usize;
                let op = op_of[c];
                linearized[(op / 64) as usize] &= !(1 << (op % 64));
                lin_hash ^= self.zobrist[op as usize];
                state = before;
                // Unlift: put the return back, then the call.
                let r = match_of[c] as usize;
                let (rp, rn) = (prev[r], next[r]);
                next[rp as usize] = r as u32;
                if rn != NONE {
                    prev[rn as usize] = r as u32;
                }
                let (p, nx) = (prev[c], next[c]);
                next[p as usize] = call;
                prev[nx as usize] = call;
                entry = next[c];
            }
        }
        if next[0] == NONE {
            verdict = Some(Verdict::Ok);
            self.longest = calls.iter().map(|&(c, _)| op_of[c as usize]).collect();
            self.blocked = None;
            self.state_after_longest = state;
        }
        (self.entry, self.state, self.lin_hash, self.steps) = (entry, state, lin_hash, steps);
        self.verdict = verdict;
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::models::{Register, RegisterInput as In, RegisterOutput as Out};

    fn write(client: u64, v: i64, call: i64, ret: i64) -> Operation<In, Out> {
        Operation::returned(client, In::Write(v), call, Out::Write, ret)
    }
    fn read(client: u64, v: i64, call: i64, ret: i64) -> Operation<In, Out> {
        Operation::returned(client, In::Read, call, Out::Read(v), ret)
    }

    #[test]
    fn empty_history_is_linearizable() {
        let r = check_operations(&Register, &[], 100).unwrap();
        assert_eq!(r.verdict, Verdict::Ok);
    }

    #[test]
    fn concurrent_write_may_be_seen_by_a_read() {
        let h = [write(0, 1, 0, 10), read(1, 1, 5, 6)];
        let r = check_operations(&Register, &h, 100).unwrap();
        assert_eq!(r.verdict, Verdict::Ok);
        assert_eq!(r.partitions[0].longest, vec![0, 1]);
    }

    #[test]
    fn stale_read_after_a_write_returned_is_illegal() {
        let h = [write(0, 1, 0, 1), read(1, 0, 2, 3)];
        let r = check_operations(&Register, &h, 100).unwrap();
        assert_eq!(r.verdict, Verdict::Illegal);
        assert_eq!(r.partitions[0].blocked, Some(1));
    }

    #[test]
    fn search_in_one_step_slices_ends_as_one_long_run() {
        let h = [
            write(0, 1, 0, 10),
            write(1, 2, 1, 9),
            read(2, 1, 2, 8),
            read(3, 2, 3, 4),
            read(2, 1, 11, 12),
        ];
        let ops: Vec<&Operation<In, Out>> = h.iter().collect();
        let mut whole = Searcher::new(0, &ops);
        let verdict = whole.run(&Register, &ops, u64::MAX);
        let mut sliced = Searcher::new(0, &ops);
        let mut turns = 0;
        while sliced.run(&Register, &ops, 1).is_none() {
            turns += 1;
        }
        assert_eq!(sliced.verdict, verdict);
        assert_eq!(
            (sliced.steps, &sliced.longest),
            (whole.steps, &whole.longest)
        );
        assert!(turns > 1);
    }

    #[test]
    fn return_before_call_is_an_error_not_a_panic() {
        let h = [write(0, 1, 5, 1)];
        assert!(check_operations(&Register, &h, 100).is_err());
    }
}
