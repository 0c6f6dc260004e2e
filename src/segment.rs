//! Blocks: the paragraphs that get labels, with their byte spans in the original text.
//!
//! Scraped text puts one paragraph per line, so a line is a block by default. Hard-wrapped
//! text (a paragraph over several lines, paragraphs separated by blank lines) is recognised
//! by its shape, or chosen with [`BlockMode::Paragraphs`].
use crate::normalize::Breaks;
use memchr::memchr_iter;

/// How text is cut into blocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockMode {
    /// Paragraphs when the text looks hard-wrapped, else lines.
    #[default]
    Auto,
    /// Every non-blank line is a block.
    Lines,
    /// Runs of non-blank lines separated by blank lines are blocks.
    Paragraphs,
}

crate::named::named!(BlockMode, "block mode", { Auto => "auto", Lines => "lines", Paragraphs => "paragraphs" });

/// A block of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// Start of the block's content (leading white space excluded).
    pub start: usize,
    /// End of the block's content (trailing white space excluded), exclusive.
    pub end: usize,
    /// Start of the block's first line.
    pub outer_start: usize,
    /// End of the block's last line including its line terminator: removing
    /// `outer_start..outer_end` removes the block without leaving a blank line.
    pub outer_end: usize,
}

/// Lines of `text` as `(start, end_without_terminator, end_with_terminator)`.
fn lines(text: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut newlines = memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    std::iter::from_fn(move || {
        if start > bytes.len() || (start == bytes.len() && start > 0) {
            return None;
        }
        let nl = newlines.next()?;
        let line = (start, nl, (nl + 1).min(bytes.len()));
        start = nl + 1;
        Some(line)
    })
}

/// Trims white space (Unicode) from both ends of `text[start..end]`.
fn trim_span(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    (start + lead, start + lead + trimmed.len())
}

/// Lines longer than this (in chars) are not hard-wrapped.
const WRAP_WIDTH: usize = 120;

/// Whether `text` reads as hard-wrapped prose: blank lines between paragraphs, most lines
/// continued by another, and no line much longer than a terminal.
pub fn looks_hard_wrapped(text: &str) -> bool {
    let mut blank = 0usize;
    let mut nonblank = 0usize;
    let mut continued = 0usize;
    let mut previous_nonblank = false;
    for (start, end, _) in lines(text) {
        let line = &text[start..end];
        // One long line settles it; scraped text, one paragraph a line, is decided at its
        // first paragraph instead of after counting the chars of every line. A line of at
        // most WRAP_WIDTH bytes cannot have more chars, so most lines are never counted.
        if line.len() > WRAP_WIDTH && line.chars().count() > WRAP_WIDTH {
            return false;
        }
        if line.trim().is_empty() {
            blank += 1;
            previous_nonblank = false;
            continue;
        }
        nonblank += 1;
        if previous_nonblank {
            continued += 1;
        }
        previous_nonblank = true;
    }
    blank >= 1 && nonblank >= 4 && continued * 2 >= nonblank
}

/// Cuts `text` into blocks; also returns how normalization must treat line breaks so that
/// normalized blocks line up with these.
pub fn segment(text: &str, mode: BlockMode) -> (Vec<Block>, Breaks) {
    let paragraphs = match mode {
        BlockMode::Lines => false,
        BlockMode::Paragraphs => true,
        BlockMode::Auto => looks_hard_wrapped(text),
    };
    if paragraphs {
        (paragraph_blocks(text), Breaks::BlankLines)
    } else {
        (line_blocks(text), Breaks::Lines)
    }
}

fn line_blocks(text: &str) -> Vec<Block> {
    lines(text)
        .filter_map(|(start, end, outer_end)| {
            let (s, e) = trim_span(text, start, end);
            (s < e).then_some(Block { start: s, end: e, outer_start: start, outer_end })
        })
        .collect()
}

fn paragraph_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    for (start, end, outer_end) in lines(text) {
        let (s, e) = trim_span(text, start, end);
        if s == e {
            blocks.extend(current.take());
            continue;
        }
        match current.as_mut() {
            Some(block) => {
                block.end = e;
                block.outer_end = outer_end;
            }
            None => current = Some(Block { start: s, end: e, outer_start: start, outer_end }),
        }
    }
    blocks.extend(current);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str, mode: BlockMode) -> Vec<&str> {
        segment(text, mode).0.iter().map(|b| &text[b.start..b.end]).collect()
    }

    #[test]
    fn lines_are_blocks_and_blank_lines_vanish() {
        assert_eq!(spans("one\n\n  two  \r\nthree", BlockMode::Lines), vec!["one", "two", "three"]);
        assert_eq!(spans("", BlockMode::Lines), Vec::<&str>::new());
        assert_eq!(spans("\n\n\n", BlockMode::Lines), Vec::<&str>::new());
    }

    #[test]
    fn outer_span_covers_the_line_terminator() {
        let text = "a\nbb\r\nc";
        let (blocks, _) = segment(text, BlockMode::Lines);
        assert_eq!(&text[blocks[1].outer_start..blocks[1].outer_end], "bb\r\n");
        assert_eq!(&text[blocks[2].outer_start..blocks[2].outer_end], "c");
    }

    #[test]
    fn paragraphs_join_wrapped_lines() {
        let text = "First para\ncontinues here.\n\nSecond para\nalso wraps.\n";
        assert_eq!(spans(text, BlockMode::Paragraphs), vec!["First para\ncontinues here.", "Second para\nalso wraps."]);
    }

    #[test]
    fn auto_detects_hard_wrapped_text_only() {
        let wrapped =
            "This is a paragraph that\nwraps over lines like\nan email would.\n\nAnd a second one that\nalso wraps.\n";
        assert!(looks_hard_wrapped(wrapped));
        let scraped =
            "A long line of scraped text that is a whole paragraph.\nAnother whole paragraph.\nA third.\nA fourth.\n";
        assert!(!looks_hard_wrapped(scraped));
        assert_eq!(segment(wrapped, BlockMode::Auto).1, Breaks::BlankLines);
        assert_eq!(segment(scraped, BlockMode::Auto).1, Breaks::Lines);
    }
}
