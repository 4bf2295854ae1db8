//! A subset of the journeys (one segment, one period) as journeys of their own, so every
//! analysis runs on it unchanged (`diff --split`, `diff --before`).

use crate::journey::Journeys;

/// The journeys `keep` selects, in their order, with the same dictionaries.
pub fn subset(j: &Journeys, keep: impl Fn(usize) -> bool) -> Journeys {
    let mut out = Journeys {
        level: j.level,
        customers: j.customers.clone(),
        touchpoints: j.touchpoints.clone(),
        channels: j.channels.clone(),
        offsets: vec![0],
        timeless: j.timeless,
        ..Default::default()
    };
    let has_channel = !j.channel.is_empty();
    for journey in 0..j.len() {
        if !keep(journey) {
            continue;
        }
        let r = j.range(journey);
        out.touchpoint.extend_from_slice(&j.touchpoint[r.clone()]);
        if has_channel {
            out.channel.extend_from_slice(&j.channel[r.clone()]);
        }
        out.time.extend_from_slice(&j.time[r.clone()]);
        out.row.extend_from_slice(&j.row[r]);
        out.offsets.push(out.time.len());
        out.customer.push(j.customer[journey]);
        out.converted.push(j.converted[journey]);
        out.path_len.push(j.path_len[journey]);
        out.conversion_time.push(j.conversion_time[journey]);
        out.conversion_row.push(j.conversion_row[journey]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::test_support::journeys;

    #[test]
    fn keeps_the_selected_journeys_whole() {
        let j = journeys(&["a b", "c", "a c d"], &[false, true, false]);
        let s = subset(&j, |i| i != 1);
        assert_eq!(s.len(), 2);
        assert_eq!(s.events(), 5);
        let names: Vec<&str> = s.journey(1).iter().map(|v| s.names().name(*v)).collect();
        assert_eq!(names, ["a", "c", "d"]);
        assert_eq!(s.converted, [false, false]);
        // Every per-journey array stays as long as the journeys.
        assert_eq!(s.path_len.len(), 2);
        assert_eq!(s.conversion_time.len(), 2);
        assert_eq!(s.conversion_row.len(), 2);
        assert_eq!(s.channel.len(), 5);
        assert!(subset(&j, |_| false).is_empty());
    }
}
