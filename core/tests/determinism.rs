//! Same scenario and seed, same trace: across runs, trace modes and (via the golden file) wasm.

use netsplit_core::protocols::{
    heartbeat::schedules::heartbeat_under_nemesis, two_generals::schedules::lossy_generals,
};
use netsplit_core::{ProtocolSpec, SimOptions};

const GOLDEN: &str = "tests/golden/digests.txt";

fn lean() -> SimOptions {
    SimOptions {
        trace_cap: 0,
        check_invariants: true,
    }
}

/// One line per golden run of every registered protocol ([`netsplit_core::Lab::golden_suite`]).
fn digests() -> String {
    let mut out = String::from(
        "# protocol seed digest steps, every registered protocol's golden runs in registry order\n\
         # (regenerate: NETSPLIT_BLESS=1 cargo test -p netsplit-core --test determinism)\n",
    );
    for s in ProtocolSpec::golden_suites() {
        let (o, _) = s.run(lean()).expect("golden scenarios are valid");
        out.push_str(&format!(
            "{} {} {} {}\n",
            s.protocol.name(),
            s.seed,
            o.digest,
            o.steps
        ));
    }
    out
}

#[test]
fn every_protocols_golden_digests_match_the_golden_file() {
    let now = digests();
    if std::env::var_os("NETSPLIT_BLESS").is_some() {
        std::fs::write(GOLDEN, &now).expect("write golden");
        return;
    }
    let golden =
        std::fs::read_to_string(GOLDEN).expect("golden file exists; bless with NETSPLIT_BLESS=1");
    for (g, n) in golden.lines().zip(now.lines()) {
        assert_eq!(
            g, n,
            "digest changed; rerun one with `cargo run -p netsplit-lessons --bin netsplit -- golden <protocol> <seed>`; if intended, bless with NETSPLIT_BLESS=1"
        );
    }
    assert_eq!(golden.lines().count(), now.lines().count());
}

#[test]
fn every_protocols_golden_runs_list_every_protocol() {
    let suites = ProtocolSpec::golden_suites();
    for name in ProtocolSpec::NAMES {
        assert!(
            suites.iter().filter(|s| s.protocol.name() == *name).count() >= 16,
            "{name} needs at least 16 golden runs"
        );
    }
}

#[test]
fn every_protocols_golden_runs_give_one_digest_with_or_without_kept_events() {
    for s in ProtocolSpec::golden_suites() {
        let (full, _) = s.run(SimOptions::default()).unwrap();
        let (digest_only, _) = s.run(lean()).unwrap();
        assert_eq!(
            full.digest,
            digest_only.digest,
            "{} seed {} diverged; rerun: cargo run -p netsplit-lessons --bin netsplit -- golden {} {}",
            s.protocol.name(),
            s.seed,
            s.protocol.name(),
            s.seed
        );
    }
}

#[test]
fn seed_sweep_same_seed_same_digest_with_or_without_kept_events() {
    for seed in 0..200 {
        for s in [heartbeat_under_nemesis(seed), lossy_generals(seed)] {
            let (full, _) = s.run(SimOptions::default()).unwrap();
            let (digest_only, _) = s.run(lean()).unwrap();
            assert_eq!(
                full.digest, digest_only.digest,
                "seed {seed} ({}) diverged; rerun: cargo run -p netsplit-lessons --bin netsplit -- golden {} {seed}",
                s.protocol.name(), s.protocol.name()
            );
        }
    }
}

#[test]
fn different_seeds_give_different_runs() {
    let a = heartbeat_under_nemesis(1)
        .run(SimOptions::default())
        .unwrap()
        .0;
    let b = heartbeat_under_nemesis(2)
        .run(SimOptions::default())
        .unwrap()
        .0;
    assert_ne!(a.digest, b.digest);
}

/// The full text of one run, so a change in behaviour shows as a readable diff.
#[test]
fn lossy_generals_trace_text_matches_the_golden_file() {
    const PATH: &str = "tests/golden/two_generals_lossy_seed2.trace";
    let s = lossy_generals(2);
    let (_, r) = s.run(SimOptions::default()).unwrap();
    let text = r.trace().to_text(&s.header());
    if std::env::var_os("NETSPLIT_BLESS").is_some() {
        std::fs::write(PATH, &text).expect("write golden");
        return;
    }
    let golden =
        std::fs::read_to_string(PATH).expect("golden trace exists; bless with NETSPLIT_BLESS=1");
    assert_eq!(
        text, golden,
        "trace changed; if intended, rerun with NETSPLIT_BLESS=1"
    );
}

/// The page runs every protocol through one wrapper type; the wrapping must not change a run.
#[test]
fn the_pages_single_simulator_gives_the_typed_simulators_digests() {
    use netsplit_core::bench::{run_bench, run_bench_in_page, BenchWorkload};
    for w in BenchWorkload::ALL {
        assert_eq!(run_bench(w, 20_000), run_bench_in_page(w, 20_000), "{w:?}");
    }
}
