//! Reading an upload: the `file` parts of a multipart request (one or more),
//! each held to the per-file limit, and `.zip` parts expanded within bounds
//! (entry count, total inflated size, no entry outside the batch).

use std::io::Read;

use axum::extract::Multipart;
use axum::http::StatusCode;

use crate::Limits;
use crate::api::ApiError;
use crate::checker::Upload;

/// What a `POST /api/check` carried.
#[derive(Debug, Default)]
pub struct Request {
    pub files: Vec<Upload>,
    /// The `batch` part: add the files to this batch instead of a new one.
    pub batch: Option<i64>,
    /// The `province` part (pinyin, as `check --province`): its packs apply.
    pub province: Option<String>,
}

const MB: usize = 1024 * 1024;

/// Reads every part of the request; `file` parts become uploads.
pub async fn read(mut multipart: Multipart, limits: &Limits) -> Result<Request, ApiError> {
    let mut request = Request::default();
    let mut inflated = 0usize;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(e.status(), &e.body_text(), limits)),
        };
        match field.name() {
            Some("file") => {
                let name = base_name(field.file_name().unwrap_or("上传的文件"));
                let is_zip = name.to_lowercase().ends_with(".zip");
                // A zip of a folder may be larger than one report.
                let cap = if is_zip {
                    limits.max_request_bytes
                } else {
                    limits.max_file_bytes
                };
                let bytes = read_field(field, cap, &name, limits).await?;
                if is_zip {
                    let files = expand_zip(&name, &bytes, limits, &mut inflated)?;
                    request.files.extend(files);
                } else {
                    request.files.push(Upload {
                        name,
                        bytes,
                        province: None,
                    });
                }
                if request.files.len() > limits.max_files {
                    return Err(too_many_files(limits));
                }
            }
            Some("batch") => {
                let text = field
                    .text()
                    .await
                    .map_err(|e| multipart_error(e.status(), &e.body_text(), limits))?;
                let id = text.trim().parse::<i64>().map_err(|_| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        format!("batch 应为批次编号，实为「{text}」"),
                    )
                })?;
                request.batch = Some(id);
            }
            Some("province") => {
                let text = field
                    .text()
                    .await
                    .map_err(|e| multipart_error(e.status(), &e.body_text(), limits))?;
                let pinyin = text.trim();
                // An empty choice is the select box's 「（不选省份）」.
                if !pinyin.is_empty() {
                    nianbao_app::cross_year::check_province(pinyin)
                        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.to_string()))?;
                    request.province = Some(pinyin.to_string());
                }
            }
            // Other parts are not ours: read past them.
            _ => {}
        }
    }
    if request.files.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "请求中没有文件：请用 multipart 的 file 字段上传一个或多个年报文件（或 .zip）".into(),
        ));
    }
    for upload in &mut request.files {
        upload.province.clone_from(&request.province);
    }
    Ok(request)
}

async fn read_field(
    mut field: axum::extract::multipart::Field<'_>,
    cap: usize,
    name: &str,
    limits: &Limits,
) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > cap {
                    return Err(ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!("文件「{name}」超过 {} MB 的上限", cap.div_ceil(MB)),
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(bytes),
            Err(e) => return Err(multipart_error(e.status(), &e.body_text(), limits)),
        }
    }
}

/// A malformed request, or one over the request limit (413).
fn multipart_error(status: StatusCode, detail: &str, limits: &Limits) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            status,
            format!(
                "上传内容超过每次 {} MB 的上限：请分批上传",
                limits.max_request_bytes.div_ceil(MB)
            ),
        )
    } else {
        ApiError::new(status, format!("上传的内容无法读取：{detail}"))
    }
}

fn too_many_files(limits: &Limits) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        format!(
            "一次最多上传 {} 个文件（含压缩包中的文件）：请分批上传",
            limits.max_files
        ),
    )
}

/// The last component of an uploaded name (browsers send the base name; an
/// older one may send a whole Windows path).
fn base_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    if base.is_empty() {
        "上传的文件".into()
    } else {
        base.to_string()
    }
}

/// Whether a zip entry's name stays inside the batch: relative, no `..`.
fn safe_entry_name(name: &str) -> bool {
    let absolute =
        name.starts_with('/') || name.starts_with('\\') || name.as_bytes().get(1) == Some(&b':');
    !absolute && !name.split(['/', '\\']).any(|c| c == "..")
}

/// Entries a zip of a folder carries that are not reports.
fn is_clutter(name: &str) -> bool {
    name.starts_with("__MACOSX/")
        || name
            .rsplit(['/', '\\'])
            .next()
            .is_some_and(|b| b.starts_with('.') || b.starts_with("~$"))
}

/// The files of an uploaded zip, each named `archive.zip/folder/file.docx`.
/// Refused whole (400) when an entry would land outside the batch, when it
/// has too many entries, or when it inflates beyond the request limit.
pub fn expand_zip(
    zip_name: &str,
    bytes: &[u8],
    limits: &Limits,
    inflated: &mut usize,
) -> Result<Vec<Upload>, ApiError> {
    let bad =
        |m: String| ApiError::new(StatusCode::BAD_REQUEST, format!("压缩包「{zip_name}」{m}"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(format!("无法打开：{e}")))?;
    if archive.len() > limits.max_files {
        return Err(bad(format!(
            "中的文件太多（{} 个，上限 {} 个）",
            archive.len(),
            limits.max_files
        )));
    }
    // Every name first: one unsafe entry refuses the whole archive.
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| bad(format!("已损坏：{e}")))?;
        let name = entry
            .name()
            .map_err(|e| bad(format!("中有无法读取的文件名：{e}")))?
            .to_string();
        if !safe_entry_name(&name) {
            return Err(bad(format!(
                "中有不安全的路径「{name}」（绝对路径或含 ..）：已拒绝整个压缩包"
            )));
        }
    }
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|e| bad(format!("已损坏：{e}")))?;
        let name = entry
            .name()
            .map_err(|e| bad(format!("中有无法读取的文件名：{e}")))?
            .to_string();
        if entry.is_dir() || is_clutter(&name) {
            continue;
        }
        let remaining = limits.max_request_bytes.saturating_sub(*inflated);
        let cap = limits.max_file_bytes.min(remaining);
        let mut data = Vec::new();
        entry
            .take(cap as u64 + 1)
            .read_to_end(&mut data)
            .map_err(|e| bad(format!("中的「{name}」无法解压：{e}")))?;
        if data.len() > cap {
            return Err(if cap == limits.max_file_bytes {
                bad(format!(
                    "中的「{name}」解压后超过 {} MB 的上限",
                    limits.max_file_bytes.div_ceil(MB)
                ))
            } else {
                bad(format!(
                    "解压后总大小超过 {} MB 的上限",
                    limits.max_request_bytes.div_ceil(MB)
                ))
            });
        }
        *inflated += data.len();
        out.push(Upload {
            name: format!("{zip_name}/{name}"),
            bytes: data,
            province: None,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_outside_the_batch_are_unsafe() {
        assert!(safe_entry_name("年报/a.docx"));
        assert!(safe_entry_name("a..b.docx"));
        assert!(!safe_entry_name("../a.docx"));
        assert!(!safe_entry_name("x/../../a.docx"));
        assert!(!safe_entry_name("/etc/passwd"));
        assert!(!safe_entry_name("C:\\a.docx"));
        assert!(!safe_entry_name("x\\..\\a.docx"));
    }

    #[test]
    fn uploaded_names_keep_only_their_last_component() {
        assert_eq!(base_name("C:\\报告\\a.docx"), "a.docx");
        assert_eq!(base_name("a/b.yaml"), "b.yaml");
        assert_eq!(base_name(""), "上传的文件");
    }
}
