//! The demo partnership: the framework's partner agencies with their QA mechanisms, a
//! person for each role, and reviews whose clocks show every state. Loaded only into a
//! database that has no agencies yet.

use crate::actions::service::{action_snapshot, Sources};
use crate::audit_log::{self, Event};
use crate::auth::passwords;
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::demo_agencies::PARTNER_AGENCIES;
use crate::entities::{
    action, action_history, action_update, agency, app_user, child_death_review, chronology_entry,
    glossary_term, indicator, indicator_value, learning_event, learning_event_attendance,
    learning_event_feedback, learning_event_review, learning_point, learning_summary, qa_mechanism,
    recommendation, review, review_agency, review_member, summary_field, summary_field_version,
};
use crate::error::{AppError, AppResult};
use crate::reviews::service::json_list;
use crate::state::AppState;
use chrono::{DateTime, Datelike, Days, NaiveDate, SubsecRound, TimeDelta, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use shared::actions::{action_reference, ActionStatus, LearningKind, LearningScope};
use shared::auth::{format_roles, Role};
use shared::child_deaths::{reporting_year, AgeBand, DeathCategory, Modifiability};
use shared::performance::{Direction, PeriodKey, ReportingPeriod};
use shared::reviews::{Methodology, ReviewKind, ReviewRole, ThresholdDecision};
use shared::summary::{SummaryField, SummaryState};
use shared::training::LearningEventKind;
use std::collections::HashMap;

pub const DEMO_PASSWORD: &str = "safeguarding-demo";

/// (email, what they can do) — printed when the demo starts.
pub const DEMO_ACCOUNTS: &[(&str, &str)] = &[
    (
        "office@demo.example",
        "Business office: agencies, people, reviews, audit log",
    ),
    (
        "chair@demo.example",
        "Independent chair: threshold decisions",
    ),
    (
        "reviewer@demo.example",
        "Children's social care; lead reviewer of SCR-2016-03 and RR-2026-01; auditor of MACA-1 and MACA-2",
    ),
    (
        "police.rep@demo.example",
        "Police representative; member of SCR-2016-03 and RR-2026-01; auditor of MACA-1 and MACA-2 (grades still to submit); updates its Police actions",
    ),
    (
        "police.lead@demo.example",
        "Police agency lead: keeps Police QA mechanisms; follows every Police action",
    ),
    (
        "health.rep@demo.example",
        "Northampton General Hospital representative; member of no review",
    ),
    ("practitioner@demo.example", "Practitioner (Schools)"),
];

/// (email, display name, agency prefix, roles)
const PEOPLE: &[(&str, &str, Option<&str>, &[Role])] = &[
    (
        "office@demo.example",
        "Olivia Office",
        None,
        &[Role::BusinessOffice],
    ),
    (
        "chair@demo.example",
        "Charles Chair",
        None,
        &[Role::IndependentChair],
    ),
    (
        "reviewer@demo.example",
        "Rita Reviewer",
        Some("CSC"),
        &[Role::AgencyRepresentative],
    ),
    (
        "police.rep@demo.example",
        "Paul Police",
        Some("POL"),
        &[Role::AgencyRepresentative],
    ),
    (
        "police.lead@demo.example",
        "Priya Police-Lead",
        Some("POL"),
        &[Role::AgencyLead],
    ),
    (
        "health.rep@demo.example",
        "Hannah Health",
        Some("NGH"),
        &[Role::AgencyRepresentative],
    ),
    (
        "practitioner@demo.example",
        "Pat Practitioner",
        Some("SCH"),
        &[Role::Practitioner],
    ),
];

fn date(y: i32, m: u32, d: u32) -> AppResult<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| AppError::Internal(format!("bad demo date {y}-{m}-{d}")))
}

fn days_ago(today: NaiveDate, n: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(n)).unwrap_or(today)
}

/// Child A's chronology as six agencies returned it (with her fictional real name, which the
/// review's glossary anonymises): a strategy discussion recorded three times, information
/// sharing that the receiver did and did not record, imprecise dates and a month with no
/// contact.
const CHILD_A_RETURNS: &[(&str, &str)] = &[
    ("CSC", "Start Date,Start Time,Source of Information,Event Type,Event,Action Taken,Information Shared With
12/01/2016,10:15,CSC-REF-101,Referral,Referral received from school about neglect of Lily: poor hygiene and hunger,Assessment opened,SCH
15/01/2016,,CSC-ASM-102,Home visit,Home visit by social worker; mother anxious; Lily seen,Continue assessment,
March 2016,,CSC-NOTE-103,Contact,Karen Harper (mother) reported domestic abuse concerns in a phone call (date approximate),Advice given,POL
03/05/2016,14:00,CSC-STR-104,Strategy discussion,Strategy discussion held with police and health about bruising to Lily,Section 47 enquiry,POL;NGH
22/05/2016,,CSC-CP-105,Child protection conference,Initial child protection conference; plan for neglect,Child protection plan,
"),
    ("POL", "Start Date,Start Time,Source of Information,Event Type,Event,Action Taken,Information Shared With
?2015,,POL-HIST-200,Contact,Earlier domestic incident at the address (year only known),Logged,
02/04/2016,23:40,POL-DA-201,Domestic incident,Police attended domestic incident at home; children present,DASH risk assessment completed,CSC
03/05/2016,14:00,POL-STR-202,Strategy discussion,Strategy discussion with social care and health about bruising to Lily,Joint visit agreed,CSC
10/05/2016,,POL-VIS-203,Home visit,Joint visit with social worker to Lily at home,No further action by police,
"),
    ("NGH", "Start Date,Start Time,Source of Information,Event Type,Event,Action Taken,Information Shared With
03/05/2016,09:30,NGH-ED-301,A&E attendance,A&E attendance with bruising to Lily; explanation inconsistent,Referral to social care,CSC
03/05/2016,14:00,NGH-STR-302,Strategy discussion,Attended strategy discussion about bruising to Lily with social care and police,Child protection medical arranged,
"),
    ("NHFT", "Start Date,Source of Information,Event Type,Event,Action Taken,Information Shared With
14/01/2016,NHFT-HV-401,Home visit,Health visitor home visit; Lily weight below expected,Follow-up booked,
20/02/2016,NHFT-HV-402,Contact,Missed health visitor appointment,Letter sent to mother,CSC
"),
    ("EMAS", "Start Date,Start Time,Source of Information,Event Type,Event,Action Taken,Information Shared With
03/05/2016,08:50,EMAS-999-501,Contact,Ambulance called to home; Lily with bruising conveyed to A&E,Conveyed to NGH,NGH
"),
    ("SCH", "Start Date,Source of Information,Event Type,Event,Action Taken,Information Shared With
11/01/2016,SCH-DSL-601,Referral,School referral to social care about neglect of Lily: poor hygiene and hunger,Referral made,CSC
18/04/2016,SCH-ATT-602,Contact,Attendance concern: Lily absent for five days,Letter to parents,
"),
];

/// The fictional real name in Child A's records and what replaces it once anonymised.
const CHILD_A_GLOSSARY: &[(&str, &str)] = &[("Lily", "Child A")];

struct DemoReview<'a> {
    reference: &'a str,
    kind: ReviewKind,
    subject: &'a str,
    themes: &'a [&'a str],
    methodology: Methodology,
    incident: (Option<i32>, i32),
    regime: &'a str,
    aware_on: Option<NaiveDate>,
    notified_on: NaiveDate,
    decision: Option<(ThresholdDecision, &'a str, NaiveDate)>,
    panel: Option<(NaiveDate, &'a [&'a str])>,
    completed_on: Option<NaiveDate>,
    /// The date the office asked the agencies to submit their chronology returns by.
    returns_due_on: Option<NaiveDate>,
    agencies: &'a [&'a str],
    members: &'a [(&'a str, ReviewRole)],
}

/// Loads the demo partnership if the database has no agencies. Returns whether it did.
pub async fn seed_if_empty(state: &AppState) -> AppResult<bool> {
    if agency::Entity::find().count(&state.db).await? > 0 {
        return Ok(false);
    }
    let hash = passwords::hash(DEMO_PASSWORD.to_string()).await?;
    let txn = begin_write(&state.db).await?;
    let now = Utc::now();
    let today = state.today();
    let mut agency_ids: HashMap<&str, String> = HashMap::new();
    for (name, prefix, kind, colour, (year, month), mechanisms) in PARTNER_AGENCIES {
        let id = uuid::Uuid::new_v4().to_string();
        agency::ActiveModel {
            id: Set(id.clone()),
            name: Set((*name).to_owned()),
            kind: Set((*kind).to_owned()),
            prefix: Set((*prefix).to_owned()),
            colour: Set((*colour).to_owned()),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let updated = date(*year, *month, 1)?;
        for (position, text) in mechanisms.iter().enumerate() {
            qa_mechanism::ActiveModel {
                id: Set(uuid::Uuid::new_v4().to_string()),
                agency_id: Set(id.clone()),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                text: Set((*text).to_owned()),
                last_updated: Set(updated),
            }
            .insert(&txn)
            .await?;
        }
        agency_ids.insert(prefix, id);
    }
    let mut user_ids: HashMap<&str, String> = HashMap::new();
    for (email, name, prefix, roles) in PEOPLE {
        let id = uuid::Uuid::new_v4().to_string();
        app_user::ActiveModel {
            id: Set(id.clone()),
            email: Set((*email).to_owned()),
            display_name: Set((*name).to_owned()),
            agency_id: Set(prefix.and_then(|p| agency_ids.get(p).cloned())),
            roles: Set(format_roles(roles)),
            password_hash: Set(hash.clone()),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        user_ids.insert(email, id);
    }
    let this_year = today.year();
    let reviews = [
        DemoReview {
            reference: "SCR-2016-03",
            kind: ReviewKind::SeriousCaseReview,
            subject: "Child A",
            themes: &["Neglect", "Domestic abuse"],
            methodology: Methodology::LearningTogether,
            incident: (Some(5), 2016),
            regime: "wt2015",
            aware_on: None,
            notified_on: date(2016, 5, 22)?,
            decision: Some((
                ThresholdDecision::Initiate,
                "Child A suffered serious harm and there is cause for concern about the way agencies worked together: the criteria for a serious case review are met.",
                date(2016, 6, 10)?,
            )),
            panel: Some((date(2016, 6, 20)?, &["Rita Reviewer"])),
            completed_on: Some(date(2016, 12, 1)?),
            returns_due_on: None,
            agencies: &["CSC", "POL", "NGH", "NHFT", "EMAS", "SCH"],
            members: &[("reviewer@demo.example", ReviewRole::LeadReviewer), ("police.rep@demo.example", ReviewRole::Member)],
        },
        DemoReview {
            reference: "RR-2026-01",
            kind: ReviewKind::RapidReview,
            subject: "Child B",
            themes: &["Bruising in babies"],
            methodology: Methodology::ChildPracticeReview,
            incident: (None, today.format("%Y").to_string().parse().unwrap_or(2026)),
            regime: "wt2018",
            aware_on: Some(days_ago(today, 9)),
            notified_on: days_ago(today, 6),
            decision: None,
            panel: None,
            completed_on: None,
            returns_due_on: Some(today + chrono::Duration::days(10)),
            agencies: &["CSC", "POL", "KGH", "CCG"],
            members: &[("reviewer@demo.example", ReviewRole::LeadReviewer), ("police.rep@demo.example", ReviewRole::Member)],
        },
        DemoReview {
            reference: "LCSPR-2026-02",
            kind: ReviewKind::SeriousCaseReview,
            subject: "Child C",
            themes: &["Child sexual exploitation", "Missing from home or care"],
            methodology: Methodology::Silp,
            incident: (None, today.format("%Y").to_string().parse().unwrap_or(2026)),
            regime: "wt2015",
            aware_on: None,
            notified_on: days_ago(today, 45),
            decision: None,
            panel: None,
            completed_on: None,
            returns_due_on: None,
            agencies: &["CSC", "POL", "YOS", "COL"],
            members: &[],
        },
        DemoReview {
            reference: "SCR-2015-07",
            kind: ReviewKind::SeriousCaseReview,
            subject: "Child D",
            themes: &["Neglect", "Parental mental health"],
            methodology: Methodology::Silp,
            incident: (Some(9), 2015),
            regime: "wt2015",
            aware_on: None,
            notified_on: date(2015, 10, 2)?,
            decision: Some((
                ThresholdDecision::Initiate,
                "Child D suffered serious harm from long-standing neglect and agencies' work together is a cause for concern: the criteria for a serious case review are met.",
                date(2015, 10, 20)?,
            )),
            panel: Some((date(2015, 11, 2)?, &["Rita Reviewer"])),
            completed_on: Some(date(2016, 6, 30)?),
            returns_due_on: None,
            agencies: &["CSC", "POL", "NHFT", "SCH"],
            members: &[("reviewer@demo.example", ReviewRole::LeadReviewer)],
        },
        DemoReview {
            reference: LAST_AUDIT,
            kind: ReviewKind::MultiAgencyCaseAudit,
            subject: "Neglect of pre-school children",
            themes: &["Neglect"],
            methodology: Methodology::Other,
            incident: (None, this_year - 1),
            regime: "local",
            aware_on: None,
            notified_on: date(this_year - 1, 5, 1)?,
            decision: None,
            panel: None,
            completed_on: Some(date(this_year - 1, 9, 30)?.min(today)),
            returns_due_on: None,
            agencies: &["CSC", "POL"],
            members: AUDIT_MEMBERS,
        },
        DemoReview {
            reference: THIS_AUDIT,
            kind: ReviewKind::MultiAgencyCaseAudit,
            subject: "Neglect of pre-school children: re-audit",
            themes: &["Neglect"],
            methodology: Methodology::Other,
            incident: (None, this_year),
            regime: "local",
            aware_on: None,
            notified_on: days_ago(today, 30),
            decision: None,
            panel: None,
            completed_on: None,
            returns_due_on: None,
            agencies: &["CSC", "POL"],
            members: AUDIT_MEMBERS,
        },
    ];
    let rc = RequestContext::system("seed-demo");
    let mut review_ids: HashMap<&str, String> = HashMap::new();
    for r in reviews {
        let review_id = insert_review(&txn, &r, &agency_ids, &user_ids, now).await?;
        review_ids.insert(r.reference, review_id.clone());
        if r.reference == "SCR-2016-03" {
            for (prefix, csv) in CHILD_A_RETURNS {
                let agency_id = agency_ids
                    .get(prefix)
                    .ok_or_else(|| AppError::Internal(format!("demo agency {prefix}")))?;
                crate::chronology::service::load_submitted_return(
                    &txn, &rc, &review_id, agency_id, csv,
                )
                .await?;
            }
            let keeper = user_ids
                .get("reviewer@demo.example")
                .ok_or_else(|| AppError::Internal("demo reviewer".into()))?;
            for (real, replacement) in CHILD_A_GLOSSARY {
                glossary_term::ActiveModel {
                    id: Set(uuid::Uuid::new_v4().to_string()),
                    review_id: Set(review_id.clone()),
                    real_text: Set((*real).to_owned()),
                    real_key: Set(shared::glossary::fold(real)),
                    replacement: Set((*replacement).to_owned()),
                    created_by: Set(keeper.clone()),
                    created_at: Set(now),
                }
                .insert(&txn)
                .await?;
            }
            seed_action_plan(&txn, &review_id, &agency_ids, &user_ids, now, today).await?;
        }
        if r.reference == "SCR-2015-07" {
            seed_published_summary(&txn, &review_id, &user_ids, today).await?;
        }
    }
    seed_section_11(&txn, &rc, &agency_ids, &user_ids, now, today).await?;
    seed_qa_reports(&txn, &agency_ids, now, today).await?;
    seed_case_audits(&txn, &rc, &agency_ids, &review_ids, &user_ids, now, today).await?;
    seed_performance(&txn, &agency_ids, &user_ids, now, today).await?;
    seed_child_deaths(&txn, &user_ids, now, today).await?;
    let ids = DemoIds {
        agencies: &agency_ids,
        reviews: &review_ids,
        users: &user_ids,
    };
    seed_learning_events(&txn, &ids, now, today).await?;
    audit_log::append(
        &txn,
        &rc,
        Event {
            action: "demo.seed",
            object_type: "partnership",
            object_id: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

async fn insert_review<C: ConnectionTrait>(
    txn: &C,
    r: &DemoReview<'_>,
    agency_ids: &HashMap<&str, String>,
    user_ids: &HashMap<&str, String>,
    now: chrono::DateTime<Utc>,
) -> AppResult<String> {
    let id = uuid::Uuid::new_v4().to_string();
    let themes: Vec<String> = r.themes.iter().map(|t| (*t).to_owned()).collect();
    let names: Vec<String> = r
        .panel
        .map(|(_, n)| n.iter().map(|s| (*s).to_owned()).collect())
        .unwrap_or_default();
    review::ActiveModel {
        id: Set(id.clone()),
        reference: Set(r.reference.to_owned()),
        kind: Set(r.kind.code().to_owned()),
        subject: Set(r.subject.to_owned()),
        themes: Set(json_list(&themes)),
        methodology: Set(r.methodology.code().to_owned()),
        methodology_detail: Set(None),
        incident_month: Set(r.incident.0),
        incident_year: Set(r.incident.1),
        regime_id: Set(r.regime.to_owned()),
        aware_on: Set(r.aware_on),
        notified_on: Set(r.notified_on),
        decision: Set(r.decision.map(|(d, _, _)| d.code().to_owned())),
        decision_justification: Set(r.decision.map(|(_, j, _)| j.to_owned())),
        decided_on: Set(r.decision.map(|(_, _, on)| on)),
        decided_by: Set(r
            .decision
            .and_then(|_| user_ids.get("chair@demo.example").cloned())),
        panel_notified_on: Set(r.panel.map(|(on, _)| on)),
        panel_lead_reviewer_names: Set(json_list(&names)),
        completed_on: Set(r.completed_on),
        published_on: Set(None),
        version: Set(1),
        sharing_tolerance_days: Set(2),
        gap_threshold_days: Set(28),
        chronology_shared_at: Set(None),
        returns_due_on: Set(r.returns_due_on),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    for prefix in r.agencies {
        let agency_id = agency_ids
            .get(prefix)
            .cloned()
            .ok_or_else(|| AppError::Internal(format!("demo agency {prefix}")))?;
        review_agency::ActiveModel {
            review_id: Set(id.clone()),
            agency_id: Set(agency_id),
        }
        .insert(txn)
        .await?;
    }
    for (email, role) in r.members {
        let user_id = user_ids
            .get(email)
            .cloned()
            .ok_or_else(|| AppError::Internal(format!("demo person {email}")))?;
        review_member::ActiveModel {
            review_id: Set(id.clone()),
            user_id: Set(user_id),
            role: Set(role.code().to_owned()),
        }
        .insert(txn)
        .await?;
    }
    Ok(id)
}

/// One action of Child A's plan. Target dates are days from today; `update` is (author,
/// days ago, text) of its one progress update, which moves it to `status`.
struct DemoAction<'a> {
    title: &'a str,
    owner: &'a str,
    person: Option<&'a str>,
    target_in_days: i64,
    status: ActionStatus,
    impact_audit: &'a str,
    committee: Option<&'a str>,
    update: Option<(&'a str, i64, &'a str)>,
}

struct DemoRecommendation<'a> {
    text: &'a str,
    actions: &'a [DemoAction<'a>],
}

struct DemoPoint<'a> {
    title: &'a str,
    detail: &'a str,
    scope: LearningScope,
    kind: LearningKind,
    themes: &'a [&'a str],
    /// Sources of the chronology entries it comes from.
    entries: &'a [&'a str],
    committee: Option<&'a str>,
    recommendations: &'a [DemoRecommendation<'a>],
}

/// Child A's learning and action plan: a multi-agency learning point about information
/// sharing between police and social care, a single-agency piece of good practice, and
/// actions owned by several agencies: one overdue, one due soon (referred to the Case
/// Review sub-group), one completed, others in progress or not started.
const CHILD_A_PLAN: &[DemoPoint] = &[
    DemoPoint {
        title: "Domestic abuse information shared by police did not reach social care's assessment",
        detail: "Police attended a domestic incident with the children present and shared it with children's social care, which has no record of receiving it. Social care's assessment went on without it, and the mother's own report of domestic abuse was not linked to the police incident.",
        scope: LearningScope::MultiAgency,
        kind: LearningKind::NeedsImprovement,
        themes: &["Domestic abuse", "Neglect"],
        entries: &["POL-DA-201", "CSC-NOTE-103"],
        committee: None,
        recommendations: &[
            DemoRecommendation {
                text: "Police and children's social care agree one route and one timescale for sharing domestic abuse notifications where children are present, and the receiver confirms receipt.",
                actions: &[
                    DemoAction {
                        title: "Send every domestic abuse notification where children are present to the children's social care front door within 24 hours",
                        owner: "POL",
                        person: Some("police.lead@demo.example"),
                        target_in_days: -14,
                        status: ActionStatus::NotStarted,
                        impact_audit: "Quarterly dip sample of 20 notifications: time from incident to receipt.",
                        committee: None,
                        update: None,
                    },
                    DemoAction {
                        title: "Record the receipt of every police notification on the child's record and acknowledge it to the sender",
                        owner: "CSC",
                        person: Some("reviewer@demo.example"),
                        target_in_days: 10,
                        status: ActionStatus::InProgress,
                        impact_audit: "Multi-agency case audit of notifications received in one month.",
                        committee: Some("case-review"),
                        update: Some(("reviewer@demo.example", 12, "Recording template changed; the acknowledgement step is being trialled at the front door.")),
                    },
                ],
            },
            DemoRecommendation {
                text: "Strategy discussions record who will share what with whom, and by when.",
                actions: &[
                    DemoAction {
                        title: "Brief public protection officers on recording what was agreed at strategy discussions",
                        owner: "POL",
                        person: Some("police.rep@demo.example"),
                        target_in_days: 90,
                        status: ActionStatus::InProgress,
                        impact_audit: "Review of ten strategy discussion records six months after the briefing.",
                        committee: None,
                        update: Some(("police.rep@demo.example", 20, "Briefing written; the first two sessions were delivered to 40 officers.")),
                    },
                    DemoAction {
                        title: "Audit ten strategy discussion records for who shares what, and by when",
                        owner: "NGH",
                        person: Some("health.rep@demo.example"),
                        target_in_days: -30,
                        status: ActionStatus::Completed,
                        impact_audit: "Re-audit of ten records in a year.",
                        committee: None,
                        update: Some(("health.rep@demo.example", 35, "Audit of ten records completed: seven recorded each action with an owner and a date. Findings shared with the Quality and Audit group.")),
                    },
                ],
            },
        ],
    },
    DemoPoint {
        title: "The school's referral about neglect was prompt, clear and well evidenced",
        detail: "The designated safeguarding lead referred the same day, describing what staff had seen over several weeks, which let social care start an assessment at once.",
        scope: LearningScope::SingleAgency,
        kind: LearningKind::GoodPractice,
        themes: &["Neglect"],
        entries: &["SCH-DSL-601"],
        committee: Some("education-training"),
        recommendations: &[DemoRecommendation {
            text: "Share the school's referral as an example of good practice with designated safeguarding leads.",
            actions: &[DemoAction {
                title: "Use the anonymised referral as an example in designated safeguarding lead training",
                owner: "SCH",
                person: None,
                target_in_days: 60,
                status: ActionStatus::NotStarted,
                impact_audit: "Sample of school referrals in the following term.",
                committee: None,
                update: None,
            }],
        }],
    },
];

fn lookup<'a>(ids: &'a HashMap<&str, String>, key: &str) -> AppResult<&'a String> {
    ids.get(key)
        .ok_or_else(|| AppError::Internal(format!("demo {key}")))
}

/// Child A's learning points, recommendations and actions, written as the lead reviewer
/// would have over the last months, with each action's history and progress updates.
async fn seed_action_plan<C: ConnectionTrait>(
    txn: &C,
    review_id: &str,
    agency_ids: &HashMap<&str, String>,
    user_ids: &HashMap<&str, String>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> AppResult<()> {
    let reviewer = lookup(user_ids, "reviewer@demo.example")?;
    // Stored to the microsecond, as the service stores its own times.
    let now = now.trunc_subsecs(6);
    let days = TimeDelta::try_days;
    let ago = |n: i64| now - days(n).unwrap_or_default();
    let mut number = 0;
    for (i, p) in CHILD_A_PLAN.iter().enumerate() {
        let entry_ids: Vec<String> = chronology_entry::Entity::find()
            .filter(chronology_entry::Column::ReviewId.eq(review_id))
            .filter(chronology_entry::Column::Source.is_in(p.entries.iter().copied()))
            .all(txn)
            .await?
            .into_iter()
            .map(|e| e.id)
            .collect();
        let sources = Sources {
            entry_ids,
            ..Default::default()
        };
        let themes: Vec<String> = p.themes.iter().map(|t| (*t).to_owned()).collect();
        let written = ago(100) + TimeDelta::minutes(i as i64);
        let point = learning_point::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            review_id: Set(review_id.to_owned()),
            title: Set(p.title.to_owned()),
            detail: Set(p.detail.to_owned()),
            scope: Set(p.scope.code().to_owned()),
            kind: Set(p.kind.code().to_owned()),
            themes: Set(json_list(&themes)),
            sources: Set(serde_json::to_string(&sources).unwrap_or_else(|_| "{}".into())),
            committee_id: Set(p.committee.map(str::to_owned)),
            created_by: Set(reviewer.clone()),
            created_at: Set(written),
            updated_at: Set(written),
            version: Set(if p.committee.is_some() { 2 } else { 1 }),
        }
        .insert(txn)
        .await?;
        for (j, r) in p.recommendations.iter().enumerate() {
            let rec = recommendation::ActiveModel {
                id: Set(uuid::Uuid::new_v4().to_string()),
                learning_point_id: Set(point.id.clone()),
                text: Set(r.text.to_owned()),
                created_by: Set(reviewer.clone()),
                created_at: Set(written + TimeDelta::seconds(j as i64 + 1)),
            }
            .insert(txn)
            .await?;
            for a in r.actions {
                number += 1;
                let created = written + TimeDelta::seconds(10 * number);
                let target = today
                    .checked_add_signed(days(a.target_in_days).unwrap_or_default())
                    .unwrap_or(today);
                let owner_person = match a.person {
                    Some(email) => Some(lookup(user_ids, email)?.clone()),
                    None => None,
                };
                let mut saved = action::ActiveModel {
                    id: Set(uuid::Uuid::new_v4().to_string()),
                    recommendation_id: Set(rec.id.clone()),
                    review_id: Set(review_id.to_owned()),
                    reference: Set(action_reference("SCR-2016-03", number as u64)),
                    title: Set(a.title.to_owned()),
                    owner_agency_id: Set(lookup(agency_ids, a.owner)?.clone()),
                    owner_person_id: Set(owner_person),
                    target_on: Set(target),
                    target_date_reason: Set(None),
                    status: Set(ActionStatus::NotStarted.code().to_owned()),
                    rag_override: Set(None),
                    rag_override_reason: Set(None),
                    evidence_of_impact: Set(None),
                    impact_audit: Set(Some(a.impact_audit.to_owned())),
                    committee_id: Set(None),
                    version: Set(1),
                    created_by: Set(reviewer.clone()),
                    created_at: Set(created),
                    updated_at: Set(created),
                }
                .insert(txn)
                .await?;
                write_history(txn, &saved, "create", reviewer, created).await?;
                if let Some(committee) = a.committee {
                    let at = created + TimeDelta::days(1);
                    let mut am: action::ActiveModel = saved.into();
                    am.committee_id = Set(Some(committee.to_owned()));
                    am.version = Set(2);
                    am.updated_at = Set(at);
                    saved = am.update(txn).await?;
                    write_history(txn, &saved, "refer", reviewer, at).await?;
                }
                if let Some((author, days_ago, text)) = a.update {
                    let at = ago(days_ago);
                    let author = lookup(user_ids, author)?;
                    action_update::ActiveModel {
                        id: Set(uuid::Uuid::new_v4().to_string()),
                        action_id: Set(saved.id.clone()),
                        author_id: Set(author.clone()),
                        at: Set(at),
                        text: Set(text.to_owned()),
                        status_after: Set(a.status.code().to_owned()),
                    }
                    .insert(txn)
                    .await?;
                    let version = saved.version + 1;
                    let mut am: action::ActiveModel = saved.into();
                    am.status = Set(a.status.code().to_owned());
                    am.version = Set(version);
                    am.updated_at = Set(at);
                    saved = am.update(txn).await?;
                    write_history(txn, &saved, "progress", author, at).await?;
                }
            }
        }
    }
    Ok(())
}

/// The demo's published learning summary (of SCR-2015-07), in the template's words, so that
/// the public pages and the learning library have something to show.
const CHILD_D_SUMMARY: &[(SummaryField, &str)] = &[
    (SummaryField::DateCompleted, "30 June 2016"),
    (
        SummaryField::ReviewTypeAndPurpose,
        "Serious case review using the Significant Incident Learning Process (SILP). Chaired by the independent chair of the partnership; written by a lead reviewer from children's social care with an independent author. The case was chosen because a young child suffered serious harm from long-standing neglect that several agencies had seen.",
    ),
    (SummaryField::IncidentMonth, "September 2015"),
    (
        SummaryField::CaseLearning,
        "Child D lived with a parent whose mental health was poor for long periods.\n\n- **Key themes:** neglect that built up slowly; parental mental health; missed health appointments.\n- **Early learning:** each agency saw part of the picture; no one put the pieces together.\n- **Good practice:** the school nurse kept careful records and raised a concern that started the strategy discussion.",
    ),
    (
        SummaryField::MethodologyLearning,
        "Practitioners valued the learning event; bringing front-line staff and managers together early gave a fuller account than written reports alone.",
    ),
    (
        SummaryField::SingleAgencyLearning,
        "- Health visiting: follow up every missed appointment for a child under five with a home visit.\n- Schools: record attendance patterns and hygiene concerns together, not separately.",
    ),
    (
        SummaryField::MultiAgencyLearning,
        "- Use the neglect screening tool when more than one agency has a concern.\n- Adult mental health services ask about children in the household at every review.",
    ),
    (
        SummaryField::HowChangesWillBeMade,
        "- CSC: neglect screening tool in every assessment (by March 2017).\n- NHFT: a question about children at every adult mental health review (by January 2017).\n- SCH: training for designated safeguarding leads on recognising neglect (by April 2017).",
    ),
    (
        SummaryField::HowImpactWillBeAudited,
        "A multi-agency case audit of neglect cases twelve months after the changes, reported to the Quality and Audit group.",
    ),
    (SummaryField::OtherComments, "The family took part in the review."),
];

/// The demo's distribution list of schools' designated safeguarding leads (fictional
/// addresses), to whom the published summary went the day after publication.
async fn seed_distribution_list<C: ConnectionTrait>(
    txn: &C,
    summary_id: &str,
    office: &str,
    published_at: DateTime<Utc>,
) -> AppResult<()> {
    use crate::entities::{distribution_list, summary_sending};
    use shared::distribution::Recipient;
    const NAME: &str = "Schools' designated safeguarding leads";
    let recipients: Vec<Recipient> = [
        ("Priya Shah", "dsl@riverside-primary.example"),
        ("Tom Evans", "safeguarding@hillcrest-academy.example"),
        ("Grace Okafor", "dsl@st-marys-infants.example"),
        ("", "safeguarding@northfield-college.example"),
    ]
    .into_iter()
    .map(|(name, email)| Recipient {
        name: name.to_owned(),
        email: email.to_owned(),
    })
    .collect();
    distribution_list::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        name: Set(NAME.to_owned()),
        description: Set("Every school's and college's designated safeguarding lead, for learning summaries and briefings.".to_owned()),
        recipients: Set(serde_json::to_string(&recipients).map_err(|e| AppError::Internal(e.to_string()))?),
        version: Set(1),
        created_at: Set(published_at - chrono::Duration::days(90)),
        updated_at: Set(published_at - chrono::Duration::days(90)),
    }
    .insert(txn)
    .await?;
    let sent_at = published_at + chrono::Duration::days(1);
    for r in recipients {
        summary_sending::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            summary_id: Set(summary_id.to_owned()),
            list_name: Set(NAME.to_owned()),
            name: Set(r.name),
            email: Set(r.email),
            sent_by: Set(office.to_owned()),
            recorded_at: Set(sent_at),
            email_claimed_at: Set(Some(sent_at)),
            emailed_at: Set(Some(sent_at)),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

async fn seed_published_summary<C: ConnectionTrait>(
    txn: &C,
    review_id: &str,
    user_ids: &HashMap<&str, String>,
    today: NaiveDate,
) -> AppResult<()> {
    let reviewer = lookup(user_ids, "reviewer@demo.example")?.clone();
    let office = lookup(user_ids, "office@demo.example")?.clone();
    let published_on = days_ago(today, 60);
    let published_at = published_on
        .and_hms_opt(10, 0, 0)
        .map(|d| d.and_utc())
        .ok_or_else(|| AppError::Internal("demo publication time".into()))?;
    let id = uuid::Uuid::new_v4().to_string();
    learning_summary::ActiveModel {
        id: Set(id.clone()),
        review_id: Set(review_id.to_owned()),
        state: Set(SummaryState::Published.code().to_owned()),
        version: Set(4),
        created_by: Set(reviewer.clone()),
        created_at: Set(published_at - chrono::Duration::days(30)),
        updated_at: Set(published_at),
        published_at: Set(Some(published_at)),
        published_by: Set(Some(office.clone())),
        available_until: Set(Some(crate::summary::service::earliest_end(published_on))),
        report_file_name: Set(None),
    }
    .insert(txn)
    .await?;
    seed_distribution_list(txn, &id, &office, published_at).await?;
    for (field, text) in CHILD_D_SUMMARY {
        summary_field::ActiveModel {
            summary_id: Set(id.clone()),
            field: Set(field.code().to_owned()),
            text: Set((*text).to_owned()),
            version: Set(1),
            updated_by: Set(reviewer.clone()),
            updated_at: Set(published_at - chrono::Duration::days(20)),
        }
        .insert(txn)
        .await?;
        summary_field_version::ActiveModel {
            id: Default::default(),
            summary_id: Set(id.clone()),
            field: Set(field.code().to_owned()),
            version: Set(1),
            text: Set((*text).to_owned()),
            author_id: Set(reviewer.clone()),
            at: Set(published_at - chrono::Duration::days(20)),
        }
        .insert(txn)
        .await?;
    }
    crate::library::index_review(txn, review_id).await
}

async fn write_history<C: ConnectionTrait>(
    txn: &C,
    a: &action::Model,
    change: &str,
    by: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    action_history::ActiveModel {
        id: Default::default(),
        action_id: Set(a.id.clone()),
        version: Set(a.version),
        change: Set(change.to_owned()),
        snapshot: Set(action_snapshot(a).to_string()),
        changed_by: Set(Some(by.to_owned())),
        changed_at: Set(at),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The police's actions from last year's Section 11 assessment, planned through the same
/// path as in the browser: the voice of the child (amber) under way, information sharing
/// (red) done.
async fn seed_section_11_actions<C: ConnectionTrait>(
    txn: &C,
    rc: &RequestContext,
    user_ids: &HashMap<&str, String>,
    row: &crate::entities::s11_assessment::Model,
    standards: &[String],
    now: DateTime<Utc>,
    today: NaiveDate,
) -> AppResult<()> {
    let lead = lookup(user_ids, "police.lead@demo.example")?;
    let planned = [
        (
            3,
            "Hold a young people's panel on their experience of custody twice a year",
            120,
            ActionStatus::InProgress,
            "The first panel met in the youth centre; eight young people took part.",
        ),
        (
            7,
            "Agree the information-sharing protocol with children's social care, health and education",
            -60,
            ActionStatus::Completed,
            "All four partners signed the protocol; an audit of 20 referrals found 18 shared the same day.",
        ),
    ];
    for (i, (standard, title, target_in_days, status, update)) in planned.into_iter().enumerate() {
        let Some(standard_id) = standards.get(standard) else {
            continue;
        };
        let draft = shared::actions::ActionDraft {
            title: title.to_owned(),
            owner_agency_id: row.agency_id.clone(),
            owner_person_id: None,
            target_on: today + chrono::Duration::days(target_in_days),
            target_date_reason: None,
            impact_audit: Some("Re-audit the standard in next year's assessment.".to_owned()),
        };
        let created = now - chrono::Duration::days(200) + TimeDelta::seconds(i as i64);
        let saved =
            crate::section11::actions::plan_in(txn, rc, lead, row, standard_id, draft, today)
                .await?;
        write_history(txn, &saved, "create", lead, created).await?;
        let at = now - chrono::Duration::days(30);
        action_update::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            action_id: Set(saved.id.clone()),
            author_id: Set(lead.clone()),
            at: Set(at),
            text: Set(update.to_owned()),
            status_after: Set(status.code().to_owned()),
        }
        .insert(txn)
        .await?;
        let version = saved.version + 1;
        let mut am: action::ActiveModel = saved.into();
        am.status = Set(status.code().to_owned());
        am.version = Set(version);
        am.updated_at = Set(at);
        let saved = am.update(txn).await?;
        write_history(txn, &saved, "progress", lead, at).await?;
    }
    Ok(())
}

/// Section 11: last year's tool, with the police and children's social care assessments
/// accepted (the police's with two actions in the action plan, one done); this year's,
/// opened for them and the hospital three weeks ahead, last year's answers carried forward.
async fn seed_section_11<C: ConnectionTrait>(
    txn: &C,
    rc: &RequestContext,
    agency_ids: &HashMap<&str, String>,
    user_ids: &HashMap<&str, String>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> AppResult<()> {
    use crate::entities::{s11_answer, s11_assessment, s11_challenge, s11_standard};
    use shared::section11::{AssessmentStatus, Rating, DEMO_STANDARDS};
    let this_year = chrono::Datelike::year(&today);
    let last_year = this_year - 1;
    let mut standards: HashMap<i32, Vec<String>> = HashMap::new();
    for year in [last_year, this_year] {
        for (position, (title, description, evidence)) in DEMO_STANDARDS.iter().enumerate() {
            let id = uuid::Uuid::new_v4().to_string();
            s11_standard::ActiveModel {
                id: Set(id.clone()),
                year: Set(year),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                title: Set((*title).to_owned()),
                description: Set((*description).to_owned()),
                evidence_expected: Set((*evidence).to_owned()),
            }
            .insert(txn)
            .await?;
            standards.entry(year).or_default().push(id);
        }
    }
    // (agency, ratings by standard): last year's answers.
    let answered: [(&str, [Rating; 8]); 2] = [
        (
            "POL",
            [
                Rating::Green,
                Rating::Green,
                Rating::Green,
                Rating::Amber,
                Rating::Green,
                Rating::Amber,
                Rating::Green,
                Rating::Red,
            ],
        ),
        (
            "CSC",
            [
                Rating::Green,
                Rating::Green,
                Rating::Green,
                Rating::Green,
                Rating::Amber,
                Rating::Green,
                Rating::Green,
                Rating::Amber,
            ],
        ),
    ];
    let answer_text = |r: Rating| match r {
        Rating::Green => ("In place and checked in the annual audit.", ""),
        Rating::Amber => (
            "In place for most staff; the audit found gaps.",
            "Close the gaps the audit found and re-audit in six months.",
        ),
        Rating::Red => (
            "Not yet in place across the agency.",
            "Agree a protocol with partners and train every team.",
        ),
    };
    for (prefix, ratings) in answered {
        let Some(agency_id) = agency_ids.get(prefix) else {
            continue;
        };
        for (year, status, due) in [
            (
                last_year,
                AssessmentStatus::Accepted,
                today - chrono::Duration::days(200),
            ),
            (
                this_year,
                AssessmentStatus::Draft,
                today + chrono::Duration::days(21),
            ),
        ] {
            let id = uuid::Uuid::new_v4().to_string();
            let row = s11_assessment::ActiveModel {
                id: Set(id.clone()),
                year: Set(year),
                agency_id: Set(agency_id.clone()),
                status: Set(status.code().to_owned()),
                due_on: Set(due),
                submitted_at: Set((year == last_year).then_some(now - chrono::Duration::days(210))),
                decided_at: Set((year == last_year).then_some(now - chrono::Duration::days(190))),
                decided_by: Set(None),
                office_comment: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
            let ids = standards.get(&year).cloned().unwrap_or_default();
            for (standard_id, rating) in ids.iter().zip(ratings) {
                let (evidence, to_green) = answer_text(rating);
                s11_answer::ActiveModel {
                    assessment_id: Set(id.clone()),
                    standard_id: Set(standard_id.clone()),
                    rating: Set(Some(rating.code().to_owned())),
                    evidence: Set(evidence.to_owned()),
                    to_green: Set(to_green.to_owned()),
                    // A fully met standard points at where its evidence is kept.
                    links: Set(if rating == Rating::Green {
                        r#"[{"url":"https://intranet.example/safeguarding/evidence","label":"Safeguarding evidence folder"}]"#
                    } else {
                        "[]"
                    }
                    .to_owned()),
                    carried_forward: Set(year == this_year),
                    updated_by: Set(None),
                    updated_at: Set(now),
                }
                .insert(txn)
                .await?;
            }
            if year == last_year && prefix == "POL" {
                seed_section_11_actions(txn, rc, user_ids, &row, &ids, now, today).await?;
            }
            // Last year the office challenged the police's red information sharing before
            // it accepted the assessment.
            if let (true, "POL", Some(standard_id)) = (year == last_year, prefix, ids.last()) {
                s11_challenge::ActiveModel {
                    id: Set(uuid::Uuid::new_v4().to_string()),
                    assessment_id: Set(id.clone()),
                    standard_id: Set(standard_id.clone()),
                    question: Set(
                        "Which partners have agreed the protocol so far, and by when will the rest?"
                            .to_owned(),
                    ),
                    asked_by: Set(None),
                    asked_at: Set(now - chrono::Duration::days(205)),
                    response: Set(Some(
                        "Children's social care and health have agreed it; education by the spring."
                            .to_owned(),
                    )),
                    responded_by: Set(None),
                    responded_at: Set(Some(now - chrono::Duration::days(200))),
                }
                .insert(txn)
                .await?;
            }
        }
    }
    if let Some(agency_id) = agency_ids.get("NGH") {
        s11_assessment::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            year: Set(this_year),
            agency_id: Set(agency_id.clone()),
            status: Set(AssessmentStatus::Draft.code().to_owned()),
            due_on: Set(today + chrono::Duration::days(21)),
            submitted_at: Set(None),
            decided_at: Set(None),
            decided_by: Set(None),
            office_comment: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}
/// A demo performance indicator: 24 monthly values ending last month, the first 12 its
/// baseline.
struct DemoIndicator {
    name: &'static str,
    definition: &'static str,
    unit: &'static str,
    direction: Direction,
    target: Option<f64>,
    agency: Option<&'static str>,
    supplier: &'static str,
    values: [f64; 24],
}

/// One hot spot (re-referrals: a shift above the mean of a lower-is-better indicator, the
/// latest points beyond the upper limit), two indicators whose targets are hit and miss,
/// and one with no direction.
const DEMO_INDICATORS: &[DemoIndicator] = &[
    DemoIndicator {
        name: "Re-referrals to children's social care within 12 months",
        definition: "Referrals in the month about a child referred in the previous 12 months, as a percentage of all referrals in the month.",
        unit: "%",
        direction: Direction::LowerIsBetter,
        target: Some(20.0),
        agency: Some("CSC"),
        supplier: "office@demo.example",
        values: [
            21.4, 20.1, 22.3, 21.0, 19.8, 21.7, 20.6, 22.0, 20.9, 21.3, 19.9, 21.5, 20.8, 21.9,
            20.4, 21.2, 22.6, 23.1, 22.2, 23.8, 24.1, 23.5, 24.6, 25.0,
        ],
    },
    DemoIndicator {
        name: "Initial child protection conferences within 15 working days",
        definition: "Initial child protection conferences held within 15 working days of the strategy discussion, as a percentage of all initial conferences in the month.",
        unit: "%",
        direction: Direction::HigherIsBetter,
        target: Some(85.0),
        agency: None,
        supplier: "office@demo.example",
        values: [
            88.0, 91.0, 87.0, 90.0, 89.0, 86.0, 92.0, 88.0, 90.0, 87.0, 89.0, 91.0, 88.0, 90.0,
            87.0, 91.0, 89.0, 88.0, 90.0, 86.0, 89.0, 92.0, 88.0, 90.0,
        ],
    },
    DemoIndicator {
        name: "Strategy discussions within one working day of a police referral",
        definition: "Police referrals whose strategy discussion was held within one working day, as a percentage of police referrals needing one.",
        unit: "%",
        direction: Direction::HigherIsBetter,
        target: Some(75.0),
        agency: Some("POL"),
        supplier: "police.lead@demo.example",
        values: [
            81.0, 78.0, 83.0, 80.0, 79.0, 82.0, 77.0, 84.0, 80.0, 81.0, 79.0, 82.0, 83.0, 80.0,
            78.0, 82.0, 81.0, 79.0, 84.0, 80.0, 78.0, 82.0, 85.0, 81.0,
        ],
    },
    DemoIndicator {
        name: "Contacts to the children's front door",
        definition: "Contacts received by the multi-agency safeguarding hub in the month.",
        unit: "contacts",
        direction: Direction::NoDirection,
        target: None,
        agency: None,
        supplier: "office@demo.example",
        values: [
            412.0, 398.0, 430.0, 405.0, 420.0, 390.0, 415.0, 428.0, 401.0, 410.0, 396.0, 422.0,
            409.0, 417.0, 400.0, 425.0, 395.0, 411.0, 419.0, 403.0, 426.0, 398.0, 414.0, 407.0,
        ],
    },
];

/// The keys of the 24 months ending the month before `today`, oldest first.
fn demo_months(today: NaiveDate) -> Vec<String> {
    let period = ReportingPeriod::Month;
    let (mut year, mut month) = (today.year(), today.month());
    for _ in 0..24 {
        if month == 1 {
            year -= 1;
            month = 12;
        } else {
            month -= 1;
        }
    }
    let mut key = PeriodKey { year, part: month };
    (0..24)
        .map(|_| {
            let k = period.key(key);
            key = period.next(key);
            k
        })
        .collect()
}

/// A demo single-agency audit: agency, year, month, topic, standard, sample, findings,
/// what changed.
type DemoAudit = (
    &'static str,
    i32,
    u32,
    &'static str,
    &'static str,
    i32,
    &'static str,
    &'static str,
);

/// The demo agencies' single-agency audits (last year's and this year's), and their QA
/// impact reports: last year's from the police and children's social care, accepted; this
/// year's asked of them and the hospital a month ahead, children's social care's
/// submitted and waiting for the office, the others still to write.
async fn seed_qa_reports<C: ConnectionTrait>(
    txn: &C,
    agency_ids: &HashMap<&str, String>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> AppResult<()> {
    use crate::entities::{qa_report, qa_report_answer, qa_report_section, single_agency_audit};
    use shared::qa_reports::{ReportStatus, DEFAULT_SECTIONS};
    let this_year = chrono::Datelike::year(&today);
    let last_year = this_year - 1;
    let on = |year: i32, month: u32, day: u32| {
        NaiveDate::from_ymd_opt(year, month, day)
            .map(|d| d.min(today))
            .ok_or_else(|| AppError::Internal("demo audit date".into()))
    };
    let audits: [DemoAudit; 6] = [
        (
            "POL", last_year, 6, "Domestic abuse referrals to children's social care",
            "Force domestic abuse policy: a referral within 24 hours where a child lives in the household",
            40, "31 of 40 referrals were made within 24 hours; 6 of the late ones were at weekends.",
            "Weekend referrals now go through the central referral unit; a re-audit is planned.",
        ),
        (
            "POL", this_year, 4, "Domestic abuse referrals (re-audit)",
            "Force domestic abuse policy: a referral within 24 hours where a child lives in the household",
            40, "37 of 40 referrals within 24 hours, weekends included.",
            "The change is kept; the audit moves to yearly.",
        ),
        (
            "CSC", last_year, 9, "Voice of the child in assessments",
            "Practice standard 3: the child seen alone and their views recorded",
            25, "The child was seen alone in 17 of 25 assessments; views were recorded in 14.",
            "A prompt in the assessment form; supervision checks the child's views.",
        ),
        (
            "CSC", this_year, 3, "Strategy discussions: who attends",
            "Working Together: police, health and social care at every strategy discussion",
            30, "Health attended 19 of 30; the GP was invited in 8.", "",
        ),
        (
            "CSC", this_year, 7, "Quality of child protection plans",
            "Practice standard 5: plans are specific, measurable and reviewed",
            20, "12 of 20 plans had measurable outcomes.",
            "Plan-writing workshops for team managers; the template was rewritten.",
        ),
        (
            "NGH", this_year, 5, "Safeguarding supervision for midwives",
            "Trust supervision policy: quarterly safeguarding supervision",
            60, "44 of 60 midwives had supervision in the last quarter.",
            "Group supervision was added for community midwives.",
        ),
    ];
    for (prefix, year, month, topic, standard, sample, findings, changed) in audits {
        let Some(agency_id) = agency_ids.get(prefix) else {
            continue;
        };
        single_agency_audit::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            agency_id: Set(agency_id.clone()),
            topic: Set(topic.to_owned()),
            standard: Set(standard.to_owned()),
            sample_size: Set(sample),
            audited_on: Set(on(year, month, 15)?),
            findings: Set(findings.to_owned()),
            what_changed: Set(changed.to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(txn)
        .await?;
    }
    let mut sections: HashMap<i32, Vec<String>> = HashMap::new();
    for year in [last_year, this_year] {
        for (position, (title, guidance)) in DEFAULT_SECTIONS.iter().enumerate() {
            let id = uuid::Uuid::new_v4().to_string();
            qa_report_section::ActiveModel {
                id: Set(id.clone()),
                year: Set(year),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                title: Set((*title).to_owned()),
                guidance: Set((*guidance).to_owned()),
            }
            .insert(txn)
            .await?;
            sections.entry(year).or_default().push(id);
        }
    }
    let written = |prefix: &str| -> [String; 5] {
        [
            format!("{prefix}: two single-agency audits, monthly supervision checks and a case file audit of 20 cases."),
            "Referrals and plans were mostly timely; the child's voice was not always recorded.".to_owned(),
            "A prompt for the child's views in assessments; weekend referrals routed centrally.".to_owned(),
            "The re-audit showed improvement, and children's feedback was more often recorded.".to_owned(),
            "A re-audit of the child's voice and an audit of strategy discussion attendance.".to_owned(),
        ]
    };
    let reports: [(&str, i32, ReportStatus, i64); 5] = [
        ("POL", last_year, ReportStatus::Accepted, -300),
        ("CSC", last_year, ReportStatus::Accepted, -300),
        ("CSC", this_year, ReportStatus::Submitted, 30),
        ("POL", this_year, ReportStatus::Draft, 30),
        ("NGH", this_year, ReportStatus::Draft, 30),
    ];
    for (prefix, year, status, due_in) in reports {
        let Some(agency_id) = agency_ids.get(prefix) else {
            continue;
        };
        let id = uuid::Uuid::new_v4().to_string();
        let sent = status != ReportStatus::Draft;
        qa_report::ActiveModel {
            id: Set(id.clone()),
            year: Set(year),
            agency_id: Set(agency_id.clone()),
            status: Set(status.code().to_owned()),
            due_on: Set(today + chrono::Duration::days(due_in)),
            submitted_at: Set(sent.then_some(now - chrono::Duration::days(3))),
            decided_at: Set((status == ReportStatus::Accepted).then_some(now)),
            decided_by: Set(None),
            office_comment: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(txn)
        .await?;
        if !sent {
            continue;
        }
        let ids = sections.get(&year).cloned().unwrap_or_default();
        for (section_id, text) in ids.iter().zip(written(prefix)) {
            qa_report_answer::ActiveModel {
                report_id: Set(id.clone()),
                section_id: Set(section_id.clone()),
                text: Set(text),
                updated_by: Set(None),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

async fn seed_performance<C: ConnectionTrait>(
    txn: &C,
    agency_ids: &HashMap<&str, String>,
    user_ids: &HashMap<&str, String>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> AppResult<()> {
    let months = demo_months(today);
    for d in DEMO_INDICATORS {
        let id = uuid::Uuid::new_v4().to_string();
        let agency_id = match d.agency {
            Some(prefix) => Some(lookup(agency_ids, prefix)?.clone()),
            None => None,
        };
        indicator::ActiveModel {
            id: Set(id.clone()),
            name: Set(d.name.to_owned()),
            definition: Set(d.definition.to_owned()),
            unit: Set(d.unit.to_owned()),
            direction: Set(d.direction.code().to_owned()),
            target: Set(d.target),
            period: Set(ReportingPeriod::Month.code().to_owned()),
            agency_id: Set(agency_id),
            baseline_from: Set(months.first().cloned()),
            baseline_to: Set(months.get(11).cloned()),
            shift_run: Set(7),
            trend_run: Set(6),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(txn)
        .await?;
        let supplier = lookup(user_ids, d.supplier)?.clone();
        for (key, value) in months.iter().zip(d.values) {
            indicator_value::ActiveModel {
                id: Set(uuid::Uuid::new_v4().to_string()),
                indicator_id: Set(id.clone()),
                period: Set(key.clone()),
                value: Set(value),
                supplied_by: Set(Some(supplier.clone())),
                supplied_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

/// A demo child death review: (case number suffix, age band, category, modifiable
/// factors if any, learning, days after the year's 1 April of the panel).
type DemoDeath = (
    &'static str,
    AgeBand,
    DeathCategory,
    Option<&'static str>,
    &'static str,
    u64,
);

/// Last reporting year's reviewed deaths (a full year: small categories show suppression)
/// and the first of this year's.
const DEMO_DEATHS_LAST_YEAR: &[DemoDeath] = &[
    ("001", AgeBand::Neonatal, DeathCategory::PerinatalNeonatal, None, "Extreme prematurity; care followed the pathway throughout.", 20),
    ("002", AgeBand::Neonatal, DeathCategory::PerinatalNeonatal, None, "", 20),
    ("003", AgeBand::Neonatal, DeathCategory::PerinatalNeonatal, Some("Smoking in pregnancy; late booking for antenatal care."), "Midwives to offer smoking cessation referral at booking and again at 28 weeks.", 62),
    ("004", AgeBand::Neonatal, DeathCategory::PerinatalNeonatal, None, "", 62),
    ("005", AgeBand::Neonatal, DeathCategory::PerinatalNeonatal, None, "", 104),
    ("006", AgeBand::PostNeonatal, DeathCategory::ChromosomalGeneticCongenital, None, "Palliative care plan agreed with the family in good time.", 104),
    ("007", AgeBand::Neonatal, DeathCategory::ChromosomalGeneticCongenital, None, "", 146),
    ("008", AgeBand::PostNeonatal, DeathCategory::ChromosomalGeneticCongenital, None, "", 146),
    ("009", AgeBand::PostNeonatal, DeathCategory::ChromosomalGeneticCongenital, None, "", 188),
    ("010", AgeBand::OneToFour, DeathCategory::ChromosomalGeneticCongenital, None, "", 188),
    ("011", AgeBand::PostNeonatal, DeathCategory::SuddenUnexplained, Some("The baby slept on a sofa with a parent who had been drinking alcohol."), "Safer sleep advice is to be repeated by health visitors at every contact after a family moves home, and recorded.", 230),
    ("012", AgeBand::PostNeonatal, DeathCategory::SuddenUnexplained, Some("Smoking in the home; the baby slept prone."), "Safer sleep messages to be given to fathers and partners as well as mothers.", 272),
    ("013", AgeBand::FifteenToSeventeen, DeathCategory::SuicideSelfHarm, Some("Referral to child and adolescent mental health services was not followed up after a missed appointment."), "A missed first appointment for a young person referred after self-harm is followed up by a call, not a letter.", 272),
    ("014", AgeBand::TenToFourteen, DeathCategory::TraumaExternal, Some("The child was crossing a road with no crossing point on the route to school."), "Road safety review of the route to the secondary school shared with the highways authority.", 314),
    ("015", AgeBand::FiveToNine, DeathCategory::Malignancy, None, "", 314),
    ("016", AgeBand::OneToFour, DeathCategory::Infection, None, "Sepsis was recognised promptly; the parents praised the out-of-hours service.", 340),
];

const DEMO_DEATHS_THIS_YEAR: &[DemoDeath] = &[
    (
        "001",
        AgeBand::Neonatal,
        DeathCategory::PerinatalNeonatal,
        None,
        "",
        10,
    ),
    (
        "002",
        AgeBand::PostNeonatal,
        DeathCategory::SuddenUnexplained,
        Some(
            "Bed sharing after the parent had taken prescribed medication that causes drowsiness.",
        ),
        "Pharmacists to give safer sleep advice with sedating medication to parents of babies.",
        30,
    ),
];

async fn seed_child_deaths<C: ConnectionTrait>(
    txn: &C,
    user_ids: &HashMap<&str, String>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> AppResult<()> {
    let office = lookup(user_ids, "office@demo.example")?.clone();
    let current = reporting_year(today);
    for (year, deaths) in [
        (current - 1, DEMO_DEATHS_LAST_YEAR),
        (current, DEMO_DEATHS_THIS_YEAR),
    ] {
        let start = date(year, 4, 1)?;
        for (n, age_band, category, factors, learning, after) in deaths {
            let panel = start
                .checked_add_days(Days::new(*after))
                .filter(|d| *d <= today)
                .unwrap_or(today);
            child_death_review::ActiveModel {
                id: Set(uuid::Uuid::new_v4().to_string()),
                case_number: Set(format!("CDR-{year}-{n}")),
                age_band: Set(age_band.code().to_owned()),
                category: Set(category.code().to_owned()),
                modifiability: Set(match factors {
                    Some(_) => Modifiability::Identified,
                    None => Modifiability::NoneIdentified,
                }
                .code()
                .to_owned()),
                modifiable_factors: Set(factors.unwrap_or_default().to_owned()),
                learning: Set((*learning).to_owned()),
                panel_date: Set(panel),
                reporting_year: Set(reporting_year(panel)),
                recorded_by: Set(Some(office.clone())),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

/// The demo's ids by their readable keys (agency prefix, review reference, email).
struct DemoIds<'a> {
    agencies: &'a HashMap<&'a str, String>,
    reviews: &'a HashMap<&'a str, String>,
    users: &'a HashMap<&'a str, String>,
}

/// A demo learning event.
struct DemoEvent {
    title: &'static str,
    kind: LearningEventKind,
    /// Days before today (negative: planned, days ahead).
    days_ago: i64,
    audience: &'static str,
    reviews: &'static [&'static str],
    national_learning: &'static str,
    attendance: &'static [(&'static str, i32)],
    /// (email, score, comment)
    feedback: &'static [(&'static str, i32, &'static str)],
}

/// A year of training: Child D's and Child A's learning taken to practitioners, a
/// conference, a newsletter item, and a workshop being planned.
const DEMO_EVENTS: &[DemoEvent] = &[
    DemoEvent {
        title: "Learning from Child D: neglect and parental mental health",
        kind: LearningEventKind::Workshop,
        days_ago: 300,
        audience: "Health visitors, school nurses and children's social workers",
        reviews: &["SCR-2015-07"],
        national_learning: "",
        attendance: &[("CSC", 18), ("NHFT", 12), ("SCH", 9), ("POL", 4)],
        feedback: &[
            ("practitioner@demo.example", 5, "The case in brief made the drift in the plan real. I now ask who else is seeing the family."),
            ("reviewer@demo.example", 4, "Good use of the practice questions; more time for discussion next time."),
            ("health.rep@demo.example", 4, ""),
        ],
    },
    DemoEvent {
        title: "Seven-minute briefing: Child A",
        kind: LearningEventKind::Briefing,
        days_ago: 120,
        audience: "All frontline practitioners and their managers",
        reviews: &["SCR-2016-03"],
        national_learning: "",
        attendance: &[("CSC", 25), ("POL", 14), ("NGH", 10), ("NHFT", 8), ("SCH", 6), ("EMAS", 3)],
        feedback: &[
            ("police.rep@demo.example", 3, "Useful, but the briefing needed more on what police should share after a domestic abuse call-out."),
            ("practitioner@demo.example", 4, "Clear about escalation."),
        ],
    },
    DemoEvent {
        title: "Annual safeguarding conference: seeing the child in neglect",
        kind: LearningEventKind::Conference,
        days_ago: 40,
        audience: "Practitioners and managers from every partner agency",
        reviews: &["SCR-2015-07", "SCR-2016-03"],
        national_learning: "The national panel's review of child protection in England: multi-agency information sharing, and expertise in assessing risk within the household.",
        attendance: &[("CSC", 40), ("POL", 22), ("NGH", 15), ("KGH", 11), ("NHFT", 19), ("SCH", 30), ("COL", 6), ("VOL", 8)],
        feedback: &[
            ("health.rep@demo.example", 5, "The workshop on information sharing will change how we hand over to health visiting."),
            ("police.lead@demo.example", 4, ""),
            ("practitioner@demo.example", 2, "Too much in one day for school staff."),
        ],
    },
    DemoEvent {
        title: "Newsletter: safer sleep with sedating medication",
        kind: LearningEventKind::NewsletterItem,
        days_ago: 10,
        audience: "Designated safeguarding leads in schools and community pharmacists",
        reviews: &[],
        national_learning: "The national panel's review of sudden unexpected death in infancy: safer sleep advice when routines change.",
        attendance: &[],
        feedback: &[],
    },
    DemoEvent {
        title: "Bruising in babies who are not yet mobile",
        kind: LearningEventKind::Workshop,
        days_ago: -30,
        audience: "Midwives, health visitors, GPs and emergency department staff",
        reviews: &[],
        national_learning: "Local and national learning on bruising in non-mobile babies: every bruise is referred under the protocol.",
        attendance: &[],
        feedback: &[],
    },
];

async fn seed_learning_events<C: ConnectionTrait>(
    txn: &C,
    ids: &DemoIds<'_>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> AppResult<()> {
    let office = lookup(ids.users, "office@demo.example")?.clone();
    for e in DEMO_EVENTS {
        let id = uuid::Uuid::new_v4().to_string();
        learning_event::ActiveModel {
            id: Set(id.clone()),
            title: Set(e.title.to_owned()),
            kind: Set(e.kind.code().to_owned()),
            held_on: Set(today - chrono::Duration::days(e.days_ago)),
            audience: Set(e.audience.to_owned()),
            national_learning: Set(e.national_learning.to_owned()),
            recorded_by: Set(Some(office.clone())),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(txn)
        .await?;
        for reference in e.reviews {
            learning_event_review::ActiveModel {
                event_id: Set(id.clone()),
                review_id: Set(lookup(ids.reviews, reference)?.clone()),
            }
            .insert(txn)
            .await?;
        }
        for (prefix, attended) in e.attendance {
            learning_event_attendance::ActiveModel {
                event_id: Set(id.clone()),
                agency_id: Set(lookup(ids.agencies, prefix)?.clone()),
                attended: Set(*attended),
            }
            .insert(txn)
            .await?;
        }
        for (email, score, comment) in e.feedback {
            learning_event_feedback::ActiveModel {
                event_id: Set(id.clone()),
                user_id: Set(lookup(ids.users, email)?.clone()),
                score: Set(*score),
                comment: Set((*comment).to_owned()),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

/// The demo's two audits: last year's, finished, and this year's re-audit of its theme.
const LAST_AUDIT: &str = "MACA-1";
const THIS_AUDIT: &str = "MACA-2";
/// The demo audits' auditors (members of both).
const AUDIT_MEMBERS: &[(&str, ReviewRole)] = &[
    ("reviewer@demo.example", ReviewRole::LeadReviewer),
    ("police.rep@demo.example", ReviewRole::Member),
];

/// Grades per question for the demo audits: (question, agency, last year's cases, this
/// year's cases), one letter per case: G good, R requires improvement, I inadequate, N not
/// applicable, - not graded.
const DEMO_GRADES: &[(&str, &str, &str, &str)] = &[
    ("q-early-help-1", "CSC", "RIR", "GRG"),
    ("q-eha-1", "CSC", "IRI", "RGR"),
    ("q-harm-1", "CSC", "RIG", "GGR"),
    ("q-harm-1", "POL", "II-", "GR-"),
    ("q-harm-2", "POL", "RI-", "GG-"),
    ("q-referral-1", "POL", "IR-", "GG-"),
    ("q-thresholds-1", "CSC", "GRR", "GGG"),
    ("q-assessment-2", "CSC", "RIR", "RRG"),
    ("q-plan-1", "CSC", "NRI", "NGR"),
    ("q-voice-1", "CSC", "GRG", "RRG"),
    ("q-voice-1", "POL", "NR-", "RI-"),
    ("q-voice-2", "CSC", "RRI", "RIR"),
];

/// The demo's programme (last year's theme, this year's re-audit of it and one more), the
/// pool, and the two audits with their samples and grades: last year's returns submitted,
/// this year's children's social care return submitted and the police's still open.
async fn seed_case_audits<C: ConnectionTrait>(
    txn: &C,
    rc: &RequestContext,
    agency_ids: &HashMap<&str, String>,
    review_ids: &HashMap<&str, String>,
    user_ids: &HashMap<&str, String>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> AppResult<()> {
    use crate::entities::{
        audit_pool_member, audit_theme, case_audit, case_audit_auditor, case_audit_case,
        case_audit_grade, chronology_return,
    };
    let this_year = today.year();
    let missing = |what: &str| AppError::Internal(format!("demo {what}"));
    let agency = |p: &str| agency_ids.get(p).cloned().ok_or_else(|| missing(p));
    let person = |e: &str| user_ids.get(e).cloned().ok_or_else(|| missing(e));
    let auditors = [
        person("reviewer@demo.example")?,
        person("police.rep@demo.example")?,
    ];
    for user_id in &auditors {
        audit_pool_member::ActiveModel {
            user_id: Set(user_id.clone()),
            added_at: Set(now),
        }
        .insert(txn)
        .await?;
    }
    let theme = |year: i32, name: &str, month: u32, revisits: Option<String>| {
        let id = uuid::Uuid::new_v4().to_string();
        let row = audit_theme::ActiveModel {
            id: Set(id),
            year: Set(year),
            name: Set(name.to_owned()),
            terms_of_reference: Set("Children under five open to children's social care in the year, with police involvement; each agency's records from the first contact to the child protection plan.".to_owned()),
            question: Set("How well do agencies recognise and respond to neglect of pre-school children, from early help to the child protection plan?".to_owned()),
            planned_for: Set(NaiveDate::from_ymd_opt(year, month, 1)),
            revisits_id: Set(revisits),
            source_indicator_id: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        };
        async move { row.insert(txn).await }
    };
    let earlier = theme(this_year - 1, "Neglect of pre-school children", 6, None).await?;
    let later = theme(
        this_year,
        "Neglect of pre-school children: re-audit",
        today.month(),
        Some(earlier.id.clone()),
    )
    .await?;
    theme(this_year, "Disabled children", 11, None).await?;
    let samples: [(&str, &audit_theme::Model, [&str; 3], usize); 2] = [
        (
            LAST_AUDIT,
            &earlier,
            [
                "Case 1: Child A, aged 2",
                "Case 2: Child B, aged 4",
                "Case 3: Child C, aged 1",
            ],
            0,
        ),
        (
            THIS_AUDIT,
            &later,
            [
                "Case 1: Child E, aged 3",
                "Case 2: Child F, aged 2",
                "Case 3: Child G, aged 4",
            ],
            1,
        ),
    ];
    for (reference, theme, labels, column) in samples {
        let review_id = review_ids
            .get(reference)
            .cloned()
            .ok_or_else(|| missing(reference))?;
        case_audit::ActiveModel {
            review_id: Set(review_id.clone()),
            theme_id: Set(theme.id.clone()),
            version: Set(1),
            updated_at: Set(now),
        }
        .insert(txn)
        .await?;
        for user_id in &auditors {
            case_audit_auditor::ActiveModel {
                review_id: Set(review_id.clone()),
                user_id: Set(user_id.clone()),
                made_member: Set(false),
            }
            .insert(txn)
            .await?;
        }
        let mut case_ids = Vec::new();
        for (i, label) in labels.iter().enumerate() {
            let police_too = i < 2;
            let agencies: Vec<String> = if police_too {
                vec![agency("CSC")?, agency("POL")?]
            } else {
                vec![agency("CSC")?]
            };
            let id = uuid::Uuid::new_v4().to_string();
            case_audit_case::ActiveModel {
                id: Set(id.clone()),
                review_id: Set(review_id.clone()),
                position: Set(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                label: Set((*label).to_owned()),
                why_chosen: Set(if police_too {
                    "Open to early help, then a child protection plan for neglect; the police attended the family home.".to_owned()
                } else {
                    "A child protection plan for neglect without police involvement.".to_owned()
                }),
                agency_ids: Set(json_list(&agencies)),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
            case_ids.push(id);
        }
        for (question, prefix, then, now_grades) in DEMO_GRADES {
            let letters = if column == 0 { then } else { now_grades };
            for (i, letter) in letters.chars().enumerate() {
                let (code, evidence) = match letter {
                    'G' => (
                        "GOOD",
                        "Recorded and acted on promptly; shared with the other agencies.",
                    ),
                    'R' => (
                        "REQUIRES_IMPROVEMENT",
                        "Recorded, but acted on late or without the other agencies.",
                    ),
                    'I' => (
                        "INADEQUATE",
                        "Not recognised in the records, or not acted on.",
                    ),
                    'N' => ("NOT_APPLICABLE", ""),
                    _ => continue,
                };
                let Some(case_id) = case_ids.get(i) else {
                    continue;
                };
                case_audit_grade::ActiveModel {
                    review_id: Set(review_id.clone()),
                    case_id: Set(case_id.clone()),
                    agency_id: Set(agency(prefix)?),
                    question_id: Set((*question).to_owned()),
                    grade_code: Set(code.to_owned()),
                    evidence: Set(evidence.to_owned()),
                    updated_by: Set(None),
                    updated_at: Set(now),
                }
                .insert(txn)
                .await?;
            }
        }
        // The returns: both submitted last year; this year the police's is still open.
        let year = if column == 0 {
            this_year - 1
        } else {
            this_year
        };
        for prefix in ["CSC", "POL"] {
            let agency_id = agency(prefix)?;
            if column == 1 && prefix == "POL" {
                chronology_return::ActiveModel {
                    id: Set(uuid::Uuid::new_v4().to_string()),
                    review_id: Set(review_id.clone()),
                    agency_id: Set(agency_id),
                    status: Set("DRAFT".into()),
                    submitted_at: Set(None),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(txn)
                .await?;
                continue;
            }
            // Each entry names its case: each case's chronology is merged on its own (the
            // strategy discussion both agencies recorded for case 1 is one event; the police
            // report for case 2 has no children's social care record of receipt).
            let csv = if prefix == "CSC" {
                format!(
                    "Start Date,Start Time,Source of Information,Event Type,Event,Action Taken,Information Shared With,Case\n\
                     10/03/{year},,CSC-AUD-1,Home visit,Home visit; the child seen alone and the home conditions recorded,Referral considered,,Case 1\n\
                     14/03/{year},10:00,CSC-AUD-2,Strategy discussion,Strategy discussion with the police about bruising to the child's arm,Section 47 enquiry,POL,Case 1\n\
                     24/03/{year},,CSC-AUD-3,Assessment,Assessment started after the school raised the child's weight loss,Health visitor asked to weigh the child,,Case 2\n\
                     02/04/{year},,CSC-AUD-4,Child protection conference,Initial child protection conference; plan for neglect,Child protection plan,,Case 3\n"
                )
            } else {
                format!(
                    "Start Date,Start Time,Source of Information,Event Type,Event,Action Taken,Information Shared With,Case\n\
                     14/03/{year},10:15,POL-AUD-1,Strategy discussion,Strategy discussion with children's social care about bruising to the child's arm,Joint visit agreed,CSC,Case 1\n\
                     20/03/{year},,POL-AUD-2,Contact,Officers attended a report of shouting at the family home; the child was present,Report sent to children's social care,CSC,Case 2\n"
                )
            };
            crate::chronology::service::load_submitted_return(
                txn, rc, &review_id, &agency_id, &csv,
            )
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo's learning events pass the rules an event typed in must pass.
    #[test]
    fn demo_learning_events_are_valid() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        for e in DEMO_EVENTS {
            let draft = shared::training::LearningEventDraft {
                title: e.title.into(),
                kind: e.kind,
                held_on: today - chrono::Duration::days(e.days_ago),
                audience: e.audience.into(),
                review_ids: e.reviews.iter().map(|r| (*r).to_owned()).collect(),
                national_learning: e.national_learning.into(),
                attendance: e
                    .attendance
                    .iter()
                    .map(|(a, n)| ((*a).to_owned(), *n))
                    .collect(),
            };
            if let Err(p) = draft.validate(today) {
                panic!("{}: {p}", e.title);
            }
            for (_, score, comment) in e.feedback {
                let f = shared::training::FeedbackDraft {
                    score: *score,
                    comment: (*comment).to_owned(),
                };
                assert!(f.validate().is_ok(), "{}", e.title);
            }
        }
    }

    /// The demo's child death records pass the rules a record typed in must pass (no
    /// names or identifiers, modifiable factors only when identified).
    #[test]
    fn demo_child_deaths_are_valid_records() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        for (n, age_band, category, factors, learning, _) in
            DEMO_DEATHS_LAST_YEAR.iter().chain(DEMO_DEATHS_THIS_YEAR)
        {
            let draft = shared::child_deaths::ChildDeathDraft {
                case_number: format!("CDR-2025-{n}"),
                age_band: *age_band,
                category: *category,
                modifiability: if factors.is_some() {
                    Modifiability::Identified
                } else {
                    Modifiability::NoneIdentified
                },
                modifiable_factors: factors.unwrap_or_default().to_owned(),
                learning: (*learning).to_owned(),
                panel_date: today,
            };
            if let Err(e) = draft.validate(&[], today) {
                panic!("demo death {n}: {e}");
            }
        }
    }
    use shared::performance::spc::{chart, Assurance, SpcSettings, Variation};

    #[test]
    fn the_demo_dataset_has_one_hot_spot() {
        let charts: Vec<_> = DEMO_INDICATORS
            .iter()
            .map(|d| {
                chart(
                    &d.values,
                    0..12,
                    d.target,
                    d.direction,
                    &SpcSettings::default(),
                )
            })
            .collect();
        assert!(charts[0].is_hot_spot());
        assert_eq!(charts[0].variation, Variation::ConcernHigh);
        for c in &charts[1..] {
            assert!(!c.is_hot_spot());
            assert_eq!(c.variation, Variation::CommonCause);
        }
        assert_eq!(charts[1].assurance, Assurance::HitAndMiss);
        assert_eq!(charts[2].assurance, Assurance::HitAndMiss);
        assert_eq!(charts[3].assurance, Assurance::NotAssessed);
    }

    #[test]
    fn demo_months_end_last_month() {
        let months = demo_months(NaiveDate::from_ymd_opt(2026, 1, 15).expect("date"));
        assert_eq!(months.len(), 24);
        assert_eq!(months[0], "2024-01");
        assert_eq!(months[23], "2025-12");
    }
}
