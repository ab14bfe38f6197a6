//! Field Markdown as a flat list of blocks (paragraphs, headings, list items, quotes, code)
//! with styled spans: the shape both the DOCX and the PPTX writers need. Raw HTML is
//! dropped, links become "text (address)", images their alternative text.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A run of text with one style. `text` may hold `\n` (a line break) and `\t`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Span {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
}

/// A list item's marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    Bullet,
    /// The `number`th item of ordered list `list` (lists are numbered from 0 in the order
    /// they start in the text), whose first item is numbered `start`.
    Number {
        list: usize,
        start: u64,
        number: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Paragraph,
    /// Level 1 to 6.
    Heading(u8),
    /// A list item at nesting `level` (0 = outermost). `marker` is `None` for a later
    /// paragraph of the same item, which is indented like the item but has no marker.
    Item {
        level: usize,
        marker: Option<Marker>,
    },
    /// A paragraph inside a block quote.
    Quote,
    /// A code block; its spans hold the lines separated by `\n`.
    Code,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    pub kind: BlockKind,
    pub spans: Vec<Span>,
}

impl Block {
    /// The block's text without styling.
    #[cfg(test)]
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

struct List {
    id: Option<usize>,
    start: u64,
    next: u64,
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    current: Option<Block>,
    /// The current block is a list item's marker paragraph still waiting for its text.
    fresh_item: bool,
    lists: Vec<List>,
    ordered_lists: usize,
    quote: usize,
    bold: usize,
    italic: usize,
    in_code_block: bool,
    /// Inside an inline `<script>` or `<style>` element, whose text is dropped.
    hidden: usize,
    /// Destination of each open link, and where its text starts (see [`Builder::mark`]).
    links: Vec<(String, (usize, usize))>,
}

impl Builder {
    fn flush(&mut self) {
        self.fresh_item = false;
        if let Some(mut block) = self.current.take() {
            if block.kind == BlockKind::Code {
                if let Some(last) = block.spans.last_mut() {
                    let trimmed = last.text.trim_end_matches('\n').len();
                    last.text.truncate(trimmed);
                }
            }
            block.spans.retain(|s| !s.text.is_empty());
            let keep = matches!(
                block.kind,
                BlockKind::Item {
                    marker: Some(_),
                    ..
                }
            ) || block.spans.iter().any(|s| !s.text.trim().is_empty());
            if keep {
                self.blocks.push(block);
            }
        }
    }

    /// The kind of a new paragraph at this point: in a list, a continuation of the item.
    fn paragraph_kind(&self) -> BlockKind {
        if !self.lists.is_empty() {
            BlockKind::Item {
                level: self.lists.len() - 1,
                marker: None,
            }
        } else if self.quote > 0 {
            BlockKind::Quote
        } else {
            BlockKind::Paragraph
        }
    }

    fn start_block(&mut self, kind: BlockKind) {
        self.flush();
        self.current = Some(Block {
            kind,
            spans: Vec::new(),
        });
    }

    fn push_text(&mut self, text: &str, code: bool) {
        if text.is_empty() || self.hidden > 0 {
            return;
        }
        if self.current.is_none() {
            let kind = self.paragraph_kind();
            self.start_block(kind);
        }
        self.fresh_item = false;
        let span = Span {
            text: text.to_string(),
            bold: self.bold > 0,
            italic: self.italic > 0,
            code: code || self.in_code_block,
        };
        if let Some(block) = self.current.as_mut() {
            match block.spans.last_mut() {
                Some(last)
                    if last.bold == span.bold
                        && last.italic == span.italic
                        && last.code == span.code =>
                {
                    last.text.push_str(&span.text)
                }
                _ => block.spans.push(span),
            }
        }
    }

    /// The text written since `mark` (spans, length of the span at that index).
    fn text_since(&self, mark: (usize, usize)) -> String {
        let Some(block) = self.current.as_ref() else {
            return String::new();
        };
        let mut out = String::new();
        for (i, span) in block.spans.iter().enumerate().skip(mark.0) {
            if i == mark.0 {
                out.push_str(span.text.get(mark.1..).unwrap_or(""));
            } else {
                out.push_str(&span.text);
            }
        }
        out
    }

    /// Where the next text will go: (index of the last span, its length in bytes).
    fn mark(&self) -> (usize, usize) {
        match self.current.as_ref() {
            Some(block) => match block.spans.last() {
                Some(last) => (block.spans.len() - 1, last.text.len()),
                None => (0, 0),
            },
            None => (0, 0),
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.push_text(&text, false),
            Event::Code(text) => self.push_text(&text, true),
            Event::InlineMath(text) | Event::DisplayMath(text) => self.push_text(&text, false),
            // Raw HTML is not carried into the files, nor the text of inline scripts
            // and style sheets. (An HTML block is all `Html` events, text included.)
            Event::Html(_) => {}
            Event::InlineHtml(html) => {
                let tag = html.trim_start_matches('<').to_ascii_lowercase();
                if tag.starts_with("script") || tag.starts_with("style") {
                    self.hidden += 1;
                } else if tag.starts_with("/script") || tag.starts_with("/style") {
                    self.hidden = self.hidden.saturating_sub(1);
                }
            }
            Event::FootnoteReference(label) => self.push_text(&format!("[{label}]"), false),
            Event::SoftBreak => self.push_text(" ", false),
            Event::HardBreak => self.push_text("\n", false),
            Event::Rule => self.flush(),
            Event::TaskListMarker(done) => {
                self.push_text(if done { "[x] " } else { "[ ] " }, false)
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                if self.fresh_item {
                    // The first paragraph of a loose list item: it carries the marker.
                    self.fresh_item = false;
                } else {
                    let kind = self.paragraph_kind();
                    self.start_block(kind);
                }
            }
            Tag::Heading { level, .. } => {
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
                self.start_block(BlockKind::Heading(level));
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote += 1;
            }
            Tag::CodeBlock(_) => {
                self.start_block(BlockKind::Code);
                self.in_code_block = true;
            }
            Tag::List(start) => {
                self.flush();
                let id = start.map(|_| {
                    self.ordered_lists += 1;
                    self.ordered_lists - 1
                });
                let start = start.unwrap_or(1);
                self.lists.push(List {
                    id,
                    start,
                    next: start,
                });
            }
            Tag::Item => {
                let level = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(List {
                        id: Some(list),
                        start,
                        next,
                    }) => {
                        let number = *next;
                        *next = next.saturating_add(1);
                        Marker::Number {
                            list: *list,
                            start: *start,
                            number,
                        }
                    }
                    _ => Marker::Bullet,
                };
                self.start_block(BlockKind::Item {
                    level,
                    marker: Some(marker),
                });
                self.fresh_item = true;
            }
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Link { dest_url, .. } => {
                let mark = self.mark();
                self.links.push((dest_url.to_string(), mark));
            }
            // Images keep their alternative text (the events inside the tag).
            Tag::Image { .. } => {}
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) => self.flush(),
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                self.flush();
                self.in_code_block = false;
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => self.flush(),
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Link => {
                if let Some((url, mark)) = self.links.pop() {
                    let text = self.text_since(mark);
                    let shown = url.strip_prefix("mailto:").unwrap_or(&url);
                    if !url.is_empty() && text.trim() != shown && text.trim() != url {
                        let (bold, italic) = (self.bold, self.italic);
                        self.bold = 0;
                        self.italic = 0;
                        self.push_text(&format!(" ({url})"), false);
                        self.bold = bold;
                        self.italic = italic;
                    }
                }
            }
            _ => {}
        }
    }
}

/// The blocks of a Markdown text (control characters already removed by the caller or
/// later by escaping).
pub(crate) fn parse(markdown: &str) -> Vec<Block> {
    let mut builder = Builder::default();
    for event in Parser::new_ext(markdown, Options::empty()) {
        builder.event(event);
    }
    builder.flush();
    builder.blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_and_texts(markdown: &str) -> Vec<(BlockKind, String)> {
        parse(markdown)
            .into_iter()
            .map(|b| (b.kind, b.text()))
            .collect()
    }

    #[test]
    fn paragraphs_headings_and_styles() {
        let blocks = parse("# Themes\n\nSome **bold** and *italic*\ntext.\n\n***both***");
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0].kind, BlockKind::Heading(1));
        assert_eq!(blocks[0].text(), "Themes");
        assert_eq!(blocks[1].text(), "Some bold and italic text.");
        let bold: Vec<_> = blocks[1].spans.iter().filter(|s| s.bold).collect();
        assert_eq!(bold.len(), 1);
        assert_eq!(bold[0].text, "bold");
        assert!(blocks[1]
            .spans
            .iter()
            .any(|s| s.italic && s.text == "italic"));
        assert!(blocks[2].spans[0].bold && blocks[2].spans[0].italic);
    }

    #[test]
    fn lists_tight_loose_nested_and_numbered() {
        let got =
            kinds_and_texts("- one\n- two\n  1. inner\n  2. inner two\n- three\n\n3. c\n4. d");
        let bullet = |level| BlockKind::Item {
            level,
            marker: Some(Marker::Bullet),
        };
        let number = |level, list, start, number| BlockKind::Item {
            level,
            marker: Some(Marker::Number {
                list,
                start,
                number,
            }),
        };
        assert_eq!(
            got,
            vec![
                (bullet(0), "one".into()),
                (bullet(0), "two".into()),
                (number(1, 0, 1, 1), "inner".into()),
                (number(1, 0, 1, 2), "inner two".into()),
                (bullet(0), "three".into()),
                (number(0, 1, 3, 3), "c".into()),
                (number(0, 1, 3, 4), "d".into()),
            ]
        );
        let loose = kinds_and_texts("- first\n\n  more of first\n\n- second\n");
        assert_eq!(
            loose,
            vec![
                (bullet(0), "first".into()),
                (
                    BlockKind::Item {
                        level: 0,
                        marker: None
                    },
                    "more of first".into()
                ),
                (bullet(0), "second".into()),
            ]
        );
    }

    #[test]
    fn html_dropped_links_and_images_as_text() {
        let got = kinds_and_texts(
            "<div>hidden block</div>\n\nSee <b>this</b> [the plan](https://x.org/p) and \
             <https://x.org> and ![a chart](c.png)<script>alert(1)</script>",
        );
        assert_eq!(
            got,
            vec![(
                BlockKind::Paragraph,
                "See this the plan (https://x.org/p) and https://x.org and a chart".into()
            )]
        );
    }

    #[test]
    fn quotes_code_and_breaks() {
        let got = kinds_and_texts("> quoted\n\n```\nlet x = 1;\n  y\n```\n\nline  \nbreak");
        assert_eq!(
            got,
            vec![
                (BlockKind::Quote, "quoted".into()),
                (BlockKind::Code, "let x = 1;\n  y".into()),
                (BlockKind::Paragraph, "line\nbreak".into()),
            ]
        );
        assert!(parse("`x`")[0].spans[0].code);
        assert!(parse("").is_empty());
        assert!(parse("   \n\n  ").is_empty());
    }
}
