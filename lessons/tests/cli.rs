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
