//! Child death review learning: a reporting year's reviewed deaths, pseudonymised, with the
//! counts the annual report publishes (small counts marked as suppressed), and the
//! business office's form to record, change or delete a record.

use crate::api::{
    self, code_of, enum_from, ChildDeathYear, DeleteChildDeathReview, RecordChildDeathReview,
    UpdateChildDeathReview,
};
use crate::components::{
    field_id, format_date, set_title, ConfirmPanel, DataTable, DateInput, ErrorSummary, FormSubmit,
    RadioGroup, SelectField, TextArea, TextField,
};
use crate::pages::actions::{planned, PlanActionForm, PlanFrom, Planned, PlannedList};
use crate::pages::chronology::Notice;
use crate::pages::states;
use crate::session::use_session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::child_deaths::{AgeBand, DeathCategory, Modifiability};

type Data = api::child_death_year::ResponseData;
type Record = api::child_death_year::ChildDeathYearChildDeathYearReviews;
type Count = api::child_death_year::ChildDeathYearChildDeathYearTotal;

fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|&v| (code(v).to_string(), label(v).to_string()))
        .collect()
}

/// A count as the office reads it: the number, marked when it is suppressed in print.
fn shown(count: i64, suppressed: bool) -> String {
    if suppressed {
        format!("{count} (suppressed when published)")
    } else {
        count.to_string()
    }
}

#[component]
pub fn ChildDeathsPage() -> impl IntoView {
    set_title("Child death review learning");
    let session = use_session();
    let year = RwSignal::new(None::<i64>);
    let data = LocalResource::new(move || {
        let year = year.get();
        api::call::<ChildDeathYear>(api::child_death_year::Variables { year })
    });
    let editing = RwSignal::new(None::<Record>);
    let planning = RwSignal::new(None::<Record>);
    let notice = RwSignal::new(None::<String>);
    let office = move || session.is_office();
    let saved = move |text: String, in_year: i64| {
        notice.set(Some(text));
        editing.set(None);
        if year.get_untracked() == Some(in_year) {
            data.refetch();
        } else {
            year.set(Some(in_year));
        }
    };
    view! {
        <h1 tabindex="-1">"Child death review learning"</h1>
        <p>
            "Each death the child death overview panel reviewed, pseudonymised: the panel's case number, the age band, the national category of death, whether modifiable factors were identified, and what was learnt. Years run from 1 April to 31 March."
        </p>
        <Notice text=notice />
        {move || {
            states(
                data.get(),
                move |d: Data| {
                    view! { <YearView d=d year=year editing=editing planning=planning notice=notice on_deleted=move || data.refetch() office=office() /> }
                },
            )
        }}
        <Show when=office>
            {move || {
                planning.get().map(|r| {
                    view! {
                        <PlanActionForm
                            from=PlanFrom::Death(r.id.clone())
                            heading=format!("Plan an action from the learning of {}", r.case_number)
                            agency=None
                            on_done=move |reference: String| {
                                notice.set(Some(format!("Planned {reference}: it is in the action plan, under this death's learning point.")));
                                planning.set(None);
                                data.refetch();
                            }
                            on_cancel=move || planning.set(None)
                        />
                    }
                })
            }}
        </Show>
        <Show when=office>
            {move || {
                let start = editing.get();
                view! { <RecordForm start=start editing=editing on_saved=saved /> }
            }}
        </Show>
    }
}

#[component]
fn CountsTables(d: api::child_death_year::ChildDeathYearChildDeathYear) -> impl IntoView {
    let total: Count = d.total;
    view! {
        <DataTable caption=format!("Deaths reviewed by category, {}", d.label) columns=&["Category", "Deaths", "With modifiable factors"]>
            {d
                .by_category
                .into_iter()
                .map(|r| {
                    view! {
                        <tr>
                            <th scope="row">{r.label}</th>
                            <td>{shown(r.deaths.count, r.deaths.suppressed)}</td>
                            <td>{shown(r.modifiable.count, r.modifiable.suppressed)}</td>
                        </tr>
                    }
                })
                .collect_view()}
            <tr>
                <th scope="row">"All deaths reviewed"</th>
                <td>{shown(total.count, total.suppressed)}</td>
                <td></td>
            </tr>
        </DataTable>
        <DataTable caption=format!("Deaths reviewed by age, {}", d.label) columns=&["Age", "Deaths"]>
            {d
                .by_age_band
                .into_iter()
                .map(|r| view! { <tr><th scope="row">{r.label}</th><td>{shown(r.deaths.count, r.deaths.suppressed)}</td></tr> })
                .collect_view()}
        </DataTable>
        <DataTable caption=format!("Modifiable factors, {}", d.label) columns=&["Panel's judgement", "Deaths"]>
            {d
                .by_modifiability
                .into_iter()
                .map(|r| view! { <tr><th scope="row">{r.label}</th><td>{shown(r.deaths.count, r.deaths.suppressed)}</td></tr> })
                .collect_view()}
        </DataTable>
    }
}

#[component]
fn YearView(
    d: Data,
    year: RwSignal<Option<i64>>,
    editing: RwSignal<Option<Record>>,
    planning: RwSignal<Option<Record>>,
    notice: RwSignal<Option<String>>,
    on_deleted: impl Fn() + Copy + Send + Sync + 'static,
    office: bool,
) -> impl IntoView {
    let shown_year = d.child_death_year.year;
    let years = d.child_death_years;
    let y = d.child_death_year;
    let records = y.reviews.clone();
    let label = y.label.clone();
    let deleting = RwSignal::new(None::<Record>);
    let open = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let delete = Callback::new(move |()| {
        let Some(r) = deleting.get_untracked() else {
            return;
        };
        pending.set(true);
        spawn_local(async move {
            let result =
                api::call::<DeleteChildDeathReview>(api::delete_child_death_review::Variables {
                    id: r.id.clone(),
                    version: r.version,
                })
                .await;
            pending.set(false);
            match result {
                Ok(_) => {
                    open.set(false);
                    notice.set(Some(format!("Deleted the record of {}.", r.case_number)));
                    on_deleted();
                }
                Err(e) => error.set(Some(e.explain())),
            }
        });
    });
    let columns: &'static [&'static str] = if office {
        &[
            "Case",
            "Panel",
            "Age",
            "Category",
            "Modifiable factors",
            "Learning",
            "Actions",
            "Change",
        ]
    } else {
        &[
            "Case",
            "Panel",
            "Age",
            "Category",
            "Modifiable factors",
            "Learning",
            "Actions",
        ]
    };
    view! {
        <div class="form-group">
            <label class="label" for="cdr-year">"Reporting year"</label>
            <select
                class="select"
                id="cdr-year"
                on:change=move |ev| year.set(event_target_value(&ev).parse().ok())
            >
                {years
                    .into_iter()
                    .map(|y| {
                        view! {
                            <option value=y.to_string() selected=y == shown_year>
                                {shared::child_deaths::year_label(y as i32)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
        <h2>{format!("Counts, {label}")}</h2>
        <p>
            "Counts of fewer than 5 deaths are suppressed when they are published, and so is a second count wherever one alone could be worked out from the total."
        </p>
        <CountsTables d=y />
        <h2>{format!("Deaths reviewed, {label}")}</h2>
        {if records.is_empty() {
            view! { <p>"No deaths reviewed in this year are recorded yet."</p> }.into_any()
        } else {
            view! {
                <DataTable caption="Reviewed deaths, latest panel first" columns=columns>
                    {records
                        .into_iter()
                        .map(|r| {
                            let change = r.clone();
                            let remove = r.clone();
                            let plan = r.clone();
                            let case = r.case_number.clone();
                            let actions: Vec<Planned> = r.actions.iter().cloned().map(|a| planned!(a)).collect();
                            let plan_button = office.then(|| {
                                let case = case.clone();
                                view! {
                                    <button type="button" class="button button-secondary button-small" on:click=move |_| {
                                        planning.set(Some(plan.clone()));
                                        request_animation_frame(|| crate::components::focus_by_id("plan-action-title"));
                                    }>
                                        "Plan an action" <span class="visually-hidden">{format!(" from the learning of {case}")}</span>
                                    </button>
                                }
                            });
                            view! {
                                <tr>
                                    <th scope="row">{r.case_number.clone()}</th>
                                    <td>{format_date(&r.panel_date)}</td>
                                    <td>{r.age_band_label.clone()}</td>
                                    <td>{r.category_label.clone()}</td>
                                    <td>
                                        <strong>{r.modifiability_label.clone()}</strong>
                                        {(!r.modifiable_factors.is_empty()).then(|| view! { <p class="pre">{r.modifiable_factors.clone()}</p> })}
                                    </td>
                                    <td class="pre">{r.learning.clone()}</td>
                                    <td>
                                        {(!actions.is_empty()).then(|| view! { <PlannedList list=actions /> })}
                                        {plan_button}
                                    </td>
                                    {office
                                        .then(|| {
                                            view! {
                                                <td>
                                                    <crate::components::ChangeButton editing=editing item=change.clone() form_heading="cdr-form-heading" what=case.clone() />
                                                    <button type="button" class="button button-warning" on:click=move |_| {
                                                        deleting.set(Some(remove.clone()));
                                                        error.set(None);
                                                        crate::components::ask(open, "cdr-delete");
                                                    }>
                                                        "Delete" <span class="visually-hidden">{format!(" {}", r.case_number)}</span>
                                                    </button>
                                                </td>
                                            }
                                        })}
                                </tr>
                            }
                        })
                        .collect_view()}
                </DataTable>
            }
                .into_any()
        }}
        <ConfirmPanel
            id="cdr-delete"
            open=open
            question=Signal::derive(move || {
                format!(
                    "Delete the record of {}?",
                    deleting.with(|d| d.as_ref().map(|r| r.case_number.clone()).unwrap_or_default()),
                )
            })
            confirm="Yes, delete it"
            on_confirm=delete
            pending=pending
            error=error
            destructive=true
        >
            <p>"Only for a record made in error: the death leaves this year's counts."</p>
        </ConfirmPanel>
    }
}

fn describe(field: &str) -> (String, String) {
    let label = match field {
        "caseNumber" => "Case number",
        "ageBand" => "Age",
        "category" => "Category of death",
        "modifiability" => "Modifiable factors",
        "modifiableFactors" => "Which modifiable factors",
        "learning" => "Learning",
        "panelDate" => "Date of the panel",
        other => other,
    };
    (format!("cdr-{}", field_id(field)), label.to_string())
}

#[component]
fn RecordForm(
    start: Option<Record>,
    editing: RwSignal<Option<Record>>,
    on_saved: impl Fn(String, i64) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let target = start.as_ref().map(|r| (r.id.clone(), r.version));
    let heading = match &start {
        Some(r) => format!("Change the record of {}", r.case_number),
        None => "Record a reviewed death".to_string(),
    };
    // Each field starts from the record being changed, or empty for a new one.
    let field =
        |read: fn(&Record) -> String| RwSignal::new(start.as_ref().map(read).unwrap_or_default());
    let case_number = field(|r| r.case_number.clone());
    let age_band = field(|r| code_of(&r.age_band));
    let category = field(|r| code_of(&r.category));
    let modifiability = field(|r| code_of(&r.modifiability));
    let factors = field(|r| r.modifiable_factors.clone());
    let learning = field(|r| r.learning.clone());
    let panel_date = field(|r| r.panel_date.clone());
    let editing_now = target.is_some();
    let target = StoredValue::new(target);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        for (value, id, message) in [
            (age_band, "cdr-ageBand", "Choose the child's age"),
            (category, "cdr-category", "Choose the category of death"),
            (
                modifiability,
                "cdr-modifiability",
                "Choose whether modifiable factors were identified",
            ),
        ] {
            if value.with_untracked(String::is_empty) {
                errors.push(id, message);
            }
        }
        if errors.report_found() {
            return;
        }
        let case = case_number.get_untracked().trim().to_string();
        // Record and update each have their own generated input type, with the same fields.
        macro_rules! record_input {
            ($op:ident) => {
                api::$op::ChildDeathReviewInput {
                    case_number: case_number.get_untracked(),
                    age_band: enum_from(&age_band.get_untracked()),
                    category: enum_from(&category.get_untracked()),
                    modifiability: enum_from(&modifiability.get_untracked()),
                    modifiable_factors: factors.get_untracked(),
                    learning: learning.get_untracked(),
                    panel_date: panel_date.get_untracked(),
                }
            };
        }
        let request =
            async move {
                match target.get_value() {
                    None => {
                        let input = record_input!(record_child_death_review);
                        api::call::<RecordChildDeathReview>(
                            api::record_child_death_review::Variables { input },
                        )
                        .await
                        .map(|d| d.record_child_death_review.reporting_year)
                    }
                    Some((id, version)) => {
                        let input = record_input!(update_child_death_review);
                        api::call::<UpdateChildDeathReview>(
                            api::update_child_death_review::Variables { id, version, input },
                        )
                        .await
                        .map(|d| d.update_child_death_review.reporting_year)
                    }
                }
            };
        form.send(request, describe, move |in_year| {
            let text = if editing_now {
                format!("Saved the record of {case}.")
            } else {
                format!("Recorded {case}.")
            };
            on_saved(text, in_year);
        });
    };
    view! {
        <h2 id="cdr-form-heading" tabindex="-1">{heading}</h2>
        <p>
            "No names, dates of birth, addresses or other identifiers: write \"the child\", \"mother\" or a role. A record holding one is refused, with what was found."
        </p>
        <ErrorSummary errors=errors />
        <form on:submit=submit novalidate=true>
            <TextField id="cdr-caseNumber" label="Case number" hint="The panel's reference, such as CDR-2025-014." value=case_number errors=errors short=true />
            <SelectField id="cdr-ageBand" label="Age" value=age_band options=options(AgeBand::ALL, AgeBand::code, AgeBand::label) blank="Choose an age band" errors=errors />
            <SelectField id="cdr-category" label="Category of death" hint="The national child death review category." value=category options=options(DeathCategory::ALL, DeathCategory::code, DeathCategory::label) blank="Choose a category" errors=errors />
            <RadioGroup id="cdr-modifiability" legend="Modifiable factors" options=options(Modifiability::ALL, Modifiability::code, Modifiability::label) value=modifiability errors=errors />
            <TextArea id="cdr-modifiableFactors" label="Which modifiable factors" hint="Only when modifiable factors were identified." value=factors errors=errors rows=3 />
            <TextArea id="cdr-learning" label="Learning" hint="What the panel learnt, for the partnership's learning and its annual report." value=learning errors=errors rows=4 />
            <DateInput id="cdr-panelDate" label="Date of the panel" hint="It sets the reporting year." value=panel_date errors=errors missing="Enter the date of the panel" />
            <button type="submit" class="button" disabled=move || pending.get()>
                {if editing_now { "Save changes" } else { "Record the death" }}
            </button>
            {editing_now
                .then(|| {
                    view! {
                        <button type="button" class="button button-secondary" on:click=move |_| editing.set(None)>
                            "Cancel"
                        </button>
                    }
                })}
        </form>
    }
}
