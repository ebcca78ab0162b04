//! Checking uploads: the same registry, rule set and options as `nianbao
//! check`, compiled once at start and shared by every request; each check
//! runs on a blocking thread behind a semaphore, so that many simultaneous
//! uploads queue instead of exhausting memory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use nianbao_app::annotate::Marked;
use nianbao_app::profile::{Profile, Profiles, RuleOptions};
use nianbao_core::{CheckOptions, FileResult, Registry};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::{ServeConfig, ServeError};

/// An uploaded file: the name it was uploaded under and its bytes.
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
    /// The request's province (pinyin), over the configured one.
    pub province: Option<String>,
}

/// The most files one batch download re-checks (the profile's per-file
/// table is this long).
pub const MAX_BATCH_FILES: usize = 20_000;

/// A checked upload.
pub struct CheckedUpload {
    pub name: String,
    pub province: Option<String>,
    pub sha256: String,
    pub result: FileResult,
    /// The recognised tables, as [`crate::grid`] draws them (`[]` when unread).
    pub tables: serde_json::Value,
}

pub struct Checker {
    pub registry: Registry,
    /// One profile (the data folder's `nianbao.toml`, else none), which
    /// every file of every request uses: `of_file` is all zeros, long
    /// enough for the most files a request may hold.
    pub profiles: Profiles,
    workers: Arc<Semaphore>,
    files_dir: PathBuf,
}

impl Checker {
    /// `rules_config`: the data folder's `nianbao.toml`, when there is one.
    pub fn new(
        config: &ServeConfig,
        rules_config: Option<Arc<nianbao_app::config::Config>>,
    ) -> Result<Checker, ServeError> {
        let profile = Profile::build(rules_config, RuleOptions::default())
            .map_err(|e| ServeError::Message(e.to_string()))?;
        if let Some(e) = profile.rules.load_errors.first() {
            return Err(ServeError::Message(format!("规则加载失败：{e}")));
        }
        Ok(Checker {
            registry: nianbao_app::formats::registry(),
            profiles: Profiles {
                list: vec![profile],
                of_file: vec![0; config.limits.max_files.max(MAX_BATCH_FILES)],
            },
            workers: Arc::new(Semaphore::new(config.limits.workers.max(1))),
            files_dir: config.files_dir(),
        })
    }

    /// The options of `nianbao check`, with the request's province, if any.
    fn options<'a>(&'a self, province: Option<&'a str>) -> CheckOptions<'a> {
        let run = CheckOptions {
            province,
            ..CheckOptions::default()
        };
        nianbao_app::batch::options_of(&self.profiles, 0, &run)
    }

    /// Where an uploaded file's bytes are kept: under their hash, never
    /// under the uploaded name.
    pub fn stored_path(&self, sha256: &str) -> PathBuf {
        self.files_dir.join(sha256)
    }

    /// Checks one upload (blocking) and keeps its bytes in the data folder.
    pub fn check_blocking(&self, upload: Upload) -> Result<CheckedUpload, ServeError> {
        let sha256 = hex(&Sha256::digest(&upload.bytes));
        keep_bytes(&self.stored_path(&sha256), &upload.bytes)?;
        let (result, tables) = nianbao_app::batch::check_bytes_keeping(
            &self.registry,
            &self.profiles.list[0].rules,
            &self.options(upload.province.as_deref()),
            Path::new(&upload.name),
            &upload.bytes,
            crate::grid::tables_of,
        );
        Ok(CheckedUpload {
            name: upload.name,
            province: upload.province,
            sha256,
            result,
            tables: tables.unwrap_or_else(|| serde_json::Value::Array(Vec::new())),
        })
    }

    /// Checks uploads on the worker pool, each as soon as a worker is free;
    /// the results are in the order of `uploads`.
    pub async fn check_all(
        self: &Arc<Self>,
        uploads: Vec<Upload>,
    ) -> Result<Vec<CheckedUpload>, ServeError> {
        let mut handles = Vec::with_capacity(uploads.len());
        for upload in uploads {
            let me = Arc::clone(self);
            handles.push(tokio::spawn(async move {
                let _permit = me.workers.clone().acquire_owned().await;
                tokio::task::spawn_blocking(move || me.check_blocking(upload)).await
            }));
        }
        let mut out = Vec::with_capacity(handles.len());
        for h in handles {
            let checked = h
                .await
                .map_err(|e| ServeError::Message(format!("检查任务失败：{e}")))?
                .map_err(|e| ServeError::Message(format!("检查任务失败：{e}")))??;
            out.push(checked);
        }
        Ok(out)
    }

    /// Checks a stored file again and returns its findings with their placed
    /// notes (for the annotated copy), on the worker pool.
    pub async fn marks(
        self: &Arc<Self>,
        name: String,
        bytes: Arc<Vec<u8>>,
        province: Option<String>,
    ) -> Result<(FileResult, Vec<Marked>), ServeError> {
        let _permit = self.workers.clone().acquire_owned().await;
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let (r, marked) = nianbao_app::batch::check_bytes_keeping(
                &me.registry,
                &me.profiles.list[0].rules,
                &me.options(province.as_deref()),
                Path::new(&name),
                &bytes,
                nianbao_app::annotate::notes_of,
            );
            (r, marked.unwrap_or_default())
        })
        .await
        .map_err(|e| ServeError::Message(format!("检查任务失败：{e}")))
    }
}

impl Checker {
    /// Checks stored files again (name, hash, province), each read from the
    /// data folder on a worker, for a batch's downloads; the results are in
    /// the order given.
    pub async fn recheck_stored(
        self: &Arc<Self>,
        stored: Vec<(String, String, Option<String>)>,
    ) -> Result<Vec<FileResult>, ServeError> {
        let mut handles = Vec::with_capacity(stored.len());
        for (name, sha256, province) in stored {
            let me = Arc::clone(self);
            handles.push(tokio::spawn(async move {
                let _permit = me.workers.clone().acquire_owned().await;
                tokio::task::spawn_blocking(move || {
                    let path = me.stored_path(&sha256);
                    let bytes = std::fs::read(&path).map_err(|e| {
                        ServeError::Message(format!(
                            "数据目录中缺少此文件（{}）：{e}",
                            path.display()
                        ))
                    })?;
                    let (result, _) = nianbao_app::batch::check_bytes_keeping(
                        &me.registry,
                        &me.profiles.list[0].rules,
                        &me.options(province.as_deref()),
                        Path::new(&name),
                        &bytes,
                        |_| (),
                    );
                    Ok::<_, ServeError>(result)
                })
                .await
            }));
        }
        let mut out = Vec::with_capacity(handles.len());
        for h in handles {
            let result = h
                .await
                .map_err(|e| ServeError::Message(format!("检查任务失败：{e}")))?
                .map_err(|e| ServeError::Message(format!("检查任务失败：{e}")))??;
            out.push(result);
        }
        Ok(out)
    }
}

/// Writes `bytes` to `path` unless it is there already (same hash, same
/// bytes), through a temporary file so that a half-written file never has
/// the final name.
fn keep_bytes(path: &Path, bytes: &[u8]) -> Result<(), ServeError> {
    if path.is_file() {
        return Ok(());
    }
    nianbao_app::fs::write_atomic(path, bytes)
        .map_err(|e| ServeError::Message(format!("无法保存上传的文件：{e}")))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
