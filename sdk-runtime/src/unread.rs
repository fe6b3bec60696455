//! A success reply read whole but not yet decoded: for a caller that needs a few members of a large document on
//! most calls, and the whole document only on some (a waiter reads a job's state at every poll, and everything
//! else only once the job has ended).
//!
//! Every generated builder with a JSON reply has `send_unread()` beside `send()`; `send()` is
//! `send_unread().await?.decode()`.

use std::time::SystemTime;

use http::HeaderMap;
use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::reply::{JsonReply, parse_json, problem, unreadable_success};

/// A success reply whose body was read whole and is not decoded yet.
///
/// [`decode`](Self::decode) reads it as the operation's documented type `T`, as `send()` does;
/// [`peek`](Self::peek) reads it as a type of the caller's own, usually a struct of the few members it needs
/// (serde skips the others), and leaves the reply to be decoded afterwards. The body is kept as received, so
/// peeking and then decoding parses it twice, but sends one request.
///
/// Made by a generated `send_unread()`; the crate documentation of `sdk-ess` shows one in use (a request's
/// state read first, the whole request only when it failed).
#[derive(Debug)]
pub struct UnreadReply<T> {
    reply: JsonReply,
    decode: fn(JsonReply) -> Result<ResponseValue<T>, Error>,
}

impl<T> UnreadReply<T> {
    /// A reply that [`decode`](Self::decode) reads with `decode` (the generator picks the fastest decoding the
    /// documented type has).
    pub(crate) fn new(reply: JsonReply, decode: fn(JsonReply) -> Result<ResponseValue<T>, Error>) -> Self {
        Self { reply, decode }
    }

    /// The reply's HTTP status (a success).
    pub fn status(&self) -> StatusCode {
        self.reply.response.status()
    }

    /// The reply's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.reply.headers
    }

    /// The body, exactly as received.
    pub fn body(&self) -> &[u8] {
        &self.reply.body
    }

    /// The server's `Retry-After`, if it sent one, as a delay from now.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        crate::retry::retry_after(&self.reply.headers, SystemTime::now())
    }

    /// Reads the body as `V`, leaving the reply to be decoded afterwards. A body that is not JSON, or not a `V`,
    /// is an [`Error::InvalidBody`] like one of [`decode`](Self::decode).
    pub fn peek<V: DeserializeOwned>(&self) -> Result<V, Error> {
        parse_json(&self.reply.body).map_err(|e| {
            unreadable_success(
                self.reply.service,
                self.reply.operation,
                self.reply.method.clone(),
                &self.reply.response,
                self.reply.headers.clone(),
                self.reply.body.clone(),
                problem(&e),
            )
        })
    }

    /// The body read as `V`, or `None` when it cannot be (quietly: the caller decodes the reply next, which
    /// reports the problem).
    pub(crate) fn view<V: DeserializeOwned>(&self) -> Option<V> {
        parse_json(&self.reply.body).ok()
    }

    /// Decodes the body, once, as the operation's documented type: what `send()` returns. A body that is not
    /// JSON, or not a `T`, is an [`Error::InvalidBody`] that keeps the real status, the operation and the raw
    /// body.
    pub fn decode(self) -> Result<ResponseValue<T>, Error> {
        (self.decode)(self.reply)
    }
}
