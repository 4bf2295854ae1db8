//! Words and numbers for people that every layer may use: counts with their nouns in the right
//! number, counts with thousands separators.

/// `1 row`, `2 rows`: a count with its noun in the right number.
pub fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Formats a count with thousands separators for tables: `1,234,567`.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Text from the data made safe for a terminal: control characters (ESC, BEL, NUL, ...) are
/// shown escaped (`\x1b`) instead of reaching the terminal, which would act on them (retitle
/// it, clear it). Line breaks and tabs stay: a table cell may hold several lines.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let shown = |c: char| !c.is_control() || c == '\n' || c == '\t';
    if text.chars().all(shown) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if shown(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(
            super::visible("\u{1b}]0;PWNED\u{7}\u{1b}[2J"),
            "\\x1b]0;PWNED\\x07\\x1b[2J"
        );
        assert_eq!(super::visible("a\u{0}b\u{9b}c"), "a\\x00b\\x9bc");
        assert_eq!(super::visible("two\nlines\tand tab"), "two\nlines\tand tab");
        assert_eq!(super::visible("café"), "café");
    }

    #[test]
    fn nouns_follow_the_count() {
        assert_eq!(super::counted(1, "row", "rows"), "1 row");
        assert_eq!(super::counted(0, "row", "rows"), "0 rows");
        assert_eq!(super::counted(2, "row has", "rows have"), "2 rows have");
    }
}
