//! Placeholder until the generator writes this file.

use crate::operation::{OperationError, Reply, ReplyBody};

/// The operations of the ESS REST API.
#[derive(Debug, clap::Subcommand)]
pub enum Operation {
    /// Gets the root resource.
    GetRoot,
}

impl Operation {
    /// Sends the operation with `client` and returns its reply.
    pub async fn call(self, client: &sdk_ess::Client) -> Result<Reply, OperationError> {
        match self {
            Operation::GetRoot => {
                let reply = client.get_root().send().await?;
                let status = reply.status().as_u16();
                let body = serde_json::to_value(reply.into_inner()).map_or(ReplyBody::Empty, ReplyBody::Json);
                Ok(Reply { status, body })
            }
        }
    }
}
