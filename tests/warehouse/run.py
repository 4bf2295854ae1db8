#!/usr/bin/env python3
"""Runs journeymap's variants SQL on a real engine and prints the results as CSV.

    run.py ENGINE [--time COL] [--number COL ...] TABLE=EVENTS.csv ... QUERY.sql ...

Each EVENTS.csv is loaded into the table TABLE: every column as text, except the time column
(a TIMESTAMP WITH TIME ZONE) and the --number columns (DOUBLE); empty cells are NULL. Each
query's result is printed as CSV after a line `== QUERY.sql`; a query that fails prints
`== QUERY.sql` and `ERROR: <message>` (the engine's own words). ENGINE is duckdb, postgres
(psql on the server of PGHOST/PGPORT/PGUSER/PGDATABASE), spark (pyspark, local mode), or
snowflake / bigquery: those cannot run here, so the query is parsed by sqlglot in that dialect
(an error if it does not parse), transpiled by sqlglot to DuckDB and run there.
Used by tests/cli/warehouse.rs.
"""

import csv
import io
import os
import subprocess
import sys


def parse(argv):
    engine = argv[0]
    time_col, numbers, tables, queries = "timestamp", [], [], []
    i = 1
    while i < len(argv):
        if argv[i] == "--time":
            time_col = argv[i + 1]
            i += 2
        elif argv[i] == "--number":
            numbers.append(argv[i + 1])
            i += 2
        elif "=" in argv[i] and not argv[i].endswith(".sql"):
            tables.append(tuple(argv[i].split("=", 1)))
            i += 1
        else:
            queries.append(argv[i])
            i += 1
    return engine, tables, time_col, numbers, queries


def header(path):
    with open(path, newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def cell(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def emit(name, columns, rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([cell(v) for v in r])
    sys.stdout.write(f"== {name}\n{out.getvalue()}")


def duckdb_run(tables, time_col, numbers, queries, read=None):
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for table, events in tables:
        cols = header(events)
        types = {c: ("TIMESTAMPTZ" if c == time_col else "DOUBLE" if c in numbers else "VARCHAR") for c in cols}
        spec = ", ".join(f"'{c}': '{t}'" for c, t in types.items())
        con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv('{events}', header = true, columns = {{{spec}}}, nullstr = '', quote = '\"', escape = '\"')"
        )
    for q in queries:
        sql = open(q, encoding="utf-8").read()
        try:
            if read is not None:
                import sqlglot
                from sqlglot.errors import ErrorLevel

                sqlglot.parse_one(sql, read=read, error_level=ErrorLevel.RAISE)
                sql = sqlglot.transpile(sql, read=read, write="duckdb")[0]
            cur = con.execute(sql)
            emit(os.path.basename(q), [d[0] for d in cur.description], cur.fetchall())
        except Exception as e:  # the engine's error, for the test to read
            sys.stdout.write(f"== {os.path.basename(q)}\nERROR: {e}\n")


def postgres_run(tables, time_col, numbers, queries):
    run = lambda sql, extra=(): subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *extra],
        input=sql, text=True, capture_output=True,
    )
    for table, events in tables:
        cols = header(events)
        defs = ", ".join(
            '"{}" {}'.format(c.replace('"', '""'), "TIMESTAMPTZ" if c == time_col else "DOUBLE PRECISION" if c in numbers else "TEXT")
            for c in cols
        )
        setup = f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({defs});"
        # Empty cells are NULL, as the other engines read them.
        copy = f"\\copy {table} FROM '{events}' WITH (FORMAT csv, HEADER true)"
        r = run(setup + "\n" + copy + "\n")
        if r.returncode != 0:
            sys.exit(f"loading {events} into PostgreSQL failed: {r.stderr}")
    for q in queries:
        sql = open(q, encoding="utf-8").read()
        r = run("SET TimeZone = 'UTC';\n\\pset footer off\n" + sql, ["--csv"])
        name = os.path.basename(q)
        if r.returncode != 0:
            sys.stdout.write(f"== {name}\nERROR: {r.stderr.strip()}\n")
        else:
            sys.stdout.write(f"== {name}\n{r.stdout}")


def spark_run(tables, time_col, numbers, queries):
    from pyspark.sql import SparkSession
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType, TimestampType

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("journeymap-sql-check")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    for table, events in tables:
        cols = header(events)
        schema = StructType(
            [
                StructField(c, TimestampType() if c == time_col else DoubleType() if c in numbers else StringType())
                for c in cols
            ]
        )
        df = spark.read.csv(
            events, header=True, schema=schema, mode="FAILFAST", escape='"',
            timestampFormat="yyyy-MM-dd'T'HH:mm:ss[.SSSSSS]XXX",
        )
        df.createOrReplaceTempView(table)
    for q in queries:
        sql = open(q, encoding="utf-8").read().strip().rstrip(";")
        try:
            res = spark.sql(sql)
            rows = [tuple(r) for r in res.collect()]
            emit(os.path.basename(q), res.columns, rows)
        except Exception as e:
            msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            sys.stdout.write(f"== {os.path.basename(q)}\nERROR: {msg}\n")
    spark.stop()


def main():
    engine, tables, time_col, numbers, queries = parse(sys.argv[1:])
    if engine in ("snowflake", "bigquery"):
        duckdb_run(tables, time_col, numbers, queries, read=engine)
        return
    {"duckdb": duckdb_run, "postgres": postgres_run, "spark": spark_run}[engine](
        tables, time_col, numbers, queries
    )


if __name__ == "__main__":
    main()
