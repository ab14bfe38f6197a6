//! Two-step verification: what a person may type as a code, checked the same way in the
//! browser and on the server.

/// Digits in a code from an authenticator app.
pub const CODE_DIGITS: usize = 6;
/// Recovery codes given at once; each works once.
pub const RECOVERY_CODES: usize = 10;
/// Longest input accepted where a code is asked for (anything longer is refused unread).
pub const MAX_CODE_CHARS: usize = 32;

/// What a person typed where a code is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entered {
    /// Six digits: a code from the authenticator app (spaces removed).
    AppCode(String),
    /// A recovery code, lower case without spaces or hyphens (`abcde12345`).
    RecoveryCode(String),
    /// Neither.
    Invalid,
}

/// Reads a code as typed: spaces and hyphens are ignored, letters in any case.
pub fn read_code(input: &str) -> Entered {
    if input.chars().count() > MAX_CODE_CHARS {
        return Entered::Invalid;
    }
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if compact.len() == CODE_DIGITS && compact.chars().all(|c| c.is_ascii_digit()) {
        Entered::AppCode(compact)
    } else if compact.len() == 10 && compact.chars().all(|c| c.is_ascii_alphanumeric()) {
        Entered::RecoveryCode(compact)
    } else {
        Entered::Invalid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_typed() {
        assert_eq!(read_code(" 123 456 "), Entered::AppCode("123456".into()));
        assert_eq!(
            read_code("ABCDE-12345"),
            Entered::RecoveryCode("abcde12345".into())
        );
        assert_eq!(read_code("12345"), Entered::Invalid);
        assert_eq!(read_code("1234567"), Entered::Invalid);
        assert_eq!(read_code(&"1".repeat(40)), Entered::Invalid);
    }
}
