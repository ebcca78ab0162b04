//! The review desk's API over real HTTP: a server started in-process on
//! 127.0.0.1 (an ephemeral port) with a data folder of its own, driven by a
//! blocking HTTP client.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};

use nianbao_server::{Limits, Running, ServeConfig, ServeError};
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures").join(rel)).unwrap()
}

fn start_with(data: &Path, limits: Limits) -> Running {
    nianbao_server::start(ServeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        data: data.to_path_buf(),
        limits,
    })
    .unwrap()
}

fn start(data: &Path) -> Running {
    start_with(data, Limits::default())
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// A multipart body with one `file` part per (name, bytes), and extra text parts.
fn multipart(files: &[(&str, &[u8])], fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "nianbao-test-boundary-7d41";
    let mut body = Vec::new();
    for (name, value) in fields {
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
        .unwrap();
    }
    for (name, bytes) in files {
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .unwrap();
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    write!(body, "--{boundary}--\r\n").unwrap();
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// POSTs files to /api/check: (status, JSON body).
fn upload(server: &Running, files: &[(&str, &[u8])]) -> (u16, Value) {
    upload_with(server, files, &[])
}

fn upload_with(server: &Running, files: &[(&str, &[u8])], fields: &[(&str, &str)]) -> (u16, Value) {
    let (content_type, body) = multipart(files, fields);
    let mut resp = agent()
        .post(format!("{}/api/check", server.url()))
        .header("Content-Type", &content_type)
        .send(&body[..])
        .unwrap();
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn get_json(server: &Running, path: &str) -> (u16, Value) {
    let mut resp = agent()
        .get(format!("{}{path}", server.url()))
        .call()
        .unwrap();
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn post_json(server: &Running, path: &str, body: &str) -> (u16, Value) {
    let mut resp = agent()
        .post(format!("{}{path}", server.url()))
        .header("Content-Type", "application/json")
        .send(body)
        .unwrap();
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The stdout of a committed `nianbao check` snapshot, as JSON.
fn cli_snapshot_json(name: &str) -> Value {
    let snap = std::fs::read_to_string(repo().join("tests/snapshots").join(name)).unwrap();
    let stdout = snap
        .split("----- stdout -----\n")
        .nth(1)
        .and_then(|s| s.split("----- stderr -----").next())
        .unwrap();
    serde_json::from_str(stdout).unwrap()
}

#[test]
fn health_answers() {
    let data = tempfile::tempdir().unwrap();
    let server = start(data.path());
    let (status, v) = get_json(&server, "/api/health");
    assert_eq!(status, 200);
    assert_eq!(v["status"], "ok");
}

#[test]
fn an_upload_has_the_findings_of_check_format_json() {
    let data = tempfile::tempdir().unwrap();
    let server = start(data.path());
    let (status, v) = upload(&server, &[("seed.yaml", &fixture("seed.yaml"))]);
    assert_eq!(status, 200, "{v}");
    // `nianbao check --format json tests/fixtures/seed.yaml`, as the CLI's
    // snapshot test pins it.
    let cli = cli_snapshot_json("it__cli__json_output_seed.snap");
    assert_eq!(v["version"], cli["version"]);
    assert_eq!(v["files"][0]["findings"], cli["files"][0]["findings"]);
    assert_eq!(v["files"][0]["agency"], cli["files"][0]["agency"]);
    assert_eq!(v["summary"], cli["summary"]);
    let id = v["files"][0]["id"].as_i64().unwrap();
    assert!(v["batch"].as_i64().is_some());

    // The file's view: the same findings, with their decisions (none yet).
    let (status, file) = get_json(&server, &format!("/api/files/{id}"));
    assert_eq!(status, 200);
    let findings = file["findings"].as_array().unwrap();
    assert_eq!(
        findings.len(),
        cli["files"][0]["findings"].as_array().unwrap().len()
    );
    assert!(findings.iter().all(|f| f["decision"].is_null()));
    assert_eq!(file["name"], "seed.yaml");
    // The recognised tables are there to draw, keyed as the findings are.
    let t3 = file["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "t3")
        .unwrap();
    assert!(
        t3["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["key"] == "result_total")
    );

    // The upload is kept under its hash, never its name.
    let kept: Vec<String> = std::fs::read_dir(data.path().join("files"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].len(), 64);
    assert_eq!(file["sha256"].as_str(), Some(kept[0].as_str()));

    let (status, _) = get_json(&server, "/api/files/999");
    assert_eq!(status, 404);
}

#[test]
fn the_annotated_copy_of_a_docx_is_a_docx_with_comments() {
    let data = tempfile::tempdir().unwrap();
    let server = start(data.path());
    let (status, v) = upload(&server, &[("年报.docx", &fixture("seed.docx"))]);
    assert_eq!(status, 200, "{v}");
    assert!(!v["files"][0]["findings"].as_array().unwrap().is_empty());
    let id = v["files"][0]["id"].as_i64().unwrap();
    let mut resp = agent()
        .get(format!("{}/api/files/{id}/annotated", server.url()))
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let disposition = resp
        .headers()
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    // 年报.批注.docx, percent-encoded
    assert!(
        disposition.contains("filename*=UTF-8''%E5%B9%B4%E6%8A%A5.%E6%89%B9%E6%B3%A8.docx"),
        "{disposition}"
    );
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .unwrap();
    assert!(bytes.starts_with(b"PK"));
    nianbao_docx::read(&bytes).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    assert!(zip.by_name("word/comments.xml").is_ok());

    // A YAML report cannot carry notes: a clear refusal.
    let (_, v) = upload(&server, &[("seed.yaml", &fixture("seed.yaml"))]);
    let id = v["files"][0]["id"].as_i64().unwrap();
    let (status, v) = get_json(&server, &format!("/api/files/{id}/annotated"));
    assert_eq!(status, 400);
    assert!(v["error"].as_str().unwrap().contains("不能写入批注"), "{v}");
}

#[test]
fn decisions_survive_a_restart_and_export_as_the_cli_baseline() {
    let data = tempfile::tempdir().unwrap();
    let seed = fixture("seed.yaml");
    let (id, fingerprint) = {
        let server = start(data.path());
        let (_, v) = upload(&server, &[("seed.yaml", &seed)]);
        let id = v["files"][0]["id"].as_i64().unwrap();
        let fp = v["files"][0]["findings"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .to_string();
        let path = format!("/api/files/{id}/findings/{fp}/accept");
        // A reason is required.
        let (status, _) = post_json(&server, &path, "{}");
        assert_eq!(status, 400);
        let (status, d) = post_json(&server, &path, r#"{"reason": "已与单位核实"}"#);
        assert_eq!(status, 200, "{d}");
        assert_eq!(d["state"], "accepted");
        let (status, _) = post_json(
            &server,
            &format!("/api/files/{id}/findings/0000000000000000/accept"),
            r#"{"reason":"x"}"#,
        );
        assert_eq!(status, 404);
        (id, fp)
    };

    // Restarted on the same data folder: still accepted.
    let server = start(data.path());
    let (_, file) = get_json(&server, &format!("/api/files/{id}"));
    let f = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fingerprint"] == fingerprint.as_str())
        .unwrap();
    assert_eq!(f["decision"]["state"], "accepted");
    assert_eq!(f["decision"]["reason"], "已与单位核实");

    // The export is the baseline `nianbao check --baseline` reads: read and
    // applied as the CLI does, it accepts exactly that finding.
    let mut resp = agent()
        .get(format!("{}/api/baseline", server.url()))
        .call()
        .unwrap();
    let text = resp.body_mut().read_to_string().unwrap();
    let baseline = nianbao_app::review::parse(&text, "baseline.json").unwrap();
    // The seed's first finding is 表三（七）总计·自然人, one finding of two
    // rules (R3-RESULTSUM, also R3-IDENT): one entry per rule, as
    // `--write-baseline` writes it, so the CLI hides it as the page does.
    let mut rules: Vec<&str> = baseline.entries.iter().map(|e| e.rule.as_str()).collect();
    rules.sort();
    assert_eq!(rules, ["R3-IDENT", "R3-RESULTSUM"]);
    assert!(
        baseline
            .entries
            .iter()
            .any(|e| e.fingerprint == fingerprint)
    );
    let cli_accepted =
        accepted_by_cli_baseline(&repo().join("tests/fixtures/seed.yaml"), &baseline);
    assert_eq!(cli_accepted, vec![fingerprint.clone()]);

    // A re-upload: the accepted finding is suppressed, and is unchanged.
    let (_, v) = upload(&server, &[("seed.yaml", &seed)]);
    assert_eq!(v["files"][0]["suppressed"], 1);
    assert_eq!(
        v["files"][0]["suppressed_findings"][0]["fingerprint"],
        fingerprint.as_str()
    );
    let id2 = v["files"][0]["id"].as_i64().unwrap();
    let (_, file) = get_json(&server, &format!("/api/files/{id2}"));
    assert_eq!(file["previous_file"], id);
    assert!(
        file["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["change"] == "unchanged")
    );

    // Reopen; then the import of the exported file accepts it again.
    let (status, d) = post_json(
        &server,
        &format!("/api/files/{id}/findings/{fingerprint}/reopen"),
        "",
    );
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["state"], "reopened");
    let (_, exported) = get_json(&server, "/api/baseline");
    assert_eq!(exported["accepted"].as_array().unwrap().len(), 0);
    let (status, r) = post_json(&server, "/api/baseline", &text);
    assert_eq!(status, 200, "{r}");
    // One decision per entry: the merged finding's two rules.
    assert_eq!(r["imported"], 2);
    let (_, exported) = get_json(&server, "/api/baseline");
    assert!(
        exported["accepted"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["fingerprint"] == fingerprint.as_str())
    );
    // A check result is not a baseline.
    let (status, r) = post_json(&server, "/api/baseline", r#"{"files": [], "summary": {}}"#);
    assert_eq!(status, 400);
    assert!(r["error"].as_str().unwrap().contains("不是基线"), "{r}");
}

/// What `nianbao check --baseline` does with a baseline: the fingerprints it
/// moves from the findings to the accepted ones.
fn accepted_by_cli_baseline(path: &Path, baseline: &nianbao_app::review::Baseline) -> Vec<String> {
    use nianbao_app::profile::{Profile, Profiles, RuleOptions};
    let registry = nianbao_app::formats::registry();
    let profiles = Profiles {
        list: vec![Profile::build(None, RuleOptions::default()).unwrap()],
        of_file: vec![0],
    };
    let results = nianbao_app::batch::check_all(
        &[path.to_path_buf()],
        &registry,
        &profiles,
        &Default::default(),
        1,
        &|| {},
    )
    .unwrap();
    let mut results = results;
    nianbao_app::review::apply(&mut results, &profiles, Some(baseline));
    results[0]
        .suppressed
        .iter()
        .map(|s| {
            nianbao_core::fingerprint::fingerprint(
                &s.finding,
                results[0].agency.as_deref(),
                results[0].year,
            )
        })
        .collect()
}

#[test]
fn a_corrected_report_shows_what_is_fixed_and_new() {
    let data = tempfile::tempdir().unwrap();
    let server = start(data.path());
    let seed = String::from_utf8(fixture("seed.yaml")).unwrap();
    let (_, first) = upload(&server, &[("seed.yaml", seed.as_bytes())]);
    let clean = fixture("clean.yaml");
    // The same agency and year, with the wrong 总计 row corrected.
    let corrected = seed.replace(
        "result_total: {natural: 0, commercial: 0, research: 0, public_interest: 0, legal_service: 0, other: 0, total: 0}",
        "result_total: {natural: 1, commercial: 0, research: 0, public_interest: 0, legal_service: 0, other: 0, total: 1}",
    );
    assert_ne!(corrected, seed);
    let (_, second) = upload(&server, &[("seed-v2.yaml", corrected.as_bytes())]);
    let id2 = second["files"][0]["id"].as_i64().unwrap();
    let (_, file) = get_json(&server, &format!("/api/files/{id2}"));
    assert_eq!(file["previous_file"], first["files"][0]["id"]);
    let fixed = file["fixed_since_previous"].as_array().unwrap();
    assert!(
        fixed.iter().any(|f| f["rule"] == "R3-RESULTSUM"),
        "{fixed:?}"
    );
    assert!(!fixed.iter().any(|f| f["rule"] == "STR-TITLE"));
    let findings = file["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "STR-TITLE" && f["change"] == "unchanged")
    );
    // Another agency's report is not compared with it.
    let (_, other) = upload(&server, &[("clean.yaml", &clean)]);
    let id3 = other["files"][0]["id"].as_i64().unwrap();
    let (_, file) = get_json(&server, &format!("/api/files/{id3}"));
    assert!(file["previous_file"].is_null());
}

#[test]
fn a_zip_is_expanded_and_one_with_a_path_outside_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let server = start(data.path());
    let zip_of = |entries: &[(&str, &[u8])]| {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    };
    let seed = fixture("seed.yaml");
    let clean = fixture("clean.yaml");
    let good = zip_of(&[
        ("年报/seed.yaml", &seed),
        ("年报/clean.yaml", &clean),
        ("__MACOSX/x", b"x"),
    ]);
    let (status, v) = upload(&server, &[("batch.zip", &good)]);
    assert_eq!(status, 200, "{v}");
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["path"], "batch.zip/年报/seed.yaml");

    let evil = zip_of(&[("ok.yaml", &seed), ("../evil.yaml", &seed)]);
    let (status, v) = upload(&server, &[("evil.zip", &evil)]);
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().unwrap().contains("不安全的路径"), "{v}");
    let absolute = zip_of(&[("/etc/evil.yaml", &seed)]);
    let (status, _) = upload(&server, &[("abs.zip", &absolute)]);
    assert_eq!(status, 400);
}

#[test]
fn oversize_uploads_are_refused_with_413() {
    let data = tempfile::tempdir().unwrap();
    let server = start_with(
        data.path(),
        Limits {
            max_file_bytes: 100 * 1024,
            max_request_bytes: 300 * 1024,
            ..Limits::default()
        },
    );
    let big = vec![b'x'; 150 * 1024];
    let (status, v) = upload(&server, &[("big.yaml", &big)]);
    assert_eq!(status, 413, "{v}");
    assert!(v["error"].as_str().unwrap().contains("上限"), "{v}");
    let part = vec![b'x'; 90 * 1024];
    let (status, _) = upload(
        &server,
        &[
            ("a.yaml", &part),
            ("b.yaml", &part),
            ("c.yaml", &part),
            ("d.yaml", &part),
        ],
    );
    assert_eq!(status, 413);
    // A zip that inflates beyond the limits is refused.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("big.yaml", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(&vec![b' '; 2 * 1024 * 1024]).unwrap();
    let bomb = w.finish().unwrap().into_inner();
    assert!(bomb.len() < 100 * 1024);
    let (status, v) = upload(&server, &[("bomb.zip", &bomb)]);
    assert_eq!(status, 400, "{v}");
    // The server is still up.
    assert_eq!(get_json(&server, "/api/health").0, 200);
}

#[test]
fn twenty_parallel_uploads_are_all_answered() {
    let data = tempfile::tempdir().unwrap();
    let server = start_with(
        data.path(),
        Limits {
            workers: 2,
            ..Limits::default()
        },
    );
    let seed = fixture("seed.yaml");
    let statuses: Vec<(u16, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..20)
            .map(|_| {
                s.spawn(|| {
                    let (status, v) = upload(&server, &[("seed.yaml", &seed)]);
                    (
                        status,
                        v["files"][0]["findings"].as_array().map_or(0, Vec::len),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let expected = statuses[0].1;
    assert!(expected > 0);
    assert!(
        statuses.iter().all(|&(s, n)| s == 200 && n == expected),
        "{statuses:?}"
    );
}

#[test]
fn a_hostile_file_is_that_files_error_and_the_batch_goes_on() {
    let data = tempfile::tempdir().unwrap();
    let server = start(data.path());
    let (status, v) = upload(
        &server,
        &[
            ("broken.docx", b"PK\x03\x04 not really a zip"),
            ("seed.yaml", &fixture("seed.yaml")),
        ],
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["files"][0]["errors"][0]["kind"], "read");
    assert!(!v["files"][1]["findings"].as_array().unwrap().is_empty());
}

#[test]
fn a_non_loopback_address_is_refused_without_log_in() {
    let data = tempfile::tempdir().unwrap();
    let refused = nianbao_server::start(ServeConfig {
        listen: "0.0.0.0:0".parse().unwrap(),
        data: data.path().to_path_buf(),
        limits: Limits::default(),
    });
    match refused {
        Err(ServeError::Refused(m)) => assert!(m.contains("登录"), "{m}"),
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(_) => panic!("served on 0.0.0.0 without log-in"),
    }
    // Nothing was created: it stopped before touching the data folder.
    assert!(!data.path().join("nianbao.sqlite").exists());
}

#[test]
fn the_page_is_served_in_chinese() {
    let data = tempfile::tempdir().unwrap();
    let server = start(data.path());
    let mut resp = agent().get(format!("{}/", server.url())).call().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let html = resp.body_mut().read_to_string().unwrap();
    assert!(html.contains("lang=\"zh-CN\""));
    // The province select box: no province, and each province with a pack.
    assert!(html.contains("<option value=\"\">（不选省份）</option>"));
    assert!(
        html.contains("<option value=\"jilin\">吉林省（jilin）</option>"),
        "{html}"
    );
    assert!(html.contains("<option value=\"gansu\">"));
    assert!(html.contains("\"summary.xlsx\""));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no CDN"
    );
}

/// GET: (status, headers' Content-Type and Content-Disposition, body bytes).
fn get_bytes(server: &Running, path: &str) -> (u16, String, String, Vec<u8>) {
    let mut resp = agent()
        .get(format!("{}{path}", server.url()))
        .call()
        .unwrap();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .unwrap();
    (status, content_type, disposition, body)
}

#[test]
fn a_batch_downloads_as_xlsx_sarif_and_html() {
    use calamine::{Reader, Xlsx};
    let data = tempfile::tempdir().unwrap();
    let server = start(data.path());
    let (status, v) = upload(
        &server,
        &[
            ("seed.yaml", &fixture("seed.yaml")),
            ("clean.yaml", &fixture("clean.yaml")),
        ],
    );
    assert_eq!(status, 200, "{v}");
    let batch = v["batch"].as_i64().unwrap();

    // The summary: one row per file of the batch.
    let (status, content_type, disposition, bytes) =
        get_bytes(&server, &format!("/api/batches/{batch}/summary.xlsx"));
    assert_eq!(status, 200);
    assert!(content_type.contains("spreadsheetml"), "{content_type}");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains(".xlsx"), "{disposition}");
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for cell in row {
                text.push_str(&cell.to_string());
                text.push('\t');
            }
        }
    }
    assert!(text.contains("seed.yaml"), "{text}");
    assert!(text.contains("clean.yaml"), "{text}");

    // SARIF 2.1.0 with the seed's findings.
    let (status, _, disposition, bytes) =
        get_bytes(&server, &format!("/api/batches/{batch}/report.sarif"));
    assert_eq!(status, 200);
    assert!(disposition.contains(".sarif"), "{disposition}");
    let sarif: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let mut sarif_rules: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap().to_string())
        .collect();
    let mut seed_rules: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["findings"].as_array().unwrap())
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    sarif_rules.sort();
    seed_rules.sort();
    assert!(!seed_rules.is_empty());
    assert_eq!(sarif_rules, seed_rules);

    // The HTML report.
    let (status, content_type, disposition, bytes) =
        get_bytes(&server, &format!("/api/batches/{batch}/report.html"));
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(disposition.contains(".html"), "{disposition}");
    assert!(String::from_utf8(bytes).unwrap().contains("seed.yaml"));

    // No such batch, no such download.
    let (status, v) = get_json(&server, "/api/batches/999/report.sarif");
    assert_eq!(status, 404, "{v}");
    let (status, v) = get_json(&server, &format!("/api/batches/{batch}/report.pdf"));
    assert_eq!(status, 404, "{v}");
}

/// (rule, severity) of each finding of a file's object of `check --format json`.
fn rules_and_severities(file: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// `nianbao check --province <p> --format json --no-config <path>`: (rule, severity).
fn cli_findings_with_province(path: &Path, province: Option<&str>) -> Vec<(String, String)> {
    use nianbao_app::profile::{Profile, Profiles, RuleOptions};
    let registry = nianbao_app::formats::registry();
    let profiles = Profiles {
        list: vec![Profile::build(None, RuleOptions::default()).unwrap()],
        of_file: vec![0],
    };
    let run = nianbao_core::CheckOptions {
        province,
        ..Default::default()
    };
    let results =
        nianbao_app::batch::check_all(&[path.to_path_buf()], &registry, &profiles, &run, 1, &|| {})
            .unwrap();
    let mut out: Vec<(String, String)> = results[0]
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.severity.as_str().to_string()))
        .collect();
    out.sort();
    out
}

#[test]
fn a_province_part_applies_its_pack() {
    let data = tempfile::tempdir().unwrap();
    let server = start(data.path());
    let seed = fixture("seed.yaml");
    let (status, v) = upload_with(&server, &[("seed.yaml", &seed)], &[("province", "jilin")]);
    assert_eq!(status, 200, "{v}");
    let served = rules_and_severities(&v["files"][0]);
    let path = repo().join("tests/fixtures/seed.yaml");
    assert_eq!(served, cli_findings_with_province(&path, Some("jilin")));
    assert!(
        served.contains(&("STR-PERIOD".to_string(), "error".to_string())),
        "{served:?}"
    );

    // The seed is a Jilin agency's: Sichuan's pack adds its own rules.
    let (status, v) = upload_with(&server, &[("seed.yaml", &seed)], &[("province", "sichuan")]);
    assert_eq!(status, 200, "{v}");
    let served = rules_and_severities(&v["files"][0]);
    assert_eq!(served, cli_findings_with_province(&path, Some("sichuan")));
    assert_ne!(served, cli_findings_with_province(&path, None));
    assert!(
        served.iter().any(|(rule, _)| rule == "SC-SOURCE"),
        "{served:?}"
    );

    // The batch's downloads check again under the same province.
    let batch = v["batch"].as_i64().unwrap();
    let (_, _, _, bytes) = get_bytes(&server, &format!("/api/batches/{batch}/report.sarif"));
    let sarif: Value = serde_json::from_slice(&bytes).unwrap();
    let mut sarif_rules: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    sarif_rules.sort_unstable();
    let served_rules: Vec<&str> = served.iter().map(|(rule, _)| rule.as_str()).collect();
    assert_eq!(sarif_rules, served_rules);

    // An unknown province: 400 with check --province's message.
    let (status, v) = upload_with(
        &server,
        &[("seed.yaml", &seed)],
        &[("province", "atlantis")],
    );
    assert_eq!(status, 400, "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("未知的省份「atlantis」"),
        "{v}"
    );
    // The select box's empty choice is no province.
    let (status, v) = upload_with(&server, &[("seed.yaml", &seed)], &[("province", "")]);
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        rules_and_severities(&v["files"][0]),
        cli_findings_with_province(&path, None)
    );
}
