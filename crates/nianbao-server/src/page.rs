//! The review page: one server-rendered Chinese HTML page with its script
//! and styles embedded (no CDN, nothing to fetch), driving the API.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::login::Reviewer;
use nianbao_core::rules::RuleSet;

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
pub async fn index(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Reviewer>,
) -> Response {
    let page = INDEX.replace(
        "<!--provinces-->",
        &province_options(&state.checker.profiles.list[0].rules),
    );
    let page = match who.csrf() {
        Some(csrf) => page
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
        None => page,
    };
    (html_headers(), page).into_response()
}

/// The select box's options: each province that has a pack, named by its
/// province pack (「吉林省」) or by its pinyin and city packs.
fn province_options(rules: &RuleSet) -> String {
    let mut names: BTreeMap<&str, (Option<&str>, Vec<&str>)> = BTreeMap::new();
    for pack in rules.packs() {
        let entry = names.entry(pack.scope.province.as_str()).or_default();
        match &pack.scope.city {
            None => entry.0 = Some(pack.name.as_str()),
            Some(city) => entry.1.push(city.as_str()),
        }
    }
    let known = nianbao_core::region::province_pinyins();
    let mut ordered: Vec<_> = names.into_iter().collect();
    ordered.sort_by_key(|(p, _)| known.iter().position(|k| k == p));
    ordered
        .into_iter()
        .map(|(pinyin, (name, cities))| {
            let label = match name {
                Some(name) => format!("{name}（{pinyin}）"),
                None => format!("{pinyin}（市级规则包：{}）", cities.join("、")),
            };
            format!(
                "<option value=\"{}\">{}</option>",
                escape(pinyin),
                escape(&label)
            )
        })
        .collect()
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
