//! The integrated chronology: every submitted entry, merged, with duplicate groups,
//! unconfirmed information sharing, gaps and annotations – a workspace across the whole
//! window. Entries are grouped by day; text wraps (nothing is cut short); the headings stay
//! in view while the page scrolls. Only the day blocks near the screen are rendered (heights
//! estimated, then measured), so thousands of entries stay smooth. The filters live in the
//! address, so a filtered view can be shared as a link.

use super::{use_ctx, Notice};
use crate::api::{self, chronology as q, enum_from};
use crate::components::{
    field_id, focus_by_id, format_date, save_export, AgencyPrefix, CheckboxGroup, DateInput,
    ErrorSummary, FormErrors, FormSubmit, RadioGroup, SelectField, TextArea, TextField,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use std::collections::HashMap;
use wasm_bindgen::JsCast;

type Raw = q::IntegratedData;
type Note = q::Note;

/// Pixels rendered above and below the screen.
const OVERSCAN: f64 = 800.0;
/// At most this many items in one rendered block (a busy day is split).
const CHUNK: usize = 20;
const KINDS: [(&str, &str); 5] = [
    ("MISSED_OPPORTUNITY", "Missed opportunity"),
    ("GOOD_PRACTICE", "Good practice"),
    ("INFORMATION_SHARING_CONCERN", "Information-sharing concern"),
    ("QUESTION", "Question for the agency"),
    ("NOTE", "Note"),
];
const FLAGS: [(&str, &str); 4] = [
    ("duplicates", "In a probable duplicate group"),
    ("unconfirmed", "With unconfirmed information sharing"),
    ("gaps", "Next to a period with no contact"),
    ("annotated", "With annotations"),
];

fn kind_label(code: &str) -> &str {
    KINDS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

/// The loaded chronology with what each entry needs, looked up once.
#[derive(Clone)]
pub struct Integrated {
    pub(super) raw: Raw,
    /// Entry id → index in `raw.entries`.
    pub(super) index: HashMap<String, usize>,
    /// Per entry: its duplicate group (index in `raw.duplicate_groups`).
    pub(super) group: Vec<Option<usize>>,
    /// Per entry: the agencies its sharing with is not confirmed.
    pub(super) unconfirmed: Vec<Vec<String>>,
    /// Per entry: its annotations (index in `raw.annotations`).
    notes: Vec<Option<usize>>,
    /// Per entry: on the first or last day of a period with no contact.
    near_gap: Vec<bool>,
    /// Per entry: its words, lower case, for the text search.
    words: Vec<String>,
}

impl Integrated {
    pub fn new(raw: Raw) -> Self {
        let index: HashMap<String, usize> = raw
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        let n = raw.entries.len();
        let mut group = vec![None; n];
        for (g, d) in raw.duplicate_groups.iter().enumerate() {
            for e in &d.entries {
                if let Some(&i) = index.get(e) {
                    group[i] = Some(g);
                }
            }
        }
        let mut unconfirmed = vec![Vec::new(); n];
        for s in raw.sharing.iter().filter(|s| !s.confirmed) {
            if let Some(&i) = index.get(&s.entry_id) {
                unconfirmed[i].push(s.with_prefix.clone());
            }
        }
        let notes = notes_by_entry(&raw, &index);
        let near_gap = raw
            .entries
            .iter()
            .map(|e| {
                let day = e.start_on.get(..10).unwrap_or(&e.start_on);
                raw.gaps
                    .iter()
                    .any(|g| g.after.get(..10) == Some(day) || g.before.get(..10) == Some(day))
            })
            .collect();
        let words = raw
            .entries
            .iter()
            .map(|e| {
                [
                    e.agency.prefix.as_str(),
                    &e.agency.name,
                    &e.source,
                    e.event_type.as_deref().unwrap_or_default(),
                    &e.event,
                    e.action_taken.as_deref().unwrap_or_default(),
                    e.practitioner_comment.as_deref().unwrap_or_default(),
                ]
                .join("\n")
                .to_lowercase()
            })
            .collect();
        Self {
            raw,
            index,
            group,
            unconfirmed,
            notes,
            near_gap,
            words,
        }
    }

    /// The same chronology with its annotations as read again (after an annotation was
    /// added or answered; nothing else changed).
    pub fn with_annotations(mut self, annotations: Vec<q::EntryAnnotations>) -> Self {
        self.raw.annotations = annotations;
        self.notes = notes_by_entry(&self.raw, &self.index);
        self
    }

    fn notes_of(&self, i: usize) -> &[Note] {
        self.notes[i].map_or(&[], |a| &self.raw.annotations[a].annotations)
    }

    /// What the flags column says about an entry.
    fn flags_of(&self, i: usize) -> Vec<String> {
        let e = &self.raw.entries[i];
        let mut flags: Vec<String> = Vec::new();
        if let Some(g) = self.group[i] {
            flags.push(format!("Duplicate group {}", g + 1));
        }
        for with in &self.unconfirmed[i] {
            flags.push(format!("Sharing with {with} not confirmed"));
        }
        if self.near_gap[i] {
            flags.push("Next to a period with no contact".into());
        }
        if e.uncertain || e.precision != "DAY" {
            flags.push("Imprecise date".into());
        }
        flags
    }
}

/// Per entry: its annotations (index in `raw.annotations`).
fn notes_by_entry(raw: &Raw, index: &HashMap<String, usize>) -> Vec<Option<usize>> {
    let mut notes = vec![None; raw.entries.len()];
    for (a, list) in raw.annotations.iter().enumerate() {
        if let Some(&i) = index.get(&list.entry_id) {
            if !list.annotations.is_empty() {
                notes[i] = Some(a);
            }
        }
    }
    notes
}

/// The day heading an entry goes under: "2 April 2016", or the date as recorded when it is
/// not a known day ("May 2016", "?June 2016").
fn day_of(e: &q::EntryFields) -> String {
    if e.precision == "DAY" && !e.uncertain {
        format_date(&e.start_on)
    } else {
        e.start_date.clone()
    }
}

/// One thing in the table.
#[derive(Clone, PartialEq, Eq)]
enum Item {
    Gap(usize),
    /// A duplicate group, with its members that pass the filters.
    Group(usize, Vec<usize>),
    Entry(usize),
}

/// A day's entries (or part of a busy day's), or a period with no contact: rendered as one
/// `<tbody>` when near the screen.
#[derive(Clone, PartialEq)]
struct Block {
    /// The day heading (None: a gap).
    day: Option<String>,
    /// The day continues from the block before.
    continued: bool,
    items: Vec<Item>,
    /// Estimated height in pixels until measured.
    estimate: f64,
    /// Stable while the block's content is the same (for measured heights).
    signature: String,
}

/// The filtered table.
#[derive(Clone, PartialEq, Default)]
struct Rows {
    blocks: Vec<Block>,
    /// Entries shown.
    shown: usize,
    /// Changes whenever the table is rebuilt.
    generation: u32,
}

/// The filters' state (kept in the address).
#[derive(Clone, Copy)]
struct Filters {
    /// Agencies shown (prefixes); every agency when none is chosen.
    agencies: RwSignal<Vec<String>>,
    kind: RwSignal<String>,
    flags: RwSignal<Vec<String>>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    text: RwSignal<String>,
}

impl Filters {
    fn from_query() -> Self {
        let query = use_query_map();
        let get = |k: &str| query.with_untracked(|q| q.get(k)).unwrap_or_default();
        let list = |k: &str| {
            get(k)
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        Self {
            agencies: RwSignal::new(list("agency")),
            kind: RwSignal::new(get("type")),
            flags: RwSignal::new(list("flags")),
            from: RwSignal::new(get("from")),
            to: RwSignal::new(get("to")),
            text: RwSignal::new(get("q")),
        }
    }

    /// The query string for the filters ("" when none is set).
    fn query(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut push = |k: &str, v: String| {
            if !v.is_empty() {
                parts.push(format!("{k}={}", encode(&v)));
            }
        };
        push("agency", self.agencies.get().join(","));
        push("type", self.kind.get());
        push("flags", self.flags.get().join(","));
        push("from", self.from.get());
        push("to", self.to.get());
        push("q", self.text.get());
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    fn active(&self) -> bool {
        !self.query().is_empty()
    }

    fn clear(&self) {
        self.agencies.set(Vec::new());
        self.kind.set(String::new());
        self.flags.set(Vec::new());
        self.from.set(String::new());
        self.to.set(String::new());
        self.text.set(String::new());
    }
}

/// Percent-encodes a query string value.
fn encode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Rough height of an item before it is measured.
fn estimate(d: &Integrated, item: &Item) -> f64 {
    let lines = |s: &str, per_line: usize| (s.len() / per_line + 1) as f64;
    match item {
        Item::Gap(_) => 50.0,
        Item::Entry(i) => {
            let e = &d.raw.entries[*i];
            24.0 + 24.0 * lines(&e.event, 60)
                + e.action_taken
                    .as_deref()
                    .map_or(0.0, |a| 24.0 * lines(a, 60))
                + 48.0 * d.notes_of(*i).len() as f64
        }
        Item::Group(g, members) => {
            let evidence = d.raw.duplicate_groups[*g].evidence.len() as f64;
            let tallest = members
                .iter()
                .map(|m| lines(&d.raw.entries[*m].event, 35))
                .fold(0.0, f64::max);
            140.0 + 24.0 * evidence + 24.0 * tallest
        }
    }
}

fn rows(d: &Integrated, f: &Filters, generation: u32) -> Rows {
    let entries = &d.raw.entries;
    let (agencies, kind, flags) = (f.agencies.get(), f.kind.get(), f.flags.get());
    let (from, to) = (f.from.get(), f.to.get());
    let text = f.text.get().trim().to_lowercase();
    let terms: Vec<&str> = text.split_whitespace().collect();
    let in_range = |day: &str| {
        let day = day.get(..10).unwrap_or(day);
        (from.is_empty() || day >= from.as_str()) && (to.is_empty() || day <= to.as_str())
    };
    let passes = |i: usize| {
        let e = &entries[i];
        (agencies.is_empty() || agencies.contains(&e.agency.prefix))
            && (kind.is_empty() || e.event_type.as_deref() == Some(kind.as_str()))
            && in_range(&e.start_on)
            && terms.iter().all(|t| d.words[i].contains(t))
            && flags.iter().all(|flag| match flag.as_str() {
                "duplicates" => d.group[i].is_some(),
                "unconfirmed" => !d.unconfirmed[i].is_empty(),
                "gaps" => d.near_gap[i],
                _ => d.notes[i].is_some(),
            })
    };
    let show_gaps = terms.is_empty() && flags.iter().all(|f| f == "gaps");
    let mut out = Rows {
        generation,
        ..Rows::default()
    };
    let mut shown_groups = vec![false; d.raw.duplicate_groups.len()];
    let mut gap = 0;
    let push = |out: &mut Rows, day: Option<String>, item: Item, key: &str| {
        let height = estimate(d, &item);
        match (day, out.blocks.last_mut()) {
            (Some(day), Some(last))
                if last.day.as_ref() == Some(&day) && last.items.len() < CHUNK =>
            {
                last.estimate += height;
                last.signature.push('|');
                last.signature.push_str(key);
                last.items.push(item);
            }
            (day, last) => {
                let continued = day.is_some() && last.is_some_and(|l| l.day == day);
                out.blocks.push(Block {
                    estimate: height + if day.is_some() { 45.0 } else { 0.0 },
                    signature: format!("{}|{key}", day.as_deref().unwrap_or("gap")),
                    day,
                    continued,
                    items: vec![item],
                })
            }
        }
    };
    for (i, e) in entries.iter().enumerate() {
        while gap < d.raw.gaps.len() && d.raw.gaps[gap].before <= e.start_on {
            let g = &d.raw.gaps[gap];
            if show_gaps
                && (from.is_empty() || g.before >= from)
                && (to.is_empty() || g.after <= to)
            {
                push(&mut out, None, Item::Gap(gap), &format!("gap{gap}"));
            }
            gap += 1;
        }
        if !passes(i) {
            continue;
        }
        match d.group[i] {
            Some(g) if shown_groups[g] => {}
            Some(g) => {
                shown_groups[g] = true;
                let mut members: Vec<usize> = d.raw.duplicate_groups[g]
                    .entries
                    .iter()
                    .filter_map(|m| d.index.get(m).copied())
                    .filter(|&m| passes(m))
                    .collect();
                members.sort_unstable();
                out.shown += members.len();
                let key = format!("g{}:{}", d.raw.duplicate_groups[g].key, members.len());
                push(&mut out, Some(day_of(e)), Item::Group(g, members), &key);
            }
            None => {
                out.shown += 1;
                push(&mut out, Some(day_of(e)), Item::Entry(i), &e.id);
            }
        }
    }
    out
}

#[component]
pub fn IntegratedSection() -> impl IntoView {
    let ctx = use_ctx();
    // Built anew for each case shown (its agencies and event types are the case's own).
    let shown = Memo::new(move |_| {
        ctx.integrated
            .with(|d| d.as_ref().map(|d| d.raw.case_id.clone()))
    });
    view! {
        <Show when=move || ctx.integrated.with(Option::is_some)>
            <Show when=move || ctx.cases.with_value(|c| !c.is_empty())>
                <CaseChoice />
            </Show>
            {move || shown.get().map(|_| view! { <IntegratedView /> })}
        </Show>
    }
}

/// In a multi-agency case audit: whose integrated chronology is shown. Each case of the
/// sample is merged on its own (different cases are different children).
#[component]
fn CaseChoice() -> impl IntoView {
    let ctx = use_ctx();
    let errors = FormErrors::new();
    let value = RwSignal::new(ctx.case.get_untracked().unwrap_or_default());
    let mut options = ctx.cases.get_value();
    options.push((String::new(), "Entries that name no case".to_string()));
    // The select follows the case shown (a case taken out of the sample falls back to the
    // entries naming none), and the case shown follows the select.
    Effect::new(move |_| {
        let shown = ctx.case.get().unwrap_or_default();
        if value.get_untracked() != shown {
            value.set(shown);
        }
    });
    Effect::new(move |first: Option<()>| {
        let chosen = value.get();
        let chosen = (!chosen.is_empty()).then_some(chosen);
        if first.is_some() && ctx.case.get_untracked() != chosen {
            ctx.case.set(chosen);
            spawn_local(ctx.reload());
        }
    });
    view! {
        <SelectField
            id="chronology-case"
            label="Case"
            hint="Each case of the audit's sample has its own integrated chronology."
            value=value
            options=options
            errors=errors
        />
    }
}

#[component]
fn IntegratedView() -> impl IntoView {
    let ctx = use_ctx();
    let no_errors = FormErrors::new();
    let notice = RwSignal::new(None::<String>);
    let selected = RwSignal::new(None::<String>);
    // Agencies and event types offered by the filters, from the first load.
    let (agencies, kinds) = ctx.integrated.with_untracked(|d| {
        let mut agencies: Vec<(String, String)> = Vec::new();
        let mut kinds: Vec<String> = Vec::new();
        for e in d.iter().flat_map(|d| &d.raw.entries) {
            if !agencies.iter().any(|(p, _)| *p == e.agency.prefix) {
                agencies.push((
                    e.agency.prefix.clone(),
                    format!("{} ({})", e.agency.prefix, e.agency.name),
                ));
            }
            if let Some(t) = &e.event_type {
                if !kinds.contains(t) {
                    kinds.push(t.clone());
                }
            }
        }
        agencies.sort();
        kinds.sort();
        (agencies, kinds)
    });
    let names = RwSignal::new(
        if ctx.anonymised.get_untracked() {
            "anonymised"
        } else {
            "real"
        }
        .to_string(),
    );
    let layout = RwSignal::new("table".to_string());
    // Exports are anonymised unless real names are chosen.
    let export_names = RwSignal::new("anonymised".to_string());
    let suspects = super::anonymisation::Suspects::new();
    Effect::new(move |first: Option<()>| {
        let anonymised = names.get() == "anonymised";
        if first.is_some() {
            ctx.anonymised.set(anonymised);
            spawn_local(ctx.reload());
        }
    });
    let filters = Filters::from_query();
    // The address follows the filters (replacing, not adding, history entries).
    let navigate = use_navigate();
    let location = use_location();
    let written = StoredValue::new(filters.query());
    Effect::new(move |_| {
        let query = filters.query();
        if written.with_value(|w| *w != query) {
            written.set_value(query.clone());
            let path = location.pathname.get_untracked();
            navigate(
                &format!("{path}{query}"),
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    });
    let generation = StoredValue::new(0_u32);
    let table = Memo::new(move |_| {
        generation.update_value(|g| *g = g.wrapping_add(1));
        let g = generation.get_value();
        ctx.integrated
            .with(|d| d.as_ref().map(|d| rows(d, &filters, g)).unwrap_or_default())
    });
    let counts = move || {
        ctx.integrated.with(|d| {
            let read = d.as_ref().map_or(0, |d| d.raw.entries.len());
            let total = d.as_ref().map_or(0, |d| d.raw.entry_count);
            let shown = table.with(|t| t.shown);
            if i64::try_from(read).unwrap_or(i64::MAX) < total {
                format!("Showing {shown} of the first {read} of {total} entries.")
            } else {
                format!("Showing {shown} of {read} entries.")
            }
        })
    };
    let shared_at = move || {
        ctx.integrated
            .with(|d| d.as_ref().and_then(|d| d.raw.shared_at.clone()))
    };
    let share = move |_| {
        spawn_local(async move {
            let variables = api::share_integrated_chronology::Variables {
                review_id: ctx.review_id.get_value(),
            };
            match api::send::<api::ShareIntegratedChronology>(variables).await {
                Ok(_) => {
                    ctx.reload().await;
                    notice.set(Some(
                        "The integrated chronology is now shared with the member agencies.".into(),
                    ));
                }
                Err(e) => notice.set(Some(e.explain())),
            }
        });
    };
    let kind_options = kinds
        .into_iter()
        .map(|k| (k.clone(), k))
        .collect::<Vec<_>>();
    let flag_options = FLAGS
        .iter()
        .map(|(c, l)| (c.to_string(), l.to_string()))
        .collect::<Vec<_>>();
    view! {
        <h2 id="integrated-title">"Integrated chronology"</h2>
        <Notice text=notice />
        <p>
            {move || match shared_at() {
                Some(at) => format!("Shared with the member agencies on {}.", format_date(&at)),
                None => "Not yet shared with the member agencies.".to_string(),
            }}
        </p>
        <Show when=move || ctx.office && shared_at().is_none()>
            <button type="button" class="button button-secondary" on:click=share>
                "Share with member agencies"
            </button>
        </Show>
        <div class="workspace">
            <aside class="workspace-filters" aria-labelledby="filters-title">
                <h3 id="filters-title">"Filters"</h3>
                <p role="status" aria-live="polite" id="integrated-count" class="count">{counts}</p>
                <Show when=move || filters.active()>
                    <button type="button" class="button button-secondary button-small clear-filters" on:click=move |_| filters.clear()>
                        "Clear filters"
                    </button>
                </Show>
                <TextField id="filter-text" label="Search the entries" input_type="search" value=filters.text errors=no_errors />
                <CheckboxGroup id="filter-agencies" legend="Agencies" hint="Every agency when none is ticked." options=agencies selected=filters.agencies errors=no_errors />
                <SelectField
                    id="filter-type"
                    label="Event type"
                    value=filters.kind
                    options=kind_options
                    errors=no_errors
                    blank="All event types"
                />
                <CheckboxGroup id="filter-flags" legend="Show only entries" options=flag_options selected=filters.flags errors=no_errors />
                <fieldset class="date-range">
                    <legend>"Dates"</legend>
                    <DateInput id="filter-from" label="From" value=filters.from errors=no_errors />
                    <DateInput id="filter-to" label="To" value=filters.to errors=no_errors />
                </fieldset>
                <RadioGroup id="names" legend="Names" options=vec![
                    ("real".to_string(), "Real names".to_string()),
                    ("anonymised".to_string(), "Anonymised (glossary)".to_string()),
                ] value=names errors=no_errors />
                <RadioGroup id="layout" legend="View" options=vec![
                    ("table".to_string(), "Table".to_string()),
                    ("timeline".to_string(), "Timeline".to_string()),
                ] value=layout errors=no_errors />
            </aside>
            <div class="workspace-main">
                <Show when=move || names.get() == "anonymised" || export_names.get() == "anonymised">
                    <super::anonymisation::AnonymisationWarning suspects=suspects />
                </Show>
                <Show
                    when=move || layout.get() == "timeline"
                    fallback=move || view! { <Table table=table selected=selected notice=notice /> }
                >
                    <super::timeline::Timeline on_select=Callback::new(move |id: String| {
                        selected.set(Some(id));
                        request_animation_frame(|| focus_by_id("entry-panel-title"));
                    }) />
                </Show>
            </div>
        </div>
        {move || selected.get().map(|id| view! { <EntryPanel id=id selected=selected /> })}
        <Exports version=export_names suspects=suspects />
        <Show when=move || ctx.reviewer>
            <Settings />
            <super::glossary::GlossarySection />
        </Show>
    }
}

/// Download the integrated chronology as CSV or XLSX (anonymised unless real names are
/// chosen), or open the printable page.
#[component]
fn Exports(version: RwSignal<String>, suspects: super::anonymisation::Suspects) -> impl IntoView {
    let ctx = use_ctx();
    let no_errors = FormErrors::new();
    let format = RwSignal::new("XLSX".to_string());
    let refused = move || version.get() == "anonymised" && suspects.open();
    let notice = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let download = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let variables = api::chronology_export::Variables {
                id: ctx.review_id.get_value(),
                format: enum_from(&format.get_untracked()),
                anonymised: version.get_untracked() == "anonymised",
                case: ctx.case.get_untracked(),
            };
            let result = api::send::<api::ChronologyExport>(variables).await;
            pending.set(false);
            match result {
                Ok(d) => {
                    let file = &d["review"]["chronologyExport"];
                    let name = save_export(file, "chronology");
                    notice.set(Some(format!("Downloaded {name}.")));
                }
                Err(e) => notice.set(Some(e.explain())),
            }
        });
    };
    let print = move || {
        let mut query = Vec::new();
        if version.get() != "anonymised" {
            query.push("names=real".to_string());
        }
        if let Some(case) = ctx.case.get() {
            query.push(format!("case={case}"));
        }
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{}", query.join("&"))
        };
        format!(
            "/reviews/{}/chronology/print{query}",
            ctx.review_id.get_value()
        )
    };
    view! {
        <form class="row-card" on:submit=download aria-labelledby="exports-title">
            <h3 id="exports-title">"Download or print"</h3>
            <Notice text=notice />
            <div class="filters">
                <RadioGroup id="export-format" legend="Format" options=vec![
                    ("XLSX".to_string(), "Excel workbook (XLSX)".to_string()),
                    ("CSV".to_string(), "CSV".to_string()),
                ] value=format errors=no_errors />
                <RadioGroup id="export-names" legend="Names" hint="Exports are anonymised unless you choose real names." options=vec![
                    ("anonymised".to_string(), "Anonymised".to_string()),
                    ("real".to_string(), "Real names".to_string()),
                ] value=version errors=no_errors />
            </div>
            <Show when=refused>
                <p class="hint" id="export-refused">
                    {move || {
                        let n = suspects.total.get();
                        let what = if n == 1 {
                            "the possible name not in the glossary is".to_string()
                        } else {
                            format!("the {n} possible names not in the glossary are")
                        };
                        format!("The anonymised download is refused until {what} added to it or dismissed as not a name: ")
                    }}
                    <a href="#anonymisation-warning">"check the anonymisation"</a>
                    "."
                </p>
            </Show>
            <button
                type="submit"
                class="button"
                disabled=move || pending.get()
                aria-describedby=move || refused().then_some("export-refused")
            >
                "Download"
            </button>
            <a href=print class="button button-secondary">"Printable page"</a>
        </form>
    }
}

/// Where an element is from the top of the document, in pixels.
fn document_top(el: &web_sys::HtmlElement) -> f64 {
    let mut y = 0.0;
    let mut current = Some(el.clone());
    while let Some(e) = current {
        y += f64::from(e.offset_top());
        current = e
            .offset_parent()
            .and_then(|p| p.dyn_into::<web_sys::HtmlElement>().ok());
    }
    y
}

/// The table, on the page's own scroll: only the day blocks near the screen are in the
/// document, with spacers for the rest (their heights estimated until measured).
#[component]
fn Table(
    table: Memo<Rows>,
    selected: RwSignal<Option<String>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let element = NodeRef::<leptos::html::Table>::new();
    // Measured block heights by signature (forgotten when the window's width changes).
    let measured = StoredValue::new(HashMap::<String, f64>::new());
    let width = StoredValue::new(0_i32);
    let heights = RwSignal::new(Vec::<f64>::new());
    Effect::new(move |_| {
        let list = table.with(|t| {
            measured.with_value(|m| {
                t.blocks
                    .iter()
                    .map(|b| m.get(&b.signature).copied().unwrap_or(b.estimate))
                    .collect::<Vec<_>>()
            })
        });
        heights.set(list);
    });
    // Block k starts at offsets[k]; the last is the total height.
    let offsets = Memo::new(move |_| {
        heights.with(|h| {
            let mut out = Vec::with_capacity(h.len() + 1);
            let mut y = 0.0;
            out.push(y);
            for v in h {
                y += v;
                out.push(y);
            }
            out
        })
    });
    // The part of the table on screen: (top, bottom) in pixels from the table's top.
    let screen = RwSignal::new((0.0_f64, 1000.0_f64));
    let look = move || {
        let Some(el) = element.get_untracked() else {
            return;
        };
        let win = window();
        let y = win.scroll_y().unwrap_or_default();
        let h = win
            .inner_height()
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(1000.0);
        let top = y - document_top(&el);
        let view = (top, top + h);
        if screen.get_untracked() != view {
            screen.set(view);
        }
    };
    let range = Memo::new(move |_| {
        let (top, bottom) = screen.get();
        offsets.with(|o| {
            let n = o.len().saturating_sub(1);
            let first = o[1..].partition_point(|&end| end < top - OVERSCAN).min(n);
            let last = o[..n].partition_point(|&start| start < bottom + OVERSCAN);
            (first, last.max(first))
        })
    });
    // Measures the blocks in the document; remembers heights that differ from the guess.
    let measure = move || {
        let Some(el) = element.get_untracked() else {
            return;
        };
        let w = el.client_width();
        if width.get_value() != w {
            width.set_value(w);
            measured.update_value(HashMap::clear);
        }
        let bodies = el.t_bodies();
        let mut changed: Vec<(usize, f64)> = Vec::new();
        table.with_untracked(|t| {
            heights.with_untracked(|h| {
                for i in 0..bodies.length() {
                    let Some(body) = bodies.item(i) else { continue };
                    let Some(k) = body
                        .get_attribute("data-block")
                        .and_then(|k| k.parse::<usize>().ok())
                    else {
                        continue;
                    };
                    let Ok(body) = body.dyn_into::<web_sys::HtmlElement>() else {
                        continue;
                    };
                    let px = f64::from(body.offset_height());
                    if let (Some(block), Some(&old)) = (t.blocks.get(k), h.get(k)) {
                        measured.update_value(|m| {
                            m.insert(block.signature.clone(), px);
                        });
                        if (old - px).abs() > 0.5 {
                            changed.push((k, px));
                        }
                    }
                }
            })
        });
        if !changed.is_empty() {
            heights.update(|h| {
                for (k, px) in changed {
                    if let Some(v) = h.get_mut(k) {
                        *v = px;
                    }
                }
            });
        }
        look();
    };
    Effect::new(move |_| {
        range.track();
        table.track();
        request_animation_frame(measure);
    });
    let scroll = window_event_listener(leptos::ev::scroll, move |_| look());
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        look();
        request_animation_frame(measure);
    });
    on_cleanup(move || {
        scroll.remove();
        resize.remove();
    });
    let decide = move |key: String, g: usize, decision: &'static str| {
        spawn_local(async move {
            let variables = api::decide_duplicate_group::Variables {
                review_id: ctx.review_id.get_value(),
                key,
                decision: enum_from(decision),
            };
            match api::send::<api::DecideDuplicateGroup>(variables).await {
                Ok(_) => {
                    ctx.reload().await;
                    let word = if decision == "CONFIRMED" {
                        "confirmed"
                    } else {
                        "rejected"
                    };
                    notice.set(Some(format!("Duplicate group {} {word}.", g + 1)));
                    request_animation_frame(move || focus_by_id(&format!("group-{g}-title")));
                }
                Err(e) => notice.set(Some(e.explain())),
            }
        });
    };
    let spacer = move |px: f64| {
        view! {
            <tbody class="spacer" aria-hidden="true">
                <tr>
                    <td colspan="6" style=format!("height: {}px", px.max(0.0).round() as i64)></td>
                </tr>
            </tbody>
        }
    };
    let above = move || spacer(offsets.with(|o| o[range.get().0]));
    let below = move || {
        let last = range.get().1;
        spacer(offsets.with(|o| o[o.len() - 1] - o[last]))
    };
    let each = move || {
        let (first, last) = range.get();
        let generation = table.with(|t| t.generation);
        (first..last).map(|k| (generation, k)).collect::<Vec<_>>()
    };
    let empty = move || table.with(|t| t.blocks.is_empty());
    view! {
        <table class="itable" id="integrated-rows" tabindex="-1" node_ref=element aria-labelledby="integrated-caption">
            <caption id="integrated-caption">"Entries of every agency, by day"</caption>
            <colgroup>
                <col class="w-time" />
                <col class="w-agency" />
                <col class="w-type" />
                <col />
                <col class="w-flags" />
                <col class="w-action" />
            </colgroup>
            <thead>
                <tr>
                    {["Time", "Agency", "Event type", "What happened", "Flags", "Details"]
                        .iter()
                        .map(|c| view! { <th scope="col">{*c}</th> })
                        .collect_view()}
                </tr>
            </thead>
            {above}
            <For
                each=each
                key=|k| *k
                children=move |(_, k)| {
                    ctx.integrated.with_untracked(|d| {
                        let d = d.as_ref()?;
                        table.with_untracked(|t| {
                            t.blocks.get(k).map(|b| block(d, k, b, selected, decide))
                        })
                    })
                }
            />
            {below}
            <Show when=empty>
                <tbody>
                    <tr>
                        <td colspan="6">"No entries match the filters."</td>
                    </tr>
                </tbody>
            </Show>
        </table>
    }
}

fn block(
    d: &Integrated,
    k: usize,
    b: &Block,
    selected: RwSignal<Option<String>>,
    decide: impl Fn(String, usize, &'static str) + Copy + 'static,
) -> AnyView {
    let head = b.day.clone().map(|day| {
        let day = if b.continued {
            format!("{day} (continued)")
        } else {
            day
        };
        view! {
            <tr class="day-row">
                <th scope="rowgroup" colspan="6">{day}</th>
            </tr>
        }
    });
    let items = b
        .items
        .iter()
        .map(|item| item_view(d, item, selected, decide))
        .collect_view();
    view! {
        <tbody data-block=k.to_string() class:gap-block=b.day.is_none()>
            {head}
            {items}
        </tbody>
    }
    .into_any()
}

fn open_details(selected: RwSignal<Option<String>>, id: String) {
    selected.set(Some(id));
    request_animation_frame(|| focus_by_id("entry-panel-title"));
}

/// An entry's annotations, in full.
fn notes_view(d: &Integrated, i: usize) -> impl IntoView {
    let notes = d.notes_of(i);
    (!notes.is_empty()).then(|| {
        view! {
            <ul class="plain-list entry-notes">
                {notes
                    .iter()
                    .map(|note| {
                        let a = &note.annotation_fields;
                        let answers = note.answers.len();
                        view! {
                            <li>
                                <strong class="tag tag-awaiting">{kind_label(&a.kind).to_string()}</strong>
                                " " {a.text.clone()}
                                <span class="secondary">{format!(" – {}", author(a))}</span>
                                {(answers > 0).then(|| format!(" ({answers} answer{})", if answers == 1 { "" } else { "s" }))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

fn details_button(e: &q::EntryFields, selected: RwSignal<Option<String>>) -> impl IntoView + use<> {
    let id = e.id.clone();
    view! {
        <button type="button" class="link-button" id=format!("details-{}", field_id(&id)) on:click=move |_| open_details(selected, id.clone())>
            "Details"<span class="visually-hidden">{format!(" of {} {} entry", e.agency.prefix, e.start_date)}</span>
        </button>
    }
}

fn item_view(
    d: &Integrated,
    item: &Item,
    selected: RwSignal<Option<String>>,
    decide: impl Fn(String, usize, &'static str) + Copy + 'static,
) -> AnyView {
    let ctx = use_ctx();
    match item {
        Item::Gap(g) => {
            let gap = &d.raw.gaps[*g];
            view! {
                <tr class="gap-row">
                    <td colspan="6">
                        <strong>{format!("No contact for {} days", gap.days)}</strong>
                        {format!(" ({} to {})", format_date(&gap.after), format_date(&gap.before))}
                    </td>
                </tr>
            }
            .into_any()
        }
        Item::Group(g, members) => {
            let g = *g;
            let group = &d.raw.duplicate_groups[g];
            let decision = group.decision.clone();
            let (class, label) = match decision.as_deref() {
                Some("CONFIRMED") => ("tag tag-met", "Confirmed duplicate"),
                Some("REJECTED") => ("tag tag-inactive", "Not a duplicate"),
                _ => ("tag tag-due", "Undecided"),
            };
            let buttons = (ctx.reviewer && decision.is_none()).then(|| {
                let (k1, k2) = (group.key.clone(), group.key.clone());
                view! {
                    <div class="group-actions">
                        <button type="button" class="button button-small" id=format!("group-{g}-confirmed") on:click=move |_| decide(k1.clone(), g, "CONFIRMED")>
                            "Confirm"<span class="visually-hidden">{format!(" duplicate group {}", g + 1)}</span>
                        </button>
                        <button type="button" class="button button-small button-secondary" id=format!("group-{g}-rejected") on:click=move |_| decide(k2.clone(), g, "REJECTED")>
                            "Reject"<span class="visually-hidden">{format!(" duplicate group {}", g + 1)}</span>
                        </button>
                    </div>
                }
            });
            let mut agencies: Vec<String> = Vec::new();
            for &m in members {
                let prefix = &d.raw.entries[m].agency.prefix;
                if !agencies.contains(prefix) {
                    agencies.push(prefix.clone());
                }
            }
            let likelihood = match (group.probability, group.score) {
                (Some(p), Some(s)) => {
                    let tenths = (s * 10.0).round() as i64;
                    let sign = if tenths < 0 { "-" } else { "" };
                    Some(format!(
                        "Probability they are one event: {}%; match weight {sign}{}.{}",
                        (p * 100.0).round() as i64,
                        tenths.abs() / 10,
                        tenths.abs() % 10
                    ))
                }
                _ => None,
            };
            let evidence = group.evidence.clone();
            let versions = members
                .iter()
                .map(|&m| {
                    let e = &d.raw.entries[m];
                    let flags = d
                        .flags_of(m)
                        .into_iter()
                        .filter(|f| !f.starts_with("Duplicate group"))
                        .collect::<Vec<_>>();
                    view! {
                        <li class="version">
                            <p class="version-head">
                                <AgencyPrefix prefix=e.agency.prefix.clone() colour=e.agency.colour.clone() />
                                {e.start_time.clone().map(|t| format!(" {t}"))}
                                {e.event_type.clone().map(|t| view! { " " <span class="secondary">{t}</span> })}
                            </p>
                            <p class="entry-text">{e.event.clone()}</p>
                            {e.action_taken.clone().filter(|a| !a.trim().is_empty()).map(|a| view! { <p class="entry-text secondary">"Action: " {a}</p> })}
                            {(!flags.is_empty()).then(|| view! { <p class="entry-flags">{flags.join("; ")}</p> })}
                            {notes_view(d, m)}
                            {details_button(e, selected)}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <tr class="group-row">
                    <td colspan="6">
                        <div class="group-head">
                            <strong id=format!("group-{g}-title") tabindex="-1">{format!("Probable duplicate group {}: {} entries ", g + 1, group.entries.len())}</strong>
                            <strong class=class>{label}</strong>
                            <span class="secondary">{format!(" One event recorded by {}.", agencies.join(", "))}</span>
                        </div>
                        {(!evidence.is_empty() || likelihood.is_some()).then(|| view! {
                            <div class="group-why">
                                <strong>"Why they look like one event:"</strong>
                                <ul>
                                    {evidence.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
                                    {likelihood.map(|l| view! { <li>{l}</li> })}
                                </ul>
                            </div>
                        })}
                        {buttons}
                        <ul class="versions">{versions}</ul>
                    </td>
                </tr>
            }
            .into_any()
        }
        Item::Entry(i) => {
            let i = *i;
            let e = &d.raw.entries[i];
            let flags = d.flags_of(i);
            view! {
                <tr class="entry-row">
                    <td data-label="Time">{e.start_time.clone().unwrap_or_default()}</td>
                    <td data-label="Agency">
                        <AgencyPrefix prefix=e.agency.prefix.clone() colour=e.agency.colour.clone() />
                    </td>
                    <td data-label="Event type">{e.event_type.clone().unwrap_or_default()}</td>
                    <td data-label="What happened">
                        <p class="entry-text">{e.event.clone()}</p>
                        {e.action_taken.clone().filter(|a| !a.trim().is_empty()).map(|a| view! { <p class="entry-text secondary">"Action: " {a}</p> })}
                        {notes_view(d, i)}
                    </td>
                    <td data-label="Flags">{flags.join("; ")}</td>
                    <td>{details_button(e, selected)}</td>
                </tr>
            }
            .into_any()
        }
    }
}

fn author(a: &q::AnnotationFields) -> String {
    match &a.author_agency_prefix {
        Some(p) => format!("{} ({p})", a.author_name),
        None => a.author_name.clone(),
    }
}

/// One entry in full, with its annotations and the forms to annotate or answer.
#[component]
fn EntryPanel(id: String, selected: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = use_ctx();
    let entry_id = id.clone();
    let back = format!("details-{}", field_id(&id));
    let body = move || {
        ctx.integrated.with(|d| {
            let d = d.as_ref()?;
            let i = *d.index.get(&id)?;
            let e = d.raw.entries[i].clone();
            let mine = ctx.agency_id.with_value(|a| a.as_deref() == Some(e.agency.id.as_str()));
            let notes = d.notes_of(i).to_vec();
            let shared = e.shared_with.iter().map(|a| a.prefix.clone()).collect::<Vec<_>>().join(", ");
            let rows = [
                ("Date", e.start_date.clone()),
                ("Time", e.start_time.clone().unwrap_or_default()),
                ("End", format!("{} {}", e.end_date.clone().unwrap_or_default(), e.end_time.clone().unwrap_or_default())),
                ("Source", e.source.clone()),
                ("Event type", e.event_type.clone().unwrap_or_default()),
                ("What happened", e.event.clone()),
                ("Action taken", e.action_taken.clone().unwrap_or_default()),
                ("Shared with", shared),
                ("Comment", e.practitioner_comment.clone().unwrap_or_default()),
            ];
            Some(view! {
                <dl class="summary-list">
                    <dt>"Agency"</dt>
                    <dd><AgencyPrefix prefix=e.agency.prefix.clone() colour=e.agency.colour.clone() /> " " {e.agency.name.clone()}</dd>
                    {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd class="pre">{if v.trim().is_empty() { "—".to_string() } else { v }}</dd> }).collect_view()}
                </dl>
                <h4>"Annotations"</h4>
                {notes.is_empty().then(|| view! { <p>"No annotations yet."</p> })}
                <ul class="plain-list annotations">
                    {notes.into_iter().map(|n| {
                        let a = n.annotation_fields;
                        let question = a.kind == "QUESTION";
                        view! {
                            <li>
                                <strong class="tag tag-awaiting">{kind_label(&a.kind).to_string()}</strong>
                                " " <span class="pre">{a.text.clone()}</span>
                                <span class="secondary">{format!(" – {}, {}", author(&a), format_date(&a.created_at))}</span>
                                {(!n.answers.is_empty()).then(|| view! {
                                    <ul class="plain-list answers">
                                        {n.answers.iter().map(|r| view! {
                                            <li>"Answer: " <span class="pre">{r.text.clone()}</span><span class="secondary">{format!(" – {}", author(r))}</span></li>
                                        }).collect_view()}
                                    </ul>
                                })}
                                {(question && mine).then(|| view! { <AnswerForm question_id=a.id.clone() /> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })
        })
    };
    view! {
        <section class="row-card entry-drawer" aria-labelledby="entry-panel-title">
            <h3 id="entry-panel-title" tabindex="-1">"Entry details"</h3>
            {body}
            <super::history::EntryHistory entry_id=entry_id.clone() />
            <Show when=move || ctx.reviewer>
                <AnnotateForm entry_id=entry_id.clone() />
            </Show>
            <button type="button" class="button button-secondary" on:click=move |_| {
                selected.set(None);
                if document().get_element_by_id(&back).is_some() {
                    focus_by_id(&back);
                } else {
                    focus_by_id("integrated-rows");
                }
            }>"Close the details"</button>
        </section>
    }
}

#[component]
fn AnnotateForm(entry_id: String) -> impl IntoView {
    let ctx = use_ctx();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let kind = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    crate::unsaved::track_typed(text);
    let entry_id = StoredValue::new(entry_id);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        if kind.with_untracked(String::is_empty) {
            errors.push("annotation-kind", "Select the kind of annotation");
        }
        if text.with_untracked(|t| t.trim().is_empty()) {
            errors.push("annotation-text", "Enter the annotation");
        }
        if errors.report_found() {
            return;
        }
        let variables = api::annotate_entry::Variables {
            entry_id: entry_id.get_value(),
            kind: enum_from(&kind.get_untracked()),
            text: text.get_untracked(),
        };
        form.send(
            api::send::<api::AnnotateEntry>(variables),
            |f| match f {
                "kind" => ("annotation-kind".into(), "Kind".into()),
                _ => ("annotation-text".into(), "Annotation".into()),
            },
            move |_| {
                text.set(String::new());
                spawn_local(ctx.reload_annotations());
            },
        );
    };
    let options = KINDS
        .iter()
        .map(|(c, l)| (c.to_string(), l.to_string()))
        .collect::<Vec<_>>();
    view! {
        <form on:submit=submit novalidate=true aria-labelledby="annotate-title">
            <h4 id="annotate-title">"Annotate"</h4>
            <ErrorSummary errors=errors />
            <SelectField id="annotation-kind" label="Kind" value=kind options=options errors=errors blank="Choose…" />
            <TextArea id="annotation-text" label="Annotation" value=text errors=errors rows=3 />
            <button type="submit" class="button" disabled=move || pending.get()>"Add annotation"</button>
        </form>
    }
}

#[component]
fn AnswerForm(question_id: String) -> impl IntoView {
    let ctx = use_ctx();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let text = RwSignal::new(String::new());
    crate::unsaved::track_typed(text);
    let field = format!("answer-{}", crate::components::field_id(&question_id));
    let question_id = StoredValue::new(question_id);
    let target = StoredValue::new(field.clone());
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        if text.with_untracked(|t| t.trim().is_empty()) {
            errors.push(&target.get_value(), "Enter your answer");
            errors.report_found();
            return;
        }
        let variables = api::answer_question::Variables {
            question_id: question_id.get_value(),
            text: text.get_untracked(),
        };
        form.send(
            api::send::<api::AnswerQuestion>(variables),
            |f| (f.to_string(), "Answer".into()),
            move |_| spawn_local(ctx.reload_annotations()),
        );
    };
    view! {
        <form on:submit=submit novalidate=true class="answer-form">
            <ErrorSummary errors=errors />
            <TextArea id=field label="Answer" value=text errors=errors rows=2 />
            <button type="submit" class="button button-small" disabled=move || pending.get()>"Answer"</button>
        </form>
    }
}

/// How far apart sharing may be recorded, and how long a gap is worth showing.
#[component]
fn Settings() -> impl IntoView {
    let ctx = use_ctx();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let (tolerance, threshold) = ctx.integrated.with_untracked(|d| {
        d.as_ref().map_or((2, 30), |d| {
            (d.raw.sharing_tolerance_days, d.raw.gap_threshold_days)
        })
    });
    let tolerance = RwSignal::new(tolerance.to_string());
    let threshold = RwSignal::new(threshold.to_string());
    let done = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let t = tolerance.get_untracked().trim().parse::<i64>();
        let g = threshold.get_untracked().trim().parse::<i64>();
        if t.is_err() {
            errors.push(
                "sharingToleranceDays",
                "Sharing tolerance must be a whole number of days",
            );
        }
        if g.is_err() {
            errors.push(
                "gapThresholdDays",
                "Gap threshold must be a whole number of days",
            );
        }
        let (Ok(t), Ok(g)) = (t, g) else {
            errors.report_found();
            return;
        };
        let variables = api::set_chronology_settings::Variables {
            review_id: ctx.review_id.get_value(),
            input: api::set_chronology_settings::ChronologySettingsInput {
                sharing_tolerance_days: t,
                gap_threshold_days: g,
            },
        };
        form.send(
            api::send::<api::SetChronologySettings>(variables),
            |f| {
                let f = f.rsplit('.').next().unwrap_or(f);
                let label = if f == "gapThresholdDays" {
                    "Gap threshold"
                } else {
                    "Sharing tolerance"
                };
                (f.to_string(), label.to_string())
            },
            move |_| {
                done.set(Some("Settings saved.".into()));
                spawn_local(ctx.reload());
            },
        );
    };
    view! {
        <form class="row-card" on:submit=submit novalidate=true aria-labelledby="settings-title">
            <h3 id="settings-title">"Merge settings"</h3>
            <ErrorSummary errors=errors />
            <Notice text=done />
            <TextField id="sharingToleranceDays" label="Sharing tolerance (days)" hint="How many days apart the sharing agency's and the receiving agency's entries may be." input_type="number" short=true value=tolerance errors=errors />
            <TextField id="gapThresholdDays" label="Gap threshold (days)" hint="Periods longer than this with no agency contact are shown." input_type="number" short=true value=threshold errors=errors />
            <button type="submit" class="button" disabled=move || pending.get()>"Save settings"</button>
        </form>
    }
}
