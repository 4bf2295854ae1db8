#!/usr/bin/env python3
"""The peer a data person would use instead of journeymap: DuckDB SQL over the same file.

usage: duckdb_peer.py TASK FILE [--customer C] [--time T] [--touchpoint P] [--channel H]
                      [--steps a,b,c] [--session-gap SECONDS] [--conversion NAME]
TASK: floor | paths | graph | transitions | funnel | markov
One task per process, so a timing includes reading the file, as journeymap's does.
Prints a small JSON result on stdout, so answers can be compared with journeymap's.
Semantics follow docs/metrics.md (ties broken by row position).
"""
import argparse, json, sys
import duckdb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("task")
    ap.add_argument("file")
    ap.add_argument("--customer", default="customer_id")
    ap.add_argument("--time", default="timestamp")
    ap.add_argument("--touchpoint", default="touchpoint")
    ap.add_argument("--channel", default="channel")
    ap.add_argument("--steps", default="product_view,add_to_cart,checkout,purchase")
    ap.add_argument("--session-gap", type=float, default=None, help="seconds; default: no split")
    ap.add_argument("--conversion", default="purchase")
    ap.add_argument("--top", type=int, default=20)
    a = ap.parse_args()

    src = (f"read_parquet('{a.file}')" if a.file.endswith(".parquet")
           else f"read_csv('{a.file}', header=true, all_varchar=true)")
    ev = (f"(SELECT \"{a.customer}\" AS c, CAST(\"{a.time}\" AS TIMESTAMPTZ) AS ts, "
          f"\"{a.touchpoint}\" AS tp, \"{a.channel}\" AS ch, row_number() OVER () AS rn FROM {src})")
    if a.task in ("floor",):
        ev = src
    con = duckdb.connect()

    if a.task == "floor":
        n, nc = con.execute(f"SELECT count(*), count(DISTINCT \"{a.customer}\") FROM {src}").fetchone()
        res = {"rows": n, "customers": nc}
    elif a.task == "paths":
        if a.session_gap:
            grain = f"""
            s AS (SELECT *, sum(new_s) OVER (PARTITION BY c ORDER BY ts, rn ROWS UNBOUNDED PRECEDING) AS j
                  FROM (SELECT *, CASE WHEN lag(ts) OVER w IS NULL OR epoch(ts - lag(ts) OVER w) > {a.session_gap}
                                       THEN 1 ELSE 0 END AS new_s
                        FROM {ev} WINDOW w AS (PARTITION BY c ORDER BY ts, rn)))"""
        else:
            grain = f"s AS (SELECT *, 0 AS j FROM {ev})"
        rows = con.execute(f"""
            WITH {grain},
            p AS (SELECT string_agg(tp, ' > ' ORDER BY ts, rn) AS path FROM s GROUP BY c, j)
            SELECT path, count(*) AS n, sum(count(*)) OVER () AS journeys, count(*) OVER () AS distinct_paths
            FROM p GROUP BY path ORDER BY n DESC, path LIMIT {a.top}""").fetchall()
        res = {"journeys": int(rows[0][2]), "distinct_paths": int(rows[0][3]),
               "top": [[r[0], int(r[1])] for r in rows]}
    elif a.task in ("graph", "transitions"):
        col = "tp" if a.task == "graph" else "ch"
        rows = con.execute(f"""
            WITH e AS (SELECT c, {col} AS v, ts, rn FROM {ev}),
            l AS (SELECT coalesce(lag(v) OVER w, '(start)') AS a, v AS b FROM e WINDOW w AS (PARTITION BY c ORDER BY ts, rn)
                  UNION ALL
                  SELECT arg_max(v, (ts, rn)) AS a, '(end)' AS b FROM e GROUP BY c)
            SELECT a, b, count(*) AS n FROM l GROUP BY a, b ORDER BY n DESC, a, b""").fetchall()
        res = {"edges": [[r[0], r[1], int(r[2])] for r in rows]}
    elif a.task == "funnel":
        steps = a.steps.split(",")
        quoted = ", ".join("'" + s.replace("'", "''") + "'" for s in steps)
        ctes = [f"e AS (SELECT c, ts, rn, tp FROM {ev} WHERE tp IN ({quoted}))",
                f"s1 AS (SELECT c, min((ts, rn)) AS k FROM e WHERE tp = '{steps[0]}' GROUP BY c)"]
        for i, st in enumerate(steps[1:], start=2):
            ctes.append(f"s{i} AS (SELECT e.c, min((e.ts, e.rn)) AS k FROM e JOIN s{i-1} USING (c) "
                        f"WHERE e.tp = '{st}' AND (e.ts, e.rn) > s{i-1}.k GROUP BY e.c)")
        counts = ", ".join(f"(SELECT count(*) FROM s{i})" for i in range(1, len(steps) + 1))
        row = con.execute(f"WITH {', '.join(ctes)} SELECT {counts}").fetchone()
        res = {"steps": steps, "reached": [int(x) for x in row]}
    elif a.task == "markov":
        # channel paths cut after each conversion event (the conversion event's channel is the
        # last touch), consecutive repeats collapsed; exact absorbing-chain solve.
        paths = con.execute(f"""
            WITH o AS (SELECT c, ts, rn, ch, CASE WHEN tp = '{a.conversion}' THEN 1 ELSE 0 END AS conv FROM {ev}),
            g AS (SELECT *, coalesce(sum(conv) OVER (PARTITION BY c ORDER BY ts, rn
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS seg FROM o),
            d AS (SELECT *, lag(ch) OVER (PARTITION BY c, seg ORDER BY ts, rn) AS prev FROM g),
            p AS (SELECT string_agg(ch, ' > ' ORDER BY ts, rn) FILTER (WHERE prev IS NULL OR prev <> ch) AS path,
                         max(conv) AS conv FROM d GROUP BY c, seg)
            SELECT path, sum(conv)::BIGINT, sum(1 - conv)::BIGINT FROM p GROUP BY path""").fetchall()
        res = markov(paths)
    else:
        sys.exit(f"unknown task {a.task}")
    json.dump(res, sys.stdout, indent=1)
    print()


def absorbing_chain(path_counts):
    """The first-order absorbing Markov chain of channel paths [(path, conversions, nulls)]:
    its transition matrix P over (start), the channels, (conversion), (null); the channels;
    their row index; k, the number of transient states; the total conversions. Shared with
    bench/attribution_peer.py."""
    import numpy as np
    trans, chans, total = {}, set(), 0
    def add(x, y, w):
        if w:
            trans[(x, y)] = trans.get((x, y), 0) + w
    for path, conv, null in path_counts:
        seq = path.split(" > ")
        chans.update(seq)
        add("(start)", seq[0], conv + null)
        for x, y in zip(seq, seq[1:]):
            add(x, y, conv + null)
        add(seq[-1], "(conversion)", conv)
        add(seq[-1], "(null)", null)
        total += conv
    chans = sorted(chans)
    states = ["(start)"] + chans + ["(conversion)", "(null)"]
    ix = {s: i for i, s in enumerate(states)}
    n, k = len(states), 1 + len(chans)
    T = np.zeros((n, n))
    for (x, y), w in trans.items():
        T[ix[x], ix[y]] += w
    rs = T.sum(axis=1, keepdims=True)
    P = np.divide(T, rs, out=np.zeros_like(T), where=rs > 0)
    return P, chans, ix, k, total


def p_conversion(M, k):
    """P(conversion) from (start): the absorption probability, solved exactly."""
    import numpy as np
    return float(np.linalg.solve(np.eye(k) - M[:k, :k], M[:k, k])[0])


def markov(path_counts):
    P, chans, ix, k, total = absorbing_chain(path_counts)
    p = p_conversion(P, k)
    re = {}
    for ch in chans:
        M = P.copy()
        M[ix[ch], :] = 0.0
        M[ix[ch], k + 1] = 1.0
        re[ch] = 1.0 - p_conversion(M, k) / p
    s = sum(re.values())
    return {"p_conversion": p, "conversions": total, "removal_effects": re,
            "attributed_conversions": {ch: total * re[ch] / s for ch in chans}}


if __name__ == "__main__":
    main()
