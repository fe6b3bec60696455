//! Typed async client for Oracle Analytics work requests.

mod generated;

pub use generated::*;
pub use sdk_runtime::{ApiError, Auth, ConfigError, Error, RetryPolicy, Secret, ServiceError, Timestamp, TokenSource};

/// The Oracle Analytics service as the runtime sees it.
pub const SERVICE: sdk_runtime::Service = sdk_runtime::Service::new("OAC", |_| None);

sdk_runtime::wire_client!(Client, SERVICE);
