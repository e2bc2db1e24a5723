//! The run's path: the configuration's valence when the run starts and after each step (a
//! delivery, a crash), remembered beside the run ([`crate::Protocol::mark_step`]) so that the
//! valence panel can show FLP's argument over time. The machine adversary keeps every
//! configuration on the path bivalent (Lemma 3: from a bivalent configuration, some schedule
//! of the pending deliveries reaches another bivalent one); a scheduler that does not care lets
//! the run turn univalent at some delivery, and the decision, which comes later, is only the
//! processes finding out.

use super::explore::Valence;
use super::model::Msg;
use super::view::label;
use std::collections::VecDeque;

/// How many of the latest points the path keeps for the panel.
pub const KEPT: usize = 10;

/// One configuration on the run's path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathPoint {
    /// Deliveries so far (FLP's steps).
    pub deliveries: u64,
    /// What led here, for people: "the start", "n0 → n1: report r1 = 0", "n2 crashes".
    pub what: String,
    /// The configuration's valence.
    pub valence: Valence,
}

/// What the run looked like after the last point: the messages in transit (every one, before
/// any is left out as stale) and which processes were up, so the next point can say what
/// changed.
#[derive(Clone, Debug, Default)]
struct Seen {
    in_transit: Vec<(u32, u32, Msg)>,
    up: Vec<bool>,
    deliveries: u64,
}

/// The run's path, as far as the panel needs it.
#[derive(Clone, Debug, Default)]
pub struct Path {
    seen: Option<Seen>,
    /// The latest points, oldest first (at most [`KEPT`]).
    pub points: VecDeque<PathPoint>,
    /// How many points came before the first of `points`.
    pub earlier: u64,
    /// The first point whose valence was certainly univalent: when the outcome became fixed.
    pub fixed: Option<PathPoint>,
    /// Deliveries when a process first decided.
    pub decided_at: Option<u64>,
    /// How many points in a row, up to the last, were bivalent.
    pub bivalent_run: u64,
    /// How many points in all.
    pub total: u64,
}

/// True if the valence is univalent and certain (no branch cut at the search's horizon).
fn certainly_univalent(v: Valence) -> bool {
    matches!(
        v,
        Valence::Zero { exact: true } | Valence::One { exact: true }
    )
}

impl Path {
    /// Adds the configuration now: `in_transit` every message in transit (any order), `up`
    /// whether each process is up, `deliveries` so far, `decided` whether a process has
    /// decided, and its `valence`. A step that changed none of it (a fault that only changed
    /// the network's model) adds nothing.
    pub fn mark(
        &mut self,
        mut in_transit: Vec<(u32, u32, Msg)>,
        up: Vec<bool>,
        deliveries: u64,
        decided: bool,
        valence: Valence,
    ) {
        in_transit.sort_unstable();
        let what = match &self.seen {
            None => "the start".to_string(),
            Some(seen) => {
                if seen.in_transit == in_transit && seen.up == up && seen.deliveries == deliveries {
                    return;
                }
                what_changed(seen, &in_transit, &up)
            }
        };
        let point = PathPoint {
            deliveries,
            what,
            valence,
        };
        if self.fixed.is_none() && certainly_univalent(valence) {
            self.fixed = Some(point.clone());
        }
        if decided && self.decided_at.is_none() {
            self.decided_at = Some(deliveries);
        }
        self.bivalent_run = if valence == Valence::Bivalent {
            self.bivalent_run + 1
        } else {
            0
        };
        self.total += 1;
        if self.points.len() == KEPT {
            self.points.pop_front();
            self.earlier += 1;
        }
        self.points.push_back(point);
        self.seen = Some(Seen {
            in_transit,
            up,
            deliveries,
        });
    }

    /// The path in a sentence: how long the run has stayed bivalent, or when its outcome became
    /// fixed and how long before anyone decided.
    pub fn summary(&self) -> String {
        let steps = |n: u64| format!("{n} step{}", if n == 1 { "" } else { "s" });
        match (&self.fixed, self.decided_at) {
            (Some(f), Some(d)) => format!(
                "The outcome was fixed at delivery {} ({}), when the run became {}; a process \
                 decided at delivery {d}, {} later: deciding is finding out.",
                f.deliveries,
                f.what,
                f.valence.word(),
                plural_deliveries(d.saturating_sub(f.deliveries)),
            ),
            // Certainly univalent: "0-valent" or "1-valent", which begins a sentence as it is.
            (Some(f), None) => format!(
                "{} since delivery {} ({}): whatever the scheduler does now, the outcome is \
                 fixed, though no process knows it yet.",
                f.valence.word(),
                f.deliveries,
                f.what,
            ),
            (None, _) if self.total > 0 && self.bivalent_run == self.total => format!(
                "Bivalent at the start and after each of the {} since: every step left both \
                 decisions reachable.",
                steps(self.total - 1)
            ),
            (None, _) if self.bivalent_run > 0 => {
                format!("Bivalent for the last {}.", steps(self.bivalent_run))
            }
            (None, _) => "Not bivalent now, and not certainly univalent either: the search \
                          stopped at its horizon."
                .to_string(),
        }
    }
}

/// "1 delivery", "37 deliveries".
fn plural_deliveries(n: u64) -> String {
    format!("{n} deliver{}", if n == 1 { "y" } else { "ies" })
}

/// What turned `seen` into the run now: a process that went down, or the one message that left
/// transit (a delivery adds messages, never removes another).
fn what_changed(seen: &Seen, in_transit: &[(u32, u32, Msg)], up: &[bool]) -> String {
    let crashed: Vec<String> = seen
        .up
        .iter()
        .zip(up)
        .enumerate()
        .filter(|(_, (was, is))| **was && !**is)
        .map(|(i, _)| format!("n{i} crashes"))
        .collect();
    if !crashed.is_empty() {
        return crashed.join(", ");
    }
    // Both are sorted: walk them together for what the old list has more of.
    let (mut i, mut j) = (0, 0);
    while i < seen.in_transit.len() {
        match in_transit.get(j) {
            Some(m) if *m == seen.in_transit[i] => {
                i += 1;
                j += 1;
            }
            Some(m) if *m < seen.in_transit[i] => j += 1,
            _ => return label(seen.in_transit[i]),
        }
    }
    "a step".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(round: u32, value: u8) -> Msg {
        Msg::Report { round, value }
    }

    #[test]
    fn the_path_names_each_delivery_and_crash_and_keeps_only_the_latest_points() {
        let mut path = Path::default();
        let a = (0, 1, report(1, 0));
        let b = (1, 0, report(1, 1));
        path.mark(vec![a, b], vec![true, true], 0, false, Valence::Bivalent);
        // b is delivered and n0 answers with a message of its own.
        let c = (0, 1, report(2, 1));
        path.mark(vec![c, a], vec![true, true], 1, false, Valence::Bivalent);
        path.mark(vec![c, a], vec![true, false], 1, false, Valence::Bivalent);
        let whats: Vec<&str> = path.points.iter().map(|p| p.what.as_str()).collect();
        assert_eq!(whats, ["the start", "n1 → n0: report r1 = 1", "n1 crashes"]);
        assert_eq!(path.bivalent_run, 3);
        // A step that changed nothing adds nothing.
        path.mark(vec![a, c], vec![true, false], 1, false, Valence::Bivalent);
        assert_eq!(path.total, 3);
        for d in 2..20 {
            path.mark(vec![], vec![true, false], d, false, Valence::Bivalent);
        }
        assert_eq!(path.points.len(), KEPT);
        assert_eq!(path.earlier + KEPT as u64, path.total);
    }

    #[test]
    fn the_summary_says_when_the_outcome_was_fixed_and_when_a_process_found_out() {
        let mut path = Path::default();
        let a = (0, 1, report(1, 0));
        let b = (1, 0, report(1, 1));
        path.mark(vec![a, b], vec![true, true], 0, false, Valence::Bivalent);
        assert!(path.summary().starts_with("Bivalent at the start"));
        path.mark(
            vec![b],
            vec![true, true],
            1,
            false,
            Valence::Zero { exact: true },
        );
        assert!(path
            .summary()
            .starts_with("0-valent since delivery 1 (n0 → n1: report r1 = 0)"));
        path.mark(
            vec![],
            vec![true, true],
            4,
            true,
            Valence::Zero { exact: true },
        );
        assert_eq!(
            path.summary(),
            "The outcome was fixed at delivery 1 (n0 → n1: report r1 = 0), when the run became \
             0-valent; a process decided at delivery 4, 3 deliveries later: deciding is finding out."
        );
        // A univalent verdict the search is unsure of does not fix the outcome.
        let mut unsure = Path::default();
        unsure.mark(
            vec![a],
            vec![true, true],
            0,
            false,
            Valence::One { exact: false },
        );
        assert!(unsure.fixed.is_none());
    }
}
