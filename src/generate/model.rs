//! Deterministic RNG and the customer-journey simulation model.
//!
//! Everything here is fixed by this file (no external RNG crate), so the
//! generated data only changes when this file changes.

/// xoshiro256** seeded through splitmix64.
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng {
            s: [next(), next(), next(), next()],
        }
    }

    #[inline]
    pub(crate) fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    #[inline]
    pub(crate) fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n) (multiply-shift; bias is negligible for our n).
    #[inline]
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Exponential with the given mean.
    #[inline]
    fn exp(&mut self, mean: f64) -> f64 {
        -mean * ln_unit(1.0 - self.f64())
    }
}

/// Natural log of x in (0, 1], using only IEEE basic arithmetic (unlike
/// `f64::ln`, whose last bits may differ between platform math libraries).
fn ln_unit(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln(m) = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    for k in [1.0, 3.0, 5.0, 7.0, 9.0, 11.0, 13.0, 15.0] {
        sum += term / k;
        term *= s2;
    }
    e as f64 * LN2 + 2.0 * sum
}

#[rustfmt::skip]
pub(crate) const TOUCHPOINTS: [&str; 32] = [
    "home", "search", "category", "product_list", "product_view", "add_to_cart", "cart_view",
    "checkout", "payment", "purchase", "blog", "faq", "help_center", "contact", "login", "signup",
    "account", "wishlist", "compare", "reviews", "shipping_info", "returns", "promo_page",
    "email_open", "email_click", "newsletter_signup", "support_ticket", "live_chat",
    "store_locator", "app_open", "push_open", "order_status",
];

// Touchpoint indices (must match TOUCHPOINTS).
const HOME: u8 = 0;
const SEARCH: u8 = 1;
const CATEGORY: u8 = 2;
const PRODUCT_LIST: u8 = 3;
const PRODUCT_VIEW: u8 = 4;
const ADD_TO_CART: u8 = 5;
const CART_VIEW: u8 = 6;
const CHECKOUT: u8 = 7;
const PAYMENT: u8 = 8;
pub(crate) const PURCHASE: u8 = 9;
const BLOG: u8 = 10;
const FAQ: u8 = 11;
const HELP_CENTER: u8 = 12;
const CONTACT: u8 = 13;
const LOGIN: u8 = 14;
const SIGNUP: u8 = 15;
const ACCOUNT: u8 = 16;
const WISHLIST: u8 = 17;
const COMPARE: u8 = 18;
const REVIEWS: u8 = 19;
const SHIPPING_INFO: u8 = 20;
const RETURNS: u8 = 21;
const PROMO_PAGE: u8 = 22;
const EMAIL_OPEN: u8 = 23;
const EMAIL_CLICK: u8 = 24;
const NEWSLETTER_SIGNUP: u8 = 25;
pub(crate) const SUPPORT_TICKET: u8 = 26;
pub(crate) const LIVE_CHAT: u8 = 27;
const STORE_LOCATOR: u8 = 28;
const APP_OPEN: u8 = 29;
const PUSH_OPEN: u8 = 30;
const ORDER_STATUS: u8 = 31;
/// Pseudo-state "leave the site".
const EXIT: u8 = u8::MAX;
/// The surveys (`--surveys`), touchpoints after the chain's: not states of the chain.
pub(crate) const SURVEY_SUPPORT: u8 = TOUCHPOINTS.len() as u8;
pub(crate) const SURVEY_PURCHASE: u8 = SURVEY_SUPPORT + 1;

/// The name of touchpoint `tp` (the chain's, or a survey's).
pub(crate) fn touchpoint_name(tp: u8) -> &'static str {
    match tp {
        SURVEY_SUPPORT => "survey_support",
        SURVEY_PURCHASE => "survey_purchase",
        _ => TOUCHPOINTS[tp as usize],
    }
}

/// The share of support contacts (support_ticket, live_chat) that a survey answers.
pub(crate) const SURVEY_RATE: f64 = 0.6;
/// The share of purchases that a survey answers.
pub(crate) const PURCHASE_SURVEY_RATE: f64 = 0.4;

/// Adds to `out` survey answers after the support contacts and purchases of one customer,
/// whose events (in time order) are `events`. The pattern, which the tests recover: a survey
/// rates the event just before it, which shares its second with no other event of the
/// customer (so the survey's previous event is the rated one, whatever the row order); it
/// comes halfway to the customer's next event, at most 5 minutes later (no survey when the
/// next event is less than 2 s away). After a support contact (survey_support, 60% of them): a
/// live chat scores 3 or 4 and a support ticket 1 or 2 (each equally likely), one more when
/// the customer purchases at some point; so the means are live_chat 3.5, support_ticket 1.5,
/// plus 1 for converting customers. After a purchase (survey_purchase, 40% of them): 4 or 5.
pub(crate) fn add_surveys(rng: &mut Rng, events: &[Event], out: &mut Vec<Event>) {
    let n = events.len();
    let converted = events.iter().any(|e| e.tp == PURCHASE);
    for i in 0..n {
        let e = events[i];
        let (survey, rate, base) = match e.tp {
            LIVE_CHAT => (SURVEY_SUPPORT, SURVEY_RATE, 3 + u8::from(converted)),
            SUPPORT_TICKET => (SURVEY_SUPPORT, SURVEY_RATE, 1 + u8::from(converted)),
            PURCHASE => (SURVEY_PURCHASE, PURCHASE_SURVEY_RATE, 4),
            _ => continue,
        };
        let gap = if i + 1 < n {
            events[i + 1].dt - e.dt
        } else {
            u32::MAX
        };
        let tied_before = i > 0 && events[i - 1].dt == e.dt;
        if gap < 2 || tied_before || rng.f64() >= rate {
            continue;
        }
        out.push(Event {
            customer: e.customer,
            dt: e.dt + (gap / 2).min(300),
            cents: 0,
            tp: survey,
            ch: e.ch,
            score: base + rng.below(2) as u8,
        });
    }
}

#[rustfmt::skip]
pub(crate) const CHANNELS: [&str; 8] = [
    "direct", "organic_search", "paid_search", "email", "social", "display", "referral",
    "affiliate",
];
const EMAIL: usize = 3;
/// Channel mix of a customer's first visit and of returning visits.
const FIRST_VISIT_CHANNEL: [f64; 8] = [18.0, 24.0, 16.0, 8.0, 12.0, 8.0, 8.0, 6.0];
const RETURN_VISIT_CHANNEL: [f64; 8] = [30.0, 18.0, 10.0, 22.0, 8.0, 4.0, 4.0, 4.0];
/// Multiplier of the probability of moving into `purchase`, per channel.
const CHANNEL_CONVERSION: [f64; 8] = [1.2, 1.0, 1.15, 1.5, 0.6, 0.5, 0.9, 1.3];

/// First-order transitions: (from, [(to, weight)]) ; EXIT is the drop-off.
#[rustfmt::skip]
const TRANSITIONS: [(u8, &[(u8, f64)]); 32] = [
    (HOME, &[(SEARCH, 18.0), (CATEGORY, 16.0), (PRODUCT_LIST, 8.0), (PRODUCT_VIEW, 10.0), (PROMO_PAGE, 6.0), (BLOG, 5.0), (LOGIN, 6.0), (SIGNUP, 2.0), (HELP_CENTER, 3.0), (STORE_LOCATOR, 2.0), (ACCOUNT, 2.0), (CART_VIEW, 2.0), (WISHLIST, 1.0), (EXIT, 13.0)]),
    (SEARCH, &[(PRODUCT_LIST, 30.0), (PRODUCT_VIEW, 35.0), (SEARCH, 8.0), (CATEGORY, 5.0), (FAQ, 2.0), (EXIT, 14.0)]),
    (CATEGORY, &[(PRODUCT_LIST, 45.0), (PRODUCT_VIEW, 15.0), (SEARCH, 8.0), (PROMO_PAGE, 4.0), (HOME, 3.0), (EXIT, 17.0)]),
    (PRODUCT_LIST, &[(PRODUCT_VIEW, 60.0), (COMPARE, 5.0), (CATEGORY, 6.0), (SEARCH, 6.0), (EXIT, 16.0)]),
    (PRODUCT_VIEW, &[(ADD_TO_CART, 9.0), (REVIEWS, 10.0), (PRODUCT_LIST, 12.0), (PRODUCT_VIEW, 10.0), (COMPARE, 4.0), (WISHLIST, 5.0), (SHIPPING_INFO, 4.0), (SEARCH, 5.0), (HOME, 2.0), (EXIT, 20.0)]),
    (ADD_TO_CART, &[(CHECKOUT, 28.0), (CART_VIEW, 25.0), (PRODUCT_VIEW, 14.0), (SHIPPING_INFO, 3.0), (EXIT, 30.0)]),
    (CART_VIEW, &[(CHECKOUT, 45.0), (PRODUCT_VIEW, 12.0), (ADD_TO_CART, 3.0), (SHIPPING_INFO, 5.0), (PROMO_PAGE, 3.0), (EXIT, 32.0)]),
    (CHECKOUT, &[(PURCHASE, 12.0), (PAYMENT, 27.0), (LOGIN, 6.0), (SIGNUP, 3.0), (SHIPPING_INFO, 4.0), (CART_VIEW, 7.0), (EXIT, 35.0)]),
    (PAYMENT, &[(PURCHASE, 38.0), (CHECKOUT, 10.0), (HELP_CENTER, 2.0), (LIVE_CHAT, 2.0), (EXIT, 48.0)]),
    (PURCHASE, &[(ORDER_STATUS, 8.0), (ACCOUNT, 6.0), (HOME, 4.0), (NEWSLETTER_SIGNUP, 3.0), (EXIT, 79.0)]),
    (BLOG, &[(PRODUCT_VIEW, 18.0), (BLOG, 15.0), (CATEGORY, 10.0), (NEWSLETTER_SIGNUP, 6.0), (HOME, 8.0), (SEARCH, 6.0), (EXIT, 28.0)]),
    (FAQ, &[(HELP_CENTER, 15.0), (SHIPPING_INFO, 10.0), (RETURNS, 10.0), (CONTACT, 8.0), (HOME, 8.0), (EXIT, 49.0)]),
    (HELP_CENTER, &[(FAQ, 20.0), (CONTACT, 12.0), (LIVE_CHAT, 10.0), (SUPPORT_TICKET, 8.0), (RETURNS, 6.0), (ORDER_STATUS, 6.0), (EXIT, 38.0)]),
    (CONTACT, &[(SUPPORT_TICKET, 25.0), (LIVE_CHAT, 20.0), (STORE_LOCATOR, 8.0), (HOME, 5.0), (EXIT, 42.0)]),
    (LOGIN, &[(ACCOUNT, 35.0), (CART_VIEW, 12.0), (HOME, 15.0), (CHECKOUT, 10.0), (ORDER_STATUS, 8.0), (WISHLIST, 5.0), (EXIT, 15.0)]),
    (SIGNUP, &[(ACCOUNT, 30.0), (HOME, 20.0), (NEWSLETTER_SIGNUP, 10.0), (CHECKOUT, 15.0), (EXIT, 25.0)]),
    (ACCOUNT, &[(ORDER_STATUS, 25.0), (WISHLIST, 15.0), (HOME, 15.0), (RETURNS, 6.0), (SUPPORT_TICKET, 4.0), (EXIT, 35.0)]),
    (WISHLIST, &[(PRODUCT_VIEW, 35.0), (ADD_TO_CART, 15.0), (HOME, 10.0), (EXIT, 40.0)]),
    (COMPARE, &[(PRODUCT_VIEW, 45.0), (REVIEWS, 15.0), (ADD_TO_CART, 8.0), (EXIT, 32.0)]),
    (REVIEWS, &[(PRODUCT_VIEW, 35.0), (ADD_TO_CART, 15.0), (REVIEWS, 8.0), (COMPARE, 5.0), (EXIT, 37.0)]),
    (SHIPPING_INFO, &[(CHECKOUT, 15.0), (PRODUCT_VIEW, 20.0), (RETURNS, 10.0), (ADD_TO_CART, 8.0), (CART_VIEW, 7.0), (EXIT, 40.0)]),
    (RETURNS, &[(HELP_CENTER, 15.0), (CONTACT, 10.0), (ORDER_STATUS, 10.0), (FAQ, 10.0), (HOME, 10.0), (EXIT, 45.0)]),
    (PROMO_PAGE, &[(PRODUCT_LIST, 30.0), (PRODUCT_VIEW, 25.0), (CATEGORY, 10.0), (ADD_TO_CART, 5.0), (NEWSLETTER_SIGNUP, 5.0), (EXIT, 25.0)]),
    (EMAIL_OPEN, &[(EMAIL_CLICK, 55.0), (EXIT, 45.0)]),
    (EMAIL_CLICK, &[(PRODUCT_VIEW, 35.0), (PROMO_PAGE, 25.0), (HOME, 10.0), (PRODUCT_LIST, 10.0), (CART_VIEW, 5.0), (EXIT, 15.0)]),
    (NEWSLETTER_SIGNUP, &[(HOME, 20.0), (PROMO_PAGE, 15.0), (BLOG, 10.0), (PRODUCT_LIST, 10.0), (EXIT, 45.0)]),
    (SUPPORT_TICKET, &[(ORDER_STATUS, 20.0), (HELP_CENTER, 15.0), (LIVE_CHAT, 10.0), (EXIT, 55.0)]),
    (LIVE_CHAT, &[(PRODUCT_VIEW, 15.0), (CHECKOUT, 8.0), (SUPPORT_TICKET, 10.0), (HELP_CENTER, 10.0), (EXIT, 57.0)]),
    (STORE_LOCATOR, &[(HOME, 15.0), (CONTACT, 10.0), (PRODUCT_VIEW, 10.0), (EXIT, 65.0)]),
    (APP_OPEN, &[(HOME, 35.0), (SEARCH, 20.0), (PRODUCT_VIEW, 10.0), (CART_VIEW, 8.0), (ACCOUNT, 8.0), (ORDER_STATUS, 6.0), (EXIT, 13.0)]),
    (PUSH_OPEN, &[(PRODUCT_VIEW, 35.0), (PROMO_PAGE, 25.0), (CART_VIEW, 10.0), (HOME, 10.0), (EXIT, 20.0)]),
    (ORDER_STATUS, &[(ACCOUNT, 15.0), (RETURNS, 10.0), (SUPPORT_TICKET, 8.0), (HOME, 12.0), (HELP_CENTER, 5.0), (EXIT, 50.0)]),
];

#[rustfmt::skip]
const ENTRY: &[(u8, f64)] = &[
    (HOME, 28.0), (SEARCH, 14.0), (PRODUCT_VIEW, 10.0), (CATEGORY, 6.0), (PRODUCT_LIST, 4.0),
    (BLOG, 6.0), (EMAIL_CLICK, 4.0), (EMAIL_OPEN, 3.0), (PROMO_PAGE, 5.0), (APP_OPEN, 6.0),
    (PUSH_OPEN, 3.0), (LOGIN, 4.0), (HELP_CENTER, 2.0), (FAQ, 2.0), (STORE_LOCATOR, 1.0),
    (ORDER_STATUS, 1.0), (CART_VIEW, 1.0),
];

/// How much more (or less) likely a channel lands a visit on an entry page.
fn entry_multiplier(channel: usize, tp: u8) -> f64 {
    let email_tp = matches!(tp, EMAIL_OPEN | EMAIL_CLICK);
    match (channel, tp) {
        (EMAIL, EMAIL_OPEN | EMAIL_CLICK) => 12.0,
        (EMAIL, PROMO_PAGE) => 2.0,
        (_, _) if email_tp => 0.0,
        (0, APP_OPEN | PUSH_OPEN | LOGIN | ORDER_STATUS) => 2.5,
        (0, HOME) => 1.5,
        (_, APP_OPEN | PUSH_OPEN) => 0.1,
        (1, BLOG) => 3.0,
        (1, PRODUCT_VIEW | PRODUCT_LIST) => 2.0,
        (1, HOME) => 0.6,
        (2, PRODUCT_VIEW) => 3.0,
        (2, PRODUCT_LIST | PROMO_PAGE) => 2.0,
        (4, BLOG | PROMO_PAGE) => 2.5,
        (5, PROMO_PAGE) => 4.0,
        (5, PRODUCT_VIEW) => 1.5,
        (6, BLOG | PRODUCT_VIEW) => 2.0,
        (7, PRODUCT_VIEW | PROMO_PAGE) => 3.0,
        _ => 1.0,
    }
}

/// Cumulative distribution over outcomes, sampled by linear scan.
struct Dist(Vec<(u8, f64)>);

impl Dist {
    fn new(weights: impl Iterator<Item = (u8, f64)>) -> Self {
        let w: Vec<(u8, f64)> = weights.filter(|&(_, w)| w > 0.0).collect();
        let total: f64 = w.iter().map(|&(_, w)| w).sum();
        let mut acc = 0.0;
        let mut cum: Vec<(u8, f64)> = w
            .into_iter()
            .map(|(t, w)| {
                acc += w / total;
                (t, acc)
            })
            .collect();
        if let Some(last) = cum.last_mut() {
            last.1 = f64::INFINITY; // guard against rounding
        }
        Dist(cum)
    }

    #[inline]
    fn sample(&self, rng: &mut Rng) -> u8 {
        let u = rng.f64();
        for &(t, c) in &self.0 {
            if u < c {
                return t;
            }
        }
        EXIT // unreachable: the last entry is +inf (or the list is empty)
    }
}

/// One generated event: 16 bytes, time as seconds since `start`.
#[derive(Clone, Copy)]
pub(crate) struct Event {
    pub(crate) customer: u32,
    pub(crate) dt: u32,
    /// Revenue in cents; 0 when not a purchase.
    pub(crate) cents: u32,
    pub(crate) tp: u8,
    pub(crate) ch: u8,
    /// A survey's score (1 to 5); 0 for every other event.
    pub(crate) score: u8,
}

pub(crate) struct Model {
    /// transitions[channel][touchpoint]
    transitions: Vec<Vec<Dist>>,
    entry: Vec<Dist>,
    first_channel: Dist,
    return_channel: Dist,
}

impl Model {
    pub(crate) fn new(conversion_boost: f64) -> Self {
        let transitions = (0..CHANNELS.len())
            .map(|ch| {
                let boost = conversion_boost * CHANNEL_CONVERSION[ch];
                TRANSITIONS
                    .iter()
                    .map(|&(_, row)| Dist::new(scale_purchase(row, boost).into_iter()))
                    .collect()
            })
            .collect();
        let entry = (0..CHANNELS.len())
            .map(|ch| Dist::new(ENTRY.iter().map(|&(t, w)| (t, w * entry_multiplier(ch, t)))))
            .collect();
        let channels = |w: &[f64; 8]| Dist::new(w.iter().enumerate().map(|(i, &w)| (i as u8, w)));
        Model {
            transitions,
            entry,
            first_channel: channels(&FIRST_VISIT_CHANNEL),
            return_channel: channels(&RETURN_VISIT_CHANNEL),
        }
    }

    /// Appends one customer's events (in time order); returns the number of purchases.
    pub(crate) fn customer(
        &self,
        rng: &mut Rng,
        customer: u32,
        period: u32,
        out: &mut Vec<Event>,
    ) -> u32 {
        const MAX_VISITS: u32 = 40;
        const MAX_VISIT_EVENTS: u32 = 60;
        let mut purchases = 0;
        let mut t = rng.below(period as u64) as u32;
        for visit in 0..MAX_VISITS {
            let ch = if visit == 0 {
                self.first_channel.sample(rng)
            } else {
                self.return_channel.sample(rng)
            };
            let mut tp = self.entry[ch as usize].sample(rng);
            let mut vt = t;
            for _ in 0..MAX_VISIT_EVENTS {
                let cents = if tp == PURCHASE {
                    purchases += 1;
                    1000 + rng.below(14_501) as u32 + rng.below(14_501) as u32
                } else {
                    0
                };
                out.push(Event {
                    customer,
                    dt: vt,
                    cents,
                    tp,
                    ch,
                    score: 0,
                });
                tp = self.transitions[ch as usize][tp as usize].sample(rng);
                if tp == EXIT {
                    break;
                }
                // Seconds to minutes between clicks; ~10% ties.
                if rng.below(10) != 0 {
                    vt += 1 + (rng.exp(40.0) as u32).min(900);
                }
            }
            // Return after hours to days (at least 2 hours), or churn.
            if rng.f64() < CHURN_AFTER_VISIT {
                break;
            }
            let gap = 7_200 + rng.exp(2.5 * 86_400.0).min(60.0 * 86_400.0) as u32;
            t = vt + gap;
            if t >= period {
                break;
            }
        }
        purchases
    }
}

const CHURN_AFTER_VISIT: f64 = 0.28;

/// Multiplies the probability of moving into `purchase` by `boost` (capped at
/// 0.95) and rescales the other outcomes so the row still sums to one.
fn scale_purchase(row: &[(u8, f64)], boost: f64) -> Vec<(u8, f64)> {
    let total: f64 = row.iter().map(|&(_, w)| w).sum();
    let p: f64 = row
        .iter()
        .filter(|&&(t, _)| t == PURCHASE)
        .map(|&(_, w)| w / total)
        .sum();
    if p <= 0.0 {
        return row.to_vec();
    }
    let p_new = (p * boost).min(0.95);
    let rest = if p < 1.0 {
        (1.0 - p_new) / (1.0 - p)
    } else {
        0.0
    };
    row.iter()
        .map(|&(t, w)| {
            let q = w / total;
            (
                t,
                if t == PURCHASE {
                    q * p_new / p
                } else {
                    q * rest
                },
            )
        })
        .collect()
}

#[cfg(test)]
pub(crate) fn touchpoint_index(name: &str) -> Option<usize> {
    TOUCHPOINTS.iter().position(|&t| t == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transition_table_rows_match_touchpoint_order() {
        for (i, &(from, _)) in TRANSITIONS.iter().enumerate() {
            assert_eq!(
                from as usize, i,
                "row {i} is for {}",
                TOUCHPOINTS[from as usize]
            );
        }
        assert_eq!(touchpoint_index("purchase"), Some(PURCHASE as usize));
        assert_eq!(CHANNELS[EMAIL], "email");
    }

    #[test]
    fn ln_unit_matches_std() {
        for x in [
            1.0,
            0.999_999,
            0.75,
            0.5,
            0.3,
            1e-3,
            1e-12,
            f64::MIN_POSITIVE * 4.0,
        ] {
            let (a, b) = (ln_unit(x), f64::ln(x));
            assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{x}: {a} vs {b}");
        }
    }

    #[test]
    fn conversion_boost_scales_purchase_probability() {
        let row = TRANSITIONS[CHECKOUT as usize].1;
        let p = |r: &[(u8, f64)]| {
            let tot: f64 = r.iter().map(|x| x.1).sum();
            r.iter()
                .filter(|x| x.0 == PURCHASE)
                .map(|x| x.1)
                .sum::<f64>()
                / tot
        };
        let half = scale_purchase(row, 0.5);
        assert!((p(&half) - p(row) * 0.5).abs() < 1e-12);
        assert!((half.iter().map(|x| x.1).sum::<f64>() - 1.0).abs() < 1e-12);
    }
}
