//! [`SpecialistId`] and [`ItemId`]: the names a team and its work are known by.

use std::borrow::Borrow;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Cheap to clone (shared text); serialises as a plain string.
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Arc<str>);

        impl $name {
            /// An id with the given text.
            #[must_use]
            pub fn new(id: impl Into<String>) -> Self {
                Self(Arc::from(id.into()))
            }

            /// The id's text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(Arc::from(id))
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(Arc::from(id))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // The derived `Ord`/`Hash` are those of the `str`, so borrowing as `str` is consistent.
        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id! {
    /// The id of a service specialist (an employee number, a user name). Ties between equally loaded specialists
    /// are broken by this id, in byte order (rule C3).
    ///
    /// ```
    /// use kefu::assign::SpecialistId;
    ///
    /// let id = SpecialistId::from("li.wei");
    /// assert_eq!(id.as_str(), "li.wei");
    /// assert!(SpecialistId::from("li.wei") < SpecialistId::from("wang.fang"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    SpecialistId
}

string_id! {
    /// The id of a piece of work to assign: a customer (rule C3), a callback on the consolidated list (B2), an
    /// inbound contact (O1). Unique within a [`Team`](super::Team).
    ///
    /// ```
    /// use kefu::assign::ItemId;
    ///
    /// let id = ItemId::new(format!("callback-{}", 17));
    /// assert_eq!(id.to_string(), "callback-17");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ItemId
}
