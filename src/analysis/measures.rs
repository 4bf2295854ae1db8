//! The shares and rates that `check` gates on and `diff` compares, taken from the analyses
//! (paths, graph, drop-off, funnel) with the counts each was computed from, so a z-test can
//! weigh them. Nothing here computes a number the analyses do not already define. Values are
//! the analyses' exact values rounded as every output reports them ([`round6`]), so that a
//! gate holds the number people read.

use std::collections::BTreeMap;

use super::dropoff::DropoffReport;
use super::funnel::FunnelReport;
use super::graph::{GraphReport, NodeKind};
use super::paths::PathsReport;
use super::stats::round6;
use super::ztest::Proportion;
use crate::journey::Journeys;

/// A share or rate as an analysis reports it (`None` where it is undefined), with x of n.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    pub value: Option<f64>,
    pub of: Proportion,
}

impl Rate {
    /// x of n where x is 0 because the thing never occurred (its value is 0, or undefined
    /// without a total).
    pub fn absent(total: u64) -> Rate {
        Rate {
            value: (total > 0).then_some(0.0),
            of: Proportion::new(0, total),
        }
    }

    /// No value and no counts (a rate whose n is 0 on a side).
    pub fn undefined() -> Rate {
        Rate {
            value: None,
            of: Proportion::default(),
        }
    }
}

/// Path shares: path -> count of all journeys (metrics.md, Paths).
pub fn path_shares(r: &PathsReport) -> (u64, BTreeMap<Vec<String>, Rate>) {
    let total = r.journeys + r.left_out;
    let map = r
        .paths
        .iter()
        .filter(|p| p.steps.is_some() && !p.cut)
        .map(|p| {
            (
                p.path.clone(),
                Rate {
                    value: Some(round6(p.share)),
                    of: Proportion::new(p.count, total),
                },
            )
        })
        .collect();
    (total, map)
}

/// The share of all journeys whose whole path is exactly these names, with the counts it
/// comes from: what `paths` reports for that path (metrics.md, Paths).
pub fn path_share(j: &Journeys, path: &[String]) -> Rate {
    let (count, total) = super::paths::journeys_with_path(j, path);
    Rate {
        value: super::paths::share(count, total).map(round6),
        of: Proportion::new(count, total),
    }
}

/// One end of an edge: a value's name, or the synthetic `(start)` / `(end)`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Node {
    pub name: String,
    /// Start, End or Value.
    pub kind: NodeKind,
}

/// The edges' p_out, and every node's total out-count (the p_out denominator), so an edge
/// that does not occur has p_out 0 when its source does.
pub struct EdgeRates {
    pub edges: BTreeMap<(Node, Node), (u64, Rate)>,
    pub out_totals: BTreeMap<Node, u64>,
}

impl EdgeRates {
    /// p_out of from -> to, 0 of the out-total when the pair never occurs, `None` when the
    /// source never occurs.
    pub fn get(&self, from: &Node, to: &Node) -> Option<Rate> {
        match self.edges.get(&(from.clone(), to.clone())) {
            Some((_, rate)) => Some(*rate),
            None => self.out_totals.get(from).map(|&n| Rate::absent(n)),
        }
    }
}

/// A node named as users write it: `(start)` and `(end)` are the synthetic nodes.
pub fn node(name: &str) -> Node {
    let kind = match name {
        super::graph::START => NodeKind::Start,
        super::graph::END => NodeKind::End,
        _ => NodeKind::Value,
    };
    Node {
        name: name.to_string(),
        kind,
    }
}

/// p_out per edge of an unpruned graph (metrics.md, Transition graph).
pub fn edge_rates(g: &GraphReport) -> EdgeRates {
    let kinds: BTreeMap<&str, (&str, NodeKind)> = g
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), (n.name.as_str(), n.kind)))
        .collect();
    let node_of = |id: &str| {
        let (name, kind) = kinds.get(id).copied().unwrap_or((id, NodeKind::Value));
        Node {
            name: name.to_string(),
            kind,
        }
    };
    let mut out_totals: BTreeMap<Node, u64> = BTreeMap::new();
    for e in &g.edges {
        *out_totals.entry(node_of(&e.from_id)).or_default() += e.count;
    }
    let edges = g
        .edges
        .iter()
        .map(|e| {
            let from = node_of(&e.from_id);
            let total = out_totals.get(&from).copied().unwrap_or(0);
            let rate = Rate {
                value: Some(round6(e.p_out)),
                of: Proportion::new(e.count, total),
            };
            ((from, node_of(&e.to_id)), (e.count, rate))
        })
        .collect();
    EdgeRates { edges, out_totals }
}

/// Exit rate per value: exits of reach (metrics.md, Drop-off).
pub fn exit_rates(d: &DropoffReport) -> BTreeMap<String, Rate> {
    d.touchpoints
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                Rate {
                    value: t.exit_rate.map(round6),
                    of: Proportion::new(t.exits, t.reach),
                },
            )
        })
        .collect()
}

/// A funnel step's conversion from the previous step (reached[s] of reached[s-1]); step 1's
/// is reached[1] of reached[1].
pub fn step_rate(f: &FunnelReport, step: usize) -> Option<Rate> {
    let row = f.steps.get(step.checked_sub(1)?)?;
    let before = if step == 1 {
        row.reached
    } else {
        f.steps.get(step - 2)?.reached
    };
    Some(Rate {
        value: row.rate_from_previous.map(round6),
        of: Proportion::new(row.reached, before),
    })
}

/// A funnel's overall conversion: the last step's rate from the first (reached[k] of reached[1]).
pub fn overall_rate(f: &FunnelReport) -> Option<Rate> {
    let (first, last) = (f.steps.first()?, f.steps.last()?);
    Some(Rate {
        value: last.rate_from_first.map(round6),
        of: Proportion::new(last.reached, first.reached),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::funnel::{funnel, FunnelOrder};
    use crate::analysis::graph::{graph, GraphOptions};
    use crate::analysis::paths::{paths, PathOptions};
    use crate::analysis::steps::Step;
    use crate::journey::test_support::journeys;

    #[test]
    fn rates_carry_their_counts() {
        let j = journeys(&["a b", "a b", "a c", "b"], &[true, false, false, false]);
        let all = PathOptions {
            min_count: 1,
            ..Default::default()
        };
        let (total, shares) = path_shares(&paths(&j, &all, true));
        assert_eq!(total, 4);
        let ab = shares[&vec!["a".to_string(), "b".to_string()]];
        assert_eq!((ab.value, ab.of), (Some(0.5), Proportion::new(2, 4)));

        let e = edge_rates(&graph(&j, &GraphOptions::default(), true));
        // a -> b 2, a -> c 1: p_out(a -> b) = 2/3; b -> (end) 3 of b's 3.
        let ab = e.get(&node("a"), &node("b")).unwrap();
        assert_eq!(ab.of, Proportion::new(2, 3));
        assert_eq!(ab.value, Some(0.666667));
        assert_eq!(e.get(&node("b"), &node("(end)")).unwrap().of.count, 3);
        // A pair that never occurs from a node that does: 0 of its out-total.
        assert_eq!(
            e.get(&node("c"), &node("a")).unwrap().of,
            Proportion::new(0, 1)
        );
        assert_eq!(e.get(&node("zzz"), &node("a")), None);

        let steps: Vec<Step> = ["a", "b"]
            .iter()
            .map(|s| Step::parse(s, j.names()).unwrap().0)
            .collect();
        let f = funnel(&j, &steps, FunnelOrder::Ordered, None, &[]);
        let s2 = step_rate(&f, 2).unwrap();
        assert_eq!(s2.of, Proportion::new(2, 3));
        assert_eq!(overall_rate(&f).unwrap().of, Proportion::new(2, 3));
        assert_eq!(step_rate(&f, 3), None);
    }
}
