//! What the server is started with: address, data folder, limits.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::ServeError;

/// The bounds every upload is held to.
#[derive(Debug, Clone)]
pub struct Limits {
    /// One uploaded file, or one file inside an uploaded zip (413 beyond).
    pub max_file_bytes: usize,
    /// One request: all its parts (413 beyond); also the inflated size of
    /// all the zips of a request (400 beyond).
    pub max_request_bytes: usize,
    /// Files in one request, zip entries included (400 beyond).
    pub max_files: usize,
    /// Checks running at once; other uploads queue.
    pub workers: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 50 * 1024 * 1024,
            max_request_bytes: 500 * 1024 * 1024,
            max_files: 2_000,
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

/// How the server is started (`nianbao serve --listen … --data …`).
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    /// The data folder: database, uploaded files, `nianbao.toml`.
    pub data: PathBuf,
    pub limits: Limits,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA: &str = "nianbao-data";

impl Default for ServeConfig {
    fn default() -> ServeConfig {
        ServeConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data: PathBuf::from(DEFAULT_DATA),
            limits: Limits::default(),
        }
    }
}

impl ServeConfig {
    pub fn database(&self) -> PathBuf {
        self.data.join("nianbao.sqlite")
    }

    /// Uploaded files, each under its SHA-256.
    pub fn files_dir(&self) -> PathBuf {
        self.data.join("files")
    }

    /// `<data>/nianbao.toml`, when there is one.
    pub fn rules_config(&self) -> Option<PathBuf> {
        let p = self.data.join(nianbao_app::config::FILE_NAME);
        p.is_file().then_some(p)
    }

    /// The data folder's `nianbao.toml`, parsed (`None` when there is none).
    pub fn load_rules_config(&self) -> Result<Option<nianbao_app::config::Config>, ServeError> {
        self.rules_config()
            .map(|p| {
                nianbao_app::config::Config::load(&p)
                    .map_err(|e| ServeError::Message(e.to_string()))
            })
            .transpose()
    }

    /// Without users to log in, only this machine may reach the server:
    /// anyone on the network could otherwise read reports and change
    /// decisions.
    pub fn check_listen(&self, has_users: bool) -> Result<(), ServeError> {
        if has_users || self.listen.ip().is_loopback() {
            return Ok(());
        }
        Err(ServeError::Refused(format!(
            "不能在 {} 上提供服务：没有配置可登录的用户，其他电脑上的任何人都能查看报告、修改审核决定。\
             请在数据目录的 {} 中用 [[serve.user]] 添加用户（密码哈希用 nianbao serve hash-password 生成），\
             或只在本机地址上提供服务（--listen 127.0.0.1:端口，默认 {DEFAULT_LISTEN}）。",
            self.listen,
            self.data.join(nianbao_app::config::FILE_NAME).display()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_served_without_users() {
        let mut c = ServeConfig::default();
        assert!(c.check_listen(false).is_ok());
        c.listen = "[::1]:80".parse().unwrap();
        assert!(c.check_listen(false).is_ok());
        c.listen = "0.0.0.0:8080".parse().unwrap();
        let e = c.check_listen(false).unwrap_err().to_string();
        assert!(e.contains("[[serve.user]]"), "{e}");
        assert!(e.contains("nianbao serve hash-password"), "{e}");
        assert!(c.check_listen(true).is_ok());
    }

    #[test]
    fn default_limits_are_those_of_the_issue() {
        let l = Limits::default();
        assert_eq!(l.max_file_bytes, 50 * 1024 * 1024);
        assert_eq!(l.max_request_bytes, 500 * 1024 * 1024);
    }
}
