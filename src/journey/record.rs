//! What the ordering moves around per event: a 16-byte [`Record`], whose value gives the
//! event's touchpoint, channel and conversion flag ([`Fields`]), made from the input's columns
//! by [`RecordValues`].

use super::{Conversion, Dictionary};

/// One event, as the ordering works on it (16 bytes: the scatter's random writes are the
/// slow part of ordering).
#[derive(Clone, Copy, Default)]
pub(super) struct Record {
    /// The event's instant (ns).
    pub(super) time: i64,
    /// The event's row position in the input.
    pub(super) row: u32,
    /// The event's other fields, as [`Fields`] reads them.
    pub(super) value: u32,
}

/// How a [`Record`]'s value gives its touchpoint, channel and conversion flag.
pub(super) enum Fields {
    /// `touchpoint << (ch_bits + 1) | channel << 1 | conversion`.
    Packed { ch_bits: u32 },
    /// The value is the event's position in these columns (dictionaries too large to pack).
    Columns {
        touchpoint: Vec<u32>,
        channel: Vec<u32>,
        conversion: Vec<bool>,
    },
}

impl Fields {
    /// Touchpoint, channel (0 without channels) and conversion flag.
    #[inline]
    pub(super) fn get(&self, value: u32) -> (u32, u32, bool) {
        match self {
            Fields::Packed { ch_bits } => (
                value >> (ch_bits + 1),
                (value >> 1) & ((1 << ch_bits) - 1),
                value & 1 == 1,
            ),
            Fields::Columns {
                touchpoint,
                channel,
                conversion,
            } => {
                let k = value as usize;
                (
                    touchpoint[k],
                    channel.get(k).copied().unwrap_or(0),
                    conversion[k],
                )
            }
        }
    }

    /// Whether two events have the same touchpoint and channel.
    #[inline]
    pub(super) fn same_event(&self, a: u32, b: u32) -> bool {
        match self {
            Fields::Packed { .. } => a >> 1 == b >> 1,
            Fields::Columns { .. } => {
                let (x, y) = (self.get(a), self.get(b));
                x.0 == y.0 && x.1 == y.1
            }
        }
    }
}

/// Makes each input event's [`Record`] value from the input's columns: touchpoint, channel
/// and conversion flag in 32 bits when the dictionaries are small enough (nearly always),
/// else the event's position in the columns.
pub(super) struct RecordValues<'a> {
    conversion: &'a Conversion,
    /// Per touchpoint id, whether it is a conversion event (filled for
    /// [`Conversion::Events`] only).
    conversion_touchpoint: Vec<bool>,
    touchpoint: &'a [u32],
    /// Empty without channels.
    channel: &'a [u32],
    /// The `--converted-col` marker per event (empty without it).
    converted: &'a [bool],
    has_channel: bool,
    /// Whether values are packed (else a value is the event's position).
    packed: bool,
    /// Bits of a packed channel id.
    ch_bits: u32,
}

impl<'a> RecordValues<'a> {
    /// The values of the events' `touchpoint` and `channel` ids (and `converted`); `pack` false keeps them
    /// positions even when the fields would pack.
    pub(super) fn new(
        conversion: &'a Conversion,
        touchpoints: &Dictionary,
        channels: Option<&Dictionary>,
        pack: bool,
        touchpoint: &'a [u32],
        channel: &'a [u32],
        converted: &'a [bool],
    ) -> RecordValues<'a> {
        let conversion_touchpoint = conversion_touchpoints(conversion, touchpoints);
        let (tp_bits, ch_bits) = (
            bits(touchpoints.len()),
            bits(channels.map_or(0, |d| d.len())),
        );
        RecordValues {
            conversion,
            conversion_touchpoint,
            touchpoint,
            channel,
            converted,
            has_channel: channels.is_some(),
            packed: pack && tp_bits + ch_bits < 31,
            ch_bits,
        }
    }

    /// Whether event `k` is a conversion event.
    #[inline]
    fn is_conversion(&self, k: usize) -> bool {
        match self.conversion {
            Conversion::None => false,
            Conversion::Events(_) => self.conversion_touchpoint[self.touchpoint[k] as usize],
            Conversion::Column(_) => self.converted[k],
        }
    }

    /// The [`Record::value`] of event `k`.
    #[inline]
    pub(super) fn value(&self, k: usize) -> u32 {
        if self.packed {
            let ch = if self.has_channel { self.channel[k] } else { 0 };
            (self.touchpoint[k] << (self.ch_bits + 1))
                | (ch << 1)
                | u32::from(self.is_conversion(k))
        } else {
            k as u32
        }
    }

    /// The bits of a packed channel id when the values are packed; `None` when they are
    /// positions.
    pub(super) fn packed_channel_bits(&self) -> Option<u32> {
        self.packed.then_some(self.ch_bits)
    }

    /// The conversion flag of each of the first `n` events (for [`Fields::Columns`]).
    pub(super) fn conversion_flags(&self, n: usize) -> Vec<bool> {
        (0..n).map(|k| self.is_conversion(k)).collect()
    }
}

/// Per touchpoint id, whether it names a conversion event; empty unless conversion events
/// are named touchpoints (`--conversion`).
fn conversion_touchpoints(conversion: &Conversion, touchpoints: &Dictionary) -> Vec<bool> {
    match conversion {
        Conversion::Events(names) => {
            let mut flags = vec![false; touchpoints.len()];
            for name in names {
                if let Some(id) = touchpoints.get(name) {
                    flags[id as usize] = true;
                }
            }
            flags
        }
        _ => Vec::new(),
    }
}

/// Bits needed to hold the ids `0..len`.
fn bits(len: usize) -> u32 {
    usize::BITS - len.saturating_sub(1).leading_zeros()
}
