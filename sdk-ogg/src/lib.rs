//! Typed async client for Oracle GoldenGate Microservices background requests.

mod generated;

pub use generated::*;
pub use sdk_runtime::{ApiError, Auth, ConfigError, Error, RetryPolicy, Secret, ServiceError, Timestamp, TokenSource};

/// The GoldenGate service as the runtime sees it.
pub const SERVICE: sdk_runtime::Service = sdk_runtime::Service::new("OGG", |_| None);

sdk_runtime::wire_client!(Client, SERVICE);
