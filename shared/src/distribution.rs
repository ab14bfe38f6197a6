//! Distribution lists: the people a published learning summary is sent to (for example every
//! school's designated safeguarding lead), kept by the business office as a name and one
//! recipient per line. A summary is sent to a recipient once, whichever lists name them.

use crate::validation::{email, Problems};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The longest list name.
pub const MAX_LIST_NAME: usize = 200;
/// The longest description of who a list reaches.
pub const MAX_LIST_DESCRIPTION: usize = 2_000;
/// The most recipients on one list.
pub const MAX_RECIPIENTS: usize = 2_000;
/// The longest recipient line ("Name <address>").
pub const MAX_RECIPIENT_LINE: usize = 320;
/// The longest text of recipients the office may paste (bounded before any parsing).
pub const MAX_RECIPIENTS_TEXT: usize = 400_000;
/// The most lists the partnership keeps.
pub const MAX_LISTS: u64 = 200;

/// One person a list reaches: a name (may be empty) and a normalised address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: String,
    pub email: String,
}

impl Recipient {
    /// The recipient as the office writes it: `Name <address>`, or the address alone.
    pub fn line(&self) -> String {
        if self.name.is_empty() {
            self.email.clone()
        } else {
            format!("{} <{}>", self.name, self.email)
        }
    }
}

/// A list as the office writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListDraft {
    pub name: String,
    pub description: String,
    /// One recipient per line: `Name <address>`, `address`, or `address, Name`.
    pub recipients: String,
}

/// A checked list: trimmed name and description, recipients parsed, normalised and without
/// repeats (the first line naming an address wins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedList {
    pub name: String,
    pub description: String,
    pub recipients: Vec<Recipient>,
}

/// Checks a list; every problem names its field, and a recipient's problem its line.
pub fn check_list(draft: &ListDraft) -> Result<CheckedList, Problems> {
    let mut p = Problems::new();
    let name = p.text("name", &draft.name, MAX_LIST_NAME);
    let description = draft.description.trim().to_owned();
    if description.chars().count() > MAX_LIST_DESCRIPTION {
        p.push(
            "description",
            format!("must be at most {MAX_LIST_DESCRIPTION} characters"),
        );
    }
    let recipients = if draft.recipients.len() > MAX_RECIPIENTS_TEXT {
        p.push(
            "recipients",
            format!("must be at most {MAX_RECIPIENTS_TEXT} characters"),
        );
        Vec::new()
    } else {
        parse_recipients(&mut p, &draft.recipients)
    };
    p.into_result().map(|()| CheckedList {
        name,
        description,
        recipients,
    })
}

/// Reads one recipient per line; blank lines are skipped. At most the first ten bad lines
/// are reported, so a pasted spreadsheet column of the wrong thing stays readable.
fn parse_recipients(p: &mut Problems, text: &str) -> Vec<Recipient> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut bad = 0usize;
    let mut lines = 0usize;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        lines += 1;
        if lines > MAX_RECIPIENTS {
            p.push(
                "recipients",
                format!("a list has at most {MAX_RECIPIENTS} recipients"),
            );
            return Vec::new();
        }
        match parse_line(line) {
            Ok(r) => {
                if seen.insert(r.email.clone()) {
                    out.push(r);
                }
            }
            Err(why) => {
                bad += 1;
                if bad <= 10 {
                    p.push("recipients", format!("line {}: {why}", i + 1));
                }
            }
        }
    }
    if bad > 10 {
        p.push(
            "recipients",
            format!("{} more lines are not recipients", bad - 10),
        );
    }
    if out.is_empty() && bad == 0 {
        p.push("recipients", "must name at least one recipient");
    }
    out
}

fn parse_line(line: &str) -> Result<Recipient, String> {
    if line.chars().count() > MAX_RECIPIENT_LINE {
        return Err(format!("must be at most {MAX_RECIPIENT_LINE} characters"));
    }
    if line.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    let (name, address) = if let Some(open) = line.rfind('<') {
        let rest = &line[open + 1..];
        let Some(close) = rest.find('>') else {
            return Err(format!("\u{201c}{line}\u{201d} opens < without closing >"));
        };
        if !rest[close + 1..].trim().is_empty() {
            return Err(format!("\u{201c}{line}\u{201d} has text after the address"));
        }
        (line[..open].trim(), rest[..close].trim())
    } else if let Some((address, name)) = line.split_once(',') {
        (name.trim(), address.trim())
    } else {
        ("", line)
    };
    let name = name.trim_matches('"').trim();
    let mut one = Problems::new();
    let email = email(&mut one, "email", address);
    if !one.0.is_empty() {
        return Err(format!(
            "\u{201c}{address}\u{201d} is not an email address such as name@example.org"
        ));
    }
    if name.contains('@') || name.contains('<') || name.contains('>') {
        return Err(format!(
            "\u{201c}{line}\u{201d} has more than one address: give one recipient per line"
        ));
    }
    Ok(Recipient {
        name: name.to_owned(),
        email,
    })
}

/// The recipients as the office wrote them back, one per line.
pub fn recipients_text(recipients: &[Recipient]) -> String {
    recipients
        .iter()
        .map(Recipient::line)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(recipients: &str) -> ListDraft {
        ListDraft {
            name: " Schools' safeguarding leads ".into(),
            description: String::new(),
            recipients: recipients.into(),
        }
    }

    #[test]
    fn reads_the_ways_people_write_recipients() {
        let list = check_list(&draft(
            "Ann Head <Ann.Head@School.example>\n\n  dsl@primary.example  \nbob@college.example, Bob Lead\n\"Cara, DSL\" <cara@academy.example>",
        ))
        .expect("valid");
        assert_eq!(list.name, "Schools' safeguarding leads");
        let lines: Vec<String> = list.recipients.iter().map(Recipient::line).collect();
        assert_eq!(
            lines,
            [
                "Ann Head <ann.head@school.example>",
                "dsl@primary.example",
                "Bob Lead <bob@college.example>",
                "Cara, DSL <cara@academy.example>",
            ]
        );
    }

    #[test]
    fn the_same_address_twice_is_one_recipient() {
        let list = check_list(&draft("a@x.example\nAnn <A@X.example>")).expect("valid");
        assert_eq!(list.recipients.len(), 1);
        assert_eq!(list.recipients[0].name, "");
    }

    #[test]
    fn bad_lines_are_named_by_number() {
        let err = check_list(&draft(
            "a@x.example\nnot an address\nb@y.example c@z.example\nAnn <a@x.example",
        ))
        .expect_err("invalid");
        let text = err.to_string();
        assert!(text.contains("line 2"), "{text}");
        assert!(text.contains("line 3"), "{text}");
        assert!(text.contains("line 4"), "{text}");
        assert!(!text.contains("line 1"), "{text}");
    }

    #[test]
    fn two_addresses_on_one_line_are_refused() {
        assert!(parse_line("Ann <a@x.example> <b@y.example>").is_err());
        assert!(parse_line("a@x.example, b@y.example").is_err());
    }

    #[test]
    fn bounds_hold_before_work() {
        let many: String = (0..=MAX_RECIPIENTS)
            .map(|i| format!("p{i}@x.example\n"))
            .collect();
        let err = check_list(&draft(&many)).expect_err("too many");
        assert!(err.to_string().contains("at most 2000 recipients"), "{err}");
        let huge = "a".repeat(MAX_RECIPIENTS_TEXT + 1);
        assert!(check_list(&draft(&huge)).is_err());
        let empty = check_list(&draft("\n  \n")).expect_err("empty");
        assert!(empty.to_string().contains("at least one"), "{empty}");
        let bad = (0..15).map(|i| format!("bad{i}\n")).collect::<String>();
        let err = check_list(&draft(&bad)).expect_err("bad");
        assert_eq!(err.0.len(), 11, "ten lines and a count: {err}");
    }
}
