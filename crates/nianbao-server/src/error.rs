//! Why the server could not start (or stopped), in Chinese.

/// A reason not to serve.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// `--listen` on an address others can reach, without log-in.
    #[error("{0}")]
    Refused(String),
    #[error("{what}：{source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error("数据库 {path}：{message}")]
    Database { path: String, message: String },
    #[error("{0}")]
    Message(String),
}

impl ServeError {
    pub fn io(what: String, source: std::io::Error) -> ServeError {
        ServeError::Io { what, source }
    }
}
