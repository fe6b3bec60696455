//! Errors of the simulator's own API.

/// What can go wrong when starting or driving the simulator.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// No request with that id exists in the named service.
    #[error("no {service} request {id}")]
    UnknownRequest {
        /// `ess`, `ogg` or `analytics`.
        service: &'static str,
        /// The id asked for.
        id: String,
    },
    /// HTTPS could not be set up: a certificate or key that cannot be made, read or used.
    #[error("cannot serve HTTPS: {message}")]
    Tls {
        /// What went wrong, naming the file when one is at fault.
        message: String,
    },
    /// The CA certificate could not be written where clients are told to find it.
    #[error("cannot write the CA certificate to {path}: {source}")]
    CaFile {
        /// The file or directory.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}
