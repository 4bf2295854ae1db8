//! The two-proportion z-test that `check` (drops against a baseline) and `diff` (shares and
//! rates of two inputs) use to say whether a change is more than chance.
//!
//! For x1 of n1 and x2 of n2: p1 = x1/n1, p2 = x2/n2, the pooled p = (x1 + x2) / (n1 + n2),
//! se = sqrt(p (1 - p) (1/n1 + 1/n2)), z = (p2 - p1) / se, and the two-sided p-value is
//! 2 (1 - Phi(|z|)) = erfc(|z| / sqrt 2). When se is 0 (both proportions 0, or both 1) the
//! proportions are equal: z = 0 and the p-value is 1. With n1 or n2 = 0 there is no test.

use serde::Serialize;

/// x of n: a share or a rate with what it was computed from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Proportion {
    pub count: u64,
    pub total: u64,
}

impl Proportion {
    pub fn new(count: u64, total: u64) -> Proportion {
        Proportion { count, total }
    }

    /// count / total, or `None` when total is 0.
    pub fn value(self) -> Option<f64> {
        (self.total > 0).then(|| self.count as f64 / self.total as f64)
    }
}

/// The result of a two-proportion z-test.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ZTest {
    /// (p2 - p1) / se: positive when the second proportion is larger.
    pub z: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// Tests a against b; `None` when either has no total (or a count above its total).
pub fn two_proportion(a: Proportion, b: Proportion) -> Option<ZTest> {
    if a.total == 0 || b.total == 0 || a.count > a.total || b.count > b.total {
        return None;
    }
    let (n1, n2) = (a.total as f64, b.total as f64);
    let (p1, p2) = (a.count as f64 / n1, b.count as f64 / n2);
    let pooled = (a.count + b.count) as f64 / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se <= 0.0 || !se.is_finite() {
        return Some(ZTest {
            z: 0.0,
            p_value: 1.0,
        });
    }
    let z = (p2 - p1) / se;
    let p_value = erfc(z.abs() / std::f64::consts::SQRT_2).clamp(0.0, 1.0);
    Some(ZTest { z, p_value })
}

/// The complementary error function, with a fractional error below 1.2e-7 everywhere
/// (the Chebyshev fit of Numerical Recipes, `erfcc`): plenty for p-values shown to 6 decimals.
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn hand_worked_example() {
        // 40 of 200 (0.2) against 30 of 300 (0.1): pooled 70/500 = 0.14,
        // se = sqrt(0.14 * 0.86 * (1/200 + 1/300)) = sqrt(0.1204 * 0.0083333) = 0.0316754,
        // z = (0.1 - 0.2) / 0.0316754 = -3.15702, p = erfc(3.15702 / sqrt 2) = 0.001594.
        let t = two_proportion(Proportion::new(40, 200), Proportion::new(30, 300)).unwrap();
        assert!(close(t.z, -3.157_02, 1e-5), "{t:?}");
        assert!(close(t.p_value, 0.001_594, 1e-6), "{t:?}");
        // Swapping the sides flips z, not the p-value.
        let s = two_proportion(Proportion::new(30, 300), Proportion::new(40, 200)).unwrap();
        assert!(close(s.z, 3.157_02, 1e-5) && close(s.p_value, t.p_value, 1e-12));
    }

    #[test]
    fn testdata_ab_example() {
        // testdata/README.md, ab_a.csv against ab_b.csv: 6 of 10 against 4 of 20.
        // pooled 1/3, se = sqrt(2/9 * 3/20) = sqrt(1/30), z = -0.4 * sqrt 30 = -2.19089.
        let t = two_proportion(Proportion::new(6, 10), Proportion::new(4, 20)).unwrap();
        assert!(close(t.z, -2.190_89, 1e-5), "{t:?}");
        assert!(close(t.p_value, 0.028_460, 1e-6), "{t:?}");
    }

    #[test]
    fn equal_and_degenerate_proportions() {
        let same = two_proportion(Proportion::new(5, 10), Proportion::new(50, 100)).unwrap();
        assert_eq!(same.z, 0.0);
        assert!(close(same.p_value, 1.0, 1e-7));
        let zeros = two_proportion(Proportion::new(0, 10), Proportion::new(0, 20)).unwrap();
        assert_eq!((zeros.z, zeros.p_value), (0.0, 1.0));
        let ones = two_proportion(Proportion::new(10, 10), Proportion::new(20, 20)).unwrap();
        assert_eq!(ones.p_value, 1.0);
        assert_eq!(
            two_proportion(Proportion::new(0, 0), Proportion::new(1, 2)),
            None
        );
        assert_eq!(
            two_proportion(Proportion::new(3, 2), Proportion::new(1, 2)),
            None
        );
    }

    #[test]
    fn erfc_matches_known_values() {
        assert!(close(erfc(0.0), 1.0, 1e-7));
        // erfc(1) = 0.157299207, erfc(-1) = 1.842700793, erfc(1.96 / sqrt 2) = 0.049996
        assert!(close(erfc(1.0), 0.157_299_207, 1e-7));
        assert!(close(erfc(-1.0), 1.842_700_793, 1e-7));
        assert!(close(
            erfc(1.959_964 / std::f64::consts::SQRT_2),
            0.05,
            1e-6
        ));
        assert!(erfc(30.0) >= 0.0 && erfc(30.0) < 1e-300);
    }
}
