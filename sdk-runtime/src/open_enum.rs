//! Forward-compatible string enums.
//!
//! Oracle adds states, causes and link relations between releases. A closed Rust enum would turn the first
//! unknown value into a failed response, losing everything else the server sent. Every enum of the specs is
//! therefore declared with [`open_enum!`](crate::open_enum): the documented values become variants, and any
//! other value lands in `Unknown(String)`, which serialises back exactly as it was received.

/// Declares a string enum that accepts values it does not know.
///
/// Each documented value is a variant with its wire string; the macro adds an `Unknown(String)` variant and
/// implements `as_str`, [`Display`](std::fmt::Display), [`FromStr`](std::str::FromStr) (infallible),
/// `From<&str>`, `From<String>`, `Serialize` and `Deserialize`.
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

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $( $value => Self::$variant, )*
                    _ => Self::Unknown(value),
                }
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
        // Case matters on the wire: Oracle's values are exact strings.
        assert_eq!(Progress::from("RUNNING"), Progress::Unknown("RUNNING".into()));
    }

    #[test]
    fn non_string_is_an_error_not_a_panic() {
        let err = serde_json::from_str::<Progress>("42").expect_err("a number is not a progress value");
        assert!(err.to_string().contains("Progress"), "{err}");
    }
}
