//! Cleaning rules, applied in this order: `--rename` (first matching rule wins), `--exclude`,
//! then `--from`/`--to`. `--where` is applied while loading.

use anyhow::{anyhow, Result};
use regex::Regex;
use serde::Serialize;

use super::Dictionary;
use crate::input::EventTable;

/// The cleaning rules in force.
#[derive(Clone, Debug, Default)]
pub struct CleanRules {
    pub rename: Vec<(Regex, String)>,
    pub exclude: Vec<String>,
    /// Keep events at or after this instant (ns).
    pub from: Option<i64>,
    /// Keep events at or before this instant (ns).
    pub to: Option<i64>,
}

/// What cleaning did.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct CleanSummary {
    /// Distinct touchpoint names changed by `--rename`.
    pub renamed_names: usize,
    pub excluded_events: u64,
    pub out_of_range_events: u64,
}

/// Parses a `--rename 'REGEX=ALIAS'` rule (split at the last `=`).
pub fn parse_rename(rule: &str) -> Result<(Regex, String)> {
    let (pattern, alias) = rule.rsplit_once('=').ok_or_else(|| {
        anyhow!("--rename '{rule}' needs the form REGEX=ALIAS, like '/product/\\d+=product'")
    })?;
    let re = Regex::new(pattern).map_err(|e| {
        // The regex error spans several lines (the pattern, a caret, the reason): one line.
        let reason = e
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        anyhow!("--rename '{rule}': the pattern '{pattern}' does not compile: {reason}")
    })?;
    if alias.is_empty() {
        anyhow::bail!(
            "--rename '{rule}' renames to an empty name, which no event may have; to drop those events, rename them to one name and --exclude it"
        );
    }
    Ok((re, alias.to_string()))
}

/// Applies the rules to the table in place.
pub fn apply(table: &mut EventTable, rules: &CleanRules) -> CleanSummary {
    let mut summary = CleanSummary::default();
    if !rules.rename.is_empty() {
        let mut renamed = Dictionary::new();
        let mut remap = Vec::with_capacity(table.touchpoints.len());
        for name in table.touchpoints.names() {
            let new = rules.rename.iter().find_map(|(re, alias)| {
                re.captures(name).map(|caps| {
                    let mut out = String::new();
                    caps.expand(alias, &mut out);
                    out
                })
            });
            if new.as_deref().is_some_and(|n| n != name) {
                summary.renamed_names += 1;
            }
            remap.push(renamed.intern(new.as_deref().unwrap_or(name)));
        }
        for t in table.touchpoint.iter_mut() {
            *t = remap[*t as usize];
        }
        table.touchpoints = renamed;
    }
    let mut excluded = vec![false; table.touchpoints.len()];
    for name in &rules.exclude {
        if let Some(id) = table.touchpoints.get(name) {
            excluded[id as usize] = true;
        }
    }
    if excluded.iter().any(|e| *e) || rules.from.is_some() || rules.to.is_some() {
        let (from, to) = (rules.from.unwrap_or(i64::MIN), rules.to.unwrap_or(i64::MAX));
        let keep: Vec<bool> = (0..table.len())
            .map(|i| {
                if excluded[table.touchpoint[i] as usize] {
                    summary.excluded_events += 1;
                    false
                } else if table.time[i] < from || table.time[i] > to {
                    summary.out_of_range_events += 1;
                    false
                } else {
                    true
                }
            })
            .collect();
        retain(table, &keep);
    }
    summary
}

fn retain(table: &mut EventTable, keep: &[bool]) {
    fn filter<T: Copy>(v: &mut Vec<T>, keep: &[bool]) {
        if v.is_empty() {
            return;
        }
        let mut w = 0;
        for r in 0..v.len() {
            if keep[r] {
                v[w] = v[r];
                w += 1;
            }
        }
        v.truncate(w);
    }
    filter(&mut table.customer, keep);
    filter(&mut table.time, keep);
    filter(&mut table.touchpoint, keep);
    filter(&mut table.channel, keep);
    filter(&mut table.converted, keep);
    filter(&mut table.row, keep);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(names: &[&str]) -> EventTable {
        let mut t = EventTable::default();
        for (i, n) in names.iter().enumerate() {
            t.customer.push(t.customers.intern("u"));
            t.time.push(i as i64 * 1_000_000_000);
            t.touchpoint.push(t.touchpoints.intern(n));
            t.row.push(i as u32);
        }
        t
    }

    fn names(t: &EventTable) -> Vec<&str> {
        t.touchpoint
            .iter()
            .map(|id| t.touchpoints.name(*id))
            .collect()
    }

    #[test]
    fn rename_first_match_wins_then_exclude() {
        let mut t = table(&["/product/12", "/product/7", "/cart", "/blog/x"]);
        let rules = CleanRules {
            rename: vec![
                parse_rename(r"^/product/\d+=product").unwrap(),
                parse_rename(r"^/(\w+)=page_$1").unwrap(),
                parse_rename(r"cart=never").unwrap(),
            ],
            exclude: vec!["page_blog".into()],
            ..Default::default()
        };
        let s = apply(&mut t, &rules);
        assert_eq!(names(&t), vec!["product", "product", "page_cart"]);
        assert_eq!(s.renamed_names, 4);
        assert_eq!(s.excluded_events, 1);
        assert_eq!(t.row, vec![0, 1, 2]);
    }

    #[test]
    fn time_range_is_inclusive() {
        let mut t = table(&["a", "b", "c", "d"]);
        let rules = CleanRules {
            from: Some(1_000_000_000),
            to: Some(2_000_000_000),
            ..Default::default()
        };
        let s = apply(&mut t, &rules);
        assert_eq!(names(&t), vec!["b", "c"]);
        assert_eq!(s.out_of_range_events, 2);
    }

    #[test]
    fn bad_rules_are_clear_errors() {
        let err = parse_rename("([a-z]=x").unwrap_err().to_string();
        assert!(err.contains("does not compile"), "{err}");
        assert!(!err.contains('\n'), "{err}");
        assert!(parse_rename("no-equals-sign").is_err());
        let err = parse_rename("home=").unwrap_err().to_string();
        assert!(err.contains("renames to an empty name"), "{err}");
    }
}
