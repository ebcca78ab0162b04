//! Log-in: the users of `[[serve.user]]`, their sessions, and the limit on
//! wrong passwords.
//!
//! Sessions live in memory (a restart logs everyone out, which one office
//! can live with); each carries its own CSRF token. Passwords are verified
//! against PHC argon2 strings; an unknown user name is verified against a
//! dummy hash so that it takes as long as a wrong password.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use nianbao_app::config::Config;

use crate::ServeError;

/// How long a session lasts after log-in.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);
/// Wrong passwords allowed per client address and per user name within
/// [`FAILURE_WINDOW`]; beyond them log-in answers 429 until the window ends.
pub const MAX_FAILURES: usize = 5;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(5 * 60);
/// The session cookie.
pub const COOKIE: &str = "nianbao_session";

/// The PHC argon2 string of a password (`nianbao serve hash-password`).
pub fn hash_password(password: &str) -> Result<String, ServeError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ServeError::Message(format!("无法计算密码哈希：{e}")))
}

/// `n` random bytes as lower-case hex.
pub fn random_hex(n: usize) -> Result<String, ServeError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| ServeError::Message(format!("无法取得随机数：{e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares secrets without stopping at the first difference.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The users who may log in, with their parsed password hashes.
pub struct Users {
    users: Vec<(String, PasswordHash)>,
    /// Verified for unknown names, so that they cost what a known one does.
    dummy: PasswordHash,
}

impl Users {
    /// The `[[serve.user]]` entries of the data folder's configuration
    /// (`None` when there are none: log-in is off).
    pub fn of(config: Option<&Config>) -> Result<Option<Users>, ServeError> {
        let Some(config) = config.filter(|c| !c.serve_users.is_empty()) else {
            return Ok(None);
        };
        let mut users = Vec::with_capacity(config.serve_users.len());
        for u in &config.serve_users {
            let hash = PasswordHash::new(&u.value.password_hash).map_err(|e| {
                ServeError::Message(format!(
                    "{}:{}: 用户「{}」的 password_hash 无法解析（{e}），请用 nianbao serve hash-password 重新生成",
                    config.path, u.line, u.value.name
                ))
            })?;
            users.push((u.value.name.clone(), hash));
        }
        let dummy = PasswordHash::new(&hash_password(&random_hex(16)?)?)
            .map_err(|e| ServeError::Message(format!("无法计算密码哈希：{e}")))?;
        Ok(Some(Users { users, dummy }))
    }

    /// Whether `password` is `name`'s (blocking: argon2 takes a while).
    pub fn verify(&self, name: &str, password: &str) -> bool {
        let known = self.users.iter().find(|(n, _)| n == name);
        let hash = known.map_or(&self.dummy, |(_, h)| h);
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), hash)
            .is_ok();
        known.is_some() && matches
    }
}

/// A logged-in user.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: String,
    /// Sent back by the page as `X-CSRF-Token` on every POST.
    pub csrf: String,
    expires: Instant,
}

/// Sessions by their cookie value.
#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new session for `user`: (cookie value, session).
    pub fn open(&self, user: &str) -> Result<(String, Session), ServeError> {
        let id = random_hex(32)?;
        let session = Session {
            user: user.to_string(),
            csrf: random_hex(32)?,
            expires: Instant::now() + SESSION_LIFETIME,
        };
        let mut map = self.lock();
        let now = Instant::now();
        map.retain(|_, s| s.expires > now);
        map.insert(id.clone(), session.clone());
        Ok((id, session))
    }

    /// The live session of a cookie value.
    pub fn get(&self, id: &str) -> Option<Session> {
        let mut map = self.lock();
        match map.get(id) {
            Some(s) if s.expires > Instant::now() => Some(s.clone()),
            Some(_) => {
                map.remove(id);
                None
            }
            None => None,
        }
    }

    pub fn close(&self, id: &str) {
        self.lock().remove(id);
    }
}

/// What a log-in attempt is counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Client(IpAddr),
    User(String),
}

/// Recent wrong passwords, by client address and by user name.
#[derive(Default)]
pub struct Failures {
    map: Mutex<HashMap<Key, Vec<Instant>>>,
}

impl Failures {
    fn keys(client: Option<IpAddr>, user: &str) -> Vec<Key> {
        client
            .map(Key::Client)
            .into_iter()
            .chain([Key::User(user.to_string())])
            .collect()
    }

    /// How long until another attempt is allowed (`None`: allowed now).
    pub fn locked_for(&self, client: Option<IpAddr>, user: &str) -> Option<Duration> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        Self::keys(client, user)
            .iter()
            .filter_map(|k| map.get(k))
            .filter_map(|times| {
                let recent: Vec<&Instant> = times
                    .iter()
                    .filter(|t| now.duration_since(**t) < FAILURE_WINDOW)
                    .collect();
                (recent.len() >= MAX_FAILURES).then(|| {
                    let oldest = recent[recent.len() - MAX_FAILURES];
                    FAILURE_WINDOW.saturating_sub(now.duration_since(*oldest))
                })
            })
            .max()
    }

    pub fn record(&self, client: Option<IpAddr>, user: &str) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        for times in map.values_mut() {
            times.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
        }
        map.retain(|_, times| !times.is_empty());
        for k in Self::keys(client, user) {
            map.entry(k).or_default().push(now);
        }
    }
}

/// Log-in state of a server with users.
pub struct Auth {
    pub users: Users,
    pub sessions: Sessions,
    pub failures: Failures,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_unknown_users_do_not() {
        let hash = hash_password("正确的密码").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let config = Config::parse(
            &format!("[[serve.user]]\nname = \"张三\"\npassword_hash = \"{hash}\"\n"),
            "nianbao.toml",
            std::path::Path::new("/x"),
        )
        .unwrap();
        let users = Users::of(Some(&config)).unwrap().unwrap();
        assert!(users.verify("张三", "正确的密码"));
        assert!(!users.verify("张三", "错误的密码"));
        assert!(!users.verify("李四", "正确的密码"));
        assert!(Users::of(None).unwrap().is_none());
    }

    #[test]
    fn five_failures_lock_the_client_and_the_name() {
        let f = Failures::default();
        let ip: Option<IpAddr> = "10.0.0.7".parse().ok();
        for _ in 0..MAX_FAILURES - 1 {
            f.record(ip, "张三");
        }
        assert!(f.locked_for(ip, "张三").is_none());
        f.record(ip, "张三");
        assert!(f.locked_for(ip, "张三").is_some());
        // Another name from the same client, the same name from another.
        assert!(f.locked_for(ip, "李四").is_some());
        assert!(f.locked_for("10.0.0.8".parse().ok(), "张三").is_some());
        assert!(f.locked_for("10.0.0.8".parse().ok(), "李四").is_none());
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert_eq!(random_hex(32).unwrap().len(), 64);
    }
}
