//! The HTTP API (documented in `docs/serve.md`) and the router.
//!
//! Every answer that is not a file is JSON; every error is
//! `{"error": "中文说明"}` with its status. Database work runs on blocking
//! threads; checks run on the checker's bounded pool.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use nianbao_app::review::{self, Baseline, Entry};
use nianbao_app::{Run, annotate};
use nianbao_core::FileResult;
use serde_json::{Value, json};

use crate::checker::CheckedUpload;
use crate::login::{self, Reviewer};
use crate::store::{Decision, NewFile, NewFinding};
use crate::{AppState, ServeError};

/// An error answer: status and a Chinese message.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: String) -> ApiError {
        ApiError { status, message }
    }

    fn not_found(message: String) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }
}

impl From<ServeError> for ApiError {
    fn from(e: ServeError) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("内部错误：{e}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(json!({ "error": self.message }))).into_response()
    }
}

type Shared = Arc<AppState>;

pub fn router(state: Shared) -> Router {
    let upload_limit = DefaultBodyLimit::max(state.config.limits.max_request_bytes);
    Router::new()
        .route("/", get(crate::page::index))
        .route("/login", get(login::login_form).post(login::login))
        .route("/logout", post(login::logout))
        .route("/api/health", get(health))
        .route("/api/check", post(check).layer(upload_limit))
        .route("/api/files/{id}", get(file))
        .route("/api/batches/{id}/{download}", get(batch_download))
        .route("/api/files/{id}/annotated", get(annotated))
        .route(
            "/api/files/{id}/findings/{fingerprint}/accept",
            post(accept),
        )
        .route(
            "/api/files/{id}/findings/{fingerprint}/reopen",
            post(reopen),
        )
        .route(
            "/api/baseline",
            get(baseline_export)
                .post(baseline_import)
                .layer(DefaultBodyLimit::max(state.config.limits.max_request_bytes)),
        )
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            login::gate,
        ))
        .with_state(state)
}

/// Runs database work off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await?
}

async fn health() -> axum::Json<Value> {
    axum::Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

/// The accepted decisions as the baseline of a run (`None` when none).
fn accepted_baseline(decisions: &[Decision]) -> Option<Baseline> {
    let entries: Vec<Entry> = decisions
        .iter()
        .filter(|d| d.state == "accepted")
        .flat_map(|d| entries_of_decision(&d.entry))
        .collect();
    (!entries.is_empty()).then(|| Baseline {
        path: "（已接受的审核决定）".into(),
        entries,
    })
}

/// The baseline entries a stored finding stands for: one per rule of a
/// merged finding (as `--write-baseline` writes them), so that the CLI,
/// which hides a merged finding only when each of its rules is accepted,
/// reads an exported decision as the page does.
fn entries_of_decision(stored: &str) -> Vec<Entry> {
    serde_json::from_str::<Vec<Entry>>(stored)
        .or_else(|_| serde_json::from_str::<Entry>(stored).map(|e| vec![e]))
        .unwrap_or_default()
}

/// `check --format json` of `results`, as a value.
fn render_json(
    state: &AppState,
    results: &[FileResult],
    review: review::Review,
) -> Result<Value, ApiError> {
    let run = Run::new(results, &state.checker.profiles, review);
    serde_json::from_str(&nianbao_app::render::json::render(&run))
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("内部错误：{e}")))
}

/// `POST /api/check`: checks the uploaded files, saves them, and answers
/// `check --format json` (accepted decisions applied as a baseline, the
/// suppressed findings listed) with each file's `id` and the `batch`.
async fn check(State(state): State<Shared>, multipart: Multipart) -> Result<Response, ApiError> {
    let request = crate::upload::read(multipart, &state.config.limits).await?;
    if let Some(b) = request.batch {
        let s = Arc::clone(&state);
        if !blocking(move || Ok(s.store.batch_exists(b)?)).await? {
            return Err(ApiError::not_found(format!("没有编号为 {b} 的批次")));
        }
    }
    let checked = state.checker.check_all(request.files).await?;
    let s = Arc::clone(&state);
    let doc = blocking(move || save_and_render(&s, request.batch, checked)).await?;
    Ok(axum::Json(doc).into_response())
}

fn save_and_render(
    state: &AppState,
    batch: Option<i64>,
    checked: Vec<CheckedUpload>,
) -> Result<Value, ApiError> {
    let mut results: Vec<FileResult> = Vec::with_capacity(checked.len());
    let mut meta = Vec::with_capacity(checked.len());
    for c in checked {
        meta.push((c.name, c.sha256, c.tables.to_string(), c.province));
        results.push(c.result);
    }
    // What is kept per file: its findings as checked, no review applied.
    let plain = render_json(state, &results, review::Review::default())?;
    let texts: Vec<String> = plain["files"]
        .as_array()
        .map(|files| files.iter().map(Value::to_string).collect())
        .unwrap_or_default();
    let new_files: Vec<NewFile> = results
        .iter()
        .zip(&meta)
        .zip(&texts)
        .map(|((r, (name, sha, tables, province)), text)| NewFile {
            sha256: sha,
            name,
            agency: r.agency.as_deref(),
            year: r.year,
            format: r.format.as_deref(),
            result: text,
            tables,
            province: province.as_deref(),
            findings: r.findings.iter().map(|f| new_finding(f, r)).collect(),
        })
        .collect();
    let (batch_id, ids) = state.store.save(batch, &new_files)?;
    drop(new_files);

    let decisions = state.store.decisions()?;
    let baseline = accepted_baseline(&decisions);
    let mut review = review::apply(&mut results, &state.checker.profiles, baseline.as_ref());
    review.show_suppressed = true;
    let mut doc = render_json(state, &results, review)?;
    if let Some(files) = doc["files"].as_array_mut() {
        for (f, id) in files.iter_mut().zip(&ids) {
            f["id"] = json!(id);
        }
    }
    doc["batch"] = json!(batch_id);
    Ok(doc)
}

fn new_finding(f: &nianbao_core::Finding, r: &FileResult) -> NewFinding {
    let entries: Vec<Entry> = nianbao_core::merge::rule_views(f)
        .iter()
        .map(|view| Entry::of(view, r.agency.as_deref(), r.year))
        .collect();
    NewFinding {
        fingerprint: Entry::of(f, r.agency.as_deref(), r.year).fingerprint,
        rule: f.rule.clone(),
        severity: f.severity.as_str().to_string(),
        message: f.message.clone(),
        entry: serde_json::to_string(&entries).unwrap_or_default(),
    }
}

fn parse_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::not_found(format!("没有编号为「{id}」的文件")))
}

/// `GET /api/files/{id}`: the file's object of `check --format json` as it
/// was checked, each finding with its `decision` (or null) and, when the
/// same agency's report of the same year was checked before, its `change`
/// (`new` / `unchanged`); `fixed_since_previous` lists what that earlier
/// check found and this one does not; `tables` the recognised tables.
async fn file(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let doc = blocking(move || file_view(&state, id)).await?;
    Ok(axum::Json(doc).into_response())
}

fn file_view(state: &AppState, id: i64) -> Result<Value, ApiError> {
    let store = &state.store;
    let row = store
        .file(id)?
        .ok_or_else(|| ApiError::not_found(format!("没有编号为 {id} 的文件")))?;
    let mut doc: Value = serde_json::from_str(&row.result).unwrap_or(Value::Null);
    let decisions: HashMap<String, Decision> = store
        .decisions()?
        .into_iter()
        .map(|d| (d.fingerprint.clone(), d))
        .collect();
    let previous = store.previous_of(&row)?;
    let before = match previous {
        Some(p) => Some(store.findings(p)?),
        None => None,
    };
    let before_prints: HashSet<&str> = before
        .iter()
        .flatten()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let mut now_prints = HashSet::new();
    if let Some(findings) = doc["findings"].as_array_mut() {
        for f in findings {
            let fp = f["fingerprint"].as_str().unwrap_or_default().to_string();
            f["decision"] = decisions.get(&fp).map_or(Value::Null, |d| {
                serde_json::to_value(d).unwrap_or(Value::Null)
            });
            if before.is_some() {
                f["change"] = json!(if before_prints.contains(fp.as_str()) {
                    "unchanged"
                } else {
                    "new"
                });
            }
            now_prints.insert(fp);
        }
    }
    let fixed: Vec<_> = before
        .iter()
        .flatten()
        .filter(|f| !now_prints.contains(&f.fingerprint))
        .collect();
    doc["id"] = json!(row.id);
    doc["batch"] = json!(row.batch_id);
    doc["name"] = json!(row.name);
    doc["sha256"] = json!(row.sha256);
    doc["uploaded_at"] = json!(row.uploaded_at);
    doc["previous_file"] = json!(previous);
    doc["fixed_since_previous"] = json!(fixed);
    doc["annotatable"] = json!(
        row.format
            .as_deref()
            .is_some_and(|f| { annotate::can_annotate(&state.checker.registry, f) })
    );
    doc["tables"] = serde_json::from_str(&row.tables).unwrap_or(Value::Array(Vec::new()));
    Ok(doc)
}

/// 「年报.docx」 → 「年报.批注.docx」
pub fn annotated_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}.批注.{ext}"),
        _ => format!("{base}.批注"),
    }
}

/// `Content-Disposition` for a download named `name` (RFC 6266: an ASCII
/// fallback and the UTF-8 name).
fn attachment(name: &str) -> HeaderValue {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

fn content_type(format: &str) -> &'static str {
    match format {
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// `GET /api/files/{id}/annotated`: the annotated copy (Word comments, PDF
/// notes, cell notes), without the findings accepted so far.
async fn annotated(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let s = Arc::clone(&state);
    let row = blocking(move || {
        s.store
            .file(id)?
            .ok_or_else(|| ApiError::not_found(format!("没有编号为 {id} 的文件")))
    })
    .await?;
    let format = row.format.clone().unwrap_or_default();
    let registry = &state.checker.registry;
    if !annotate::can_annotate(registry, &format) {
        let shown = if format.is_empty() {
            "无法识别的"
        } else {
            &format
        };
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "{shown} 格式不能写入批注（可批注 {}）",
                annotate::annotatable(registry)
            ),
        ));
    }
    let path = state.checker.stored_path(&row.sha256);
    let bytes = Arc::new(tokio::fs::read(&path).await.map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("数据目录中缺少此文件（{}）：{e}", path.display()),
        )
    })?);
    let (result, marked) = state
        .checker
        .marks(row.name.clone(), Arc::clone(&bytes), row.province.clone())
        .await?;
    let s = Arc::clone(&state);
    let copy = blocking(move || {
        let mut results = [result];
        let baseline = accepted_baseline(&s.store.decisions()?);
        review::apply(&mut results, &s.checker.profiles, baseline.as_ref());
        let notes = annotate::remaining_notes(marked, &results[0].findings);
        annotate::annotate(&s.checker.registry, &format, &bytes, &notes)
            .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))
    })
    .await?;
    let format = row.format.unwrap_or_default();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&format)),
            ),
            (
                header::CONTENT_DISPOSITION,
                attachment(&annotated_name(&row.name)),
            ),
        ],
        copy,
    )
        .into_response())
}

/// A batch download: its file name's ending and content type.
#[derive(Clone, Copy)]
enum BatchFormat {
    Xlsx,
    Sarif,
    Html,
}

impl BatchFormat {
    fn of(download: &str) -> Option<BatchFormat> {
        match download {
            "summary.xlsx" => Some(BatchFormat::Xlsx),
            "report.sarif" => Some(BatchFormat::Sarif),
            "report.html" => Some(BatchFormat::Html),
            _ => None,
        }
    }

    fn content_type(&self) -> &'static str {
        match self {
            BatchFormat::Xlsx => content_type("xlsx"),
            BatchFormat::Sarif => "application/sarif+json",
            BatchFormat::Html => "text/html; charset=utf-8",
        }
    }

    /// 「nianbao-批次3-汇总.xlsx」 and the like.
    fn file_name(&self, batch: i64) -> String {
        match self {
            BatchFormat::Xlsx => format!("nianbao-批次{batch}-汇总.xlsx"),
            BatchFormat::Sarif => format!("nianbao-批次{batch}.sarif"),
            BatchFormat::Html => format!("nianbao-批次{batch}-报告.html"),
        }
    }
}

/// `GET /api/batches/{id}/summary.xlsx`, `…/report.sarif`, `…/report.html`:
/// what `check --format xlsx|sarif|html` writes for every file of the
/// batch, checked again as uploaded (same province), the accepted
/// decisions applied as the baseline.
async fn batch_download(
    State(state): State<Shared>,
    Path((id, download)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let no_batch = || ApiError::not_found(format!("没有编号为「{id}」的批次"));
    let batch: i64 = id.parse().map_err(|_| no_batch())?;
    let format = BatchFormat::of(&download).ok_or_else(|| {
        ApiError::not_found(format!(
            "批次可下载 summary.xlsx、report.sarif、report.html，没有「{download}」"
        ))
    })?;
    let s = Arc::clone(&state);
    let rows = blocking(move || Ok(s.store.batch_files(batch)?)).await?;
    if rows.is_empty() {
        return Err(no_batch());
    }
    if rows.len() > state.checker.profiles.of_file.len() {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "本批有 {} 个文件，超过批次下载 {} 个的上限",
                rows.len(),
                state.checker.profiles.of_file.len()
            ),
        ));
    }
    let stored = rows
        .into_iter()
        .map(|r| (r.name, r.sha256, r.province))
        .collect();
    let mut results = state.checker.recheck_stored(stored).await?;
    let s = Arc::clone(&state);
    let body = blocking(move || {
        let baseline = accepted_baseline(&s.store.decisions()?);
        let review = review::apply(&mut results, &s.checker.profiles, baseline.as_ref());
        render_batch(&s, &results, review, &format)
    })
    .await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (
                header::CONTENT_DISPOSITION,
                attachment(&format.file_name(batch)),
            ),
        ],
        body,
    )
        .into_response())
}

/// `check --format xlsx|sarif|html` of `results`, built as [`render_json`]
/// builds the JSON.
fn render_batch(
    state: &AppState,
    results: &[FileResult],
    review: review::Review,
    format: &BatchFormat,
) -> Result<Vec<u8>, ApiError> {
    let run = Run::new(results, &state.checker.profiles, review);
    match format {
        BatchFormat::Xlsx => nianbao_app::render::xlsx::render(&run)
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
        BatchFormat::Sarif => Ok(nianbao_app::render::sarif::render(&run).into_bytes()),
        BatchFormat::Html => Ok(nianbao_app::render::html::render(&run).into_bytes()),
    }
}

/// The body of accept / reopen: `{"reason": "…"}` (optional for reopen).
fn reason_of(body: &Bytes) -> Result<String, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(String::new());
    }
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("请求内容应为 JSON，如 {{\"reason\": \"已与单位核实\"}}：{e}"),
        )
    })?;
    Ok(v["reason"].as_str().unwrap_or_default().trim().to_string())
}

async fn decide(
    state: Shared,
    who: Reviewer,
    id: String,
    fingerprint: String,
    state_name: &'static str,
    reason: String,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let decision = blocking(move || {
        let findings = state.store.findings(id)?;
        if state.store.file(id)?.is_none() {
            return Err(ApiError::not_found(format!("没有编号为 {id} 的文件")));
        }
        let Some(f) = findings.iter().find(|f| f.fingerprint == fingerprint) else {
            return Err(ApiError::not_found(format!(
                "文件 {id} 中没有指纹为 {fingerprint} 的问题"
            )));
        };
        state
            .store
            .decide(&[(&f.fingerprint, state_name, &reason, &who.name, &f.entry)])?
            .ok_or_else(|| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "决定未能保存".into()))
    })
    .await?;
    Ok(axum::Json(decision).into_response())
}

/// `POST /api/files/{id}/findings/{fingerprint}/accept` with `{"reason": …}`.
async fn accept(
    State(state): State<Shared>,
    Extension(who): Extension<Reviewer>,
    Path((id, fingerprint)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let reason = reason_of(&body)?;
    if reason.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "请填写接受的理由，如 {\"reason\": \"已与单位核实\"}".into(),
        ));
    }
    decide(state, who, id, fingerprint, "accepted", reason).await
}

/// `POST /api/files/{id}/findings/{fingerprint}/reopen` (`{"reason": …}` optional).
async fn reopen(
    State(state): State<Shared>,
    Extension(who): Extension<Reviewer>,
    Path((id, fingerprint)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let reason = reason_of(&body)?;
    decide(state, who, id, fingerprint, "reopened", reason).await
}

/// `GET /api/baseline`: the accepted decisions as the baseline file that
/// `nianbao check --baseline` reads.
async fn baseline_export(State(state): State<Shared>) -> Result<Response, ApiError> {
    let text = blocking(move || {
        let entries = accepted_baseline(&state.store.decisions()?)
            .map(|b| b.entries)
            .unwrap_or_default();
        Ok(review::render(&entries))
    })
    .await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                attachment("nianbao-baseline.json"),
            ),
        ],
        text,
    )
        .into_response())
}

/// `POST /api/baseline`: a baseline file (as `--write-baseline` writes it);
/// every entry not accepted yet is accepted. Answers `{"imported", "already"}`.
async fn baseline_import(
    State(state): State<Shared>,
    Extension(who): Extension<Reviewer>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "基线文件不是 UTF-8 文本".into()))?;
    let baseline = review::parse(&text, "（上传的基线）")
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.to_string()))?;
    let answer = blocking(move || {
        let accepted: HashSet<String> = state
            .store
            .decisions()?
            .into_iter()
            .filter(|d| d.state == "accepted")
            .map(|d| d.fingerprint)
            .collect();
        let mut seen = HashSet::new();
        let new: Vec<(String, String)> = baseline
            .entries
            .iter()
            .filter(|e| !accepted.contains(&e.fingerprint) && seen.insert(e.fingerprint.clone()))
            .map(|e| {
                (
                    e.fingerprint.clone(),
                    serde_json::to_string(e).unwrap_or_default(),
                )
            })
            .collect();
        let rows: Vec<(&str, &str, &str, &str, &str)> = new
            .iter()
            .map(|(fp, entry)| {
                (
                    fp.as_str(),
                    "accepted",
                    "导入的基线",
                    who.name.as_str(),
                    entry.as_str(),
                )
            })
            .collect();
        state.store.decide(&rows)?;
        Ok(json!({
            "imported": rows.len(),
            "already": baseline.entries.len() - rows.len(),
        }))
    })
    .await?;
    Ok(axum::Json(answer).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotated_copies_are_named_after_the_original() {
        assert_eq!(annotated_name("年报.docx"), "年报.批注.docx");
        assert_eq!(annotated_name("a.zip/x/年报.pdf"), "年报.批注.pdf");
        assert_eq!(annotated_name("README"), "README.批注");
    }

    #[test]
    fn downloads_carry_the_utf8_name() {
        let v = attachment("年报.批注.docx");
        let s = v.to_str().unwrap();
        assert!(s.starts_with("attachment; filename=\""), "{s}");
        assert!(s.contains("filename*=UTF-8''%E5%B9%B4"), "{s}");
    }
}
