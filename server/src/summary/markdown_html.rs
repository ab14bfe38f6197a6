//! A summary field's Markdown as HTML the browser may insert as it is: paragraphs, headings,
//! lists, quotes, code, emphasis, line breaks and rules. Everything else is dropped or kept
//! as plain text:
//! - raw HTML in the text is dropped (and what stands inside a `<script>` or `<style>`
//!   element with it);
//! - a link keeps its address only when it is `http:`, `https:` or `mailto:` (and then opens
//!   without telling the other site where it came from); any other link is just its text;
//! - an image is its alternative text (nothing is fetched from elsewhere);
//! - every text and address is escaped.
//!
//! Headings start at `<h3>`: on the page the field's label is the heading above them.
//! The Markdown is read as the exports read it (CommonMark, no extensions), so the preview
//! shows what the document and the slides will show.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The HTML of a Markdown text (see the module's rules).
pub fn to_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 4 + 16);
    // What each open element closes with (`None`: it was dropped, so nothing).
    let mut open: Vec<Option<&'static str>> = Vec::new();
    // Inside an inline `<script>` or `<style>` element: its text is dropped too.
    let mut hidden = 0usize;
    for event in Parser::new_ext(markdown, Options::empty()) {
        match event {
            Event::Start(tag) => {
                let (opening, closing) = start(&tag);
                out.push_str(&opening);
                open.push(closing);
            }
            Event::End(end) => {
                if let Some(closing) = open.pop().flatten() {
                    out.push_str(closing);
                }
                if matches!(end, TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) {
                    out.push('\n');
                }
            }
            Event::Text(text) if hidden == 0 => escape_into(&mut out, &text),
            Event::Code(code) if hidden == 0 => {
                out.push_str("<code>");
                escape_into(&mut out, &code);
                out.push_str("</code>");
            }
            Event::SoftBreak if hidden == 0 => out.push('\n'),
            Event::HardBreak if hidden == 0 => out.push_str("<br>\n"),
            Event::Rule => out.push_str("<hr>\n"),
            Event::InlineHtml(html) => {
                let tag = html.trim_start_matches('<').to_ascii_lowercase();
                if tag.starts_with("script") || tag.starts_with("style") {
                    hidden += 1;
                } else if tag.starts_with("/script") || tag.starts_with("/style") {
                    hidden = hidden.saturating_sub(1);
                }
            }
            // Raw HTML blocks, and anything the parser only gives with extensions.
            _ => {}
        }
    }
    out
}

/// The words a Markdown text shows, as plain text: one line per paragraph, heading, list
/// item or code block; raw HTML dropped (with what stands inside a `<script>` or `<style>`
/// element), links and images reduced to their text. For search and excerpts.
pub fn to_plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut hidden = 0usize;
    for event in Parser::new_ext(markdown, Options::empty()) {
        match event {
            Event::Text(text) | Event::Code(text) if hidden == 0 => out.push_str(&text),
            Event::SoftBreak | Event::HardBreak if hidden == 0 => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) if !out.is_empty() && !out.ends_with('\n') => out.push('\n'),
            Event::InlineHtml(html) => {
                let tag = html.trim_start_matches('<').to_ascii_lowercase();
                if tag.starts_with("script") || tag.starts_with("style") {
                    hidden += 1;
                } else if tag.starts_with("/script") || tag.starts_with("/style") {
                    hidden = hidden.saturating_sub(1);
                }
            }
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

/// The opening markup of an element and what closes it.
fn start(tag: &Tag<'_>) -> (String, Option<&'static str>) {
    let fixed = |open: &str, close: &'static str| (open.to_string(), Some(close));
    match tag {
        Tag::Paragraph => fixed("<p>", "</p>"),
        Tag::Heading { level, .. } => {
            let (open, close) = match level {
                HeadingLevel::H1 => ("<h3>", "</h3>"),
                HeadingLevel::H2 => ("<h4>", "</h4>"),
                HeadingLevel::H3 => ("<h5>", "</h5>"),
                _ => ("<h6>", "</h6>"),
            };
            fixed(open, close)
        }
        Tag::BlockQuote(_) => fixed("<blockquote>\n", "</blockquote>\n"),
        Tag::CodeBlock(CodeBlockKind::Indented | CodeBlockKind::Fenced(_)) => {
            fixed("<pre><code>", "</code></pre>\n")
        }
        Tag::List(None) => fixed("<ul>\n", "</ul>\n"),
        Tag::List(Some(1)) => fixed("<ol>\n", "</ol>\n"),
        Tag::List(Some(first)) => (format!("<ol start=\"{first}\">\n"), Some("</ol>\n")),
        Tag::Item => fixed("<li>", "</li>"),
        Tag::Emphasis => fixed("<em>", "</em>"),
        Tag::Strong => fixed("<strong>", "</strong>"),
        Tag::Link { dest_url, .. } if safe_address(dest_url) => {
            let mut open = String::from("<a href=\"");
            escape_into(&mut open, dest_url.trim());
            open.push_str("\" rel=\"noopener noreferrer nofollow\">");
            (open, Some("</a>"))
        }
        // Links elsewhere, images (their alternative text stays), HTML blocks and the rest.
        _ => (String::new(), None),
    }
}

/// Whether a link may keep its address: web and email addresses only.
fn safe_address(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| url.starts_with(scheme) && url.len() > scheme.len())
}

/// The text escaped for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text);
    out
}

/// Appends the text escaped for HTML text and attribute values.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_and_emphasis() {
        let html =
            to_html("Neglect was **seen late**.\n\n- Police\n- *Health*\n\n3. three\n4. four");
        assert_eq!(
            html,
            "<p>Neglect was <strong>seen late</strong>.</p>\n\
             <ul>\n<li>Police</li>\n<li><em>Health</em></li>\n</ul>\n\
             <ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>\n"
        );
    }

    #[test]
    fn headings_start_below_the_fields_label() {
        assert_eq!(to_html("# Themes"), "<h3>Themes</h3>\n");
        assert_eq!(to_html("## Early help"), "<h4>Early help</h4>\n");
        assert_eq!(to_html("###### Deep"), "<h6>Deep</h6>\n");
    }

    #[test]
    fn raw_html_is_dropped() {
        let html = to_html("<script>alert(1)</script>\n\nHello <b onclick=\"x()\">there</b> <img src=x onerror=alert(1)>");
        assert!(!html.to_lowercase().contains("script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("alert"), "{html}");
        assert!(html.contains("Hello there"), "{html}");
        let inline = to_html("before <script>steal()</script> after");
        assert_eq!(inline, "<p>before  after</p>\n");
    }

    #[test]
    fn only_web_and_email_links_keep_their_address() {
        assert_eq!(
            to_html("[plan](https://example.org/plan?a=1&b=\"2\")"),
            "<p><a href=\"https://example.org/plan?a=1&amp;b=&quot;2&quot;\" rel=\"noopener noreferrer nofollow\">plan</a></p>\n"
        );
        assert!(
            to_html("<mailto:office@example.org>").contains("href=\"mailto:office@example.org\"")
        );
        for bad in [
            "[x](javascript:alert(1))",
            "[x](JAVASCRIPT:alert(1))",
            "[x](data:text/html,hi)",
            "[x](/relative)",
            "[x](vbscript:msgbox)",
            "[x](http://)",
        ] {
            let html = to_html(bad);
            assert_eq!(html, "<p>x</p>\n", "{bad}");
        }
    }

    #[test]
    fn images_are_their_alternative_text() {
        assert_eq!(
            to_html("![a photo of the house](https://example.org/x.png)"),
            "<p>a photo of the house</p>\n"
        );
    }

    #[test]
    fn text_and_code_are_escaped() {
        assert_eq!(
            to_html("5 < 6 & \"q\" 'a' `<b>`"),
            "<p>5 &lt; 6 &amp; &quot;q&quot; &#39;a&#39; <code>&lt;b&gt;</code></p>\n"
        );
        assert_eq!(
            to_html("```\n<div>\n```"),
            "<pre><code>&lt;div&gt;\n</code></pre>\n"
        );
    }

    #[test]
    fn plain_text_keeps_the_words_only() {
        assert_eq!(
            to_plain_text(
                "# Themes\n\nNeglect was **seen late**.\n\n- Police\n- [plan](https://x.org) <b>bold</b>\n\n<script>steal()</script>\n\nline one\nline two"
            ),
            "Themes\nNeglect was seen late.\nPolice\nplan bold\nline one line two"
        );
        assert_eq!(
            to_plain_text("before <script>steal()</script> after"),
            "before  after"
        );
        assert_eq!(to_plain_text(""), "");
    }

    #[test]
    fn quotes_breaks_and_rules() {
        assert_eq!(
            to_html("> said\n\nline one  \nline two\n\n---"),
            "<blockquote>\n<p>said</p>\n</blockquote>\n<p>line one<br>\nline two</p>\n<hr>\n"
        );
        assert_eq!(to_html(""), "");
    }
}
