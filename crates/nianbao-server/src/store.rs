//! The data folder's database: batches, checked files, their findings, and
//! the reviewers' decisions.
//!
//! One SQLite connection behind a mutex, used from blocking threads only
//! (one office, a handful of reviewers: no pool needed). Migrations are
//! numbered SQL scripts applied in order; `PRAGMA user_version` records how
//! many ran. Decisions are a log: the latest row of a fingerprint is its
//! state, earlier rows are its history.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::ServeError;

/// Numbered migrations: index + 1 is the `user_version` after each.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL
    );
    CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        batch_id INTEGER NOT NULL REFERENCES batches(id),
        sha256 TEXT NOT NULL,
        name TEXT NOT NULL,
        agency TEXT,
        agency_key TEXT,
        year INTEGER,
        format TEXT,
        uploaded_at TEXT NOT NULL,
        result TEXT NOT NULL,
        tables TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX files_by_agency ON files(agency_key, year, id);
    CREATE INDEX files_by_batch ON files(batch_id, id);
    CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        rule TEXT NOT NULL,
        severity TEXT NOT NULL,
        message TEXT NOT NULL,
        entry TEXT NOT NULL
    );
    CREATE INDEX findings_by_file ON findings(file_id, id);
    CREATE INDEX findings_by_fingerprint ON findings(fingerprint);
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('accepted', 'reopened')),
        reason TEXT NOT NULL,
        who TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        entry TEXT NOT NULL
    );
    CREATE INDEX decisions_by_fingerprint ON decisions(fingerprint, id);",
    // The province a file was checked under (the request's `province`).
    "ALTER TABLE files ADD COLUMN province TEXT;",
];

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

/// The database of a data folder.
pub struct Store {
    conn: Mutex<Connection>,
    path: String,
}

/// A checked file, as saved.
pub struct NewFile<'a> {
    pub sha256: &'a str,
    pub name: &'a str,
    pub agency: Option<&'a str>,
    pub year: Option<i32>,
    pub format: Option<&'a str>,
    /// The file's object of `check --format json` (no review applied).
    pub result: &'a str,
    /// The recognised tables ([`crate::grid`]).
    pub tables: &'a str,
    /// The request's province (pinyin), when one was chosen.
    pub province: Option<&'a str>,
    pub findings: Vec<NewFinding>,
}

/// A finding of a checked file, as saved.
pub struct NewFinding {
    pub fingerprint: String,
    pub rule: String,
    pub severity: String,
    pub message: String,
    /// The finding's baseline entry (JSON), written out when it is accepted.
    pub entry: String,
}

/// A saved file.
#[derive(Debug, Clone)]
pub struct FileRow {
    pub id: i64,
    pub batch_id: i64,
    pub sha256: String,
    pub name: String,
    pub agency_key: Option<String>,
    pub year: Option<i32>,
    pub format: Option<String>,
    pub uploaded_at: String,
    pub result: String,
    pub tables: String,
    pub province: Option<String>,
}

/// A saved finding.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    pub fingerprint: String,
    pub rule: String,
    pub severity: String,
    pub message: String,
    #[serde(skip)]
    pub entry: String,
}

/// The current decision on a fingerprint.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub fingerprint: String,
    /// `accepted` or `reopened`.
    pub state: String,
    pub reason: String,
    pub who: String,
    pub at: String,
    #[serde(skip)]
    pub entry: String,
}

/// The agency key used to pair a report with its earlier checks.
pub fn agency_key(agency: Option<&str>) -> Option<String> {
    agency
        .map(nianbao_core::check::agency_key)
        .filter(|k| !k.is_empty())
}

impl Store {
    /// Opens (creating, migrating) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, ServeError> {
        let shown = path.display().to_string();
        let fail = |e: rusqlite::Error| ServeError::Database {
            path: shown.clone(),
            message: e.to_string(),
        };
        let mut conn = Connection::open(path).map_err(fail)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(fail)?;
        // WAL with synchronous=NORMAL: a commit is one write to the log and
        // no fsync; the database stays consistent through a crash of the
        // program or the machine, and a power cut can lose only the last
        // commits (SQLite's own recommendation for WAL). A full fsync per
        // upload cost more than checking a small report.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(fail)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(fail)?;
        migrate(&mut conn).map_err(|e| ServeError::Database {
            path: shown.clone(),
            message: e,
        })?;
        Ok(Store {
            conn: Mutex::new(conn),
            path: shown,
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves a usable connection:
        // every write is one transaction.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn fail(&self, e: rusqlite::Error) -> ServeError {
        ServeError::Database {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    /// Saves the checked files of a request, in one transaction, into
    /// `batch` (a new batch when `None`); returns the batch and file ids.
    pub fn save(
        &self,
        batch: Option<i64>,
        files: &[NewFile<'_>],
    ) -> Result<(i64, Vec<i64>), ServeError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.fail(e))?;
        let batch_id = match batch {
            Some(b) => b,
            None => {
                tx.execute(
                    &format!("INSERT INTO batches (created_at) VALUES ({NOW})"),
                    [],
                )
                .map_err(|e| self.fail(e))?;
                tx.last_insert_rowid()
            }
        };
        let mut ids = Vec::with_capacity(files.len());
        for f in files {
            tx.execute(
                &format!(
                    "INSERT INTO files (batch_id, sha256, name, agency, agency_key, year, format, \
                     uploaded_at, result, tables, province) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, {NOW}, ?8, ?9, ?10)"
                ),
                params![
                    batch_id,
                    f.sha256,
                    f.name,
                    f.agency,
                    agency_key(f.agency),
                    f.year,
                    f.format,
                    f.result,
                    f.tables,
                    f.province
                ],
            )
            .map_err(|e| self.fail(e))?;
            let file_id = tx.last_insert_rowid();
            for g in &f.findings {
                tx.execute(
                    "INSERT INTO findings (file_id, fingerprint, rule, severity, message, entry) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        file_id,
                        g.fingerprint,
                        g.rule,
                        g.severity,
                        g.message,
                        g.entry
                    ],
                )
                .map_err(|e| self.fail(e))?;
            }
            ids.push(file_id);
        }
        tx.commit().map_err(|e| self.fail(e))?;
        Ok((batch_id, ids))
    }

    pub fn batch_exists(&self, id: i64) -> Result<bool, ServeError> {
        self.conn()
            .query_row("SELECT 1 FROM batches WHERE id = ?1", [id], |_| Ok(()))
            .optional()
            .map(|o| o.is_some())
            .map_err(|e| self.fail(e))
    }

    const FILE_COLUMNS: &str = "id, batch_id, sha256, name, agency_key, year, format, \
        uploaded_at, result, tables, province";

    fn file_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FileRow> {
        Ok(FileRow {
            id: r.get(0)?,
            batch_id: r.get(1)?,
            sha256: r.get(2)?,
            name: r.get(3)?,
            agency_key: r.get(4)?,
            year: r.get(5)?,
            format: r.get(6)?,
            uploaded_at: r.get(7)?,
            result: r.get(8)?,
            tables: r.get(9)?,
            province: r.get(10)?,
        })
    }

    pub fn file(&self, id: i64) -> Result<Option<FileRow>, ServeError> {
        self.conn()
            .query_row(
                &format!("SELECT {} FROM files WHERE id = ?1", Self::FILE_COLUMNS),
                [id],
                Self::file_row,
            )
            .optional()
            .map_err(|e| self.fail(e))
    }

    /// The files of a batch, in upload order.
    pub fn batch_files(&self, batch: i64) -> Result<Vec<FileRow>, ServeError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {} FROM files WHERE batch_id = ?1 ORDER BY id",
                Self::FILE_COLUMNS
            ))
            .map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map([batch], Self::file_row)
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.fail(e))
    }

    /// The last file checked before `file` of the same agency and year.
    pub fn previous_of(&self, file: &FileRow) -> Result<Option<i64>, ServeError> {
        let Some(key) = &file.agency_key else {
            return Ok(None);
        };
        self.conn()
            .query_row(
                "SELECT id FROM files WHERE agency_key = ?1 AND year IS ?2 AND id < ?3 \
                 ORDER BY id DESC LIMIT 1",
                params![key, file.year, file.id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.fail(e))
    }

    pub fn findings(&self, file_id: i64) -> Result<Vec<FindingRow>, ServeError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT fingerprint, rule, severity, message, entry FROM findings \
                 WHERE file_id = ?1 ORDER BY id",
            )
            .map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map([file_id], |r| {
                Ok(FindingRow {
                    fingerprint: r.get(0)?,
                    rule: r.get(1)?,
                    severity: r.get(2)?,
                    message: r.get(3)?,
                    entry: r.get(4)?,
                })
            })
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.fail(e))
    }

    /// The current decision on every fingerprint that has one.
    pub fn decisions(&self) -> Result<Vec<Decision>, ServeError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT d.fingerprint, d.state, d.reason, d.who, d.decided_at, d.entry \
                 FROM decisions d JOIN (SELECT fingerprint, MAX(id) AS id FROM decisions \
                 GROUP BY fingerprint) last ON last.id = d.id ORDER BY d.id",
            )
            .map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Decision {
                    fingerprint: r.get(0)?,
                    state: r.get(1)?,
                    reason: r.get(2)?,
                    who: r.get(3)?,
                    at: r.get(4)?,
                    entry: r.get(5)?,
                })
            })
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.fail(e))
    }

    /// Records decisions (`state`, `reason`, `who`, `entry` per
    /// fingerprint) in one transaction; returns the last one recorded.
    pub fn decide(
        &self,
        decisions: &[(&str, &str, &str, &str, &str)],
    ) -> Result<Option<Decision>, ServeError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.fail(e))?;
        let mut last = None;
        for (fingerprint, state, reason, who, entry) in decisions {
            tx.execute(
                &format!(
                    "INSERT INTO decisions (fingerprint, state, reason, who, decided_at, entry) \
                     VALUES (?1, ?2, ?3, ?4, {NOW}, ?5)"
                ),
                params![fingerprint, state, reason, who, entry],
            )
            .map_err(|e| self.fail(e))?;
            last = Some(tx.last_insert_rowid());
        }
        let decision = match last {
            Some(id) => tx
                .query_row(
                    "SELECT fingerprint, state, reason, who, decided_at, entry FROM decisions \
                     WHERE id = ?1",
                    [id],
                    |r| {
                        Ok(Decision {
                            fingerprint: r.get(0)?,
                            state: r.get(1)?,
                            reason: r.get(2)?,
                            who: r.get(3)?,
                            at: r.get(4)?,
                            entry: r.get(5)?,
                        })
                    },
                )
                .optional()
                .map_err(|e| self.fail(e))?,
            None => None,
        };
        tx.commit().map_err(|e| self.fail(e))?;
        Ok(decision)
    }
}

/// Applies the migrations the database has not seen yet.
fn migrate(conn: &mut Connection) -> Result<(), String> {
    let version: usize = conn
        .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
        .map_err(|e| e.to_string())?
        .try_into()
        .unwrap_or(0);
    if version > MIGRATIONS.len() {
        return Err(format!(
            "由较新版本的 nianbao 创建（数据库版本 {version}，本程序支持到 {}），请升级 nianbao",
            MIGRATIONS.len()
        ));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        tx.execute_batch(sql).map_err(|e| e.to_string())?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_are_a_log_whose_last_row_counts_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        {
            let s = Store::open(&path).unwrap();
            s.decide(&[("00000000000000aa", "accepted", "已核实", "甲", "{}")])
                .unwrap();
            s.decide(&[("00000000000000aa", "reopened", "", "乙", "{}")])
                .unwrap();
            s.decide(&[("00000000000000bb", "accepted", "理由", "甲", "{}")])
                .unwrap();
        }
        let s = Store::open(&path).unwrap();
        let d = s.decisions().unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(
            (d[0].fingerprint.as_str(), d[0].state.as_str()),
            ("00000000000000aa", "reopened")
        );
        assert_eq!(d[1].state, "accepted");
    }
}
