//! The queueing formulas: Erlang B, Erlang C (M/M/n) and Erlang A (M/M/n+M), evaluated without factorials or
//! powers, so that thousands of agents and tens of thousands of contacts neither overflow nor lose precision.
//!
//! Notation (all times in seconds): arrivals at rate `λ`, handling times exponential with mean `h` (the AHT,
//! `μ = 1/h`), `n` agents, offered load `a = λh` Erlangs; in Erlang A, patience exponential with mean `p`
//! (`θ = 1/p`); the service-level target answers within `τ`.

use super::special::{harmonic, ln_rising};

/// Terms of a series smaller than this share of the running sum (with everything after them) are dropped.
const SERIES_EPSILON: f64 = 1e-17;

/// What a queue with a given number of agents achieves. All shares are in `[0, 1]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Metrics {
    /// Share of all arriving contacts answered within `τ`.
    pub service_level: f64,
    /// Share of arriving contacts that find every agent busy and wait.
    pub p_wait: f64,
    /// Mean wait of the answered contacts, in seconds (those answered at once count with 0).
    pub asa: f64,
    /// Share of the agents' time spent handling contacts.
    pub occupancy: f64,
    /// Share of arriving contacts that hang up before an answer (Erlang A only).
    pub p_abandon: Option<f64>,
}

impl Metrics {
    /// Nothing arrives: everyone (nobody) is answered at once.
    pub(crate) fn idle(abandonment: bool) -> Self {
        Self { service_level: 1.0, p_wait: 0.0, asa: 0.0, occupancy: 0.0, p_abandon: abandonment.then_some(0.0) }
    }
}

/// Erlang B, the blocking probability `B(n, a)` of `n` agents and `a` Erlangs without a queue, for `n = 0, 1, 2, …`
/// by the recurrence of its inverse, `1/B(0) = 1`, `1/B(k) = 1 + (k/a) / B(k−1)`: every term is positive, so the
/// relative error does not grow, and a step is a multiply-add (no division). `1/B` may overflow to ∞ when `n ≫ a`,
/// which is `B = 0` to double precision. Values are kept, so that a search over agent counts pays for each count
/// once.
#[derive(Clone, Debug)]
pub(crate) struct ErlangB {
    per_erlang: f64,
    inverses: Vec<f64>,
}

impl ErlangB {
    pub(crate) fn new(load: f64) -> Self {
        Self { per_erlang: 1.0 / load, inverses: vec![1.0] }
    }

    /// `B(n, a)`; O(n) the first time a count beyond those seen is asked for, O(1) after.
    pub(crate) fn at(&mut self, n: u32) -> f64 {
        let n = n as usize;
        while self.inverses.len() <= n {
            let k = self.inverses.len() as f64;
            let previous = self.inverses[self.inverses.len() - 1];
            self.inverses.push(1.0 + k * self.per_erlang * previous);
        }
        1.0 / self.inverses[n]
    }
}

/// Erlang C with `n > a` agents, `b = B(n, a)`: `C = b / (1 − (a/n)(1 − b))` is the probability of waiting;
/// the wait of those who wait is exponential with rate `nμ − λ`, so `SL(τ) = 1 − C e^{−(n − a) τ / h}` and
/// `ASA = C h / (n − a)`; occupancy `a / n`. `None` when `n ≤ a` (no steady state: the queue grows without end).
pub(crate) fn erlang_c(n: u32, load: f64, b: f64, aht: f64, within: f64) -> Option<Metrics> {
    let agents = f64::from(n);
    if agents <= load {
        return None;
    }
    let rho = load / agents;
    let p_wait = (b / (1.0 - rho * (1.0 - b))).clamp(0.0, 1.0);
    let spare = agents - load;
    Some(Metrics {
        service_level: (1.0 - p_wait * (-spare * within / aht).exp()).clamp(0.0, 1.0),
        p_wait,
        asa: p_wait * aht / spare,
        occupancy: rho,
        p_abandon: None,
    })
}

/// Erlang A: `n` agents, arrivals `λ` per second, `b = B(n, λh)`, patience `p`.
///
/// With `x = nμ/θ = n p / h` and `y = λ/θ = λ p`, the states with everyone busy have weights relative to the state
/// "exactly n in the system" of `t_j = Π_{i=1..j} y / (x + i)` (`j` waiting), and `S = Σ_j t_j`
/// (= `x e^y y^{−x} γ(x, y)`, the incomplete gamma function of Garnett, Mandelbaum and Reiman, 2002). Then, by
/// PASTA and the Erlang B normalisation:
///
/// * `P(wait) = B S / (1 + B (S − 1))`;
/// * a contact arriving behind `j` others is answered with probability `x / (x + j + 1)` and abandons otherwise,
///   so `P(abandon) = P(wait) · Σ_j t_j (j + 1)/(x + j + 1) / S` (a sum of positive terms: no cancellation);
/// * its wait, if answered, is a sum of exponential stages with rates `θ (x + i)`; summed over `j` this gives the
///   share of waiting contacts answered *after* `τ`: `(x/y) e^{y(1 − z) − xθτ} (S(x, yz) − 1) / S`, with
///   `z = e^{−θτ}` — the same series at a smaller argument (γ(x+1, yz) in the notes of Mandelbaum and Zeltyn);
/// * `SL(τ) = 1 − P(wait) · (P(abandon | wait) + share answered after τ)`;
/// * `ASA = P(wait) (x/y) p Σ_j t_j H_j / S / (1 − P(abandon))`, with `H_j = Σ_{i=1..j} 1/(x + i)`;
/// * occupancy = carried load / n = `λ h (1 − P(abandon)) / n`.
///
/// Every quantity is a ratio to `S`, which may be astronomically large in overload: the series is summed from its
/// largest term outwards, scaled by it, and `ln S` is kept in log space.
pub(crate) fn erlang_a(n: u32, lambda: f64, aht: f64, patience: f64, b: f64, within: f64) -> Metrics {
    let agents = f64::from(n);
    let load = lambda * aht;
    if n == 0 {
        // Nobody to answer: every contact waits and abandons.
        return Metrics { service_level: 0.0, p_wait: 1.0, asa: 0.0, occupancy: 0.0, p_abandon: Some(1.0) };
    }
    let (x, y) = (agents * patience / aht, lambda * patience);
    let at_y = Series::sum(x, y);
    // P(wait) = 1 / (1/(B S) + 1 − 1/S); 1/(B S) may underflow to 0 (overload) or overflow to ∞ (idle agents).
    let inv_bs = (-b.ln() - at_y.ln_s).exp();
    let p_wait = (1.0 / (inv_bs + at_y.tail)).clamp(0.0, 1.0);
    let abandon_if_waiting = at_y.abandon;
    let p_abandon = (p_wait * abandon_if_waiting).clamp(0.0, 1.0);
    // Waiting contacts answered after τ, as a share of those that wait.
    let s = within / patience;
    let z = (-s).exp();
    let late = if within > 0.0 {
        let at_yz = Series::sum(x, y * z);
        let ln_late = y * -(-s).exp_m1() - x * s + at_yz.ln_s + at_yz.tail.ln() - at_y.ln_s;
        (x / y) * ln_late.exp()
    } else {
        // Within 0 s: every waiting contact that is answered is answered late.
        (x / y) * at_y.tail
    };
    let service_level = (1.0 - p_wait * (abandon_if_waiting + late)).clamp(0.0, 1.0);
    let answered = 1.0 - p_abandon;
    let asa = if answered > 0.0 { p_wait * (x / y) * patience * at_y.wait_h / answered } else { 0.0 };
    Metrics { service_level, p_wait, asa, occupancy: (load * answered / agents).min(1.0), p_abandon: Some(p_abandon) }
}

/// The sums over `j ≥ 0` of `t_j = Π_{i=1..j} y/(x + i)` that Erlang A needs, each divided by `S = Σ t_j`.
#[derive(Clone, Copy, Debug)]
struct Series {
    /// `ln S`.
    ln_s: f64,
    /// `(S − 1) / S`: the share of the terms with `j ≥ 1`.
    tail: f64,
    /// `Σ t_j H_j / S` with `H_j = Σ_{i=1..j} 1/(x + i)`.
    wait_h: f64,
    /// `Σ t_j (j + 1)/(x + j + 1) / S`.
    abandon: f64,
}

impl Series {
    /// The terms rise while `y/(x + j) ≥ 1`, peak at `j* = ⌊y − x⌋` (or 0), then fall faster than geometrically.
    /// The peak's logarithm and `H_{j*}` come from [`ln_rising`] and [`harmonic`] in O(1); then the terms are
    /// summed outwards from the peak, scaled by it, until the rest is below [`SERIES_EPSILON`] of the sum: about
    /// `√x` terms on each side when `y ≈ x`, a handful when `y ≪ x`.
    fn sum(x: f64, y: f64) -> Self {
        if y <= 0.0 {
            return Self { ln_s: 0.0, tail: 0.0, wait_h: 0.0, abandon: 1.0 / (x + 1.0) };
        }
        let peak = if y - x >= 1.0 { (y - x).floor() } else { 0.0 };
        let ln_peak = peak * y.ln() - ln_rising(x, peak);
        let h_peak = harmonic(x, peak);
        let mut all = 1.0;
        let mut from_one = if peak >= 1.0 { 1.0 } else { 0.0 };
        let mut with_h = h_peak;
        let mut with_abandon = (peak + 1.0) / (x + peak + 1.0);

        // Upwards: the ratio y/(x + j) is below 1 from j = peak + 1 on and keeps falling, so the rest after a
        // term r is at most r q / (1 − q) with q the next ratio.
        let (mut r, mut h, mut j) = (1.0, h_peak, peak);
        loop {
            j += 1.0;
            r *= y / (x + j);
            h += 1.0 / (x + j);
            all += r;
            from_one += r;
            with_h += r * h;
            with_abandon += r * (j + 1.0) / (x + j + 1.0);
            let q = y / (x + j + 1.0);
            if r * q <= SERIES_EPSILON * (1.0 - q) * all {
                break;
            }
        }
        // Downwards to j = 0: the ratio (x + j)/y is at most 1 and falls as j does.
        let (mut r, mut h, mut j) = (1.0, h_peak, peak);
        while j >= 1.0 {
            r *= (x + j) / y;
            h = (h - 1.0 / (x + j)).max(0.0);
            j -= 1.0;
            all += r;
            if j >= 1.0 {
                from_one += r;
            }
            with_h += r * h;
            with_abandon += r * (j + 1.0) / (x + j + 1.0);
            let q = (x + j) / y;
            if r * q <= SERIES_EPSILON * (1.0 - q) * all {
                break;
            }
        }
        Self { ln_s: ln_peak + all.ln(), tail: from_one / all, wait_h: with_h / all, abandon: with_abandon / all }
    }
}

#[cfg(test)]
mod tests {
    use super::{ErlangB, Series, erlang_a, erlang_c};

    /// The series by brute force, for small arguments.
    fn brute(x: f64, y: f64) -> (f64, f64, f64, f64) {
        let (mut t, mut h) = (1.0, 0.0);
        let (mut s, mut s1, mut sh, mut sv) = (1.0, 0.0, 0.0, 1.0 / (x + 1.0));
        for j in 1..5_000 {
            let j = f64::from(j);
            t *= y / (x + j);
            h += 1.0 / (x + j);
            s += t;
            s1 += t;
            sh += t * h;
            sv += t * (j + 1.0) / (x + j + 1.0);
        }
        (s.ln(), s1 / s, sh / s, sv / s)
    }

    #[test]
    fn the_series_summed_from_its_peak_agrees_with_brute_force() {
        for (x, y) in [(0.0, 3.0), (1.5, 0.2), (10.0, 9.0), (10.0, 40.5), (55.0, 300.0), (300.0, 290.0)] {
            let s = Series::sum(x, y);
            let (ln_s, tail, wait_h, abandon) = brute(x, y);
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
            assert!(close(s.ln_s, ln_s), "ln S({x}, {y}) = {} vs {ln_s}", s.ln_s);
            assert!(close(s.tail, tail) && close(s.wait_h, wait_h) && close(s.abandon, abandon), "{s:?} at ({x}, {y})");
        }
    }

    #[test]
    fn erlang_b_table_matches_the_textbook_value() {
        // B(10, 10) = 0.2146 (any Erlang B table).
        let mut b = ErlangB::new(10.0);
        assert!((b.at(10) - 0.214_582_3).abs() < 1e-6);
        assert_eq!(b.at(0), 1.0);
    }

    #[test]
    fn erlang_c_needs_more_agents_than_erlangs() {
        assert!(erlang_c(10, 10.0, ErlangB::new(10.0).at(10), 180.0, 20.0).is_none());
    }

    #[test]
    fn erlang_a_with_nobody_loses_everyone() {
        let m = erlang_a(0, 0.1, 180.0, 60.0, 1.0, 20.0);
        assert_eq!((m.service_level, m.p_wait, m.p_abandon), (0.0, 1.0, Some(1.0)));
    }
}
