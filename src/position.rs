//! Line, column and char offset of byte offsets in a text, found in one pass over it.
//!
//! `check` reports findings by line and column and `explain` gives Python char offsets; both
//! ask for offsets in text order, so reading on from the last one keeps a document linear.

/// 1-based line and char column of byte `at` in `text`, counted from the start: the reference
/// the incremental [`Cursor`] is tested against.
#[cfg(test)]
fn line_column(text: &str, at: usize) -> (u64, u64) {
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (before.matches('\n').count() as u64 + 1, before[line_start..].chars().count() as u64 + 1)
}

/// Where a byte offset lies in a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Position {
    /// 1-based line.
    pub(crate) line: u64,
    /// 1-based char column in that line.
    pub(crate) column: u64,
    /// Chars before it in the whole text.
    pub(crate) chars: u64,
}

/// Positions of the offsets of one text, each found by reading on from the last one: a
/// document's findings, in text order, cost one pass over it. Counting from the start for
/// each of them made `check` quadratic on a document of a thousand short appeal lines.
pub(crate) struct Cursor<'t> {
    text: &'t str,
    at: usize,
    here: Position,
}

impl<'t> Cursor<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        Cursor { text, at: 0, here: Position { line: 1, column: 1, chars: 0 } }
    }

    /// The position of byte `to` (a char boundary); an offset before the last one starts
    /// over from the beginning.
    pub(crate) fn seek(&mut self, to: usize) -> Position {
        if to < self.at {
            *self = Cursor::new(self.text);
        }
        for c in self.text[self.at..to].chars() {
            self.here.chars += 1;
            if c == '\n' {
                self.here.line += 1;
                self.here.column = 1;
            } else {
                self.here.column += 1;
            }
        }
        self.at = to;
        self.here
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_chars_from_the_line_start() {
        let text = "première ligne\nété: donate now";
        assert_eq!(line_column(text, 0), (1, 1));
        let at = text.find("donate").expect("present");
        assert_eq!(line_column(text, at), (2, 6));
        assert_eq!(line_column(text, text.len()), (2, 16));
    }

    #[test]
    fn the_cursor_gives_what_counting_from_the_start_gives() {
        let text = "première ligne\nété: donate now\n\n¿y tú?";
        let expected = |at: usize| {
            let (line, column) = line_column(text, at);
            Position { line, column, chars: text[..at].chars().count() as u64 }
        };
        let offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let mut cursor = Cursor::new(text);
        for &at in &offsets {
            assert_eq!(cursor.seek(at), expected(at), "at {at}");
        }
        // Backwards, each seek starts over.
        for &at in offsets.iter().rev() {
            assert_eq!(cursor.seek(at), expected(at), "back at {at}");
        }
    }

    #[test]
    fn the_cursor_counts_again_when_asked_for_an_earlier_offset() {
        let mut cursor = Cursor::new("ééé");
        assert_eq!(cursor.seek(4).chars, 2);
        assert_eq!(cursor.seek(2).chars, 1);
        assert_eq!(cursor.seek(6).chars, 3);
    }
}
