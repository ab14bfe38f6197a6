//! The partnership's chronology template, as agencies download it to fill in: the headings
//! the import reads (in the template's order), one example row, and the guidance that goes
//! with them. Pure: the server writes it as CSV or XLSX; the browser offers the same event
//! types while an entry is typed.

use super::import::Column;

/// Event types offered as suggestions (anything else may be written).
pub const EVENT_TYPES: [&str; 10] = [
    "Contact",
    "Referral",
    "Assessment",
    "Strategy discussion",
    "Child protection conference",
    "Home visit",
    "A&E attendance",
    "Appointment",
    "Telephone call",
    "Information sharing",
];

/// The template's headings, in its column order.
pub fn headings() -> Vec<&'static str> {
    Column::ALL.iter().map(|c| c.heading()).collect()
}

/// A fictional example entry, in [`headings`] order: it reads back as a valid row.
pub fn example() -> Vec<&'static str> {
    Column::ALL
        .iter()
        .map(|c| match c {
            Column::Seq => "1",
            Column::StartDate => "03/05/2016",
            Column::StartTime => "14:00",
            Column::EndDate | Column::EndTime | Column::PractitionerComment | Column::Case => "",
            Column::Source => "POL-STR-202",
            Column::EventType => "Strategy discussion",
            Column::Event => {
                "Strategy discussion with children's social care and health about bruising to Child A"
            }
            Column::ActionTaken => "Joint visit agreed",
            Column::SharedWith => "CSC; NGH",
        })
        .collect()
}

/// What to write in each column, for the guidance sheet: (heading, required, guidance).
pub fn guidance() -> Vec<(&'static str, bool, String)> {
    Column::ALL
        .iter()
        .map(|c| {
            let text = match c {
                Column::Seq => "Optional. A whole number that orders your events of one day (1, 2, 3, …).".to_string(),
                Column::StartDate => "The day it happened: 22/05/2016, 22 May 2016 or 2016-05-22. Only the month known: May 2016. Only the year: 2016. Put ? in front when the date is uncertain (?May 2016). Never invent a day.".to_string(),
                Column::StartTime => "Optional. 24-hour 14:30, or 1430, 2.30pm, 2pm.".to_string(),
                Column::EndDate => "Optional. For something that lasted: written like Start Date.".to_string(),
                Column::EndTime => "Optional. Written like Start Time.".to_string(),
                Column::Source => "Your own record's reference (case note, incident or record number), so the review can find it.".to_string(),
                Column::EventType => format!("Optional. What kind of event, for example: {}. Any other words may be used.", EVENT_TYPES.join(", ")),
                Column::Event => "What happened, in full sentences, as your record says it. Several lines are fine.".to_string(),
                Column::ActionTaken => "Optional. What your agency did as a result.".to_string(),
                Column::SharedWith => "Optional. The agencies you shared information with, by their prefix (CSC, POL, NGH, …), separated by ; or ,.".to_string(),
                Column::PractitionerComment => "Optional. Anything the practitioner adds now, with hindsight.".to_string(),
                Column::Case => "Only for a multi-agency case audit, where it is needed: the case of the audit's sample the entry is about, as its label starts (Case 3). Leave it empty in a case review's chronology.".to_string(),
            };
            (c.heading(), c.mandatory(), text)
        })
        .collect()
}

/// General notes, before the columns.
pub const NOTES: [&str; 4] = [
    "One row for each event your agency recorded, in any order: the platform sorts them.",
    "Keep the heading row as it is. Columns you add after the template's are not read.",
    "Delete the example row before you upload the file.",
    "Names are fine in your return: the review's glossary replaces them when the chronology is anonymised.",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chronology::import::{read_rows, Known, KnownAgency, FILE};
    use crate::spreadsheet::csv_line;
    use crate::spreadsheet::read::parse_csv;

    #[test]
    fn the_example_reads_back_as_one_valid_row() {
        let text = format!("{}{}", csv_line(headings()), csv_line(example()));
        let rows = parse_csv(&text, &FILE, 10).expect("csv");
        let agencies: Vec<KnownAgency> = ["CSC", "NGH", "POL"]
            .iter()
            .zip(1..)
            .map(|(p, key)| KnownAgency {
                key,
                prefix: (*p).to_string(),
                name: (*p).to_string(),
            })
            .collect();
        let known = Known {
            agencies,
            cases: Vec::new(),
        };
        let read = read_rows(&rows, &known).expect("no problems");
        assert_eq!(read.len(), 1);
        assert_eq!(headings().len(), guidance().len());
        assert!(guidance().iter().filter(|g| g.1).count() >= 3);
    }
}
