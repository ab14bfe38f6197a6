//! Bounds on a GraphQL document, checked before the schema sees it: its size, how deeply
//! it nests (before parsing, so the parser cannot be made to recurse without end), how many
//! fragment spreads it holds, and how many fields it asks for once every fragment is
//! expanded and every alias counted (memoised, so fragments that double each other cost
//! what they expand to, not the time it takes to find out).
//!
//! Also what an error message may not repeat: the literal strings of the query (a password
//! typed inline must not come back in an error).

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::Name;
use std::collections::HashMap;

/// Longest query text accepted, in bytes (variables are bounded by the body limit).
pub const MAX_QUERY_BYTES: usize = 64 * 1024;
/// Deepest nesting of `{`, `(` and `[` in the query text.
pub const MAX_NESTING: usize = 40;
/// Most fragment spreads (`...Name`) a document may hold.
pub const MAX_FRAGMENT_SPREADS: usize = 100;
/// Most fields an operation may ask for with its fragments expanded, aliases included.
pub const MAX_FIELDS: usize = 1_000;

/// Why a document is refused; the message says what and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("The query is {0} bytes long; at most {MAX_QUERY_BYTES} are accepted.")]
    TooLong(usize),
    #[error("The query nests deeper than {MAX_NESTING} levels (line {line}, column {column}).")]
    TooDeep { line: usize, column: usize },
    #[error("The query holds {0} fragment spreads; at most {MAX_FRAGMENT_SPREADS} are accepted.")]
    TooManySpreads(usize),
    #[error(
        "The operation asks for more than {MAX_FIELDS} fields once its fragments are expanded (aliases count)."
    )]
    TooManyFields,
    #[error("The fragment {0} spreads itself.")]
    FragmentCycle(String),
    #[error("The fragment {0} is not defined.")]
    UnknownFragment(String),
}

/// Checks the query text before it is parsed: length, and nesting outside strings and
/// comments.
pub fn check_text(query: &str) -> Result<(), LimitError> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(LimitError::TooLong(query.len()));
    }
    let mut depth = 0usize;
    let (mut line, mut column) = (1usize, 0usize);
    let mut chars = query.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        match c {
            '\n' => {
                line += 1;
                column = 0;
            }
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                        column = 0;
                        break;
                    }
                }
            }
            '"' => {
                // A string or a block string: skip to its end.
                let block = chars.peek() == Some(&'"') && {
                    let mut probe = chars.clone();
                    probe.next();
                    probe.next() == Some('"')
                };
                if block {
                    chars.next();
                    chars.next();
                    let mut quotes = 0;
                    for c in chars.by_ref() {
                        if c == '\n' {
                            line += 1;
                            column = 0;
                        }
                        quotes = if c == '"' { quotes + 1 } else { 0 };
                        if quotes == 3 {
                            break;
                        }
                    }
                } else {
                    let mut escaped = false;
                    for c in chars.by_ref() {
                        column += 1;
                        if escaped {
                            escaped = false;
                        } else if c == '\\' {
                            escaped = true;
                        } else if c == '"' || c == '\n' {
                            break;
                        }
                    }
                }
            }
            '{' | '(' | '[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(LimitError::TooDeep { line, column });
                }
            }
            '}' | ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Checks a parsed document: fragment spreads counted, and every operation's fields
/// counted with fragments expanded (each fragment's cost computed once).
pub fn check_document(doc: &ExecutableDocument) -> Result<(), LimitError> {
    let mut spreads = 0usize;
    for (_, op) in doc.operations.iter() {
        spreads += count_spreads(&op.node.selection_set.node);
    }
    for fragment in doc.fragments.values() {
        spreads += count_spreads(&fragment.node.selection_set.node);
    }
    if spreads > MAX_FRAGMENT_SPREADS {
        return Err(LimitError::TooManySpreads(spreads));
    }
    let mut costs = Costs {
        fragments: &doc.fragments,
        known: HashMap::new(),
        visiting: Vec::new(),
    };
    for (_, op) in doc.operations.iter() {
        if costs.of_set(&op.node.selection_set.node)? > MAX_FIELDS {
            return Err(LimitError::TooManyFields);
        }
    }
    Ok(())
}

fn count_spreads(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => count_spreads(&field.node.selection_set.node),
            Selection::FragmentSpread(_) => 1,
            Selection::InlineFragment(inline) => count_spreads(&inline.node.selection_set.node),
        })
        .sum()
}

struct Costs<'a> {
    fragments: &'a HashMap<Name, async_graphql::Positioned<FragmentDefinition>>,
    known: HashMap<&'a str, usize>,
    visiting: Vec<&'a str>,
}

impl<'a> Costs<'a> {
    /// Fields in a selection set, fragments expanded; saturates just past the limit.
    fn of_set(&mut self, set: &'a SelectionSet) -> Result<usize, LimitError> {
        let mut total = 0usize;
        for item in &set.items {
            let cost = match &item.node {
                Selection::Field(field) => 1 + self.of_set(&field.node.selection_set.node)?,
                Selection::InlineFragment(inline) => {
                    self.of_set(&inline.node.selection_set.node)?
                }
                Selection::FragmentSpread(spread) => {
                    self.of_fragment(spread.node.fragment_name.node.as_str())?
                }
            };
            total = total.saturating_add(cost).min(MAX_FIELDS + 1);
        }
        Ok(total)
    }

    fn of_fragment(&mut self, name: &'a str) -> Result<usize, LimitError> {
        if let Some(cost) = self.known.get(name) {
            return Ok(*cost);
        }
        if self.visiting.contains(&name) {
            return Err(LimitError::FragmentCycle(name.to_owned()));
        }
        let Some((key, fragment)) = self.fragments.get_key_value(name) else {
            return Err(LimitError::UnknownFragment(name.to_owned()));
        };
        self.visiting.push(key.as_str());
        let cost = self.of_set(&fragment.node.selection_set.node)?;
        self.visiting.pop();
        self.known.insert(key.as_str(), cost);
        Ok(cost)
    }
}

/// The root fields the document's operations ask for (used to tell an upload from
/// everything else).
pub fn root_fields(doc: &ExecutableDocument) -> Vec<String> {
    let mut out = Vec::new();
    let ops: Vec<_> = match &doc.operations {
        DocumentOperations::Single(op) => vec![op],
        DocumentOperations::Multiple(ops) => ops.values().collect(),
    };
    for op in ops {
        for item in &op.node.selection_set.node.items {
            match &item.node {
                Selection::Field(field) => out.push(field.node.name.node.to_string()),
                // Anything else at the root is not a plain upload.
                _ => out.push(String::new()),
            }
        }
    }
    out
}

/// The literal strings of a query text (what a person typed between quotes), found by a
/// lexical scan so it works on text that does not parse.
pub fn literal_strings(query: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                // Both as typed (escapes kept) and as meant (escapes resolved).
                let (mut raw, mut text) = (String::new(), String::new());
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                        raw.push(c);
                        text.push(c);
                    } else if c == '\\' {
                        escaped = true;
                        raw.push(c);
                    } else if c == '"' || c == '\n' {
                        break;
                    } else {
                        raw.push(c);
                        text.push(c);
                    }
                }
                if raw != text {
                    out.push(raw);
                }
                if !text.is_empty() {
                    out.push(text);
                }
            }
            _ => {}
        }
    }
    out
}

/// A message with every literal of at least three characters replaced by `…`.
pub fn redact(message: &str, literals: &[String]) -> String {
    let mut out = message.to_owned();
    let mut sorted: Vec<&String> = literals.iter().filter(|l| l.chars().count() >= 3).collect();
    sorted.sort_by_key(|l| std::cmp::Reverse(l.len()));
    for literal in sorted {
        if out.contains(literal.as_str()) {
            out = out.replace(literal.as_str(), "…");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn doubling(levels: usize) -> String {
        let mut q = String::from("query{...F0}");
        for i in 0..levels {
            q.push_str(&format!(
                " fragment F{i} on Query{{...F{n} ...F{n}}}",
                n = i + 1
            ));
        }
        q.push_str(&format!(" fragment F{levels} on Query{{__typename}}"));
        q
    }

    #[test]
    fn doubling_fragments_are_refused_quickly() {
        let q = doubling(25);
        let doc = parse_query(&q).expect("parses");
        let started = std::time::Instant::now();
        assert_eq!(check_document(&doc), Err(LimitError::TooManyFields));
        assert!(started.elapsed() < std::time::Duration::from_millis(50));
        // Nine doublings are 512 fields: allowed.
        let small = parse_query(doubling(9)).expect("parses");
        assert_eq!(check_document(&small), Ok(()));
    }

    #[test]
    fn aliases_count() {
        let mut q = String::from("{");
        for i in 0..1_001 {
            q.push_str(&format!(" a{i}: __typename"));
        }
        q.push('}');
        let doc = parse_query(&q).expect("parses");
        assert_eq!(check_document(&doc), Err(LimitError::TooManyFields));
    }

    #[test]
    fn cycles_and_unknown_fragments_are_named() {
        let doc = parse_query("{...A} fragment A on Query{...B} fragment B on Query{...A}")
            .expect("parses");
        assert!(matches!(
            check_document(&doc),
            Err(LimitError::FragmentCycle(_))
        ));
        let doc = parse_query("{...Missing}").expect("parses");
        assert_eq!(
            check_document(&doc),
            Err(LimitError::UnknownFragment("Missing".into()))
        );
    }

    #[test]
    fn spreads_are_capped() {
        let mut q = String::from("{");
        for _ in 0..101 {
            q.push_str(" ...A");
        }
        q.push_str("} fragment A on Query{__typename}");
        let doc = parse_query(&q).expect("parses");
        assert_eq!(check_document(&doc), Err(LimitError::TooManySpreads(101)));
    }

    #[test]
    fn nesting_is_checked_outside_strings_and_comments() {
        let deep = format!("{}{}", "{a".repeat(41), "}".repeat(41));
        assert!(matches!(
            check_text(&deep),
            Err(LimitError::TooDeep { line: 1, .. })
        ));
        let braces_in_strings = format!(
            "{{ a(x: \"{}\") # {}\n b(y: \"\"\"{}\"\"\") }}",
            "{".repeat(100),
            "[".repeat(100),
            "(".repeat(100)
        );
        assert_eq!(check_text(&braces_in_strings), Ok(()));
        assert_eq!(
            check_text(&"x".repeat(MAX_QUERY_BYTES + 1)),
            Err(LimitError::TooLong(MAX_QUERY_BYTES + 1))
        );
    }

    #[test]
    fn literals_are_found_and_redacted() {
        let q = r#"mutation { signIn(email: "a@b.example", password: "hunter2\"x" # "not this"
        )"#;
        let literals = literal_strings(q);
        assert_eq!(
            literals,
            vec![
                "a@b.example".to_string(),
                "hunter2\\\"x".into(),
                "hunter2\"x".into()
            ]
        );
        let message = "Unexpected token near \"hunter2\\\"x\" and hunter2\"x";
        assert_eq!(
            redact(message, &literals),
            "Unexpected token near \"…\" and …"
        );
        assert_eq!(redact("ok", &["ok".into()]), "ok");
    }
}
