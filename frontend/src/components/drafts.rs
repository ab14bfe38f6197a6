//! Unsaved form text that survives a page being rebuilt.

use leptos::prelude::*;
use std::any::Any;
use std::collections::HashMap;

type Kept = Box<dyn Any + Send + Sync>;

/// What is typed into a page's forms and not yet saved, by record and field id (an
/// assessment's, a report's, an audit's). Saving one form reloads the record and rebuilds
/// the page; the other forms start again from what is kept here, so a half-written answer,
/// challenge, grade or decision is not lost. A field that matches what is saved keeps
/// nothing, so the page then shows the saved value (and a change saved by someone else).
#[derive(Clone, Copy)]
pub struct Drafts(StoredValue<HashMap<String, Kept>>);

impl Drafts {
    pub fn new() -> Self {
        Self(StoredValue::new(HashMap::new()))
    }

    /// The field `key`'s value (text, a choice, the boxes ticked): what was typed before
    /// the page was rebuilt, else `saved`. What is typed from now on is kept.
    pub fn field<T>(self, key: String, saved: T) -> RwSignal<T>
    where
        T: Clone + PartialEq + Send + Sync + 'static,
    {
        let kept = self
            .0
            .with_value(|m| m.get(&key).and_then(|v| v.downcast_ref::<T>()).cloned());
        let value = RwSignal::new(kept.unwrap_or_else(|| saved.clone()));
        Effect::new(move |_| {
            let typed = value.get();
            self.0.update_value(|m| {
                if typed == saved {
                    m.remove(&key);
                } else {
                    m.insert(key.clone(), Box::new(typed));
                }
            });
        });
        value
    }

    /// Whether any of the fields `keys` holds something that is not saved.
    pub fn holds(self, keys: &[String]) -> bool {
        self.0
            .try_with_value(|m| keys.iter().any(|k| m.contains_key(k)))
            .unwrap_or(false)
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
