//! Enums whose values have fixed names: block mode, input format, error policy, output
//! formats.
//!
//! Front ends (the command line, the Python bindings, configuration files) name these values
//! in text. Each enum lists its names here once, so every front end parses and prints them
//! alike and the library needs no argument parser.
use std::fmt;

/// An enum with a fixed, lower-case name for each value.
pub trait Named: Copy + 'static {
    /// What a value is, for messages (`block mode`).
    const WHAT: &'static str;
    /// Every value, in documentation order.
    const ALL: &'static [Self];
    /// The value's name.
    fn name(self) -> &'static str;
}

/// A name that is none of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}` (expected one of: {expected})")]
pub struct UnknownName {
    /// What was being named (`block mode`).
    pub what: &'static str,
    /// The name given.
    pub value: String,
    /// The known names, comma-separated.
    pub expected: String,
}

/// Parses `name` as one of `T`'s values.
pub fn parse<T: Named>(name: &str) -> Result<T, UnknownName> {
    T::ALL.iter().copied().find(|v| v.name() == name).ok_or_else(|| UnknownName {
        what: T::WHAT,
        value: name.to_string(),
        expected: T::ALL.iter().map(|v| v.name()).collect::<Vec<_>>().join(", "),
    })
}

/// Writes a value's name; the `Display` of every [`Named`] enum.
pub fn write<T: Named>(value: T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(value.name())
}

/// Implements [`Named`], `Display` and `FromStr` for an enum from its list of names.
macro_rules! named {
    ($ty:ty, $what:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $crate::named::Named for $ty {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[$(<$ty>::$variant),+];
            fn name(self) -> &'static str {
                match self {
                    $(<$ty>::$variant => $name),+
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                $crate::named::write(*self, f)
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::named::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::named::parse(s)
            }
        }
    };
}
pub(crate) use named;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::OnError;
    use crate::check::Format;
    use crate::corpus::InputFormat;
    use crate::report::scan::ScanFormat;
    use crate::segment::BlockMode;

    fn round_trips<T: Named + PartialEq + fmt::Debug + fmt::Display + std::str::FromStr>() {
        for &value in T::ALL {
            assert_eq!(value.to_string(), value.name());
            assert_eq!(value.name().parse::<T>().ok(), Some(value), "{}", value.name());
        }
    }

    #[test]
    fn every_name_parses_back_to_its_value() {
        round_trips::<BlockMode>();
        round_trips::<InputFormat>();
        round_trips::<OnError>();
        round_trips::<ScanFormat>();
        round_trips::<Format>();
    }

    #[test]
    fn unknown_names_list_the_known_ones_without_naming_a_flag() {
        let err = "para".parse::<BlockMode>().unwrap_err();
        assert_eq!(err.to_string(), "unknown block mode `para` (expected one of: auto, lines, paragraphs)");
    }
}
