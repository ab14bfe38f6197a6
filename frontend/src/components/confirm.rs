//! Asking before a step that is hard to take back: one panel for every such step
//! (submitting a return, the threshold decision, moving or publishing a summary, replacing
//! a return's entries, revoking a token, deleting an entry, setting a password).

use super::focus_by_id;
use leptos::prelude::*;

/// Opens the question `id` (a [`ConfirmPanel`]'s id) and moves the focus to its "Yes"
/// button, where the question is read out (the button is described by it).
pub fn ask(open: RwSignal<bool>, id: &'static str) {
    open.set(true);
    request_animation_frame(move || focus_by_id(id));
}

/// The question before a step, shown while `open`: what will happen (the children), then
/// "Yes, …" (with the id `id`) and "Cancel". Cancel closes it and changes nothing; the
/// caller closes it once the step is done.
#[component]
pub fn ConfirmPanel(
    /// The id of the "Yes" button; its question is `{id}-question`.
    id: &'static str,
    open: RwSignal<bool>,
    /// The question, as a heading: "Approve the learning summary?"
    #[prop(into)]
    question: Signal<String>,
    /// The words of the "Yes" button: "Yes, approve it".
    #[prop(into)]
    confirm: Signal<String>,
    on_confirm: Callback<()>,
    /// While the step is being sent (both buttons wait).
    #[prop(optional, into)]
    pending: Option<Signal<bool>>,
    /// Why the step was refused, shown in the panel.
    #[prop(optional, into)]
    error: Option<Signal<Option<String>>>,
    /// For a step that removes something: the "Yes" button in the warning colour.
    #[prop(optional)]
    destructive: bool,
    /// The heading's level, to follow the page's outline (2 unless given).
    #[prop(default = 2)]
    level: u8,
    /// What the step will do, in plain words.
    #[prop(optional)]
    children: Option<ChildrenFn>,
) -> impl IntoView {
    let busy = move || pending.is_some_and(|p| p.get());
    let question_id = format!("{id}-question");
    let details_id = format!("{id}-details");
    let class = if destructive {
        "button button-warning"
    } else {
        "button"
    };
    move || {
        open.get().then(|| {
            let heading = match level {
                3 => view! { <h3 id=question_id.clone()>{question}</h3> }.into_any(),
                4 => view! { <h4 id=question_id.clone()>{question}</h4> }.into_any(),
                _ => view! { <h2 id=question_id.clone()>{question}</h2> }.into_any(),
            };
            let details = children.clone().map(|c| view! { <div id=details_id.clone()>{c()}</div> });
            let described = if details.is_some() {
                format!("{question_id} {details_id}")
            } else {
                question_id.clone()
            };
            view! {
                <div class="notice notice-warning confirm-panel" role="group" aria-labelledby=question_id.clone()>
                    {heading}
                    {details}
                    {error.map(|e| move || e.get().map(|text| view! {
                        <p class="error-message"><span class="visually-hidden">"Error: "</span>{text}</p>
                    }))}
                    <div class="button-group">
                        <button
                            type="button"
                            id=id
                            class=class
                            aria-describedby=described
                            disabled=busy
                            on:click=move |_| on_confirm.run(())
                        >
                            {confirm}
                        </button>
                        <button
                            type="button"
                            class="button button-secondary"
                            disabled=busy
                            on:click=move |_| open.set(false)
                        >
                            "Cancel"
                        </button>
                    </div>
                </div>
            }
        })
    }
}
