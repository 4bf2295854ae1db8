//! The rule-based attribution models (metrics.md, Attribution): how one converting journey's
//! credit of 1 is split over its touches.

use super::model::AttributionModel;

/// Fills `weights` with each touch's share of one conversion under `model` (they sum to 1);
/// `times` are the touches' instants (ns), `half_life` is for time-decay (ns, > 0).
pub fn weights(model: AttributionModel, times: &[i64], half_life: i64, weights: &mut Vec<f64>) {
    let n = times.len();
    weights.clear();
    weights.resize(n, 0.0);
    if n == 0 {
        return;
    }
    match model {
        AttributionModel::First => weights[0] = 1.0,
        AttributionModel::Last => weights[n - 1] = 1.0,
        AttributionModel::Linear => weights.fill(1.0 / n as f64),
        AttributionModel::Position => match n {
            1 => weights[0] = 1.0,
            2 => weights.fill(0.5),
            _ => {
                let middle = 0.2 / (n - 2) as f64;
                weights.fill(middle);
                weights[0] = 0.4;
                weights[n - 1] = 0.4;
            }
        },
        AttributionModel::TimeDecay => {
            // 2^(-(t_conv - t)/h), normalised per journey, is the same as 2^(-(t_last - t)/h)
            // normalised: measuring from the last touch keeps the largest weight at 1, so
            // weights never all underflow to 0 however long ago the touches were.
            let last = times[n - 1];
            let h = half_life as f64;
            let mut sum = 0.0;
            for (w, &t) in weights.iter_mut().zip(times) {
                *w = (-(last.saturating_sub(t) as f64) / h).exp2();
                sum += *w;
            }
            for w in weights.iter_mut() {
                *w /= sum;
            }
        }
        AttributionModel::Markov | AttributionModel::All => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400 * 1_000_000_000;

    fn w(model: AttributionModel, times: &[i64]) -> Vec<f64> {
        let mut out = Vec::new();
        weights(model, times, 7 * DAY, &mut out);
        out
    }

    #[test]
    fn position_based_by_hand() {
        use AttributionModel::Position;
        assert_eq!(w(Position, &[0]), vec![1.0]);
        assert_eq!(w(Position, &[0, 1]), vec![0.5, 0.5]);
        assert_eq!(w(Position, &[0, 1, 2]), vec![0.4, 0.2, 0.4]);
        let four = w(Position, &[0, 1, 2, 3]);
        assert_eq!(four, vec![0.4, 0.1, 0.1, 0.4]);
    }

    #[test]
    fn first_last_linear_by_hand() {
        assert_eq!(w(AttributionModel::First, &[0, 1, 2]), vec![1.0, 0.0, 0.0]);
        assert_eq!(w(AttributionModel::Last, &[0, 1, 2]), vec![0.0, 0.0, 1.0]);
        assert_eq!(w(AttributionModel::Linear, &[0, 1, 2, 3]), vec![0.25; 4]);
    }

    #[test]
    fn time_decay_halves_per_half_life() {
        // Touches 14 days, 7 days and 0 days before the last: raw weights 1/4, 1/2, 1,
        // normalised by 7/4: 1/7, 2/7, 4/7.
        let got = w(AttributionModel::TimeDecay, &[0, 7 * DAY, 14 * DAY]);
        for (g, want) in got.iter().zip([1.0 / 7.0, 2.0 / 7.0, 4.0 / 7.0]) {
            assert!((g - want).abs() < 1e-15, "{got:?}");
        }
        // Thirty years apart: no NaN, the old touch gets (almost) nothing.
        let got = w(AttributionModel::TimeDecay, &[0, 30 * 365 * DAY]);
        assert!(got[0] >= 0.0 && got[0] < 1e-300 && (got[1] - 1.0).abs() < 1e-15);
    }
}
