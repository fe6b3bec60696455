//! Path parameters written straight into a call's URL, percent-encoded as they are written.

use std::fmt::{self, Display, Write as _};

/// A path parameter as one URL path segment: its `Display` text, with every byte that may not stand for itself in
/// a segment percent-encoded.
///
/// Used by the generated calls in `format!` (`format!("{}/requests/{}", base, PathSegment(&id))`), so that a
/// segment costs no allocation of its own: an integer id is written digit by digit, unchanged.
///
/// What stays as it is: letters, digits, `-._~` and the characters RFC 3986 allows in a segment without meaning
/// (`!$&'()*+,=:@`); ids with a colon, as Analytics writes them (`lfc-cc:13347-c9:3962654`), keep it. Everything
/// else is encoded, `;` included: Java servers (ESS and Analytics run on them) cut a path at `;` to read
/// parameters from it, so an id containing one would otherwise reach them shortened.
///
/// ```
/// use sdk_runtime::call::PathSegment;
///
/// assert_eq!(PathSegment(&300_000_012_345_680_i64).to_string(), "300000012345680");
/// assert_eq!(PathSegment("lfc-cc:13347").to_string(), "lfc-cc:13347");
/// assert_eq!(PathSegment("a/b;c d[1]").to_string(), "a%2Fb%3Bc%20d%5B1%5D");
/// assert_eq!(PathSegment("é").to_string(), "%C3%A9");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct PathSegment<'a, T: ?Sized>(pub &'a T);

impl<T: Display + ?Sized> Display for PathSegment<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(Encoder(f), "{}", self.0)
    }
}

/// Passes text on to a formatter with every byte outside [`stands_for_itself`] percent-encoded.
struct Encoder<'a, 'b>(&'a mut fmt::Formatter<'b>);

impl fmt::Write for Encoder<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let bytes = text.as_bytes();
        let mut start = 0;
        for (at, &byte) in bytes.iter().enumerate() {
            if stands_for_itself(byte) {
                continue;
            }
            // A run of kept bytes is ASCII, so it starts and ends on character boundaries; an empty run may not
            // (between the bytes of one escaped character) and is not sliced at all.
            if start < at {
                self.0.write_str(&text[start..at])?;
            }
            let escaped = [b'%', HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0x0f)]];
            // Three ASCII bytes: always valid UTF-8.
            self.0
                .write_str(std::str::from_utf8(&escaped).map_err(|_| fmt::Error)?)?;
            start = at + 1;
        }
        match text.get(start..) {
            Some(rest) => self.0.write_str(rest),
            None => Ok(()),
        }
    }
}

/// Whether a byte may stand for itself in a path segment (RFC 3986 `pchar`, less `;`).
fn stands_for_itself(byte: u8) -> bool {
    KEPT[usize::from(byte)]
}

/// [`stands_for_itself`] as a table: one load per byte of a segment.
static KEPT: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b'='
                    | b':'
                    | b'@'
            );
        byte += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::PathSegment;

    #[test]
    fn integers_are_written_unchanged() {
        assert_eq!(PathSegment(&-42_i64).to_string(), "-42");
        assert_eq!(PathSegment(&u64::MAX).to_string(), "18446744073709551615");
    }

    #[test]
    fn every_byte_that_would_change_the_url_is_encoded() {
        for (raw, encoded) in [
            ("a/b", "a%2Fb"),
            ("a?b#c", "a%3Fb%23c"),
            ("100%", "100%25"),
            ("x;jsessionid=1", "x%3Bjsessionid=1"),
            ("[|^]`{}<>\"\\", "%5B%7C%5E%5D%60%7B%7D%3C%3E%22%5C"),
            ("tab\there", "tab%09here"),
            ("ü:é", "%C3%BC:%C3%A9"),
            ("日本", "%E6%97%A5%E6%9C%AC"),
            ("", ""),
        ] {
            assert_eq!(PathSegment(raw).to_string(), encoded, "{raw:?}");
        }
    }

    #[test]
    fn what_a_segment_allows_is_kept() {
        let kept = "AZaz09-._~!$&'()*+,=:@";
        assert_eq!(PathSegment(kept).to_string(), kept);
    }

    #[test]
    fn the_encoded_segment_is_read_back_as_the_same_text() {
        let raw = "bidr-1E3 09/é;x%";
        let url = reqwest::Url::parse(&format!("http://h/r/{}", PathSegment(raw))).expect("a valid URL");
        let segment = url.path_segments().and_then(|mut s| s.nth(1)).expect("two segments");
        let decoded = percent_encoding::percent_decode_str(segment)
            .decode_utf8()
            .expect("UTF-8");
        assert_eq!(decoded, raw);
    }
}
