//! The final self-assessment covers every topic the course promises, with at least one item
//! each, and every item is valid (the same checks as lesson quizzes).
#![cfg(feature = "authoring")]

use netsplit_lessons::parse_assessment;

/// The topics a learner who passes the self-assessment can answer in an interview. Listed here
/// as well as in the file, so a topic cannot be dropped from the file unnoticed.
const REQUIRED_TOPICS: &[&str] = &[
    "cap-examples",
    "ha-gives-up",
    "partition-between-data-centres",
    "sync-vs-async-replication",
    "quorums",
    "eventual-consistency",
    "session-guarantees",
    "two-generals",
    "fault-models",
    "failure-detectors",
    "paxos-vs-raft",
    "two-phase-commit",
    "lamport-vs-vector",
    "hybrid-logical-clocks",
    "clock-skew",
    "sagas",
    "transactional-outbox",
    "idempotency-keys",
    "partitioning-schemes",
    "gossip",
    "fencing-tokens",
    "split-brain",
    "coordination-services",
    "leader-vs-leaderless",
    "queue-vs-database",
    "bulkheads-and-breakers",
    "failure-metrics",
    "tracing-latency",
    "when-not-to-distribute",
];

/// `NETSPLIT_ASSESSMENT=path` checks a draft instead of `lessons/assessment.toml`.
#[test]
fn the_assessment_is_valid_and_covers_every_required_topic() {
    let path = std::env::var("NETSPLIT_ASSESSMENT")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/assessment.toml").into());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let a = match parse_assessment(&text) {
        Ok(a) => a,
        Err(errs) => panic!("{}", netsplit_lessons::errors_text(&errs)),
    };
    let ids: Vec<&str> = a.topics.iter().map(|t| t.id.as_str()).collect();
    for t in REQUIRED_TOPICS {
        assert!(ids.contains(t), "topic `{t}` is missing from {path}");
    }
    assert!(a.quiz.len() >= REQUIRED_TOPICS.len());
    assert!(
        netsplit_lessons::assessment().is_some_and(|e| e.quiz.len() == a.quiz.len()),
        "the build embeds the assessment"
    );
}

#[test]
fn an_assessment_topic_without_items_is_reported_at_its_line() {
    let text = r#"format_version = 1
title = "T"
summary = "S"
topics = [
  { id = "cap-examples", title = "CAP" },
  { id = "gossip", title = "Gossip" },
]

[[quiz]]
id = "q"
topic = "cap-examples"
kind = "single"
prompt = "p"
explanation = "e"
choices = [{ text = "a", correct = true, why = "w" }, { text = "b", why = "w" }]
"#;
    let e = parse_assessment(text).unwrap_err()[0].to_string();
    assert_eq!(
        e,
        "lessons/assessment.toml:6:1: topic `gossip` has no quiz item"
    );
    let e = parse_assessment(&text.replace("topic = \"cap-examples\"", "topic = \"nope\""))
        .unwrap_err();
    assert!(
        e.iter().any(|e| e.message.contains("names topic `nope`")),
        "{e:?}"
    );
}

/// Topics whose lesson is not written yet. A topic leaves this list when its lesson lands; one
/// may never join it, so the list can only shrink.
const TOPICS_WITHOUT_A_LESSON: &[&str] = &[
    "cap-examples",
    "ha-gives-up",
    "partition-between-data-centres",
    "sync-vs-async-replication",
    "quorums",
    "eventual-consistency",
    "session-guarantees",
    "paxos-vs-raft",
    "two-phase-commit",
    "sagas",
    "transactional-outbox",
    "idempotency-keys",
    "partitioning-schemes",
    "gossip",
    "fencing-tokens",
    "coordination-services",
    "leader-vs-leaderless",
    "queue-vs-database",
    "bulkheads-and-breakers",
    "failure-metrics",
    "tracing-latency",
    "when-not-to-distribute",
];

#[test]
fn every_topic_names_its_lesson_and_only_the_listed_topics_wait_for_one() {
    let a = netsplit_lessons::assessment().expect("the build embeds the assessment");
    let map = netsplit_lessons::course_map().expect("the build embeds the course map");
    let mut waiting = Vec::new();
    for t in &a.topics {
        let slug = t
            .lesson
            .as_deref()
            .unwrap_or_else(|| panic!("topic `{}` names no lesson", t.id));
        assert!(
            map.find(slug).is_some(),
            "topic `{}` names `{slug}`, which the map lacks",
            t.id
        );
        if netsplit_lessons::lesson(slug).is_none() {
            waiting.push(t.id.as_str());
        }
    }
    println!(
        "{} of {} topics wait for their lesson: {}",
        waiting.len(),
        a.topics.len(),
        waiting.join(", ")
    );
    for t in &waiting {
        assert!(
            TOPICS_WITHOUT_A_LESSON.contains(t),
            "topic `{t}` has no written lesson and is not listed as waiting for one"
        );
    }
    for t in TOPICS_WITHOUT_A_LESSON {
        assert!(
            waiting.contains(t),
            "topic `{t}` now has its lesson: remove it from TOPICS_WITHOUT_A_LESSON"
        );
    }
}
