//! The score columns that `stages` and `painpoints` share (metrics.md, Scores).

use crate::analysis::scores::{ScoreSummary, ScoresInfo};
use crate::render::{count, percent, score, score_csv};

/// The CSV columns of a score summary.
pub const CSV_COLUMNS: [&str; 6] = [
    "score_responses",
    "score_mean",
    "score_median",
    "score_low_share",
    "score_mean_converting",
    "score_mean_not_converting",
];

/// A score summary's CSV cells (empty ones for a missing summary).
pub fn csv_cells(s: Option<&ScoreSummary>) -> Vec<String> {
    let Some(s) = s else {
        return vec![String::new(); CSV_COLUMNS.len()];
    };
    vec![
        s.responses.to_string(),
        score_csv(s.mean),
        score_csv(s.median),
        crate::render::rate6(s.low_share),
        score_csv(s.mean_converting),
        score_csv(s.mean_not_converting),
    ]
}

/// The table columns of a score summary: responses, mean and median, the low share with a
/// threshold, the means of converting and non-converting journeys with a conversion.
pub fn table_header(info: &ScoresInfo, conversion: bool) -> Vec<&'static str> {
    let mut h = vec!["responses>", "mean score>", "median>"];
    if info.low_score.is_some() {
        h.push("low share>");
    }
    if conversion {
        h.extend(["mean (converting)>", "mean (not converting)>"]);
    }
    h
}

/// A score summary's table cells, matching [`table_header`].
pub fn table_cells(s: Option<&ScoreSummary>, info: &ScoresInfo, conversion: bool) -> Vec<String> {
    let empty = ScoreSummary::default();
    let s = s.unwrap_or(&empty);
    let mut cells = vec![count(s.responses), score(s.mean), score(s.median)];
    if info.low_score.is_some() {
        cells.push(percent(s.low_share));
    }
    if conversion {
        cells.extend([score(s.mean_converting), score(s.mean_not_converting)]);
    }
    cells
}

/// One line on the scores: `column csat, applies to the previous event, low <= 2; 5 read, 1
/// unattributed`.
pub fn describe(info: &ScoresInfo) -> String {
    let mut s = format!("column {}", info.column);
    s.push_str(match info.applies {
        crate::analysis::scores::Applies::Own => ", each on its own event",
        crate::analysis::scores::Applies::Previous => {
            ", each on the previous event without a score"
        }
    });
    if let Some(low) = info.low_score {
        s.push_str(&format!(", low <= {low}"));
    }
    s.push_str(&format!("; {} read", count(info.read)));
    if info.unattributed > 0 {
        s.push_str(&format!(", {} unattributed", count(info.unattributed)));
    }
    if info.collapsed > 0 {
        s.push_str(&format!(
            ", {} merged by --collapse-repeats",
            count(info.collapsed)
        ));
    }
    s
}
