//! One quiz item: the learner answers, checks, and reads why each choice is right or wrong.

use crate::live_slot::LiveSlot;
use crate::live_view::LiveView;
use netsplit_lessons::quiz::{Answer, QuizItem, QuizKind};
use netsplit_lessons::ScenarioCard;
use std::rc::Rc;
use yew::prelude::*;

/// One item, its saved answer, and what to do with a new one.
#[derive(Properties, PartialEq, Clone)]
pub struct QuizItemProps {
    /// Where answers are saved: a lesson slug or `assessment`.
    pub scope: AttrValue,
    /// The item.
    pub item: Rc<QuizItem>,
    /// Its number in the quiz (1-based); none for an item asked in place in the prose.
    pub number: Option<usize>,
    /// The saved answer, if answered.
    pub answer: Option<Answer>,
    /// A predict item's scenario.
    #[prop_or_default]
    pub scenario: Option<Rc<ScenarioCard>>,
    /// Called with the learner's answer when they check it.
    pub on_answer: Callback<Answer>,
    /// Called when they want to try again.
    pub on_retry: Callback<()>,
}

/// What the learner has entered but not yet checked.
#[derive(Clone, Default, PartialEq)]
struct Draft {
    choice: Option<u32>,
    choices: Vec<u32>,
    order: Vec<u32>,
    number: String,
}

impl Draft {
    fn answer(&self, kind: &QuizKind) -> Option<Answer> {
        match kind {
            QuizKind::Single { .. } | QuizKind::Predict { .. } => self.choice.map(Answer::Choice),
            QuizKind::Multiple { .. } => {
                (!self.choices.is_empty()).then(|| Answer::Choices(self.choices.clone()))
            }
            QuizKind::Order { .. } => Some(Answer::Order(self.order.clone())),
            QuizKind::Numeric { .. } => self.number.trim().parse().ok().map(Answer::Number),
        }
    }
}

/// A quiz item.
#[function_component(QuizItemView)]
pub fn quiz_item_view(props: &QuizItemProps) -> Html {
    let item = &props.item;
    let draft = {
        let order = item.shown_order();
        use_state(move || Draft {
            order,
            ..Draft::default()
        })
    };
    let answered = props.answer.as_ref();
    let right = answered.map(|a| item.is_correct(a));
    let name = format!("{}-{}", props.scope, item.id);

    let body = match &item.kind {
        QuizKind::Single { choices }
        | QuizKind::Predict { choices, .. }
        | QuizKind::Multiple { choices } => {
            let multiple = matches!(item.kind, QuizKind::Multiple { .. });
            let picked = |i: u32| match answered {
                Some(Answer::Choice(c)) => *c == i,
                Some(Answer::Choices(cs)) => cs.contains(&i),
                Some(_) => false,
                None if multiple => draft.choices.contains(&i),
                None => draft.choice == Some(i),
            };
            html! {
                // Not a list: a list's items cannot sit under a radiogroup (axe's listitem rule).
                <div class="choices" role={if multiple { "group" } else { "radiogroup" }}>
                { for item.shown_choices().into_iter().filter_map(|i| Some((i, choices.get(i as usize)?))).map(|(i, c)| {
                    let onchange = {
                        let draft = draft.clone();
                        Callback::from(move |_: Event| {
                            let mut d = (*draft).clone();
                            if multiple {
                                match d.choices.iter().position(|x| *x == i) {
                                    Some(k) => { d.choices.remove(k); }
                                    None => {
                                        let at = d.choices.iter().position(|x| *x > i).unwrap_or(d.choices.len());
                                        d.choices.insert(at, i);
                                    }
                                }
                            } else {
                                d.choice = Some(i);
                            }
                            draft.set(d);
                        })
                    };
                    let mark = answered.map(|_| if c.correct { "right" } else { "wrong" });
                    html! {
                        <div class={classes!("choice", mark, picked(i).then_some("picked"))} data-testid="quiz-choice">
                            <label>
                                <input type={if multiple { "checkbox" } else { "radio" }} name={name.clone()}
                                    checked={picked(i)} disabled={answered.is_some()} {onchange} />
                                {" "}{c.text.clone()}
                            </label>
                            if answered.is_some() {
                                <p class="why">{ if c.correct { "Right: " } else { "Wrong: " } }{c.why.clone()}</p>
                            }
                        </div>
                    }
                }) }
                </div>
            }
        }
        QuizKind::Order { steps } => {
            let order: Vec<u32> = match answered {
                Some(Answer::Order(o)) => o.clone(),
                _ => draft.order.clone(),
            };
            let n = order.len();
            html! {
                <>
                <ol class="order" data-testid="quiz-order">
                { for order.iter().enumerate().map(|(pos, s)| {
                    let text = steps.get(*s as usize).cloned().unwrap_or_default();
                    let shift = |delta: isize| {
                        let draft = draft.clone();
                        Callback::from(move |_: MouseEvent| {
                            let mut d = (*draft).clone();
                            let to = pos as isize + delta;
                            if to >= 0 && (to as usize) < d.order.len() {
                                d.order.swap(pos, to as usize);
                                draft.set(d);
                            }
                        })
                    };
                    html! {
                        <li>
                            <span>{text.clone()}</span>
                            if answered.is_none() {
                                <button class="small" onclick={shift(-1)} disabled={pos == 0}
                                    aria-label={format!("Move up: {text}")} data-testid="quiz-up">{"↑"}</button>
                                <button class="small" onclick={shift(1)} disabled={pos + 1 == n}
                                    aria-label={format!("Move down: {text}")} data-testid="quiz-down">{"↓"}</button>
                            }
                        </li>
                    }
                }) }
                </ol>
                if answered.is_some() && right == Some(false) {
                    <div class="why"><p>{"The right order:"}</p>
                        <ol>{ for steps.iter().map(|s| html! { <li>{s.clone()}</li> }) }</ol></div>
                }
                </>
            }
        }
        QuizKind::Numeric {
            answer,
            tolerance,
            unit,
            mistakes,
        } => {
            let oninput = {
                let draft = draft.clone();
                Callback::from(move |e: InputEvent| {
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    draft.set(Draft {
                        number: input.value(),
                        ..(*draft).clone()
                    });
                })
            };
            let shown = match answered {
                Some(Answer::Number(n)) => n.to_string(),
                _ => draft.number.clone(),
            };
            let mistake = match answered {
                Some(Answer::Number(n)) => mistakes.iter().find(|m| m.value == *n),
                _ => None,
            };
            html! {
                <>
                <label class="numeric">{"Your answer: "}
                    <input type="number" step="1" value={shown} {oninput} disabled={answered.is_some()} data-testid="quiz-number" />
                    {" "}{unit.clone()}
                </label>
                if answered.is_some() {
                    <p class="why">{format!("The answer: {answer}{}{}", if *tolerance > 0 { format!(" (±{tolerance})") } else { String::new() }, if unit.is_empty() { String::new() } else { format!(" {unit}") })}</p>
                    if let Some(m) = mistake { <p class="why">{format!("Why not {}: {}", m.value, m.why)}</p> }
                }
                </>
            }
        }
    };

    let check = {
        let (draft, on_answer, kind) = (draft.clone(), props.on_answer.clone(), item.kind.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(a) = draft.answer(&kind) {
                on_answer.emit(a);
            }
        })
    };
    let retry = {
        let on_retry = props.on_retry.clone();
        Callback::from(move |_: MouseEvent| on_retry.emit(()))
    };
    let ready = draft.answer(&item.kind).is_some();
    let predict = props.scenario.as_ref().map(|s| {
        let view = LiveView::Cluster {
            scenario: s.run.clone(),
            id: format!("predict-{}", s.id),
            title: s.title.clone(),
            description: String::new(),
            region: Some("Live cluster to predict".into()),
        };
        html! {
            <>
            <p class="hint">{ if answered.is_some() { "Now play it and see." } else { "Do not play it yet: predict first." } }</p>
            <LiveSlot key={format!("predict-{}", s.id)} view={Rc::new(view)} />
            </>
        }
    });
    html! {
        <li class={classes!("quiz-item", right.map(|r| if r { "right" } else { "wrong" }))}
            data-testid="quiz-item" data-item={item.id.clone()}>
            <p class="prompt">if let Some(n) = props.number { <span class="num">{format!("{n}.")}</span>{" "} }{item.prompt.clone()}
                if matches!(item.kind, QuizKind::Multiple { .. }) { <span class="muted">{" (choose all that apply)"}</span> }
            </p>
            {predict.unwrap_or_default()}
            {body}
            if let Some(r) = right {
                <div class="verdict" role="status" data-testid="quiz-verdict">
                    <p><strong>{ if r { "Right." } else { "Not quite." } }</strong>{" "}{item.explanation.clone()}</p>
                    <button onclick={retry} data-testid="quiz-retry">{"Try again"}</button>
                </div>
            } else {
                <button class="primary" onclick={check} disabled={!ready} data-testid="quiz-check">{"Check"}</button>
            }
        </li>
    }
}
