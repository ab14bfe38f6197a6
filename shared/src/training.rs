//! Training and dissemination: the learning events that carry reviews' and audits' learning
//! to practitioners (workshops, briefings, conferences, e-learning, newsletter items), who
//! attended from which agency, and what attendees thought of them.
//!
//! - The business office records events; everyone signed in reads them (a training
//!   calendar is for the whole partnership) and, once an event has been held, each person
//!   may give one piece of feedback on it (a score from 1 to 5 and a comment), which they
//!   may change.
//! - Attendance is counted per agency: numbers, not names.
//! - Scores are summarised here ([`feedback_summary`]) so that the event page, the review
//!   page and the annual report read the same figures.

use crate::auth::Role;
use crate::reviews::vocabulary::vocabulary;
use crate::Problems;
use chrono::{Datelike, Months, NaiveDate};
use std::collections::HashSet;

/// The longest title.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest audience description.
pub const MAX_AUDIENCE_CHARS: usize = 500;
/// The longest text of national reviews' learning carried, or of a feedback comment.
pub const MAX_TEXT_CHARS: usize = 4000;
/// The most attendees counted for one agency at one event.
pub const MAX_ATTENDED: i32 = 100_000;
/// The most reviews one event may carry the learning of.
pub const MAX_REVIEWS: usize = 50;
/// The most agencies one event may count attendance for.
pub const MAX_AGENCIES: usize = 200;
/// The most events the platform keeps.
pub const MAX_EVENTS: u64 = 20_000;
/// The most feedback one event may have.
pub const MAX_FEEDBACK: u64 = 10_000;
/// The lowest and highest score.
pub const SCORES: std::ops::RangeInclusive<i32> = 1..=5;
/// The earliest event date accepted.
pub const EARLIEST_YEAR: i32 = 2000;
/// How far ahead an event may be planned.
pub const PLANNED_MONTHS_AHEAD: u32 = 24;
/// Who records and changes events.
pub const WRITERS: &[Role] = &[Role::BusinessOffice];
/// Who reads feedback comments (everyone reads the scores' summary).
pub const COMMENT_READERS: &[Role] = &[Role::BusinessOffice, Role::IndependentChair];

vocabulary! {
    /// The kinds of learning event.
    LearningEventKind {
        Workshop => ("WORKSHOP", "Workshop"),
        Briefing => ("BRIEFING", "Briefing"),
        Conference => ("CONFERENCE", "Conference"),
        ELearning => ("E_LEARNING", "E-learning"),
        NewsletterItem => ("NEWSLETTER_ITEM", "Newsletter item"),
    }
}

/// What each score means, lowest first.
pub const SCORE_LABELS: [&str; 5] = [
    "Not useful",
    "Of little use",
    "Useful",
    "Very useful",
    "Will change my practice",
];

/// The words for a score (1 to 5).
pub fn score_label(score: i32) -> &'static str {
    usize::try_from(score - 1)
        .ok()
        .and_then(|i| SCORE_LABELS.get(i))
        .copied()
        .unwrap_or("")
}

/// An event as the business office writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct LearningEventDraft {
    pub title: String,
    pub kind: LearningEventKind,
    pub held_on: NaiveDate,
    /// Who it was for ("Designated safeguarding leads in schools").
    pub audience: String,
    /// The reviews and audits whose learning it carried (ids; checked by the server).
    pub review_ids: Vec<String>,
    /// National reviews' learning it carried, in words (may be empty).
    pub national_learning: String,
    /// Attendance by agency (agency id, number attending); agencies with none left out.
    pub attendance: Vec<(String, i32)>,
}

impl LearningEventDraft {
    /// Checks every field, naming each one with a problem; trims the texts, drops agencies
    /// with nobody attending and repeated review ids. `today` bounds the date.
    pub fn validate(mut self, today: NaiveDate) -> Result<Self, Problems> {
        let mut p = Problems::new();
        self.title = p.text("title", &self.title, MAX_TITLE_CHARS);
        self.audience = p.text("audience", &self.audience, MAX_AUDIENCE_CHARS);
        let national = self.national_learning.trim();
        self.national_learning = if national.is_empty() {
            String::new()
        } else {
            p.long_text("nationalLearning", national, MAX_TEXT_CHARS)
        };
        if let Some(problem) = date_problem(self.held_on, today) {
            p.push("heldOn", problem);
        }
        if self.review_ids.len() > MAX_REVIEWS {
            p.push(
                "reviewIds",
                format!("must name at most {MAX_REVIEWS} reviews"),
            );
        }
        let mut seen = HashSet::new();
        self.review_ids.retain(|id| seen.insert(id.clone()));
        if self.attendance.len() > MAX_AGENCIES {
            p.push(
                "attendance",
                format!("must count at most {MAX_AGENCIES} agencies"),
            );
        }
        let mut agencies = HashSet::new();
        for (i, (agency, attended)) in self.attendance.iter().enumerate() {
            let field = format!("attendance[{i}].attended");
            if !(0..=MAX_ATTENDED).contains(attended) {
                p.push(field, format!("must be from 0 to {MAX_ATTENDED}"));
            }
            if !agencies.insert(agency.clone()) {
                p.push(
                    format!("attendance[{i}].agencyId"),
                    "names an agency counted already",
                );
            }
        }
        self.attendance.retain(|(_, n)| *n > 0);
        p.into_result().map(|()| self)
    }

    /// Everyone who attended, across agencies.
    pub fn attended(&self) -> i64 {
        self.attendance.iter().map(|(_, n)| i64::from(*n)).sum()
    }
}

/// What is wrong with an event date, if anything: from [`EARLIEST_YEAR`] to
/// [`PLANNED_MONTHS_AHEAD`] months from today.
pub fn date_problem(held_on: NaiveDate, today: NaiveDate) -> Option<String> {
    if held_on.year() < EARLIEST_YEAR {
        return Some(format!("must be in {EARLIEST_YEAR} or later"));
    }
    let latest = today
        .checked_add_months(Months::new(PLANNED_MONTHS_AHEAD))
        .unwrap_or(today);
    (held_on > latest).then(|| {
        format!("must be at most {PLANNED_MONTHS_AHEAD} months ahead (an event being planned)")
    })
}

/// Whether feedback may be given: the event has been held.
pub fn takes_feedback(held_on: NaiveDate, today: NaiveDate) -> bool {
    held_on <= today
}

/// A person's feedback as they write it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackDraft {
    pub score: i32,
    pub comment: String,
}

impl FeedbackDraft {
    pub fn validate(mut self) -> Result<Self, Problems> {
        let mut p = Problems::new();
        if !SCORES.contains(&self.score) {
            p.push(
                "score",
                format!("must be from {} to {}", SCORES.start(), SCORES.end()),
            );
        }
        let comment = self.comment.trim();
        self.comment = if comment.is_empty() {
            String::new()
        } else {
            p.long_text("comment", comment, MAX_TEXT_CHARS)
        };
        p.into_result().map(|()| self)
    }
}

/// The scores given to an event (or to several), summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackSummary {
    pub responses: u32,
    /// The mean score to one decimal place; none without responses.
    pub mean: Option<f64>,
    /// How many gave each score, 1 to 5.
    pub by_score: [u32; 5],
    /// The share (0 to 100, whole percent) scoring 4 or 5; none without responses.
    pub useful_percent: Option<u32>,
}

/// Summarises scores; a score outside 1 to 5 is not counted.
pub fn feedback_summary(scores: &[i32]) -> FeedbackSummary {
    let mut by_score = [0u32; 5];
    for s in scores {
        if let Some(slot) = usize::try_from(s - 1)
            .ok()
            .and_then(|i| by_score.get_mut(i))
        {
            *slot += 1;
        }
    }
    let responses: u32 = by_score.iter().sum();
    if responses == 0 {
        return FeedbackSummary {
            responses,
            mean: None,
            by_score,
            useful_percent: None,
        };
    }
    let total: u32 = by_score
        .iter()
        .zip(1u32..)
        .map(|(n, score)| n * score)
        .sum();
    let mean = (f64::from(total) / f64::from(responses) * 10.0).round() / 10.0;
    let useful = by_score[3] + by_score[4];
    let useful_percent = (useful * 100 + responses / 2) / responses;
    FeedbackSummary {
        responses,
        mean: Some(mean),
        by_score,
        useful_percent: Some(useful_percent),
    }
}

/// The first day of the quarter (January, April, July, October) `day` is in.
pub fn quarter_start(day: NaiveDate) -> NaiveDate {
    let month = (day.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn draft() -> LearningEventDraft {
        LearningEventDraft {
            title: "  Neglect: learning from Child D  ".into(),
            kind: LearningEventKind::Workshop,
            held_on: day(2026, 10, 1),
            audience: "Health visitors and school nurses".into(),
            review_ids: vec!["r1".into(), "r1".into(), "r2".into()],
            national_learning: " ".into(),
            attendance: vec![("a".into(), 12), ("b".into(), 0), ("c".into(), 3)],
        }
    }

    #[test]
    fn a_good_event_is_trimmed_and_tidied() {
        let d = draft().validate(day(2026, 12, 1)).unwrap();
        assert_eq!(d.title, "Neglect: learning from Child D");
        assert_eq!(d.review_ids, vec!["r1", "r2"]);
        assert_eq!(d.attendance, vec![("a".into(), 12), ("c".into(), 3)]);
        assert_eq!(d.attended(), 15);
        assert_eq!(d.national_learning, "");
    }

    #[test]
    fn every_problem_is_named() {
        let mut d = draft();
        d.title = String::new();
        d.audience = "x".repeat(MAX_AUDIENCE_CHARS + 1);
        d.held_on = day(2031, 1, 1);
        d.attendance = vec![("a".into(), -1), ("a".into(), 2)];
        d.review_ids = (0..=MAX_REVIEWS).map(|i| i.to_string()).collect();
        let fields: Vec<String> = d
            .validate(day(2026, 12, 1))
            .unwrap_err()
            .0
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                "title",
                "audience",
                "heldOn",
                "reviewIds",
                "attendance[0].attended",
                "attendance[1].agencyId"
            ]
        );
    }

    #[test]
    fn dates_are_bounded_both_ways() {
        let today = day(2026, 12, 7);
        assert!(date_problem(day(1999, 12, 31), today).is_some());
        assert!(date_problem(day(2028, 12, 7), today).is_none());
        assert!(date_problem(day(2028, 12, 8), today).is_some());
        assert!(takes_feedback(today, today));
        assert!(!takes_feedback(day(2026, 12, 8), today));
    }

    #[test]
    fn feedback_is_bounded() {
        let ok = FeedbackDraft {
            score: 5,
            comment: "  Clear  ".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(ok.comment, "Clear");
        for score in [0, 6, -3] {
            let p = FeedbackDraft {
                score,
                comment: String::new(),
            }
            .validate()
            .unwrap_err();
            assert_eq!(p.0[0].field, "score");
        }
        let long = FeedbackDraft {
            score: 3,
            comment: "x".repeat(MAX_TEXT_CHARS + 1),
        };
        assert_eq!(long.validate().unwrap_err().0[0].field, "comment");
    }

    #[test]
    fn scores_are_summarised() {
        let none = feedback_summary(&[]);
        assert_eq!(none.responses, 0);
        assert_eq!(none.mean, None);
        assert_eq!(none.useful_percent, None);
        let s = feedback_summary(&[5, 4, 4, 2, 1, 9]);
        assert_eq!(s.responses, 5);
        assert_eq!(s.by_score, [1, 1, 0, 2, 1]);
        assert_eq!(s.mean, Some(3.2));
        assert_eq!(s.useful_percent, Some(60));
        assert_eq!(feedback_summary(&[4, 4, 5]).mean, Some(4.3));
        assert_eq!(feedback_summary(&[1, 2, 4]).useful_percent, Some(33));
    }

    #[test]
    fn quarters_start_on_the_first_of_their_month() {
        assert_eq!(quarter_start(day(2026, 12, 7)), day(2026, 10, 1));
        assert_eq!(quarter_start(day(2026, 1, 1)), day(2026, 1, 1));
        assert_eq!(quarter_start(day(2026, 6, 30)), day(2026, 4, 1));
        assert_eq!(score_label(5), "Will change my practice");
        assert_eq!(score_label(0), "");
    }
}
