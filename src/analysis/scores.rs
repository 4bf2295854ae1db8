//! Scores (metrics.md, Scores): the numbers some events carry (survey answers, CSAT, NPS,
//! sentiment), the event each belongs to, and the summary of a group of them.

use serde::Serialize;

use crate::journey::Journeys;

/// Which event a score belongs to (`--score-applies`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Applies {
    /// The event that carries the score.
    #[default]
    #[value(name = "self")]
    #[serde(rename = "self")]
    Own,
    /// The journey's nearest earlier event without a score (the chat a survey rates).
    Previous,
}

impl Applies {
    pub fn name(self) -> &'static str {
        match self {
            Applies::Own => "self",
            Applies::Previous => "previous",
        }
    }
}

/// A score and the event it belongs to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Owned {
    /// The event (an index into the journeys' events).
    pub event: usize,
    /// The journey of the event.
    pub journey: u32,
    pub score: f64,
}

/// Every score read, with the event it belongs to.
#[derive(Clone, Debug, Default)]
pub struct Scores {
    /// In event order of the owners (a journey's scores together).
    pub owned: Vec<Owned>,
    /// Scores read from the journeys' events.
    pub read: u64,
    /// Scores that belong to no event (`previous` with no unscored event before them).
    pub unattributed: u64,
}

/// Gives each score to its event (`self`) or to the journey's nearest earlier event that
/// carries no score (`previous`). `scored` lists the events that carry a score, with it, in
/// event order.
pub fn attribute_scores(j: &Journeys, applies: Applies, scored: &[(usize, f64)]) -> Scores {
    let mut out = Scores::default();
    let mut next = scored.iter().peekable();
    for jx in 0..j.len() {
        let mut unscored: Option<usize> = None;
        for e in j.range(jx) {
            let Some(&&(_, s)) = next.peek().filter(|(at, _)| *at == e) else {
                unscored = Some(e);
                continue;
            };
            next.next();
            out.read += 1;
            let owner = match applies {
                Applies::Own => Some(e),
                Applies::Previous => unscored,
            };
            match owner {
                Some(event) => out.owned.push(Owned {
                    event,
                    journey: jx as u32,
                    score: s,
                }),
                None => out.unattributed += 1,
            }
        }
    }
    out
}

/// The summary of a group of scores (metrics.md, Scores).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct ScoreSummary {
    pub responses: u64,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    /// Null without `--low-score`.
    pub low_share: Option<f64>,
    /// Null without a conversion definition.
    pub mean_converting: Option<f64>,
    pub mean_not_converting: Option<f64>,
}

/// A group's scores while they are collected: each score and whether its journey converts.
#[derive(Clone, Debug, Default)]
pub struct ScoreGroup {
    scores: Vec<(f64, bool)>,
}

impl ScoreGroup {
    pub fn add(&mut self, score: f64, converted: bool) {
        self.scores.push((score, converted));
    }

    /// The summary; `low`: scores at or below it are low; `conversion`: whether a conversion
    /// is defined.
    pub fn summary(mut self, low: Option<f64>, conversion: bool) -> ScoreSummary {
        let n = self.scores.len();
        let mean = |it: &mut dyn Iterator<Item = f64>| {
            let (sum, k) = it.fold((0.0, 0u64), |(s, k), x| (s + x, k + 1));
            (k > 0).then(|| sum / k as f64)
        };
        let all = mean(&mut self.scores.iter().map(|s| s.0));
        let converting = mean(&mut self.scores.iter().filter(|s| s.1).map(|s| s.0));
        let not_converting = mean(&mut self.scores.iter().filter(|s| !s.1).map(|s| s.0));
        let low_share = match low {
            Some(x) if n > 0 => {
                Some(self.scores.iter().filter(|s| s.0 <= x).count() as f64 / n as f64)
            }
            _ => None,
        };
        self.scores.sort_by(|a, b| a.0.total_cmp(&b.0));
        let median = (n > 0).then(|| self.scores[n.div_ceil(2) - 1].0);
        ScoreSummary {
            responses: n as u64,
            mean: all,
            median,
            low_share,
            mean_converting: if conversion { converting } else { None },
            mean_not_converting: if conversion { not_converting } else { None },
        }
    }
}

/// The scores grouped by a key of their event (`key(event)` is the group's index, below
/// `groups`; `None` leaves the score out), summarised.
pub fn by_group(
    j: &Journeys,
    scores: &Scores,
    groups: usize,
    low: Option<f64>,
    conversion: bool,
    key: impl Fn(usize) -> Option<usize>,
) -> Vec<ScoreSummary> {
    let mut g = vec![ScoreGroup::default(); groups];
    for o in &scores.owned {
        if let Some(k) = key(o.event) {
            g[k].add(o.score, j.converted[o.journey as usize]);
        }
    }
    g.into_iter().map(|g| g.summary(low, conversion)).collect()
}

/// What a report says about the scores: where they come from and how many were read.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ScoresInfo {
    pub column: String,
    pub applies: Applies,
    pub low_score: Option<f64>,
    pub read: u64,
    pub unattributed: u64,
    /// Scores not read because collapsing merged their event into the one before.
    pub collapsed: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::test_support::journeys;

    /// chat, survey(2), survey(1), cart / survey(4), home / home, survey(5)
    fn scored() -> (Journeys, Vec<(usize, f64)>) {
        let j = journeys(
            &["chat survey survey cart", "survey home", "home survey"],
            &[false, true, true],
        );
        (j, vec![(1, 2.0), (2, 1.0), (4, 4.0), (7, 5.0)])
    }

    #[test]
    fn self_keeps_each_score_on_its_event() {
        let (j, s) = scored();
        let r = attribute_scores(&j, Applies::Own, &s);
        assert_eq!(r.read, 4);
        assert_eq!(r.unattributed, 0);
        let events: Vec<usize> = r.owned.iter().map(|o| o.event).collect();
        assert_eq!(events, [1, 2, 4, 7]);
    }

    #[test]
    fn previous_skips_scored_events_and_counts_a_first_score_as_unattributed() {
        let (j, s) = scored();
        let r = attribute_scores(&j, Applies::Previous, &s);
        assert_eq!(r.read, 4);
        // The survey first in journey 1 has no unscored event before it.
        assert_eq!(r.unattributed, 1);
        let owned: Vec<(usize, u32, f64)> = r
            .owned
            .iter()
            .map(|o| (o.event, o.journey, o.score))
            .collect();
        // Both surveys after the chat belong to the chat; the last survey to home.
        assert_eq!(owned, [(0, 0, 2.0), (0, 0, 1.0), (6, 2, 5.0)]);
    }

    #[test]
    fn summary_by_hand() {
        let mut g = ScoreGroup::default();
        for (s, c) in [(4.0, true), (1.0, false), (3.0, false), (2.0, true)] {
            g.add(s, c);
        }
        let s = g.summary(Some(2.0), true);
        assert_eq!(s.responses, 4);
        assert_eq!(s.mean, Some(2.5));
        // Nearest rank: rank ceil(4 / 2) = 2 of 1, 2, 3, 4.
        assert_eq!(s.median, Some(2.0));
        assert_eq!(s.low_share, Some(0.5));
        assert_eq!(s.mean_converting, Some(3.0));
        assert_eq!(s.mean_not_converting, Some(2.0));
        let none = ScoreGroup::default().summary(Some(2.0), true);
        assert_eq!(
            none,
            ScoreSummary {
                responses: 0,
                ..Default::default()
            }
        );
        let mut g = ScoreGroup::default();
        g.add(3.0, false);
        let s = g.summary(None, false);
        assert_eq!(
            (s.median, s.low_share, s.mean_converting),
            (Some(3.0), None, None)
        );
    }
}
