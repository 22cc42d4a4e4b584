//! PostgreSQL's errors in the server's own words, and which of them are timeouts.

use std::error::Error as _;
use std::fmt;

use kefu::store::StoreError;
use postgres::error::{DbError, SqlState};

/// An error from PostgreSQL or its client, displayed with everything it says.
///
/// The `postgres` crate displays a server's error as just `db error`; this shows the server's words instead: the
/// severity, the SQLSTATE code, the message, and the detail, hint and context when the server sent them. Any other
/// error (I/O, TLS, a closed connection) is shown with its chain of causes. It is the source of kefu-postgres's
/// [`StoreError::Backend`] and [`StoreError::Timeout`] errors: downcast to it for the code.
///
/// # Example
///
/// ```no_run
/// use std::error::Error as _;
/// use kefu_postgres::{PgError, PgStore};
/// use kefu_postgres::postgres::error::SqlState;
///
/// let err = PgStore::connect("postgres://postgres@127.0.0.1:5432/no_such_database").err().ok_or("expected an error")?;
/// // "connecting to PostgreSQL at 127.0.0.1:5432: FATAL 3D000: database "no_such_database" does not exist"
/// println!("{err}");
/// let pg = err.source().and_then(|e| e.downcast_ref::<PgError>()).ok_or("a PostgreSQL error")?;
/// assert_eq!(pg.code(), Some(&SqlState::INVALID_CATALOG_NAME));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct PgError(postgres::Error);

impl PgError {
    /// The SQLSTATE code, if the server sent the error.
    #[must_use]
    pub fn code(&self) -> Option<&SqlState> {
        self.0.code()
    }

    /// The server's error with all its fields, if the server sent it.
    #[must_use]
    pub fn db_error(&self) -> Option<&DbError> {
        self.0.as_db_error()
    }

    /// The `postgres` crate's error.
    #[must_use]
    pub fn as_postgres(&self) -> &postgres::Error {
        &self.0
    }
}

impl From<postgres::Error> for PgError {
    fn from(e: postgres::Error) -> Self {
        Self(e)
    }
}

impl fmt::Display for PgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(db) = self.0.as_db_error() {
            write!(f, "{} {}: {}", db.severity(), db.code().code(), db.message())?;
            for (label, field) in
                [("detail", db.detail()), ("hint", db.hint()), ("where", db.where_()), ("constraint", db.constraint())]
            {
                if let Some(text) = field {
                    write!(f, "; {label}: {text}")?;
                }
            }
            return Ok(());
        }
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(e) = cause {
            write!(f, ": {e}")?;
            cause = e.source();
        }
        Ok(())
    }
}

/// Its display already carries every cause: no `source`, so that reporters walking the chain say nothing twice.
impl std::error::Error for PgError {}

/// Maps a postgres error to a [`StoreError`] saying what was being done: a [`StoreError::Timeout`] when one of the
/// session's limits ran out, a [`StoreError::Backend`] otherwise, both with the server's words.
pub(crate) fn backend(context: &str) -> impl FnOnce(postgres::Error) -> StoreError + '_ {
    move |e| classify(context, e)
}

pub(crate) fn classify(context: &str, e: postgres::Error) -> StoreError {
    match timed_out(&e) {
        Some(limit) => StoreError::timeout(context, limit, PgError(e)),
        None => StoreError::backend(context, PgError(e)),
    }
}

/// Which session limit, if any, the server says ran out.
fn timed_out(e: &postgres::Error) -> Option<&'static str> {
    let db = e.as_db_error()?;
    let code = db.code();
    if *code == SqlState::LOCK_NOT_AVAILABLE {
        // kefu never locks with NOWAIT, so 55P03 is the lock timeout.
        Some("lock_timeout")
    } else if *code == SqlState::QUERY_CANCELED && db.message().contains("statement timeout") {
        // 57014 is also a cancel request; only the statement timeout says so in its message.
        Some("statement_timeout")
    } else if *code == SqlState::IDLE_IN_TRANSACTION_SESSION_TIMEOUT {
        Some("idle_in_transaction_session_timeout")
    } else if code.code() == "57P05" {
        Some("idle_session_timeout")
    } else {
        None
    }
}
