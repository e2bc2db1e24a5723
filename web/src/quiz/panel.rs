//! A quiz: its items in order and the score, from the answers saved in the learner's progress.

use super::item::QuizItemView;
use crate::saved::{use_progress, ProgressAction};
use netsplit_lessons::quiz::{QuizItem, QuizKind};
use netsplit_lessons::LessonScenario;
use std::rc::Rc;
use yew::prelude::*;

/// A quiz's items and where its answers are saved.
#[derive(Properties, PartialEq, Clone)]
pub struct QuizPanelProps {
    /// A lesson slug, or `assessment`.
    pub scope: AttrValue,
    /// Its heading.
    pub title: AttrValue,
    /// The items, in order.
    pub items: Rc<Vec<QuizItem>>,
    /// The lesson's scenarios, for predict items.
    #[prop_or_default]
    pub scenarios: Rc<Vec<LessonScenario>>,
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
    let right = props
        .items
        .iter()
        .zip(&answered)
        .filter(|(q, a)| a.as_ref().is_some_and(|a| q.is_correct(a)))
        .count();
    let done = answered.iter().filter(|a| a.is_some()).count();
    let total = props.items.len();
    html! {
        <section class="quiz" data-testid="quiz" aria-label={props.title.clone()}>
            <h2>{props.title.clone()}</h2>
            <p class="score" data-testid="quiz-score" role="status">
                { if done == 0 { format!("{total} questions. Each answer is explained once you check it.") }
                  else { format!("Score: {right} of {total} right ({done} answered).") } }
            </p>
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
                    <QuizItemView key={q.id.clone()} scope={props.scope.clone()} item={Rc::new(q.clone())} number={k + 1}
                        answer={a} {scenario} {on_answer} {on_retry} />
                }
            }) }
            </ol>
        </section>
    }
}
