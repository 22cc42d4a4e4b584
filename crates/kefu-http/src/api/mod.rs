//! The `/v1` API: one module per concern, each handler generic over the store.

pub mod calendar;
pub mod commands;
pub mod events;
pub mod facts;
pub mod queries;
pub mod runs;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::problem::Problem;

/// A path parameter read by the service: one that cannot be decoded is 400 `invalid-request`.
///
/// Instance ids contain `/`: a client sends the whole id as one path segment, percent-encoded
/// (`callback%2F0042%2Fsale%2FSO-7`).
#[derive(Debug)]
pub struct PathOf<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for PathOf<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(p)| Self(p))
            .map_err(|e| Problem::bad_request(e.body_text()))
    }
}

/// One instance in a list: its id and its state as the machine serializes it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Item {
    /// The instance id (`callback/0042/sale/SO-7`).
    pub instance: String,
    /// The instance's state.
    #[schema(value_type = Object)]
    pub state: Value,
}

/// A list of instances.
#[derive(Debug, Serialize, ToSchema)]
pub struct Items {
    /// The instances, in the order the query gives.
    pub items: Vec<Item>,
}

impl Items {
    pub(crate) fn of<T: Serialize>(list: Vec<(String, T)>) -> Result<Self, Problem> {
        let items = list
            .into_iter()
            .map(|(instance, state)| {
                serde_json::to_value(&state)
                    .map(|state| Item { instance, state })
                    .map_err(|e| Problem::internal(format!("a state does not serialize: {e}")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { items })
    }
}

/// A state as JSON.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<Value, Problem> {
    serde_json::to_value(value).map_err(|e| Problem::internal(format!("a state does not serialize: {e}")))
}
