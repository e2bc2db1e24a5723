//! The `netsplit` command line as authors and CI use it.
#![cfg(all(feature = "grader", feature = "authoring"))]

use std::process::Command;

fn netsplit(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_netsplit"))
        .args(args)
        .output()
        .expect("run netsplit");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn run_prints_a_trace_with_legend_and_digest_and_the_seed_changes_it() {
    let (ok, a, _) = netsplit(&["run", "two-generals/lossy-link"]);
    assert!(ok);
    assert!(
        a.contains("# legend:") && a.contains("SEND  n0 -> n1") && a.contains("# events"),
        "{a}"
    );
    assert!(
        a.contains("VIOL  agreement"),
        "seed 2 of lossy-link disagrees: {a}"
    );
    let (_, b, _) = netsplit(&["run", "two-generals/lossy-link", "--seed", "7"]);
    let digest = |t: &str| t.lines().last().unwrap_or_default().to_string();
    assert_ne!(digest(&a), digest(&b));
    let (_, again, _) = netsplit(&["run", "two-generals/lossy-link"]);
    assert_eq!(a, again, "same scenario and seed, same trace");
}

#[test]
fn run_reads_a_scenario_file() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/partition.toml");
    let (ok, out, err) = netsplit(&["run", path]);
    assert!(ok, "{err}");
    assert!(out.contains("PART  groups {n0,n1,n2} | {n3,n4}"), "{out}");
}

#[test]
fn a_bad_scenario_file_is_reported_with_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("netsplit-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(
        &file,
        "protocol = { name = \"heartbeat\" }\nnodes = 5\nsed = 1\n",
    )
    .unwrap();
    let (ok, _, err) = netsplit(&["run", file.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("bad.toml:3:1: unknown field `sed`"), "{err}");
    std::fs::write(&file, "protocol = { name = \"heartbeat\" }\nnodes = 5\nseed = 1\nfaults = [{ at_us = 1, fault = { kind = \"crash\", node = 8 } }]\n").unwrap();
    let (ok, _, err) = netsplit(&["run", file.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("faults[0]: names node n8"), "{err}");
}

#[test]
fn validate_passes_and_unknown_commands_show_usage() {
    let (ok, out, _) = netsplit(&["validate"]);
    assert!(ok && out.starts_with("ok:"), "{out}");
    let (ok, _, err) = netsplit(&["frobnicate"]);
    assert!(!ok && err.contains("usage:"));
}

#[test]
fn figure8_prints_a_scenario_file_that_replays_the_same_violation() {
    let (ok, played, err) = netsplit(&["figure8", "3", "--flaw"]);
    assert!(ok, "{err}");
    let first_violation = |text: &str| {
        text.lines()
            .find(|l| l.contains("leader completeness"))
            .map(|l| {
                l.split("leader completeness")
                    .nth(1)
                    .unwrap_or("")
                    .to_string()
            })
    };
    let expected = first_violation(&played).expect("the flawed rule loses a committed entry");
    let path = std::env::temp_dir().join("netsplit-cli-figure8-seed3.toml");
    std::fs::write(&path, &played).expect("write");
    let (ok, trace, err) = netsplit(&["run", path.to_str().expect("utf-8 path")]);
    assert!(ok, "{err}");
    assert_eq!(first_violation(&trace), Some(expected), "{trace}");
}

#[test]
fn golden_reruns_a_protocols_golden_run_and_names_the_known_protocols() {
    let (ok, out, err) = netsplit(&["golden", "lamport", "3"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("protocol lamport") && out.contains("# digest "),
        "{out}"
    );
    let golden = include_str!("../../core/tests/golden/digests.txt");
    let line = golden
        .lines()
        .find(|l| l.starts_with("lamport 3 "))
        .expect("golden line");
    let digest = line.split(' ').nth(2).expect("digest column");
    assert!(out.contains(&format!("# digest {digest} ")), "{out}");
    let (ok, _, err) = netsplit(&["golden", "paxos", "1"]);
    assert!(!ok && err.contains("raft"), "{err}");
}

#[test]
fn the_e2e_tests_asynchronous_link_is_the_link_of_its_scenario_file() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/e2e/fixtures");
    let (ok, out, err) = netsplit(&["link", &format!("{dir}/asynchronous-heartbeat.toml")]);
    assert!(ok, "{err}");
    let pinned = std::fs::read_to_string(format!("{dir}/asynchronous-heartbeat.link")).unwrap();
    assert_eq!(
        out, pinned,
        "regenerate: netsplit link tests/e2e/fixtures/asynchronous-heartbeat.toml > tests/e2e/fixtures/asynchronous-heartbeat.link"
    );
}

#[test]
fn history_prints_a_runs_operations_as_porcupine_json_and_the_verdict() {
    let (ok, out, err) = netsplit(&["history", "raft-log-replication/one-write"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("[{\"ClientId\":5,\"Input\":{\"op\":\"write\""),
        "{out}"
    );
    assert!(err.contains("operations, Ok after"), "{err}");
}
