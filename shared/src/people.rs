//! Finding a person in a list by what is typed (a searchable picker): every word typed must
//! appear in the person's label (name and agency prefix), in any order, ignoring case.

/// The words of a search, lower-cased; none when nothing but spaces was typed.
pub fn search_words(typed: &str) -> Vec<String> {
    typed.split_whitespace().map(str::to_lowercase).collect()
}

/// Whether `label` matches every one of `words` (from [`search_words`]). No words match
/// no one, so an empty search lists nobody.
pub fn matches(label: &str, words: &[String]) -> bool {
    if words.is_empty() {
        return false;
    }
    let label = label.to_lowercase();
    words.iter().all(|w| label.contains(w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_typed_must_appear_in_any_order_and_case() {
        let label = "Rita Reviewer (CSC)";
        assert!(matches(label, &search_words("rev RITA")));
        assert!(matches(label, &search_words("  csc ")));
        assert!(!matches(label, &search_words("rita pol")));
        assert!(
            !matches(label, &search_words("   ")),
            "nothing typed lists no one"
        );
    }

    #[test]
    fn letters_beyond_ascii_fold_case_too() {
        assert!(matches("Zoë Öztürk (NHFT)", &search_words("ÖZTÜRK zoë")));
    }
}
