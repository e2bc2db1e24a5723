//! A small code editor: line numbers, auto-indent, Tab to indent (Esc then Tab leaves),
//! Ctrl/Cmd-Enter to run, and the line of an error marked.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// What the editor shows and where edits go.
#[derive(Properties, PartialEq, Clone)]
pub struct EditorProps {
    /// The code.
    pub value: AttrValue,
    /// Every edit.
    pub on_change: Callback<String>,
    /// Ctrl/Cmd-Enter.
    pub on_run: Callback<()>,
    /// A 1-based line to mark as wrong.
    #[prop_or_default]
    pub error_line: Option<u32>,
    /// For screen readers.
    pub label: AttrValue,
}

const INDENT: &str = "    ";

/// Replaces the selection with `text` and puts the caret after it.
fn insert(area: &HtmlTextAreaElement, text: &str) -> String {
    let value = area.value();
    let chars: Vec<char> = value.chars().collect();
    let start = area.selection_start().ok().flatten().unwrap_or(0) as usize;
    let end = area.selection_end().ok().flatten().unwrap_or(start as u32) as usize;
    let (start, end) = (
        start.min(chars.len()),
        end.min(chars.len()).max(start.min(chars.len())),
    );
    let before: String = chars[..start].iter().collect();
    let after: String = chars[end..].iter().collect();
    let new = format!("{before}{text}{after}");
    area.set_value(&new);
    let caret = (start + text.chars().count()) as u32;
    let _ = area.set_selection_range(caret, caret);
    new
}

/// The most line numbers drawn: a pasted megabyte has tens of thousands of lines, and a span
/// for each blocked the page for seconds; code the grader takes (64 KB) rarely has half this.
const GUTTER_MAX_LINES: usize = 2_500;

/// The editor.
#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let gutter = use_node_ref();
    let keys_id = crate::unique_id::use_unique_id("editor-keys");
    let escaped = use_mut_ref(|| false);
    let lines = props.value.lines().count().max(1) + usize::from(props.value.ends_with('\n'));
    let oninput = {
        let cb = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            cb.emit(area.value());
        })
    };
    let onkeydown = {
        let (on_change, on_run, escaped) = (
            props.on_change.clone(),
            props.on_run.clone(),
            escaped.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            let was_escaped = std::mem::replace(&mut *escaped.borrow_mut(), e.key() == "Escape");
            match e.key().as_str() {
                "Enter" if e.ctrl_key() || e.meta_key() => {
                    e.prevent_default();
                    on_run.emit(());
                }
                "Enter" => {
                    e.prevent_default();
                    let value = area.value();
                    let caret = area.selection_start().ok().flatten().unwrap_or(0) as usize;
                    let line_start: String = value.chars().take(caret).collect();
                    let current = line_start.rsplit('\n').next().unwrap_or("");
                    let mut indent: String = current.chars().take_while(|c| *c == ' ').collect();
                    if current.trim_end().ends_with('{') {
                        indent.push_str(INDENT);
                    }
                    on_change.emit(insert(&area, &format!("\n{indent}")));
                }
                "Tab" if !e.shift_key() && !was_escaped => {
                    e.prevent_default();
                    on_change.emit(insert(&area, INDENT));
                }
                _ => {}
            }
        })
    };
    let onscroll = {
        let gutter = gutter.clone();
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            if let Some(g) = gutter.cast::<web_sys::Element>() {
                g.set_scroll_top(area.scroll_top());
            }
        })
    };
    html! {
        <div class="editor">
            <pre class="gutter" ref={gutter} aria-hidden="true">
                { for (1..=lines.min(GUTTER_MAX_LINES) as u32).map(|n| html! {
                    <span class={classes!((props.error_line == Some(n)).then_some("error"))}>{n}{"\n"}</span>
                }) }
                if lines > GUTTER_MAX_LINES {
                    <span>{"…"}</span>
                }
            </pre>
            <textarea value={props.value.clone()} {oninput} {onkeydown} {onscroll} spellcheck="false" autocapitalize="off"
                autocomplete="off" wrap="off" rows={(lines.clamp(8, 24)).to_string()} aria-label={props.label.clone()}
                aria-describedby={keys_id.clone()} data-testid="editor" />
            <p class="editor-keys" id={keys_id}>{"Ctrl/⌘-Enter runs the tests. Tab indents; press Esc then Tab to leave the editor."}</p>
        </div>
    }
}
