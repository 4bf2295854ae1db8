"""Writes the Parquet files of testdata/bad/ (committed; rerun only to change them).

Needs pyarrow (`pip install pyarrow`); the tests read the committed files and need nothing.
Each file is one case of a class in docs/input.md, "Hostile and unusual input".
"""
import datetime as dt
import decimal
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))

ids = ["alice", "alice", "bob", "bob"]
times = [dt.datetime(2026, 3, 1, 9, m, tzinfo=dt.timezone.utc) for m in (0, 5, 0, 2)]
tps = ["home", "purchase", "home", "product_view"]


def write(name, table):
    pq.write_table(table, os.path.join(HERE, name))


# Nested and unusual types in columns that no role uses: never decoded, so they never fail.
write(
    "nested_columns.parquet",
    pa.table(
        {
            "customer_id": ids,
            "timestamp": pa.array(times, pa.timestamp("us", tz="UTC")),
            "touchpoint": tps,
            "device": pa.array(
                [{"os": "ios", "version": 17}] * 4,
                pa.struct([("os", pa.string()), ("version", pa.int32())]),
            ),
            "params": pa.array([[("k", "v")]] * 4, pa.map_(pa.string(), pa.string())),
            "items": pa.array([[1, 2], [], None, [3]], pa.list_(pa.int64())),
            "price": pa.array([decimal.Decimal("1.50")] * 4, pa.decimal128(10, 2)),
            "weight": pa.array(np.array([0.5, 1, 2, 3], dtype=np.float16)),
        }
    ),
)

# A struct column named as the touchpoint: a role that cannot be read.
write(
    "struct_touchpoint.parquet",
    pa.table(
        {
            "customer_id": ids,
            "timestamp": pa.array(times, pa.timestamp("us", tz="UTC")),
            "touchpoint": pa.array([{"name": t} for t in tps], pa.struct([("name", pa.string())])),
        }
    ),
)

# Timestamps past what nanoseconds since 1970 hold (after 2262-04-11), in microseconds.
far = [dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.timezone.utc)] * 2 + times[2:]
write(
    "far_future.parquet",
    pa.table({"customer_id": ids, "timestamp": pa.array(far, pa.timestamp("us", tz="UTC")), "touchpoint": tps}),
)

# A date32 column as the timestamp, with the last day there is.
days = [dt.date(9999, 12, 31), dt.date(9999, 12, 31), dt.date(2026, 3, 1), dt.date(2026, 3, 2)]
write(
    "date_9999.parquet",
    pa.table({"customer_id": ids, "timestamp": pa.array(days, pa.date32()), "touchpoint": tps}),
)

# Dictionary-encoded text timestamps (a categorical column in Arrow terms).
write(
    "dictionary_timestamp.parquet",
    pa.table(
        {
            "customer_id": ids,
            "timestamp": pa.array([t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in times]).dictionary_encode(),
            "touchpoint": pa.array(tps).dictionary_encode(),
        }
    ),
)

# Small integers and zoned timestamps as roles: an int8 customer, a uint16 touchpoint, and a
# timestamp with a zone given as the touchpoint (read as ISO 8601 text).
t3 = [dt.datetime(2026, 3, 1, 9, m, tzinfo=dt.timezone.utc) for m in (0, 5, 0)]
write(
    "small_ints.parquet",
    pa.table(
        {
            "customer_id": pa.array([1, 1, 2], pa.int8()),
            "timestamp": pa.array(t3, pa.timestamp("us", tz="UTC")),
            "touchpoint": pa.array([1, 2, 1], pa.uint16()),
            "seen_at": pa.array(t3, pa.timestamp("ms", tz="Asia/Kolkata")),
        }
    ),
)

# Unsigned 64-bit epoch numbers past i64::MAX: unreadable, never "no timestamp".
write(
    "u64_timestamp.parquet",
    pa.table(
        {
            "customer_id": ["a", "a"],
            "timestamp": pa.array([2**64 - 1, 1_772_355_600], pa.uint64()),
            "touchpoint": ["home", "purchase"],
        }
    ),
)
