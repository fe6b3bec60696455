//! Catalog object ids, which Oracle Analytics wants Base64URL-encoded in URL paths.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The id of a catalog object (dataset, data flow, sequence, workbook) as Oracle Analytics names it, for example
/// `'admin'.'Quarterly Sales'` or `/shared/Sales/MySalesWorkbook`.
///
/// Oracle Analytics expects object ids in URL paths encoded with Base64URL (the URL-safe alphabet, `-` and `_`
/// instead of `+` and `/`) and without `=` padding, as its examples show. `ObjectId` does that encoding, so the
/// caller never writes it by hand: converting an `ObjectId` into a `String` gives the encoded form, which is what
/// the path parameters of the generated builders take.
///
/// ```
/// use sdk_workrequests::ObjectId;
///
/// let workbook = ObjectId::new("/shared/Sales/MySalesWorkbook");
/// assert_eq!(workbook.encoded(), "L3NoYXJlZC9TYWxlcy9NeVNhbGVzV29ya2Jvb2s");
///
/// let dataset = ObjectId::owner_name("admin", "Quarterly Sales");
/// assert_eq!(dataset.as_str(), "'admin'.'Quarterly Sales'");
///
/// // The path parameter form:
/// let path_parameter: String = (&dataset).into();
/// assert_eq!(path_parameter, dataset.encoded());
/// ```
///
/// Work request ids are not object ids: they are passed as received (see [`WorkRequestId`](crate::WorkRequestId)).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId {
    raw: String,
}

/// Why a Base64URL text is not an object id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ObjectIdError {
    /// The text is not Base64URL (or standard Base64).
    #[error("{encoded:?} is not Base64URL: {reason}")]
    NotBase64 {
        /// The text as given.
        encoded: String,
        /// What the decoder reported.
        reason: String,
    },
    /// The decoded bytes are not UTF-8 text.
    #[error("{encoded:?} does not decode to UTF-8 text")]
    NotText {
        /// The text as given.
        encoded: String,
    },
}

impl ObjectId {
    /// An object id as Oracle Analytics names it (not encoded).
    pub fn new(raw: impl Into<String>) -> Self {
        Self { raw: raw.into() }
    }

    /// The id `'owner'.'name'` of an object owned by `owner`, the form Oracle documents for datasets. Both parts
    /// are placed between single quotes as given.
    pub fn owner_name(owner: &str, name: &str) -> Self {
        Self {
            raw: format!("'{owner}'.'{name}'"),
        }
    }

    /// Reads an id that is already encoded, e.g. one copied from a URL of the Analytics console. Accepts the
    /// URL-safe alphabet with or without padding, and the standard alphabet.
    pub fn from_encoded(encoded: &str) -> Result<Self, ObjectIdError> {
        let trimmed = encoded.trim();
        let normalised: String = trimmed
            .trim_end_matches('=')
            .chars()
            .map(|c| match c {
                '+' => '-',
                '/' => '_',
                other => other,
            })
            .collect();
        let bytes = URL_SAFE_NO_PAD
            .decode(normalised.as_bytes())
            .map_err(|e| ObjectIdError::NotBase64 {
                encoded: encoded.to_owned(),
                reason: e.to_string(),
            })?;
        let raw = String::from_utf8(bytes).map_err(|_| ObjectIdError::NotText {
            encoded: encoded.to_owned(),
        })?;
        Ok(Self { raw })
    }

    /// The id as Oracle Analytics names it.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The id encoded for a URL path: Base64URL, no padding.
    pub fn encoded(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.raw.as_bytes())
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectId")
            .field("id", &self.raw)
            .field("encoded", &self.encoded())
            .finish()
    }
}

/// The path parameter form: Base64URL without padding.
impl From<ObjectId> for String {
    fn from(id: ObjectId) -> Self {
        id.encoded()
    }
}

/// The path parameter form: Base64URL without padding.
impl From<&ObjectId> for String {
    fn from(id: &ObjectId) -> Self {
        id.encoded()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oracle_examples_encode_without_padding() {
        assert_eq!(
            ObjectId::new("/shared/Sales/MySalesWorkbook").encoded(),
            "L3NoYXJlZC9TYWxlcy9NeVNhbGVzV29ya2Jvb2s"
        );
        assert_eq!(
            ObjectId::new("'cp:658'.'ce:3881'").encoded(),
            "J2NwOjY1OCcuJ2NlOjM4ODEn"
        );
    }

    #[test]
    fn url_safe_alphabet_is_used() {
        // Standard Base64 of these bytes contains '+' and '/'.
        let id = ObjectId::new("'admin'.'>>>???'");
        let encoded = id.encoded();
        assert!(
            !encoded.contains('+') && !encoded.contains('/') && !encoded.contains('='),
            "{encoded}"
        );
        assert!(encoded.contains('-') || encoded.contains('_'), "{encoded}");
    }

    #[test]
    fn encoded_ids_decode_in_every_form() {
        let id = ObjectId::new("/shared/Sales/MySalesWorkbook");
        for form in [
            "L3NoYXJlZC9TYWxlcy9NeVNhbGVzV29ya2Jvb2s",
            "L3NoYXJlZC9TYWxlcy9NeVNhbGVzV29ya2Jvb2s=",
            " L3NoYXJlZC9TYWxlcy9NeVNhbGVzV29ya2Jvb2s\n",
        ] {
            assert_eq!(ObjectId::from_encoded(form), Ok(id.clone()), "{form:?}");
        }
        let odd = ObjectId::new("'admin'.'>>>???'");
        let standard = odd.encoded().replace('-', "+").replace('_', "/");
        assert_eq!(ObjectId::from_encoded(&standard), Ok(odd));
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(matches!(
            ObjectId::from_encoded("not base64!"),
            Err(ObjectIdError::NotBase64 { .. })
        ));
        assert!(matches!(
            ObjectId::from_encoded("_w"),
            Err(ObjectIdError::NotText { .. })
        ));
    }

    #[test]
    fn conversions_give_the_path_form() {
        let id = ObjectId::owner_name("admin", "Sales");
        assert_eq!(id.as_str(), "'admin'.'Sales'");
        let by_ref: String = (&id).into();
        let by_value: String = id.clone().into();
        assert_eq!(by_ref, "J2FkbWluJy4nU2FsZXMn");
        assert_eq!(by_value, by_ref);
        assert_eq!(
            format!("{id:?}"),
            "ObjectId { id: \"'admin'.'Sales'\", encoded: \"J2FkbWluJy4nU2FsZXMn\" }"
        );
    }
}
