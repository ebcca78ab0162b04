//! The application core's errors. Every message is Chinese and complete: a
//! front end prints it as it is (the CLI after 「nianbao：」, the page in a
//! line of its own).

use crate::config::ConfigError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration file that cannot be used (names its file and line).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A file or folder that could not be read or written: what was being
    /// done, and the system's reason (in the message itself, not as a
    /// `source`, so that printing the chain does not say it twice).
    #[error("{what}: {cause}")]
    Io { what: String, cause: std::io::Error },
    /// Anything else, worded for the user.
    #[error("{0}")]
    Message(String),
}

impl Error {
    pub fn io(what: impl Into<String>, cause: std::io::Error) -> Error {
        Error::Io {
            what: what.into(),
            cause,
        }
    }

    pub fn message(text: impl Into<String>) -> Error {
        Error::Message(text.into())
    }
}
