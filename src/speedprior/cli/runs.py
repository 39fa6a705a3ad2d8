"""`speedprior runs list|show|compare|export|report|tensorboard`: the results index over run and sweep directories."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from speedprior.cli.output import console, print_json, print_table

app = typer.Typer(help="Find, compare and export finished runs (a DuckDB index rebuilt from the directories).",
                  no_args_is_help=True)

ROOT_HELP = "folder of run and sweep directories (its index.duckdb is rebuilt from them)"


def _connect(root: Path):
    from speedprior.results.index import connect

    return connect(root)


@app.command("list")
def list_runs(
    root: Path = typer.Option(Path("runs"), "--root", help=ROOT_HELP),
    sweep: str = typer.Option(None, "--sweep", help="only the trials of this sweep (its path under --root)"),
    status: str = typer.Option(None, "--status", help="only runs with this status (completed, failed, ...)"),
    as_json: bool = typer.Option(False, "--json", help="print {runs: [...], index}"),
) -> None:
    """Every run and sweep trial under --root: path, kind, name, seed, status, seconds."""
    from speedprior.results.index import INDEX, query

    connection = _connect(root)
    try:
        sql = "SELECT run, sweep, trial, kind, name, seed, status, seconds FROM runs WHERE 1=1"
        args = []
        if sweep is not None:
            sql += " AND sweep = ?"
            args.append(sweep.strip("/") or ".")
        if status is not None:
            sql += " AND status = ?"
            args.append(status)
        rows = query(connection, sql + " ORDER BY run", args)
    finally:
        connection.close()
    if as_json:
        print_json({"runs": rows, "index": str(root / INDEX)})
    else:
        print_table(rows, title=f"runs under {root}", columns=["run", "kind", "name", "seed", "status", "seconds"])


@app.command("show")
def show(
    run: str = typer.Argument(..., help="a run's path under --root (or its unique last part)"),
    root: Path = typer.Option(Path("runs"), "--root", help=ROOT_HELP),
    as_json: bool = typer.Option(False, "--json", help="print the run's record as JSON"),
) -> None:
    """One run: status, parameters, resolved config and summary numbers."""
    from speedprior.results.index import query, resolve_run

    connection = _connect(root)
    try:
        name = resolve_run(connection, run)
        row = query(connection, "SELECT * FROM runs WHERE run = ?", [name])[0]
        metrics = query(connection, "SELECT metric, value FROM metrics WHERE run = ? ORDER BY metric", [name])
    finally:
        connection.close()
    for key in ("params", "config", "summary"):
        row[key] = json.loads(row[key]) if row[key] is not None else None
    if as_json:
        print_json(row)
        return
    console.print(f"[bold]{row['run']}[/bold]: {row['kind']} seed {row['seed']}, {row['status']}")
    if row["error"]:
        console.print(f"error: {row['error']}")
    if row["params"]:
        print_table([{"parameter": k, "value": json.dumps(v)} for k, v in row["params"].items()], title="parameters")
    print_table([{"key": k, "value": json.dumps(v)} for k, v in row["config"].items()], title="config")
    print_table(metrics, title="summary numbers")


@app.command("compare")
def compare(
    runs: list[str] = typer.Argument(..., help="two or more runs (paths under --root)"),
    root: Path = typer.Option(Path("runs"), "--root", help=ROOT_HELP),
    every: bool = typer.Option(False, "--all", help="show every key, not only those that differ"),
    as_json: bool = typer.Option(False, "--json", help="print {runs, config, metrics} as JSON"),
) -> None:
    """Side by side: the config keys and summary numbers of several runs (by default those that differ)."""
    from speedprior.errors import ConfigError
    from speedprior.results.index import query, resolve_run

    if len(runs) < 2:
        raise ConfigError("runs compare needs at least two runs")
    connection = _connect(root)
    try:
        names = [resolve_run(connection, r) for r in runs]
        configs, metrics = [], []
        for name in names:
            row = query(connection, "SELECT config FROM runs WHERE run = ?", [name])[0]
            configs.append({k: json.dumps(v) for k, v in json.loads(row["config"]).items()})
            metrics.append({r["metric"]: r["value"] for r in
                            query(connection, "SELECT metric, value FROM metrics WHERE run = ?", [name])})
    finally:
        connection.close()
    table = {"config": _side_by_side(configs, every), "metrics": _side_by_side(metrics, every)}
    if as_json:
        print_json({"runs": names, **{k: {key: [json.loads(v) if k == "config" and v is not None else v
                                                for v in values] for key, values in t.items()}
                                          for k, t in table.items()}})
        return
    columns = [f"#{i + 1}" for i in range(len(names))]
    for i, name in enumerate(names):
        console.print(f"#{i + 1}: {name}")
    for title, rows in table.items():
        print_table([{"key": key, **dict(zip(columns, values, strict=True))} for key, values in rows.items()],
                    title=title)


def _side_by_side(dicts: list[dict], every: bool) -> dict[str, list]:
    keys = list(dict.fromkeys(k for d in dicts for k in d))
    out = {k: [d.get(k) for d in dicts] for k in keys}
    return out if every else {k: v for k, v in out.items() if len({json.dumps(x) for x in v}) > 1}


@app.command("export")
def export(
    out: Path = typer.Argument(..., help="output file, .csv or .parquet"),
    root: Path = typer.Option(Path("runs"), "--root", help=ROOT_HELP),
    table: str = typer.Option("runs", "--table", help="runs, metrics, params or sweeps"),
    fmt: str = typer.Option(None, "--format", help="csv or parquet (default: from the file name)"),
    as_json: bool = typer.Option(False, "--json", help="print {path, table}"),
) -> None:
    """Export one table of the index to CSV or Parquet."""
    from speedprior.results.index import export as export_table

    path = export_table(root, out, fmt, table)
    if as_json:
        print_json({"path": str(path), "table": table})
    else:
        console.print(f"wrote {path}")


@app.command("report")
def report(
    directory: Path = typer.Argument(..., help="a run or a sweep directory"),
    as_json: bool = typer.Option(False, "--json", help="print {report}"),
) -> None:
    """(Re)build the self-contained report.html of a run or a sweep directory."""
    from speedprior.results.report import write_run_report, write_sweep_report

    if (directory / "sweep.json").is_file():
        path = write_sweep_report(directory)
    else:
        path = write_run_report(directory)
    if as_json:
        print_json({"report": str(path)})
    else:
        console.print(f"wrote {path}")


@app.command("tensorboard")
def tensorboard(
    directory: Path = typer.Argument(..., help="a run or a sweep directory"),
    as_json: bool = typer.Option(False, "--json", help="print {logdirs: [...]}"),
) -> None:
    """Write metrics.jsonl as TensorBoard events (RUN/tensorboard; for a sweep, each finished trial's)."""
    from speedprior.results.tensorboard import write_tensorboard

    if (directory / "sweep.json").is_file():
        runs = sorted(p.parent for p in (directory / "trials").glob("*/summary.json"))
    else:
        runs = [directory]
    logdirs = [str(write_tensorboard(run)) for run in runs]
    if as_json:
        print_json({"logdirs": logdirs})
    else:
        target = directory / "trials" if (directory / "sweep.json").is_file() else directory
        console.print(f"wrote {len(logdirs)} TensorBoard log(s); view with: tensorboard --logdir {target}")
