//! What ordering found about the input: rows out of time order, ties, duplicates.

use serde::Serialize;

use crate::input::Finding;

/// What ordering found about the input (for `inspect`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct OrderStats {
    /// Events that came earlier in time than the row before them of the same customer.
    pub rows_out_of_order: Finding,
    /// Customers whose rows were not in time order in the input.
    pub customers_out_of_order: u64,
    /// Journeys with two or more events at the same instant (first rows of each tie).
    pub journeys_with_ties: Finding,
    /// Events that share their instant with an earlier event of the same journey.
    pub tied_events: u64,
    /// Events equal to an earlier one in customer, instant, touchpoint and channel.
    pub duplicate_events: Finding,
}

impl OrderStats {
    /// Adds the counts of `other` (a later range of customers).
    pub(super) fn merge(&mut self, other: OrderStats) {
        self.rows_out_of_order.merge(&other.rows_out_of_order);
        self.customers_out_of_order += other.customers_out_of_order;
        self.journeys_with_ties.merge(&other.journeys_with_ties);
        self.tied_events += other.tied_events;
        self.duplicate_events.merge(&other.duplicate_events);
    }
}
