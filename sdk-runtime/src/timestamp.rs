//! Timestamps as Oracle actually sends them.
//!
//! The three services disagree on the format: ESS sends RFC 3339, Oracle Analytics sends `+0000` offsets and
//! one-digit fractions (`2022-07-06T20:25:11.0+0000`), GoldenGate's pattern allows a space or a lower-case `t`
//! between date and time, lower-case `z`, six fractional digits and a leap second. A strict parser would fail a
//! whole response on one odd field, so [`Timestamp`] never fails: it keeps the text as received and offers the
//! parsed instant when the text can be read.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time as sent by an Oracle service: the raw text, plus the instant when it can be parsed.
///
/// Equality, ordering and hashing use the raw text, so a value round-trips exactly.
///
/// ```
/// use sdk_runtime::Timestamp;
///
/// let t: Timestamp = "2022-07-06T20:25:11.0+0000".parse().unwrap();
/// assert_eq!(t.to_datetime().unwrap().to_rfc3339(), "2022-07-06T20:25:11+00:00");
/// assert_eq!(t.as_str(), "2022-07-06T20:25:11.0+0000");
///
/// let odd: Timestamp = "last tuesday".parse().unwrap();
/// assert!(odd.to_datetime().is_none());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    raw: String,
}

impl Timestamp {
    /// The text exactly as received (or as produced from a [`DateTime`]).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The instant in UTC, or `None` when the text is not a timestamp this parser understands.
    ///
    /// Accepted: RFC 3339 / ISO 8601 with `T`, `t` or a space between date and time; `Z`, `z`, `+hh:mm`, `+hhmm`
    /// or `+hh` offsets; no offset at all (read as UTC); up to nine fractional digits; minutes without seconds;
    /// a leap second (`:60`); and a bare date (read as midnight UTC).
    pub fn to_datetime(&self) -> Option<DateTime<Utc>> {
        parse_lenient(&self.raw)
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Self {
            raw: value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        }
    }
}

impl FromStr for Timestamp {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self { raw: s.to_owned() })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.raw)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

/// Reads a timestamp's text as it comes; some servers send epoch milliseconds where a date-time is documented, and
/// those are kept as text too. A visitor rather than an untagged enum: that would copy each value into a buffer and
/// then into the string it keeps.
struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date-time as text, or a number")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Timestamp, E> {
        Ok(Timestamp { raw: text.to_owned() })
    }

    fn visit_string<E: de::Error>(self, raw: String) -> Result<Timestamp, E> {
        Ok(Timestamp { raw })
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Timestamp, E> {
        Ok(Timestamp { raw: n.to_string() })
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Timestamp, E> {
        Ok(Timestamp { raw: n.to_string() })
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Timestamp, E> {
        // Written as serde_json writes a number (`1e+21`, not Rust's `1000000000000000000000`).
        match serde_json::Number::from_f64(n) {
            Some(number) => Ok(Timestamp {
                raw: number.to_string(),
            }),
            None => Err(E::invalid_value(de::Unexpected::Float(n), &self)),
        }
    }
}

fn parse_lenient(raw: &str) -> Option<DateTime<Utc>> {
    let text = raw.trim();
    if text.len() == 10 {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|naive| naive.and_utc());
    }
    let mut normal = String::with_capacity(text.len() + 3);
    for (i, c) in text.char_indices() {
        match c {
            ' ' | 't' if i == 10 => normal.push('T'),
            'z' => normal.push('Z'),
            _ => normal.push(c),
        }
    }
    if let Ok(parsed) = DateTime::parse_from_rfc3339(&normal) {
        return Some(parsed.with_timezone(&Utc));
    }
    // `+0000`, `+00` and missing seconds.
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z"] {
        if let Ok(parsed) = DateTime::parse_from_str(&normal, format) {
            return Some(parsed.with_timezone(&Utc));
        }
    }
    let zulu = normal.strip_suffix('Z').unwrap_or(&normal);
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(zulu, format) {
            return Some(naive.and_utc());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instant(raw: &str) -> Option<String> {
        Timestamp::from_str(raw)
            .ok()
            .and_then(|t| t.to_datetime())
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }

    #[test]
    fn oracle_variants_parse_to_the_same_instant() {
        let expected = Some("2022-07-06T20:25:11Z".to_owned());
        for raw in [
            "2022-07-06T20:25:11Z",
            "2022-07-06T20:25:11.0+0000",
            "2022-07-06T20:25:11+0000",
            "2022-07-06T20:25:11+00:00",
            "2022-07-06T20:25:11+00",
            "2022-07-06 20:25:11Z",
            "2022-07-06t20:25:11z",
            "2022-07-06T20:25:11.000000Z",
            "2022-07-06T20:25:11",
            "2022-07-06T22:25:11+02:00",
            "2022-07-06T13:25:11.0-0700",
        ] {
            assert_eq!(instant(raw), expected, "{raw}");
        }
    }

    #[test]
    fn six_fraction_digits_are_kept() {
        assert_eq!(
            instant("2019-01-08T18:11:38.123456Z").as_deref(),
            Some("2019-01-08T18:11:38.123456Z")
        );
    }

    #[test]
    fn leap_second_minutes_and_dates() {
        assert!(instant("2016-12-31T23:59:60Z").is_some());
        assert_eq!(instant("2024-10-12T20:00Z").as_deref(), Some("2024-10-12T20:00:00Z"));
        assert_eq!(instant("2024-10-12").as_deref(), Some("2024-10-12T00:00:00Z"));
    }

    #[test]
    fn garbage_is_kept_not_rejected() {
        for raw in ["", "soon", "2022-13-45T99:99:99Z", "2022-07-06T20:25:11+0000 trailing"] {
            let t: Timestamp = serde_json::from_value(serde_json::json!(raw)).expect("never fails on a string");
            assert_eq!(t.as_str(), raw);
            assert_eq!(t.to_datetime(), None, "{raw}");
        }
    }

    #[test]
    fn round_trips_verbatim() {
        let raw = "\"2022-07-06T20:25:11.0+0000\"";
        let t: Timestamp = serde_json::from_str(raw).expect("parses");
        assert_eq!(serde_json::to_string(&t).expect("serialises"), raw);
    }

    #[test]
    fn epoch_numbers_are_kept_as_text() {
        let t: Timestamp = serde_json::from_str("1657139111000").expect("parses");
        assert_eq!(t.as_str(), "1657139111000");
        let negative: Timestamp = serde_json::from_str("-999").expect("parses");
        assert_eq!(negative.as_str(), "-999");
        let fraction: Timestamp = serde_json::from_str("1657139111.5").expect("parses");
        assert_eq!(fraction.as_str(), "1657139111.5");
        let large: Timestamp = serde_json::from_str("1e21").expect("parses");
        assert_eq!(large.as_str(), "1e+21", "written as serde_json writes a number");
    }

    #[test]
    fn other_json_types_are_errors_that_say_what_was_expected() {
        for body in ["true", "[]", "{}"] {
            let error = serde_json::from_str::<Timestamp>(body).expect_err(body).to_string();
            assert!(error.contains("a date-time as text, or a number"), "{body}: {error}");
        }
        let absent: Option<Timestamp> = serde_json::from_str("null").expect("null is an absent timestamp");
        assert_eq!(absent, None);
    }

    #[test]
    fn from_datetime_is_rfc3339() {
        let d = DateTime::parse_from_rfc3339("2022-07-06T20:25:11Z")
            .expect("valid")
            .with_timezone(&Utc);
        assert_eq!(Timestamp::from(d).as_str(), "2022-07-06T20:25:11Z");
    }
}
