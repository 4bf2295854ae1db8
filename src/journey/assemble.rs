//! Cutting one customer's events, in time order, into journeys: a new journey after a
//! session gap or a conversion (when asked), repeats collapsed, conversion facts kept, ties
//! and duplicates counted.

use super::event_columns::EventSlots;
use super::order_stats::OrderStats;
use super::record::{Fields, Record};
use super::{JourneyOptions, Journeys, Level};

/// How many earlier events of a tie group are compared when looking for duplicates.
const DUPLICATE_SCAN: usize = 64;

/// Cuts the records of customer `customer`, in time order, into journeys, adding them to
/// `out` (offsets counted in `events`) and their events to `events`. `events_conversion`:
/// conversion events are named touchpoints (`--conversion`).
#[inline]
#[allow(clippy::too_many_arguments)]
pub(super) fn assemble_journeys(
    slice: &[Record],
    customer: u32,
    opts: &JourneyOptions,
    events_conversion: bool,
    fields: &Fields,
    out: &mut Journeys,
    events: &mut EventSlots,
    stats: &mut OrderStats,
) {
    let mut journey = JourneyState::default();
    // Where the current group of events at one instant starts.
    let mut tie_start = 0;
    let mut prev_conversion = false;
    for (i, ev) in slice.iter().enumerate() {
        if i > 0 {
            let prev = &slice[i - 1];
            if starts_journey(opts, prev, ev, prev_conversion) {
                journey.close(out, events.len, customer, stats);
                tie_start = i;
            } else if prev.time == ev.time {
                note_tie(slice, i, ev, tie_start, fields, &mut journey, stats);
            } else {
                tie_start = i;
            }
        }
        let (touchpoint, channel, conversion) = fields.get(ev.value);
        prev_conversion = conversion;
        if conversion {
            out.conversion_events += 1;
        }
        let value = match opts.level {
            Level::Touchpoint => touchpoint,
            Level::Channel => channel,
        };
        let merge = opts.collapse_repeats && journey.repeats(value);
        if conversion {
            journey.note_conversion(ev, events_conversion);
        }
        if merge {
            out.merged_rows.push(ev.row);
        } else {
            events.push(touchpoint, channel, ev);
            journey.keep(value);
        }
    }
    journey.close(out, events.len, customer, stats);
}

/// Whether `ev`, the event after `prev` of the same customer, starts a new journey: the gap
/// between them is longer than the session gap, or `prev` was a conversion event and
/// journeys split on conversions.
#[inline]
fn starts_journey(
    opts: &JourneyOptions,
    prev: &Record,
    ev: &Record,
    prev_conversion: bool,
) -> bool {
    let gap_split = opts
        .session_gap
        .is_some_and(|g| ev.time.saturating_sub(prev.time) > g);
    let conv_split = opts.split_on_conversion && prev_conversion;
    gap_split || conv_split
}

/// Counts `ev`, event `i` of `slice`, which shares its instant with the event before it: a
/// tie in the group of events at that instant that starts at `tie_start`, and a duplicate
/// when one of the group's last [`DUPLICATE_SCAN`] events before it has the same
/// touchpoint and channel.
#[inline]
fn note_tie(
    slice: &[Record],
    i: usize,
    ev: &Record,
    tie_start: usize,
    fields: &Fields,
    journey: &mut JourneyState,
    stats: &mut OrderStats,
) {
    stats.tied_events += 1;
    if !journey.has_tie {
        journey.has_tie = true;
        journey.first_tie_row = slice[tie_start].row;
    }
    let scan = i.saturating_sub(DUPLICATE_SCAN).max(tie_start);
    if slice[scan..i]
        .iter()
        .any(|q| fields.same_event(q.value, ev.value))
    {
        stats.duplicate_events.add(ev.row as u64);
    }
}

/// The journey being assembled.
#[derive(Default)]
struct JourneyState {
    /// Events kept (after collapsing).
    kept: u32,
    /// The value, at the analysis level, of the last event kept.
    last_value: u32,
    /// Whether a conversion event was seen.
    converted: bool,
    /// Touches for attribution, set at the first conversion event with `--conversion`
    /// (else every event kept is one).
    path_len: Option<u32>,
    /// Instant and row of the first conversion event.
    conversion_at: Option<(i64, u32)>,
    /// Whether two events share an instant, and the row of the first of them.
    has_tie: bool,
    first_tie_row: u32,
}

impl JourneyState {
    /// Whether an event of `value` repeats the last event kept (collapsing merges it into
    /// that event's run).
    #[inline]
    fn repeats(&self, value: u32) -> bool {
        self.kept > 0 && self.last_value == value
    }

    /// Counts an event of `value` as kept.
    #[inline]
    fn keep(&mut self, value: u32) {
        self.kept += 1;
        self.last_value = value;
    }

    /// Notes the conversion event `ev`: the first converts the journey.
    #[inline]
    fn note_conversion(&mut self, ev: &Record, events_conversion: bool) {
        if !self.converted {
            self.converted = true;
            // Touches are the runs that started before the first conversion event; a
            // conversion event merged into a run keeps that run as a touch.
            self.path_len = events_conversion.then_some(self.kept);
            self.conversion_at = Some((ev.time, ev.row));
        }
    }

    /// Ends the journey (if it kept events) at event `end`, and starts the next.
    fn close(&mut self, out: &mut Journeys, end: usize, customer: u32, stats: &mut OrderStats) {
        if self.kept == 0 {
            return;
        }
        out.offsets.push(end);
        out.customer.push(customer);
        out.converted.push(self.converted);
        out.path_len.push(self.path_len.unwrap_or(self.kept));
        let (time, row) = self.conversion_at.unwrap_or((i64::MIN, u32::MAX));
        out.conversion_time.push(time);
        out.conversion_row.push(row);
        if self.has_tie {
            stats.journeys_with_ties.add(self.first_tie_row as u64);
        }
        *self = JourneyState::default();
    }
}
