//! Placeholder until the generator writes this file.

use crate::operation::{OperationError, Reply, ReplyBody};

/// The operations of the Oracle Analytics work requests API.
#[derive(Debug, clap::Subcommand)]
pub enum Operation {
    /// Gets a work request.
    GetWorkRequest {
        /// The work request id.
        #[arg(long)]
        id: String,
    },
}

impl Operation {
    /// Sends the operation with `client` and returns its reply.
    pub async fn call(self, client: &sdk_workrequests::Client) -> Result<Reply, OperationError> {
        match self {
            Operation::GetWorkRequest { id } => {
                let reply = client.get_work_request().id(id).send().await?;
                let status = reply.status().as_u16();
                let body = serde_json::to_value(reply.into_inner()).map_or(ReplyBody::Empty, ReplyBody::Json);
                Ok(Reply { status, body })
            }
        }
    }
}
