//! The integrated chronology: every submitted entry, merged, with duplicate groups,
//! unconfirmed information sharing, gaps and annotations. Only the rows on screen are
//! rendered (fixed row height), so thousands of entries stay smooth.

use super::{use_ctx, Notice};
use crate::api::{self, chronology as q, enum_from};
use crate::components::{
    focus_by_id, format_date, save_file, AgencyPrefix, CheckboxGroup, ErrorSummary, FormErrors,
    FormSubmit, RadioGroup, SelectField, TextArea, TextField,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;

type Raw = q::IntegratedData;
type Note = q::Note;

/// Height of every row of the table, in pixels (the CSS `.vrow` height).
const ROW_H: f64 = 48.0;
/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 8;
const KINDS: [(&str, &str); 5] = [
    ("MISSED_OPPORTUNITY", "Missed opportunity"),
    ("GOOD_PRACTICE", "Good practice"),
    ("INFORMATION_SHARING_CONCERN", "Information-sharing concern"),
    ("QUESTION", "Question for the agency"),
    ("NOTE", "Note"),
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
        let mut notes = vec![None; n];
        for (a, list) in raw.annotations.iter().enumerate() {
            if let Some(&i) = index.get(&list.entry_id) {
                if !list.annotations.is_empty() {
                    notes[i] = Some(a);
                }
            }
        }
        Self {
            raw,
            index,
            group,
            unconfirmed,
            notes,
        }
    }

    fn notes_of(&self, i: usize) -> &[Note] {
        self.notes[i].map_or(&[], |a| &self.raw.annotations[a].annotations)
    }
}

/// One row of the table.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Item {
    Gap(usize),
    Group(usize),
    Entry(usize),
    Note(usize, usize),
}

#[derive(Clone, Copy)]
struct Filters {
    agencies: RwSignal<Vec<String>>,
    kind: RwSignal<String>,
    flags: RwSignal<Vec<String>>,
}

fn rows(d: &Integrated, f: &Filters) -> Vec<Item> {
    let entries = &d.raw.entries;
    let (agencies, kind, flags) = (f.agencies.get(), f.kind.get(), f.flags.get());
    let passes = |i: usize| {
        let e = &entries[i];
        agencies.contains(&e.agency.prefix)
            && (kind.is_empty() || e.event_type.as_deref() == Some(kind.as_str()))
            && flags.iter().all(|flag| match flag.as_str() {
                "duplicates" => d.group[i].is_some(),
                "unconfirmed" => !d.unconfirmed[i].is_empty(),
                _ => d.notes[i].is_some(),
            })
    };
    let show_gaps = flags.is_empty();
    let mut out = Vec::new();
    let mut shown_groups = vec![false; d.raw.duplicate_groups.len()];
    let mut gap = 0;
    let push_entry = |out: &mut Vec<Item>, i: usize| {
        out.push(Item::Entry(i));
        out.extend((0..d.notes_of(i).len()).map(|n| Item::Note(i, n)));
    };
    for (i, e) in entries.iter().enumerate() {
        while gap < d.raw.gaps.len() && d.raw.gaps[gap].before <= e.start_on {
            if show_gaps {
                out.push(Item::Gap(gap));
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
                out.push(Item::Group(g));
                let mut members: Vec<usize> = d.raw.duplicate_groups[g]
                    .entries
                    .iter()
                    .filter_map(|m| d.index.get(m).copied())
                    .filter(|&m| passes(m))
                    .collect();
                members.sort_unstable();
                for m in members {
                    push_entry(&mut out, m);
                }
            }
            None => push_entry(&mut out, i),
        }
    }
    out
}

#[component]
pub fn IntegratedSection() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Show when=move || ctx.integrated.with(Option::is_some)>
            <IntegratedView />
        </Show>
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
    let names = RwSignal::new("real".to_string());
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
    let filters = Filters {
        agencies: RwSignal::new(agencies.iter().map(|(p, _)| p.clone()).collect()),
        kind: RwSignal::new(String::new()),
        flags: RwSignal::new(Vec::new()),
    };
    let items = Memo::new(move |_| {
        ctx.integrated
            .with(|d| d.as_ref().map(|d| rows(d, &filters)).unwrap_or_default())
    });
    let counts = move || {
        ctx.integrated.with(|d| {
            let total = d.as_ref().map_or(0, |d| d.raw.entries.len());
            let shown = items.with(|i| i.iter().filter(|i| matches!(i, Item::Entry(_))).count());
            format!("Showing {shown} of {total} entries.")
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
        <div class="filters">
            <CheckboxGroup id="filter-agencies" legend="Agencies" options=agencies selected=filters.agencies errors=no_errors />
            <SelectField
                id="filter-type"
                label="Event type"
                value=filters.kind
                options=kind_options
                errors=no_errors
                blank="All event types"
            />
            <CheckboxGroup
                id="filter-flags"
                legend="Show only entries"
                options=vec![
                    ("duplicates".to_string(), "In a probable duplicate group".to_string()),
                    ("unconfirmed".to_string(), "With unconfirmed information sharing".to_string()),
                    ("annotated".to_string(), "With annotations".to_string()),
                ]
                selected=filters.flags
                errors=no_errors
            />
        </div>
        <div class="filters">
            <RadioGroup id="names" legend="Names" options=vec![
                ("real".to_string(), "Real names".to_string()),
                ("anonymised".to_string(), "Anonymised (glossary)".to_string()),
            ] value=names errors=no_errors />
            <RadioGroup id="layout" legend="View" options=vec![
                ("table".to_string(), "Table".to_string()),
                ("timeline".to_string(), "Timeline".to_string()),
            ] value=layout errors=no_errors />
        </div>
        <Show when=move || names.get() == "anonymised" || export_names.get() == "anonymised">
            <super::anonymisation::AnonymisationWarning suspects=suspects />
        </Show>
        <p role="status" aria-live="polite">{counts}</p>
        <Show
            when=move || layout.get() == "timeline"
            fallback=move || view! { <Table items=items selected=selected notice=notice /> }
        >
            <super::timeline::Timeline on_select=Callback::new(move |id: String| {
                selected.set(Some(id));
                request_animation_frame(|| focus_by_id("entry-panel-title"));
            }) />
        </Show>
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
            };
            let result = api::send::<api::ChronologyExport>(variables).await;
            pending.set(false);
            match result {
                Ok(d) => {
                    let file = &d["review"]["chronologyExport"];
                    let name = file["fileName"].as_str().unwrap_or("chronology");
                    save_file(
                        name,
                        file["mediaType"].as_str().unwrap_or_default(),
                        file["contentBase64"].as_str().unwrap_or_default(),
                    );
                    notice.set(Some(format!("Downloaded {name}.")));
                }
                Err(e) => notice.set(Some(e.explain())),
            }
        });
    };
    let print = move || {
        let names = if version.get() == "anonymised" {
            ""
        } else {
            "?names=real"
        };
        format!(
            "/reviews/{}/chronology/print{names}",
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

/// The table: a focusable scroll container that renders only the rows in view.
#[component]
fn Table(
    items: Memo<Vec<Item>>,
    selected: RwSignal<Option<String>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let scroller = NodeRef::<leptos::html::Div>::new();
    let top = RwSignal::new(0.0_f64);
    let height = RwSignal::new(600.0_f64);
    let first = Memo::new(move |_| ((top.get() / ROW_H) as usize).saturating_sub(OVERSCAN));
    let count = Memo::new(move |_| (height.get() / ROW_H) as usize + 2 * OVERSCAN);
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            top.set(f64::from(el.scroll_top()));
            height.set(f64::from(el.client_height()));
        }
    };
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
                    request_animation_frame(move || {
                        focus_by_id(&format!("group-{g}-{}", decision.to_lowercase()))
                    });
                }
                Err(e) => notice.set(Some(e.explain())),
            }
        });
    };
    let visible = move || {
        let (first, count) = (first.get(), count.get());
        items.with(|all| {
            let end = (first + count).min(all.len());
            let first = first.min(end);
            // Whole pixels: no float formatting in the bundle for this.
            let below = (all.len() - end) * ROW_H as usize;
            let rows = ctx.integrated.with(|d| {
                let Some(d) = d.as_ref() else {
                    return Vec::new();
                };
                all[first..end]
                    .iter()
                    .map(|item| row(d, *item, selected, decide))
                    .collect::<Vec<_>>()
            });
            view! {
                <tr class="spacer" aria-hidden="true" style=format!("height: {}px", first * ROW_H as usize)></tr>
                {rows}
                <tr class="spacer" aria-hidden="true" style=format!("height: {below}px")></tr>
            }
        })
    };
    view! {
        <div
            class="vscroll"
            id="integrated-rows"
            tabindex="0"
            role="region"
            aria-labelledby="integrated-caption"
            node_ref=scroller
            on:scroll=on_scroll
        >
            <table class="vtable">
                <caption id="integrated-caption">"Entries of every agency, in date order"</caption>
                <colgroup>
                    <col class="w-date" />
                    <col class="w-time" />
                    <col class="w-agency" />
                    <col class="w-type" />
                    <col />
                    <col class="w-flags" />
                    <col class="w-action" />
                </colgroup>
                <thead>
                    <tr>
                        {["Date", "Time", "Agency", "Event type", "What happened", "Flags", "Details"]
                            .iter()
                            .map(|c| view! { <th scope="col">{*c}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{visible}</tbody>
            </table>
        </div>
    }
}

fn row(
    d: &Integrated,
    item: Item,
    selected: RwSignal<Option<String>>,
    decide: impl Fn(String, usize, &'static str) + Copy + 'static,
) -> AnyView {
    let ctx = use_ctx();
    match item {
        Item::Gap(g) => {
            let gap = &d.raw.gaps[g];
            view! {
                <tr class="vrow gap-row">
                    <td colspan="7">
                        <strong>{format!("No contact for {} days", gap.days)}</strong>
                        {format!(" ({} to {})", format_date(&gap.after), format_date(&gap.before))}
                    </td>
                </tr>
            }
            .into_any()
        }
        Item::Group(g) => {
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
                    <button type="button" class="button button-small" id=format!("group-{g}-confirmed") on:click=move |_| decide(k1.clone(), g, "CONFIRMED")>
                        "Confirm"<span class="visually-hidden">{format!(" duplicate group {}", g + 1)}</span>
                    </button>
                    <button type="button" class="button button-small button-secondary" id=format!("group-{g}-rejected") on:click=move |_| decide(k2.clone(), g, "REJECTED")>
                        "Reject"<span class="visually-hidden">{format!(" duplicate group {}", g + 1)}</span>
                    </button>
                }
            });
            view! {
                <tr class="vrow group-row">
                    <td colspan="7">
                        <strong>{format!("Probable duplicate group {}: {} entries ", g + 1, group.entries.len())}</strong>
                        <strong class=class>{label}</strong>
                        " "
                        {buttons}
                        {(!group.evidence.is_empty()).then(|| {
                            let why = format!("Why: {}", group.evidence.join("; "));
                            let title = why.clone();
                            view! { <span class="group-why" title=title>{why}</span> }
                        })}
                    </td>
                </tr>
            }
            .into_any()
        }
        Item::Entry(i) => {
            let e = &d.raw.entries[i];
            let mut flags: Vec<String> = Vec::new();
            if let Some(g) = d.group[i] {
                flags.push(format!("Duplicate group {}", g + 1));
            }
            for with in &d.unconfirmed[i] {
                flags.push(format!("Sharing with {with} not confirmed"));
            }
            let n = d.notes_of(i).len();
            if n > 0 {
                flags.push(format!("{n} annotation{}", if n == 1 { "" } else { "s" }));
            }
            if e.uncertain || e.precision != "DAY" {
                flags.push("Imprecise date".into());
            }
            let id = e.id.clone();
            view! {
                <tr class="vrow" class:in-group=d.group[i].is_some()>
                    <td>{e.start_date.clone()}</td>
                    <td>{e.start_time.clone().unwrap_or_default()}</td>
                    <td>
                        <AgencyPrefix prefix=e.agency.prefix.clone() colour=e.agency.colour.clone() />
                    </td>
                    <td><div class="clip">{e.event_type.clone().unwrap_or_default()}</div></td>
                    <td><div class="clip">{e.event.clone()}</div></td>
                    <td><div class="clip">{flags.join("; ")}</div></td>
                    <td>
                        <button type="button" class="link-button" on:click=move |_| {
                            selected.set(Some(id.clone()));
                            request_animation_frame(|| focus_by_id("entry-panel-title"));
                        }>
                            "Details"<span class="visually-hidden">{format!(" of {} {} entry", e.agency.prefix, e.start_date)}</span>
                        </button>
                    </td>
                </tr>
            }
            .into_any()
        }
        Item::Note(i, n) => {
            let note = &d.notes_of(i)[n];
            view! {
                <tr class="vrow note-row">
                    <td colspan="2"></td>
                    <td colspan="5">
                        <div class="clip">
                            <strong class="tag tag-awaiting">{kind_label(&note.annotation_fields.kind).to_string()}</strong>
                            " " {note.annotation_fields.text.clone()}
                            <span class="secondary">{format!(" – {}", author(&note.annotation_fields))}</span>
                            {(!note.answers.is_empty()).then(|| format!(" ({} answer{})", note.answers.len(), if note.answers.len() == 1 { "" } else { "s" }))}
                        </div>
                    </td>
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
        <section class="row-card" aria-labelledby="entry-panel-title">
            <h3 id="entry-panel-title" tabindex="-1">"Entry details"</h3>
            {body}
            <super::history::EntryHistory entry_id=entry_id.clone() />
            <Show when=move || ctx.reviewer>
                <AnnotateForm entry_id=entry_id.clone() />
            </Show>
            <button type="button" class="button button-secondary" on:click=move |_| {
                selected.set(None);
                focus_by_id("integrated-rows");
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
                spawn_local(ctx.reload());
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
            move |_| spawn_local(ctx.reload()),
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
