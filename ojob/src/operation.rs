//! What the generated operation commands (`generated/*.rs`) hand back: the reply of one call, whatever its shape,
//! and the errors an operation command can meet before or during the call; plus the steps every generated command
//! shares, kept here so that the generated code stays a list of calls: reading a request body from a file or
//! standard input and completing it with flags, and receiving a download.

use std::fmt;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use futures_util::StreamExt as _;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The reply of one operation, as the command prints it.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status the server answered with.
    pub status: u16,
    /// The reply headers the spec documents for the operation and the server sent, as `(lower-case name,
    /// value)`: what a user needs and the body does not carry (Analytics' `oa-work-request-id` on a 202).
    pub headers: Vec<(String, String)>,
    /// The reply's body.
    pub body: ReplyBody,
}

/// The body of a [`Reply`].
#[derive(Debug)]
pub enum ReplyBody {
    /// A JSON document: the operation's typed reply, serialised back.
    Json(Value),
    /// No body (204, 202 without a document).
    Empty,
    /// A downloaded file, held for standard output (the command had no `--output-file`).
    Bytes(Vec<u8>),
    /// A downloaded file, written to `--output-file`.
    Saved {
        /// Where it was written.
        path: PathBuf,
        /// How many bytes were written.
        bytes: u64,
    },
}

impl ReplyBody {
    /// The typed reply `value` as JSON. Serialised back from the client's type rather than passed through, so
    /// that what is printed is what the SDK read (and what a Rust user of the SDK would see).
    pub fn json<T: Serialize>(value: T) -> Result<Self, OperationError> {
        serde_json::to_value(value)
            .map(Self::Json)
            .map_err(OperationError::Reply)
    }
}

/// The reply headers that were sent, out of the documented ones the generated code looked up.
pub fn headers<const N: usize>(found: [(&str, Option<&str>); N]) -> Vec<(String, String)> {
    found
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_owned(), value?.to_owned())))
        .collect()
}

/// Receives a download: into `output_file` when one is given, else into memory for standard output.
pub async fn download<S, B, E>(mut stream: S, output_file: Option<&Path>) -> Result<ReplyBody, OperationError>
where
    S: futures_util::Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::error::Error + Send + Sync + 'static,
{
    let stream_error = |e: E| OperationError::Download(Box::new(e));
    let Some(path) = output_file else {
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(chunk.map_err(stream_error)?.as_ref());
        }
        return Ok(ReplyBody::Bytes(bytes));
    };
    let write_error = |error| OperationError::OutputFile {
        path: path.to_owned(),
        error,
    };
    let mut file = std::fs::File::create(path).map_err(write_error)?;
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(stream_error)?;
        file.write_all(chunk.as_ref()).map_err(write_error)?;
        written += chunk.as_ref().len() as u64;
    }
    file.flush().map_err(write_error)?;
    Ok(ReplyBody::Saved {
        path: path.to_owned(),
        bytes: written,
    })
}

/// Where a request body came from, as an error names it.
#[derive(Debug, Clone)]
pub enum BodyOrigin {
    /// `--body-json FILE`.
    File(PathBuf),
    /// `--body-json -`.
    Stdin,
    /// Only flags were given.
    Flags,
}

impl fmt::Display for BodyOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => write!(f, "the body file {}", path.display()),
            Self::Stdin => f.write_str("the body read from standard input"),
            Self::Flags => f.write_str("the body given by flags"),
        }
    }
}

/// A request body being assembled: the document of `--body-json`, if any, completed by the body flags.
#[derive(Debug)]
pub struct Body {
    origin: BodyOrigin,
    document: Option<Value>,
}

impl Body {
    /// Reads `--body-json`: `None` when it was not given, `-` for standard input, else a file.
    pub fn read(source: Option<&str>) -> Result<Self, OperationError> {
        let (origin, text) = match source {
            None => {
                return Ok(Self {
                    origin: BodyOrigin::Flags,
                    document: None,
                });
            }
            Some("-") => {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|error| OperationError::BodyRead {
                        origin: BodyOrigin::Stdin,
                        error,
                    })?;
                (BodyOrigin::Stdin, text)
            }
            Some(path) => {
                let origin = BodyOrigin::File(PathBuf::from(path));
                let text = std::fs::read_to_string(path).map_err(|error| OperationError::BodyRead {
                    origin: origin.clone(),
                    error,
                })?;
                (origin, text)
            }
        };
        let document = serde_json::from_str(&text).map_err(|error| OperationError::BodyNotJson {
            origin: origin.clone(),
            error,
        })?;
        Ok(Self {
            origin,
            document: Some(document),
        })
    }

    /// Sets the member `name` from its flag, when the flag was given: a flag overrides the file.
    pub fn member<T: Serialize>(&mut self, name: &str, value: Option<T>) -> Result<(), OperationError> {
        let Some(value) = value else { return Ok(()) };
        let value = serde_json::to_value(value).map_err(OperationError::Reply)?;
        let document = self.document.get_or_insert_with(|| Value::Object(Default::default()));
        match document {
            Value::Object(members) => {
                members.insert(name.to_owned(), value);
                Ok(())
            }
            _ => Err(OperationError::BodyNotObject {
                origin: self.origin.clone(),
            }),
        }
    }

    /// The body as the operation's type `T`. `required` is the spec's word; `flags` lists the body flags for the
    /// error that asks for a body. An optional body that was not given at all is an empty object.
    pub fn typed<T: DeserializeOwned>(
        self,
        command: &'static str,
        required: bool,
        flags: &'static str,
    ) -> Result<T, OperationError> {
        let document = match self.document {
            Some(document) => document,
            None if required => return Err(OperationError::MissingBody { command, flags }),
            None => Value::Object(Default::default()),
        };
        serde_path_to_error::deserialize(document).map_err(|error| OperationError::BodyInvalid {
            origin: self.origin,
            command,
            path: error.path().to_string(),
            error: error.into_inner(),
        })
    }
}

/// Why an operation command did not produce a [`Reply`].
#[derive(Debug, thiserror::Error)]
pub enum OperationError {
    /// The call failed: the server's error, a transport failure, a bad argument.
    #[error(transparent)]
    Call(#[from] sdk_runtime::Error),
    /// `--body-json` named a file (or standard input) that could not be read.
    #[error("cannot read {origin}: {error}")]
    BodyRead {
        /// What was read.
        origin: BodyOrigin,
        /// Why it failed.
        #[source]
        error: std::io::Error,
    },
    /// The body given is not JSON at all.
    #[error("{origin} is not JSON: {error}")]
    BodyNotJson {
        /// What was read.
        origin: BodyOrigin,
        /// Where the JSON breaks (line and column).
        #[source]
        error: serde_json::Error,
    },
    /// Body flags were given with a body document that is not a JSON object.
    #[error("{origin} is not a JSON object, so the body flags cannot complete it")]
    BodyNotObject {
        /// What was read.
        origin: BodyOrigin,
    },
    /// The body is JSON but not what the operation takes.
    #[error("{origin} is not a valid body for `{command}`: at `{path}`: {error}")]
    BodyInvalid {
        /// What was read.
        origin: BodyOrigin,
        /// The command (the operation's kebab-case name).
        command: &'static str,
        /// Where in the document (`requestParameters[0].name`; `.` for the whole document).
        path: String,
        /// What is wrong there.
        #[source]
        error: serde_json::Error,
    },
    /// The operation needs a body and neither `--body-json` nor a body flag was given.
    #[error("`{command}` needs a request body: give --body-json FILE (or - to read standard input){flags}")]
    MissingBody {
        /// The command.
        command: &'static str,
        /// `, or the flags --a, --b` when the body has flags, else empty.
        flags: &'static str,
    },
    /// The reply could not be written back as JSON.
    #[error("the reply cannot be written as JSON: {0}")]
    Reply(#[source] serde_json::Error),
    /// A download broke off.
    #[error("the download broke off: {0}")]
    Download(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// `--output-file` could not be written.
    #[error("cannot write {}: {error}", path.display())]
    OutputFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        error: std::io::Error,
    },
}

impl OperationError {
    /// Whether the command line itself was wrong (a body missing, unreadable or not what the operation takes), as
    /// opposed to the call failing: nothing was sent, and the usage exit code applies.
    pub fn is_bad_usage(&self) -> bool {
        matches!(
            self,
            Self::BodyRead { .. }
                | Self::BodyNotJson { .. }
                | Self::BodyNotObject { .. }
                | Self::BodyInvalid { .. }
                | Self::MissingBody { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Submit {
        #[serde(rename = "jobDefinitionId")]
        job_definition_id: String,
        #[serde(default)]
        priority: Option<i32>,
    }

    fn body(document: Value) -> Body {
        Body {
            origin: BodyOrigin::File(PathBuf::from("submit.json")),
            document: Some(document),
        }
    }

    #[test]
    fn flags_override_and_complete_the_file() {
        let mut b = body(serde_json::json!({"jobDefinitionId": "from-file", "priority": 1}));
        b.member("jobDefinitionId", Some("from-flag")).expect("an object");
        b.member::<i32>("priority", None).expect("nothing to set");
        let typed: Submit = b.typed("submit-request", true, "").expect("valid");
        assert_eq!(
            typed,
            Submit {
                job_definition_id: "from-flag".to_owned(),
                priority: Some(1)
            }
        );
    }

    #[test]
    fn a_wrong_member_is_named_with_the_file_and_its_path() {
        let b = body(serde_json::json!({"jobDefinitionId": "x", "priority": "high"}));
        let error = b
            .typed::<Submit>("submit-request", true, "")
            .expect_err("a string priority");
        let message = error.to_string();
        assert!(
            message.contains("submit.json") && message.contains("`priority`") && message.contains("submit-request"),
            "{message}"
        );
    }

    #[test]
    fn a_required_body_given_no_way_is_asked_for() {
        let b = Body::read(None).expect("nothing to read");
        let error = b
            .typed::<Submit>("submit-request", true, ", or the flags --job-definition-id")
            .expect_err("no body");
        assert!(error.to_string().contains("--body-json") && error.to_string().contains("--job-definition-id"));
        assert!(error.is_bad_usage());
        let optional: Value = Body::read(None)
            .expect("nothing to read")
            .typed("run-data-flow", false, "")
            .expect("an empty body");
        assert_eq!(optional, serde_json::json!({}));
    }

    #[test]
    fn flags_cannot_complete_a_document_that_is_not_an_object() {
        let mut b = body(serde_json::json!([1, 2]));
        let error = b.member("priority", Some(3)).expect_err("a list");
        assert!(error.to_string().contains("submit.json"), "{error}");
    }
}
