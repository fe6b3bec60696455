//! ESS refusals: every one is a `SimpleExceptionDetail` (`type`, `title`, `detail`, `errorCode`, `status`).

use serde_json::json;

use crate::reply::Reply;

/// A `SimpleExceptionDetail` reply.
pub(crate) fn error(status: u16, title: &str, detail: &str) -> Reply {
    let slug = match status {
        400 => "400-bad-request",
        401 => "401-unauthorized",
        403 => "403-forbidden",
        404 => "404-not-found",
        409 => "409-conflict",
        429 => "429-too-many-requests",
        500 => "500-internal-server-error",
        503 => "503-service-unavailable",
        _ => "status-codes",
    };
    Reply::json(
        status,
        &json!({
            "type": format!("https://www.rfc-editor.org/rfc/rfc9110#name-{slug}"),
            "title": title,
            "detail": detail,
            "errorCode": format!("ESS-00{status}"),
            "status": status,
        }),
    )
}

/// The default title of an error status.
pub(crate) fn title_of(status: u16) -> &'static str {
    match status {
        400 => "Unsupported state for operation",
        401 => "Unauthorized",
        403 => "Not authorized for this operation",
        404 => "Request ID not found",
        409 => "Conflict",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Scheduling sub-system error",
    }
}

/// 400: the request's state does not allow `action`.
pub(super) fn unsupported(state: &str, action: &str) -> Reply {
    error(
        400,
        "Unsupported state for operation",
        &format!("The request is in state {state}; {action} is not possible in this state."),
    )
}

/// 400: the request body is not what the operation takes.
pub(super) fn invalid(detail: &str) -> Reply {
    error(400, "Invalid input", detail)
}
