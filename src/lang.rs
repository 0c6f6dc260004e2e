//! Language codes: checked where a detector is built from a language list.
//!
//! A language filter keeps only the patterns of the languages it names, so a code that no
//! pattern carries (`EN`, `eng`, `english`, ` fr` with its space) selected nothing and a CI
//! gate passed without looking. The command line, `boilerguard.toml` and the Python bindings
//! all build their detector through [`crate::DetectorConfig::build`], which reads its list
//! through [`parse_languages`] and then requires every code to have patterns.

/// The ISO 639-1 codes, and `xx` (language-neutral patterns).
const KNOWN: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh", "bi", "bm", "bn",
    "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz", "ee", "el", "en",
    "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he",
    "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv",
    "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li",
    "ln", "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne",
    "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm",
    "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st",
    "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk",
    "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "xx", "yi", "yo", "za", "zh", "zu",
];

/// A language list that cannot select patterns.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LanguageError {
    /// Not an ISO 639-1 code.
    #[error("unknown language code `{0}`: expected a two-letter ISO 639-1 code such as `en` or `fr`, or `xx`")]
    Unknown(String),
    /// A valid code that no loaded pattern carries.
    #[error("no patterns for language `{code}` (patterns exist for: {available})")]
    NoPatterns {
        /// The code asked for.
        code: String,
        /// The languages that have patterns, comma-separated.
        available: String,
    },
}

/// Whether `code` (already lower-case) is an ISO 639-1 code or `xx`.
pub fn is_known(code: &str) -> bool {
    KNOWN.binary_search(&code).is_ok()
}

/// The codes of `list`, each item possibly comma-separated: trimmed, lower-cased, checked
/// to be ISO 639-1 (or `xx`), without empties and duplicates, in the order given.
pub fn parse_languages<S: AsRef<str>>(list: &[S]) -> Result<Vec<String>, LanguageError> {
    let mut out: Vec<String> = Vec::new();
    for code in list.iter().flat_map(|item| item.as_ref().split(',')) {
        let code = code.trim().to_lowercase();
        if code.is_empty() {
            continue;
        }
        if !is_known(&code) {
            return Err(LanguageError::Unknown(code));
        }
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(KNOWN.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn codes_are_trimmed_lower_cased_split_and_checked() {
        let ok: &[(&[&str], &[&str])] = &[
            (&["en"], &["en"]),
            (&["EN"], &["en"]),
            (&["en", " fr"], &["en", "fr"]),
            (&["en, fr"], &["en", "fr"]),
            (&["de,", "", " "], &["de"]),
            (&["xx", "En", "en"], &["xx", "en"]),
            (&[], &[]),
        ];
        for (given, expected) in ok {
            assert_eq!(parse_languages(given), Ok(expected.iter().map(|c| c.to_string()).collect()), "{given:?}");
        }
        for (given, bad) in
            [(&["eng"][..], "eng"), (&["english"], "english"), (&["en", "e"], "e"), (&["en_US"], "en_us")]
        {
            assert_eq!(parse_languages(given), Err(LanguageError::Unknown(bad.into())), "{given:?}");
        }
    }
}
