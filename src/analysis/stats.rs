//! Order statistics as metrics.md defines them (nearest rank).

use serde::Serialize;

/// The p-th quantile of sorted values by the nearest-rank method: the value at 1-based rank
/// ceil(p * n). `None` for no values.
pub fn nearest_rank<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    nearest_rank_index(sorted.len(), p).map(|i| sorted[i])
}

/// The 0-based index in `n` sorted values of their p-th quantile by the nearest-rank method
/// (rank ceil(p * n)); `None` for no values.
pub fn nearest_rank_index(n: usize, p: f64) -> Option<usize> {
    (n > 0).then(|| ((p * n as f64).ceil() as usize).clamp(1, n) - 1)
}

/// min, median, p95, max and mean of a list of counts.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    pub min: u64,
    pub median: u64,
    pub p95: u64,
    pub max: u64,
    pub mean: f64,
}

impl Summary {
    /// Summarises the values (sorted here); `None` for no values.
    pub fn of(mut values: Vec<u64>) -> Option<Summary> {
        values.sort_unstable();
        let sum: u64 = values.iter().sum();
        Some(Summary {
            min: *values.first()?,
            median: nearest_rank(&values, 0.5)?,
            p95: nearest_rank(&values, 0.95)?,
            max: *values.last()?,
            mean: sum as f64 / values.len() as f64,
        })
    }
}

/// A rate, share or mean as every output reports it: rounded to 6 decimals (metrics.md,
/// Numbers in output). Analyses keep exact values; the output rounds them with this, and
/// `check` and `diff` compare values as reported.
pub fn round6(v: f64) -> f64 {
    let scaled = v * 1e6;
    // Past 2^53 a float has no digits below 1e-6 to round away, and scaling back would change
    // the value (1e17 would come back as 99999999999999984); past 1.8e302 the scaled value
    // would be infinite. Such values are reported as they are.
    if scaled.is_nan() || scaled.abs() >= 9_007_199_254_740_992.0 {
        return v;
    }
    scaled.round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_keeps_large_values_as_they_are() {
        assert_eq!(round6(1.0 / 3.0), 0.333333);
        assert_eq!(round6(-2.5e-7), -0.0);
        for v in [1e17, 1e303, 1.7e308, -1e300, 123_456_789_012.345_67] {
            assert_eq!(round6(v), v, "{v}");
        }
        assert!(round6(f64::NAN).is_nan());
    }

    #[test]
    fn nearest_rank_matches_the_definition() {
        let v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(nearest_rank(&v, 0.5), Some(5)); // rank ceil(5) = 5
        assert_eq!(nearest_rank(&v, 0.95), Some(10)); // rank ceil(9.5) = 10
        assert_eq!(nearest_rank(&v, 0.9), Some(9));
        assert_eq!(nearest_rank(&[7], 0.5), Some(7));
        assert_eq!(nearest_rank::<u8>(&[], 0.5), None);
        assert_eq!(nearest_rank(&[1, 2, 3, 4], 0.5), Some(2));
    }

    #[test]
    fn summary() {
        let s = Summary::of(vec![3, 1, 2, 10]).unwrap();
        assert_eq!((s.min, s.median, s.p95, s.max), (1, 2, 10, 10));
        assert_eq!(s.mean, 4.0);
        assert!(Summary::of(vec![]).is_none());
    }
}
