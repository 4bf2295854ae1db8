//! Numbers as every output reports them. Analyses return exact values; before a report is
//! presented, its rates, shares and means are rounded to 6 decimals here, once (metrics.md,
//! Numbers in output), so that JSON, CSV, tables, Markdown and drawings print the same number.

use crate::analysis::attribution::AttributionReport;
use crate::analysis::diff::DiffRow;
use crate::analysis::dropoff::DropoffReport;
use crate::analysis::explore::ExploreReport;
use crate::analysis::funnel::{Bin, FunnelReport};
use crate::analysis::funnel_breakdown::Breakdown;
use crate::analysis::graph::GraphReport;
use crate::analysis::inspect::InspectReport;
use crate::analysis::painpoints::PainReport;
use crate::analysis::paths::PathsReport;
use crate::analysis::scores::ScoreSummary;
use crate::analysis::stages::{StageRow, StagesReport};
use crate::analysis::stats::round6;
use crate::analysis::step_matrix::StepMatrix;

/// A report whose numbers can be rounded as outputs report them.
pub trait Reported: Sized {
    /// Rounds every rate, share and mean to 6 decimals.
    fn round(&mut self);

    /// The report as outputs print it.
    fn reported(mut self) -> Self {
        self.round();
        self
    }
}

fn opt(v: Option<f64>) -> Option<f64> {
    v.map(round6)
}

impl Reported for AttributionReport {
    fn round(&mut self) {
        for c in &mut self.channels {
            for x in c
                .conversions
                .iter_mut()
                .chain(&mut c.shares)
                .chain(&mut c.value)
            {
                *x = round6(*x);
            }
            c.removal_effect = opt(c.removal_effect);
        }
        self.total_value = opt(self.total_value);
        if let Some(m) = &mut self.markov {
            m.p_conversion = round6(m.p_conversion);
        }
        for t in &mut self.transitions {
            t.probability = round6(t.probability);
        }
    }
}

impl Reported for PathsReport {
    fn round(&mut self) {
        for p in &mut self.paths {
            p.share = round6(p.share);
            p.conversion_rate = p.conversion_rate.map(opt);
        }
    }
}

impl Reported for GraphReport {
    fn round(&mut self) {
        for n in &mut self.nodes {
            n.exit_rate = opt(n.exit_rate);
        }
        for e in &mut self.edges {
            e.p_out = round6(e.p_out);
            e.share = round6(e.share);
            if let Some(t) = &mut e.time {
                t.mean_s = round6(t.mean_s);
            }
        }
        self.hidden.share = round6(self.hidden.share);
    }
}

impl Reported for StagesReport {
    fn round(&mut self) {
        let row = |r: &mut StageRow| {
            r.share = round6(r.share);
            r.conversion_rate = opt(r.conversion_rate);
            for n in r
                .top_touchpoints
                .iter_mut()
                .chain(r.top_channels.iter_mut().flatten())
            {
                n.share = round6(n.share);
            }
            if let Some(s) = &mut r.scores {
                round_scores(s);
            }
        };
        self.stages.iter_mut().for_each(row);
        row(&mut self.unstaged);
    }
}

fn round_scores(s: &mut ScoreSummary) {
    for x in [
        &mut s.mean,
        &mut s.median,
        &mut s.low_share,
        &mut s.mean_converting,
        &mut s.mean_not_converting,
    ] {
        *x = opt(*x);
    }
}

impl Reported for PainReport {
    fn round(&mut self) {
        for r in &mut self.rows {
            r.exit_rate = round6(r.exit_rate);
            r.share_of_lost = opt(r.share_of_lost);
            r.loop_rate = round6(r.loop_rate);
            if let Some(s) = &mut r.scores {
                round_scores(s);
            }
        }
    }
}

impl Reported for DropoffReport {
    fn round(&mut self) {
        for t in &mut self.touchpoints {
            t.exit_rate = opt(t.exit_rate);
            t.share_of_exits = opt(t.share_of_exits);
        }
        for s in &mut self.last_steps {
            s.share_of_exits = round6(s.share_of_exits);
        }
    }
}

impl Reported for InspectReport {
    fn round(&mut self) {
        if let Some(s) = &mut self.events_per_journey {
            s.mean = round6(s.mean);
        }
        for n in self
            .touchpoints
            .iter_mut()
            .chain(self.channels.iter_mut().flatten())
        {
            n.share = round6(n.share);
        }
        if let Some(c) = &mut self.conversions {
            c.conversion_rate = opt(c.conversion_rate);
        }
    }
}

impl Reported for ExploreReport {
    fn round(&mut self) {
        for n in self.positions.iter_mut().flat_map(|p| p.nodes.iter_mut()) {
            n.share = round6(n.share);
            n.conversion_rate = opt(n.conversion_rate);
        }
    }
}

impl Reported for FunnelReport {
    fn round(&mut self) {
        for s in &mut self.steps {
            s.rate_from_first = opt(s.rate_from_first);
            s.rate_from_previous = opt(s.rate_from_previous);
            s.share_of_journeys = opt(s.share_of_journeys);
        }
    }
}

impl Reported for Vec<Bin> {
    fn round(&mut self) {
        for b in self.iter_mut() {
            b.from_s = round6(b.from_s);
            b.to_s = round6(b.to_s);
        }
    }
}

impl Reported for Breakdown {
    fn round(&mut self) {
        for v in &mut self.values {
            v.report.round();
        }
    }
}

impl Reported for StepMatrix {
    fn round(&mut self) {
        for r in &mut self.rows {
            for x in &mut r.shares {
                *x = round6(*x);
            }
        }
    }
}

impl Reported for Vec<DiffRow> {
    fn round(&mut self) {
        // The two sides' values come from `measures`, already as reported.
        for r in self.iter_mut() {
            r.change = opt(r.change);
            r.relative_change = opt(r.relative_change);
            r.p_value = opt(r.p_value);
        }
    }
}
