//! `nianbao serve`: the review desk in the browser (issue 20).
//!
//! An HTTP server on axum + tokio over the application core
//! (`nianbao_app`): uploads are checked with the same engine and rule set as
//! `nianbao check`, results, decisions and uploaded files are kept in the
//! data folder (SQLite database and content-addressed files), and a
//! server-rendered page drives it all. The API is documented in
//! `docs/serve.md`.
//!
//! - [`config`]: what the server is started with, and the loopback rule;
//! - [`store`]: the database (batches, files, findings, decisions);
//! - [`upload`]: reading a multipart upload, expanding zips within bounds;
//! - [`checker`]: checking uploads on a bounded worker pool;
//! - [`grid`]: the recognised tables of a report, as the page draws them;
//! - [`auth`]: users, sessions, wrong-password limits; [`login`]: the gate
//!   in front of every route and the log-in routes;
//! - [`api`]: the routes; [`page`]: the HTML page.

#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod checker;
pub mod config;
mod error;
pub mod grid;
pub mod login;
pub mod page;
pub mod store;
pub mod upload;

use std::net::SocketAddr;
use std::sync::Arc;

pub use config::{Limits, ServeConfig};
pub use error::ServeError;

/// Everything a request handler shares.
pub struct AppState {
    pub checker: Arc<checker::Checker>,
    pub store: store::Store,
    pub config: ServeConfig,
    /// Log-in, when `[[serve.user]]` is configured.
    pub auth: Option<auth::Auth>,
}

/// Opens the data folder, compiles the rule set and binds the address:
/// every reason not to start is found here, before anything is served.
async fn prepare(
    config: ServeConfig,
) -> Result<(tokio::net::TcpListener, axum::Router), ServeError> {
    let prepared = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || -> Result<_, ServeError> {
            let rules_config = config.load_rules_config()?;
            let users = auth::Users::of(rules_config.as_ref())?;
            config.check_listen(users.is_some())?;
            std::fs::create_dir_all(config.files_dir()).map_err(|e| {
                ServeError::io(format!("无法创建数据目录 {}", config.data.display()), e)
            })?;
            let store = store::Store::open(&config.database())?;
            let checker = Arc::new(checker::Checker::new(&config, rules_config.map(Arc::new))?);
            Ok((store, checker, users))
        })
        .await
        .map_err(|e| ServeError::Message(format!("启动失败：{e}")))??
    };
    let (store, checker, users) = prepared;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| ServeError::io(format!("无法监听 {}", config.listen), e))?;
    let state = Arc::new(AppState {
        checker,
        store,
        config,
        auth: users.map(|users| auth::Auth {
            users,
            sessions: auth::Sessions::default(),
            failures: auth::Failures::default(),
        }),
    });
    Ok((listener, api::router(state)))
}

/// The router, told each connection's client address (wrong passwords are
/// counted per address).
fn with_client_address(
    app: axum::Router,
) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<axum::Router, SocketAddr> {
    app.into_make_service_with_connect_info::<SocketAddr>()
}

fn runtime() -> Result<tokio::runtime::Runtime, ServeError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("nianbao-serve")
        .build()
        .map_err(|e| ServeError::io("无法启动服务线程".to_string(), e))
}

/// Serves until Ctrl-C; prints the address once listening.
pub fn serve(config: ServeConfig) -> Result<(), ServeError> {
    runtime()?.block_on(async {
        let data = config.data.clone();
        let (listener, app) = prepare(config).await?;
        let addr = listener
            .local_addr()
            .map_err(|e| ServeError::io("无法读取监听地址".to_string(), e))?;
        println!(
            "nianbao 审核页面：http://{addr}/ （数据目录 {}；按 Ctrl-C 停止）",
            data.display()
        );
        axum::serve(listener, with_client_address(app))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| ServeError::io("服务中断".to_string(), e))
    })
}

/// A server running on its own thread (tests, embedding): stopped, and its
/// database closed, when dropped.
pub struct Running {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts the server on a thread of its own and returns once it listens
/// (port 0 picks a free port: see [`Running::addr`]).
pub fn start(config: ServeConfig) -> Result<Running, ServeError> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("nianbao-serve".into())
        .spawn(move || {
            let rt = match runtime() {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            rt.block_on(async move {
                let (listener, app) = match prepare(config).await {
                    Ok(p) => p,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let addr = listener
                    .local_addr()
                    .map_err(|e| ServeError::io("无法读取监听地址".to_string(), e));
                let _ = ready_tx.send(addr);
                let _ = axum::serve(listener, with_client_address(app))
                    .with_graceful_shutdown(async {
                        let _ = stop_rx.await;
                    })
                    .await;
            });
        })
        .map_err(|e| ServeError::io("无法启动服务线程".to_string(), e))?;
    let addr = ready_rx
        .recv()
        .map_err(|_| ServeError::Message("服务线程意外退出".into()))??;
    Ok(Running {
        addr,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}
