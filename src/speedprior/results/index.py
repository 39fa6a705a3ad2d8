"""The results index: a DuckDB file rebuilt from run and sweep directories, queried with SQL.

`build_index(root)` scans `root` (speedprior.results.scan) and writes `root/index.duckdb` with
    runs(run, sweep, trial, kind, name, seed, status, seconds, error, params, config, summary)
    metrics(run, metric, value)        every numeric leaf of each summary, by dotted path
    params(run, param, value)          the swept parameters of sweep trials (value as JSON)
    sweeps(sweep, name, trials, completed, failed, pending, config)
JSON columns hold JSON text (DuckDB's json functions read them). The file is only ever a
cache: it is built under a temporary name and renamed, and deleting it loses nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from speedprior.atomic import fsync_dir
from speedprior.errors import ConfigError, UnknownNameError
from speedprior.results.scan import RunRecord, flatten, scan

INDEX = "index.duckdb"

_SCHEMA = {
    "runs": {"run": "VARCHAR", "sweep": "VARCHAR", "trial": "VARCHAR", "kind": "VARCHAR", "name": "VARCHAR",
             "seed": "BIGINT", "status": "VARCHAR", "seconds": "DOUBLE", "error": "VARCHAR", "params": "VARCHAR",
             "config": "VARCHAR", "summary": "VARCHAR"},
    "metrics": {"run": "VARCHAR", "metric": "VARCHAR", "value": "DOUBLE"},
    "params": {"run": "VARCHAR", "param": "VARCHAR", "value": "VARCHAR"},
    "sweeps": {"sweep": "VARCHAR", "name": "VARCHAR", "trials": "BIGINT", "completed": "BIGINT",
               "failed": "BIGINT", "pending": "BIGINT", "config": "VARCHAR"},
}


def build_index(root: str | Path) -> Path:
    """Scan `root` and (re)write `root/index.duckdb` atomically; return its path."""
    import duckdb

    root = Path(root)
    if not root.is_dir():
        raise ConfigError(f"runs directory {root} does not exist")
    runs, sweeps = scan(root)
    tables = {
        "runs": [_run_row(r) for r in runs],
        "metrics": [{"run": r.run, "metric": k, "value": v} for r in runs for k, v in flatten(r.summary).items()],
        "params": [{"run": r.run, "param": k, "value": json.dumps(v)} for r in runs for k, v in r.params.items()],
        "sweeps": [{"sweep": s.sweep, "name": s.name, "trials": len(s.trials), "completed": s.count("completed"),
                    "failed": s.count("failed"), "pending": s.count("pending"), "config": json.dumps(s.config)}
                   for s in sweeps],
    }
    path = root / INDEX
    fd, temporary = tempfile.mkstemp(dir=root, prefix=".index.", suffix=".duckdb")
    os.close(fd)
    os.unlink(temporary)  # DuckDB creates the file itself
    try:
        with tempfile.TemporaryDirectory() as scratch:
            connection = duckdb.connect(temporary)
            try:
                for table, rows in tables.items():
                    _load(connection, table, rows, Path(scratch))
                connection.execute("CHECKPOINT")
            finally:
                connection.close()
        os.replace(temporary, path)
        fsync_dir(root)
    finally:
        for leftover in (temporary, temporary + ".wal"):
            Path(leftover).unlink(missing_ok=True)
    return path


def _run_row(record: RunRecord) -> dict:
    return {"run": record.run, "sweep": record.sweep, "trial": record.trial, "kind": record.kind,
            "name": record.name, "seed": record.seed, "status": record.status, "seconds": record.seconds,
            "error": record.error, "params": json.dumps(record.params), "config": json.dumps(record.config),
            "summary": None if record.summary is None else json.dumps(record.summary)}


def _load(connection, table: str, rows: list[dict], scratch: Path) -> None:
    """Create `table` from rows through a JSON-lines file (much faster than row-by-row inserts)."""
    columns = _SCHEMA[table]
    connection.execute(f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t in columns.items())})")
    if not rows:
        return
    source = scratch / f"{table}.jsonl"
    with open(source, "w") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
    spec = "{" + ", ".join(f"'{c}': '{t}'" for c, t in columns.items()) + "}"
    connection.execute(f"INSERT INTO {table} SELECT * FROM read_json(?, format='newline_delimited', "
                       f"columns={spec}, maximum_object_size=268435456)", [str(source)])


def connect(root: str | Path, rebuild: bool = True):
    """A read-only DuckDB connection to `root`'s index (rebuilt from the directories first by default)."""
    import duckdb

    root = Path(root)
    path = build_index(root) if rebuild or not (root / INDEX).is_file() else root / INDEX
    return duckdb.connect(str(path), read_only=True)


def query(connection, sql: str, params: list | None = None) -> list[dict]:
    """Rows of a query as dicts."""
    cursor = connection.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def resolve_run(connection, run: str) -> str:
    """The run named `run`: an exact path in the index, else the one run whose path or last part starts with it."""
    exact = query(connection, "SELECT run FROM runs WHERE run = ?", [run.strip("/")])
    if exact:
        return exact[0]["run"]
    matches = [r["run"] for r in query(connection, "SELECT run FROM runs ORDER BY run")
               if r["run"].startswith(run.strip("/")) or Path(r["run"]).name.startswith(run)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UnknownNameError(f"no run {run!r} in the index; `speedprior runs list` shows them")
    raise UnknownNameError(f"run {run!r} is ambiguous: {', '.join(matches[:5])}{' ...' if len(matches) > 5 else ''}")


def export(root: str | Path, out: str | Path, fmt: str | None = None, table: str = "runs") -> Path:
    """Write one index table (runs, metrics, params, sweeps) to CSV or Parquet (format from the suffix)."""
    out = Path(out)
    fmt = (fmt or out.suffix.lstrip(".")).lower()
    if fmt not in ("csv", "parquet"):
        raise ConfigError(f"export format must be csv or parquet (got {fmt!r}); name the file .csv or .parquet")
    if table not in _SCHEMA:
        raise UnknownNameError(f"unknown table {table!r}; tables: {', '.join(_SCHEMA)}")
    connection = connect(root)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        options = "(FORMAT CSV, HEADER)" if fmt == "csv" else "(FORMAT PARQUET)"
        connection.execute(f"COPY (SELECT * FROM {table} ORDER BY ALL) TO '{_quote(temporary)}' {options}")
        os.replace(temporary, out)
    finally:
        connection.close()
    return out


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
