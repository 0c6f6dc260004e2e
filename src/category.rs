//! The fixed set of boilerplate categories (listed in the README and `docs/output-record.md`).
//!
//! Categories are a closed enum rather than free strings so that a typo in a pattern file or
//! on the command line is an error at load time, not a silently empty category.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A kind of editorial boilerplate. Everything that is none of these is body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Appeal for reader money, membership or "support".
    Donation,
    /// Opinion/views disclaimer or a standalone "opinion" label.
    Disclaimer,
    /// Newsletter or alert sign-up prompt.
    Newsletter,
    /// Paywall or subscription offer not framed as support.
    Subscription,
    /// Follow/share/app prompts.
    Social,
    /// Read-more and related-link lines.
    Related,
    /// Copyright, republishing and licensing notices.
    Rights,
    /// Affiliate and sponsorship disclosures.
    Affiliate,
    /// AI-generation or AI-assistance disclosures.
    Ai,
}

impl Category {
    /// Every category, in documentation order.
    pub const ALL: [Category; 9] = [
        Category::Donation,
        Category::Disclaimer,
        Category::Newsletter,
        Category::Subscription,
        Category::Social,
        Category::Related,
        Category::Rights,
        Category::Affiliate,
        Category::Ai,
    ];

    /// The lower-case name used in pattern files, output records and flags.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Donation => "donation",
            Category::Disclaimer => "disclaimer",
            Category::Newsletter => "newsletter",
            Category::Subscription => "subscription",
            Category::Social => "social",
            Category::Related => "related",
            Category::Rights => "rights",
            Category::Affiliate => "affiliate",
            Category::Ai => "ai",
        }
    }

    /// Dense index, for per-category arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The coarse label used by evaluation data: donation and disclaimer keep their name,
    /// every other category is `other`.
    pub fn eval_label(self) -> &'static str {
        match self {
            Category::Donation => "donation",
            Category::Disclaimer => "disclaimer",
            _ => "other",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing an unknown category name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown category `{0}` (expected one of: donation, disclaimer, newsletter, subscription, social, related, rights, affiliate, ai)")]
pub struct UnknownCategory(pub String);

impl FromStr for Category {
    type Err = UnknownCategory;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| UnknownCategory(s.to_string()))
    }
}

/// Parses a comma-separated list of categories (`donation,disclaimer`); `all` selects every one.
pub fn parse_list(list: &str) -> Result<Vec<Category>, UnknownCategory> {
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if name == "all" {
            return Ok(Category::ALL.to_vec());
        }
        let c: Category = name.parse()?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(c));
            assert_eq!(Category::ALL[c.index()], c);
        }
    }

    #[test]
    fn list_parsing_rejects_unknown_and_accepts_all() {
        assert_eq!(parse_list("donation, disclaimer").unwrap(), vec![Category::Donation, Category::Disclaimer]);
        assert_eq!(parse_list("all").unwrap().len(), 9);
        assert_eq!(parse_list("donation,bogus").unwrap_err(), UnknownCategory("bogus".into()));
    }

    #[test]
    fn eval_labels_fold_minor_categories_into_other() {
        assert_eq!(Category::Donation.eval_label(), "donation");
        assert_eq!(Category::Rights.eval_label(), "other");
    }
}
