//! TLS: libpq's `sslmode` and `sslrootcert`, read from the connection string (the `postgres` crate knows only
//! `disable`, `prefer` and `require`, and verifies nothing itself), and the rustls connector for each mode.

use std::fmt;
use std::str::FromStr;

use kefu::store::StoreError;

/// How a connection uses TLS: libpq's `sslmode`, set in the connection string (`?sslmode=verify-full`) or with
/// [`Options::ssl_mode`](crate::Options::ssl_mode). TLS needs the crate feature `tls` (on by default).
///
/// Only [`SslMode::VerifyFull`] makes sure the server is the one named in the connection string; `require` and
/// `prefer` encrypt but accept any certificate (as libpq does), unless a root certificate is given with
/// `sslrootcert`, in which case the chain is verified as with `verify-ca`.
///
/// # Example
///
/// ```
/// use kefu_postgres::SslMode;
///
/// assert_eq!("verify-full".parse::<SslMode>()?, SslMode::VerifyFull);
/// assert_eq!(SslMode::default(), SslMode::Prefer);
/// assert!("allow".parse::<SslMode>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SslMode {
    /// Plain TCP, never TLS.
    Disable,
    /// TLS if the server offers it, plain otherwise; the certificate is not verified. libpq's default, and ours.
    #[default]
    Prefer,
    /// TLS or fail; the certificate is not verified (encryption without knowing who answers).
    Require,
    /// TLS or fail, with a certificate chain to a trusted root; any host name.
    VerifyCa,
    /// TLS or fail, with a certificate chain to a trusted root, issued for the host connected to.
    VerifyFull,
}

impl SslMode {
    fn as_str(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An `sslmode` value kefu does not know.
///
/// # Example
///
/// ```
/// let err = "strict".parse::<kefu_postgres::SslMode>().err().ok_or("expected an error")?;
/// assert!(err.to_string().contains("verify-full"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("sslmode `{value}` is not supported: use disable, prefer, require, verify-ca or verify-full{hint}")]
pub struct UnknownSslMode {
    value: String,
    hint: &'static str,
}

impl FromStr for SslMode {
    type Err = UnknownSslMode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "disable" => Self::Disable,
            "prefer" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            "allow" => {
                return Err(UnknownSslMode {
                    value: s.to_owned(),
                    hint: " (libpq's `allow` tries plain TCP first; `prefer` tries TLS first and is never weaker)",
                });
            }
            _ => return Err(UnknownSslMode { value: s.to_owned(), hint: "" }),
        })
    }
}

/// The TLS settings taken out of a connection string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TlsParams {
    pub(crate) mode: Option<SslMode>,
    /// `sslrootcert`: a PEM file, or `system` for the system's certificates.
    pub(crate) root_cert: Option<String>,
}

/// Takes `sslmode` and `sslrootcert` out of a connection string — a URL or libpq key-value pairs — and returns the
/// rest, for the `postgres` crate to parse. A string it cannot tokenize is returned whole (the `postgres` crate then
/// says what is wrong with it).
pub(crate) fn take_tls_params(conn: &str) -> Result<(String, TlsParams), StoreError> {
    let mut params = TlsParams::default();
    let mut take = |key: &str, value: String| -> Result<bool, StoreError> {
        match key {
            "sslmode" => {
                let mode = value
                    .parse::<SslMode>()
                    .map_err(|e| StoreError::backend("parsing the PostgreSQL connection string", e))?;
                params.mode = Some(mode);
                Ok(true)
            }
            "sslrootcert" => {
                params.root_cert = Some(value);
                Ok(true)
            }
            _ => Ok(false),
        }
    };
    let rest = if conn.starts_with("postgres://") || conn.starts_with("postgresql://") {
        let Some((base, query)) = conn.split_once('?') else { return Ok((conn.to_owned(), params)) };
        let mut kept = Vec::new();
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if !take(&percent_decode(key), percent_decode(value))? {
                kept.push(pair);
            }
        }
        if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) }
    } else {
        let Some(pairs) = key_values(conn) else { return Ok((conn.to_owned(), params)) };
        let mut rest = String::new();
        for (key, value, span) in pairs {
            if !take(&key, value)? {
                rest.push_str(&conn[span]);
                rest.push(' ');
            }
        }
        rest.trim_end().to_owned()
    };
    Ok((rest, params))
}

/// `%XX` escapes decoded (as the `postgres` crate decodes URL parameters); anything malformed is kept as is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// libpq key-value pairs (`key = value`, values optionally single-quoted, `\` escaping the next character), each
/// with its span in `s`; `None` if `s` is not well formed.
fn key_values(s: &str) -> Option<Vec<(String, String, std::ops::Range<usize>)>> {
    let mut pairs = Vec::new();
    let mut chars = s.char_indices().peekable();
    let skip_space = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
    };
    loop {
        skip_space(&mut chars);
        let Some(&(start, _)) = chars.peek() else { return Some(pairs) };
        let mut key = String::new();
        while let Some((_, c)) = chars.next_if(|(_, c)| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        skip_space(&mut chars);
        chars.next_if(|(_, c)| *c == '=')?;
        skip_space(&mut chars);
        let mut value = String::new();
        let quoted = chars.next_if(|(_, c)| *c == '\'').is_some();
        let end = loop {
            match chars.next() {
                None if quoted => return None,
                None => break s.len(),
                Some((i, c)) if quoted && c == '\'' => break i + 1,
                Some((i, c)) if !quoted && c.is_whitespace() => break i,
                Some((_, '\\')) => value.push(chars.next()?.1),
                Some((_, c)) => value.push(c),
            }
        };
        if key.is_empty() {
            return None;
        }
        pairs.push((key, value, start..end));
    }
}

/// The connector for one mode: plain, or rustls with the verifier the mode asks for.
#[derive(Clone)]
pub(crate) enum Tls {
    Plain,
    #[cfg(feature = "tls")]
    Rustls(tokio_postgres_rustls::MakeRustlsConnect),
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Plain => "Plain",
            #[cfg(feature = "tls")]
            Self::Rustls(_) => "Rustls",
        })
    }
}

impl Tls {
    /// The connector for `mode`, and the `postgres` crate's mode to go with it.
    pub(crate) fn new(mode: SslMode, root_cert: Option<&str>) -> Result<(Self, postgres::config::SslMode), StoreError> {
        use postgres::config::SslMode as Pg;
        let pg_mode = match mode {
            SslMode::Disable => Pg::Disable,
            SslMode::Prefer => Pg::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => Pg::Require,
        };
        if mode == SslMode::Disable {
            return Ok((Self::Plain, pg_mode));
        }
        #[cfg(feature = "tls")]
        {
            rustls_connector::make(mode, root_cert).map(|c| (Self::Rustls(c), pg_mode))
        }
        #[cfg(not(feature = "tls"))]
        {
            let _ = root_cert;
            match mode {
                // Without a TLS connector the `postgres` crate does not even ask the server for TLS.
                SslMode::Prefer => Ok((Self::Plain, pg_mode)),
                _ => Err(StoreError::backend(
                    "setting up TLS for PostgreSQL",
                    format!("sslmode={mode} needs kefu-postgres's `tls` feature, which this build leaves out"),
                )),
            }
        }
    }

    pub(crate) fn connect(&self, config: &postgres::Config) -> Result<postgres::Client, postgres::Error> {
        match self {
            Self::Plain => config.connect(postgres::NoTls),
            #[cfg(feature = "tls")]
            Self::Rustls(connector) => config.connect(connector.clone()),
        }
    }
}

/// Where trusted roots come from: `sslrootcert`, else the system's store.
#[cfg(feature = "tls")]
mod rustls_connector {
    use std::sync::Arc;

    use kefu::store::StoreError;
    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
    use tokio_postgres_rustls::MakeRustlsConnect;

    use std::path::PathBuf;

    use super::SslMode;

    const CTX: &str = "setting up TLS for PostgreSQL";

    pub(super) fn make(mode: SslMode, root_cert: Option<&str>) -> Result<MakeRustlsConnect, StoreError> {
        // The provider is named, not taken from the process default: an application linking rustls with another
        // provider too would otherwise make rustls panic.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| StoreError::backend(CTX, e))?;
        // As libpq: `prefer` and `require` verify nothing unless a root certificate is given.
        let verify = matches!(mode, SslMode::VerifyCa | SslMode::VerifyFull) || root_cert.is_some();
        let config = if !verify {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
                .with_no_client_auth()
        } else {
            let roots = Arc::new(roots(root_cert)?);
            if mode == SslMode::VerifyFull {
                builder.with_root_certificates(roots).with_no_client_auth()
            } else {
                let chain = WebPkiServerVerifier::builder_with_provider(roots, provider)
                    .build()
                    .map_err(|e| StoreError::backend(CTX, e))?;
                builder.dangerous().with_custom_certificate_verifier(Arc::new(AnyName(chain))).with_no_client_auth()
            }
        };
        Ok(MakeRustlsConnect::new(config))
    }

    fn roots(root_cert: Option<&str>) -> Result<RootCertStore, StoreError> {
        let mut roots = RootCertStore::empty();
        match root_cert {
            Some(path) if path != "system" => {
                let path = PathBuf::from(path);
                let ctx = || format!("{CTX}: reading sslrootcert {}", path.display());
                for cert in CertificateDer::pem_file_iter(&path).map_err(|e| StoreError::backend(ctx(), e))? {
                    let cert = cert.map_err(|e| StoreError::backend(ctx(), e))?;
                    roots.add(cert).map_err(|e| StoreError::backend(ctx(), e))?;
                }
                if roots.is_empty() {
                    return Err(StoreError::backend(ctx(), "the file holds no PEM certificate"));
                }
            }
            _ => {
                let found = rustls_native_certs::load_native_certs();
                roots.add_parsable_certificates(found.certs);
                if roots.is_empty() {
                    let why: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
                    return Err(StoreError::backend(
                        format!("{CTX}: loading the system's root certificates"),
                        format!(
                            "none found ({}); give the server's CA with sslrootcert=/path/to/ca.pem",
                            if why.is_empty() { "the store is empty".to_owned() } else { why.join("; ") }
                        ),
                    ));
                }
            }
        }
        Ok(roots)
    }

    /// `prefer` and `require` without a root certificate: any certificate, but the handshake's signatures are still
    /// checked (the session is encrypted to whoever holds the certificate's key).
    #[derive(Debug)]
    struct AnyCertificate(Arc<CryptoProvider>);

    impl ServerCertVerifier for AnyCertificate {
        fn verify_server_cert(
            &self,
            _end_entity: &CertificateDer<'_>,
            _intermediates: &[CertificateDer<'_>],
            _server_name: &ServerName<'_>,
            _ocsp_response: &[u8],
            _now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }

    /// `verify-ca`: the chain must lead to a trusted root; the name it was issued for does not matter.
    #[derive(Debug)]
    struct AnyName(Arc<WebPkiServerVerifier>);

    impl ServerCertVerifier for AnyName {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp_response: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            // webpki checks the chain first and the name last: a name error means the chain was good.
            match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
                )) => Ok(ServerCertVerified::assertion()),
                other => other,
            }
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls12_signature(message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls13_signature(message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.supported_verify_schemes()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> (String, TlsParams) {
        take_tls_params(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn takes_the_tls_params_out_of_a_url() {
        let (rest, p) =
            split("postgres://u:p@db:5432/app?sslmode=verify-full&application_name=erp&sslrootcert=%2Fca.pem");
        assert_eq!(rest, "postgres://u:p@db:5432/app?application_name=erp");
        assert_eq!(p, TlsParams { mode: Some(SslMode::VerifyFull), root_cert: Some("/ca.pem".into()) });
        let (rest, p) = split("postgresql://db/app?sslmode=disable");
        assert_eq!((rest.as_str(), p.mode), ("postgresql://db/app", Some(SslMode::Disable)));
        let (rest, p) = split("postgres://db/app");
        assert_eq!((rest.as_str(), p), ("postgres://db/app", TlsParams::default()));
    }

    #[test]
    fn takes_the_tls_params_out_of_key_values() {
        let (rest, p) = split("host=db sslmode = 'verify-ca'  dbname='my app' sslrootcert=/etc/ca\\ x.pem user=kefu");
        assert_eq!(rest, "host=db dbname='my app' user=kefu");
        assert_eq!(p, TlsParams { mode: Some(SslMode::VerifyCa), root_cert: Some("/etc/ca x.pem".into()) });
        // Not well formed: handed on whole, for the postgres crate to explain.
        assert_eq!(split("host=db dbname='open").0, "host=db dbname='open");
    }

    #[test]
    fn refuses_unknown_modes() {
        let err = take_tls_params("postgres://db/app?sslmode=allow").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("`allow` is not supported") && err.contains("prefer"), "{err}");
        assert!(take_tls_params("host=db sslmode=strict").is_err());
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("%2Fetc%2fca.pem"), "/etc/ca.pem");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
