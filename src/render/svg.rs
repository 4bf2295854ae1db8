//! SVG written by journeymap itself (no Graphviz): escaping, a deterministic estimate of text
//! widths (so that boxes and labels are laid out without a font engine), and a small document
//! builder in the house style.
//!
//! Every name in a drawing is data from someone's log: it goes through [`escape`], which turns
//! control characters into visible escapes and XML's special characters into entities, so a
//! name is always text, never markup.

use std::fmt::Write as _;

/// Font size of labels, in px.
pub const FONT: f64 = 12.0;
/// Font size of small print (captions, column heads), in px.
pub const SMALL: f64 = 11.0;
/// The longest label drawn, in characters; longer names are cut with `…` (the tooltip has
/// them whole).
pub const MAX_LABEL_CHARS: usize = 36;

/// `text` as XML text or attribute content: `&`, `<`, `>`, `"` and `'` as entities, control
/// characters as visible escapes (`\x01`), so that hostile names stay text.
pub fn escape(text: &str) -> String {
    let visible = crate::text::visible(text);
    let mut out = String::with_capacity(visible.len() + 8);
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push(' '),
            '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The width of one character in em (of a sans-serif font such as DejaVu Sans, Arial or
/// Helvetica), rounded up: narrow letters, wide letters, capitals and digits, and a full em for
/// characters outside Latin (CJK and emoji are about that wide).
fn char_em(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' => 0.34,
        'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '-' => 0.45,
        'm' | 'w' | 'M' | 'W' | '%' | '@' => 1.05,
        'A'..='Z' => 0.74,
        '0'..='9' => 0.64,
        c if c.is_ascii() => 0.62,
        c if (c as u32) < 0x2E80 => 0.75,
        _ => 1.05,
    }
}

/// The estimated width of `text` at `font_px`, a little wider than browsers draw it (the
/// layout leaves room rather than let labels overlap).
pub fn text_width(text: &str, font_px: f64) -> f64 {
    text.chars().map(char_em).sum::<f64>() * font_px
}

/// Font size of a drawing's title, in px (the `title` class).
pub const TITLE: f64 = 14.0;

/// How wide a drawing must be for its title and its caption lines (small print), with
/// `margin` on both sides.
pub fn text_block_width(title: &str, caption: &[String], margin: f64) -> f64 {
    caption
        .iter()
        .map(|l| text_width(l, SMALL))
        .chain(std::iter::once(text_width(title, TITLE)))
        .fold(0.0, f64::max)
        + 2.0 * margin
}

/// `text` cut to at most `max` characters, ending in `…` when cut.
pub fn fit(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((cut, _)) if text.chars().count() > max => format!("{}…", &text[..cut]),
        _ => text.to_string(),
    }
}

/// A number as SVG coordinates take it: at most 1 decimal, no `-0`.
pub fn num(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".to_string()
    } else if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// A whole SVG document, written element by element.
pub struct Svg {
    width: f64,
    height: f64,
    body: String,
}

/// The house style: one sans-serif font, grey lines, labels that stay legible in greyscale.
const STYLE: &str = "text{font-family:'DejaVu Sans',Arial,Helvetica,'Noto Sans CJK JP','Noto Sans',sans-serif;fill:#1a1a1a}\
.small{font-size:11px;fill:#444}.head{font-size:11px;font-weight:bold;fill:#333}\
.title{font-size:14px;font-weight:bold}.label{font-size:12px}\
.halo{paint-order:stroke;stroke:#ffffff;stroke-width:3px;stroke-linejoin:round;stroke-opacity:0.85}";

impl Svg {
    pub fn new(width: f64, height: f64) -> Svg {
        Svg {
            width: width.ceil(),
            height: height.ceil(),
            body: String::new(),
        }
    }

    /// A raw element (already escaped by the caller).
    pub fn raw(&mut self, element: &str) {
        self.body.push_str(element);
        self.body.push('\n');
    }

    /// Text at (x, y) (the baseline), with a class and an anchor (`start`, `middle`, `end`).
    pub fn text(&mut self, x: f64, y: f64, class: &str, anchor: &str, text: &str) {
        let _ = writeln!(
            self.body,
            "<text x=\"{}\" y=\"{}\" class=\"{class}\" text-anchor=\"{anchor}\">{}</text>",
            num(x),
            num(y),
            escape(text)
        );
    }

    /// The document: `title` for screen readers and the browser's tab, `desc` for the
    /// numbers' meaning; hatching for conversions in `<defs>`.
    pub fn finish(self, title: &str, desc: &str) -> String {
        let mut out = String::with_capacity(self.body.len() + 1024);
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"jm-title jm-desc\">",
            w = num(self.width),
            h = num(self.height)
        );
        let _ = writeln!(out, "<title id=\"jm-title\">{}</title>", escape(title));
        let _ = writeln!(out, "<desc id=\"jm-desc\">{}</desc>", escape(desc));
        let _ = writeln!(out, "<style>{STYLE}</style>");
        out.push_str(
            "<defs><pattern id=\"jm-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#3b3b3b\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#9a9a9a\" stroke-width=\"2\"/></pattern></defs>\n",
        );
        let _ = writeln!(
            out,
            "<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
            num(self.width),
            num(self.height)
        );
        out.push_str(&self.body);
        out.push_str("</svg>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_stay_text() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        // Control characters are shown, not passed on (XML 1.0 forbids most of them).
        assert_eq!(escape("a\u{1}b\u{7f}"), "a\\x01b\\x7f");
        assert_eq!(escape("]]>"), "]]&gt;");
    }

    #[test]
    fn widths_cuts_and_numbers() {
        assert!(text_width("mmmm", FONT) > text_width("iiii", FONT) * 2.0);
        assert!(text_width("購入", FONT) >= 2.0 * FONT);
        assert_eq!(fit("checkout", 20), "checkout");
        assert_eq!(fit("abcdefghij", 5), "abcd…");
        assert_eq!(fit("购物车结账页面", 3), "购物…");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.34), "12.3");
    }
}
