//! A quiz: its items in order and the score, from the answers saved in the learner's progress.

use super::item::QuizItemView;
use crate::saved::{use_progress, ProgressAction};
use netsplit_lessons::quiz::{QuizItem, QuizKind};
use netsplit_lessons::ScenarioCard;
use std::rc::Rc;
use yew::prelude::*;

/// A quiz's items and where its answers are saved.
#[derive(Properties, PartialEq, Clone)]
pub struct QuizPanelProps {
    /// A lesson slug, or `assessment`.
    pub scope: AttrValue,
    /// Its heading.
    pub title: AttrValue,
    /// The items shown here, in order.
    pub items: Rc<Vec<QuizItem>>,
    /// Items of the same quiz asked in place in the prose: counted in the score, not shown.
    #[prop_or_default]
    pub asked_above: Rc<Vec<QuizItem>>,
    /// True for an item asked in place: no score line, no numbers, a smaller heading.
    #[prop_or_default]
    pub inline: bool,
    /// The lesson's scenarios, for predict items.
    #[prop_or_default]
    pub scenarios: Rc<Vec<ScenarioCard>>,
}

/// The quiz.
#[function_component(QuizPanel)]
pub fn quiz_panel(props: &QuizPanelProps) -> Html {
    // The app always provides the progress; without it (a widget on its own) answers are not kept.
    let progress = use_progress();
    let saved = progress
        .as_ref()
        .map(|p| p.progress.clone())
        .unwrap_or_default();
    let answered: Vec<_> = props
        .items
        .iter()
        .map(|q| saved.answer(&props.scope, &q.id).cloned())
        .collect();
    // The score covers the whole quiz, including the items asked in place above.
    let counted: Vec<&QuizItem> = props.asked_above.iter().chain(props.items.iter()).collect();
    let answers: Vec<_> = counted
        .iter()
        .map(|q| saved.answer(&props.scope, &q.id))
        .collect();
    let right = counted
        .iter()
        .zip(&answers)
        .filter(|(q, a)| a.is_some_and(|a| q.is_correct(a)))
        .count();
    let done = answers.iter().filter(|a| a.is_some()).count();
    let total = counted.len();
    let above = props.asked_above.len();
    html! {
        <section class={classes!("quiz", props.inline.then_some("inline"))} data-testid={if props.inline { "quiz-inline" } else { "quiz" }}
            aria-label={props.title.clone()}>
            if props.inline { <h3>{props.title.clone()}</h3> } else { <h2>{props.title.clone()}</h2> }
            if !props.inline {
                <p class="score" data-testid="quiz-score" role="status">
                    { match (done, above) {
                        (0, 0) => format!("{total} questions. Each answer is explained once you check it."),
                        (0, a) => format!("{total} questions, {a} of them asked above in the lesson. Each answer is explained once you check it."),
                        _ => format!("Score: {right} of {total} right ({done} answered{}).", if above > 0 { ", counting the questions above" } else { "" }),
                    } }
                </p>
            }
            <ol class="quiz-items">
            { for props.items.iter().zip(answered).enumerate().map(|(k, (q, a))| {
                let (scope, id) = (props.scope.to_string(), q.id.clone());
                let on_answer = {
                    let (progress, scope, id) = (progress.clone(), scope.clone(), id.clone());
                    Callback::from(move |answer| {
                        if let Some(p) = &progress {
                            p.dispatch(ProgressAction::Answer(scope.clone(), id.clone(), answer));
                        }
                    })
                };
                let on_retry = {
                    let progress = progress.clone();
                    Callback::from(move |()| {
                        if let Some(p) = &progress {
                            p.dispatch(ProgressAction::Retry(scope.clone(), id.clone()));
                        }
                    })
                };
                let scenario = match &q.kind {
                    QuizKind::Predict { scenario, .. } => props.scenarios.iter().find(|s| s.id == *scenario).cloned().map(Rc::new),
                    _ => None,
                };
                html! {
                    <QuizItemView key={q.id.clone()} scope={props.scope.clone()} item={Rc::new(q.clone())} number={(!props.inline).then_some(k + 1)}
                        answer={a} {scenario} {on_answer} {on_retry} />
                }
            }) }
            </ol>
        </section>
    }
}
