//! Every graph-shaped output renders in Graphviz without warnings, and labels stay labels.

use crate::common;
use common::*;

fn render(dot_text: &str) -> Option<String> {
    render_dot(dot_text)
}

/// Whether some node's label has this first line.
fn has_label(g: &DotGraph, first_line: &str) -> bool {
    g.labels()
        .iter()
        .any(|l| l.lines().next() == Some(first_line))
}

#[test]
fn every_graph_shaped_command_renders() {
    let shop = format!("{}/examples/shop.csv", env!("CARGO_MANIFEST_DIR"));
    let cases: Vec<Vec<&str>> = vec![
        vec!["graph", &shop],
        vec![
            "graph",
            &shop,
            "--conversion",
            "purchase",
            "--session-gap",
            "30m",
            "--edge-label",
            "median-time",
        ],
        vec![
            "graph",
            &shop,
            "--max-nodes",
            "8",
            "--rankdir",
            "TB",
            "--edge-label",
            "p_out",
        ],
        vec!["transitions", &shop, "--edge-label", "share"],
        vec!["transitions", &shop, "--collapse-repeats", "--no-self"],
        vec![
            "explore",
            &shop,
            "--from",
            "product_view",
            "--session-gap",
            "30m",
        ],
        vec![
            "explore",
            &shop,
            "--to",
            "purchase",
            "--depth",
            "3",
            "--rankdir",
            "TB",
        ],
        vec![
            "explore",
            &shop,
            "--from",
            "home",
            "--conversion",
            "purchase",
        ],
    ];
    for args in cases {
        let mut a = args.clone();
        a.extend(["-f", "dot"]);
        let text = jm(&a).ok().stdout;
        assert!(text.starts_with("// journeymap "), "{text}");
        render(&text);
    }
}

#[test]
fn explore_draws_one_rank_per_position_with_hostile_labels() {
    let evil = data("evil.csv");
    let first = jm(&["inspect", &evil, "-f", "json"]).ok().json();
    let name = first["touchpoints"][0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    for dir in ["--from", "--to"] {
        let text = jm(&["explore", &evil, dir, &name, "-f", "dot"]).ok().stdout;
        render(&text);
        assert!(has_label(&parse_dot(&text), &name), "{text}");
        assert!(text.contains("{ rank=same; p0_0; }"), "{text}");
        assert!(!text.contains("\n  evil"), "{text}");
    }
    let text = jm(&["explore", &evil, "--from", &name, "-f", "mermaid"])
        .ok()
        .stdout;
    assert!(text.lines().nth(1).unwrap().starts_with("flowchart LR"));
    assert!(!text.contains("[label=\"x"), "{text}");
}

#[test]
fn hostile_labels_stay_labels() {
    let evil = data("evil.csv");
    let text = jm(&["graph", &evil, "-f", "dot"]).ok().stdout;
    // The touchpoints come out as labels, not as DOT: no node named "evil" exists.
    let g = parse_dot(&text);
    assert!(has_label(&g, r#""]; evil [label="x"#), "{g:?}");
    assert!(has_label(&g, "back\\slash"), "{g:?}");
    assert!(
        g.labels().iter().any(|l| l.starts_with("line\nbreak\n")),
        "{g:?}"
    );
    assert!(has_label(&g, "café # ünïcode & <b>|pipe|</b>"), "{g:?}");
    assert!(!g.nodes.contains_key("evil"), "{g:?}");
    assert!(!text.contains("\n  evil"), "{text}");
    if let Some(svg) = render(&text) {
        assert!(svg.contains("&quot;]; evil [label=&quot;x"), "{svg}");
        assert!(svg.contains("back\\slash"));
        assert!(svg.contains("café # ünïcode &amp; &lt;b&gt;|pipe|&lt;/b&gt;"));
    }
    let text = jm(&["transitions", &evil, "-f", "dot"]).ok().stdout;
    let g = parse_dot(&text);
    assert!(has_label(&g, "e-mail <promo>"), "{g:?}");
    if let Some(svg) = render(&text) {
        // (Graphviz writes the hyphen as &#45;)
        assert!(svg.contains("mail &lt;promo&gt;"), "{svg}");
    }
}

#[test]
fn mermaid_is_escaped_and_avoids_reserved_ids() {
    let text = jm(&["graph", &data("evil.csv"), "-f", "mermaid"])
        .ok()
        .stdout;
    assert!(text.lines().nth(1).unwrap().starts_with("flowchart LR"));
    for line in text.lines().filter(|l| l.contains("[\"")) {
        let label = &line[line.find("[\"").unwrap() + 2..line.rfind("\"]").unwrap()];
        assert!(
            !label.contains('"') && !label.contains('<') || label.contains("<br/>"),
            "{line}"
        );
        assert!(!label.replace("<br/>", "").contains('<'), "{line}");
    }
    assert!(text.contains("#quot;]; evil [label=#quot;x"));
    // `end` is a Mermaid keyword: the (end) node has another id.
    assert!(
        !text.lines().any(|l| l.trim_start().starts_with("end")),
        "{text}"
    );
    assert!(text.contains("n_end([\"(end)<br/>2 journeys\"])"));
}

#[test]
fn stages_draw_their_columns_with_hostile_names_as_labels() {
    let dir = scratch("dot_stages");
    let toml = dir.join("journeymap.toml");
    // A stage named like DOT and Mermaid markup, holding every touchpoint of evil.csv.
    std::fs::write(
        &toml,
        "[stages]\n'\"]; evil [label=\"x' = [\"re:^[^b]\"]\n\"%%{init: {}}%% <b>\" = [\"re:.\"]\n",
    )
    .unwrap();
    let toml = toml.display().to_string();
    let evil = data("evil.csv");
    let text = jm(&["stages", &evil, "--config", &toml, "-f", "dot"])
        .ok()
        .stdout;
    let g = parse_dot(&text);
    assert!(has_label(&g, r#""]; evil [label="x"#), "{text}");
    assert!(has_label(&g, "%%{init: {}}%% <b>"), "{text}");
    assert!(!g.nodes.contains_key("evil"), "{g:?}");
    // Columns in stage order: an invisible chain from (start) through the stages to (end).
    assert!(
        text.contains("start -> s0 -> s1 -> end [style=invis, weight=100];"),
        "{text}"
    );
    render(&text);
    let text = jm(&["stages", &evil, "--config", &toml, "-f", "mermaid"])
        .ok()
        .stdout;
    assert!(!text.contains("%%{init"), "{text}");
    assert!(
        text.contains("#37;#37;{init: {}}#37;#37; #lt;b#gt;"),
        "{text}"
    );
}

/// Pruning never hides a conversion touchpoint or a `--keep` value, never leaves a shown value
/// without a way out, and says inside the picture what it hid (metrics.md, Pruning big graphs).
#[test]
fn pruned_drawings_keep_conversions_and_ways_out() {
    let shop = "examples/shop.csv";
    let v = jm(&[
        "graph",
        shop,
        "--conversion",
        "purchase",
        "--max-nodes",
        "5",
        "--top-edges",
        "5",
        "--keep",
        "returns",
        "-f",
        "json",
    ])
    .ok()
    .json();
    let names: Vec<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    // purchase is 24th by events and returns rarer still: both shown, beside the top 5.
    assert!(
        names.contains(&"purchase") && names.contains(&"returns"),
        "{names:?}"
    );
    let edges = v["edges"].as_array().unwrap();
    assert!(
        edges.len() > 5,
        "ways out are shown again beyond --top-edges 5"
    );
    for n in v["nodes"].as_array().unwrap() {
        if n["kind"] != "value" && n["kind"] != "other" {
            continue;
        }
        let name = n["name"].as_str().unwrap();
        assert!(
            edges.iter().any(|e| e["from"] == name && e["to"] != name),
            "{name} has no way out"
        );
        assert!(
            edges.iter().any(|e| e["to"] == name),
            "{name} has no way in"
        );
    }
    // The drawing says what was hidden, under the picture.
    let dot = jm(&["graph", shop, "--conversion", "purchase", "-f", "dot"])
        .ok()
        .stdout;
    assert!(dot.contains("labelloc=b"), "{dot}");
    assert!(
        dot.contains("label=\"readable default for drawings"),
        "{dot}"
    );
    assert!(dot.contains("purchase"), "{dot}");
    render_dot(&dot);
    let mermaid = jm(&["graph", shop, "--conversion", "purchase", "-f", "mermaid"])
        .ok()
        .stdout;
    assert!(
        mermaid.contains("caption[\"readable default for drawings"),
        "{mermaid}"
    );
}
