//! TLS (feature `tls`): `sslmode` and `sslrootcert` from the connection string, against the local server as it is
//! configured (with or without TLS) and against a fake server that speaks TLS with certificates made here.
#![cfg(feature = "tls")]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use kefu::store::Store;
use kefu_postgres::{Options, PgStore};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

fn options() -> Options {
    Options::default().pool_size(1).connect_timeout(Some(Duration::from_secs(5)))
}

/// Whether this store's own session is encrypted.
fn encrypted(store: &PgStore) -> bool {
    store
        .with_client(|c| c.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).map(|r| r.get(0)))
        .expect("a connection")
        .expect("pg_stat_ssl")
}

/// `sslmode=disable` connects in plain TCP; `require` connects with TLS when the server offers it and fails with
/// a clear error when it does not (the local server may be set up either way; it is left as it is).
#[test]
fn disable_and_require_against_the_local_server() {
    let Some(url) = common::url() else { return };
    let schema = common::schema_name();
    let disabled = PgStore::connect_with(&common::with_param(&url, "sslmode=disable"), &options().schema(&schema))
        .expect("sslmode=disable connects");
    let fixture = common::Fixture { store: disabled, url: url.clone() };
    assert!(!encrypted(&fixture), "sslmode=disable: plain TCP");
    let server_has_tls: String = postgres::Client::connect(&url, postgres::NoTls)
        .and_then(|mut c| c.query_one("SHOW ssl", &[]).map(|r| r.get(0)))
        .expect("SHOW ssl");
    let required = PgStore::connect_with(&common::with_param(&url, "sslmode=require"), &options().schema(&schema));
    match (server_has_tls.as_str(), required) {
        ("on", Ok(store)) => {
            assert!(encrypted(&store), "sslmode=require: TLS");
            assert!(store.load("nobody").expect("load").is_none());
        }
        ("off", Err(e)) => assert!(e.to_string().contains("server does not support TLS"), "{e}"),
        (ssl, other) => panic!("server ssl={ssl}: unexpected {other:?}"),
    }
}

/// Certificates made for the test: a CA, another CA, and a server certificate for `localhost` from the first.
struct Certs {
    dir: tempfile::TempDir,
    chain: Vec<CertificateDer<'static>>,
    key: Vec<u8>,
}

impl Certs {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let ca = |name: &str| {
            let key = rcgen::KeyPair::generate().expect("a CA key");
            let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
            params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
            params.distinguished_name.push(rcgen::DnType::CommonName, name);
            let cert = params.self_signed(&key).expect("a CA certificate");
            std::fs::write(dir.path().join(format!("{name}.pem")), cert.pem()).expect("write the CA");
            (cert, key)
        };
        let (ca_cert, ca_key) = ca("ca");
        ca("other-ca");
        let key = rcgen::KeyPair::generate().expect("a server key");
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .expect("server params")
            .signed_by(&key, &ca_cert, &ca_key)
            .expect("a server certificate");
        Self { chain: vec![cert.der().clone(), ca_cert.der().clone()], key: key.serialize_der(), dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(format!("{name}.pem")).display().to_string()
    }
}

/// A fake PostgreSQL server: accepts TLS (answers `S` to the SSL request), completes the handshake, reads the
/// startup message and refuses it with its own FATAL error — which the client reports only if TLS succeeded.
fn fake_tls_server(certs: &Certs) -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(certs.chain.clone(), PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certs.key.clone())))
        .expect("a server config");
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        // Serves until the test process ends; each client is answered once.
        for socket in listener.incoming() {
            let Ok(mut socket) = socket else { continue };
            let config = Arc::clone(&config);
            std::thread::spawn(move || -> std::io::Result<()> {
                socket.set_read_timeout(Some(Duration::from_secs(5)))?;
                let mut request = [0u8; 8];
                socket.read_exact(&mut request)?; // SSLRequest
                socket.write_all(b"S")?;
                let conn = rustls::ServerConnection::new(config).map_err(std::io::Error::other)?;
                let mut tls = rustls::StreamOwned::new(conn, socket);
                let mut len = [0u8; 4];
                tls.read_exact(&mut len)?; // the startup message, over TLS
                let mut startup = vec![0u8; (u32::from_be_bytes(len) as usize).saturating_sub(4)];
                tls.read_exact(&mut startup)?;
                let mut body = Vec::new();
                for (field, text) in [(b'S', "FATAL"), (b'V', "FATAL"), (b'C', "28000"), (b'M', "kefu fake server")] {
                    body.push(field);
                    body.extend_from_slice(text.as_bytes());
                    body.push(0);
                }
                body.push(0);
                let mut message = vec![b'E'];
                message.extend_from_slice(&(body.len() as u32 + 4).to_be_bytes());
                message.extend_from_slice(&body);
                tls.write_all(&message)?;
                tls.flush()
            });
        }
    });
    port
}

fn connect(port: u16, host: &str, params: &str) -> String {
    match PgStore::connect_with(&format!("postgres://kefu@{host}:{port}/test?{params}"), &options()) {
        Ok(_) => panic!("the fake server never lets anyone in"),
        Err(e) => e.to_string(),
    }
}

/// Each mode trusts what it should: `require` any certificate, `verify-ca` a chain to the given root whatever the
/// name, `verify-full` a chain to the given root for the host connected to.
#[test]
fn each_mode_verifies_what_it_promises() {
    let certs = Certs::new();
    let port = fake_tls_server(&certs);
    let (ca, other) = (certs.path("ca"), certs.path("other-ca"));
    let reached = |text: &str| text.contains("FATAL 28000: kefu fake server");

    let text = connect(port, "127.0.0.1", "sslmode=require");
    assert!(reached(&text), "require accepts any certificate: {text}");
    let text = connect(port, "localhost", &format!("sslmode=verify-full&sslrootcert={ca}"));
    assert!(reached(&text), "verify-full: the right root and name: {text}");
    let text = connect(port, "127.0.0.1", &format!("sslmode=verify-ca&sslrootcert={ca}"));
    assert!(reached(&text), "verify-ca: any name: {text}");

    let text = connect(port, "127.0.0.1", &format!("sslmode=verify-full&sslrootcert={ca}"));
    assert!(
        !reached(&text) && text.contains("certificate not valid for name \"127.0.0.1\""),
        "verify-full: wrong name: {text}"
    );
    let text = connect(port, "localhost", &format!("sslmode=verify-full&sslrootcert={other}"));
    assert!(
        !reached(&text) && text.contains("invalid peer certificate: UnknownIssuer"),
        "verify-full: unknown root: {text}"
    );
    let text = connect(port, "localhost", &format!("sslmode=verify-ca&sslrootcert={other}"));
    assert!(
        !reached(&text) && text.contains("invalid peer certificate: UnknownIssuer"),
        "verify-ca: unknown root: {text}"
    );
    // `require` with a root given verifies the chain, as libpq does.
    let text = connect(port, "localhost", &format!("sslmode=require&sslrootcert={other}"));
    assert!(
        !reached(&text) && text.contains("invalid peer certificate: UnknownIssuer"),
        "require with sslrootcert: {text}"
    );
    // A root file that is not there is named.
    let text = connect(port, "localhost", "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem");
    assert!(text.contains("/nonexistent/ca.pem"), "{text}");
}
