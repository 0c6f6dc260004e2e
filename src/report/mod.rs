//! Everything that turns results into text for people or tools.
//!
//! [`record`] is the scan output record; [`human`] the readable scan view; [`explain`] the
//! block-by-block explanation; [`html`] the self-contained page of `--report`.
pub mod explain;
pub mod html;
pub mod human;
pub mod record;
