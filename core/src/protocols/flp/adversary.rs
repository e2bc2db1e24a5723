//! The machine adversary: the scheduler of FLP's proof, which keeps a deterministic protocol
//! undecided forever while delivering every message.
//!
//! Its rule is Lemma 3 of Fischer, Lynch and Paterson (1985) turned into a search. Take the
//! oldest message `e` in transit. Look for a schedule `σ` of other deliveries such that
//! delivering `e` after `σ` leaves the configuration bivalent; play `σ`, then `e`. The lemma
//! proves such a `σ` exists for any protocol that tolerates one crash, and the oldest message is
//! always the one served, so every message is delivered within a bounded number of choices of
//! becoming the oldest: the run is admissible with no crash at all. The adversary chooses one
//! delivery at a time and recomputes; the shortest `σ` found from the next configuration is one
//! step shorter, so `e` still comes.

use super::explore::{Config, Graph, Valence};
use super::model::{Msg, Shape};
use std::collections::VecDeque;

/// How far past the furthest process's round the search looks.
pub const WINDOW_ROUNDS: u32 = 1;
/// The most configurations one choice may explore.
pub const BUDGET_CONFIGS: usize = 20_000;

/// What the adversary chose, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The message to deliver next, as `(from, to, message)`.
    pub deliver: (u32, u32, Msg),
    /// True if it keeps the configuration bivalent (or plays towards a bivalent delivery of the
    /// oldest message); false if the search found no way to, and it serves the oldest anyway.
    pub keeps_bivalent: bool,
    /// How many deliveries remain before the oldest message's turn (0: this is it).
    pub before_oldest: u32,
}

/// The next delivery from `config`, given the messages in transit oldest first
/// (`oldest_first`, which may include messages that no longer matter). `None` if nothing is in
/// transit.
pub fn choose(shape: &Shape, config: &Config, oldest_first: &[(u32, u32, Msg)]) -> Option<Choice> {
    let oldest = oldest_first.first()?;
    if !config.pending.contains(oldest) {
        return Some(Choice {
            deliver: *oldest,
            keeps_bivalent: true,
            before_oldest: 0,
        });
    }
    let graph = Graph::explore(shape, config, config.horizon(WINDOW_ROUNDS), BUDGET_CONFIGS);
    choose_in(&graph, 0, oldest_first)
}

/// [`choose`] with the search already made: `graph` holds the configuration now at `root` and
/// everything reachable from it.
pub fn choose_in(graph: &Graph, root: usize, oldest_first: &[(u32, u32, Msg)]) -> Option<Choice> {
    let oldest = *oldest_first.first()?;
    let config = &graph.configs[root];
    let serve_oldest = |keeps_bivalent: bool| Choice {
        deliver: oldest,
        keeps_bivalent,
        before_oldest: 0,
    };
    // A message that changes nothing (to a process that decided, or for a phase it left) is
    // served at once: it cannot change the valence.
    if !config.pending.contains(&oldest) {
        return Some(serve_oldest(true));
    }
    if graph.valence(root) != Valence::Bivalent {
        return Some(serve_oldest(false));
    }
    // Breadth first over schedules that leave `oldest` in transit; the first configuration from
    // which delivering it stays bivalent ends the search.
    let mut first_step: Vec<Option<Option<(u32, u32, Msg)>>> = vec![None; graph.configs.len()];
    let mut depth: Vec<u32> = vec![0; graph.configs.len()];
    first_step[root] = Some(None);
    let mut queue = VecDeque::from([root]);
    while let Some(here) = queue.pop_front() {
        let c = &graph.configs[here];
        let serves: Vec<usize> = graph.edges[here]
            .iter()
            .filter(|(i, _)| c.pending[*i] == oldest)
            .map(|(_, to)| *to)
            .collect();
        let stale = !c.pending.contains(&oldest);
        let good = stale
            || (!serves.is_empty()
                && serves
                    .iter()
                    .all(|to| graph.valence(*to) == Valence::Bivalent));
        if good {
            return Some(match first_step[here].flatten() {
                None => serve_oldest(true),
                Some(step) => Choice {
                    deliver: step,
                    keeps_bivalent: true,
                    before_oldest: depth[here],
                },
            });
        }
        for (i, to) in &graph.edges[here] {
            let m = c.pending[*i];
            if m == oldest || first_step[*to].is_some() {
                continue;
            }
            first_step[*to] = Some(Some(first_step[here].flatten().unwrap_or(m)));
            depth[*to] = depth[here] + 1;
            queue.push_back(*to);
        }
    }
    Some(serve_oldest(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::flp::explore::initial;
    use crate::protocols::flp::model::Coin;

    /// Plays the adversary on the model alone (no simulator), keeping transit oldest first.
    fn play(shape: &Shape, inputs: &[u8], choices: u32) -> (Config, u32, u32) {
        let mut config = initial(shape, inputs);
        let mut order: Vec<(u32, u32, Msg)> = config.pending.to_vec();
        let mut longest_wait = 0;
        let mut waited: Vec<u32> = vec![0; order.len()];
        for _ in 0..choices {
            let Some(choice) = choose(shape, &config, &order) else {
                break;
            };
            let at = order.iter().position(|m| *m == choice.deliver).unwrap();
            order.remove(at);
            let w = waited.remove(at);
            longest_wait = longest_wait.max(w);
            for x in &mut waited {
                *x += 1;
            }
            let before: Vec<(u32, u32, Msg)> = config.pending.to_vec();
            if let Some(i) = config.pending.iter().position(|m| *m == choice.deliver) {
                config = config.deliver(shape, i).unwrap().remove(0);
                // What is new in transit goes to the back, in the order sent.
                let mut rest = before.clone();
                rest.remove(i);
                let mut added = config.pending.clone();
                for m in &rest {
                    if let Some(k) = added.iter().position(|a| a == m) {
                        added.remove(k);
                    }
                }
                for m in added {
                    order.push(m);
                    waited.push(0);
                }
            }
            if config.decided().is_some() {
                break;
            }
        }
        let rounds = config.max_round();
        (config, rounds, longest_wait)
    }

    #[test]
    fn the_adversary_keeps_the_fixed_coin_protocol_undecided_while_serving_the_oldest() {
        let shape = Shape {
            n: 3,
            coin: Coin::Fixed,
        };
        let (config, rounds, longest_wait) = play(&shape, &[0, 1, 1], 300);
        assert_eq!(config.decided(), None, "{config:?}");
        assert!(rounds >= 10, "only {rounds} rounds in 300 deliveries");
        assert!(longest_wait < 40, "a message waited {longest_wait} choices");
    }
}
