//! Time-based one-time passwords (RFC 6238) as authenticator apps make them: HMAC-SHA-1,
//! 6 digits, 30-second steps. The codes come from the `totp-rs` crate; what is the
//! platform's own is around them: which steps are accepted (one either side of now, never
//! one used before), the set-up key, its address and its QR code.

use shared::auth::second_factor::CODE_DIGITS;
use totp_rs::{Algorithm, TOTP};

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Steps either side of now whose codes are accepted (a clock a little off, a code typed
/// as it changed).
pub const SKEW_STEPS: i64 = 1;
/// Bytes of a new secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

/// The code of one step, as `CODE_DIGITS` digits. The crate's own window (skew) is not
/// used: [`matching_step`] decides which steps count.
pub fn code_at(secret: &[u8], step: u64) -> String {
    let totp = TOTP::new_unchecked(
        Algorithm::SHA1,
        CODE_DIGITS,
        0,
        STEP_SECONDS as u64,
        secret.to_vec(),
    );
    totp.generate(step.saturating_mul(STEP_SECONDS as u64))
}

/// The step a moment (seconds since the epoch) falls in.
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// Equal strings, compared in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The latest step within [`SKEW_STEPS`] of `now` whose code is `code` and which comes after
/// `after` (the last step used), if any.
pub fn matching_step(secret: &[u8], code: &str, now: i64, after: Option<i64>) -> Option<i64> {
    let current = step_of(now);
    let mut found = None;
    for step in (current - SKEW_STEPS)..=(current + SKEW_STEPS) {
        if step < 0 || after.is_some_and(|used| step <= used) {
            continue;
        }
        // Every candidate is computed, so the time taken does not say which one matched.
        if same(&code_at(secret, step as u64), code) {
            found = Some(step);
        }
    }
    found
}

/// A secret as authenticator apps take it: base32, upper case, no padding.
pub fn encode_secret(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

pub fn decode_secret(encoded: &str) -> Option<Vec<u8>> {
    data_encoding::BASE32_NOPAD.decode(encoded.as_bytes()).ok()
}

/// A new random secret from the operating system's generator.
pub fn new_secret() -> Result<[u8; SECRET_BYTES], getrandom::Error> {
    let mut secret = [0u8; SECRET_BYTES];
    getrandom::fill(&mut secret)?;
    Ok(secret)
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The `otpauth://` address an authenticator app reads (Google's key URI format).
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={secret_base32}&issuer={}&algorithm=SHA1&digits={CODE_DIGITS}&period={STEP_SECONDS}",
        percent(issuer),
        percent(account),
        percent(issuer),
    )
}

/// The address as a QR code, drawn as SVG (black modules on white, a four-module margin).
pub fn qr_svg(text: &str) -> Option<String> {
    use qrcodegen::{QrCode, QrCodeEcc};
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let border = 4;
    let size = qr.size();
    let total = size + border * 2;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {total} {total}\" width=\"200\" height=\"200\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code of the set-up key\"><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/><path d=\"{path}\" fill=\"#000000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, last six of the eight digits.
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(code_at(secret, step_of(time) as u64), code, "at {time}");
        }
    }

    #[test]
    fn skew_and_replay() {
        let secret = b"12345678901234567890";
        let now = 1_111_111_111;
        let step = step_of(now);
        let code = code_at(secret, step as u64);
        assert_eq!(matching_step(secret, &code, now, None), Some(step));
        assert_eq!(matching_step(secret, &code, now + 30, None), Some(step));
        assert_eq!(matching_step(secret, &code, now - 30, None), Some(step));
        assert_eq!(matching_step(secret, &code, now + 60, None), None);
        assert_eq!(
            matching_step(secret, &code, now, Some(step)),
            None,
            "replay"
        );
        assert_eq!(
            matching_step(secret, "000000", now, None).is_some(),
            code == "000000"
        );
    }

    #[test]
    fn secrets_round_trip_and_addresses_are_encoded() {
        let secret = new_secret().expect("random");
        let encoded = encode_secret(&secret);
        assert_eq!(encoded.len(), 32);
        assert_eq!(decode_secret(&encoded).as_deref(), Some(&secret[..]));
        let uri = otpauth_uri("Learning platform", "a.b@x.example", &encoded);
        assert!(uri.starts_with("otpauth://totp/Learning%20platform:a.b%40x.example?secret="));
        assert!(qr_svg(&uri).is_some_and(|s| s.starts_with("<svg")));
    }
}
