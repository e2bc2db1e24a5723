//! A measured table: figures the lab worker computes over many seeds as the lesson opens
//! (```` ```measure ID ````), with a slider over the knob (a threshold, a timeout) that picks a
//! row, its figures in large type, plots of the figures against the knob, and the whole table.
//! The page only draws: the runs and the arithmetic are the protocol's, in a lab worker of its
//! own ([`crate::measure_lab`]).

use crate::cluster::panels::esc;
use crate::measure_lab::{self, OnMeasured};
use crate::svg::px;
use netsplit_core::measure::{Plot, Table};
use std::rc::Rc;
use yew::prelude::*;

/// Which measurement.
#[derive(Properties, PartialEq, Clone)]
pub struct MeasureWidgetProps {
    /// The measurement's id ([`netsplit_core::measure`]).
    pub id: AttrValue,
}

/// What the widget knows: the table so far and how far the lab has got.
#[derive(Clone, PartialEq, Default)]
struct Progress {
    done_seeds: u64,
    seeds: u64,
    table: Option<Rc<Table>>,
    /// Milliseconds from the first request to the last seed, as this page measured them.
    elapsed_ms: Option<u64>,
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The measured table widget.
#[function_component(MeasureWidget)]
pub fn measure_widget(props: &MeasureWidgetProps) -> Html {
    let progress = use_state(Progress::default);
    let picked = use_state(|| None::<u32>);
    {
        let (progress, id) = (progress.clone(), props.id.clone());
        use_effect_with(props.id.clone(), move |_| {
            let started = now_ms();
            let on_measured: OnMeasured = {
                let id = id.clone();
                Callback::from(move |(done_seeds, seeds, table): (u64, u64, Box<Table>)| {
                    let finished = done_seeds >= seeds;
                    progress.set(Progress {
                        done_seeds,
                        seeds,
                        table: Some(Rc::new(*table)),
                        elapsed_ms: finished.then(|| (now_ms() - started).max(0.0) as u64),
                    });
                    // One chunk per request, so live clusters on the page keep drawing between.
                    if !finished {
                        measure_lab::measure_more(&id);
                    }
                })
            };
            measure_lab::measure(&id, on_measured);
            move || measure_lab::forget(&id)
        });
    }
    let status = match (&progress.table, progress.elapsed_ms) {
        (_, Some(ms)) => format!(
            "Measured over {} seeds in {} s, in a worker of this page.",
            progress.seeds,
            px(ms as f64 / 1000.0)
        ),
        // Drawn as each seed lands: one landing while a grade runs is the last until it ends.
        (Some(_), None) if measure_lab::held() => format!(
            "Measuring: {} of {} seeds; waiting while an exercise is graded…",
            progress.done_seeds, progress.seeds
        ),
        (Some(_), None) => format!(
            "Measuring: {} of {} seeds…",
            progress.done_seeds, progress.seeds
        ),
        (None, None) => measure_lab::broken().unwrap_or_else(|| "Measuring…".into()),
    };
    let Some(table) = progress.table.clone() else {
        return html! {
            <figure class="measure" data-testid="measure" data-measure={props.id.clone()}>
                <p class="measure-status" role="status">{status}</p>
            </figure>
        };
    };
    let rows = table.rows.len() as u32;
    let row = picked
        .unwrap_or(table.default_row)
        .min(rows.saturating_sub(1));
    let on_input = {
        let picked = picked.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<u32>() {
                picked.set(Some(v));
            }
        })
    };
    let knob_value = table
        .rows
        .get(row as usize)
        .map(|r| r.knob.clone())
        .unwrap_or_default();
    let slider_id = format!("measure-{}-knob", props.id);
    html! {
        <figure class="measure" data-testid="measure" data-measure={props.id.clone()}
            data-done={(progress.elapsed_ms.is_some()).to_string()}
            data-done-seeds={progress.done_seeds.to_string()}>
            <p class="measure-status" role="status">{status}</p>
            <div class="measure-knob">
                <label for={slider_id.clone()}>{format!("{}: ", table.knob)}<output for={slider_id.clone()} data-testid="measure-knob-value">{knob_value.clone()}</output></label>
                <input type="range" id={slider_id} data-testid="measure-knob" min="0" max={rows.saturating_sub(1).to_string()}
                    value={row.to_string()} aria-valuetext={format!("{} {}", table.knob, knob_value)} oninput={on_input} />
            </div>
            { Html::from_html_unchecked(AttrValue::from(figures(&table, row))) }
            <figcaption>{table.caption.clone()}</figcaption>
        </figure>
    }
}

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 150.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 22.0;

/// `thousandths` as a short label: `203`, `2.1`, `0.42`, `0.006`.
fn label(thousandths: i64) -> String {
    let t = thousandths.max(0) as u64;
    let decimals = match t {
        10_000.. => 0,
        1000.. => 1,
        10.. => 2,
        _ => 3,
    };
    netsplit_core::measure::fixed(t, decimals)
}

/// The picked row's figures, the plots and the table, as markup: one string rather than a
/// virtual DOM node per cell keeps the page's code small (every label is escaped).
fn figures(table: &Table, row: u32) -> String {
    let picked = table.rows.get(row as usize);
    let mut out = String::from("<dl class=\"measure-picked\" data-testid=\"measure-picked\">");
    for (c, name) in table.columns.iter().enumerate() {
        let cell = picked
            .and_then(|r| r.cells.get(c))
            .map_or("", String::as_str);
        out.push_str(&format!(
            "<div><dt>{}</dt><dd>{}</dd></div>",
            esc(name),
            esc(cell)
        ));
    }
    out.push_str("</dl><div class=\"measure-plots\">");
    for p in &table.plots {
        out.push_str(&plot(p, table, row));
    }
    out.push_str(&format!(
        "</div><div class=\"measure-table\"><table tabindex=\"0\" aria-label=\"{}\"><thead><tr><th scope=\"col\">{}</th>",
        esc(&table.caption),
        esc(&table.knob)
    ));
    for c in &table.columns {
        out.push_str(&format!("<th scope=\"col\">{}</th>", esc(c)));
    }
    out.push_str("</tr></thead><tbody>");
    for (i, r) in table.rows.iter().enumerate() {
        let class = if i as u32 == row {
            " class=\"picked\""
        } else {
            ""
        };
        out.push_str(&format!(
            "<tr{class}><th scope=\"row\">{}</th>",
            esc(&r.knob)
        ));
        for c in &r.cells {
            out.push_str(&format!("<td>{}</td>", esc(c)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    out
}

/// One plot: a line per column against the knob's rows, the picked row marked.
fn plot(p: &Plot, table: &Table, picked: u32) -> String {
    let n = table.rows.len().max(2);
    let values = p
        .lines
        .iter()
        .flat_map(|(_, v)| v.iter().flatten().copied());
    let top = values.clone().max().unwrap_or(1).max(1);
    let floor = values.filter(|v| *v > 0).min().unwrap_or(1).max(1);
    // JavaScript's Math, not Rust's: no float library in the page's wasm for a drawing.
    let log10 = |v: f64| js_sys::Math::log10(v);
    let pow10 = |v: f64| js_sys::Math::pow(10.0, v);
    let (lo, hi) = if p.log_scale {
        let lo = js_sys::Math::floor(log10(floor as f64));
        (lo, js_sys::Math::ceil(log10(top as f64)).max(lo + 1.0))
    } else {
        (0.0, top as f64)
    };
    let y = |v: i64| {
        let f = if p.log_scale {
            if v <= 0 {
                0.0
            } else {
                (log10(v as f64) - lo) / (hi - lo)
            }
        } else {
            v as f64 / hi
        };
        HEIGHT - BOTTOM - f.clamp(0.0, 1.0) * (HEIGHT - BOTTOM - 8.0)
    };
    let x = |i: usize| LEFT + i as f64 / (n - 1) as f64 * (WIDTH - LEFT - 8.0);
    let (top_label, bottom_label) = if p.log_scale {
        // Zeros are drawn on the axis, at the lowest power of ten shown.
        (label(pow10(hi) as i64), label(pow10(lo) as i64))
    } else {
        (label(top), "0".to_string())
    };
    let mut svg = format!(
        "<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}: {} against {}\">\
         <text x=\"2\" y=\"{}\" class=\"axis\">{top_label}</text>\
         <text x=\"2\" y=\"{}\" class=\"axis\">{bottom_label}</text>",
        px(WIDTH),
        px(HEIGHT),
        esc(&p.title),
        esc(&p
            .lines
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(" and ")),
        esc(&table.knob),
        px(y(if p.log_scale { pow10(hi) as i64 } else { top }) + 4.0),
        px(HEIGHT - BOTTOM + 4.0),
    );
    svg.push_str(&format!(
        "<line class=\"picked-line\" x1=\"{0}\" x2=\"{0}\" y1=\"4\" y2=\"{1}\"/>",
        px(x(picked as usize)),
        px(HEIGHT - BOTTOM)
    ));
    for (i, r) in table.rows.iter().enumerate() {
        // Every third knob and the last: room for each label even on a phone.
        let last = i + 1 == table.rows.len();
        if (i % 3 == 0 && i + 2 < table.rows.len()) || last {
            svg.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"{}\">{}</text>",
                px(x(i)),
                px(HEIGHT - 6.0),
                if last { "end" } else { "middle" },
                esc(&r.knob)
            ));
        }
    }
    let mut legend = String::from("<p class=\"legend\">");
    for (k, (name, values)) in p.lines.iter().enumerate() {
        svg.push_str(&format!("<path class=\"series s{k}\" d=\""));
        let mut first = true;
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                svg.push_str(&format!(
                    "{}{} {} ",
                    if first { "M" } else { "L" },
                    px(x(i)),
                    px(y(*v))
                ));
                first = false;
            }
        }
        svg.push_str(&format!("\"><title>{}</title></path>", esc(name)));
        legend.push_str(&format!("<span class=\"key s{k}\">{}</span>", esc(name)));
    }
    svg.push_str("</svg>");
    legend.push_str("</p>");
    format!(
        "<div class=\"panel measure-plot\"><h3>{}</h3>{svg}{legend}</div>",
        esc(&p.title)
    )
}
