"""Sweep report and index build time for a 1,000-trial sweep, against the same page built by hand.

Writes a sweep directory of 1,000 finished trials (10 widths × 10 rates × 10 seeds, as the sweep
driver lays them out) and times `write_sweep_report` (report.html: tables with intervals, one plot
per metric against each parameter; 8 metrics) and `build_index` (index.duckdb). Target: report <= 10 s.

The baseline is the page a researcher would write without this library, in the same process on
the same directory: DuckDB reads every trial.json and summary.json (read_json_auto over a glob),
GROUP BY gives the per-point and per-parameter means and standard deviations, scipy's Student-t
quantile the 95% intervals, matplotlib draws the same errorbar plots (same size, dpi and margins)
into base64 PNGs, and one f-string HTML page holds them, the trial table and the config. Times are
the fastest of 3, both as CPU time of this process (time.process_time: every thread, DuckDB's
included; other processes on a shared machine not counted) and as wall time.

    .venv/bin/python benchmarks/bench_sweep_report.py
"""

import base64
import html
import io
import json
import math
import sys
import tempfile
import time
from pathlib import Path

from bench_tm import cpu_model
from timing import best_of

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.sweeps.helpers: the synthetic sweep

from tests.sweeps.helpers import synthetic_sweep  # noqa: E402

from speedprior.results.index import build_index  # noqa: E402
from speedprior.results.report import sweep_metrics, write_sweep_report  # noqa: E402
from speedprior.results.scan import read_sweep  # noqa: E402

REPEATS = 3


def best_cpu_and_wall(function) -> tuple[float, float, object]:
    """(fastest CPU time, fastest wall time, last result) over REPEATS calls."""
    cpu, wall, result = [], [], None
    for _ in range(REPEATS):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        result = function()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return min(cpu), min(wall), result


def peer_report(root: Path, params: list[str], metrics: list[str]) -> Path:
    """The same sweep page, written the direct way: DuckDB SQL over the JSON files, matplotlib, an f-string."""
    import duckdb
    import matplotlib.pyplot as plt
    from scipy.special import stdtrit

    config = json.loads((root / "sweep.json").read_text())["config"]
    con = duckdb.connect()
    columns = ", ".join(f's.{m} AS "{m}"' for m in metrics)  # dotted names are struct fields in DuckDB
    con.execute(f"""
        CREATE TABLE trials AS
        SELECT t.trial, t.seed, {", ".join(f't.params.{p} AS "{p}"' for p in params)}, {columns}
        FROM read_json_auto('{root}/trials/*/trial.json', filename = true) t
        JOIN read_json_auto('{root}/trials/*/summary.json', filename = true) s
          ON parse_dirpath(t.filename) = parse_dirpath(s.filename)
        ORDER BY t.trial""")

    def grouped(keys: list[str]) -> list[tuple]:
        stats = ", ".join(f'count("{m}"), avg("{m}"), stddev_samp("{m}")' for m in metrics)
        keys_sql = ", ".join(f'"{k}"' for k in keys)
        return con.execute(f"SELECT {keys_sql}, count(*), {stats} FROM trials GROUP BY {keys_sql} "
                           f"ORDER BY {keys_sql}").fetchall()

    def interval(n, mean, sd) -> tuple[float, float]:
        half = float(stdtrit(n - 1, 0.975)) * sd / math.sqrt(n) if n > 1 and sd is not None else math.nan
        return mean, half

    def table(keys: list[str], rows: list[tuple]) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in [*keys, "trials", *metrics])
        body = []
        for row in rows:
            cells = [*row[:len(keys)], row[len(keys)]]
            for k in range(len(metrics)):
                n, mean, sd = row[len(keys) + 1 + 3 * k: len(keys) + 4 + 3 * k]
                mean, half = interval(n, mean, sd)
                cells.append(f"{mean:.4g} [{mean - half:.4g}, {mean + half:.4g}]")
            body.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
        return f"<table><tr>{head}</tr>{''.join(body)}</table>"

    by_param = {p: grouped([p]) for p in params}
    parts = [f"<h1>Sweep {html.escape(config['name'])}</h1>",
             "<h2>Per point</h2>" + table(params, grouped(params))]
    parts += [f"<h2>Per value of {p}</h2>" + table([p], rows) for p, rows in by_param.items()]
    for k, metric in enumerate(metrics):
        figure, axes = plt.subplots(1, len(params), figsize=(max(4.2 * len(params), 5.0), 3.4), squeeze=False)
        for ax, param in zip(axes[0], params, strict=True):
            rows = by_param[param]
            stats = [interval(*row[2 + 3 * k: 5 + 3 * k]) for row in rows]
            ax.errorbar([row[0] for row in rows], [m for m, _ in stats],
                        yerr=[0 if math.isnan(h) else h for _, h in stats], fmt="o-", capsize=4)
            ax.set_xlabel(param)
            ax.set_ylabel(metric, fontsize=8)
            ax.grid(alpha=0.3)
        figure.subplots_adjust(left=0.1, right=0.98, top=0.95, bottom=0.3, wspace=0.3)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=90)
        plt.close(figure)
        parts.append(f"<h3>{metric}</h3><img src='data:image/png;base64,"
                     f"{base64.b64encode(buffer.getvalue()).decode()}'>")
    trial_rows = con.execute(f'SELECT trial, {", ".join(chr(34) + c + chr(34) for c in [*params, "seed", *metrics])} '
                             "FROM trials ORDER BY trial").fetchall()
    parts.append("<h2>Trials</h2><table>" + "".join(
        f"<tr><td><a href='trials/{row[0]}/report.html'>{row[0]}</a></td>"
        + "".join(f"<td>{value}</td>" for value in row[1:]) + "</tr>" for row in trial_rows) + "</table>")
    parts.append(f"<h2>Resolved sweep config</h2><pre>{html.escape(json.dumps(config, indent=2))}</pre>")
    path = root / "peer.html"
    path.write_text("<!DOCTYPE html><html><body>" + "\n".join(parts) + "</body></html>")
    return path


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = synthetic_sweep(Path(scratch) / "bench", widths=range(1, 11), rates=[r / 10 for r in range(10)],
                               seeds=range(10), extra_metrics=6)
        start = time.perf_counter()
        write_sweep_report(root)  # the first call pays for importing matplotlib
        cold_s = time.perf_counter() - start
        sweep = read_sweep(root, ".")
        metrics = list(sweep_metrics(sweep))
        params = list(sweep.config["grid"])
        peer_report(root, params, metrics)  # warm its imports (duckdb, pyplot) too
        ours_cpu, ours_wall, path = best_cpu_and_wall(lambda: write_sweep_report(root))
        peer_cpu, peer_wall, peer_path = best_cpu_and_wall(lambda: peer_report(root, params, metrics))
        index_s, _ = best_of(REPEATS, lambda: build_index(root))
        size, peer_size = path.stat().st_size, peer_path.stat().st_size
        plots = (path.read_text().count("data:image/png"), peer_path.read_text().count("data:image/png"))
    print(f"CPU: {cpu_model()}")
    print(f"1,000-trial sweep report.html (8 metrics x 2 parameters, {plots[0]} plots): first {cold_s:.2f} s wall, "
          f"best of {REPEATS} {ours_cpu:.2f} s CPU / {ours_wall:.2f} s wall ({size / 1e6:.2f} MB); target <= 10 s")
    print(f"baseline, the same tables, intervals and {plots[1]} plots by hand (DuckDB SQL over the JSON files, "
          f"matplotlib, one f-string): {peer_cpu:.2f} s CPU / {peer_wall:.2f} s wall ({peer_size / 1e6:.2f} MB)")
    print(f"ratio report / baseline: {ours_cpu / peer_cpu:.2f} (CPU), {ours_wall / peer_wall:.2f} (wall)")
    print(f"1,000-trial index.duckdb rebuild: {index_s:.2f} s")


if __name__ == "__main__":
    main()
