//! The root of a live view mounted by the live module (`src/bin/live.rs`) into a slot of the
//! page: it draws the [`LiveView`] and gives its components the [`PageLink`] back to the page.

use crate::cluster::ClusterWidget;
use crate::exercise::ExerciseWidget;
use crate::live_view::LiveView;
use crate::measure::MeasureWidget;
use crate::page_link::PageLink;
use crate::pages::bench_page::BenchPage;
use crate::pages::history_page::HistoryPage;
use crate::pages::playground::Playground;
use std::rc::Rc;
use yew::prelude::*;

/// The view and the way back to the page.
#[derive(Properties, PartialEq, Clone)]
pub struct LiveRootProps {
    /// What to draw.
    pub view: Rc<LiveView>,
    /// Where its messages to the page go.
    pub page: PageLink,
}

/// A live view, drawn into the slot the page made for it.
#[function_component(LiveRoot)]
pub fn live_root(props: &LiveRootProps) -> Html {
    // Sealed by the lesson's build and passed on by the page: damaged bytes are said, not drawn.
    let damaged = |what: &str, e: String| {
        html! { <p class="error" role="alert">{format!("This {what} cannot be shown: {e}. Reload the page.")}</p> }
    };
    let view = match &*props.view {
        LiveView::Cluster {
            scenario,
            id,
            title,
            description,
            region,
        } => match (scenario.open(), region) {
            (Err(e), _) => damaged("live cluster", e),
            (Ok(scenario), Some(region)) => html! {
                <ClusterWidget {scenario} id={id.clone()} title={title.clone()}
                    description={description.clone()} region={region.clone()} />
            },
            (Ok(scenario), None) => html! {
                <ClusterWidget {scenario} id={id.clone()} title={title.clone()}
                    description={description.clone()} />
            },
        },
        LiveView::Exercise {
            exercise,
            saved_code,
            ..
        } => match exercise.open() {
            Err(e) => damaged("exercise", e),
            Ok(exercise) => html! {
                <ExerciseWidget exercise={Rc::new(exercise)} saved_code={saved_code.clone().map(AttrValue::from)} />
            },
        },
        LiveView::Measure { id } => html! { <MeasureWidget id={id.clone()} /> },
        LiveView::Playground { link } => {
            html! { <Playground link={link.clone().map(AttrValue::from)} /> }
        }
        LiveView::Bench => html! { <BenchPage /> },
        LiveView::HistoryCheck => html! { <HistoryPage /> },
    };
    html! {
        <ContextProvider<PageLink> context={props.page.clone()}>{view}</ContextProvider<PageLink>>
    }
}
