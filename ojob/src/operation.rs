//! What the generated operation commands (`generated/*.rs`) hand back: the reply of one call, whatever its shape,
//! and the errors an operation command can meet before or during the call.

/// The reply of one operation, as the command prints it.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status the server answered with.
    pub status: u16,
    /// The reply's body.
    pub body: ReplyBody,
}

/// The body of a [`Reply`].
#[derive(Debug)]
pub enum ReplyBody {
    /// A JSON document: the operation's typed reply, serialised back.
    Json(serde_json::Value),
    /// No body (204, 202 without a document).
    Empty,
}

/// Why an operation command did not produce a [`Reply`].
#[derive(Debug, thiserror::Error)]
pub enum OperationError {
    /// The call failed: the server's error, a transport failure, a bad argument.
    #[error(transparent)]
    Call(#[from] sdk_runtime::Error),
}
