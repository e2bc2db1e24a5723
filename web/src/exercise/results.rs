//! The test results: progress while grading, then each case passed or failed.

use netsplit_core::exercise::Report;
use std::rc::Rc;
use yew::prelude::*;

/// The report (or progress) to show.
#[derive(Properties, PartialEq, Clone)]
pub struct ResultsProps {
    /// Cases done and total while grading.
    pub progress: Option<(u32, u32)>,
    /// The last report.
    pub report: Option<Rc<Report>>,
    /// How long the last grade took, from the request to the merged report.
    pub elapsed_ms: Option<f64>,
    /// How many workers shared it.
    pub workers: u32,
    /// Each worker's own time on its shard, in milliseconds (a data attribute for benchmarks).
    pub worker_ms: Rc<[f64]>,
    /// "Replay this failure" on case `i`.
    pub on_replay: Callback<usize>,
}

/// The results panel.
#[function_component(Results)]
pub fn results(props: &ResultsProps) -> Html {
    let progress = props.progress.map(|(done, total)| {
        html! {
            <div class="grading" role="status">
                <progress value={done.to_string()} max={total.max(1).to_string()} data-testid="grade-progress"
                    aria-label="Grading progress" />
                <span>{format!("{done} of {total} cases and schedules")}</span>
            </div>
        }
    });
    let Some(report) = props.report.clone() else {
        return html! { <div class="results">{ for progress }</div> };
    };
    let passed = report.cases.iter().filter(|c| c.passed).count();
    let summary = if let Some(e) = &report.compile_error {
        html! { <p class="verdict fail" role="alert" data-testid="verdict">{format!("Your code does not compile: {e}")}</p> }
    } else if report.passed() {
        let worker_ms: Vec<String> = props
            .worker_ms
            .iter()
            .map(|ms| crate::svg::whole(*ms))
            .collect();
        html! { <p class="verdict pass" role="status" data-testid="verdict" data-worker-ms={worker_ms.join(",")}>{format!("All {} cases pass.", report.cases.len())}
        { for props.elapsed_ms.map(|ms| format!(" Graded in {} ms by {} {}.", crate::svg::whole(ms), props.workers, if props.workers == 1 { "worker" } else { "workers" })) }</p> }
    } else {
        html! { <p class="verdict fail" role="alert" data-testid="verdict">{format!("{passed} of {} cases pass.", report.cases.len())}</p> }
    };
    html! {
        <div class="results" data-testid="results">
            { for progress }
            {summary}
            <ul class="cases">
                { for report.cases.iter().enumerate().map(|(i, c)| {
                    let replay = c.counterexample.as_ref().map(|cx| {
                        let cb = props.on_replay.clone();
                        let onclick = Callback::from(move |_: MouseEvent| cb.emit(i));
                        html! { <button {onclick} data-testid="replay">{format!("Replay this failure (seed {})", cx.scenario.seed)}</button> }
                    });
                    html! {
                        <li class={if c.passed { "case pass" } else { "case fail" }}>
                            <span class="mark" aria-hidden="true">{ if c.passed { "✓" } else { "✗" } }</span>
                            <span class="sr-only">{ if c.passed { "passed: " } else { "failed: " } }</span>
                            <strong>{c.name.clone()}</strong>
                            if !c.passed { <p class="message">{c.message.clone()}</p> }
                            { for replay }
                        </li>
                    }
                }) }
            </ul>
            if !report.output.is_empty() {
                <details class="output"><summary>{format!("Your print output ({} lines)", report.output.len())}</summary>
                    <pre>{report.output.join("\n")}</pre></details>
            }
        </div>
    }
}
