//! The normalized view of text that patterns are matched against, and the map back.
//!
//! Scraped text spells the same phrase many ways: `’` or `'`, `—` or `-`, a no-break space
//! (U+00A0, or U+202F before French `?`) where a space was typed, soft hyphens and zero-width
//! characters left by CMSs, capitals in headings. Matching on a normalized copy lets one
//! phrase cover every spelling. Every offset found in the normalized text must be reported in
//! the original, so normalization records a sparse map: a point each time the distance
//! between the two texts changes. ASCII and same-length case changes (most Latin, Cyrillic,
//! Greek and CJK text) add no points, so the map stays tiny.
//!
//! Documents are normalized with every letter folded: the copy is made anyway, and folding
//! ASCII while copying it in bulk is cheaper than an automaton that folds ASCII case itself
//! (`docs/performance.md`). `AsciiCase::Keep` remains for callers whose
//! consumer folds ASCII case on its own.

use std::sync::OnceLock;

/// How line breaks inside a white-space run are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Breaks {
    /// Every line is its own block: a run containing a newline becomes `\n`.
    Lines,
    /// Blank lines separate blocks: a run with two or more newlines becomes `\n`, a single
    /// wrapped line break becomes a space so phrases match across it.
    BlankLines,
    /// No break survives: every run becomes one space (for phrases and single blocks).
    None,
}

/// Whether ASCII letters are lower-cased as well as the rest of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsciiCase {
    /// Left alone: the consumer folds ASCII case itself.
    Keep,
    /// Lower-cased like every other letter.
    Fold,
}

/// A normalized copy of a text with the map back to byte offsets of the original.
#[derive(Clone, Debug, Default)]
pub struct Normalized {
    text: String,
    map: OffsetMap,
}

impl Normalized {
    /// The normalized text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The offset map back to the original.
    pub fn map(&self) -> &OffsetMap {
        &self.map
    }
}

/// Sparse, monotonic map from normalized byte offsets to original byte offsets.
#[derive(Clone, Debug, Default)]
pub struct OffsetMap {
    /// `(normalized offset, original offset)` at every change of the distance between them.
    points: Vec<(usize, usize)>,
    original_len: usize,
}

impl OffsetMap {
    fn raw(&self, normalized: usize) -> usize {
        let i = self.points.partition_point(|&(n, _)| n <= normalized);
        let mapped = if i == 0 {
            normalized
        } else {
            let (n, o) = self.points[i - 1];
            o + (normalized - n)
        };
        mapped.min(self.original_len)
    }

    /// Original offset of a match that starts at `normalized`, on a char boundary of
    /// `original` (rounded down when one original char became several normalized ones).
    pub fn start(&self, normalized: usize, original: &str) -> usize {
        floor_char_boundary(original, self.raw(normalized))
    }

    /// Original offset of a match that ends at `normalized` (exclusive), rounded up to a char
    /// boundary of `original`.
    pub fn end(&self, normalized: usize, original: &str) -> usize {
        ceil_char_boundary(original, self.raw(normalized))
    }

    /// The normalized offset of original offset `original` (exact at the start of any char
    /// that was kept; inside a dropped or collapsed run, the position of what follows it).
    pub fn to_normalized(&self, original: usize) -> usize {
        let i = self.points.partition_point(|&(_, o)| o <= original);
        if i == 0 {
            return original;
        }
        let (n, o) = self.points[i - 1];
        let next_n = self.points.get(i).map_or(usize::MAX, |&(n, _)| n);
        (n + (original - o)).min(next_n)
    }

    /// Number of map points (zero when the normalized text lines up byte for byte).
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// True when no offset moved.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
}

/// The largest char boundary of `s` at or before `i`.
pub fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `s` at or after `i`.
pub fn ceil_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Characters that carry no text: soft hyphen, zero-width and bidirectional marks, BOM.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Writes the folded form of a non-white-space `c` to `out`.
fn fold_char(c: char, ascii: AsciiCase, out: &mut String) {
    if c.is_ascii() {
        out.push(if ascii == AsciiCase::Fold { c.to_ascii_lowercase() } else { c });
        return;
    }
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '\u{00B4}' | '\u{FF07}' => {
            out.push('\'')
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' | '\u{2033}' | '\u{FF02}' => {
            out.push('"')
        }
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{2043}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => out.push('-'),
        '\u{2026}' => out.push_str("..."),
        // Case folding beyond lower-casing: final sigma and sharp s.
        '\u{03C2}' => out.push('\u{03C3}'),
        '\u{00DF}' | '\u{1E9E}' => out.push_str("ss"),
        // Full-width ASCII forms, common in CJK text.
        '\u{FF01}'..='\u{FF5E}' => {
            let ascii = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
            fold_char(ascii, ascii_fold_for_fullwidth(ascii), out)
        }
        _ => push_lowercase(c, out),
    }
}

/// Chars up to here (Latin, Greek, Cyrillic, Armenian) have their lower case in a table.
const LOWER_TABLE_END: u32 = 0x0530;

/// Pushes the lower case of a non-ASCII `c`. The standard library searches a table of every
/// cased char for each one; European letters are looked up in a small table instead, and
/// the scripts without case (CJK, kana, Hangul, Thai) are copied as they are.
fn push_lowercase(c: char, out: &mut String) {
    static LOWER: OnceLock<Vec<char>> = OnceLock::new();
    if is_unspaced_script(c) {
        out.push(c);
        return;
    }
    if (c as u32) < LOWER_TABLE_END {
        let table = LOWER.get_or_init(|| {
            // '\0' marks the few chars whose lower case is longer than one char (`İ`).
            (0..LOWER_TABLE_END).map(|u| char::from_u32(u).map_or('\0', single_lowercase)).collect()
        });
        let lower = table[c as usize];
        if lower != '\0' {
            out.push(lower);
            return;
        }
    }
    out.extend(c.to_lowercase());
}

fn single_lowercase(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => '\0',
    }
}

/// Scripts written without spaces between words (the matcher checks no word boundary there),
/// none of which has case.
pub(crate) fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF   // Thai, Lao
        | 0x1100..=0x11FF // Hangul Jamo
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xAC00..=0xD7AF // Hangul syllables (particles attach to words)
        | 0xF900..=0xFAFF
        | 0x20000..=0x3FFFF)
}

fn ascii_fold_for_fullwidth(_: char) -> AsciiCase {
    // Full-width letters are rare enough that folding them outright is simpler than keeping
    // the ASCII case for the automaton.
    AsciiCase::Fold
}

fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r')
}

/// End of the run of ASCII text starting at `j` that normalizes to itself when ASCII case is
/// kept: non-space ASCII bytes, and single spaces between them. Words of eight bytes that are
/// plain throughout are skipped whole; the byte where that cannot be told from the word alone
/// (a space last, say) is checked by itself, and the skipping resumes after it.
fn plain_ascii_run(bytes: &[u8], mut j: usize) -> usize {
    loop {
        j = skip_plain_words(bytes, j);
        if !is_plain_at(bytes, j) {
            return j;
        }
        j += 1;
    }
}

/// Whether the byte at `j` belongs to a plain run: non-space ASCII, or a single space
/// followed by such a byte.
fn is_plain_at(bytes: &[u8], j: usize) -> bool {
    let plain = |b: u8| b < 0x80 && !is_ascii_space(b);
    match bytes.get(j) {
        Some(&b' ') => bytes.get(j + 1).is_some_and(|&n| plain(n)),
        Some(&b) => plain(b),
        None => false,
    }
}

/// Skips eight bytes at a time while they are certainly plain: no byte at or above 0x80,
/// none below 0x0E (which holds the white space other than the space), no two spaces in a
/// row and no space last (its successor is in the next word). A loop over single bytes was
/// most of the time normalization took on ASCII text.
fn skip_plain_words(bytes: &[u8], mut j: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    while let Some(chunk) = bytes.get(j..j + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // Non-zero when some byte is below 0x0E (borrows may mark more bytes; the test is
        // only whether any is).
        let below_0e = x.wrapping_sub(ONES * 0x0E) & !x & HIGH;
        // High bit set in every byte that is a space.
        let spaces = x ^ (ONES * 0x20);
        let space_mask = !(((spaces & LOW7).wrapping_add(LOW7)) | spaces | LOW7);
        let two_spaces = space_mask & (space_mask >> 8);
        let space_last = space_mask >> 56;
        if x & HIGH != 0 || below_0e != 0 || two_spaces != 0 || space_last != 0 {
            break;
        }
        j += 8;
    }
    j
}

/// Normalizes `text`. See the module documentation for what changes.
pub fn normalize(text: &str, breaks: Breaks, ascii: AsciiCase) -> Normalized {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut points = Vec::new();
    let mut delta: isize = 0;
    // A pending white-space run: the original offset of its first char and its newline count.
    let mut run: Option<(usize, usize)> = None;

    let mut mark = |out: &String, orig: usize, points: &mut Vec<(usize, usize)>| {
        let d = out.len() as isize - orig as isize;
        if d != delta {
            points.push((out.len(), orig));
            delta = d;
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (c, len) = if b < 0x80 {
            (b as char, 1)
        } else {
            let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
            (c, c.len_utf8())
        };
        if c.is_whitespace() {
            let newline = usize::from(c == '\n');
            run = Some(match run {
                Some((start, n)) => (start, n + newline),
                None => (i, newline),
            });
            i += len;
            continue;
        }
        if is_invisible(c) {
            i += len;
            continue;
        }
        if let Some((start, newlines)) = run.take() {
            mark(&out, start, &mut points);
            out.push(run_char(newlines, breaks));
        }
        mark(&out, i, &mut points);
        if b < 0x80 {
            // The common case, copied in bulk: offsets do not move inside it.
            let end = plain_ascii_run(bytes, i);
            let from = out.len();
            out.push_str(&text[i..end]);
            if ascii == AsciiCase::Fold {
                out[from..].make_ascii_lowercase();
            }
            i = end;
            continue;
        }
        fold_char(c, ascii, &mut out);
        i += len;
    }
    if let Some((start, newlines)) = run {
        mark(&out, start, &mut points);
        out.push(run_char(newlines, breaks));
    }
    Normalized { text: out, map: OffsetMap { points, original_len: text.len() } }
}

fn run_char(newlines: usize, breaks: Breaks) -> char {
    match breaks {
        Breaks::Lines if newlines >= 1 => '\n',
        Breaks::BlankLines if newlines >= 2 => '\n',
        _ => ' ',
    }
}

/// A regex with its non-ASCII letters folded like text (`ß` → `ss`, `É` → `é`, `ς` → `σ`),
/// so that a regex written with them matches the normalized text. Only letters change:
/// regex syntax is ASCII, so nothing else is touched.
pub fn fold_regex_letters(regex: &str) -> String {
    let mut out = String::with_capacity(regex.len());
    for c in regex.chars() {
        if !c.is_ascii() && c.is_alphabetic() {
            fold_char(c, AsciiCase::Keep, &mut out);
        } else {
            out.push(c);
        }
    }
    out
}

/// The fully folded form of a phrase, as stored in the automaton: ASCII lower-cased too,
/// surrounding white space trimmed.
pub fn fold_phrase(phrase: &str) -> String {
    normalize(phrase, Breaks::None, AsciiCase::Fold).as_str().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s, Breaks::Lines, AsciiCase::Fold).as_str().to_string()
    }

    /// Checks that every normalized char boundary maps onto an original char boundary, in
    /// order, and that mapping a found substring gives back the original spelling.
    fn maps_back(original: &str, needle_normalized: &str, expected_original: &str) {
        let n = normalize(original, Breaks::Lines, AsciiCase::Fold);
        let at = n.as_str().find(needle_normalized).expect("needle in normalized text");
        let start = n.map().start(at, original);
        let end = n.map().end(at + needle_normalized.len(), original);
        assert_eq!(&original[start..end], expected_original);
    }

    #[test]
    fn table_lowercase_agrees_with_the_standard_library_on_every_char() {
        for c in (0x80..0x3_0000).filter_map(char::from_u32) {
            let mut ours = String::new();
            push_lowercase(c, &mut ours);
            assert_eq!(ours, c.to_lowercase().collect::<String>(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn typographic_apostrophe_matches_ascii() {
        assert_eq!(norm("l’auteur"), "l'auteur");
        assert_eq!(norm("l'auteur"), "l'auteur");
        maps_back("celles de l’auteur et", "l'auteur", "l’auteur");
    }

    #[test]
    fn no_break_spaces_before_french_punctuation_become_one_space() {
        assert_eq!(norm("informés\u{00A0}?"), "informés ?");
        assert_eq!(norm("informés\u{202F}?"), "informés ?");
        assert_eq!(norm("informés \u{202F}\u{00A0} ?"), "informés ?");
        maps_back("vous tenir informés\u{202F}? Merci", "informés ?", "informés\u{202F}?");
    }

    #[test]
    fn accented_capitals_fold() {
        assert_eq!(norm("ÉPOCH Été"), "époch été");
    }

    #[test]
    fn cyrillic_and_greek_case_fold() {
        assert_eq!(norm("ПОДДЕРЖИТЕ НАС"), "поддержите нас");
        assert_eq!(norm("ΣΤΗΡΙΞΤΕ ΜΑΣ"), norm("στηρίξτε μας").replace('ί', "ι"));
        assert_eq!(norm("μας"), "μασ");
        maps_back("Пожалуйста, ПОДДЕРЖИТЕ нас.", "поддержите", "ПОДДЕРЖИТЕ");
    }

    #[test]
    fn cjk_without_spaces_keeps_every_char() {
        assert_eq!(norm("支持我们的新闻工作"), "支持我们的新闻工作");
        maps_back("请支持我们的新闻工作。", "支持我们", "支持我们");
        assert_eq!(norm("ｄｏｎａｔｅ！"), "donate!");
    }

    #[test]
    fn entirely_multibyte_text_maps_back() {
        let text = "寄付のお願い\u{3000}ご支援ください";
        assert_eq!(norm(text), "寄付のお願い ご支援ください");
        maps_back(text, "ご支援", "ご支援");
    }

    #[test]
    fn invisible_chars_dropped_and_dashes_folded() {
        assert_eq!(norm("do\u{00AD}nate\u{200B} now — please"), "donate now - please");
        maps_back("x do\u{00AD}nate y", "donate", "do\u{00AD}nate");
    }

    #[test]
    fn sharp_s_expands_and_maps_to_boundaries() {
        let text = "Großartig";
        let n = normalize(text, Breaks::Lines, AsciiCase::Fold);
        assert_eq!(n.as_str(), "grossartig");
        let end = n.map().end(3, text);
        assert!(text.is_char_boundary(end));
    }

    #[test]
    fn line_modes() {
        let text = "a\nb\n\n c";
        assert_eq!(normalize(text, Breaks::Lines, AsciiCase::Keep).as_str(), "a\nb\nc");
        assert_eq!(normalize(text, Breaks::BlankLines, AsciiCase::Keep).as_str(), "a b\nc");
        assert_eq!(normalize(text, Breaks::None, AsciiCase::Keep).as_str(), "a b c");
    }

    #[test]
    fn regex_letters_fold_like_text() {
        assert_eq!(fold_regex_letters(r"Straße (?:\w+ ){0,2}ÉTÉ"), r"Strasse (?:\w+ ){0,2}éTé");
    }

    #[test]
    fn ascii_case_kept_when_asked() {
        assert_eq!(normalize("Donate NOW", Breaks::Lines, AsciiCase::Keep).as_str(), "Donate NOW");
        assert_eq!(fold_phrase("  Donate NOW "), "donate now");
    }

    /// [`plain_ascii_run`] a byte at a time: the definition it is checked against.
    fn plain_ascii_run_bytewise(bytes: &[u8], mut j: usize) -> usize {
        while is_plain_at(bytes, j) {
            j += 1;
        }
        j
    }

    proptest::proptest! {
        #[test]
        fn word_at_a_time_run_agrees_with_the_bytewise_one(
            bytes in proptest::collection::vec(proptest::sample::select(vec![b'a', b'b', b'c', b'd', b'e', b'f', b'g', b'Z', b' ', b' ', b'\t', b'\n', b'\r', 0x0B, 0x0C, 0x0D, 0x0E, 0x01, 0x7F, 0x80, 0xC3, 0xFF, b'.']), 0..96),
            start in 0usize..96,
        ) {
            let start = start.min(bytes.len());
            proptest::prop_assert_eq!(plain_ascii_run(&bytes, start), plain_ascii_run_bytewise(&bytes, start));
        }
    }

    #[test]
    fn word_at_a_time_run_stops_where_it_must() {
        let text = b"plain words here  then\ttab and caf\xC3\xA9 end ";
        for start in 0..text.len() {
            assert_eq!(plain_ascii_run(text, start), plain_ascii_run_bytewise(text, start), "from {start}");
        }
    }

    #[test]
    fn original_offsets_map_to_normalized_ones() {
        let text = "Ab\u{00A0}\u{00A0}l’x\u{200B}y";
        let n = normalize(text, Breaks::Lines, AsciiCase::Keep);
        assert_eq!(n.as_str(), "Ab l'xy");
        for (orig, norm) in [(0, 0), (2, 2), (6, 3), (7, 4), (10, 5), (14, 6), (15, 7)] {
            assert_eq!(n.map().to_normalized(orig), norm, "original {orig}");
        }
    }

    #[test]
    fn map_is_monotonic_on_mixed_text() {
        let text = "A\u{00A0}\u{00A0}b’c\u{200B}ßΣ  \n\n x";
        let n = normalize(text, Breaks::Lines, AsciiCase::Fold);
        let mut last = 0;
        for i in 0..=n.as_str().len() {
            let o = n.map().start(i, text);
            assert!(o >= last, "offset map went backwards at {i}");
            assert!(text.is_char_boundary(o));
            last = o;
        }
    }
}
