//! The gate in front of every route, and the log-in / log-out routes.
//!
//! With `[[serve.user]]` configured, every route but `GET`/`POST /login`
//! and `GET /api/health` needs a session cookie, and every POST the
//! session's CSRF token in `X-CSRF-Token`. Without users (loopback only)
//! the reviewer is 「本机用户」 and no session is needed. Either way a POST
//! whose `Origin` is another site's is refused.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::api::ApiError;
use crate::auth::{COOKIE, SESSION_LIFETIME, same_secret};

type Shared = Arc<AppState>;

/// Who decided, when there are no users: the reviewer at this machine.
pub const LOCAL_USER: &str = "本机用户";
/// The header every POST of a session carries.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Who is asking (a request extension set by [`gate`]).
#[derive(Debug, Clone)]
pub struct Reviewer {
    pub name: String,
    /// The session's CSRF token and cookie value (`None` without log-in).
    pub session: Option<(String, String)>,
}

impl Reviewer {
    pub fn csrf(&self) -> Option<&str> {
        self.session.as_ref().map(|(csrf, _)| csrf.as_str())
    }
}

fn is_public(path: &str) -> bool {
    matches!(path, "/login" | "/api/health")
}

/// The value of cookie `name`, from every `Cookie` header.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// False when the browser says the request comes from another site: an
/// `Origin` other than this host, or `Sec-Fetch-Site: cross-site`.
/// Clients that send neither (scripts, curl) pass.
fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if text("sec-fetch-site") == Some("cross-site") {
        return false;
    }
    let Some(origin) = text(header::ORIGIN.as_str()) else {
        return true;
    };
    let host = text(header::HOST.as_str()).unwrap_or_default();
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    !host.is_empty() && authority.is_some_and(|a| a.eq_ignore_ascii_case(host))
}

fn forbidden(message: &str) -> Response {
    ApiError::new(StatusCode::FORBIDDEN, message.into()).into_response()
}

/// The middleware: same-origin POSTs, sessions, CSRF tokens.
pub async fn gate(State(state): State<Shared>, mut req: Request, next: Next) -> Response {
    let post = !matches!(*req.method(), Method::GET | Method::HEAD);
    if post && !same_origin(req.headers()) {
        return forbidden("请求来自其他网站（Origin 与本站不符），已拒绝");
    }
    let Some(auth) = &state.auth else {
        req.extensions_mut().insert(Reviewer {
            name: LOCAL_USER.into(),
            session: None,
        });
        return next.run(req).await;
    };
    let path = req.uri().path();
    if is_public(path) {
        return next.run(req).await;
    }
    let found = cookie(req.headers(), COOKIE)
        .and_then(|id| auth.sessions.get(&id).map(|session| (id, session)));
    let Some((id, session)) = found else {
        return if path.starts_with("/api/") {
            ApiError::new(StatusCode::UNAUTHORIZED, "请先登录".into()).into_response()
        } else {
            Redirect::to("/login").into_response()
        };
    };
    if post {
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !same_secret(sent, &session.csrf) {
            return forbidden("缺少或错误的 X-CSRF-Token：请刷新页面后重试");
        }
    }
    req.extensions_mut().insert(Reviewer {
        name: session.user,
        session: Some((session.csrf, id)),
    });
    next.run(req).await
}

const LOGIN_PAGE: &str = include_str!("page/login.html");

/// The log-in page, with a message when an attempt failed.
fn login_page(status: StatusCode, message: &str) -> Response {
    let shown = if message.is_empty() {
        String::new()
    } else {
        format!("<p class=\"err\">{message}</p>")
    };
    (
        status,
        crate::page::html_headers(),
        LOGIN_PAGE.replace("<!--message-->", &shown),
    )
        .into_response()
}

/// `GET /login`
pub async fn login_form(State(state): State<Shared>) -> Response {
    if state.auth.is_none() {
        return Redirect::to("/").into_response();
    }
    login_page(StatusCode::OK, "")
}

#[derive(Deserialize)]
struct Credentials {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

fn session_cookie(id: &str, max_age: u64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("nianbao_session=; Max-Age=0"))
}

/// `POST /login`: JSON `{"name", "password"}` (answers JSON) or the page's
/// form (answers a redirect to the page, or the form again with a message).
/// A wrong password and an unknown name get the same answer.
pub async fn login(State(state): State<Shared>, req: Request) -> Response {
    let Some(auth) = &state.auth else {
        return ApiError::new(StatusCode::NOT_FOUND, "未配置用户，无需登录".into()).into_response();
    };
    let client = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    let fail = |status: StatusCode, message: String| {
        if json {
            ApiError::new(status, message).into_response()
        } else {
            login_page(status, &message)
        }
    };
    let credentials = if json {
        Json::<Credentials>::from_request(req, &())
            .await
            .map(|Json(c)| c)
            .map_err(|e| e.body_text())
    } else {
        Form::<Credentials>::from_request(req, &())
            .await
            .map(|Form(c)| c)
            .map_err(|e| e.body_text())
    };
    let c = match credentials {
        Ok(c) => c,
        Err(e) => {
            return fail(
                StatusCode::BAD_REQUEST,
                format!("无法读取用户名和密码：{e}"),
            );
        }
    };
    let name = c.name.trim().to_string();
    if let Some(wait) = auth.failures.locked_for(client, &name) {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        let mut answer = fail(
            StatusCode::TOO_MANY_REQUESTS,
            format!("密码错误次数过多，请 {minutes} 分钟后再试"),
        );
        if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            answer.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return answer;
    }
    let s = Arc::clone(&state);
    let (who, password) = (name.clone(), c.password);
    let verified = tokio::task::spawn_blocking(move || {
        s.auth
            .as_ref()
            .is_some_and(|a| a.users.verify(&who, &password))
    })
    .await
    .unwrap_or(false);
    if !verified {
        auth.failures.record(client, &name);
        return fail(StatusCode::UNAUTHORIZED, "用户名或密码错误".into());
    }
    let (id, _) = match auth.sessions.open(&name) {
        Ok(s) => s,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let cookie = session_cookie(&id, SESSION_LIFETIME.as_secs());
    if json {
        (
            [(header::SET_COOKIE, cookie)],
            Json(json!({ "name": name })),
        )
            .into_response()
    } else {
        ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
    }
}

/// `POST /logout`: ends the session (needs its CSRF token, as every POST).
pub async fn logout(State(state): State<Shared>, Extension(who): Extension<Reviewer>) -> Response {
    if let (Some(auth), Some((_, id))) = (&state.auth, &who.session) {
        auth.sessions.close(id);
    }
    (
        [(header::SET_COOKIE, session_cookie("", 0))],
        Json(json!({ "status": "ok" })),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn cookies_are_found_among_others() {
        let h = headers(&[("cookie", "a=1; nianbao_session=abc"), ("cookie", "b=2")]);
        assert_eq!(cookie(&h, COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn posts_from_other_sites_are_refused() {
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8080")])));
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "https://evil.example")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "null")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("sec-fetch-site", "cross-site")
        ])));
    }
}
