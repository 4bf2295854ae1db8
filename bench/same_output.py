#!/usr/bin/env python3
"""Do two journeymap binaries write the same bytes?

Runs every command in every format it writes, with the options that change its output, on
testdata/, examples/ and a generated log (1M events by default), once with each binary, and
compares stdout, stderr and the exit code byte for byte. A refactoring keeps all of them equal;
a deliberate change shows up as a list of the runs that differ.

    python3 bench/same_output.py OLD_BINARY NEW_BINARY [--events 1000000] [--keep DIR]

The generated log is made by OLD_BINARY (`generate --seed 1`) into bench-data/. Exit 0 when
every run is the same, 1 when one differs.
"""

import argparse
import os
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def cases(big):
    """(name, arguments) for every run; paths are relative to the repository."""
    shop = "examples/shop.csv"
    tiny = "testdata/tiny.csv"
    evil = "testdata/evil.csv"
    attr = "testdata/attribution.csv"
    ci = "examples/ci/journeymap.toml"
    sg = ["--session-gap", "30m"]
    conv = ["--conversion", "purchase"]
    fmt = {
        "inspect": ["table", "json", "md"],
        "paths": ["table", "csv", "json", "md"],
        "graph": ["table", "csv", "json", "md", "dot", "mermaid"],
        "dropoff": ["table", "csv", "json", "md"],
        "funnel": ["table", "csv", "json", "md"],
        "explore": ["table", "csv", "json", "md", "dot", "mermaid"],
        "steps": ["table", "csv", "json", "md"],
        "transitions": ["table", "csv", "json", "md", "dot", "mermaid"],
        "attribution": ["table", "csv", "json", "md"],
        "check": ["table", "json", "junit", "github"],
        "diff": ["table", "csv", "json", "md", "dot"],
    }
    funnel4 = ["--steps", "product_view,add_to_cart,checkout,purchase"]
    runs = {
        "inspect": [
            [shop] + sg + conv,
            [tiny, "--converted-col", "converted"],
            [evil],
            ["testdata/multi/web.csv", "testdata/multi/email.csv"],
            ["testdata/tiny.parquet", "--level", "channel"],
            ["testdata/tiny_hive"],
            ["testdata/tiny.jsonl"],
            ["testdata/ties.csv", "--collapse-repeats"],
            ["testdata/mixed_offsets.csv", "--tz", "Europe/Berlin"],
        ],
        "paths": [
            [shop] + sg + conv + ["--top", "10", "--other"],
            [shop, "--max-steps", "3", "--min-count", "5"],
            [shop] + sg + ["--starting-at", "home", "--ending-at", "checkout"],
            [tiny, "--converted-col", "converted", "--collapse-repeats"],
            [evil],
        ],
        "graph": [
            [shop] + sg + conv,
            [shop, "--max-nodes", "8", "--edge-label", "p_out", "--rankdir", "TB"],
            [shop, "--min-share", "0.02", "--edge-label", "median-time"],
            [tiny] + conv,
            [evil],
        ],
        "dropoff": [[shop] + sg + conv, [shop], [tiny, "--level", "channel"] + conv],
        "funnel": [
            [shop] + sg + funnel4,
            [shop] + sg + funnel4 + ["--order", "strict", "--window", "1d", "--bins", "5"],
            [shop] + sg + funnel4 + ["--breakdown", "channel", "--top-values", "3"],
            [shop] + sg + funnel4 + ["--dropped-at", "3"],
            [shop] + sg + ["--steps", "home|search,re:^product_,purchase", "--order", "any"],
            [shop, "--config", ci, "--steps", "checkout", "--exclude-step", "help_center"],
        ],
        "explore": [
            [shop] + sg + conv + ["--from", "add_to_cart", "--depth", "3"],
            [shop] + sg + ["--to", "purchase", "--per-step", "3", "--rankdir", "TB"],
            [evil, "--from", "back\\slash"],
        ],
        "steps": [
            [shop] + sg + ["--max-steps", "5"],
            [shop] + sg + ["--compare", "channel=email,direct", "--threshold", "0.1"],
        ],
        "transitions": [
            [shop, "--collapse-repeats", "--normalize", "row"],
            [shop, "--no-self", "--edge-label", "share"],
            [evil],
        ],
        "attribution": [
            [shop] + conv + ["--split-on-conversion", "--collapse-repeats"],
            [shop] + conv + ["--value-col", "revenue", "--lookback", "14d", "--half-life", "3d"],
            [shop] + conv + ["--model", "markov", "--order", "2", "--transitions"],
            [attr] + conv + ["--value-col", "revenue"],
            [shop, "--converted-col", "converted", "--level", "touchpoint"],
        ],
        "check": [
            [shop, "--config", ci],
            [shop, "--config", ci, "--baseline", "bench-data/same_baseline.json"],
            [shop, "--config", "testdata/multi/journeymap.toml", "--checks", "bench/checks.toml"],
        ],
        "diff": [
            [shop, "--before", "2026-02-15"] + sg + conv + ["--top", "5"],
            [shop, "--split", "channel=email,direct", "--funnel", "product_view,add_to_cart,purchase", "--min-change", "0.02"],
            ["testdata/ab_a.csv", "testdata/ab_b.csv"] + conv + ["--funnel", "home,product_view,purchase"],
        ],
    }
    out = []
    for command, arg_sets in runs.items():
        for i, args in enumerate(arg_sets):
            for f in fmt[command]:
                out.append((f"{command}-{i}-{f}", [command] + args + ["-f", f]))
    out.append(("generate", ["generate", "--events", "2000", "--seed", "3"]))
    out.append(("help", ["--help"]))
    for command in list(fmt) + ["generate"]:
        out.append((f"help-{command}", [command, "--help"]))
    out.append(("usage-no-steps", ["funnel", shop, "--steps", ","]))
    out.append(("error-missing-column", ["paths", "testdata/bad/missing_column.csv"]))
    out.append(("error-bad-timestamp", ["inspect", "testdata/bad/bad_timestamp.csv", "-f", "json"]))
    if big:
        for command, extra in [
            ("inspect", []),
            ("paths", sg + conv + ["--top", "50"]),
            ("graph", conv),
            ("dropoff", conv),
            ("funnel", sg + funnel4 + ["--breakdown", "channel"]),
            ("explore", conv + ["--from", "add_to_cart", "--depth", "4"]),
            ("steps", []),
            ("transitions", ["--collapse-repeats"]),
            ("attribution", conv + ["--split-on-conversion", "--value-col", "revenue"]),
            ("diff", ["--before", "2026-02-15"] + sg + conv),
        ]:
            for f in ["table", "json"]:
                out.append((f"big-{command}-{f}", [command, big] + extra + ["-f", f]))
        out.append(("big-check", ["check", big, "--checks", "bench/checks.toml", "-f", "json"]))
    return out


def run(binary, args):
    p = subprocess.run([binary] + args, cwd=ROOT, capture_output=True, env=dict(os.environ, NO_COLOR="1"))
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--events", type=int, default=1_000_000, help="generated events (0: none)")
    ap.add_argument("--keep", help="write each differing run's outputs into this directory")
    a = ap.parse_args()
    # Each binary is run through a link named journeymap, so that --help says the same name.
    links = tempfile.mkdtemp(prefix="same-output-")
    old, new = os.path.join(links, "old", "journeymap"), os.path.join(links, "new", "journeymap")
    for link, target in ((old, a.old), (new, a.new)):
        os.makedirs(os.path.dirname(link))
        os.symlink(os.path.abspath(target), link)
    big = None
    if a.events:
        os.makedirs(os.path.join(ROOT, "bench-data"), exist_ok=True)
        big = f"bench-data/same_{a.events}.parquet"
        if not os.path.exists(os.path.join(ROOT, big)):
            subprocess.run([old, "generate", "--events", str(a.events), "--seed", "1", "-o", big], cwd=ROOT, check=True)
    os.makedirs(os.path.join(ROOT, "bench-data"), exist_ok=True)
    subprocess.run([old, "check", "examples/shop.csv", "--config", "examples/ci/journeymap.toml", "-q",
                    "--write-baseline", "bench-data/same_baseline.json"], cwd=ROOT, capture_output=True)
    differ = []
    all_cases = cases(big)
    for name, args in all_cases:
        ro, rn = run(old, args), run(new, args)
        if ro != rn:
            differ.append(name)
            print(f"DIFFERS {name}: journeymap {' '.join(args)}", flush=True)
            if a.keep:
                os.makedirs(a.keep, exist_ok=True)
                for tag, r in (("old", ro), ("new", rn)):
                    with open(os.path.join(a.keep, f"{name}.{tag}"), "wb") as fh:
                        fh.write(b"exit %d\n--- stdout\n" % r[0] + r[1] + b"\n--- stderr\n" + r[2])
    print(f"{len(all_cases) - len(differ)} of {len(all_cases)} runs byte-identical (stdout, stderr, exit code)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
