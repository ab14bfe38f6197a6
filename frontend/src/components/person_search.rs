//! Finding one person among many by typing part of their name or agency prefix: the one way
//! people are chosen (review members, action owners). It stays quick with hundreds of
//! people: the matching is `shared::people`'s, and only the first few matches are drawn.

use super::fields::{FieldState, FormGroup};
use super::FormErrors;
use leptos::prelude::*;

/// The most people a search lists at once.
pub const MATCHES_SHOWN: usize = 8;

/// A search box over `people` ((id, name) pairs, the name carrying the agency prefix),
/// leaving out `exclude`; choosing a match calls `on_choose` with its id and clears the
/// box. Each match is a button labelled "`verb` name"; Enter chooses the only match.
#[component]
pub fn PersonSearch(
    /// The search box's id (also the target of an error summary's link).
    #[prop(into)]
    id: String,
    #[prop(into)] label: String,
    #[prop(into)] hint: String,
    #[prop(into)] people: Signal<Vec<(String, String)>>,
    #[prop(into)] exclude: Signal<Vec<String>>,
    verb: &'static str,
    #[prop(into)] on_choose: Callback<String>,
    /// The form's errors, when the server can refuse the choice.
    #[prop(optional)]
    errors: Option<FormErrors>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let found = Memo::new(move |_| {
        let words = shared::people::search_words(&typed.get());
        if words.is_empty() {
            return (0, Vec::new());
        }
        let left_out = exclude.get();
        people.with(|p| {
            let all: Vec<(String, String)> = p
                .iter()
                .filter(|(id, name)| {
                    !left_out.contains(id) && shared::people::matches(name, &words)
                })
                .cloned()
                .collect();
            let n = all.len();
            (n, all.into_iter().take(MATCHES_SHOWN).collect())
        })
    });
    let choose = move |id: String| {
        typed.set(String::new());
        on_choose.run(id);
    };
    let said = move || {
        let (n, list) = found.get();
        match (typed.with(|t| t.trim().is_empty()), n) {
            (true, _) => String::new(),
            (false, 0) => "No one matches.".to_string(),
            (false, n) if n > list.len() => format!(
                "{n} people match; the first {} are shown. Type more to narrow it.",
                list.len()
            ),
            (false, 1) => "1 person matches.".to_string(),
            (false, n) => format!("{n} people match."),
        }
    };
    let status_id = format!("{id}-status");
    let hint = Some(hint);
    let field = FieldState::new(&id, errors.unwrap_or_default(), &hint);
    let described = field.described_by();
    let status_ref = status_id.clone();
    view! {
        <FormGroup field=field.clone() label=label hint=hint>
            <input
                class="input"
                id=id
                type="search"
                autocomplete="off"
                aria-describedby=move || match described() {
                    Some(ids) => format!("{ids} {status_ref}"),
                    None => status_ref.clone(),
                }
                aria-invalid=field.invalid()
                prop:value=move || typed.get()
                on:input=move |ev| typed.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    // Enter chooses the only match instead of submitting the form.
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        let (n, list) = found.get_untracked();
                        if n == 1 {
                            if let Some((id, _)) = list.into_iter().next() {
                                choose(id);
                            }
                        }
                    }
                }
            />
            <p class="hint" id=status_id role="status" aria-live="polite">{said}</p>
            <ul class="person-matches">
                {move || found.get().1.into_iter().map(|(id, name)| {
                    view! {
                        <li>
                            <button type="button" class="link-button" on:click=move |_| choose(id.clone())>
                                {format!("{verb} {name}")}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </FormGroup>
    }
}
