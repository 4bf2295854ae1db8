#!/usr/bin/env python3
"""Side-by-side benchmark: journeymap against DuckDB SQL on the same generated files.

usage: python3 bench/run.py [--events N] [--runs R] [--tasks inspect,...] [--peer PYTHON]
                           [--binary PATH] [--previous PATH]

Builds journeymap in release mode, generates N events (default 10M) as CSV and Parquet into
bench-data/ (kept between runs), then times whole processes, alternating the two tools, R runs
each (default 3), and prints medians of wall time and peak memory (max RSS) with the ratio
journeymap / DuckDB from the same run. `--previous PATH` times another journeymap build in the
same runs too (alternating), for "is the new build as fast as the old one". The DuckDB side is
bench/duckdb_peer.py run
with the peer venv (see README: Benchmarks). Answers are compared where both print them.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JM = os.path.join(ROOT, "target", "release", "journeymap")
PEER = os.path.join(ROOT, "bench", "duckdb_peer.py")

# task name -> (journeymap arguments before the file, duckdb_peer task and arguments)
TASKS = {
    "inspect": (["inspect", "-f", "json", "-q"], ["floor"]),
    "paths": (["paths", "--session-gap", "30m", "-f", "json", "-q"], ["paths", "--session-gap", "1800"]),
    "graph": (["graph", "-f", "json", "-q"], ["graph"]),
    "transitions": (["transitions", "-f", "json", "-q"], ["transitions"]),
    "funnel": (["funnel", "--steps", "product_view,add_to_cart,checkout,purchase", "-f", "json", "-q"], ["funnel"]),
    "attribution": (["attribution", "--model", "markov", "--conversion", "purchase", "--split-on-conversion",
                     "--collapse-repeats", "-f", "json", "-q"], ["markov"]),
    # journeymap only (no DuckDB counterpart): the gates of bench/checks.toml, and a diff of
    # the two halves of the period with a funnel.
    "check": (["check", "--checks", os.path.join(ROOT, "bench", "checks.toml"), "-f", "json", "-q"], None),
    "stages": (["stages", "--config", os.path.join(ROOT, "examples", "journeymap.toml"), "-f", "json", "-q"], None),
    "report": (["report", "--config", os.path.join(ROOT, "examples", "journeymap.toml"), "-q"], None),
    "painpoints": (["painpoints", "--config", os.path.join(ROOT, "examples", "journeymap.toml"), "--top", "0",
                    "-f", "json", "-q"], None),
    "diff": (["diff", "--before", "2026-02-15", "--session-gap", "30m", "--conversion", "purchase",
              "--funnel", "product_view,add_to_cart,checkout,purchase", "-f", "json", "-q"], None),
}

# More peers for a task, timed in the same runs: label -> arguments of bench/attribution_peer.py.
# "exact" follows docs/metrics.md (conversion events are not touches) with a numpy solve and is
# what "same answer" compares against; the DuckDB peer (bench/duckdb_peer.py) keeps the conversion event's
# channel as the last touch, so its numbers differ by definition.
ATTRIBUTION_PEER = os.path.join(ROOT, "bench", "attribution_peer.py")
EXTRA_PEERS = {
    "attribution": {"DuckDB + numpy, metrics.md paths": ["exact"],
                    "ChannelAttribution 2.2.5": ["channelattribution"]},
}


def run_with_rss(argv):
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        out = os.open(OUTFILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(out, 1)
        os.dup2(devnull, 2)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed ({status}): {' '.join(argv)}")
    with open(OUTFILE) as f:
        out = f.read()
    return wall, usage.ru_maxrss / 1024.0, out


OUTFILE = os.path.join(ROOT, "bench-data", "last-output.txt")


def ensure_data(events):
    os.makedirs(os.path.join(ROOT, "bench-data"), exist_ok=True)
    files = {}
    for ext in ("csv", "parquet"):
        path = os.path.join(ROOT, "bench-data", f"events-{events}.{ext}")
        if not os.path.exists(path):
            t0 = time.perf_counter()
            subprocess.run([JM, "generate", "--events", str(events), "--seed", "1", "-o", path], check=True)
            print(f"generated {path} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        files[ext] = path
    return files


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--peer", default=os.path.expanduser("~/peer-venv/bin/python"))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--binary", help="time this journeymap binary (implies --no-build)")
    ap.add_argument("--previous", help="also time this earlier journeymap build, alternating")
    a = ap.parse_args()
    global JM
    if a.binary:
        JM = os.path.abspath(a.binary)
    elif not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    files = ensure_data(a.events)
    have_peer = os.path.exists(a.peer) and os.path.exists(PEER)
    if not have_peer:
        print(f"no DuckDB peer ({a.peer}); timing journeymap only", file=sys.stderr)
    rows, extra_rows = [], []
    for task in a.tasks.split(","):
        jm_args, peer_args = TASKS[task]
        for fmt, path in files.items():
            jm_t, jm_m, pe_t, pe_m, pr_t, pr_m = [], [], [], [], [], []
            jm_out = pe_out = None
            extra = {label: ([], [], None) for label, argv in EXTRA_PEERS.get(task, {}).items()
                     if have_peer and peer_available(a.peer, argv[0])}
            for _ in range(a.runs):
                t, m, jm_out = run_with_rss([JM] + jm_args + [path])
                jm_t.append(t)
                jm_m.append(m)
                if a.previous:
                    t, m, _ = run_with_rss([os.path.abspath(a.previous)] + jm_args + [path])
                    pr_t.append(t)
                    pr_m.append(m)
                if have_peer and peer_args is not None:
                    t, m, pe_out = run_with_rss([a.peer, PEER, peer_args[0], path] + peer_args[1:])
                    pe_t.append(t)
                    pe_m.append(m)
                for label, peer_task in EXTRA_PEERS.get(task, {}).items():
                    if label in extra:
                        t, m, out = run_with_rss([a.peer, ATTRIBUTION_PEER, peer_task[0], path])
                        extra[label][0].append(t)
                        extra[label][1].append(m)
                        extra[label] = (extra[label][0], extra[label][1], out)
            row = {
                "task": task, "format": fmt,
                "journeymap_s": statistics.median(jm_t), "journeymap_mb": max(jm_m),
            }
            if a.previous:
                row.update(previous_s=statistics.median(pr_t), previous_mb=max(pr_m))
            if have_peer and peer_args is not None:
                row.update(duckdb_s=statistics.median(pe_t), duckdb_mb=max(pe_m))
                row["ratio"] = row["journeymap_s"] / row["duckdb_s"]
                row["same_answer"] = compare(task, jm_out, pe_out)
                if task == "attribution":
                    row["same_answer"] = compare_attribution(jm_out, extra)
                    for label, (ts, ms, out) in extra.items():
                        extra_rows.append({"task": task, "format": fmt, "peer": label,
                                           "peer_s": statistics.median(ts), "peer_mb": max(ms),
                                           "journeymap_s": row["journeymap_s"],
                                           "journeymap_mb": row["journeymap_mb"],
                                           "agreement": agreement(jm_out, out)})
                        print(json.dumps(extra_rows[-1]), file=sys.stderr)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    print(f"\n{a.events:,} events, median of {a.runs} runs, whole processes\n")
    print("| task | input | journeymap | DuckDB | ratio | journeymap peak | DuckDB peak | same answer |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        if "duckdb_s" in r:
            peer = f"{r['duckdb_s']:.2f} s | {r['ratio']:.2f}"
            peer_mb = f"{r['duckdb_mb']:.0f} MB"
        else:
            peer, peer_mb = "- | -", "-"
        print(f"| {r['task']} | {r['format']} | {r['journeymap_s']:.2f} s | {peer} "
              f"| {r['journeymap_mb']:.0f} MB | {peer_mb} | {r.get('same_answer', '-')} |")
    if a.previous:
        print("\nThe previous build in the same runs\n")
        print("| task | input | journeymap | previous build | new / previous | journeymap peak | previous peak |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for r in rows:
            print(f"| {r['task']} | {r['format']} | {r['journeymap_s']:.2f} s | {r['previous_s']:.2f} s "
                  f"| {r['journeymap_s'] / r['previous_s']:.2f} | {r['journeymap_mb']:.0f} MB | {r['previous_mb']:.0f} MB |")
    if extra_rows:
        print("\nMore peers (same runs)\n")
        print("| task | input | peer | journeymap | peer time | ratio | journeymap peak | peer peak | agreement |")
        print("|---|---|---|---:|---:|---:|---:|---:|---|")
        for r in extra_rows:
            print(f"| {r['task']} | {r['format']} | {r['peer']} | {r['journeymap_s']:.2f} s | {r['peer_s']:.2f} s "
                  f"| {r['journeymap_s'] / r['peer_s']:.2f} | {r['journeymap_mb']:.0f} MB | {r['peer_mb']:.0f} MB "
                  f"| {r['agreement']} |")


def compare(task, jm_out, pe_out):
    try:
        j, p = json.loads(jm_out), json.loads(pe_out)
    except (TypeError, ValueError):
        return "?"
    if task == "inspect":
        return "yes" if (j["rows"]["read"], j["customers"]) == (p["rows"], p["customers"]) else "NO"
    if task == "paths":
        mine = [[" > ".join(r["path"]), r["count"]] for r in j["paths"]]
        same = (j["journeys"], j["distinct_paths"], mine) == (p["journeys"], p["distinct_paths"], p["top"])
        return "yes" if same else "NO"
    if task == "graph":
        mine = sorted((e["from"], e["to"], e["count"]) for e in j["edges"])
        return "yes" if mine == sorted(tuple(e) for e in p["edges"]) else "NO"
    if task == "transitions":
        mine = sorted((e["from"], e["to"], e["count"]) for e in j["transitions"])
        return "yes" if mine == sorted(tuple(e) for e in p["edges"]) else "NO"
    if task == "funnel":
        return "yes" if [s["reached"] for s in j["steps"]] == p["reached"] else "NO"
    return "?"


def peer_available(python, task):
    """Whether the venv has what an extra peer needs (ChannelAttribution is optional)."""
    module = "ChannelAttribution" if task == "channelattribution" else "duckdb"
    ok = subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode == 0
    if not ok:
        print(f"no {module} in {python}; skipping that peer", file=sys.stderr)
    return ok


def markov_effects(jm_out):
    j = json.loads(jm_out)
    return j, {c["name"]: c["markov"]["removal_effect"] for c in j["channels"]}


def agreement(jm_out, peer_out):
    """The largest difference in removal effect between journeymap and a peer."""
    try:
        j, mine = markov_effects(jm_out)
        p = json.loads(peer_out)
    except (TypeError, ValueError, KeyError):
        return "?"
    theirs = p["removal_effects"]
    if set(mine) != set(theirs) or j["conversions"] != p["conversions"]:
        return "NO (channels or conversions differ)"
    worst = max(abs(mine[c] - theirs[c]) for c in mine)
    return f"removal effects within {worst:.1e}"


def compare_attribution(jm_out, extra):
    """journeymap against the exact metrics.md re-implementation: same conversions, and P and
    every removal effect within 5e-7 (both are exact solves; journeymap's JSON carries 6
    decimals)."""
    try:
        j, mine = markov_effects(jm_out)
        p = json.loads(next(out for label, (_, _, out) in extra.items() if label.startswith("DuckDB")))
    except (TypeError, ValueError, KeyError, StopIteration):
        return "?"
    same = (j["conversions"] == p["conversions"]
            and abs(j["markov"]["p_conversion"] - p["p_conversion"]) <= 5e-7
            and set(mine) == set(p["removal_effects"])
            and all(abs(mine[c] - p["removal_effects"][c]) <= 5e-7 for c in mine))
    return "yes (vs metrics.md re-implementation)" if same else "NO"


if __name__ == "__main__":
    main()
