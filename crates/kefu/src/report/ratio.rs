//! Exact ratios: coverage, reach rate, satisfaction score, compliance — counts, never floating-point sums, so a
//! report is the same whatever order its events were counted in.

use core::fmt;

use serde::{Deserialize, Serialize};

/// `n` out of `of`, kept as the two counts; [`percent`](Ratio::percent) is for display.
///
/// Serialises as `{"n": 3, "of": 4, "percent": 75.0}` (`percent` is `null` when `of` is 0).
///
/// ```
/// use kefu::report::Ratio;
///
/// let reach = Ratio::new(2, 3);
/// assert_eq!(reach.to_string(), "66.7% (2/3)");
/// assert_eq!(Ratio::new(0, 0).percent(), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Ratio {
    /// The part.
    pub n: u64,
    /// The whole.
    pub of: u64,
}

impl Ratio {
    /// `n` out of `of`.
    #[must_use]
    pub fn new(n: u64, of: u64) -> Self {
        Self { n, of }
    }

    /// The percentage, rounded to one decimal; `None` when nothing was counted.
    #[must_use]
    #[allow(clippy::cast_precision_loss)] // display only: counts stay far below 2^52
    pub fn percent(&self) -> Option<f64> {
        (self.of > 0).then(|| (self.n as f64 * 1000.0 / self.of as f64).round() / 10.0)
    }

    /// The sum of two ratios' counts.
    #[must_use]
    pub fn plus(self, other: Ratio) -> Ratio {
        Ratio::new(self.n + other.n, self.of + other.of)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.percent() {
            Some(p) => write!(f, "{p:.1}% ({}/{})", self.n, self.of),
            None => write!(f, "n/a (0/0)"),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Shape {
    n: u64,
    of: u64,
    #[serde(default)]
    percent: Option<f64>,
}

impl Serialize for Ratio {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Shape { n: self.n, of: self.of, percent: self.percent() }.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Ratio {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let shape = Shape::deserialize(deserializer)?;
        Ok(Self::new(shape.n, shape.of))
    }
}
