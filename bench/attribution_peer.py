#!/usr/bin/env python3
"""Markov attribution peers that follow docs/metrics.md, for bench/run.py --tasks attribution.

usage: attribution_peer.py exact|channelattribution FILE [--conversion NAME]

Both build the channel paths with DuckDB SQL exactly as journeymap defines them for
`attribution --conversion NAME --split-on-conversion --collapse-repeats`: a customer's events in
time order (ties by row position), cut after each conversion event; the touches are the events
before the conversion event (conversion events are not touches), repeated channels collapsed.
A converting journey with no touch is left out.

- exact: then solves the absorbing chain with numpy (np.linalg.solve), as the DuckDB peer in
  bench/duckdb_peer.py does; this is the independent check of journeymap's digits.
- channelattribution: then runs ChannelAttribution's markov_model (order 1), which estimates
  the removal effects by simulation, so its answer agrees only to its convergence tolerance.

Prints {p_conversion (exact only), conversions, removal_effects, attributed_conversions}.
"""
import argparse
import json
import os
import sys

import duckdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duckdb_peer import absorbing_chain, p_conversion  # noqa: E402


def paths(con, file, conversion):
    src = (f"read_parquet('{file}')" if file.endswith(".parquet")
           else f"read_csv('{file}', header=true, all_varchar=true)")
    conv = conversion.replace("'", "''")
    return con.execute(f"""
        WITH ev AS (SELECT customer_id AS c, CAST(timestamp AS TIMESTAMPTZ) AS ts, touchpoint AS tp,
                           channel AS ch, row_number() OVER () AS rn FROM {src}),
        o AS (SELECT c, ts, rn, ch, CASE WHEN tp = '{conv}' THEN 1 ELSE 0 END AS conv FROM ev),
        g AS (SELECT *, coalesce(sum(conv) OVER (PARTITION BY c ORDER BY ts, rn
                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS seg FROM o),
        t AS (SELECT * FROM g WHERE conv = 0),
        d AS (SELECT *, lag(ch) OVER (PARTITION BY c, seg ORDER BY ts, rn) AS prev FROM t),
        p AS (SELECT c, seg, string_agg(ch, ' > ' ORDER BY ts, rn) FILTER (WHERE prev IS NULL OR prev <> ch) AS path
              FROM d GROUP BY c, seg),
        s AS (SELECT c, seg, max(conv) AS conv FROM g GROUP BY c, seg)
        SELECT p.path, sum(s.conv)::BIGINT, sum(1 - s.conv)::BIGINT
        FROM p JOIN s USING (c, seg) GROUP BY p.path""").fetchall()


def exact(path_counts):
    P, chans, ix, k, total = absorbing_chain(path_counts)
    p = p_conversion(P, k)
    re = {}
    for ch in chans:
        M = P.copy()
        M[:, ix[ch]] = 0.0          # every transition into ch goes to (null)
        M[:, k + 1] += P[:, ix[ch]]
        re[ch] = 1.0 - p_conversion(M, k) / p
    s = sum(re.values())
    return {"p_conversion": p, "conversions": total, "removal_effects": re,
            "attributed_conversions": {ch: total * re[ch] / s for ch in chans}}


def channelattribution(path_counts):
    import contextlib
    import pandas as pd
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        import ChannelAttribution as ca
        df = pd.DataFrame(path_counts, columns=["path", "conv", "null"])
        df["path"] = df["path"].str.replace(" > ", ">", regex=False)
        out = ca.markov_model(df, var_path="path", var_conv="conv", var_null="null", order=1,
                              out_more=True, verbose=False, flg_pro=False)
    res, re = out["result"], out["removal_effects"]
    return {"conversions": int(df["conv"].sum()),
            "removal_effects": dict(zip(re["channel_name"], map(float, re["removal_effect"]))),
            "attributed_conversions": dict(zip(res["channel_name"], map(float, res["total_conversions"])))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("task", choices=["exact", "channelattribution"])
    ap.add_argument("file")
    ap.add_argument("--conversion", default="purchase")
    a = ap.parse_args()
    con = duckdb.connect()
    counts = paths(con, a.file, a.conversion)
    res = exact(counts) if a.task == "exact" else channelattribution(counts)
    json.dump(res, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
