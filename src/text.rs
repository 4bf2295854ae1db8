//! Words and numbers for people that every layer may use: counts with their nouns in the right
//! number, counts with thousands separators, text from the data made safe to show.

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

/// The longest value, in characters, that a message quotes whole.
pub const EXCERPT_CHARS: usize = 60;

/// A value from the data as a message quotes it: control characters and line breaks escaped,
/// and a long value cut to its first [`EXCERPT_CHARS`] characters with its size after it.
pub fn excerpt(value: &str) -> String {
    let escaped = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '\n' => "\\n".to_string(),
                '\t' => "\\t".to_string(),
                c => visible(c.encode_utf8(&mut [0; 4])).into_owned(),
            })
            .collect()
    };
    match value.char_indices().nth(EXCERPT_CHARS) {
        None => escaped(value),
        Some((cut, _)) => format!(
            "{}… ({} bytes in all)",
            escaped(&value[..cut]),
            count(value.len() as u64)
        ),
    }
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
    fn excerpts_are_short_and_on_one_line() {
        assert_eq!(super::excerpt("a\nb\tc\u{7}"), "a\\nb\\tc\\x07");
        let long = "x".repeat(100_000);
        let e = super::excerpt(&long);
        assert_eq!(e, format!("{}… (100,000 bytes in all)", "x".repeat(60)));
        let short = "é".repeat(60);
        assert_eq!(super::excerpt(&short), short);
    }

    #[test]
    fn nouns_follow_the_count() {
        assert_eq!(super::counted(1, "row", "rows"), "1 row");
        assert_eq!(super::counted(0, "row", "rows"), "0 rows");
        assert_eq!(super::counted(2, "row has", "rows have"), "2 rows have");
    }
}
