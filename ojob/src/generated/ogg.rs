//! Placeholder until the generator writes this file.

use crate::operation::{OperationError, Reply, ReplyBody};

/// The operations of the GoldenGate background requests API.
#[derive(Debug, clap::Subcommand)]
pub enum Operation {
    /// Lists the background requests.
    ListRequests,
}

impl Operation {
    /// Sends the operation with `client` and returns its reply.
    pub async fn call(self, client: &sdk_ogg::Client) -> Result<Reply, OperationError> {
        match self {
            Operation::ListRequests => {
                let reply = client.list_requests().send().await?;
                let status = reply.status().as_u16();
                let body = serde_json::to_value(reply.into_inner()).map_or(ReplyBody::Empty, ReplyBody::Json);
                Ok(Reply { status, body })
            }
        }
    }
}
