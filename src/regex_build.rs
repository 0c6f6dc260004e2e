//! Regex compilation, one way for everyone: the pattern loader checks each regex with it and
//! the matcher runs what it builds.
//!
//! It sits below both, so that the pattern files and the matcher share it without importing
//! each other.
use regex_automata::meta;

/// Compiles a pattern's regex the way the matcher runs it: letters folded like the
/// normalized text, ASCII case ignored, under the size limit. The configuration is the one
/// `regex::RegexBuilder` gives; the lower-level regex is used because it can also be tried
/// anchored at one position.
pub fn compile_regex(source: &str, size_limit: usize) -> Result<meta::Regex, Box<meta::BuildError>> {
    meta::Builder::new()
        .configure(
            meta::Config::new()
                .match_kind(regex_automata::MatchKind::LeftmostFirst)
                .utf8_empty(true)
                .nfa_size_limit(Some(size_limit))
                .onepass_size_limit(Some(size_limit))
                .dfa_size_limit(Some(size_limit))
                .hybrid_cache_capacity(2 * (1 << 20)),
        )
        .syntax(regex_automata::util::syntax::Config::new().utf8(true).case_insensitive(true))
        .build(&crate::normalize::fold_regex_letters(source))
        .map_err(Box::new)
}
