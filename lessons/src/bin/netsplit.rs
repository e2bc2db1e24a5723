//! `netsplit`: the command line for authors and CI.
//!
//! ```text
//! netsplit run FILE.toml [--seed N]          run a scenario file, print its trace
//! netsplit run LESSON/SCENARIO [--seed N]    run a lesson's scenario, e.g. two-generals/lossy-link
//! netsplit validate                          parse every lesson and run every scenario
//! netsplit bench [--steps N]                 events per second of the 5-node benchmark
//! netsplit grade EXERCISE FILE.rhai         grade a solution; exits non-zero if it fails
//! netsplit mutants [EXERCISE]                grade every mutant of the reference (of every
//!                                             exercise: one score line each); exits non-zero if
//!                                             one survives that is not listed as equivalent
//! netsplit figure8 SEED [--flaw]             play Raft's Figure 8 and print the played scenario as TOML
//! netsplit golden PROTOCOL SEED              print the trace of a protocol's golden run for a seed
//! netsplit link FILE.toml|LESSON/SCENARIO [--seed N]  print the scenario's share-link fragment
//! netsplit measure ID                         compute a lesson's measured table (every seed) and
//!                                             print it with the time it took
//! netsplit history FILE.toml|LESSON/SCENARIO [--seed N]
//!                                             run a scenario, print its client history as
//!                                             Porcupine JSON and the linearizability verdict
//! ```

use netsplit_core::bench::{run_bench, run_bench_in_page, time_bench, BenchRun, BenchWorkload};
use netsplit_core::{Scenario, SimOptions};
use netsplit_lessons::{course, run_scenarios};
use std::process::ExitCode;
// The benchmark times real work; simulated code never sees this clock.
#[allow(clippy::disallowed_types)]
use std::time::Instant;

fn usage() -> ExitCode {
    eprintln!(
        "usage:\n  netsplit run FILE.toml|LESSON/SCENARIO [--seed N]\n  netsplit validate\n  netsplit bench [--steps N]\n  netsplit grade EXERCISE FILE.rhai\n  netsplit mutants [EXERCISE]\n  netsplit figure8 SEED [--flaw]\n  netsplit golden PROTOCOL SEED\n  netsplit history FILE.toml|LESSON/SCENARIO [--seed N]\n  netsplit check-history FILE (Porcupine JSON, Jepsen EDN or etcd log)\n  netsplit link FILE.toml|LESSON/SCENARIO [--seed N]\n  netsplit measure ID\n  netsplit explore INPUTS [--rounds R] [--fair]"
    );
    ExitCode::from(2)
}

/// Computes measurement `id` over all its seeds and prints the table, one row per line.
// Times real work, like the benchmark; simulated code never sees this clock.
#[allow(clippy::disallowed_types)]
fn measure(args: &[String]) -> Result<(), String> {
    let id = args.first().ok_or("measure needs an id")?;
    let info = netsplit_core::measure::find(id).ok_or_else(|| {
        let known: Vec<&str> = netsplit_core::ProtocolSpec::measures()
            .map(|m| m.id)
            .collect();
        format!("no measurement `{id}` (known: {})", known.join(", "))
    })?;
    let start = Instant::now();
    let mut run = netsplit_core::measure::MeasureRun::new(info);
    while !run.finished() {
        run.step();
    }
    let elapsed = start.elapsed();
    let table = run.table();
    println!("{}", table.caption);
    println!("{} | {}", table.knob, table.columns.join(" | "));
    for row in &table.rows {
        println!("{} | {}", row.knob, row.cells.join(" | "));
    }
    println!(
        "computed in {:.2} s natively ({} seeds)",
        elapsed.as_secs_f64(),
        run.done_seeds()
    );
    Ok(())
}

/// FLP's valence explorer from an initial configuration: how many configurations every delivery
/// order reaches below each round horizon, the valence found, and the time taken.
// Times real work, like the benchmark; simulated code never sees this clock.
#[allow(clippy::disallowed_types)]
fn explore(args: &[String]) -> Result<(), String> {
    use netsplit_core::protocols::flp::explore::{initial, Graph};
    use netsplit_core::protocols::flp::model::{Coin, Shape};
    let text = args.first().ok_or("explore needs inputs, such as 011")?;
    let inputs: Vec<u8> = text
        .chars()
        .map(|c| match c {
            '0' => Ok(0),
            '1' => Ok(1),
            other => Err(format!("inputs are 0s and 1s; '{other}' is neither")),
        })
        .collect::<Result<_, _>>()?;
    let max = netsplit_core::protocols::flp::MAX_NODES as usize;
    if !(3..=max).contains(&inputs.len()) {
        return Err(format!("3 to {max} inputs, not {}", inputs.len()));
    }
    let rounds = flag(args, "--rounds")?.unwrap_or(3) as u32;
    let coin = if args.iter().any(|a| a == "--fair") {
        Coin::Fair
    } else {
        Coin::Fixed
    };
    let shape = Shape {
        n: inputs.len() as u32,
        coin,
    };
    let start = initial(&shape, &inputs);
    for horizon in 1..=rounds {
        let t = Instant::now();
        let g = Graph::explore(&shape, &start, horizon, 5_000_000);
        println!(
            "inputs {text} ({coin:?} coin), up to round {horizon}: {} configurations, {}{}, {:.1} ms",
            g.configs.len(),
            g.valence(0).word(),
            if g.truncated { " (budget reached)" } else { "" },
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    Ok(())
}

/// FLP's searches and the machine adversary's pace, natively.
// Times real work, like the benchmark; simulated code never sees this clock.
#[allow(clippy::disallowed_types)]
fn bench_flp() {
    let t0 = Instant::now();
    let f = netsplit_core::protocols::flp::bench::time_flp(&mut || t0.elapsed().as_secs_f64());
    println!("{}", f.line("native"));
}

fn flag(args: &[String], name: &str) -> Result<Option<u64>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => {
            let v = args
                .get(i + 1)
                .ok_or_else(|| format!("{name} needs a number"))?;
            v.parse()
                .map(Some)
                .map_err(|_| format!("{name} needs a number, not {v:?}"))
        }
    }
}

/// Reads a scenario from a file, with errors that name the file, line and column.
fn scenario_from_file(path: &str) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let s: Scenario = netsplit_lessons::parse_scenario(&text)
        .map_err(|(line, col, message)| format!("{path}:{line}:{col}: {message}"))?;
    s.validate().map_err(|e| format!("{path}: {e}"))?;
    Ok(s)
}

fn scenario_from_lesson(spec: &str) -> Result<Scenario, String> {
    let (slug, id) = spec
        .split_once('/')
        .ok_or_else(|| format!("{spec}: expected LESSON/SCENARIO"))?;
    let lesson = netsplit_lessons::lesson(slug).ok_or_else(|| format!("no lesson `{slug}`"))?;
    let s = lesson
        .scenario(id)
        .ok_or_else(|| format!("lesson `{slug}` has no scenario `{id}`"))?;
    Ok(s.scenario.clone())
}

/// The scenario `FILE.toml` or `LESSON/SCENARIO` names, with `--seed N` applied.
fn scenario_arg(args: &[String], command: &str) -> Result<Scenario, String> {
    let target = args
        .first()
        .ok_or_else(|| format!("{command} needs a scenario"))?;
    let mut s = if target.ends_with(".toml") {
        scenario_from_file(target)?
    } else {
        scenario_from_lesson(target)?
    };
    if let Some(seed) = flag(args, "--seed")? {
        s.seed = seed;
    }
    Ok(s)
}

fn run(args: &[String]) -> Result<(), String> {
    let s = scenario_arg(args, "run")?;
    let (outcome, runner) = s.run(SimOptions {
        trace_cap: usize::MAX,
        check_invariants: true,
    })?;
    print!("{}", runner.trace().to_text(&s.header()));
    if outcome.budget_exhausted {
        println!("# stopped: event budget of {} steps used up", s.max_steps);
    }
    Ok(())
}

/// Prints the share-link fragment (`#/run/...`) that opens the scenario in the page.
fn link(args: &[String]) -> Result<(), String> {
    let scenario = scenario_arg(args, "link")?;
    let run = netsplit_core::share::SharedRun {
        scenario,
        code: None,
    };
    println!("#/run/{}", netsplit_core::share::encode_link(&run));
    Ok(())
}

/// Runs a scenario and prints its client history (Porcupine's JSON form) and what the
/// linearizability checker makes of it, against the store every client operation is about.
fn history(args: &[String]) -> Result<(), String> {
    use netsplit_core::check::linearizability::check_operations;
    use netsplit_core::check::models::Store;
    use netsplit_core::history::json;
    let s = scenario_arg(args, "history")?;
    let (_, runner) = s.run(SimOptions {
        trace_cap: 0,
        check_invariants: false,
    })?;
    let ops = runner.history();
    print!("{}", json::write(ops));
    let result = check_operations(&Store, ops, 10_000_000).map_err(|e| e.to_string())?;
    eprintln!(
        "# {} operations, {:?} after {} search steps",
        ops.len(),
        result.verdict,
        result.steps
    );
    if let Some(why) = result.explanation() {
        eprintln!("# {why}");
    }
    Ok(())
}

fn validate() -> Result<(), String> {
    let lessons = course().map_err(|errs| {
        errs.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let errors: Vec<String> = lessons
        .iter()
        .flat_map(run_scenarios)
        .map(|e| e.to_string())
        .collect();
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    let scenarios: usize = lessons.iter().map(|l| l.scenarios.len()).sum();
    println!(
        "ok: {} lessons, {scenarios} scenarios, every scenario within budget",
        lessons.len()
    );
    Ok(())
}

fn bench(args: &[String]) -> Result<(), String> {
    let steps = flag(args, "--steps")?;
    let paths: [(&str, BenchRun); 2] = [("simulator", run_bench), ("page", run_bench_in_page)];
    for workload in BenchWorkload::ALL {
        let steps = steps.unwrap_or(workload.default_steps());
        for (path, run) in paths {
            #[allow(clippy::disallowed_types)]
            let t0 = Instant::now();
            let f = time_bench(workload, steps, run, &mut || t0.elapsed().as_secs_f64());
            println!(
                "bench native: {} [{path}], {} events in {:.3}s (best of 3) = {:.2} M events/s ({:.2} M trace records/s), digest {}",
                workload.name(),
                f.steps,
                f.seconds,
                f.steps as f64 / f.seconds / 1e6,
                f.records as f64 / f.seconds / 1e6,
                f.digest
            );
        }
    }
    bench_lincheck()
}

/// Times the linearizability checker on Porcupine's benchmark histories (read from the core's
/// test data). With `NETSPLIT_PORCUPINE_S="total slowest c50"` (Porcupine's own figures in
/// seconds, from its `bench.sh` on the same machine) it also prints our time over theirs.
fn bench_lincheck() -> Result<(), String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/data/porcupine");
    let read = |p: String| std::fs::read_to_string(&p).map_err(|e| format!("{p}: {e}"));
    let mut etcd = Vec::new();
    for i in 0..=102 {
        etcd.push((
            format!("etcd_{i:03}"),
            read(format!("{dir}/jepsen/etcd_{i:03}.log"))?,
        ));
    }
    let kv = read(format!("{dir}/kv/c50-ok.txt"))?;
    let named: Vec<(&str, &str)> = etcd.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    #[allow(clippy::disallowed_types)]
    let t0 = Instant::now();
    let f = netsplit_core::check::bench::time_lincheck(&named, &kv, &mut || {
        t0.elapsed().as_secs_f64()
    })?;
    let mut line = f.line("native");
    let theirs: Vec<f64> = std::env::var("NETSPLIT_PORCUPINE_S")
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    if let [total, slowest, c50] = theirs[..] {
        line += &format!(
            "; over Porcupine's {total:.3} / {slowest:.3} / {c50:.3} s: {:.2}x / {:.2}x / {:.2}x",
            f.etcd_total_s / total,
            f.etcd_slowest_s / slowest,
            f.kv_c50_ok_s / c50
        );
    }
    println!("{line}");
    Ok(())
}

/// Plays the Figure 8 adversary on one seed (with the commit flaw if `--flaw`) and prints the
/// played scenario as TOML, which `netsplit run` replays (and a lesson can embed).
fn figure8(args: &[String]) -> Result<(), String> {
    use netsplit_core::adversary::figure8::Figure8;
    use netsplit_core::adversary::Adversary;
    use netsplit_core::protocols::raft::schedules::{
        figure8_params, figure8_schedule, run_raft_schedule,
    };
    use netsplit_core::protocols::raft::{rules::Flaw, Raft, RaftParams};
    let seed: u64 = args
        .first()
        .and_then(|s| s.parse().ok())
        .ok_or("figure8 needs a seed")?;
    let params = RaftParams {
        flaw: args
            .iter()
            .any(|a| a == "--flaw")
            .then_some(Flaw::CommitOldTerms),
        ..figure8_params()
    };
    let scenario = figure8_schedule(seed, params.clone());
    let mut adversary = Figure8::default();
    let (_, verdict, played) =
        run_raft_schedule(&scenario, Raft::new(params), 0, Some(&mut adversary));
    println!(
        "# seed {seed}: adversary finished: {}",
        adversary.finished()
    );
    match &verdict.violation {
        Some((step, v)) => println!("# step {step}: {}: {}", v.invariant, v.detail),
        None => println!("# no violation"),
    }
    // The played plan as a scenario file: `netsplit run` replays it without the adversary.
    print!(
        "{}",
        toml::to_string(&played).map_err(|e| format!("cannot write the scenario: {e}"))?
    );
    Ok(())
}

/// Prints the trace of a protocol's golden run for a seed ([`netsplit_core::Lab::golden_runs`]):
/// the rerun that a failing determinism test names.
fn golden(args: &[String]) -> Result<(), String> {
    let [name, seed, ..] = args else {
        return Err("golden needs a protocol and a seed".into());
    };
    let seed: u64 = seed
        .parse()
        .map_err(|_| format!("golden needs a seed, not {seed:?}"))?;
    let runs = netsplit_core::ProtocolSpec::golden_runs(name, seed).ok_or_else(|| {
        format!(
            "no protocol `{name}` (known: {})",
            netsplit_core::ProtocolSpec::NAMES.join(", ")
        )
    })?;
    for s in runs {
        let (outcome, runner) = s.run(SimOptions {
            trace_cap: usize::MAX,
            check_invariants: true,
        })?;
        print!("{}", runner.trace().to_text(&s.header()));
        println!("# digest {} after {} steps", outcome.digest, outcome.steps);
    }
    Ok(())
}

/// Grades a solution file and prints the report; the error carries the first failure.
/// The exercise called `id`, or an error listing the ones there are.
fn exercise_arg(id: &str) -> Result<&'static netsplit_lessons::Exercise, String> {
    netsplit_lessons::exercise(id).ok_or_else(|| {
        let known: Vec<&str> = netsplit_lessons::exercises()
            .unwrap_or(&[])
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        format!("no exercise `{id}` (known: {})", known.join(", "))
    })
}

/// Checks a history file as the page's "check your own history" does, and says what it found.
fn check_history(args: &[String]) -> Result<(), String> {
    use netsplit_core::check::linearizability::DEFAULT_BUDGET_STEPS;
    let [path, ..] = args else {
        return Err("check-history needs a history file".into());
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    #[allow(clippy::disallowed_types)]
    let start = Instant::now();
    let r = netsplit_core::check::text::check_text(&text, DEFAULT_BUDGET_STEPS)
        .map_err(|e| format!("{path}: {e}"))?;
    let elapsed = start.elapsed();
    println!(
        "{path}: {}; {} operations, {} partition(s): {:?} after {} search steps in {:.1} ms",
        r.form.describe(),
        r.ops.len(),
        r.partitions,
        r.verdict,
        r.steps,
        elapsed.as_secs_f64() * 1000.0
    );
    if let Some(why) = &r.explanation {
        println!("{why}");
    }
    Ok(())
}

fn grade(args: &[String]) -> Result<(), String> {
    let [id, path, ..] = args else {
        return Err("grade needs an exercise id and a solution file".into());
    };
    let ex = exercise_arg(id)?;
    let code = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    #[allow(clippy::disallowed_types)]
    let start = Instant::now();
    let report = netsplit_core::grade::Grader::new().grade(&ex.spec, &code, &mut |_| {});
    let elapsed = start.elapsed();
    print!("{}", report.to_text());
    for line in &report.output {
        println!("print: {line}");
    }
    println!("graded in {} ms", elapsed.as_millis());
    match report.first_failure() {
        None => Ok(()),
        Some(f) => Err(format!("{path}: {f}")),
    }
}

fn mutants(args: &[String]) -> Result<(), String> {
    let [id, ..] = args else {
        // Every exercise, one score line each.
        let grader = netsplit_core::grade::Grader::new();
        let mut unclean = Vec::new();
        for ex in netsplit_lessons::exercises().map_err(|_| "the exercises do not load")? {
            let report =
                netsplit_core::grade::mutation::mutation_test(&grader, &ex.spec, &ex.reference);
            println!("mutation score {}: {}", ex.id, report.score_line());
            if !report.is_clean() {
                unclean.push(ex.id.as_str());
            }
        }
        return match unclean.as_slice() {
            [] => Ok(()),
            ids => Err(format!(
                "a mutant survives in {} (run `netsplit mutants EXERCISE` for the list)",
                ids.join(", ")
            )),
        };
    };
    let ex = exercise_arg(id)?;
    #[allow(clippy::disallowed_types)]
    let start = Instant::now();
    let grader = netsplit_core::grade::Grader::new();
    let report = netsplit_core::grade::mutation::mutation_test(&grader, &ex.spec, &ex.reference);
    print!("{}", report.to_text());
    println!("graded in {} ms", start.elapsed().as_millis());
    if report.is_clean() {
        Ok(())
    } else {
        Err(format!(
            "{id}: a mutant survives (add a case that rejects it, or list it under [[equivalent]] with why)"
        ))
    }
}

/// Times the hostile corpus (every script graded until it is stopped) and prints the slowest.
fn bench_hostile() {
    let Some(ex) = netsplit_lessons::exercise("lamport-rules") else {
        return;
    };
    let grader = netsplit_core::grade::Grader::new();
    let corpus = netsplit_core::grade::hostile::corpus();
    let mut slowest = (0.0f64, "");
    for (name, code, _) in &corpus {
        #[allow(clippy::disallowed_types)]
        let start = Instant::now();
        let _ = grader.grade_until_failure(&ex.spec, code);
        let ms = start.elapsed().as_secs_f64() * 1e3;
        if ms > slowest.0 {
            slowest = (ms, name);
        }
    }
    println!(
        "bench hostile native: {} scripts each stopped with a message; slowest {:.1} ms ({})",
        corpus.len(),
        slowest.0,
        slowest.1
    );
}

/// Times grading the reference solution of every exercise.
fn bench_grading() {
    let Ok(all) = netsplit_lessons::exercises() else {
        return;
    };
    let grader = netsplit_core::grade::Grader::new();
    for ex in all {
        let schedules: u32 = ex.spec.simulation.iter().map(|s| s.schedules).sum();
        let mut best = f64::MAX;
        let mut events = 0u64;
        for _ in 0..3 {
            #[allow(clippy::disallowed_types)]
            let start = Instant::now();
            let report = grader.grade(&ex.spec, &ex.reference, &mut |_| {});
            best = best.min(start.elapsed().as_secs_f64());
            events = report.cases.len() as u64;
        }
        println!(
            "bench grade native: {} reference, {} cases incl. {schedules} simulated schedules, {:.1} ms (best of 3), {} script operations of a {} budget",
            ex.id,
            events,
            best * 1e3,
            grader.operations_used(),
            netsplit_core::grade::MAX_OPERATIONS_PER_GRADE
        );
    }
}

/// Measures what Rhai's size limits cost on ordinary array code (they re-measure data as it grows).
fn bench_sandbox() {
    use netsplit_core::grade::Sandbox;
    const CODE: &str =
        "fn f(n) { let a = []; for i in 0..n { a.push(i); } let s = 0; for x in a { s += x; } s }";
    for (label, sandbox) in [
        ("with size limits", Sandbox::new()),
        ("without size limits", Sandbox::without_size_limits()),
    ] {
        #[allow(clippy::disallowed_types)]
        let start = Instant::now();
        let result = sandbox.run_calls(CODE, 1_000, 200);
        let ms = start.elapsed().as_secs_f64() * 1e3;
        match result {
            Ok(_) => println!("bench sandbox native: build and sum a 1000-item array, 200 calls {label}: {ms:.1} ms"),
            Err(e) => println!("bench sandbox native {label}: {e}"),
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("validate") => validate(),
        Some("bench") => bench(&args[1..]).map(|()| {
            bench_flp();
            bench_grading();
            bench_hostile();
            bench_sandbox();
        }),
        Some("grade") => grade(&args[1..]),
        Some("mutants") => mutants(&args[1..]),
        Some("figure8") => figure8(&args[1..]),
        Some("golden") => golden(&args[1..]),
        Some("history") => history(&args[1..]),
        Some("check-history") => check_history(&args[1..]),
        Some("link") => link(&args[1..]),
        Some("measure") => measure(&args[1..]),
        Some("explore") => explore(&args[1..]),
        _ => return usage(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
