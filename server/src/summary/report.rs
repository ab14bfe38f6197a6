//! The final report of a learning summary: one PDF per summary, uploaded by the summary's
//! authors while it is not published (a new upload replaces the one before), and served on
//! the public pages while the summary is published and within its publication window.
//!
//! The publication gate reads the report's file name and its plain text. The text is what
//! the uploader gives (`reportText`, optional) together with what can be read from the PDF
//! itself (`lopdf`'s text extraction: text drawn with fonts it can decode). A PDF that is
//! only scanned images has no readable text: then only the text given with the upload is
//! checked, so give it for such a report.

use crate::error::AppResult;
use base64::Engine;
use shared::Problems;
use std::time::Duration;

/// The only kind of file accepted.
pub const PDF_MEDIA_TYPE: &str = "application/pdf";

/// Every PDF starts with this.
const PDF_MAGIC: &[u8] = b"%PDF-";

/// The longest file name, in characters.
pub const MAX_FILE_NAME: usize = 200;

/// The longest plain text given with a report, in characters.
pub const MAX_REPORT_TEXT: usize = 1_000_000;

/// How long reading a PDF's text may take before the upload goes on without it.
const EXTRACT_TIMEOUT: Duration = Duration::from_secs(30);

/// An upload that passed the checks.
#[derive(Debug, Clone)]
pub struct CheckedUpload {
    /// The file's own name (any folder the browser sent dropped), trimmed.
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// The plain text given with it, if any (blank is none).
    pub text: Option<String>,
}

/// Checks an upload: a file name ending in `.pdf`, base64 content that starts like a PDF
/// and is at most `max_bytes` long, and an optional plain text. Every problem is reported,
/// each on its field (`fileName`, `contentBase64`, `reportText`).
pub fn check_upload(
    file_name: &str,
    content_base64: &str,
    report_text: Option<&str>,
    max_bytes: usize,
) -> AppResult<CheckedUpload> {
    let mut p = Problems::new();
    let name = own_name(file_name);
    let name = p.text("fileName", name, MAX_FILE_NAME);
    if !name.is_empty() && !name.to_lowercase().ends_with(".pdf") {
        p.push("fileName", "must end in .pdf: the final report is a PDF");
    }
    let bytes = match base64::engine::general_purpose::STANDARD.decode(content_base64.trim()) {
        Err(_) => {
            p.push("contentBase64", "is not base64-encoded file content");
            Vec::new()
        }
        Ok(bytes) if bytes.is_empty() => {
            p.push("contentBase64", "the file is empty");
            bytes
        }
        Ok(bytes) if bytes.len() > max_bytes => {
            p.push(
                "contentBase64",
                format!(
                    "the file is {:.1} MB; the largest report accepted is {:.1} MB",
                    bytes.len() as f64 / 1_048_576.0,
                    max_bytes as f64 / 1_048_576.0
                ),
            );
            bytes
        }
        Ok(bytes) if !bytes.starts_with(PDF_MAGIC) => {
            p.push(
                "contentBase64",
                "is not a PDF (a PDF file starts with %PDF-): save the report as PDF and upload that",
            );
            bytes
        }
        Ok(bytes) => bytes,
    };
    let text = match report_text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) if t.chars().count() > MAX_REPORT_TEXT => {
            p.push(
                "reportText",
                format!("must be at most {MAX_REPORT_TEXT} characters"),
            );
            None
        }
        Some(t) => Some(clean_text(t)),
        None => None,
    };
    p.into_result()?;
    Ok(CheckedUpload {
        file_name: name,
        bytes,
        text,
    })
}

/// The last part of a path a browser may send as a file name (`C:\reports\x.pdf`).
fn own_name(file_name: &str) -> &str {
    file_name.rsplit(['/', '\\']).next().unwrap_or(file_name)
}

/// Text as stored: control characters other than line breaks and tabs become spaces (a NUL
/// cannot be stored by PostgreSQL, and none belongs in a report's words).
pub fn clean_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The text stored for the gate: the text given, then the text read from the PDF, each
/// when there is some.
pub fn combined_text(given: Option<String>, extracted: Option<String>) -> Option<String> {
    let parts: Vec<String> = [given, extracted]
        .into_iter()
        .flatten()
        .filter(|t| !t.trim().is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// The plain text of a PDF's pages, when any can be read. Runs on a blocking thread; a PDF
/// that cannot be parsed, or takes longer than [`EXTRACT_TIMEOUT`], has none (and the
/// upload goes on).
pub async fn extract_text(bytes: Vec<u8>) -> Option<String> {
    let work = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(|| read_pdf_text(&bytes)).unwrap_or_else(|_| {
            tracing::warn!("reading the report's text panicked");
            None
        })
    });
    match tokio::time::timeout(EXTRACT_TIMEOUT, work).await {
        Ok(Ok(text)) => text,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "reading the report's text failed");
            None
        }
        Err(_) => {
            tracing::warn!("reading the report's text took too long; going on without it");
            None
        }
    }
}

fn read_pdf_text(bytes: &[u8]) -> Option<String> {
    let doc = match lopdf::Document::load_mem(bytes) {
        Ok(doc) => doc,
        Err(e) => {
            tracing::info!(error = %e, "the report's PDF could not be parsed; no text read");
            return None;
        }
    };
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    match doc.extract_text(&pages) {
        Ok(text) => {
            let text = clean_text(&text);
            (!text.trim().is_empty()).then_some(text)
        }
        Err(e) => {
            tracing::info!(error = %e, "no text could be read from the report's PDF");
            None
        }
    }
}

/// The file name as a `Content-Disposition` header may carry it: letters, digits and
/// `. - _ ( )` and spaces kept (ASCII only), anything else an underscore, at most 100
/// characters, always ending in `.pdf`.
pub fn download_name(file_name: &str) -> String {
    let stem = file_name.trim();
    let stem = if stem.to_lowercase().ends_with(".pdf") {
        &stem[..stem.len() - 4]
    } else {
        stem
    };
    let mut safe: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '(' | ')' | ' ') {
                c
            } else {
                '_'
            }
        })
        .take(96)
        .collect();
    let trimmed = safe.trim_matches([' ', '.']).to_owned();
    safe = if trimmed.is_empty() {
        "report".to_owned()
    } else {
        trimmed
    };
    format!("{safe}.pdf")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    fn fields(e: AppError) -> Vec<String> {
        match e {
            AppError::Validation(p) => p.0.into_iter().map(|p| p.field).collect(),
            other => panic!("not a validation error: {other}"),
        }
    }

    #[test]
    fn a_pdf_with_a_name_passes() {
        let up = check_upload(
            "C:\\reports\\SCR final.PDF",
            &b64(b"%PDF-1.7 rest"),
            Some("  text\u{0} here "),
            100,
        )
        .expect("accepted");
        assert_eq!(up.file_name, "SCR final.PDF");
        assert_eq!(up.text.as_deref(), Some("text  here"));
        let up = check_upload("a.pdf", &b64(b"%PDF-1.4"), Some("   "), 100).expect("ok");
        assert_eq!(up.text, None);
    }

    #[test]
    fn every_problem_on_its_field() {
        let e = check_upload("notes.docx", &b64(b"PK\x03\x04"), None, 100).unwrap_err();
        assert_eq!(fields(e), ["fileName", "contentBase64"]);
        let e = check_upload("x.pdf", "not base64!", None, 100).unwrap_err();
        assert_eq!(fields(e), ["contentBase64"]);
        let e = check_upload("x.pdf", &b64(&[b'%'; 101]), None, 100).unwrap_err();
        assert_eq!(fields(e), ["contentBase64"]);
        let e = check_upload(" ", &b64(b""), None, 100).unwrap_err();
        assert_eq!(fields(e), ["fileName", "contentBase64"]);
        let long = "x".repeat(MAX_REPORT_TEXT + 1);
        let e = check_upload("x.pdf", &b64(b"%PDF-1.4"), Some(&long), 100).unwrap_err();
        assert_eq!(fields(e), ["reportText"]);
    }

    #[test]
    fn download_names_are_safe() {
        assert_eq!(
            download_name("SCR-2016-03 final.pdf"),
            "SCR-2016-03 final.pdf"
        );
        assert_eq!(download_name("a\"b\r\n;c.PDF"), "a_b___c.pdf");
        assert_eq!(download_name("Zoë's report.pdf"), "Zo__s report.pdf");
        assert_eq!(download_name(".pdf"), "report.pdf");
        assert_eq!(download_name(&"x".repeat(300)).len(), 100);
    }

    #[test]
    fn text_given_and_read_are_both_kept() {
        assert_eq!(
            combined_text(Some("given".into()), Some("read".into())).as_deref(),
            Some("given\n\nread")
        );
        assert_eq!(combined_text(None, Some(" ".into())), None);
        assert_eq!(combined_text(None, None), None);
    }
}
