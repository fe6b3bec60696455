//! Entry points for the fuzz targets under `fuzz/`. Not part of the API: hidden from the documentation, exempt
//! from semver, and free to change with the targets that use them.
//!
//! The reading of an error reply (status, headers and body into an [`ApiError`]) happens inside the exchange on a
//! live `reqwest::Response`; this module hands the same code an in-memory reply, so a fuzzer can feed it any
//! status, headers and body without a server.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};

use crate::{ApiError, Error, Service};

/// Reads an error reply of `service` exactly as a call does: the service's error parser on the body, the request
/// id and `Retry-After` from the headers. Returns it as the [`Error`] a call would return.
///
/// `None` only if reading the in-memory body did not complete at once, which it always does.
pub fn error_reply(service: Service, status: StatusCode, headers: HeaderMap, body: Bytes) -> Option<Error> {
    let mut reply = http::Response::new(body);
    *reply.status_mut() = status;
    *reply.headers_mut() = headers;
    let response = reqwest::Response::from(reply);
    let capture = pin!(crate::reply::capture_error(
        service.name,
        service.parse_error,
        response,
        "fuzzed_operation",
        Method::GET,
    ));
    let api: ApiError = match capture.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(api) => api,
        Poll::Pending => return None,
    };
    Some(Error::Api(Box::new(api)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &[u8]) -> Option<crate::ServiceError> {
        (!body.is_empty()).then(|| crate::ServiceError {
            code: Some("CODE".to_owned()),
            ..Default::default()
        })
    }

    #[test]
    fn an_error_reply_keeps_status_headers_and_the_parsed_body() {
        let mut headers = HeaderMap::new();
        headers.insert("opc-request-id", "abc".parse().expect("valid"));
        headers.insert(http::header::RETRY_AFTER, "7".parse().expect("valid"));
        let error = error_reply(
            Service::new("TEST", parse),
            StatusCode::SERVICE_UNAVAILABLE,
            headers,
            Bytes::from_static(b"{}"),
        )
        .expect("an in-memory body is read at once");
        let api = error.api().expect("an API error");
        assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(api.request_id(), Some("abc"));
        assert_eq!(api.retry_after(), Some(std::time::Duration::from_secs(7)));
        assert_eq!(api.service_error().and_then(|e| e.code.as_deref()), Some("CODE"));
        assert_eq!(api.body().as_ref(), b"{}");
    }
}
