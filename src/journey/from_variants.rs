//! Journeys from a variants table: each row as many times as it has journeys, every event at
//! time 0 (`timeless`), so that every analysis that needs no times runs unchanged.

use super::{Dictionary, Journeys, Level};
use crate::input::variants::VariantsInput;

/// The journeys of the table at `level`: rows in table order, a row's converting journeys
/// first. Events point at their row (the row's position in the table).
pub fn expand(v: &VariantsInput, level: Level) -> Journeys {
    let mut touchpoints = Dictionary::new();
    let has_channels = v.rows.first().is_some_and(|r| r.channels.is_some());
    let mut channels = has_channels.then(Dictionary::new);
    let mut customers = Dictionary::new();
    customers.intern("(variants)");
    let events: u64 = v
        .rows
        .iter()
        .map(|r| r.journeys * r.touchpoints.len() as u64)
        .sum();
    let journeys: u64 = v.rows.iter().map(|r| r.journeys).sum();
    let mut j = Journeys {
        level,
        offsets: Vec::with_capacity(journeys as usize + 1),
        touchpoint: Vec::with_capacity(events as usize),
        timeless: true,
        ..Default::default()
    };
    j.offsets.push(0);
    let mut tps = Vec::new();
    let mut chs = Vec::new();
    for (row, r) in v.rows.iter().enumerate() {
        tps.clear();
        tps.extend(r.touchpoints.iter().map(|n| touchpoints.intern(n)));
        chs.clear();
        if let (Some(d), Some(names)) = (channels.as_mut(), &r.channels) {
            chs.extend(names.iter().map(|n| d.intern(n)));
        }
        let row = row as u32;
        for k in 0..r.journeys {
            j.touchpoint.extend_from_slice(&tps);
            j.channel.extend_from_slice(&chs);
            j.time.extend(std::iter::repeat_n(0, tps.len()));
            j.row.extend(std::iter::repeat_n(row, tps.len()));
            j.offsets.push(j.touchpoint.len());
            j.customer.push(0);
            let converted = k < r.conversions;
            j.converted.push(converted);
            j.path_len.push(r.touches);
            j.conversion_time.push(if converted { 0 } else { i64::MIN });
            j.conversion_row
                .push(if converted { row } else { u32::MAX });
        }
    }
    j.conversion_events = v.rows.iter().map(|r| r.conversions).sum();
    j.touchpoints = touchpoints;
    j.channels = channels;
    j.customers = customers;
    j
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::variants::VariantRow;

    #[test]
    fn rows_become_their_journeys() {
        let row = |tps: &[&str], journeys, conversions, touches| VariantRow {
            touchpoints: tps.iter().map(|s| s.to_string()).collect(),
            channels: Some(tps.iter().map(|s| s.to_uppercase()).collect()),
            touches,
            journeys,
            conversions,
            value: None,
        };
        let v = VariantsInput {
            rows: vec![row(&["a", "buy"], 3, 2, 1), row(&["b"], 1, 0, 1)],
            ..Default::default()
        };
        let j = expand(&v, Level::Channel);
        assert_eq!(j.len(), 4);
        assert_eq!(j.events(), 7);
        assert_eq!(j.converted, [true, true, false, false]);
        assert_eq!(j.path_len, [1, 1, 1, 1]);
        let names: Vec<&str> = j.journey(3).iter().map(|&c| j.names().name(c)).collect();
        assert_eq!(names, ["B"]);
        assert!(j.timeless && j.time.iter().all(|&t| t == 0));
    }
}
