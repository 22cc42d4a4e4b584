//! Connections: opened with a deadline that covers the whole handshake, configured for kefu's session, and pooled
//! by r2d2, which checks each one before handing it out.
//!
//! Why not `r2d2_postgres`: its manager pools bare clients, while each of ours carries its prepared statements; it
//! connects with no deadline on the handshake and checks connections with no time limit.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use kefu::store::StoreError;
use postgres::config::Host;
use postgres::{Client, Config};

use crate::error::{PgError, backend};
use crate::ops::Statements;
use crate::tls::Tls;

/// One connection with its prepared statements.
pub(crate) struct Conn {
    pub(crate) client: Client,
    pub(crate) statements: Statements,
}

/// Opens kefu's connections: connects, then runs the session setup (`SET search_path …`, the timeouts).
pub(crate) struct Connector {
    config: Config,
    tls: Tls,
    setup: String,
    /// The whole connection's deadline: TCP, TLS, authentication and setup (`None`: no deadline).
    deadline: Option<Duration>,
    /// Connection attempts under way, including those given up on that still wait for a silent server.
    under_way: Arc<AtomicUsize>,
    /// How many attempts may be under way before new ones fail at once.
    max_under_way: usize,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("target", &self.target())
            .field("tls", &self.tls)
            .field("setup", &self.setup)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl Connector {
    pub(crate) fn new(config: Config, tls: Tls, setup: String, max_under_way: usize) -> Self {
        // `connect_timeout` bounds each TCP connect in the postgres crate (one per host tried); ours bounds the
        // whole connection, so it allows that much per host.
        let hosts = u32::try_from(config.get_hosts().len().max(config.get_hostaddrs().len()).max(1)).unwrap_or(1);
        let deadline = config.get_connect_timeout().map(|t| t.saturating_mul(hosts));
        Self { config, tls, setup, deadline, under_way: Arc::new(AtomicUsize::new(0)), max_under_way }
    }

    /// Where it connects, for messages: hosts and ports, database and user (never the password).
    pub(crate) fn target(&self) -> String {
        let ports = self.config.get_ports();
        let hosts: Vec<String> = self
            .config
            .get_hosts()
            .iter()
            .enumerate()
            .map(|(i, host)| {
                let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
                match host {
                    Host::Tcp(name) => format!("{name}:{port}"),
                    #[cfg(unix)]
                    Host::Unix(path) => format!("{}/.s.PGSQL.{port}", path.display()),
                }
            })
            .chain(self.config.get_hostaddrs().iter().map(ToString::to_string))
            .collect();
        hosts.join(",")
    }

    fn context(&self) -> String {
        format!("connecting to PostgreSQL at {}", self.target())
    }

    /// A configured connection, within the deadline.
    ///
    /// The postgres crate's own `connect_timeout` covers only the TCP connect: a server (or proxy) that accepts the
    /// connection and never answers would hold its handshake forever, and the crate offers no way to cancel it. So
    /// the handshake runs on a helper thread, and we stop waiting at the deadline. The helper ends when the server
    /// answers or closes; meanwhile it counts as under way, and past `max_under_way` new attempts fail at once
    /// instead of piling up threads behind a silent server.
    pub(crate) fn connect(&self) -> Result<Conn, StoreError> {
        let Some(deadline) = self.deadline else { return self.connect_here() };
        let what = || format!("connect_timeout of {deadline:?}");
        let waiting = self.under_way.fetch_add(1, Ordering::SeqCst);
        if waiting >= self.max_under_way {
            self.under_way.fetch_sub(1, Ordering::SeqCst);
            return Err(StoreError::timeout(
                self.context(),
                what(),
                format!(
                    "{waiting} earlier connection attempts still wait for the server to answer; not starting another"
                ),
            ));
        }
        let (send, receive) = mpsc::sync_channel(1);
        let job = Self {
            config: self.config.clone(),
            tls: self.tls.clone(),
            setup: self.setup.clone(),
            deadline: None,
            under_way: Arc::clone(&self.under_way),
            max_under_way: self.max_under_way,
        };
        let spawned = std::thread::Builder::new().name("kefu-pg-connect".into()).spawn(move || {
            let conn = job.connect_here();
            job.under_way.fetch_sub(1, Ordering::SeqCst);
            // Nobody waits any more if the deadline passed: the connection is closed with it.
            let _ = send.send(conn);
        });
        if let Err(e) = spawned {
            self.under_way.fetch_sub(1, Ordering::SeqCst);
            return Err(StoreError::backend(self.context(), e));
        }
        match receive.recv_timeout(deadline) {
            Ok(conn) => conn,
            Err(RecvTimeoutError::Timeout) => Err(StoreError::timeout(
                self.context(),
                what(),
                "the server did not complete the connection in time (the TCP connect, TLS, authentication and the \
                 session setup all count); is it overloaded, or is something else listening at that address?",
            )),
            Err(RecvTimeoutError::Disconnected) => {
                Err(StoreError::backend(self.context(), "the connecting thread ended without an answer"))
            }
        }
    }

    fn connect_here(&self) -> Result<Conn, StoreError> {
        let mut client = self.tls.connect(&self.config).map_err(|e| crate::error::classify(&self.context(), e))?;
        client.batch_execute(&self.setup).map_err(backend("configuring a PostgreSQL session"))?;
        Ok(Conn { client, statements: Statements::new() })
    }
}

/// r2d2's view of our connections.
#[derive(Debug)]
pub(crate) struct Manager {
    connector: Arc<Connector>,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Conn;
    type Error = StoreError;

    fn connect(&self) -> Result<Conn, StoreError> {
        self.connector.connect()
    }

    /// Run before a connection is handed out: an idle connection the server closed meanwhile (a restart,
    /// `pg_terminate_backend`, an idle timeout) fails this round trip and is replaced, instead of failing the
    /// caller's first statement.
    fn is_valid(&self, conn: &mut Conn) -> Result<(), StoreError> {
        let checked = match self.connector.deadline {
            Some(limit) => conn.client.is_valid(limit),
            None => conn.client.simple_query("").map(drop),
        };
        checked.map_err(|e| StoreError::backend("checking a pooled PostgreSQL connection", PgError::from(e)))
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.client.is_closed()
    }
}

/// The pool: up to `size` connections, opened on demand, closed after 10 idle minutes (r2d2's defaults for idle
/// and lifetime).
#[derive(Debug)]
pub(crate) struct Pool {
    pool: r2d2::Pool<Manager>,
    connector: Arc<Connector>,
    wait: Duration,
}

impl Pool {
    pub(crate) fn new(connector: Connector, size: usize, wait: Duration) -> Self {
        let connector = Arc::new(connector);
        let pool = r2d2::Pool::builder()
            .max_size(u32::try_from(size).unwrap_or(u32::MAX).max(1))
            .min_idle(Some(0))
            // r2d2 refuses a zero wait.
            .connection_timeout(wait.max(Duration::from_millis(1)))
            .test_on_check_out(true)
            .build_unchecked(Manager { connector: Arc::clone(&connector) });
        Self { pool, connector, wait }
    }

    /// A connection outside the pool, opened here and now (errors are the connection's own, not a wait's).
    pub(crate) fn connect(&self) -> Result<Conn, StoreError> {
        self.connector.connect()
    }

    /// A checked connection from the pool, waiting up to the pool's wait for one.
    pub(crate) fn get(&self) -> Result<r2d2::PooledConnection<Manager>, StoreError> {
        self.pool.get().map_err(|e| {
            StoreError::timeout("waiting for a PostgreSQL connection", format!("pool_wait of {:?}", self.wait), e)
        })
    }
}
