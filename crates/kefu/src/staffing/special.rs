//! Two sums over a rising sequence `x + 1, x + 2, …, x + j`, in time that does not grow with `j`:
//! `Σ ln(x + i)` (a ratio of gamma functions) and `Σ 1 / (x + i)` (a difference of digammas).
//!
//! Erlang A needs both at the peak term of its series, which lies `(λ − nμ) / θ` terms out when the agents are
//! overloaded: thousands of terms for a large centre, millions for a very patient crowd. Short sums are added up
//! directly; long ones use Stirling's series for `ln Γ` and the asymptotic series for `ψ`, after shifting the start
//! to at least [`Z_MIN`] so that the truncated series are accurate to about 1e-15.

/// Sums of at most this many terms are added directly.
const DIRECT_TERMS: f64 = 64.0;
/// The asymptotic series are used from this argument on (their truncation error is below 1e-15 there).
const Z_MIN: f64 = 16.0;

/// `Σ_{i=1}^{j} ln(x + i) = ln Γ(x + j + 1) − ln Γ(x + 1)`, for `x ≥ 0` and a whole number `j ≥ 0`.
pub(crate) fn ln_rising(x: f64, j: f64) -> f64 {
    if j <= DIRECT_TERMS {
        return (1..=j as u32).map(|i| (x + f64::from(i)).ln()).sum();
    }
    let (z0, h, sum) = shift(x, j, f64::ln);
    let z1 = x + j + 1.0;
    // ln Γ(z1) − ln Γ(z0) with ln Γ(z) = (z − ½) ln z − z + ½ ln 2π + c(z): the constant cancels, and
    // (z1 − ½) ln z1 − (z0 − ½) ln z0 = (z0 − ½) ln(1 + h/z0) + h ln z1 keeps the small difference exact.
    sum + (z0 - 0.5) * (h / z0).ln_1p() + h * z1.ln() - h + stirling_tail(z1) - stirling_tail(z0)
}

/// `Σ_{i=1}^{j} 1 / (x + i) = ψ(x + j + 1) − ψ(x + 1)`, for `x ≥ 0` and a whole number `j ≥ 0`.
pub(crate) fn harmonic(x: f64, j: f64) -> f64 {
    if j <= DIRECT_TERMS {
        return (1..=j as u32).map(|i| 1.0 / (x + f64::from(i))).sum();
    }
    let (z0, h, sum) = shift(x, j, |z| 1.0 / z);
    sum + (h / z0).ln_1p() + digamma_tail(x + j + 1.0) - digamma_tail(z0)
}

/// Adds `f(x + 1), f(x + 2), …` directly until the next argument `z0` is at least [`Z_MIN`]; returns `z0`, the
/// number of terms left (`h`, a whole number, exact) and the partial sum.
fn shift(x: f64, j: f64, f: impl Fn(f64) -> f64) -> (f64, f64, f64) {
    let (mut k, mut sum) = (0.0, 0.0);
    while x + 1.0 + k < Z_MIN {
        sum += f(x + 1.0 + k);
        k += 1.0;
    }
    (x + 1.0 + k, j - k, sum)
}

/// Stirling's correction `ln Γ(z) − ((z − ½) ln z − z + ½ ln 2π)` for `z ≥ 16`.
fn stirling_tail(z: f64) -> f64 {
    let w = 1.0 / (z * z);
    (1.0 / 12.0 - w * (1.0 / 360.0 - w * (1.0 / 1260.0 - w * (1.0 / 1680.0 - w / 1188.0)))) / z
}

/// `ψ(z) − ln z` for `z ≥ 16`.
fn digamma_tail(z: f64) -> f64 {
    let w = 1.0 / (z * z);
    -0.5 / z - w * (1.0 / 12.0 - w * (1.0 / 120.0 - w * (1.0 / 252.0 - w * (1.0 / 240.0 - w / 132.0))))
}

#[cfg(test)]
mod tests {
    use super::{harmonic, ln_rising};

    fn direct(x: f64, j: u32, f: impl Fn(f64) -> f64) -> f64 {
        // Added from the smallest term up, in pairs of partial sums, to keep the reference itself accurate.
        let mut sum = 0.0f64;
        let mut carry = 0.0f64;
        for i in 1..=j {
            // Kahan summation.
            let y = f(x + f64::from(i)) - carry;
            let t = sum + y;
            carry = (t - sum) - y;
            sum = t;
        }
        sum
    }

    #[test]
    fn long_sums_agree_with_adding_every_term() {
        for x in [0.0, 0.5, 3.7, 15.2, 16.0, 99.5, 1.0e4, 3.3e6] {
            for j in [0u32, 1, 7, 64, 65, 100, 1_000, 123_456] {
                let (lr, lr_ref) = (ln_rising(x, f64::from(j)), direct(x, j, f64::ln));
                let (h, h_ref) = (harmonic(x, f64::from(j)), direct(x, j, |v| 1.0 / v));
                let tolerance = |r: f64| 1e-12 * r.abs().max(1e-300);
                assert!((lr - lr_ref).abs() <= tolerance(lr_ref), "ln_rising({x}, {j}) = {lr}, direct {lr_ref}");
                assert!((h - h_ref).abs() <= tolerance(h_ref), "harmonic({x}, {j}) = {h}, direct {h_ref}");
            }
        }
    }
}
