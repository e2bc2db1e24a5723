//! Sliders for latency, loss and duplication on every link.

use netsplit_core::{NetConfig, Ratio};
use yew::prelude::*;

/// The current settings and where changes go.
#[derive(Properties, PartialEq, Clone)]
pub struct NetworkPanelProps {
    /// Settings now in force.
    pub config: NetConfig,
    /// A slider was released (or moved by keyboard).
    pub on_change: Callback<NetConfig>,
}

fn slider(
    label: &'static str,
    testid: &'static str,
    value: u64,
    max: u64,
    unit: &'static str,
    make: impl Fn(u64) -> NetConfig + 'static,
    on_change: Callback<NetConfig>,
) -> Html {
    let onchange = Callback::from(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        if let Ok(v) = input.value().parse::<u64>() {
            on_change.emit(make(v));
        }
    });
    html! {
        <label class="slider">
            <span>{label}{": "}<output>{format!("{value}{unit}")}</output></span>
            <input type="range" min="0" max={max.to_string()} value={value.to_string()} {onchange}
                data-testid={testid} aria-valuetext={format!("{value}{unit}")} />
        </label>
    }
}

/// The network sliders.
#[function_component(NetworkPanel)]
pub fn network_panel(props: &NetworkPanelProps) -> Html {
    let c = props.config;
    let min_ms = c.latency_us_min / 1_000;
    let max_ms = c.latency_us_max / 1_000;
    html! {
        <fieldset class="panel network">
            <legend>{"Network (every link)"}</legend>
            { slider("Latency min", "latency-min", min_ms, 500, " ms",
                move |v| NetConfig { latency_us_min: v * 1_000, latency_us_max: c.latency_us_max.max(v * 1_000), ..c }, props.on_change.clone()) }
            { slider("Latency max", "latency-max", max_ms, 500, " ms",
                move |v| NetConfig { latency_us_max: v * 1_000, latency_us_min: c.latency_us_min.min(v * 1_000), ..c }, props.on_change.clone()) }
            { slider("Drop", "drop", u64::from(c.drop.as_percent()), 100, "%",
                move |v| NetConfig { drop: Ratio::percent(v as u32), ..c }, props.on_change.clone()) }
            { slider("Duplicate", "duplicate", u64::from(c.duplicate.as_percent()), 50, "%",
                move |v| NetConfig { duplicate: Ratio::percent(v as u32), ..c }, props.on_change.clone()) }
        </fieldset>
    }
}
