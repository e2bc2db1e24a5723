//! "Check your own history": a learner pastes, drops or picks a history (Porcupine's JSON,
//! Jepsen's EDN or an etcd log), the checker's worker (`src/bin/checker_worker.rs`) says whether
//! it is linearizable, and the page draws it: each operation a bar from its call to its return on
//! its client's row, numbered by its place in the order the checker found, and for an illegal
//! history the operation that cannot be placed in red with the sentence that says why.

use crate::svg::{bar, px};
use netsplit_core::check::linearizability::Verdict;
use netsplit_core::check::text::HistoryReport;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, MessageEvent, Worker};
use yew::prelude::*;

/// The checker worker's loader, written by trunk next to the page.
const CHECKER_WORKER_URL: &str = "./checker-worker_loader.js";
/// The largest history the page sends to the checker; Porcupine's largest test history is
/// 120 KB.
pub const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;
/// At most this many operations are drawn (around the one that cannot be placed, if any); the
/// rest are counted.
const MAX_DRAWN_OPS: usize = 300;
/// Drawing width, in SVG units.
const WIDTH: f64 = 760.0;
/// Height of one client's row.
const ROW: f64 = 22.0;
/// Room on the left for the clients' names.
const LEFT: f64 = 40.0;

/// Porcupine's test histories, shipped beside the page (`porcupine/…`) as examples: the etcd
/// logs (a compare-and-set register; `etcd_095` is empty, the cluster never started) and the
/// key-value histories.
fn examples() -> Vec<String> {
    let etcd = (0..=102).filter(|n| *n != 95).map(|n| {
        format!(
            "jepsen/etcd_{}{}.log",
            if n < 10 {
                "00"
            } else if n < 100 {
                "0"
            } else {
                ""
            },
            n
        )
    });
    let kv = ["c01", "c10", "c50"]
        .into_iter()
        .flat_map(|c| [format!("kv/{c}-ok.txt"), format!("kv/{c}-bad.txt")]);
    etcd.chain(kv).collect()
}

/// Where the check is.
#[derive(Clone, PartialEq)]
enum Status {
    /// Nothing checked yet.
    Idle,
    /// The worker is checking (started at this `performance.now()`).
    Checking(f64),
    /// The worker answered after this many ms.
    Done(Rc<Result<HistoryReport, String>>, f64),
    /// The learner stopped it, or the worker failed.
    Stopped(String),
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The running worker and its handlers (dropping them without terminating it would leave the
/// worker running).
type Running = Option<(
    Worker,
    Closure<dyn Fn(MessageEvent)>,
    Closure<dyn Fn(web_sys::Event)>,
)>;

fn stop(running: &mut Running) {
    if let Some((w, _, _)) = running.take() {
        w.set_onmessage(None);
        w.set_onerror(None);
        w.terminate();
    }
}

/// The history checker.
#[function_component(HistoryCheck)]
pub fn history_check() -> Html {
    let text = use_state(String::new);
    let status = use_state(|| Status::Idle);
    let source = use_state(|| None::<String>);
    let running = use_mut_ref(|| -> Running { None });
    {
        // The worker stops with the page.
        let running = running.clone();
        use_effect_with((), move |_| move || stop(&mut running.borrow_mut()));
    }
    let check = {
        let (text, status, running) = (text.clone(), status.clone(), running.clone());
        Callback::from(move |_: MouseEvent| {
            stop(&mut running.borrow_mut());
            if text.len() > MAX_TEXT_BYTES {
                status.set(Status::Stopped(format!(
                    "The history is {} KB, over the checker's limit of {} KB.",
                    text.len() / 1024,
                    MAX_TEXT_BYTES / 1024
                )));
                return;
            }
            let worker = match Worker::new(CHECKER_WORKER_URL) {
                Ok(w) => w,
                Err(e) => {
                    status.set(Status::Stopped(format!(
                        "The checker could not start ({e:?})."
                    )));
                    return;
                }
            };
            let started = now_ms();
            let (sent_text, done, handle) = ((*text).clone(), status.clone(), worker.clone());
            let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
                // "ready" first (a message sent before the wasm started would be lost), then
                // the report.
                if e.data().as_string().as_deref() == Some("ready") {
                    let _ = handle.post_message(&sent_text.as_str().into());
                    return;
                }
                let bytes = js_sys::Uint8Array::new(&e.data()).to_vec();
                let report = postcard::from_bytes::<Result<HistoryReport, String>>(&bytes)
                    .unwrap_or_else(|e| Err(format!("the checker's answer was damaged: {e}")));
                done.set(Status::Done(Rc::new(report), now_ms() - started));
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            let failed = status.clone();
            let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
                failed.set(Status::Stopped(
                    "The checker's worker failed to load: reload the page and try again.".into(),
                ));
            });
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            *running.borrow_mut() = Some((worker, on_message, on_error));
            status.set(Status::Checking(started));
        })
    };
    let cancel = {
        let (status, running) = (status.clone(), running.clone());
        Callback::from(move |_: MouseEvent| {
            stop(&mut running.borrow_mut());
            status.set(Status::Stopped("Stopped.".into()));
        })
    };
    let on_input = {
        let (text, source) = (text.clone(), source.clone());
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            text.set(area.value());
            source.set(None);
        })
    };
    // A file, chosen or dropped, is read as text.
    let load_file = {
        let (text, source, status) = (text.clone(), source.clone(), status.clone());
        Rc::new(move |file: web_sys::File| {
            let (text, source, status) = (text.clone(), source.clone(), status.clone());
            let name = file.name();
            if file.size() > MAX_TEXT_BYTES as f64 {
                status.set(Status::Stopped(format!(
                    "{name} is {} KB, over the checker's limit of {} KB.",
                    (file.size() / 1024.0) as u64,
                    MAX_TEXT_BYTES / 1024
                )));
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    Ok(t) => {
                        text.set(t.as_string().unwrap_or_default());
                        source.set(Some(name));
                        status.set(Status::Idle);
                    }
                    Err(_) => status.set(Status::Stopped(format!("{name} could not be read."))),
                }
            });
        })
    };
    let on_file = {
        let load_file = load_file.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                load_file(file);
            }
        })
    };
    let on_drop = {
        let load_file = load_file.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                load_file(file);
            }
        })
    };
    let on_example = {
        let (text, source, status) = (text.clone(), source.clone(), status.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let name = select.value();
            if name.is_empty() {
                return;
            }
            let (text, source, status) = (text.clone(), source.clone(), status.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match crate::fetch::site_file(&format!("porcupine/{name}")).await {
                    Ok(bytes) => {
                        text.set(String::from_utf8_lossy(&bytes).into_owned());
                        source.set(Some(name));
                        status.set(Status::Idle);
                    }
                    Err(e) => status.set(Status::Stopped(format!(
                        "The example {name} could not be loaded: {e}."
                    ))),
                }
            });
        })
    };
    let checking = matches!(*status, Status::Checking(_));
    let lines = text.lines().count();
    html! {
        <section class="history-check" data-testid="history-check" aria-label="Check a history">
            <div class="row">
                <label>{"An example from Porcupine's tests "}
                    <select onchange={on_example} data-testid="history-example">
                        <option value="" selected={source.is_none()}>{"choose one…"}</option>
                        { for examples().into_iter().map(|e| html! {
                            <option value={e.clone()} selected={source.as_deref() == Some(e.as_str())}>{e}</option>
                        }) }
                    </select>
                </label>
                <label>{"or a file "}
                    <input type="file" accept=".json,.edn,.log,.txt" onchange={on_file} data-testid="history-file" />
                </label>
            </div>
            <label for="history-text">{"The history (paste it, or drop a file here)"}</label>
            <textarea id="history-text" rows="10" spellcheck="false" value={(*text).clone()}
                oninput={on_input} ondrop={on_drop}
                ondragover={Callback::from(|e: DragEvent| e.prevent_default())}
                data-testid="history-text"
                placeholder={"[{\"ClientId\":0,\"Input\":{\"Write\":1},\"Call\":0,\"Output\":\"Write\",\"Return\":10}]"} />
            <p class="muted">{format!("{lines} lines{}", source.as_ref().map(|s| format!(", from {s}")).unwrap_or_default())}</p>
            <div class="row">
                <button onclick={check} disabled={text.trim().is_empty() || checking} data-testid="history-check-button">{"Check"}</button>
                if checking {
                    <button onclick={cancel} data-testid="history-stop">{"Stop"}</button>
                }
            </div>
            <div role="status" data-testid="history-status">
                { match &*status {
                    Status::Idle => Html::default(),
                    Status::Checking(_) => html! { <p>{"Checking…"}</p> },
                    Status::Stopped(why) => html! { <p class="error">{why.clone()}</p> },
                    Status::Done(report, ms) => match &**report {
                        Err(e) => html! { <p class="error" data-testid="history-error">{format!("This is not a history the checker can read: {e}.")}</p> },
                        Ok(r) => verdict(r, *ms),
                    },
                } }
            </div>
            if let Status::Done(report, _) = &*status {
                if let Ok(r) = &**report { { drawing(r) } }
            }
        </section>
    }
}

/// The verdict in words.
fn verdict(r: &HistoryReport, ms: f64) -> Html {
    let (class, word, why) = match r.verdict {
        Verdict::Ok => (
            "ok",
            "Linearizable",
            "some order of all the operations respects real time and the object's rules; the numbers on the bars are one such order.".to_string(),
        ),
        Verdict::Illegal => (
            "error",
            "Not linearizable",
            r.explanation.clone().unwrap_or_default(),
        ),
        Verdict::Unknown => (
            "muted",
            "Unknown",
            "the search ran out of its step budget before it could decide.".to_string(),
        ),
    };
    html! {
        <>
            <p data-testid="history-verdict"><strong class={class}>{word}</strong>{": "}{why}</p>
            <p class="muted" data-testid="history-figures">{format!(
                "Read as {}: {} operations, {} partition{}, {} search steps, {} ms in the checker's worker.",
                r.form.describe(),
                r.ops.len(),
                r.partitions,
                if r.partitions == 1 { "" } else { "s" },
                r.steps,
                ms.round() as u64
            )}</p>
        </>
    }
}

/// The operations as bars, one row per client, drawn in call order: at most [`MAX_DRAWN_OPS`],
/// around the operation that cannot be placed.
fn drawing(r: &HistoryReport) -> Html {
    if r.ops.is_empty() {
        return Html::default();
    }
    // In call order, through a map rather than a sort (a sort adds its own copy of the code).
    let order: Vec<usize> = r
        .ops
        .iter()
        .enumerate()
        .map(|(i, op)| ((op.call, i), i))
        .collect::<BTreeMap<(i64, usize), usize>>()
        .into_values()
        .collect();
    let blocked_at = r
        .blocked
        .and_then(|b| order.iter().position(|i| *i as u64 == b));
    let start = blocked_at.map_or(0, |b| b.saturating_sub(MAX_DRAWN_OPS / 2));
    let end = (start + MAX_DRAWN_OPS).min(order.len());
    let start = end.saturating_sub(MAX_DRAWN_OPS);
    let drawn = &order[start..end];
    let t0 = drawn.iter().map(|i| r.ops[*i].call).min().unwrap_or(0);
    let t1 = drawn
        .iter()
        .map(|i| r.ops[*i].ret.unwrap_or(r.ops[*i].call))
        .max()
        .unwrap_or(t0)
        .max(t0 + 1);
    let x = |t: i64| LEFT + (t.clamp(t0, t1) - t0) as f64 / (t1 - t0) as f64 * (WIDTH - LEFT - 8.0);
    let mut clients: BTreeMap<u64, usize> = drawn.iter().map(|i| (r.ops[*i].client, 0)).collect();
    for (row, slot) in clients.values_mut().enumerate() {
        *slot = row;
    }
    let height = clients.len() as f64 * ROW + 8.0;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{} operations as bars, one row per client\">",
        px(WIDTH),
        px(height),
        drawn.len()
    );
    for (c, row) in &clients {
        svg.push_str(&format!(
            "<text x=\"4\" y=\"{}\" class=\"axis\">c{c}</text>",
            px(*row as f64 * ROW + 16.0)
        ));
    }
    for i in drawn {
        let op = &r.ops[*i];
        let row = clients.get(&op.client).copied().unwrap_or(0) as f64;
        let (x0, x1) = (x(op.call), op.ret.map_or(WIDTH - 8.0, x));
        let class = if r.blocked == Some(*i as u64) {
            "op blocked"
        } else if op.place.is_none() {
            "op unplaced"
        } else if op.ret.is_none() {
            "op pending"
        } else {
            "op"
        };
        let key = op
            .key
            .as_ref()
            .map(|k| format!(" (key {k})"))
            .unwrap_or_default();
        let place = op
            .place
            .map_or_else(|| "no place".to_string(), |p| format!("place {}", p + 1));
        let title = format!("{}{key}: {place}", crate::cluster::panels::esc(&op.label));
        svg.push_str(&bar(x0, x1, row * ROW + 4.0, ROW - 8.0, class, &title));
        if let Some(p) = op.place.filter(|_| x1 - x0 >= 16.0) {
            svg.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" class=\"place\" text-anchor=\"middle\">{}</text>",
                px((x0 + x1) / 2.0),
                px(row * ROW + 15.0),
                p + 1
            ));
        }
    }
    svg.push_str("</svg>");
    let hidden = r.ops.len() - drawn.len();
    html! {
        <figure class="history-drawing" data-testid="history-drawing">
            { Html::from_html_unchecked(AttrValue::from(svg)) }
            <figcaption class="muted">
                {"Each bar runs from an operation's call to its return, on its client's row; the number is its place in the order found (per key, for a key-value store). "}
                if r.blocked.is_some() { {"Red: the operation that cannot be placed. Grey: operations the longest order found could not reach. "} }
                if hidden > 0 { {format!("{hidden} more operations are not drawn (only {} around the one that matters are).", drawn.len())} }
            </figcaption>
        </figure>
    }
}
