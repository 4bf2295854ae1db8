//! Words for people that every layer may use: counts with their nouns in the right number.

/// `1 row`, `2 rows`: a count with its noun in the right number.
pub fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    #[test]
    fn nouns_follow_the_count() {
        assert_eq!(super::counted(1, "row", "rows"), "1 row");
        assert_eq!(super::counted(0, "row", "rows"), "0 rows");
        assert_eq!(super::counted(2, "row has", "rows have"), "2 rows have");
    }
}
