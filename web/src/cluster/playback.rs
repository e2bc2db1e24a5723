//! Play, pause, step, speed, the timeline scrubber and the seed.

use super::state::SPEEDS;
use netsplit_core::SimTime;
use yew::prelude::*;

/// Playback state and where the learner's choices go.
#[derive(Properties, PartialEq, Clone)]
pub struct PlaybackProps {
    /// True while playing.
    pub playing: bool,
    /// True when nothing is left to happen.
    pub finished: bool,
    /// Steps taken.
    pub step: u64,
    /// The furthest step reached (the scrubber's end).
    pub furthest: u64,
    /// The instant drawn.
    pub now: SimTime,
    /// The run's seed.
    pub seed: u64,
    /// Simulated µs per real ms.
    pub speed: u64,
    /// Play.
    pub on_play: Callback<()>,
    /// Pause.
    pub on_pause: Callback<()>,
    /// One event.
    pub on_step: Callback<()>,
    /// Replay to a step.
    pub on_seek: Callback<u64>,
    /// New seed.
    pub on_seed: Callback<u64>,
    /// New speed.
    pub on_speed: Callback<u64>,
    /// Start over.
    pub on_reset: Callback<()>,
}

/// The playback bar.
#[function_component(Playback)]
pub fn playback(props: &PlaybackProps) -> Html {
    let seed_error = use_state(|| None::<String>);
    let play_pause = {
        let (playing, play, pause) = (props.playing, props.on_play.clone(), props.on_pause.clone());
        Callback::from(move |_: MouseEvent| {
            if playing {
                pause.emit(())
            } else {
                play.emit(())
            }
        })
    };
    let step = {
        let cb = props.on_step.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let reset = {
        let cb = props.on_reset.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let seek = {
        let cb = props.on_seek.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<u64>() {
                cb.emit(v);
            }
        })
    };
    let seed = {
        let (cb, err) = (props.on_seed.clone(), seed_error.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            match input.value().trim().parse::<u64>() {
                Ok(v) => {
                    err.set(None);
                    cb.emit(v);
                }
                Err(_) => err.set(Some(format!(
                    "A seed is a whole number from 0 to {}.",
                    u64::MAX
                ))),
            }
        })
    };
    let speed = {
        let cb = props.on_speed.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(v) = select.value().parse::<u64>() {
                cb.emit(v);
            }
        })
    };
    html! {
        <div class="playback" role="group" aria-label="Playback">
            <div class="row">
                <button onclick={play_pause} data-testid="play" disabled={props.finished && !props.playing}
                    aria-label={if props.playing { "Pause" } else { "Play" }}>
                    { if props.playing { "Pause" } else { "▶ Play" } }
                </button>
                <button onclick={step} data-testid="step" disabled={props.finished} aria-label="Step +1: run one event">{"Step +1"}</button>
                <button onclick={reset} data-testid="reset" aria-label="Restart from the seed">{"↺ Restart"}</button>
                <label>{"Speed "}
                    <select onchange={speed} aria-label="Playback speed">
                        { for SPEEDS.iter().map(|(v, name)| html! { <option value={v.to_string()} selected={*v == props.speed}>{*name}</option> }) }
                    </select>
                </label>
                <label class="seed">{"Seed "}
                    <input type="text" inputmode="numeric" value={props.seed.to_string()} onchange={seed}
                        data-testid="seed" aria-label="Seed: the same seed always gives the same run" />
                </label>
            </div>
            if let Some(e) = &*seed_error { <p class="error" role="alert">{e.clone()}</p> }
            <label class="timeline">
                <span>{format!("step {} of {} · true time {}", props.step, props.furthest, props.now)}</span>
                <input type="range" min="0" max={props.furthest.to_string()} value={props.step.to_string()} oninput={seek}
                    data-testid="timeline" aria-label="Timeline: replay from the seed to a step"
                    aria-valuetext={format!("step {} of {}", props.step, props.furthest)} />
            </label>
        </div>
    }
}
