//! Which input column plays which role: explicit names from flags or journeymap.toml first,
//! otherwise detection from common names, case-insensitively.

use anyhow::{bail, Result};
use serde::Serialize;

/// The roles a column can play, with the names journeymap recognises for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Customer,
    Time,
    Touchpoint,
    Channel,
}

impl Role {
    pub fn flag(self) -> &'static str {
        match self {
            Role::Customer => "--customer",
            Role::Time => "--time",
            Role::Touchpoint => "--touchpoint",
            Role::Channel => "--channel",
        }
    }

    pub fn what(self) -> &'static str {
        match self {
            Role::Customer => "customer id",
            Role::Time => "timestamp",
            Role::Touchpoint => "touchpoint",
            Role::Channel => "channel",
        }
    }

    /// Common column names for this role, compared case-insensitively.
    pub fn known_names(self) -> &'static [&'static str] {
        match self {
            Role::Customer => &[
                "customer_id",
                "customerid",
                "customer",
                "user_id",
                "userid",
                "visitor_id",
                "anonymous_id",
                "client_id",
                "case:concept:name",
                "case_id",
                "distinct_id",
                "user_pseudo_id",
                "fullvisitorid",
                "contact_id",
                "person_id",
            ],
            Role::Time => &[
                "timestamp",
                "event_time",
                "event_timestamp",
                "time",
                "ts",
                "datetime",
                "date_time",
                "time:timestamp",
                "occurred_at",
                "created_at",
            ],
            Role::Touchpoint => &[
                "touchpoint",
                "event",
                "event_name",
                "event_type",
                "page",
                "page_path",
                "activity",
                "concept:name",
                "action",
            ],
            Role::Channel => &[
                "channel",
                "source",
                "medium",
                "utm_source",
                "utm_medium",
                "channel_grouping",
                "default_channel_group",
                "traffic_source",
                "marketing_channel",
            ],
        }
    }
}

/// Where the channel of each event comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelSource {
    Column(String),
    /// The same channel for every event of the source (`channel = "email"` in journeymap.toml).
    Constant(String),
}

/// The column names asked for (by flags or journeymap.toml); `None` means detect.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnRequest {
    pub customer: Option<String>,
    pub time: Option<String>,
    pub touchpoint: Option<String>,
    pub channel: Option<String>,
    pub constant_channel: Option<String>,
}

/// The columns one input uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mapping {
    pub customer: String,
    pub time: String,
    pub touchpoint: String,
    pub channel: Option<ChannelSource>,
}

impl Mapping {
    /// One line for people: `customer=user, time=ts, touchpoint=event, channel=source`.
    pub fn describe(&self) -> String {
        let channel = match &self.channel {
            Some(ChannelSource::Column(c)) => c.clone(),
            Some(ChannelSource::Constant(c)) => format!("\"{c}\" (constant)"),
            None => "(none)".to_string(),
        };
        format!(
            "customer={}, time={}, touchpoint={}, channel={}",
            self.customer, self.time, self.touchpoint, channel
        )
    }
}

/// Resolves the mapping for an input whose columns are `columns`.
pub fn resolve(label: &str, columns: &[String], req: &ColumnRequest) -> Result<Mapping> {
    let customer = find(label, columns, Role::Customer, req.customer.as_deref())?;
    let time = find(label, columns, Role::Time, req.time.as_deref())?;
    let touchpoint = find(label, columns, Role::Touchpoint, req.touchpoint.as_deref())?;
    let channel = match &req.constant_channel {
        Some(c) => Some(ChannelSource::Constant(c.clone())),
        None => match find(label, columns, Role::Channel, req.channel.as_deref()) {
            Ok(c) => Some(ChannelSource::Column(c)),
            Err(_) if req.channel.is_none() && detect(columns, Role::Channel).is_empty() => None,
            Err(e) => return Err(e),
        },
    };
    let mapping = Mapping {
        customer,
        time,
        touchpoint,
        channel,
    };
    let mut used = vec![&mapping.customer, &mapping.time, &mapping.touchpoint];
    if let Some(ChannelSource::Column(c)) = &mapping.channel {
        used.push(c);
    }
    for (i, a) in used.iter().enumerate() {
        if used[..i].contains(a) {
            bail!("{label}: column '{a}' is mapped to two roles ({}); pass the flags --customer, --time, --touchpoint, --channel to tell them apart", mapping.describe());
        }
    }
    Ok(mapping)
}

/// Finds a column by its exact name, then case-insensitively.
/// Finds a column by its exact name, then case-insensitively, then ignoring spaces around it
/// (headers like `id, time, event`). Returns the name as the file has it.
pub fn lookup<'a>(columns: &'a [String], name: &str) -> Option<&'a String> {
    columns
        .iter()
        .find(|c| *c == name)
        .or_else(|| columns.iter().find(|c| c.eq_ignore_ascii_case(name)))
        .or_else(|| {
            columns
                .iter()
                .find(|c| c.trim().eq_ignore_ascii_case(name.trim()))
        })
}

/// The error for a column name that is not there, with the closest one suggested.
pub fn missing_column(label: &str, columns: &[String], name: &str, flag: &str) -> anyhow::Error {
    let found = columns.join(", ");
    match closest(name, columns.iter().map(String::as_str)) {
        Some(best) => {
            // --where and --split name more than a column: show the whole value to pass.
            let rest = match flag {
                "--where" => "=VALUE",
                "--split" | "--compare" => "=V1,V2",
                _ => "",
            };
            anyhow::anyhow!(
                "{label}: no column '{name}' (found: {found}); did you mean '{best}'? pass {flag} {best}{rest}"
            )
        }
        None => anyhow::anyhow!("{label}: no column '{name}' (found: {found}); pass {flag} COLUMN"),
    }
}

fn detect(columns: &[String], role: Role) -> Vec<String> {
    columns
        .iter()
        .filter(|c| {
            let lower = c.trim().to_ascii_lowercase();
            role.known_names().contains(&lower.as_str())
        })
        .cloned()
        .collect()
}

fn find(label: &str, columns: &[String], role: Role, asked: Option<&str>) -> Result<String> {
    if let Some(name) = asked {
        return lookup(columns, name)
            .cloned()
            .ok_or_else(|| missing_column(label, columns, name, role.flag()));
    }
    let found = detect(columns, role);
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => {
            let cols = columns.join(", ");
            if let [only] = columns {
                if let Some(d) = [';', '\t', '|'].into_iter().find(|d| only.contains(*d)) {
                    let shown = if d == '\t' {
                        "tab".to_string()
                    } else {
                        format!("'{d}'")
                    };
                    bail!("{label}: the header is one column '{only}'; the file looks separated by {shown}: pass --delimiter {shown}");
                }
            }
            bail!(
                "{label}: no {} column (found: {cols}); pass {} COLUMN",
                role.what(),
                role.flag()
            )
        }
        many => bail!(
            "{label}: several columns could be the {} ({}); pass {} with the one to use",
            role.what(),
            many.join(", "),
            role.flag()
        ),
    }
}

/// `; did you mean 'x'?` for the closest candidate, or nothing (for messages).
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    closest(name, candidates)
        .map(|b| format!("; did you mean '{b}'?"))
        .unwrap_or_default()
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let chars = lower.chars().count();
    let limit = |c: &str| (c.len().max(name.len()) / 2).max(2);
    candidates
        // The distance is at least the difference in length: a candidate that differs by
        // more than the limit is skipped without the quadratic comparison (a 5 MB value
        // would otherwise take minutes).
        .filter(|c| chars.abs_diff(c.chars().count()) <= limit(c))
        .map(|c| (levenshtein(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= limit(c))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn detects_common_names_case_insensitively() {
        let m = resolve(
            "f",
            &cols(&["User_ID", "TS", "Event", "utm_source"]),
            &Default::default(),
        )
        .unwrap();
        assert_eq!(m.customer, "User_ID");
        assert_eq!(m.time, "TS");
        assert_eq!(m.touchpoint, "Event");
        assert_eq!(m.channel, Some(ChannelSource::Column("utm_source".into())));
    }

    #[test]
    fn pm4py_style_names() {
        let m = resolve(
            "log.csv",
            &cols(&["case:concept:name", "concept:name", "time:timestamp"]),
            &Default::default(),
        )
        .unwrap();
        assert_eq!(m.customer, "case:concept:name");
        assert_eq!(m.touchpoint, "concept:name");
        assert_eq!(m.channel, None);
    }

    #[test]
    fn two_candidates_is_an_error_that_lists_them() {
        let err = resolve(
            "e.csv",
            &cols(&["user_id", "time", "timestamp", "event"]),
            &Default::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("time, timestamp") && err.contains("--time"),
            "{err}"
        );
        let err = resolve(
            "e.csv",
            &cols(&["user_id", "ts", "event", "source", "medium"]),
            &Default::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("source, medium") && err.contains("--channel"),
            "{err}"
        );
    }

    #[test]
    fn missing_column_suggests_closest() {
        let req = ColumnRequest {
            time: Some("timestmp".into()),
            ..Default::default()
        };
        let err = resolve("e.csv", &cols(&["user_id", "timestamp", "event"]), &req)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "e.csv: no column 'timestmp' (found: user_id, timestamp, event); did you mean 'timestamp'? pass --time timestamp"
        );
        let err = resolve(
            "e.csv",
            &cols(&["user_id", "when", "event"]),
            &Default::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("no timestamp column (found: user_id, when, event); pass --time COLUMN"),
            "{err}"
        );
    }

    #[test]
    fn spaces_around_header_names_and_delimiter_hint() {
        let m = resolve(
            "f",
            &cols(&["customer_id", " timestamp", " touchpoint "]),
            &Default::default(),
        )
        .unwrap();
        assert_eq!(m.time, " timestamp");
        let req = ColumnRequest {
            touchpoint: Some("touchpoint".into()),
            ..Default::default()
        };
        let m = resolve(
            "f",
            &cols(&["customer_id", " timestamp", " touchpoint "]),
            &req,
        )
        .unwrap();
        assert_eq!(m.touchpoint, " touchpoint ");
        let err = resolve("f.csv", &cols(&["user;ts;event"]), &Default::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("pass --delimiter ';'"), "{err}");
    }

    #[test]
    fn constant_channel_and_explicit_names() {
        let req = ColumnRequest {
            customer: Some("email".into()),
            constant_channel: Some("email".into()),
            ..Default::default()
        };
        let m = resolve("s", &cols(&["email", "sent_at", "ts", "event"]), &req).unwrap();
        assert_eq!(m.customer, "email");
        assert_eq!(m.channel, Some(ChannelSource::Constant("email".into())));
    }
}
