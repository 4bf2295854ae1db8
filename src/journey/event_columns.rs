//! The journeys' event columns as ordering writes them: the input's own columns reused, each
//! ordering thread writing its own rows from the start of its part.

use super::record::{Fields, Record};

/// The journeys' event columns (the channel column is empty without channels).
pub(super) struct EventColumns {
    pub(super) touchpoint: Vec<u32>,
    pub(super) channel: Vec<u32>,
    pub(super) time: Vec<i64>,
    pub(super) row: Vec<u32>,
}

impl EventColumns {
    /// The rows before `at` and from `at` on, for two threads to write.
    pub(super) fn split_at_mut(&mut self, at: usize) -> (EventSlots<'_>, EventSlots<'_>) {
        let (tp0, tp1) = self.touchpoint.split_at_mut(at);
        let ch_at = at.min(self.channel.len());
        let (ch0, ch1) = self.channel.split_at_mut(ch_at);
        let (t0, t1) = self.time.split_at_mut(at);
        let (r0, r1) = self.row.split_at_mut(at);
        (
            EventSlots::new(tp0, ch0, t0, r0),
            EventSlots::new(tp1, ch1, t1, r1),
        )
    }

    /// Keeps the first `head` rows and the `tail` rows from `from` on, moved up behind them.
    pub(super) fn close_gap(&mut self, head: usize, from: usize, tail: usize) {
        fn close<T: Copy>(v: &mut Vec<T>, head: usize, from: usize, tail: usize) {
            if v.is_empty() {
                return;
            }
            if head < from {
                v.copy_within(from..from + tail, head);
            }
            v.truncate(head + tail);
        }
        close(&mut self.touchpoint, head, from, tail);
        close(&mut self.channel, head, from, tail);
        close(&mut self.time, head, from, tail);
        close(&mut self.row, head, from, tail);
    }
}

/// The [`Fields`] that records' values refer to, and the columns the journeys' events are
/// written to: the `input`'s, which are no longer read once the records are made. That is
/// memory that is already mapped (fresh pages cost a fault each), and as many rows as there
/// are events. Without packing (`packed_channel_bits` is `None`), touchpoints and channels
/// are read from their columns while ordering, so those two columns of the journeys are
/// fresh, and `conversion` is every event's conversion flag.
pub(super) fn journey_columns(
    input: EventColumns,
    has_channel: bool,
    packed_channel_bits: Option<u32>,
    conversion: Vec<bool>,
) -> (Fields, EventColumns) {
    let EventColumns {
        touchpoint,
        channel,
        time,
        row,
    } = input;
    let n = time.len();
    let (fields, touchpoint, channel) = match packed_channel_bits {
        Some(ch_bits) => {
            let channel = if has_channel { channel } else { Vec::new() };
            (Fields::Packed { ch_bits }, touchpoint, channel)
        }
        None => {
            let fresh_channel = if has_channel { vec![0; n] } else { Vec::new() };
            let fields = Fields::Columns {
                touchpoint,
                channel,
                conversion,
            };
            (fields, vec![0; n], fresh_channel)
        }
    };
    let columns = EventColumns {
        touchpoint,
        channel,
        time,
        row,
    };
    (fields, columns)
}

/// Rows of the event columns that one ordering thread fills from the start.
pub(super) struct EventSlots<'a> {
    touchpoint: &'a mut [u32],
    /// Empty without channels.
    channel: &'a mut [u32],
    time: &'a mut [i64],
    row: &'a mut [u32],
    /// Rows filled.
    pub(super) len: usize,
}

impl<'a> EventSlots<'a> {
    /// The rows of these column slices, none filled yet.
    fn new(
        touchpoint: &'a mut [u32],
        channel: &'a mut [u32],
        time: &'a mut [i64],
        row: &'a mut [u32],
    ) -> EventSlots<'a> {
        EventSlots {
            touchpoint,
            channel,
            time,
            row,
            len: 0,
        }
    }

    /// Fills the next row with an event (its channel only where there are channels).
    #[inline]
    pub(super) fn push(&mut self, touchpoint: u32, channel: u32, ev: &Record) {
        let k = self.len;
        self.touchpoint[k] = touchpoint;
        if let Some(c) = self.channel.get_mut(k) {
            *c = channel;
        }
        self.time[k] = ev.time;
        self.row[k] = ev.row;
        self.len = k + 1;
    }
}
