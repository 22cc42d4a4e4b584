//! The request's parts the service reads itself, so that every failure is a [`Problem`]: the JSON body (400, 413,
//! 415), the `Idempotency-Key` and `If-Match` headers, and query strings.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// The longest `Idempotency-Key` accepted, in bytes.
pub const MAX_KEY_BYTES: usize = 200;

/// A JSON body read by the service: not JSON is 400 `malformed-json`; JSON of the wrong shape is 400
/// `invalid-body` with a JSON pointer to the field; over the limit is 413; another media type is 415.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        if let Some(kind) = req.headers().get(header::CONTENT_TYPE) {
            let kind = kind.to_str().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            if kind != "application/json" && !(kind.starts_with("application/") && kind.ends_with("+json")) {
                return Err(Problem::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported-media-type",
                    format!("the body is `{kind}`; send `application/json`"),
                ));
            }
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large", "the body is over the service's limit")
            } else {
                Problem::bad_request(format!("the body cannot be read: {rejection}"))
            }
        })?;
        parse(&bytes).map(JsonBody)
    }
}

/// Reads `bytes` as a `T`, with the errors of [`JsonBody`].
///
/// # Errors
///
/// 400 `malformed-json` or `invalid-body`.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let pointer = pointer(e.path());
        problem(e.into_inner(), pointer)
    })?;
    de.end().map_err(|e| problem(e, String::new()))?;
    Ok(value)
}

fn problem(error: serde_json::Error, pointer: String) -> Problem {
    let place = format!("line {} column {}", error.line(), error.column());
    match error.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof | serde_json::error::Category::Io => {
            Problem::new(StatusCode::BAD_REQUEST, "malformed-json", format!("{place}: {error}"))
                .with("line", error.line())
                .with("column", error.column())
        }
        serde_json::error::Category::Data => {
            if pointer.is_empty() {
                Problem::new(StatusCode::BAD_REQUEST, "invalid-body", format!("the body: {error}"))
            } else {
                Problem::new(StatusCode::BAD_REQUEST, "invalid-body", format!("`{pointer}`: {error}"))
                    .with("pointer", pointer)
            }
        }
    }
}

/// A JSON pointer (RFC 6901) for serde_path_to_error's path.
fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out.push('/');
        match segment {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

/// The request's `Idempotency-Key`, if any: at most [`MAX_KEY_BYTES`] of visible ASCII, else 400.
#[derive(Clone, Debug, Default)]
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let Some(value) = parts.headers.get("idempotency-key") else { return Ok(Self(None)) };
        let bad = || {
            Problem::bad_request(format!(
                "the Idempotency-Key must be 1 to {MAX_KEY_BYTES} visible ASCII characters (a UUID, the ERP's request id)"
            ))
            .with("header", "Idempotency-Key")
        };
        let text = value.to_str().map_err(|_| bad())?.trim();
        if text.is_empty() || text.len() > MAX_KEY_BYTES || !text.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
            return Err(bad());
        }
        Ok(Self(Some(text.to_owned())))
    }
}

/// The request's `If-Match`: the instance version the client saw (`"3"`, as the `ETag` gave it), or any (`*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IfMatch(pub Option<u64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else { return Ok(Self(None)) };
        let text = value.to_str().unwrap_or("").trim();
        if text == "*" {
            return Ok(Self(None));
        }
        let tag = text.strip_prefix("W/").unwrap_or(text);
        tag.strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .and_then(|t| t.parse::<u64>().ok())
            .map(|v| Self(Some(v)))
            .ok_or_else(|| {
                Problem::bad_request("If-Match must be an instance version as the ETag gives it, e.g. \"3\"")
                    .with("header", "If-Match")
            })
    }
}

/// A query string read by the service: a parameter that cannot be read is 400 `invalid-request`.
#[derive(Debug)]
pub struct QueryOf<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryOf<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| Self(q))
            .map_err(|e| Problem::bad_request(e.body_text()))
    }
}

/// An instance's ETag: its version, quoted.
#[must_use]
pub fn etag(version: u64) -> String {
    format!("\"{version}\"")
}
