//! [`ServiceToken`]: who may call the HTTP service (`kefu serve`), kept in the configuration as a hash only.

use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};

use crate::machine::{Principal, Role};

/// A bearer token of the HTTP service, as `kefu.toml` keeps it (`[[tokens]]`): the principal it acts as, the roles
/// it holds, and the SHA-256 of the token — never the token itself, so that the file can be read without
/// giving anyone access.
///
/// ```
/// use kefu::desk::ServiceToken;
///
/// let token = ServiceToken::new("erp", ["erp"], "kefu_3f9c2a");
/// assert!(token.matches("kefu_3f9c2a"));
/// assert!(!token.matches("kefu_3f9c2b"));
/// assert_eq!(token.sha256.len(), 64);
/// assert!(token.principal().has_role("erp"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceToken {
    /// The principal id the token acts as: a person's id (their configured roles apply too) or a system's (`erp`).
    pub principal: String,
    /// The roles the token holds, besides those of the person it names.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// The SHA-256 of the token, 64 lowercase hexadecimal digits.
    #[serde(deserialize_with = "sha256_hex")]
    pub sha256: String,
}

impl ServiceToken {
    /// The entry of `token` for `principal` with `roles`: only its hash is kept.
    #[must_use]
    pub fn new<R: Into<Role>>(principal: impl Into<String>, roles: impl IntoIterator<Item = R>, token: &str) -> Self {
        Self { principal: principal.into(), roles: roles.into_iter().map(Into::into).collect(), sha256: hash(token) }
    }

    /// Whether `token` is this entry's token (by its hash).
    #[must_use]
    pub fn matches(&self, token: &str) -> bool {
        // Both sides are hashes of the same length: comparing them leaks nothing about the token itself.
        hash(token) == self.sha256
    }

    /// The principal the token acts as, with the token's roles.
    #[must_use]
    pub fn principal(&self) -> Principal {
        self.roles.iter().fold(Principal::new(self.principal.clone()), |p, r| p.with_role(r.clone()))
    }
}

/// The SHA-256 of `token` in lowercase hexadecimal, as [`ServiceToken::sha256`] keeps it.
///
/// ```
/// assert_eq!(
///     kefu::desk::token_hash("abc"),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
#[must_use]
pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().fold(String::with_capacity(64), |mut out, byte| {
        use core::fmt::Write as _;
        let _ = write!(out, "{byte:02x}");
        out
    })
}

fn sha256_hex<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = String::deserialize(deserializer)?;
    if text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(text)
    } else {
        Err(serde::de::Error::custom(
            "is not a SHA-256 in lowercase hexadecimal (64 digits); write what `kefu token create` printed to the file",
        ))
    }
}
