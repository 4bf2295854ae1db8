//! Journeys from a variants table: each row as many times as it has journeys, every event at
//! time 0 (`timeless`), so that every analysis that needs no times runs unchanged.

use super::{Dictionary, Journeys, Level};
use crate::input::variants::VariantsInput;

/// The journeys of the table at `level`: rows in table order, a row's converting journeys
/// first. Events point at their row (the row's position in the table).
pub fn expand(v: &VariantsInput, level: Level) -> Journeys {
    let mut customers = Dictionary::new();
    customers.intern("(variants)");
    let events: u64 = v
        .rows
        .iter()
        .map(|r| r.journeys * r.touchpoints.len() as u64)
        .sum();
    let journeys: u64 = v.rows.iter().map(|r| r.journeys).sum();
    let has_channels = v.channels.is_some();
    let mut j = Journeys {
        level,
        offsets: Vec::with_capacity(journeys as usize + 1),
        touchpoint: Vec::with_capacity(events as usize),
        channel: Vec::with_capacity(if has_channels { events as usize } else { 0 }),
        time: vec![0; events as usize],
        row: Vec::with_capacity(events as usize),
        customer: vec![0; journeys as usize],
        converted: Vec::with_capacity(journeys as usize),
        path_len: Vec::with_capacity(journeys as usize),
        conversion_time: Vec::with_capacity(journeys as usize),
        conversion_row: Vec::with_capacity(journeys as usize),
        timeless: true,
        ..Default::default()
    };
    j.offsets.push(0);
    for (row, r) in v.rows.iter().enumerate() {
        let tps = &v.touchpoint_ids[r.touchpoints.clone()];
        let chs = &v.channel_ids[r.channels.clone()];
        let row = row as u32;
        for k in 0..r.journeys {
            j.touchpoint.extend_from_slice(tps);
            j.channel.extend_from_slice(chs);
            j.row.extend(std::iter::repeat_n(row, tps.len()));
            j.offsets.push(j.touchpoint.len());
            let converted = k < r.conversions;
            j.converted.push(converted);
            j.path_len.push(r.touches);
            j.conversion_time.push(if converted { 0 } else { i64::MIN });
            j.conversion_row
                .push(if converted { row } else { u32::MAX });
        }
    }
    j.conversion_events = v.rows.iter().map(|r| r.conversions).sum();
    j.touchpoints = v.touchpoints.clone();
    j.channels = v.channels.clone();
    j.customers = customers;
    j
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::variants::VariantRow;

    #[test]
    fn rows_become_their_journeys() {
        let mut v = VariantsInput {
            channels: Some(Dictionary::new()),
            ..Default::default()
        };
        let mut row = |tps: &[&str], journeys, conversions, touches| {
            let start = v.touchpoint_ids.len();
            for t in tps {
                v.touchpoint_ids.push(v.touchpoints.intern(t));
                let ch = v.channels.as_mut().unwrap().intern(&t.to_uppercase());
                v.channel_ids.push(ch);
            }
            let end = v.touchpoint_ids.len();
            v.rows.push(VariantRow {
                touchpoints: start..end,
                channels: start..end,
                touches,
                journeys,
                conversions,
                value: None,
            });
        };
        row(&["a", "buy"], 3, 2, 1);
        row(&["b"], 1, 0, 1);
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
