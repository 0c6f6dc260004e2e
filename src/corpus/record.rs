//! From a raw record to a document, and for JSONL back again.
//!
//! A JSONL line is read with a streaming visitor that keeps only the text and id fields, as
//! raw slices of the line. Cleaning then replaces the text value's bytes and nothing else:
//! other fields keep their order, their escapes and their number formatting exactly.
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// Which JSONL fields hold the text and the id.
#[derive(Clone, Debug)]
pub struct FieldNames {
    /// The text field (default `text`).
    pub text: String,
    /// The id field (default `id`).
    pub id: String,
}

impl Default for FieldNames {
    fn default() -> Self {
        FieldNames { text: "text".into(), id: "id".into() }
    }
}

/// A document ready for the detector.
#[derive(Debug)]
pub struct Document<'a> {
    /// The record id (JSONL id field, else `file:line`; the path for a text file).
    pub id: String,
    /// The text.
    pub text: Cow<'a, str>,
    /// For JSONL records: the line and where its text value sits.
    pub json: Option<JsonSplice<'a>>,
    /// For WARC records: the record's header and block.
    pub warc: Option<super::warc::WarcRecord<'a>>,
}

/// A JSONL line with the byte range of its text value.
#[derive(Debug)]
pub struct JsonSplice<'a> {
    /// The whole line.
    pub line: &'a str,
    /// The byte range of the text field's JSON value (quotes included).
    pub value: Range<usize>,
}

impl JsonSplice<'_> {
    /// The line with the text value replaced by `text`.
    pub fn with_text(&self, text: &str) -> String {
        let encoded = serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into());
        let mut out = String::with_capacity(self.line.len() - self.value.len() + encoded.len());
        out.push_str(&self.line[..self.value.start]);
        out.push_str(&encoded);
        out.push_str(&self.line[self.value.end..]);
        out
    }
}

/// The UTF-8 error of `bytes` phrased for users.
pub fn utf8_error(bytes: &[u8], e: std::str::Utf8Error) -> String {
    let at = e.valid_up_to();
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let column = at - bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
    format!("invalid UTF-8 at byte {at} (line {line}, column {column})")
}

/// Parses a text document (the whole file).
pub fn parse_text<'a>(bytes: &'a [u8], id: &str) -> Result<Document<'a>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| utf8_error(bytes, e))?;
    Ok(Document { id: id.to_string(), text: Cow::Borrowed(text), json: None, warc: None })
}

/// Parses one JSONL line. `fallback_id` is used when the id field is missing.
pub fn parse_record<'a>(bytes: &'a [u8], fields: &FieldNames, fallback_id: &str) -> Result<Document<'a>, String> {
    let line = std::str::from_utf8(bytes).map_err(|e| utf8_error(bytes, e))?;
    let mut de = serde_json::Deserializer::from_str(line);
    let found = Seed { fields }.deserialize(&mut de).map_err(|e| json_error(&e))?;
    de.end().map_err(|e| json_error(&e))?;
    let raw = found.text.ok_or_else(|| format!("missing field `{}`", fields.text))?;
    let text = match raw.get().as_bytes().first() {
        Some(b'"') => unquote(raw.get())?,
        _ => return Err(format!("field `{}` is {}, expected a string", fields.text, json_kind(raw.get()))),
    };
    let start = raw.get().as_ptr() as usize - line.as_ptr() as usize;
    let id = match found.id {
        Some(id) if id.get().starts_with('"') => {
            serde_json::from_str::<String>(id.get()).map_err(|e| json_error(&e))?
        }
        Some(id) if id.get() != "null" => id.get().to_string(),
        _ => fallback_id.to_string(),
    };
    let json = Some(JsonSplice { line, value: start..start + raw.get().len() });
    Ok(Document { id, text, json, warc: None })
}

/// The contents of a JSON string literal the parser has already checked: borrowed as it
/// stands when it holds no escape (most scraped text), which spares a second pass and a copy.
fn unquote(literal: &str) -> Result<Cow<'_, str>, String> {
    let inner = &literal[1..literal.len() - 1];
    if memchr::memchr(b'\\', inner.as_bytes()).is_none() {
        return Ok(Cow::Borrowed(inner));
    }
    serde_json::from_str(literal).map(Cow::Owned).map_err(|e| json_error(&e))
}

fn json_error(e: &serde_json::Error) -> String {
    format!("malformed JSON: {e}")
}

fn json_kind(raw: &str) -> &'static str {
    match raw.as_bytes().first() {
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        Some(b'[') => "an array",
        Some(b'{') => "an object",
        _ => "a number",
    }
}

struct Found<'de> {
    text: Option<&'de RawValue>,
    id: Option<&'de RawValue>,
}

struct Seed<'f> {
    fields: &'f FieldNames,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Found<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = Found { text: None, id: None };
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let slot = if *key == *self.fields.text {
                &mut found.text
            } else if *key == *self.fields.id {
                &mut found.id
            } else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if slot.is_some() {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            *slot = Some(map.next_value::<&'de RawValue>()?);
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Document<'_>, String> {
        parse_record(line.as_bytes(), &FieldNames::default(), "f:1")
    }

    #[test]
    fn extracts_text_and_id_and_splices_only_the_text() {
        let line = r#"{"id":"d1","n":1.50,"text":"A\u00e9\nB","meta":{"k":[1,2]}}"#;
        let doc = parse(line).unwrap();
        assert_eq!(doc.id, "d1");
        assert_eq!(doc.text, "Aé\nB");
        let out = doc.json.unwrap().with_text("A");
        assert_eq!(out, r#"{"id":"d1","n":1.50,"text":"A","meta":{"k":[1,2]}}"#);
    }

    #[test]
    fn text_without_escapes_is_borrowed_from_the_line() {
        assert!(matches!(parse(r#"{"text":"plain café"}"#).unwrap().text, Cow::Borrowed("plain café")));
        assert!(matches!(parse(r#"{"text":"a \"q\" b"}"#).unwrap().text, Cow::Owned(t) if t == r#"a "q" b"#));
        assert!(matches!(parse(r#"{"text":""}"#).unwrap().text, Cow::Borrowed("")));
    }

    #[test]
    fn numeric_and_missing_ids() {
        assert_eq!(parse(r#"{"id":17,"text":"x"}"#).unwrap().id, "17");
        assert_eq!(parse(r#"{"text":"x"}"#).unwrap().id, "f:1");
    }

    /// Each bad line and the reason it must be rejected with.
    const BAD: &[(&str, &str)] = &[
        (r#"{"id":1}"#, "missing field `text`"),
        (r#"{"text":null}"#, "field `text` is null"),
        (r#"{"text":12}"#, "field `text` is a number"),
        (r#"{"text":["a"]}"#, "field `text` is an array"),
        (r#"{"text":"a","text":"b"}"#, "duplicate key `text`"),
        (r#"{"text":"a""#, "malformed JSON"),
        (r#"{"text":"a"} x"#, "malformed JSON: trailing characters"),
        (r#"[1,2]"#, "malformed JSON"),
        ("{\"text\":\"a\tb\"}", "control character"),
        (r#"{"text":"a\qb"}"#, "invalid escape"),
    ];

    #[test]
    fn bad_lines_are_rejected_with_a_reason() {
        for (line, reason) in BAD {
            let err = parse(line).expect_err(line);
            assert!(err.contains(reason), "{line}: {err}");
        }
    }

    #[test]
    fn invalid_utf8_is_located() {
        let err = parse_record(b"{\"text\":\"a\xff\"}", &FieldNames::default(), "x").unwrap_err();
        assert!(err.contains("invalid UTF-8 at byte 10"), "{err}");
    }

    #[test]
    fn deep_nesting_is_skipped_without_recursion() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parse(&format!("{{\"text\":\"a\",\"x\":{deep}}}")).unwrap().text, "a");
        assert!(parse(&format!("{{\"text\":{deep}}}")).unwrap_err().contains("is an array"));
    }
}
