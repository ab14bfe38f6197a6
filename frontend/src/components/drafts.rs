//! Unsaved form text that survives a page being rebuilt.

use leptos::prelude::*;
use std::collections::HashMap;

/// What is typed into a page's forms and not yet saved, by record and field id (an
/// assessment's, a report's). Saving one form reloads the record and rebuilds the page; the other forms
/// start again from what is kept here, so a half-written answer, challenge or decision is
/// not lost. A field that matches what is saved keeps nothing, so the page then shows the
/// saved text (and a change saved by someone else).
#[derive(Clone, Copy)]
pub struct Drafts(StoredValue<HashMap<String, String>>);

impl Drafts {
    pub fn new() -> Self {
        Self(StoredValue::new(HashMap::new()))
    }

    /// The field `key`'s text: what was typed before the page was rebuilt, else `saved`.
    /// What is typed from now on is kept.
    pub fn field(self, key: String, saved: String) -> RwSignal<String> {
        let kept = self.0.with_value(|m| m.get(&key).cloned());
        let text = RwSignal::new(kept.unwrap_or_else(|| saved.clone()));
        Effect::new(move |_| {
            let typed = text.get();
            self.0.update_value(|m| {
                if typed == saved {
                    m.remove(&key);
                } else {
                    m.insert(key.clone(), typed);
                }
            });
        });
        text
    }

    /// Forgets what was typed into the fields `keys` (their form is saved).
    pub fn forget(self, keys: &[String]) {
        self.0.update_value(|m| {
            for key in keys {
                m.remove(key);
            }
        });
    }
}

impl Default for Drafts {
    fn default() -> Self {
        Self::new()
    }
}
