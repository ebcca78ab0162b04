//! Log-in over real HTTP: users in the data folder's `nianbao.toml`,
//! session cookies, CSRF tokens, wrong-password limits, log-out; and the
//! refusal to serve other machines without users.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use nianbao_server::{Limits, Running, ServeConfig, ServeError};
use serde_json::Value;

const PASSWORD: &str = "正确 horse battery";

fn fixture(rel: &str) -> Vec<u8> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::read(repo.join("tests/fixtures").join(rel)).unwrap()
}

/// A data folder whose `nianbao.toml` has the user 张三.
fn data_with_user() -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    let hash = nianbao_server::auth::hash_password(PASSWORD).unwrap();
    std::fs::write(
        data.path().join("nianbao.toml"),
        format!("[[serve.user]]\nname = \"张三\"\npassword_hash = \"{hash}\"\n"),
    )
    .unwrap();
    data
}

fn start_on(data: &Path, listen: &str) -> Result<Running, ServeError> {
    nianbao_server::start(ServeConfig {
        listen: listen.parse().unwrap(),
        data: PathBuf::from(data),
        limits: Limits::default(),
    })
}

/// No redirects followed, no cookies kept: each test sends what it means to.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

struct Answer {
    status: u16,
    headers: ureq::http::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::String(self.text.clone()))
    }

    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
}

fn answer(resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut resp = resp.unwrap();
    Answer {
        status: resp.status().as_u16(),
        headers: resp.headers().clone(),
        text: resp.body_mut().read_to_string().unwrap(),
    }
}

fn get(url: &str, cookie: Option<&str>) -> Answer {
    let mut req = agent().get(url);
    if let Some(c) = cookie {
        req = req.header("Cookie", format!("nianbao_session={c}"));
    }
    answer(req.call())
}

/// POSTs `body` with the session cookie and headers given.
fn post(
    url: &str,
    cookie: Option<&str>,
    headers: &[(&str, &str)],
    content_type: &str,
    body: &[u8],
) -> Answer {
    let mut req = agent().post(url).header("Content-Type", content_type);
    if let Some(c) = cookie {
        req = req.header("Cookie", format!("nianbao_session={c}"));
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    answer(req.send(body))
}

fn log_in(server: &Running, name: &str, password: &str) -> Answer {
    let body = serde_json::json!({ "name": name, "password": password }).to_string();
    post(
        &format!("{}/login", server.url()),
        None,
        &[],
        "application/json",
        body.as_bytes(),
    )
}

/// The session id of a `Set-Cookie: nianbao_session=…` answer.
fn session_of(a: &Answer) -> String {
    let cookie = a.header("set-cookie");
    cookie
        .strip_prefix("nianbao_session=")
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| panic!("no session cookie: {cookie}"))
        .to_string()
}

/// The CSRF token the page carries in its `<meta name="csrf-token">`.
fn csrf_of_page(server: &Running, session: &str) -> String {
    let page = get(&format!("{}/", server.url()), Some(session));
    assert_eq!(page.status, 200);
    let start = page.text.find("name=\"csrf-token\" content=\"").unwrap() + 27;
    page.text[start..start + 64].to_string()
}

/// A multipart body with one `file` part.
fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "nianbao-login-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[test]
fn another_address_without_users_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let Err(e) = start_on(data.path(), "0.0.0.0:0") else {
        panic!("served 0.0.0.0 without users");
    };
    assert!(matches!(e, ServeError::Refused(_)), "{e}");
    let e = e.to_string();
    assert!(e.contains("[[serve.user]]"), "{e}");
    assert!(e.contains("nianbao serve hash-password"), "{e}");
}

#[test]
fn another_address_with_users_is_served_behind_log_in() {
    let data = data_with_user();
    let server = start_on(data.path(), "0.0.0.0:0").unwrap();
    let url = format!("http://127.0.0.1:{}", server.addr.port());
    assert_eq!(get(&format!("{url}/api/health"), None).status, 200);
    assert_eq!(get(&format!("{url}/api/baseline"), None).status, 401);
}

#[test]
fn a_session_and_its_csrf_token_are_needed() {
    let data = data_with_user();
    let server = start_on(data.path(), "127.0.0.1:0").unwrap();
    let url = server.url();

    // Without a session: the API answers 401, the page sends to /login.
    let a = get(&format!("{url}/api/files/1"), None);
    assert_eq!(a.status, 401);
    assert_eq!(a.json()["error"], "请先登录");
    let a = get(&format!("{url}/"), None);
    assert_eq!(a.status, 303);
    assert_eq!(a.header("location"), "/login");
    let a = get(&format!("{url}/login"), None);
    assert_eq!(a.status, 200);
    assert!(a.text.contains("<form method=\"post\" action=\"/login\">"));
    let (content_type, body) = multipart("seed.yaml", &fixture("seed.yaml"));
    let check = format!("{url}/api/check");
    assert_eq!(post(&check, None, &[], &content_type, &body).status, 401);
    assert_eq!(get(&format!("{url}/api/files/1"), Some("00ff")).status, 401);

    // Logging in: a random session id in an HttpOnly, SameSite=Strict cookie.
    let a = log_in(&server, "张三", PASSWORD);
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["name"], "张三");
    let cookie = a.header("set-cookie");
    assert!(cookie.contains("; HttpOnly"), "{cookie}");
    assert!(cookie.contains("; SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("; Path=/"), "{cookie}");
    let session = session_of(&a);
    assert_eq!(session.len(), 64);
    assert!(session.bytes().all(|b| b.is_ascii_hexdigit()));
    let csrf = csrf_of_page(&server, &session);

    // A POST needs the session's token.
    let s = Some(session.as_str());
    let a = post(&check, s, &[], &content_type, &body);
    assert_eq!(a.status, 403, "{}", a.text);
    assert!(a.json()["error"].as_str().unwrap().contains("X-CSRF-Token"));
    let wrong = "0".repeat(64);
    let a = post(&check, s, &[("X-CSRF-Token", &wrong)], &content_type, &body);
    assert_eq!(a.status, 403);
    let token = [("X-CSRF-Token", csrf.as_str())];
    let a = post(&check, s, &token, &content_type, &body);
    assert_eq!(a.status, 200, "{}", a.text);
    let v = a.json();
    let id = v["files"][0]["id"].as_i64().unwrap();
    let fp = v["files"][0]["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();

    // Decisions record who made them.
    let accept = format!("{url}/api/files/{id}/findings/{fp}/accept");
    let reason = r#"{"reason": "已与单位核实"}"#.as_bytes();
    let a = post(&accept, s, &token, "application/json", reason);
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["who"], "张三");
    let a = get(&format!("{url}/api/files/{id}"), s);
    assert_eq!(a.json()["findings"][0]["decision"]["who"], "张三");

    // Another site's page cannot post, even with the token.
    let evil = [
        ("X-CSRF-Token", csrf.as_str()),
        ("Origin", "http://evil.example"),
    ];
    assert_eq!(
        post(&accept, s, &evil, "application/json", reason).status,
        403
    );

    // Logging out ends the session.
    let a = post(&format!("{url}/logout"), s, &token, "application/json", b"");
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(a.header("set-cookie").contains("Max-Age=0"));
    assert_eq!(get(&format!("{url}/api/files/{id}"), s).status, 401);
    assert_eq!(get(&format!("{url}/"), s).status, 303);
}

#[test]
fn wrong_passwords_are_answered_alike_and_limited() {
    let data = data_with_user();
    let server = start_on(data.path(), "127.0.0.1:0").unwrap();
    let unknown = log_in(&server, "李四", PASSWORD);
    assert_eq!(unknown.status, 401);
    assert!(unknown.header("set-cookie").is_empty());
    for _ in 0..4 {
        let wrong = log_in(&server, "张三", "错误的密码");
        assert_eq!(wrong.status, 401);
        // No hint whether the user exists.
        assert_eq!(wrong.text, unknown.text);
    }
    assert_eq!(unknown.json()["error"], "用户名或密码错误");
    // Five failures from this address: 429 for the rest of the window, even
    // with the right password.
    let a = log_in(&server, "张三", PASSWORD);
    assert_eq!(a.status, 429, "{}", a.text);
    assert!(a.json()["error"].as_str().unwrap().contains("分钟后再试"));
    assert!(!a.header("retry-after").is_empty());
    assert!(a.header("set-cookie").is_empty());
}

#[test]
fn the_log_in_form_sends_to_the_page() {
    let data = data_with_user();
    let server = start_on(data.path(), "127.0.0.1:0").unwrap();
    let login = format!("{}/login", server.url());
    let form = "application/x-www-form-urlencoded";
    let a = post(
        &login,
        None,
        &[],
        form,
        b"name=%E5%BC%A0%E4%B8%89&password=nope",
    );
    assert_eq!(a.status, 401);
    assert!(a.text.contains("用户名或密码错误"), "{}", a.text);
    let body = format!(
        "name=%E5%BC%A0%E4%B8%89&password={}",
        PASSWORD
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect::<String>()
    );
    let a = post(&login, None, &[], form, body.as_bytes());
    assert_eq!(a.status, 303, "{}", a.text);
    assert_eq!(a.header("location"), "/");
    let session = session_of(&a);
    let page = get(&format!("{}/", server.url()), Some(&session));
    assert!(page.text.contains("张三 <button id=\"logout\""));
}

#[test]
fn without_users_this_machine_needs_no_log_in_but_other_sites_cannot_post() {
    let data = tempfile::tempdir().unwrap();
    let server = start_on(data.path(), "127.0.0.1:0").unwrap();
    let url = server.url();
    let page = get(&format!("{url}/"), None);
    assert_eq!(page.status, 200);
    assert!(!page.text.contains("<meta name=\"csrf-token\""));
    assert_eq!(get(&format!("{url}/login"), None).header("location"), "/");
    let (content_type, body) = multipart("seed.yaml", &fixture("seed.yaml"));
    let check = format!("{url}/api/check");
    let evil = [("Origin", "http://evil.example")];
    assert_eq!(post(&check, None, &evil, &content_type, &body).status, 403);
    let same = [("Origin", url.as_str())];
    let a = post(&check, None, &same, &content_type, &body);
    assert_eq!(a.status, 200, "{}", a.text);
    let v = a.json();
    let id = v["files"][0]["id"].as_i64().unwrap();
    let fp = v["files"][0]["findings"][0]["fingerprint"]
        .as_str()
        .unwrap();
    let a = post(
        &format!("{url}/api/files/{id}/findings/{fp}/accept"),
        None,
        &[],
        "application/json",
        br#"{"reason": "r"}"#,
    );
    assert_eq!(a.json()["who"], "本机用户");
}
