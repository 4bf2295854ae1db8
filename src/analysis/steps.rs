//! Steps as users write them: one step is alternatives separated by `|`, each a value name or
//! `re:REGEX` (`Step`, also `explore`'s anchor); a step list is `a,b,c` or the name of a
//! funnel under `[funnels]` in journeymap.toml (`StepList`: `funnel --steps`, `diff --funnel`
//! and a check's `steps`; `funnel --exclude-step` is a list without named funnels).

use std::collections::BTreeMap;

use anyhow::Result;

use crate::journey::Dictionary;

/// One step: the value ids (at the analysis level) that count as this step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub name: String,
    /// `matches[id]` is true when value `id` counts as this step.
    pub matches: Vec<bool>,
}

impl Step {
    /// A step from its text: alternatives separated by `|`, each a value name or `re:REGEX`
    /// (matched anywhere in the name). Returns the step and the alternatives that match nothing.
    pub fn parse(text: &str, names: &Dictionary) -> anyhow::Result<(Step, Vec<String>)> {
        let mut matches = vec![false; names.len()];
        let mut unmatched = Vec::new();
        for alt in text.split('|').map(str::trim).filter(|a| !a.is_empty()) {
            // Whether this alternative matches a value (also one an earlier one matched).
            let mut hit = false;
            match alt.strip_prefix("re:") {
                Some(pattern) => {
                    let re = regex::Regex::new(pattern).map_err(|e| {
                        anyhow::anyhow!("the pattern '{pattern}' does not compile: {e}")
                    })?;
                    for (id, name) in names.names().enumerate() {
                        if re.is_match(name) {
                            matches[id] = true;
                            hit = true;
                        }
                    }
                }
                None => {
                    if let Some(id) = names.get(alt) {
                        matches[id as usize] = true;
                        hit = true;
                    }
                }
            }
            if !hit {
                unmatched.push(alt.to_string());
            }
        }
        Ok((
            Step {
                name: text.trim().to_string(),
                matches,
            },
            unmatched,
        ))
    }

    #[inline]
    pub(crate) fn hit(&self, v: u32) -> bool {
        self.matches.get(v as usize).copied().unwrap_or(false)
    }
}

/// Checks that every `re:` pattern of one step compiles, before any input is read.
pub fn check_patterns(step: &str) -> Result<()> {
    for pattern in step
        .split('|')
        .filter_map(|alt| alt.trim().strip_prefix("re:"))
    {
        regex::Regex::new(pattern)
            .map_err(|e| anyhow::anyhow!("the pattern '{pattern}' does not compile: {e}"))?;
    }
    Ok(())
}

/// A list of step texts, from a comma-separated text or a funnel named under `[funnels]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepList {
    /// The funnel's name, when the list named one.
    pub name: Option<String>,
    /// Each step's text, trimmed; empty steps are dropped.
    pub steps: Vec<String>,
}

impl StepList {
    /// Reads `a,b,c`, or a single name that `funnels` defines (which stands for its steps).
    /// Every `re:` pattern must compile.
    pub fn parse(text: &str, funnels: &BTreeMap<String, Vec<String>>) -> Result<StepList> {
        StepList::from_items(text.split(',').map(str::to_string).collect(), funnels)
    }

    /// A list already split into steps (a TOML array); one item that `funnels` defines stands
    /// for that funnel's steps.
    pub fn from_items(
        items: Vec<String>,
        funnels: &BTreeMap<String, Vec<String>>,
    ) -> Result<StepList> {
        let items = list_items(items.iter().map(String::as_str));
        let list = match items.as_slice() {
            [one] if funnels.contains_key(one) => StepList {
                name: Some(one.clone()),
                steps: list_items(funnels[one].iter().map(String::as_str)),
            },
            _ => StepList {
                name: None,
                steps: items,
            },
        };
        for step in &list.steps {
            check_patterns(step)?;
        }
        Ok(list)
    }

    /// The steps over these names, and the alternatives that match nothing (for a warning).
    pub fn resolve(&self, names: &Dictionary) -> Result<(Vec<Step>, Vec<String>)> {
        let mut steps = Vec::with_capacity(self.steps.len());
        let mut unmatched = Vec::new();
        for text in &self.steps {
            let (step, missing) = Step::parse(text, names)?;
            steps.push(step);
            unmatched.extend(missing);
        }
        Ok((steps, unmatched))
    }
}

/// Names as written in a list: trimmed, empty ones dropped.
pub fn list_items<'a>(items: impl Iterator<Item = &'a str>) -> Vec<String> {
    items
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn funnels() -> BTreeMap<String, Vec<String>> {
        let mut f = BTreeMap::new();
        f.insert(
            "buy".to_string(),
            vec![" view ".into(), "".into(), "purchase".into()],
        );
        f
    }

    #[test]
    fn lists_and_named_funnels() {
        let f = funnels();
        let l = StepList::parse(" a , b|c,, re:^d ", &f).unwrap();
        assert_eq!(
            (l.name, l.steps),
            (None, vec!["a".into(), "b|c".into(), "re:^d".into()])
        );
        let l = StepList::parse(" buy ", &f).unwrap();
        assert_eq!(l.name.as_deref(), Some("buy"));
        assert_eq!(l.steps, ["view", "purchase"]);
        let l = StepList::from_items(vec!["buy".into()], &f).unwrap();
        assert_eq!(l.steps, ["view", "purchase"]);
        // A name next to other steps is a step, not the funnel.
        assert_eq!(StepList::parse("buy,x", &f).unwrap().steps, ["buy", "x"]);
        assert!(StepList::parse(",", &f).unwrap().steps.is_empty());
        let e = StepList::parse("a,re:(", &f).unwrap_err().to_string();
        assert!(e.starts_with("the pattern '(' does not compile"), "{e}");
    }
}
