//! `kefu serve [--config FILE] [--listen ADDR] [--store sqlite:FILE|postgres:URL]`: the department over HTTP.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use kefu::desk::{Desk, DeskConfig};
use kefu::store::Store;
use kefu_http::{App, Options, SystemClock, Ticker};

use crate::config_cmd::{self, LoadFailure};

const EXIT_CODES: &str = "\
Exit codes:
  0  stopped by SIGTERM or ctrl-c, after finishing the requests in flight
  1  the address cannot be listened on, or the store cannot be opened
  2  the configuration is invalid or unreadable, or the arguments are";

/// `kefu serve`'s arguments.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct ServeArgs {
    /// The department's configuration; its `[[tokens]]` say who may call (see `kefu token create`).
    #[arg(long, value_name = "FILE", default_value = "kefu.toml")]
    pub config: PathBuf,
    /// The address to listen on; port 0 picks a free port (the address is printed on stdout).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// The store: `sqlite:FILE` (default: kefu.db beside the configuration) or `postgres:URL`.
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,
    /// The PostgreSQL schema of the store's tables (PostgreSQL only).
    #[arg(long, value_name = "NAME")]
    pub schema: Option<String>,
    /// The largest request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub body_limit: usize,
    /// How long a request may take, in seconds, before it is answered 503.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub request_timeout: u64,
}

/// Runs the service until SIGTERM or ctrl-c.
pub fn run(args: ServeArgs) -> ExitCode {
    init_logs();
    let config = match config_cmd::load(&args.config) {
        Ok(config) => config,
        Err(LoadFailure::Unreadable(why)) => {
            eprintln!("error: {}: {why}", args.config.display());
            return ExitCode::from(2);
        }
        Err(LoadFailure::Invalid(errors)) => {
            for error in errors {
                eprintln!("{error}");
            }
            return ExitCode::from(2);
        }
    };
    let store = args.store.clone().unwrap_or_else(|| {
        let dir = args.config.parent().map(Path::to_path_buf).unwrap_or_default();
        format!("sqlite:{}", dir.join("kefu.db").display())
    });
    let options = Options {
        body_limit: args.body_limit,
        request_timeout: Duration::from_secs(args.request_timeout.max(1)),
        ..Options::default()
    };
    if let Some(path) = store.strip_prefix("sqlite:") {
        match kefu_sqlite::SqliteStore::open(path) {
            Ok(store) => serve(store, config, &args.listen, options),
            Err(e) => fail(&format!("cannot open the SQLite store `{path}`: {e}")),
        }
    } else if let Some(url) = store.strip_prefix("postgres:") {
        let mut pg = kefu_postgres::Options::default();
        if let Some(schema) = &args.schema {
            pg = pg.schema(schema.clone());
        }
        match kefu_postgres::PgStore::connect_with(url, &pg) {
            Ok(store) => serve(store, config, &args.listen, options),
            // The URL may carry a password: the error names the store, not the URL.
            Err(e) => fail(&format!("cannot open the PostgreSQL store: {e}")),
        }
    } else {
        eprintln!("error: --store must be `sqlite:FILE` or `postgres:URL`");
        ExitCode::from(2)
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(1)
}

/// Structured logs (JSON lines) on stderr; `RUST_LOG` filters them (default `info`).
fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().json().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

fn serve<S: Store + Send + Sync + 'static>(store: S, config: DeskConfig, listen: &str, options: Options) -> ExitCode {
    let tokens = config.tokens.clone();
    let compiled = match config.compile() {
        Ok(compiled) => compiled,
        Err(issues) => return fail(&format!("the configuration does not compile: {issues}")),
    };
    if tokens.is_empty() {
        eprintln!(
            "warning: the configuration has no [[tokens]]: every request will be refused; see `kefu token create`"
        );
    }
    let app = App::new(Desk::new(store, compiled), tokens, Arc::new(SystemClock), options);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    let served = Arc::clone(&app);
    let code = runtime.block_on(async move {
        let app = served;
        let listener = match tokio::net::TcpListener::bind(listen).await {
            Ok(listener) => listener,
            Err(e) => return fail(&format!("cannot listen on {listen}: {e}")),
        };
        match listener.local_addr() {
            Ok(addr) => {
                println!("kefu serve: listening on http://{addr}");
                tracing::info!(%addr, "listening");
            }
            Err(e) => return fail(&format!("cannot read the listening address: {e}")),
        }
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        let ticker = match Ticker::start(Arc::clone(&app)) {
            Ok(ticker) => ticker,
            Err(e) => return fail(&format!("cannot start the ticker: {e}")),
        };
        let served = kefu_http::serve(listener, Arc::clone(&app), shutdown_signal()).await;
        // The ticker finishes its current tick: what it appended is whole.
        tokio::task::spawn_blocking(move || ticker.stop()).await.ok();
        match served {
            Ok(()) => {
                tracing::info!("stopped");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&format!("the server failed: {e}")),
        }
    });
    // The store is dropped outside the runtime: PostgreSQL's blocking client closes its connections with a runtime
    // of its own, which cannot run inside another.
    drop(runtime);
    drop(app);
    code
}

/// Completes on SIGTERM or ctrl-c.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
