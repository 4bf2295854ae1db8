//! The exact solve of an absorbing Markov chain: the probability of ending in (conversion)
//! from every transient state, by Gaussian elimination (no iteration, no simulation).
//!
//! The elimination is the GTH variant (Grassmann, Taksar and Heyman): every row keeps an
//! explicit "to (null)" column, so a row of the reduced chain always sums to 1 and each pivot
//! `1 - p(s->s)` is computed as the sum of the row's other entries. Every operation then adds
//! or multiplies non-negative numbers, so no digits are lost to cancellation, and the result is
//! the same for the same chain on every run. Storage is dense (n x n), the work skips zeros,
//! so a sparse chain costs much less than n^3.

/// A chain over `n` transient states in a fixed order, as probabilities.
#[derive(Debug, Clone)]
pub struct DenseChain {
    pub n: usize,
    /// Row-major `n x n`: `q[u * n + v]` = p(u -> v) between transient states.
    pub q: Vec<f64>,
    /// p(u -> (conversion)).
    pub conversion: Vec<f64>,
    /// p(u -> (null)), everything else out of u.
    pub null: Vec<f64>,
}

impl DenseChain {
    pub fn new(n: usize) -> DenseChain {
        DenseChain {
            n,
            q: vec![0.0; n * n],
            conversion: vec![0.0; n],
            null: vec![0.0; n],
        }
    }

    /// The probability of absorption in (conversion) from each state. A state that cannot
    /// reach an absorbing state (impossible for a chain built from finished journeys) gets 0,
    /// and so does the path through it from any other state.
    pub fn absorption(mut self) -> Vec<f64> {
        let n = self.n;
        let mut pivot = vec![0.0; n];
        let mut row_nz: Vec<usize> = Vec::new();
        for s in 0..n {
            let (head, tail) = self.q.split_at_mut((s + 1) * n);
            let row_s = &head[s * n..];
            row_nz.clear();
            let mut p = self.conversion[s] + self.null[s];
            for (v, &a) in row_s.iter().enumerate().skip(s + 1) {
                if a != 0.0 {
                    row_nz.push(v);
                    p += a;
                }
            }
            pivot[s] = p;
            let (conv_s, null_s) = (self.conversion[s], self.null[s]);
            for (k, row_u) in tail.chunks_exact_mut(n).enumerate() {
                let a_us = row_u[s];
                if a_us == 0.0 {
                    continue;
                }
                row_u[s] = 0.0;
                let u = s + 1 + k;
                if p <= 0.0 {
                    // s never leaves itself, so going there never converts.
                    self.null[u] += a_us;
                    continue;
                }
                let f = a_us / p;
                for &v in &row_nz {
                    row_u[v] += f * row_s[v];
                }
                self.conversion[u] += f * conv_s;
                self.null[u] += f * null_s;
            }
        }
        let mut x = vec![0.0; n];
        for s in (0..n).rev() {
            if pivot[s] <= 0.0 {
                continue;
            }
            let row = &self.q[s * n..(s + 1) * n];
            let mut acc = self.conversion[s];
            for v in s + 1..n {
                if row[v] != 0.0 {
                    acc += row[v] * x[v];
                }
            }
            x[s] = acc / pivot[s];
        }
        x
    }
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)] // textbook elimination reads best with indices
mod tests {
    use super::*;

    fn chain(n: usize, edges: &[(usize, usize, f64)], conv: &[f64]) -> DenseChain {
        let mut c = DenseChain::new(n);
        for &(u, v, p) in edges {
            c.q[u * n + v] = p;
        }
        for u in 0..n {
            c.conversion[u] = conv[u];
            let out: f64 = (0..n).map(|v| c.q[u * n + v]).sum::<f64>() + conv[u];
            c.null[u] = 1.0 - out;
        }
        c
    }

    #[test]
    fn a_line_multiplies_its_probabilities() {
        // 0 -> 1 (0.5), 1 -> conversion (0.4).
        let x = chain(2, &[(0, 1, 0.5)], &[0.0, 0.4]).absorption();
        assert!((x[0] - 0.2).abs() < 1e-15);
        assert!((x[1] - 0.4).abs() < 1e-15);
    }

    #[test]
    fn a_self_loop_is_a_geometric_series() {
        // x = 0.5 x + 0.25  =>  x = 0.5.
        let x = chain(1, &[(0, 0, 0.5)], &[0.25]).absorption();
        assert!((x[0] - 0.5).abs() < 1e-15);
    }

    #[test]
    fn a_two_state_cycle_by_hand() {
        // x0 = 0.5 x1 + 0.1, x1 = 0.5 x0 + 0.3  =>  x0 = (0.15 + 0.1) / 0.75 = 1/3,
        // x1 = 0.5 / 3 + 0.3 = 7/15.
        let x = chain(2, &[(0, 1, 0.5), (1, 0, 0.5)], &[0.1, 0.3]).absorption();
        assert!((x[0] - 1.0 / 3.0).abs() < 1e-15, "{x:?}");
        assert!((x[1] - 7.0 / 15.0).abs() < 1e-15, "{x:?}");
    }

    #[test]
    fn a_trap_converts_nothing_in_either_order() {
        // One state converts half the time and otherwise enters a state that only loops on
        // itself: x = 0.5 whether the trap comes first or last in the elimination order.
        let x = chain(2, &[(0, 1, 0.5), (1, 1, 1.0)], &[0.5, 0.0]).absorption();
        assert_eq!(x, [0.5, 0.0]);
        let x = chain(2, &[(1, 0, 0.5), (0, 0, 1.0)], &[0.0, 0.5]).absorption();
        assert_eq!(x, [0.0, 0.5]);
    }

    #[test]
    fn agrees_with_a_plain_gauss_jordan_solve() {
        // A denser 6-state chain with loops: compare against textbook elimination with
        // partial pivoting on (I - Q) x = r.
        let n = 6;
        let mut edges = Vec::new();
        for u in 0..n {
            for v in 0..n {
                if (u * 7 + v * 3) % 4 != 0 {
                    edges.push((u, v, 0.03 * ((u + 2 * v) % 5 + 1) as f64));
                }
            }
        }
        let conv: Vec<f64> = (0..n).map(|u| 0.02 * (u + 1) as f64).collect();
        let c = chain(n, &edges, &conv);
        let mut m = vec![vec![0.0; n + 1]; n];
        for u in 0..n {
            for v in 0..n {
                m[u][v] = f64::from(u8::from(u == v)) - c.q[u * n + v];
            }
            m[u][n] = conv[u];
        }
        for col in 0..n {
            let p = (col..n)
                .max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))
                .unwrap();
            m.swap(col, p);
            for r in 0..n {
                if r != col {
                    let f = m[r][col] / m[col][col];
                    for k in col..=n {
                        m[r][k] -= f * m[col][k];
                    }
                }
            }
        }
        let x = c.absorption();
        for u in 0..n {
            assert!((x[u] - m[u][n] / m[u][u]).abs() < 1e-13, "{u}: {x:?}");
        }
    }
}
