//! The review page: one server-rendered Chinese HTML page with its script
//! and styles embedded (no CDN, nothing to fetch), driving the API.

use axum::Extension;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::login::Reviewer;

const INDEX: &str = include_str!("page/index.html");

/// The headers of every HTML page: type, content policy, no sniffing, no caching
/// (the page carries the session's CSRF token).
pub fn html_headers() -> [(HeaderName, HeaderValue); 4] {
    [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
            ),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}

/// Text for HTML.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `GET /`: with log-in, the page carries the session's CSRF token (sent
/// back as `X-CSRF-Token`) and the user's name with a log-out button.
pub async fn index(Extension(who): Extension<Reviewer>) -> Response {
    let page = match who.csrf() {
        Some(csrf) => INDEX
            .replace(
                "<!--csrf-->",
                &format!("<meta name=\"csrf-token\" content=\"{}\">", escape(csrf)),
            )
            .replace(
                "<!--user-->",
                &format!(
                    " · {} <button id=\"logout\" type=\"button\">退出登录</button>",
                    escape(&who.name)
                ),
            ),
        None => INDEX.to_string(),
    };
    (html_headers(), page).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped() {
        assert_eq!(
            escape("<b>\"张三\"&'"),
            "&lt;b&gt;&quot;张三&quot;&amp;&#39;"
        );
    }
}
