//! Forward-compatible string enums.
//!
//! Oracle adds states, causes and link relations between releases. A closed Rust enum would turn the first
//! unknown value into a failed response, losing everything else the server sent. Every enum of the specs is
//! therefore declared with [`open_enum!`](crate::open_enum): the documented values become variants, and any
//! other value lands in `Unknown(String)`, which serialises back exactly as it was received.
//!
//! Servers do not always spell a value as the page does: a real Fusion pod sends link relations in upper case
//! (`CANCEL`, `FORCECANCEL`) where the documentation says `cancel` and `forceCancel`. A value that differs from a
//! documented one only in ASCII letter case therefore reads as that documented variant.
//!
//! **Serialising.** A documented variant is always written in its documented spelling, whatever spelling it was
//! read in: `FORCECANCEL` reads as `forceCancel` and is sent back as `forceCancel`, so requests carry exactly what
//! the pages define. Only [`Unknown`](crate::open_enum) values are written back verbatim.

/// Declares a string enum that accepts values it does not know.
///
/// Each documented value is a variant with its wire string; the macro adds an `Unknown(String)` variant and
/// implements `as_str`, [`Display`](std::fmt::Display), [`FromStr`](std::str::FromStr) (infallible),
/// `From<&str>`, `From<String>`, `Serialize` and `Deserialize`.
///
/// Reading matches the documented spelling first, then the documented values ignoring ASCII case (the first in
/// declaration order wins); anything else is `Unknown`. Writing always uses the documented spelling of a known
/// variant.
///
/// ```
/// sdk_runtime::open_enum! {
///     /// The colour of a traffic light.
///     pub enum Light {
///         /// Stop.
///         Red = "RED",
///         /// Go.
///         Green = "GREEN",
///     }
/// }
///
/// let known: Light = serde_json::from_str("\"RED\"").unwrap();
/// assert_eq!(known, Light::Red);
///
/// let future: Light = serde_json::from_str("\"AMBER\"").unwrap();
/// assert_eq!(future, Light::Unknown("AMBER".to_owned()));
/// assert_eq!(serde_json::to_string(&future).unwrap(), "\"AMBER\"");
/// assert!(!future.is_known());
///
/// // Another letter case reads as the documented value, and is written back in the documented spelling.
/// let shouted: Light = serde_json::from_str("\"green\"").unwrap();
/// assert_eq!(shouted, Light::Green);
/// assert_eq!(serde_json::to_string(&shouted).unwrap(), "\"GREEN\"");
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the SDK does not know; it keeps the text exactly as the server sent it.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every value documented for this enum, in the order of the specification.
            pub const KNOWN_VALUES: &'static [&'static str] = &[$($value),*];

            /// The wire form of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(other) => other.as_str(),
                }
            }

            /// Whether this value is one of the documented ones.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $name {
            /// The documented variant `value` names, exactly or ignoring ASCII letter case.
            fn documented(value: &str) -> ::std::option::Option<Self> {
                match value {
                    $( $value => ::std::option::Option::Some(Self::$variant), )*
                    _ => {
                        $( if value.eq_ignore_ascii_case($value) {
                            return ::std::option::Option::Some(Self::$variant);
                        } )*
                        ::std::option::Option::None
                    }
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::documented(value).unwrap_or_else(|| Self::Unknown(value.to_owned()))
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::documented(&value).unwrap_or(Self::Unknown(value))
            }
        }

        impl ::std::convert::From<&::std::string::String> for $name {
            fn from(value: &::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                deserializer.deserialize_str($crate::__private::OpenEnumVisitor::<Self>::new(stringify!($name)))
            }
        }
    };
}

/// Serde visitor shared by every [`open_enum!`](crate::open_enum) type, so the macro expands to little code.
#[doc(hidden)]
pub struct OpenEnumVisitor<T> {
    name: &'static str,
    marker: std::marker::PhantomData<fn() -> T>,
}

impl<T> OpenEnumVisitor<T> {
    #[doc(hidden)]
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            marker: std::marker::PhantomData,
        }
    }
}

impl<T> serde::de::Visitor<'_> for OpenEnumVisitor<T>
where
    T: for<'a> From<&'a str> + From<String>,
{
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a string value of {}", self.name)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
        Ok(T::from(value))
    }
}

#[cfg(test)]
mod tests {
    crate::open_enum! {
        /// Test enum.
        pub enum Progress {
            /// Running.
            Running = "running",
            /// Done.
            Succeeded = "succeeded",
        }
    }

    #[test]
    fn known_values_round_trip() {
        for value in Progress::KNOWN_VALUES {
            let parsed: Progress = serde_json::from_value(serde_json::json!(value)).expect("parses");
            assert!(parsed.is_known());
            assert_eq!(
                serde_json::to_value(&parsed).expect("serialises"),
                serde_json::json!(value)
            );
        }
    }

    #[test]
    fn unknown_value_is_kept_verbatim() {
        let parsed: Progress = serde_json::from_str("\"Queued-Later\"").expect("parses");
        assert_eq!(parsed, Progress::Unknown("Queued-Later".into()));
        assert_eq!(parsed.to_string(), "Queued-Later");
        assert_eq!(serde_json::to_string(&parsed).expect("serialises"), "\"Queued-Later\"");
    }

    #[test]
    fn conversions_agree() {
        assert_eq!(Progress::from("running"), Progress::Running);
        assert_eq!(Progress::from(String::from("succeeded")), Progress::Succeeded);
        assert_eq!("running".parse::<Progress>(), Ok(Progress::Running));
    }

    crate::open_enum! {
        /// Test enum with values that differ only in case.
        pub enum Rel {
            /// Lower.
            Cancel = "cancel",
            /// Camel.
            ForceCancel = "forceCancel",
            /// Upper, documented too.
            CancelUpper = "CANCEL",
        }
    }

    #[test]
    fn other_letter_case_reads_as_the_documented_value() {
        assert_eq!(Progress::from("RUNNING"), Progress::Running);
        assert_eq!(Progress::from(String::from("Succeeded")), Progress::Succeeded);
        let parsed: Rel = serde_json::from_str("\"FORCECANCEL\"").expect("parses");
        assert_eq!(parsed, Rel::ForceCancel);
        // Written back in the documented spelling, as a request must carry it.
        assert_eq!(serde_json::to_string(&parsed).expect("serialises"), "\"forceCancel\"");
    }

    #[test]
    fn an_exact_spelling_wins_over_a_case_insensitive_one() {
        assert_eq!(Rel::KNOWN_VALUES, ["cancel", "forceCancel", "CANCEL"]);
        assert!(Rel::from("CANCEL").is_known());
        assert_eq!(Rel::from("CANCEL"), Rel::CancelUpper);
        assert_eq!(Rel::from("cancel"), Rel::Cancel);
        // Neither spelling exactly: the first documented value in declaration order.
        assert_eq!(Rel::from("Cancel"), Rel::Cancel);
    }

    #[test]
    fn values_differing_in_more_than_case_stay_unknown() {
        assert_eq!(Progress::from("run-ning"), Progress::Unknown("run-ning".into()));
        assert_eq!(Rel::from("force_cancel"), Rel::Unknown("force_cancel".into()));
        assert_eq!(Rel::from("force_cancel").to_string(), "force_cancel");
    }

    #[test]
    fn non_string_is_an_error_not_a_panic() {
        let err = serde_json::from_str::<Progress>("42").expect_err("a number is not a progress value");
        assert!(err.to_string().contains("Progress"), "{err}");
    }
}
