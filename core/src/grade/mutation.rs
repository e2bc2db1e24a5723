//! Mutation testing of an exercise: every mutant of its reference ([`super::mutants`]) graded,
//! each one rejected, except those the exercise lists as equivalent.
//!
//! A surviving mutant is a small mistake the grader accepts: either a case is missing (add a
//! table case at that boundary, or a simulation case that reaches it), or the mutant computes the
//! same function as the reference, and the exercise lists it as equivalent with a one-line reason.

use super::mutants::{mutants, Mutant};
use super::Grader;
use crate::exercise::ExerciseSpec;

/// What became of one mutant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fate {
    /// A case rejected it (the first one that did, and what it said).
    Killed {
        /// The case's name (or "compiling" for a signature the grader refuses).
        case: String,
        /// The case's message.
        message: String,
    },
    /// Every case passed it, and the exercise does not list it as equivalent: a gap.
    Survived,
    /// Every case passed it, and the exercise says why that is right.
    Equivalent {
        /// The exercise's reason.
        reason: String,
    },
    /// The exercise lists it as equivalent, yet a case rejects it: the listing is wrong.
    ListedButKilled {
        /// The case that rejected it.
        case: String,
    },
    /// It does not parse: not a mistake a learner could submit, so not counted.
    Stillborn {
        /// The parser's message.
        error: String,
    },
}

/// One mutant and its fate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MutantResult {
    /// The mutant.
    pub mutant: Mutant,
    /// What the grader made of it.
    pub fate: Fate,
}

/// Every mutant of an exercise's reference, graded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MutationReport {
    /// One result per mutant, in source order.
    pub results: Vec<MutantResult>,
    /// Ids the exercise lists as equivalent that are not mutants of its reference (the reference
    /// changed, or the id was mistyped).
    pub unknown_equivalents: Vec<String>,
}

impl MutationReport {
    fn count(&self, f: impl Fn(&Fate) -> bool) -> u32 {
        self.results.iter().filter(|r| f(&r.fate)).count() as u32
    }

    /// Mutants rejected by a case.
    pub fn killed(&self) -> u32 {
        self.count(|f| matches!(f, Fate::Killed { .. }))
    }

    /// Mutants that compile and are not listed as equivalent: the ones a case must reject.
    pub fn killable(&self) -> u32 {
        self.count(|f| {
            matches!(
                f,
                Fate::Killed { .. } | Fate::Survived | Fate::ListedButKilled { .. }
            )
        })
    }

    /// Mutants listed (rightly) as equivalent.
    pub fn equivalent(&self) -> u32 {
        self.count(|f| matches!(f, Fate::Equivalent { .. }))
    }

    /// Mutants that do not parse.
    pub fn stillborn(&self) -> u32 {
        self.count(|f| matches!(f, Fate::Stillborn { .. }))
    }

    /// The mutants the grader accepted without a listing: its gaps.
    pub fn survivors(&self) -> impl Iterator<Item = &MutantResult> {
        self.results
            .iter()
            .filter(|r| matches!(r.fate, Fate::Survived))
    }

    /// True if every mutant is rejected or rightly listed, and the listing names only real
    /// equivalent mutants.
    pub fn is_clean(&self) -> bool {
        self.unknown_equivalents.is_empty()
            && self
                .results
                .iter()
                .all(|r| !matches!(r.fate, Fate::Survived | Fate::ListedButKilled { .. }))
    }

    /// The score as a learner-facing line: "41 of 41 mutants rejected (100%), 3 equivalent, 2
    /// stillborn".
    pub fn score_line(&self) -> String {
        let (killed, killable) = (self.killed(), self.killable());
        let percent = if killable == 0 {
            100
        } else {
            u64::from(killed) * 100 / u64::from(killable)
        };
        format!(
            "{killed} of {killable} mutants rejected ({percent}%), {} equivalent, {} do not compile",
            self.equivalent(),
            self.stillborn()
        )
    }

    /// One line per mutant (survivors first, with the changed line), then the score.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for r in &self.results {
            let line = match &r.fate {
                Fate::Survived => format!(
                    "SURVIVED    {}\n            {}\n",
                    r.mutant.id,
                    r.mutant.changed_line()
                ),
                Fate::ListedButKilled { case } => format!(
                    "NOT EQUIV.  {} is listed as equivalent but \"{case}\" rejects it\n",
                    r.mutant.id
                ),
                Fate::Killed { case, .. } => format!("killed      {} by \"{case}\"\n", r.mutant.id),
                Fate::Equivalent { reason } => {
                    format!("equivalent  {}: {reason}\n", r.mutant.id)
                }
                Fate::Stillborn { .. } => format!("no parse    {}\n", r.mutant.id),
            };
            out.push_str(&line);
        }
        for id in &self.unknown_equivalents {
            out.push_str(&format!(
                "UNKNOWN     {id} is listed as equivalent but is not a mutant of the reference\n"
            ));
        }
        out.push_str(&self.score_line());
        out.push('\n');
        out
    }
}

/// Grades every mutant of `reference` against `spec`'s cases.
pub fn mutation_test(grader: &Grader, spec: &ExerciseSpec, reference: &str) -> MutationReport {
    let all = mutants(reference);
    let listed = |id: &str| spec.equivalent.iter().find(|e| e.mutant == id);
    let unknown_equivalents = spec
        .equivalent
        .iter()
        .filter(|e| !all.iter().any(|m| m.id == e.mutant))
        .map(|e| e.mutant.clone())
        .collect();
    let results = all
        .into_iter()
        .map(|mutant| {
            let report = grader.grade_until_failure(spec, &mutant.source);
            let rejected = match (
                &report.compile_error,
                report.cases.iter().find(|c| !c.passed),
            ) {
                (Some(e), _) if e.message.starts_with("syntax error") => {
                    let fate = Fate::Stillborn {
                        error: e.to_string(),
                    };
                    return MutantResult { mutant, fate };
                }
                (Some(e), _) => Some(("compiling".to_string(), e.to_string())),
                (None, Some(c)) => Some((c.name.clone(), c.message.clone())),
                (None, None) => None,
            };
            let fate = match (rejected, listed(&mutant.id)) {
                (Some((case, _)), Some(_)) => Fate::ListedButKilled { case },
                (Some((case, message)), None) => Fate::Killed { case, message },
                (None, Some(e)) => Fate::Equivalent {
                    reason: e.reason.clone(),
                },
                (None, None) => Fate::Survived,
            };
            MutantResult { mutant, fate }
        })
        .collect();
    MutationReport {
        results,
        unknown_equivalents,
    }
}
