//! The annual Section 11 self-assessment (Children Act 2004, section 11): each agency rates
//! itself against the partnership's standards for the year, with evidence, submits, and the
//! business office scrutinises. Pure rules: the vocabulary, who may do what, the checks on
//! what is written, and how last year's answers carry forward.

use crate::actions::{LearningKind, LearningPointDraft, LearningScope};
use crate::auth::{Actor, Role};
use crate::reviews::vocabulary::vocabulary;
use crate::validation::clipped;
use crate::Problems;

/// The longest title of a standard.
pub const MAX_TITLE: usize = 200;
/// The longest description of a standard, or of the evidence expected.
pub const MAX_DESCRIPTION: usize = 4_000;
/// The longest evidence an agency writes for one standard.
pub const MAX_EVIDENCE: usize = 10_000;
/// The longest "what would make it green".
pub const MAX_TO_GREEN: usize = 4_000;
/// The most links to evidence one answer carries.
pub const MAX_LINKS: usize = 10;
/// The longest address of a link to evidence.
pub const MAX_LINK_URL: usize = 2_000;
/// The longest description of a link to evidence.
pub const MAX_LINK_LABEL: usize = 200;
/// The longest comment of the office returning an assessment.
pub const MAX_COMMENT: usize = 4_000;
/// The longest challenge question, or response to one.
pub const MAX_CHALLENGE: usize = 4_000;
/// The most challenge questions on one assessment (every return included).
pub const MAX_CHALLENGES: usize = 200;
/// The most standards in a year's tool.
pub const MAX_STANDARDS: usize = 40;
/// The years a tool may be for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

vocabulary! {
    /// How an agency rates itself against a standard.
    Rating {
        Red => ("RED", "Red: not met"),
        Amber => ("AMBER", "Amber: partly met"),
        Green => ("GREEN", "Green: met"),
    }
}

vocabulary! {
    /// Where an agency's assessment for a year stands.
    AssessmentStatus {
        Draft => ("DRAFT", "Being written"),
        Submitted => ("SUBMITTED", "Submitted"),
        Returned => ("RETURNED", "Returned with comments"),
        Accepted => ("ACCEPTED", "Accepted"),
    }
}

impl AssessmentStatus {
    /// The agency may change its answers: while it writes them, or after they came back.
    pub fn editable(self) -> bool {
        matches!(self, AssessmentStatus::Draft | AssessmentStatus::Returned)
    }
}

/// Who writes an agency's assessment: its agency leads (and the business office, who may
/// help an agency enter it).
pub fn writes(actor: &Actor, agency_id: &str) -> bool {
    actor.has(Role::BusinessOffice)
        || (actor.has(Role::AgencyLead) && actor.agency_id.as_deref() == Some(agency_id))
}

/// Who scrutinises submitted assessments (accepts or returns them, asks and withdraws
/// challenge questions): the business office.
pub fn scrutinises(actor: &Actor) -> bool {
    actor.has(Role::BusinessOffice)
}

/// Who reads an agency's assessment: the business office and the chair read every one;
/// an agency's own staff read theirs.
pub fn reads(actor: &Actor, agency_id: &str) -> bool {
    actor.has_any(&[Role::BusinessOffice, Role::IndependentChair])
        || (actor.agency_id.as_deref() == Some(agency_id)
            && actor.has_any(&[Role::AgencyLead, Role::AgencyRepresentative]))
}

/// One standard of a year's tool, as the office writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardDraft {
    pub title: String,
    pub description: String,
    pub evidence_expected: String,
}

fn bounded(p: &mut Problems, field: String, text: &str, max: usize, required: bool) {
    if required && text.trim().is_empty() {
        p.push(field, "must not be empty");
    } else if text.chars().count() > max {
        p.push(field, format!("must be at most {max} characters"));
    }
}

/// Checks a year's tool: the year, at least one standard and at most [`MAX_STANDARDS`],
/// each titled, titles unique. Fields are `year` and `standards.{i}.{title|description|
/// evidenceExpected}`. Answers the drafts trimmed.
pub fn check_standards(
    year: i32,
    drafts: Vec<StandardDraft>,
) -> Result<Vec<StandardDraft>, Problems> {
    let mut p = Problems::new();
    if !YEARS.contains(&year) {
        p.push("year", "must be a year between 2000 and 2100");
    }
    if drafts.is_empty() {
        p.push("standards", "must have at least one standard");
    }
    if drafts.len() > MAX_STANDARDS {
        p.push(
            "standards",
            format!("must have at most {MAX_STANDARDS} standards"),
        );
    }
    let drafts: Vec<StandardDraft> = drafts
        .into_iter()
        .map(|d| StandardDraft {
            title: d.title.trim().to_owned(),
            description: d.description.trim().to_owned(),
            evidence_expected: d.evidence_expected.trim().to_owned(),
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    for (i, d) in drafts.iter().enumerate() {
        bounded(
            &mut p,
            format!("standards.{i}.title"),
            &d.title,
            MAX_TITLE,
            true,
        );
        bounded(
            &mut p,
            format!("standards.{i}.description"),
            &d.description,
            MAX_DESCRIPTION,
            false,
        );
        bounded(
            &mut p,
            format!("standards.{i}.evidenceExpected"),
            &d.evidence_expected,
            MAX_DESCRIPTION,
            false,
        );
        if !d.title.is_empty() && !seen.insert(d.title.to_lowercase()) {
            p.push(
                format!("standards.{i}.title"),
                "is the same as another standard's",
            );
        }
    }
    p.into_result().map(|()| drafts)
}

/// One answer as the agency writes it (any part may still be missing while it drafts).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AnswerDraft {
    pub rating: Option<Rating>,
    pub evidence: String,
    pub to_green: String,
    /// Links to the evidence (policies, audits, figures on the agency's own systems).
    pub links: Vec<EvidenceLink>,
}

/// A link to evidence: its address (http or https) and what it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EvidenceLink {
    pub url: String,
    pub label: String,
}

/// Reads links typed one per line: the address, then (after a space) what it is. Blank
/// lines are skipped; nothing is checked here ([`check_answer`] does).
pub fn parse_links(text: &str) -> Vec<EvidenceLink> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| match line.split_once(char::is_whitespace) {
            Some((url, label)) => EvidenceLink {
                url: url.to_owned(),
                label: label.trim().to_owned(),
            },
            None => EvidenceLink {
                url: line.to_owned(),
                label: String::new(),
            },
        })
        .collect()
}

/// Links as [`parse_links`] reads them back, one per line.
pub fn link_lines(links: &[EvidenceLink]) -> String {
    links
        .iter()
        .map(|l| {
            if l.label.is_empty() {
                l.url.clone()
            } else {
                format!("{} {}", l.url, l.label)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a link says: its description, or its address when it has none.
pub fn link_text(link: &EvidenceLink) -> &str {
    if link.label.is_empty() {
        &link.url
    } else {
        &link.label
    }
}

/// Whether `url` is a web address a browser opens as a page: `http://` or `https://`, a
/// host, and no spaces or control characters (so never `javascript:` or `data:`).
fn is_web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !host.starts_with(':')
    }) && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Checks one answer while drafting: only the lengths. Fields `evidence`, `toGreen`.
pub fn check_answer(draft: AnswerDraft) -> Result<AnswerDraft, Problems> {
    let mut p = Problems::new();
    let draft = AnswerDraft {
        rating: draft.rating,
        evidence: draft.evidence.trim().to_owned(),
        to_green: draft.to_green.trim().to_owned(),
        links: draft
            .links
            .into_iter()
            .map(|l| EvidenceLink {
                url: l.url.trim().to_owned(),
                label: l.label.trim().to_owned(),
            })
            .collect(),
    };
    if draft.links.len() > MAX_LINKS {
        p.push("links", format!("at most {MAX_LINKS} links to evidence"));
    }
    for (i, link) in draft.links.iter().enumerate().take(MAX_LINKS) {
        if link.url.chars().count() > MAX_LINK_URL {
            p.push(
                format!("links.{i}.url"),
                format!("must be at most {MAX_LINK_URL} characters"),
            );
        } else if !is_web_address(&link.url) {
            p.push(
                format!("links.{i}.url"),
                "must be a web address starting https:// or http://",
            );
        }
        bounded(
            &mut p,
            format!("links.{i}.label"),
            &link.label,
            MAX_LINK_LABEL,
            false,
        );
    }
    bounded(
        &mut p,
        "evidence".into(),
        &draft.evidence,
        MAX_EVIDENCE,
        false,
    );
    bounded(
        &mut p,
        "toGreen".into(),
        &draft.to_green,
        MAX_TO_GREEN,
        false,
    );
    p.into_result().map(|()| draft)
}

/// Checks a whole assessment before it is submitted: every standard rated with evidence,
/// a red or amber rating says what would make it green, and every challenge question of
/// the business office has a response. `answers` are in the order of the standards (`None`
/// for a standard not answered), `challenges_answered` in the order the challenges were
/// asked; fields are `answers.{i}.{rating|evidence|toGreen}` and `challenges.{i}.response`.
pub fn check_submission(
    answers: &[Option<AnswerDraft>],
    challenges_answered: &[bool],
) -> Result<(), Problems> {
    let mut p = Problems::new();
    for (i, a) in answers.iter().enumerate() {
        let a = a.clone().unwrap_or_default();
        match a.rating {
            None => p.push(format!("answers.{i}.rating"), "choose red, amber or green"),
            Some(Rating::Red | Rating::Amber) if a.to_green.is_empty() => p.push(
                format!("answers.{i}.toGreen"),
                "say what would make it green",
            ),
            Some(_) => {}
        }
        if a.evidence.is_empty() {
            p.push(format!("answers.{i}.evidence"), "give the evidence");
        }
    }
    for (i, answered) in challenges_answered.iter().enumerate() {
        if !answered {
            p.push(
                format!("challenges.{i}.response"),
                "respond to the business office's challenge",
            );
        }
    }
    p.into_result()
}

/// Checks a challenge question (field `question`) or an agency's response to one (field
/// `response`): not empty, at most [`MAX_CHALLENGE`] characters. Answers it trimmed.
pub fn check_challenge_text(field: &str, text: &str) -> Result<String, Problems> {
    let mut p = Problems::new();
    bounded(&mut p, field.to_owned(), text.trim(), MAX_CHALLENGE, true);
    p.into_result().map(|()| text.trim().to_owned())
}

/// The office's decision on a submitted assessment: accepted, or returned for the agency
/// to look at again. Returning needs a comment or a challenge question asked in this
/// scrutiny (`open_challenges`, those not yet responded to); accepting needs none to be
/// open (withdraw them, or return the assessment). Fields `comment` and `challenges`.
pub fn check_decision(
    accept: bool,
    comment: &str,
    open_challenges: usize,
) -> Result<AssessmentStatus, Problems> {
    let mut p = Problems::new();
    let comment = comment.trim();
    if !accept && comment.is_empty() && open_challenges == 0 {
        p.push(
            "comment",
            "say what the agency should look at again, or ask a challenge question on a standard",
        );
    }
    if accept && open_challenges > 0 {
        p.push(
            "challenges",
            format!(
                "{open_challenges} challenge {} not been answered: return the assessment so the agency can respond, or withdraw {}",
                if open_challenges == 1 { "question has" } else { "questions have" },
                if open_challenges == 1 { "it" } else { "them" },
            ),
        );
    }
    if comment.chars().count() > MAX_COMMENT {
        p.push(
            "comment",
            format!("must be at most {MAX_COMMENT} characters"),
        );
    }
    p.into_result().map(|()| {
        if accept {
            AssessmentStatus::Accepted
        } else {
            AssessmentStatus::Returned
        }
    })
}

/// Which of last year's standards a standard of this year carries forward from: the one
/// with the same title (ignoring case and spaces), else none.
pub fn carried_from<'a>(title: &str, last_year: &'a [(String, String)]) -> Option<&'a str> {
    let key = |t: &str| {
        t.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let wanted = key(title);
    last_year
        .iter()
        .find(|(_, t)| key(t) == wanted)
        .map(|(id, _)| id.as_str())
}

/// The standards the demo's tool is built on: the duties of section 11 of the Children Act
/// 2004, as the statutory guidance sets them out.
pub const DEMO_STANDARDS: &[(&str, &str, &str)] = &[
    (
        "Senior management commitment",
        "Senior managers show commitment to safeguarding and promoting the welfare of children.",
        "Board minutes, the safeguarding policy signed off by the chief officer, an annual report to the board.",
    ),
    (
        "Clear statement of responsibilities",
        "A clear statement of the agency's responsibilities towards children is available to all staff.",
        "The safeguarding policy and where staff find it; induction material.",
    ),
    (
        "A designated lead",
        "A named senior lead for safeguarding, with the time, training and authority to do the role.",
        "Job description, time allocated, the lead's training record.",
    ),
    (
        "The voice of the child",
        "Services are informed by children's views and experiences.",
        "Consultation with children, changes made as a result, case file audit findings.",
    ),
    (
        "Safer recruitment",
        "Safer recruitment and vetting, and allegations against staff managed as the LADO procedures say.",
        "Recruitment policy, DBS checks audit, referrals to the LADO.",
    ),
    (
        "Training",
        "Staff have safeguarding training at the level their role needs, refreshed as required.",
        "Training needs analysis, completion rates by level, evaluation.",
    ),
    (
        "Multi-agency working",
        "The agency works with others: it attends strategy discussions, conferences and core groups and takes part in reviews and audits.",
        "Attendance figures, contributions to reviews and audits.",
    ),
    (
        "Information sharing",
        "Information is shared with other agencies promptly and appropriately, and staff know how.",
        "The information sharing protocol, audit of referrals, timeliness figures.",
    ),
];

/// The most actions an agency plans against one standard in one assessment.
pub const MAX_ACTIONS_PER_STANDARD: usize = crate::actions::plans::MAX_ACTIONS_PER_SOURCE;

/// The learning point an agency's actions against one standard answer, with the
/// recommendation they share: the standard (numbered as the tool numbers it), the agency,
/// and what would make it green, so the action plan says where each action comes from.
pub fn plan_learning(
    year: i32,
    agency_name: &str,
    number: usize,
    standard_title: &str,
    to_green: &str,
) -> (LearningPointDraft, String) {
    let title = clipped(
        &format!("Section 11 {year}, standard {number}: {standard_title} ({agency_name})"),
        crate::actions::input::MAX_TITLE,
    );
    let mut detail = format!(
        "From {agency_name}'s Section 11 self-assessment {year}, standard {number}: {standard_title}."
    );
    let to_green = to_green.trim();
    if !to_green.is_empty() {
        detail.push_str("\n\nWhat would make it green: ");
        detail.push_str(to_green);
    }
    let recommendation = clipped(
        &format!("{agency_name} meets standard {number} ({standard_title}) in full."),
        crate::actions::input::MAX_RECOMMENDATION,
    );
    let draft = LearningPointDraft {
        title,
        detail: Some(clipped(&detail, crate::actions::input::MAX_TEXT)),
        scope: LearningScope::SingleAgency,
        kind: Some(LearningKind::NeedsImprovement),
        themes: vec!["Section 11".to_owned()],
        entry_ids: Vec::new(),
        duplicate_group_keys: Vec::new(),
    };
    (draft, recommendation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(roles: &[Role], agency: Option<&str>) -> Actor {
        Actor {
            user_id: "u".into(),
            agency_id: agency.map(Into::into),
            roles: roles.to_vec(),
        }
    }

    fn standard(title: &str) -> StandardDraft {
        StandardDraft {
            title: title.into(),
            description: String::new(),
            evidence_expected: String::new(),
        }
    }

    #[test]
    fn agency_leads_write_their_own_agencys_and_the_office_any() {
        let lead = actor(&[Role::AgencyLead], Some("pol"));
        assert!(writes(&lead, "pol"));
        assert!(!writes(&lead, "csc"));
        let rep = actor(&[Role::AgencyRepresentative], Some("pol"));
        assert!(!writes(&rep, "pol"));
        assert!(reads(&rep, "pol"));
        assert!(!reads(&rep, "csc"));
        assert!(writes(&actor(&[Role::BusinessOffice], None), "csc"));
        let chair = actor(&[Role::IndependentChair], None);
        assert!(reads(&chair, "csc") && !writes(&chair, "csc"));
        assert!(!reads(&actor(&[Role::Practitioner], Some("pol")), "pol"));
    }

    #[test]
    fn a_tool_needs_titled_distinct_standards_in_a_real_year() {
        assert!(check_standards(2026, vec![standard(" Training ")]).is_ok());
        let p = check_standards(1999, vec![]).expect_err("bad");
        let fields: Vec<&str> = p.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["year", "standards"]);
        let p = check_standards(
            2026,
            vec![standard("Training"), standard(" training"), standard("")],
        )
        .expect_err("bad");
        let fields: Vec<&str> = p.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["standards.1.title", "standards.2.title"]);
        let many = (0..=MAX_STANDARDS)
            .map(|i| standard(&format!("S{i}")))
            .collect();
        assert!(check_standards(2026, many).is_err());
    }

    #[test]
    fn a_submission_is_rated_with_evidence_and_says_what_would_make_it_green() {
        let green = AnswerDraft {
            rating: Some(Rating::Green),
            evidence: "Board minutes".into(),
            to_green: String::new(),
            links: Vec::new(),
        };
        let amber = AnswerDraft {
            rating: Some(Rating::Amber),
            evidence: "Partly".into(),
            to_green: String::new(),
            links: Vec::new(),
        };
        assert!(check_submission(&[Some(green.clone())], &[true]).is_ok());
        let p =
            check_submission(&[Some(green), Some(amber), None], &[true, false]).expect_err("bad");
        let fields: Vec<&str> = p.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "answers.1.toGreen",
                "answers.2.rating",
                "answers.2.evidence",
                "challenges.1.response",
            ]
        );
    }

    #[test]
    fn returning_needs_a_comment_or_a_challenge_and_accepting_needs_none_open() {
        assert_eq!(check_decision(true, "", 0), Ok(AssessmentStatus::Accepted));
        assert_eq!(
            check_decision(false, "Say how training is checked.", 0),
            Ok(AssessmentStatus::Returned)
        );
        assert!(check_decision(false, "  ", 0).is_err());
        assert_eq!(check_decision(false, "", 2), Ok(AssessmentStatus::Returned));
        let open = check_decision(true, "Fine", 1).expect_err("an open challenge");
        assert_eq!(open.0[0].field, "challenges");
        assert!(open.0[0]
            .message
            .contains("1 challenge question has not been answered"));
        assert!(check_answer(AnswerDraft {
            rating: None,
            evidence: "x".repeat(MAX_EVIDENCE + 1),
            to_green: String::new(),
            links: Vec::new(),
        })
        .is_err());
    }

    #[test]
    fn links_to_evidence_are_web_addresses_read_one_per_line_and_bounded() {
        let typed = "  https://intranet.example/policy.pdf   Safeguarding policy 2026 \n\nhttp://figures.example/q3\njavascript:alert(1) Click\nhttps:// nothing\nftp://files.example/a";
        let links = parse_links(typed);
        assert_eq!(links.len(), 5);
        assert_eq!(
            links[0],
            EvidenceLink {
                url: "https://intranet.example/policy.pdf".into(),
                label: "Safeguarding policy 2026".into()
            }
        );
        assert_eq!(link_text(&links[1]), "http://figures.example/q3");
        assert_eq!(
            parse_links(&link_lines(&links)),
            links,
            "written back as typed"
        );
        let answer = |links: Vec<EvidenceLink>| AnswerDraft {
            rating: None,
            evidence: String::new(),
            to_green: String::new(),
            links,
        };
        let refused = check_answer(answer(links.clone())).expect_err("bad links");
        let fields: Vec<&str> = refused.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["links.2.url", "links.3.url", "links.4.url"]);
        let fine = check_answer(answer(links[..2].to_vec())).expect("two good links");
        assert_eq!(fine.links.len(), 2);
        for bad in [
            "https://",
            "https://:80/x",
            "HTTPS://ok.example/a\u{7}",
            "data:text/html,x",
        ] {
            let one = vec![EvidenceLink {
                url: bad.into(),
                label: String::new(),
            }];
            assert!(check_answer(answer(one)).is_err(), "{bad:?}");
        }
        assert!(check_answer(answer(vec![EvidenceLink {
            url: "HTTPS://Ok.Example/A".into(),
            label: String::new()
        }]))
        .is_ok());
        let many = vec![links[0].clone(); MAX_LINKS + 1];
        let over = check_answer(answer(many)).expect_err("too many");
        assert_eq!(over.0[0].field, "links");
        let long = vec![EvidenceLink {
            url: links[0].url.clone(),
            label: "x".repeat(MAX_LINK_LABEL + 1),
        }];
        assert_eq!(
            check_answer(answer(long)).expect_err("long").0[0].field,
            "links.0.label"
        );
    }

    #[test]
    fn challenges_are_written_and_bounded() {
        assert_eq!(
            check_challenge_text("question", "  How is it checked? "),
            Ok("How is it checked?".to_owned())
        );
        assert_eq!(
            check_challenge_text("response", " ").expect_err("empty").0[0].field,
            "response"
        );
        assert!(check_challenge_text("question", &"x".repeat(MAX_CHALLENGE + 1)).is_err());
        assert!(check_challenge_text("question", &"é".repeat(MAX_CHALLENGE)).is_ok());
    }

    #[test]
    fn answers_carry_forward_to_the_standard_with_the_same_title() {
        let last = vec![
            ("a".to_string(), "Safer recruitment".to_string()),
            ("b".to_string(), "Training".to_string()),
        ];
        assert_eq!(carried_from("safer  Recruitment", &last), Some("a"));
        assert_eq!(carried_from("Information sharing", &last), None);
    }

    #[test]
    fn only_draft_and_returned_assessments_are_editable() {
        assert!(AssessmentStatus::Draft.editable());
        assert!(AssessmentStatus::Returned.editable());
        assert!(!AssessmentStatus::Submitted.editable());
        assert!(!AssessmentStatus::Accepted.editable());
    }

    #[test]
    fn a_standards_actions_say_where_they_come_from_within_the_plans_bounds() {
        let (draft, recommendation) = plan_learning(
            2026,
            "Police",
            3,
            "Safer recruitment",
            "  Audit the files.  ",
        );
        assert_eq!(
            draft.title,
            "Section 11 2026, standard 3: Safer recruitment (Police)"
        );
        let detail = draft.detail.clone().unwrap_or_default();
        assert!(detail.ends_with("What would make it green: Audit the files."));
        assert!(recommendation.contains("standard 3"));
        assert!(
            draft.clone().validate(None).is_ok(),
            "a plan learning point is valid"
        );
        let long = "x".repeat(5_000);
        let (draft, recommendation) = plan_learning(2026, &long, 1, &long, &long);
        assert_eq!(
            draft.title.chars().count(),
            crate::actions::input::MAX_TITLE
        );
        assert!(draft.title.ends_with('\u{2026}'));
        assert!(recommendation.chars().count() <= crate::actions::input::MAX_RECOMMENDATION);
        assert!(
            draft.validate(None).is_ok(),
            "clipped to the bounds, never refused"
        );
    }
}
