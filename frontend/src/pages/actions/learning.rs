//! A review's learning and actions: its learning points, each with its recommendations and
//! the actions that answer them. The business office and the review's lead reviewers add
//! learning points, recommendations and actions, and refer learning to a committee.

use super::form::{action_input, describe_action, ActionValues, OwnedActionFields, Owner};
use super::{
    keeps_plan, kind_label, leaf, open_button, scope_label, summary_list, tag, ActionTable,
    ReferForm,
};
use crate::api::data::{
    IdName, LearningPointItem, PlanReview, RecommendationItem, ReviewLearningData,
};
use crate::api::{self, enum_from, id_of, ApiError, ReviewLearning};
use crate::components::{
    focus_by_id, format_date, set_title, ErrorSummary, FormSubmit, RadioGroup, TextArea, TextField,
};
use crate::pages::chronology::Notice;
use crate::pages::{route_id, states};
use crate::session::use_session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::actions::{LearningKind, LearningScope};

type Data = Option<Result<ReviewLearningData, ApiError>>;

/// What every part of the page shares.
#[derive(Clone, Copy)]
struct Ctx {
    review_id: Memo<String>,
    data: RwSignal<Data>,
    notice: RwSignal<Option<String>>,
}

impl Ctx {
    /// Loads the page again, then says what changed and moves focus to `focus`.
    fn reload(self, said: String, focus: String) {
        spawn_local(async move {
            let variables = api::review_learning::Variables {
                id: self.review_id.get_untracked(),
            };
            let loaded = api::fetch::<ReviewLearning, ReviewLearningData>(variables).await;
            self.data.set(Some(loaded));
            self.notice.set(Some(said));
            request_animation_frame(move || focus_by_id(&focus));
        });
    }
}

#[component]
pub fn LearningPage() -> impl IntoView {
    set_title("Learning and actions");
    let review_id = route_id();
    let ctx = Ctx {
        review_id,
        data: RwSignal::new(None),
        notice: RwSignal::new(None),
    };
    Effect::new(move |_| {
        let id = review_id.get();
        ctx.data.set(None);
        spawn_local(async move {
            let variables = api::review_learning::Variables { id };
            let loaded = api::fetch::<ReviewLearning, ReviewLearningData>(variables).await;
            if let Ok(d) = &loaded {
                set_title(&format!("Learning and actions {}", d.review.reference));
            }
            ctx.data.set(Some(loaded));
        });
    });
    let heading = move || {
        ctx.data.with(|d| match d {
            Some(Ok(d)) => format!("Learning and actions: {}", d.review.reference),
            _ => "Learning and actions".to_string(),
        })
    };
    view! {
        <h1 tabindex="-1" id="page-title">{heading}</h1>
        <Notice text=ctx.notice />
        {move || states(ctx.data.get(), move |d| view! { <Body data=d ctx=ctx /> })}
    }
}

#[component]
fn Body(data: ReviewLearningData, ctx: Ctx) -> impl IntoView {
    let session = use_session();
    let ReviewLearningData { review, committees } = data;
    let keeper = keeps_plan(session, &review);
    let adding_action = RwSignal::new(None::<String>);
    let adding_recommendation = RwSignal::new(None::<String>);
    let points = review.learning_points.clone();
    let empty = points.is_empty();
    let list = points
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            view! {
                <Point
                    number=i + 1
                    point=p
                    review=review.clone()
                    committees=committees.clone()
                    keeper=keeper
                    adding_action=adding_action
                    adding_recommendation=adding_recommendation
                    ctx=ctx
                />
            }
        })
        .collect_view();
    view! {
        <p class="caption">{review.subject.clone()}</p>
        <p>
            <a href=format!("/reviews/{}", review.id)>"Back to the review"</a>
        </p>
        {empty
            .then(|| {
                view! { <p>"There are no learning points you can see for this review yet."</p> }
            })}
        {list}
        {keeper.then(|| view! { <NewPoint ctx=ctx /> })}
    }
}

/// One learning point: what it says, where it comes from, its recommendations and their
/// actions.
#[component]
fn Point(
    number: usize,
    point: LearningPointItem,
    review: PlanReview,
    committees: Vec<IdName>,
    keeper: bool,
    adding_action: RwSignal<Option<String>>,
    adding_recommendation: RwSignal<Option<String>>,
    ctx: Ctx,
) -> impl IntoView {
    let p = point;
    let heading_id = format!("lp-{}", p.id);
    let themes = if p.themes.is_empty() {
        "None recorded".to_string()
    } else {
        p.themes.join(", ")
    };
    let entries = match p.entry_ids.len() {
        0 => "None linked".to_string(),
        1 => "1 entry".to_string(),
        n => format!("{n} entries"),
    };
    let kind_class = if p.kind == LearningKind::GoodPractice.code() {
        "tag tag-met"
    } else {
        "tag tag-due-soon"
    };
    let committee = match &p.committee {
        Some(c) => {
            view! { <a href=format!("/committees/{}", c.id)>{c.name.clone()}</a> }.into_any()
        }
        None => "Not referred".into_any(),
    };
    let facts: Vec<(&'static str, AnyView)> = vec![
        ("What was learnt", p.detail.clone().into_any()),
        ("Scope", scope_label(&p.scope).into_any()),
        ("Kind", tag(kind_class, kind_label(&p.kind).to_string())),
        ("Themes", themes.into_any()),
        ("Linked chronology entries", entries.into_any()),
        ("Committee", committee),
        (
            "Written by",
            format!("{}, {}", p.created_by_name, format_date(&p.created_at)).into_any(),
        ),
    ];
    let refer_heading = heading_id.clone();
    let refer = keeper.then(|| {
        view! {
            <ReferForm
                kind="LEARNING_POINT"
                id=p.id.clone()
                what=format!("learning point {number}")
                committees=committees
                on_done=move |said: String| ctx.reload(said, refer_heading.clone())
            />
        }
    });
    let recommendations = p
        .recommendations
        .iter()
        .cloned()
        .enumerate()
        .map(|(j, r)| {
            view! {
                <Recommendation
                    number=format!("{number}.{}", j + 1)
                    recommendation=r
                    review=review.clone()
                    keeper=keeper
                    adding=adding_action
                    ctx=ctx
                />
            }
        })
        .collect_view();
    let no_recommendations = p.recommendations.is_empty();
    let point_id = p.id.clone();
    let more = format!(" to learning point {number}");
    let adder = keeper.then_some(move || {
        let id = point_id.clone();
        if adding_recommendation.with(|a| a.as_ref() == Some(&id)) {
            view! { <NewRecommendation point_id=id adding=adding_recommendation ctx=ctx /> }
                .into_any()
        } else {
            open_button(
                "Add a recommendation",
                more.clone(),
                "recommendation-text",
                move || {
                    adding_action.set(None);
                    adding_recommendation.set(Some(id.clone()));
                },
            )
        }
    });
    view! {
        <section class="learning-point" aria-labelledby=heading_id.clone()>
            <p class="caption">{format!("Learning point {number}")}</p>
            <h2 id=heading_id.clone() tabindex="-1">{p.title.clone()}</h2>
            {summary_list(facts)}
            {refer}
            {no_recommendations.then(|| view! { <p>"No recommendations yet."</p> })}
            {recommendations}
            {adder}
        </section>
    }
}

/// One recommendation with its actions (and, for those who keep the plan, adding one).
#[component]
fn Recommendation(
    /// "1.2": the learning point's number, then its own.
    number: String,
    recommendation: RecommendationItem,
    review: PlanReview,
    keeper: bool,
    adding: RwSignal<Option<String>>,
    ctx: Ctx,
) -> impl IntoView {
    let r = recommendation;
    let heading_id = format!("rec-{}", r.id);
    let rec_id = r.id.clone();
    let which = format!(" to recommendation {number}");
    let add = keeper.then_some(move || {
        let id = rec_id.clone();
        if adding.with(|a| a.as_ref() == Some(&id)) {
            view! { <NewAction recommendation_id=id review=review.clone() adding=adding ctx=ctx /> }
                .into_any()
        } else {
            open_button("Add an action", which.clone(), "action-title", move || {
                adding.set(Some(id.clone()))
            })
        }
    });
    view! {
        <div class="recommendation">
            <h3 id=heading_id tabindex="-1">{format!("Recommendation {number}")}</h3>
            <p class="pre">{r.text.clone()}</p>
            <ActionTable caption=format!("Actions for recommendation {number}") rows=r.actions.clone() />
            {add}
        </div>
    }
}

fn describe_point(field: &str) -> (String, String) {
    let (id, label) = match leaf(field) {
        "detail" => ("lp-detail", "What was learnt"),
        "scope" => ("lp-scope", "Scope:"),
        "kind" => ("lp-kind", "Kind:"),
        "themes" => ("lp-themes", "Themes:"),
        "title" => ("lp-title", "Title"),
        _ => ("lp-title", "Not saved:"),
    };
    (id.into(), label.into())
}

/// A new learning point for the review.
#[component]
fn NewPoint(ctx: Ctx) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let title = RwSignal::new(String::new());
    let detail = RwSignal::new(String::new());
    let scope = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let themes = RwSignal::new(String::new());
    let scopes: Vec<(String, String)> = LearningScope::ALL
        .iter()
        .map(|s| (s.code().to_string(), s.label().to_string()))
        .collect();
    let kinds: Vec<(String, String)> = LearningKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect();
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        if scope.with_untracked(String::is_empty) {
            errors.push("lp-scope", "Choose single agency or multi-agency");
        }
        if errors.report_found() {
            return;
        }
        let chosen = kind.get_untracked();
        let input = api::create_learning_point::LearningPointInput {
            title: title.get_untracked(),
            detail: Some(detail.get_untracked()),
            scope: enum_from(&scope.get_untracked()),
            kind: (!chosen.is_empty()).then(|| enum_from(&chosen)),
            themes: themes
                .get_untracked()
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            entry_ids: Vec::new(),
            duplicate_group_keys: Vec::new(),
        };
        let variables = api::create_learning_point::Variables {
            review_id: ctx.review_id.get_untracked(),
            input,
        };
        form.send(
            api::send::<api::CreateLearningPoint>(variables),
            describe_point,
            move |d| {
                let said = format!("Learning point “{}” added.", title.get_untracked().trim());
                ctx.reload(said, format!("lp-{}", id_of(&d)));
            },
        );
    };
    view! {
        <form class="row-card" on:submit=submit novalidate=true aria-labelledby="new-point-title">
            <h2 id="new-point-title">"Add a learning point"</h2>
            <ErrorSummary errors=errors />
            <TextField id="lp-title" label="Title" hint="The learning in a sentence." value=title errors=errors />
            <TextArea id="lp-detail" label="What was learnt" value=detail errors=errors rows=4 />
            <RadioGroup id="lp-scope" legend="Scope" options=scopes value=scope errors=errors />
            <RadioGroup id="lp-kind" legend="Kind" options=kinds value=kind errors=errors />
            <TextField
                id="lp-themes"
                label="Themes"
                hint="Separate themes with commas, for example: Neglect, Domestic abuse."
                value=themes
                errors=errors
            />
            <button type="submit" class="button" disabled=move || pending.get()>
                "Add learning point"
            </button>
        </form>
    }
}

/// A new recommendation for one learning point.
#[component]
fn NewRecommendation(
    point_id: String,
    adding: RwSignal<Option<String>>,
    ctx: Ctx,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let text = RwSignal::new(String::new());
    let point_id = StoredValue::new(point_id);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let variables = api::add_recommendation::Variables {
            learning_point_id: point_id.get_value(),
            text: text.get_untracked(),
        };
        form.send(
            api::send::<api::AddRecommendation>(variables),
            |_| ("recommendation-text".into(), "Recommendation".into()),
            move |d| ctx.reload("Recommendation added.".into(), format!("rec-{}", id_of(&d))),
        );
    };
    view! {
        <form class="row-card" on:submit=submit novalidate=true aria-labelledby="new-recommendation-title">
            <h3 id="new-recommendation-title">"Add a recommendation"</h3>
            <ErrorSummary errors=errors />
            <TextArea
                id="recommendation-text"
                label="Recommendation"
                hint="What should change in answer to this learning point."
                value=text
                errors=errors
                rows=3
            />
            <div class="button-group">
                <button type="submit" class="button" disabled=move || pending.get()>
                    "Add recommendation"
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| {
                    adding.set(None);
                    let back = format!("lp-{}", point_id.get_value());
                    request_animation_frame(move || focus_by_id(&back));
                }>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

/// A new action answering one recommendation, owned by one of the review's agencies.
#[component]
fn NewAction(
    recommendation_id: String,
    review: PlanReview,
    adding: RwSignal<Option<String>>,
    ctx: Ctx,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let values = ActionValues::new();
    let people: Vec<Owner> = review
        .members
        .iter()
        .filter_map(|m| {
            let agency = m.user.agency.as_ref()?;
            Some((
                m.user.id.clone(),
                m.user.display_name.clone(),
                agency.id.clone(),
            ))
        })
        .collect();
    let heading = format!("rec-{recommendation_id}");
    let recommendation_id = StoredValue::new(recommendation_id);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) || !values.check(errors) {
            return;
        }
        let variables = api::create_action::Variables {
            recommendation_id: recommendation_id.get_value(),
            input: action_input!(create_action, values),
        };
        let heading = heading.clone();
        form.send(
            api::send::<api::CreateAction>(variables),
            describe_action,
            move |d| {
                let reference = d["createAction"]["reference"]
                    .as_str()
                    .map_or_else(|| "The action".to_string(), |r| format!("Action {r}"));
                ctx.reload(format!("{reference} added."), heading);
            },
        );
    };
    view! {
        <form class="row-card" on:submit=submit novalidate=true aria-labelledby="new-action-title">
            <h4 id="new-action-title">"Add an action"</h4>
            <ErrorSummary errors=errors />
            <OwnedActionFields values=values agencies=review.agencies people=people errors=errors />
            <div class="button-group">
                <button type="submit" class="button" disabled=move || pending.get()>
                    "Add action"
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| {
                    adding.set(None);
                    let back = format!("rec-{}", recommendation_id.get_value());
                    request_animation_frame(move || focus_by_id(&back));
                }>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}
