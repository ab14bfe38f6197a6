//! The learning summary template (the framework's Appendix 1): its fields, in the order the
//! framework lists them, and what each may hold.
//!
//! While a summary is a draft any field may be left blank; a field's text is trimmed, the
//! two short fields (date completed, month/year of incident) are one line, and the others
//! may run to several paragraphs.

use crate::reviews::vocabulary::vocabulary;
use crate::validation::Problems;

vocabulary! {
    /// One field of the learning summary, in the framework's order.
    SummaryField {
        DateCompleted => ("DATE_COMPLETED", "Date completed"),
        ReviewTypeAndPurpose => ("REVIEW_TYPE_AND_PURPOSE", "Type of review and overall purpose (methodology, chairing/authoring, how cases were selected)"),
        IncidentMonth => ("INCIDENT_MONTH", "Month/year of incident"),
        CaseLearning => ("CASE_LEARNING", "What was learnt about the case (key themes, early learning, good practice)"),
        MethodologyLearning => ("METHODOLOGY_LEARNING", "What was learnt about the review methodology"),
        SingleAgencyLearning => ("SINGLE_AGENCY_LEARNING", "Key learning points: single agency"),
        MultiAgencyLearning => ("MULTI_AGENCY_LEARNING", "Key learning points: multi-agency"),
        HowChangesWillBeMade => ("HOW_CHANGES_WILL_BE_MADE", "How changes will be made (who is doing what)"),
        HowImpactWillBeAudited => ("HOW_IMPACT_WILL_BE_AUDITED", "How impact will be audited"),
        OtherComments => ("OTHER_COMMENTS", "Other comments"),
    }
}

/// The most a short field (date completed, month/year of incident) holds, in characters.
pub const MAX_SHORT: usize = 100;
/// The most any other field holds, in characters (about eight pages of prose).
pub const MAX_LONG: usize = 20_000;

impl SummaryField {
    /// The field's name in forms and in the problems reported on it (camelCase, as the
    /// API's other input fields are named).
    pub fn key(self) -> &'static str {
        match self {
            SummaryField::DateCompleted => "dateCompleted",
            SummaryField::ReviewTypeAndPurpose => "reviewTypeAndPurpose",
            SummaryField::IncidentMonth => "incidentMonth",
            SummaryField::CaseLearning => "caseLearning",
            SummaryField::MethodologyLearning => "methodologyLearning",
            SummaryField::SingleAgencyLearning => "singleAgencyLearning",
            SummaryField::MultiAgencyLearning => "multiAgencyLearning",
            SummaryField::HowChangesWillBeMade => "howChangesWillBeMade",
            SummaryField::HowImpactWillBeAudited => "howImpactWillBeAudited",
            SummaryField::OtherComments => "otherComments",
        }
    }

    /// The field whose key this is.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.key() == key)
    }

    /// Date completed and month/year of incident are one short line; the rest is prose.
    pub fn is_short(self) -> bool {
        matches!(
            self,
            SummaryField::DateCompleted | SummaryField::IncidentMonth
        )
    }

    /// The most the field holds, in characters.
    pub fn max_chars(self) -> usize {
        if self.is_short() {
            MAX_SHORT
        } else {
            MAX_LONG
        }
    }
}

/// Checks what was typed into one field. Blank text clears the field (`None`): a draft may
/// be saved half written. Otherwise the text comes back trimmed, if it fits the field and
/// has no control characters (line breaks and tabs are allowed in the long fields only).
/// Problems name the field by its [`SummaryField::key`].
pub fn check_field(field: SummaryField, text: &str) -> Result<Option<String>, Problems> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let mut p = Problems::new();
    let checked = if field.is_short() {
        p.text(field.key(), text, field.max_chars())
    } else {
        p.long_text(field.key(), text, field.max_chars())
    };
    p.into_result().map(|()| Some(checked))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn fields_come_in_the_frameworks_order() {
        let codes: Vec<&str> = SummaryField::ALL.iter().map(|f| f.code()).collect();
        assert_eq!(
            codes,
            [
                "DATE_COMPLETED",
                "REVIEW_TYPE_AND_PURPOSE",
                "INCIDENT_MONTH",
                "CASE_LEARNING",
                "METHODOLOGY_LEARNING",
                "SINGLE_AGENCY_LEARNING",
                "MULTI_AGENCY_LEARNING",
                "HOW_CHANGES_WILL_BE_MADE",
                "HOW_IMPACT_WILL_BE_AUDITED",
                "OTHER_COMMENTS",
            ]
        );
        assert_eq!(
            SummaryField::IncidentMonth.label(),
            "Month/year of incident"
        );
        assert_eq!(
            SummaryField::ReviewTypeAndPurpose.label(),
            "Type of review and overall purpose (methodology, chairing/authoring, how cases were selected)"
        );
        assert_eq!(
            SummaryField::MultiAgencyLearning.label(),
            "Key learning points: multi-agency"
        );
    }

    #[test]
    fn codes_and_keys_round_trip_and_are_unique() {
        let mut codes = HashSet::new();
        let mut keys = HashSet::new();
        let mut labels = HashSet::new();
        for f in SummaryField::ALL {
            assert_eq!(SummaryField::from_code(f.code()), Some(*f));
            assert_eq!(SummaryField::from_key(f.key()), Some(*f));
            assert!(codes.insert(f.code()));
            assert!(keys.insert(f.key()));
            assert!(labels.insert(f.label()));
            assert!(f.key().chars().all(|c| c.is_ascii_alphabetic()));
            assert!(f.key().starts_with(|c: char| c.is_ascii_lowercase()));
        }
        assert_eq!(SummaryField::from_code("dateCompleted"), None);
        assert_eq!(SummaryField::from_key("DATE_COMPLETED"), None);
    }

    #[test]
    fn short_and_long_fields() {
        let short: Vec<SummaryField> = SummaryField::ALL
            .iter()
            .copied()
            .filter(|f| f.is_short())
            .collect();
        assert_eq!(
            short,
            [SummaryField::DateCompleted, SummaryField::IncidentMonth]
        );
        assert_eq!(SummaryField::DateCompleted.max_chars(), MAX_SHORT);
        assert_eq!(SummaryField::CaseLearning.max_chars(), MAX_LONG);
        assert_eq!(SummaryField::OtherComments.max_chars(), 20_000);
    }

    #[test]
    fn blank_clears_and_text_is_trimmed() {
        for f in SummaryField::ALL {
            assert_eq!(check_field(*f, ""), Ok(None));
            assert_eq!(check_field(*f, " \n\t "), Ok(None));
        }
        assert_eq!(
            check_field(SummaryField::IncidentMonth, "  March 2016 "),
            Ok(Some("March 2016".into()))
        );
        assert_eq!(
            check_field(
                SummaryField::CaseLearning,
                "\nNeglect was seen late.\n\nSchools noticed first.\n"
            ),
            Ok(Some(
                "Neglect was seen late.\n\nSchools noticed first.".into()
            ))
        );
    }

    #[test]
    fn too_long_is_refused_counting_characters_not_bytes() {
        let fits = "é".repeat(MAX_LONG);
        assert!(check_field(SummaryField::CaseLearning, &fits).is_ok());
        let p = check_field(SummaryField::CaseLearning, &format!("{fits}é")).unwrap_err();
        assert_eq!(p.0.len(), 1);
        assert_eq!(p.0[0].field, "caseLearning");
        assert_eq!(p.0[0].message, "must be at most 20000 characters");

        assert!(check_field(SummaryField::DateCompleted, &"1".repeat(MAX_SHORT)).is_ok());
        let p = check_field(SummaryField::DateCompleted, &"1".repeat(MAX_SHORT + 1)).unwrap_err();
        assert_eq!(p.0[0].field, "dateCompleted");
    }

    #[test]
    fn short_fields_are_one_line_and_no_field_takes_control_characters() {
        let p = check_field(SummaryField::IncidentMonth, "March\n2016").unwrap_err();
        assert_eq!(p.0[0].field, "incidentMonth");
        assert_eq!(p.0[0].message, "must not contain control characters");
        assert!(check_field(SummaryField::OtherComments, "a\tb\r\nc").is_ok());
        let p = check_field(SummaryField::OtherComments, "bell \u{7}").unwrap_err();
        assert_eq!(p.0[0].field, "otherComments");
    }
}
