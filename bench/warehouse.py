#!/usr/bin/env python3
"""The warehouse path against the others: `paths` on N generated events (default 10M), three ways.

usage: python3 bench/warehouse.py [--events N] [--runs R] [--peer PYTHON] [--no-build]

1. journeymap on the events (Parquet), as `paths --session-gap 30m`, and again with
   `--tiebreak touchpoint` (the tie rule of the SQL, so that the answers can be compared);
2. `journeymap sql --dialect duckdb` with the same options, run by DuckDB (the peer venv's
   Python, see README: Benchmarks) over the same Parquet file, writing the variants table to
   Parquet; then journeymap `paths` on that table; the two are timed apart and summed;
3. the DuckDB peer's direct paths query (bench/duckdb_peer.py).

Whole processes, R runs each (default 3), alternating; medians of wall time, the largest peak
memory (max RSS). The answer of 2 is compared with 1 (with the tie rule): the same paths,
counts and median durations.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (bench/run.py: run_with_rss, ensure_data, the peer script)

ROOT = run.ROOT
OPTS = ["--session-gap", "30m", "--conversion", "purchase", "--channel", "channel"]


def duckdb_step(events, sql_file, out):
    """Runs the variants query on the events file, writing the result to `out` (Parquet)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet('{events}')")
    query = open(sql_file, encoding="utf-8").read().strip().rstrip(";")
    con.execute(f"COPY ({query}) TO '{out}' (FORMAT parquet)")
    rows = con.execute(f"SELECT count(*), sum(journeys) FROM read_parquet('{out}')").fetchone()
    print(json.dumps({"variants": rows[0], "journeys": int(rows[1])}))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "duckdb-step":
        duckdb_step(*sys.argv[2:5])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--peer", default=os.path.expanduser("~/peer-venv/bin/python"))
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    jm = run.JM
    events = run.ensure_data(a.events)["parquet"]
    data = os.path.join(ROOT, "bench-data")
    sql_file = os.path.join(data, "variants-duckdb.sql")
    table = os.path.join(data, f"variants-{a.events}.parquet")
    subprocess.run([jm, "sql", "--dialect", "duckdb", "--table", "events", *OPTS, "-o", sql_file], check=True)
    paths = ["paths", "-f", "json", "-q", "--top", "20"]
    times = {k: [] for k in ("events", "events_tie", "sql", "on_table", "peer")}
    mems = {k: [] for k in times}
    outs = {}
    for _ in range(a.runs):
        for key, argv in (
            ("events", [jm, *paths, *OPTS, events]),
            ("events_tie", [jm, *paths, *OPTS, "--tiebreak", "touchpoint", events]),
            ("sql", [a.peer, os.path.abspath(__file__), "duckdb-step", events, sql_file, table]),
            ("on_table", [jm, *paths, table]),
            ("peer", [a.peer, run.PEER, "paths", events, "--session-gap", "1800"]),
        ):
            t, m, out = run.run_with_rss(argv)
            times[key].append(t)
            mems[key].append(m)
            outs[key] = out
    med = {k: statistics.median(v) for k, v in times.items()}
    peak = {k: max(v) for k, v in mems.items()}
    mine, theirs = json.loads(outs["events_tie"]), json.loads(outs["on_table"])
    same = mine["paths"] == theirs["paths"] and mine["journeys"] == theirs["journeys"]
    table_mb = os.path.getsize(table) / 1e6
    variants = json.loads(outs["sql"])
    print(f"\n{a.events:,} events (Parquet), `paths --session-gap 30m`, median of {a.runs} runs\n")
    print("| way | time | peak memory |")
    print("|---|---:|---:|")
    print(f"| journeymap on the events | {med['events']:.2f} s | {peak['events']:.0f} MB |")
    print(f"| journeymap on the events, --tiebreak touchpoint | {med['events_tie']:.2f} s | {peak['events_tie']:.0f} MB |")
    print(f"| DuckDB runs `journeymap sql` (variants table) | {med['sql']:.2f} s | {peak['sql']:.0f} MB |")
    print(f"| journeymap on the variants table | {med['on_table']:.2f} s | {peak['on_table']:.0f} MB |")
    print(f"| the two together | {med['sql'] + med['on_table']:.2f} s | {max(peak['sql'], peak['on_table']):.0f} MB |")
    print(f"| DuckDB peer's direct paths query | {med['peer']:.2f} s | {peak['peer']:.0f} MB |")
    print(f"\nvariants table: {variants['variants']:,} rows for {variants['journeys']:,} journeys, "
          f"{table_mb:.1f} MB of Parquet; paths on it equal paths on the events (--tiebreak touchpoint): "
          f"{'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
