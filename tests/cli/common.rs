//! Shared helpers for the integration tests: run the built binary and look at what it did.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What one run of the binary did.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }

    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        self
    }
}

pub fn data(name: &str) -> String {
    format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_journeymap"))
}

/// Runs journeymap with these arguments in `dir`, with `stdin` as standard input.
pub fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary starts");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// Runs journeymap in the repository's directory.
/// A CSV's rows, each by column name.
pub fn csv_records(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// A `paths` JSON row's path as text, `a > b`.
pub fn path_text(row: &serde_json::Value) -> String {
    row["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" > ")
}

/// testdata's ab_a.csv and ab_b.csv as one file in `dir` (testdata/README.md): segment a then b.
pub fn ab_in_one(dir: &Path) -> String {
    let both = dir.join("ab.csv");
    let a = std::fs::read_to_string(data("ab_a.csv")).unwrap();
    let b = std::fs::read_to_string(data("ab_b.csv")).unwrap();
    std::fs::write(&both, format!("{a}{}", b.split_once('\n').unwrap().1)).unwrap();
    both.display().to_string()
}

pub fn jm(args: &[&str]) -> Run {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, None)
}

/// A fresh empty directory under the target directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A DOT drawing as a DOT parser reads it: node id -> attributes, and the edges with theirs.
/// Attribute values are unescaped the way Graphviz reads a quoted string (`\"`, `\\`, `\n`,
/// `&amp;`), so a test compares labels with the names they came from.
#[derive(Debug, Default)]
pub struct DotGraph {
    pub nodes: BTreeMap<String, BTreeMap<String, String>>,
    pub edges: Vec<(String, String, BTreeMap<String, String>)>,
}

impl DotGraph {
    /// The label of every node, in node-id order.
    pub fn labels(&self) -> Vec<String> {
        self.nodes
            .values()
            .filter_map(|a| a.get("label").cloned())
            .collect()
    }
}

fn unescape_dot(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') | Some('l') | Some('r') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out.replace("&amp;", "&")
}

/// Parses DOT text with a DOT parser (the whole text, exactly one graph); fails the test on a
/// syntax error. This runs on every machine; [`render_dot`] adds Graphviz where it is installed.
pub fn parse_dot(dot_text: &str) -> DotGraph {
    use dot_parser::ast;
    let graphs = ast::Graphs::try_from(dot_text)
        .unwrap_or_else(|e| panic!("not valid DOT: {e}\n{dot_text}"));
    assert_eq!(graphs.graphs.len(), 1, "one graph expected:\n{dot_text}");
    let graph = graphs.graphs.into_iter().next().unwrap();
    let mut out = DotGraph::default();
    collect(graph.stmts, &mut out);
    out.edges.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out
}

type DotAttrs<'a> =
    Option<dot_parser::ast::AttrList<(dot_parser::ast::ID<'a>, dot_parser::ast::ID<'a>)>>;

fn attributes(list: DotAttrs) -> BTreeMap<String, String> {
    list.into_iter()
        .flat_map(|l| l.elems)
        .flat_map(|a| a.elems)
        .map(|(k, v)| {
            let (k, v): (String, String) = (k.into(), v.into());
            (k, unescape_dot(&v))
        })
        .collect()
}

/// Walks the statements (subgraphs included): node statements add to a node's attributes,
/// edge statements (chains too) add edges.
fn collect(
    stmts: dot_parser::ast::StmtList<(dot_parser::ast::ID, dot_parser::ast::ID)>,
    out: &mut DotGraph,
) {
    use dot_parser::ast::either::Either;
    use dot_parser::ast::Stmt;
    let endpoint = |e: Either<dot_parser::ast::NodeID, _>| match e {
        Either::Left(n) => n.id,
        Either::Right(_) => panic!("journeymap draws no edges to subgraphs"),
    };
    for stmt in stmts.stmts {
        match stmt {
            Stmt::NodeStmt(n) => out
                .nodes
                .entry(n.node.id)
                .or_default()
                .extend(attributes(n.attr)),
            Stmt::EdgeStmt(e) => {
                let attrs = attributes(e.attr);
                let mut from = endpoint(e.from);
                let mut next = Some(Box::new(e.next));
                while let Some(rhs) = next {
                    let to = endpoint(rhs.to);
                    out.nodes.entry(from.clone()).or_default();
                    out.nodes.entry(to.clone()).or_default();
                    out.edges.push((from, to.clone(), attrs.clone()));
                    from = to;
                    next = rhs.next;
                }
            }
            Stmt::Subgraph(g) => collect(g.stmts, out),
            Stmt::AttrStmt(_) | Stmt::IDEq(..) => {}
        }
    }
}

/// Whether the Graphviz renders must run: `JOURNEYMAP_REQUIRE_GRAPHVIZ=1` (set by `.ci/run`).
fn graphviz_required() -> bool {
    std::env::var("JOURNEYMAP_REQUIRE_GRAPHVIZ").is_ok_and(|v| v == "1")
}

/// Checks DOT text with the parser, then renders it with Graphviz `dot -Tsvg` and returns the
/// SVG, failing on any warning. Where `dot` is not installed the render is skipped (`None`)
/// with one line on stderr, unless `JOURNEYMAP_REQUIRE_GRAPHVIZ=1` makes it a failure.
pub fn render_dot(dot_text: &str) -> Option<String> {
    parse_dot(dot_text);
    let spawned = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !graphviz_required() => {
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                // Written to stderr directly: the test harness captures only print macros.
                let _ = writeln!(
                    std::io::stderr(),
                    "note: Graphviz `dot` is not installed, so the DOT outputs were parsed but not rendered; install graphviz, or run with JOURNEYMAP_REQUIRE_GRAPHVIZ=1 to make that a failure"
                );
            });
            return None;
        }
        Err(e) => panic!("cannot run Graphviz `dot` ({e}); .ci/run installs it"),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot_text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.is_empty(),
        "dot failed or warned: {stderr}\n{dot_text}"
    );
    Some(String::from_utf8(out.stdout).unwrap())
}
