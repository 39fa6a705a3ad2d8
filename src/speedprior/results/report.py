"""report.html: one self-contained page per run and per sweep (plots embedded as data: URIs, no scripts).

A run's page: its report.md rendered, its plots, its summary and resolved config. A sweep's page:
trial counts, per-point and per-parameter tables with 95% intervals over seeds, one plot per
metric against each parameter, failures, every trial, and the resolved sweep config. Built from
the directories alone (speedprior.results.scan), so it can be rebuilt at any time.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from speedprior.atomic import write_text_atomic
from speedprior.errors import ConfigError
from speedprior.results.scan import (
    TIMING_KEYS,
    RunRecord,
    SweepRecord,
    flatten,
    lookup,
    metric_path,
    read_run,
    read_sweep,
)

REPORT = "report.html"
MAX_PLOTTED_METRICS = 8  # the sweep page plots this many metrics; its tables show up to MAX_TABLE_METRICS
MAX_TABLE_METRICS = 24

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1280px;padding:0 16px;color:#1b1b1b;background:#fff}
h1{font-size:24px}h2{font-size:19px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:16px}
table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f2f2f2}td.l,th.l{text-align:left}pre{background:#f6f6f6;padding:10px;overflow-x:auto;font-size:12px}
img.plot{display:block;margin:12px 0;border:1px solid #eee}.failed{color:#b00020}.muted{color:#666}
.scroll{max-height:640px;overflow:auto}
"""


# -- a run ---------------------------------------------------------------------------------------

def write_run_report(run_dir: str | Path, summary: dict | None = None) -> Path:
    """Write `run_dir/report.html` from the run directory; return its path.

    `summary` is the run's summary when it is not on disk yet (the runner writes summary.json last).
    """
    run_dir = Path(run_dir)
    if not (run_dir / "config.json").is_file():
        raise ConfigError(f"{run_dir} is not a run directory (no config.json)")
    record = read_run(run_dir, run_dir.name)
    if summary is not None:
        record = replace(record, summary=summary, status="completed", error=None)
    return write_text_atomic(run_dir / REPORT, run_html(run_dir, record))


def run_html(run_dir: Path, record: RunRecord) -> str:
    """The HTML page of one run."""
    title = record.name or record.kind or run_dir.name
    markdown = run_dir / "report.md"
    body, embedded = "", set()
    if markdown.is_file():
        body, embedded = _markdown(markdown.read_text(errors="replace"), run_dir)
    heading, _, rest = body.partition("</h1>")
    if not rest:  # report.md has no title of its own: use the run's
        heading, rest = f"<h1>{_e(title)}", body
    parts = [heading + "</h1>",
             f"<p>Kind <code>{_e(record.kind)}</code>, seed {_e(record.seed)}, status "
             f"<b class='{'failed' if record.status != 'completed' else ''}'>{_e(record.status)}</b>"
             + (f", {record.seconds:.1f} s" if record.seconds is not None else "") + ".</p>"]
    if record.params:
        parts.append("<h2>Sweep parameters</h2>" + _table([{"parameter": k, "value": json.dumps(v)}
                                                          for k, v in record.params.items()]))
    if rest.strip():
        parts.append(f"<div class='report'>{rest}</div>")
    for figure in record.figures:
        if figure not in embedded:
            parts.append(f"<h3>{_e(figure)}</h3>" + _img_file(run_dir / figure, figure))
    if record.summary is not None:
        rows = [{"key": k, "value": _num(v)} for k, v in flatten(record.summary).items()]
        parts.append("<h2>Summary (numbers)</h2>" + _table(rows, left={"key"}))
    if record.error:
        parts.append(f"<h2>Error</h2><pre class='failed'>{_e(record.error)}</pre>")
    parts.append("<h2>Resolved config</h2><pre>" + _e(json.dumps(record.config, indent=2)) + "</pre>")
    return _page(title, parts)


def _markdown(text: str, run_dir: Path) -> tuple[str, set]:
    """report.md as HTML, its images replaced by embedded copies."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    embedded = set()

    def inline(match):
        name = html.unescape(match.group(1))
        path = run_dir / name
        if "/" in name or not path.is_file() or not name.endswith(".png"):
            return match.group(0)
        embedded.add(name)
        return f'<img class="plot" alt="{_e(name)}" src="{_data_uri(path.read_bytes())}"'

    return re.sub(r'<img src="([^"]+)"', inline, body), embedded


# -- a sweep -------------------------------------------------------------------------------------

def write_sweep_report(root: str | Path) -> Path:
    """Write `root/report.html` for the sweep directory `root`; return its path."""
    root = Path(root)
    if not (root / "sweep.json").is_file():
        raise ConfigError(f"{root} is not a sweep directory (no sweep.json)")
    return write_text_atomic(root / REPORT, sweep_html(read_sweep(root, ".")))


def sweep_metrics(sweep: SweepRecord) -> dict[str, list[float | None]]:
    """Metric name -> value per trial (None where missing): the sweep's [metrics], else shared summary numbers."""
    trials = sweep.trials
    named = sweep.config.get("metrics") or {}
    if named:
        return {name: [_number(lookup(t.summary, metric_path(path, t.params))) if t.summary else None
                       for t in trials] for name, path in named.items()}
    flat = [flatten(t.summary) if t.summary else None for t in trials]
    done = [f for f in flat if f is not None]
    if not done:
        return {}
    keys = [k for k in done[0] if k not in TIMING_KEYS and all(k in f for f in done)]
    varying = [k for k in keys if len({f[k] for f in done}) > 1]
    chosen = (varying or keys)[:MAX_TABLE_METRICS]
    return {k: [f[k] if f is not None else None for f in flat] for k in chosen}


def sweep_html(sweep: SweepRecord) -> str:
    """The HTML page of one sweep."""
    trials = sweep.trials
    metrics = sweep_metrics(sweep)
    params = list(dict.fromkeys(k for t in trials for k in t.params))
    kind = trials[0].kind if trials else None
    counts = {s: sweep.count(s) for s in ("completed", "failed", "pending")}
    parts = [f"<h1>Sweep {_e(sweep.name)}</h1>",
             f"<p>{len(trials)} trials of kind <code>{_e(kind)}</code>: {counts['completed']} completed, "
             f"<span class='{'failed' if counts['failed'] else ''}'>{counts['failed']} failed</span>, "
             f"{counts['pending']} not run. Parameters: {_e(', '.join(params) or '(none: seeds only)')}; "
             f"seeds: {_e(', '.join(str(s) for s in sweep.config.get('seeds', [])))}. "
             "Intervals are 95% Student-t intervals of the mean over the trials in each row.</p>"]
    if metrics:
        parts.append("<h2>Per point (mean over seeds)</h2>" + _group_table(trials, metrics, params, params))
        for param in params:
            parts.append(f"<h2>Per value of {_e(param)}</h2>" + _group_table(trials, metrics, [param], params))
        plotted = list(metrics)[:MAX_PLOTTED_METRICS]
        if params:
            parts.append("<h2>Metrics against parameters</h2>")
            for metric in plotted:
                parts.append(f"<h3>{_e(metric)}</h3>" + _img_bytes(_metric_plot(trials, metrics[metric], metric,
                                                                                  params), metric))
        if len(metrics) > len(plotted) and params:
            parts.append(f"<p class='muted'>{len(metrics) - len(plotted)} more metrics are in the tables, "
                         "not plotted.</p>")
    failed = [t for t in trials if t.status == "failed"]
    if failed:
        parts.append("<h2 class='failed'>Failed trials</h2>" + _table(
            [{"trial": t.trial, "params": json.dumps(t.params), "seed": t.seed, "error": t.error} for t in failed],
            left={"trial", "params", "error"}))
    rows = []
    for i, t in enumerate(trials):
        link = (f"<a href='trials/{_e(t.trial)}/report.html'>{_e(t.trial)}</a>" if t.status == "completed"
                else _e(t.trial))
        row = {"trial": _Raw(link), **{p: json.dumps(t.params.get(p)) for p in params}, "seed": t.seed,
               "status": t.status}
        row.update({m: _num(v[i]) for m, v in list(metrics.items())[:MAX_PLOTTED_METRICS]})
        rows.append(row)
    parts.append("<h2>Trials</h2><div class='scroll'>" + _table(rows, left={"trial", "status", *params}) + "</div>")
    parts.append("<h2>Resolved sweep config</h2><pre>" + _e(json.dumps(sweep.config, indent=2)) + "</pre>")
    return _page(f"Sweep {sweep.name}", parts)


def interval(values: list[float]) -> tuple[float, float, float]:
    """Mean and 95% Student-t interval of the mean (NaN bounds for fewer than two values)."""
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = sum(values) / n
    if n < 2:
        return mean, math.nan, math.nan
    from scipy.special import stdtrit  # the Student-t quantile; much lighter to import than scipy.stats

    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(stdtrit(n - 1, 0.975)) * sd / math.sqrt(n)
    return mean, mean - half, mean + half


def _groups(trials: list[RunRecord], keys: list[str]) -> dict[str, list[int]]:
    groups = defaultdict(list)
    for i, t in enumerate(trials):
        groups[json.dumps([t.params.get(k) for k in keys])].append(i)
    return groups


def _group_table(trials, metrics, keys, params) -> str:
    rows = []
    for label, members in _groups(trials, keys).items():
        values = json.loads(label)
        row = {k: json.dumps(v) for k, v in zip(keys, values, strict=True)}
        row["trials"] = f"{sum(trials[i].status == 'completed' for i in members)}/{len(members)}"
        for metric, column in metrics.items():
            mean, low, high = interval([column[i] for i in members if column[i] is not None])
            row[metric] = _Raw(_e(_num(mean)) + (f" <span class='muted'>[{_num(low)}, {_num(high)}]</span>"
                                                  if not math.isnan(low) else ""))
        rows.append(row)
    return "<div class='scroll'>" + _table(rows, left=set(keys)) + "</div>"


def _metric_plot(trials, column, metric, params) -> bytes:
    from speedprior.plotting import subplots

    figure, axes = subplots(1, len(params), figsize=(max(4.2 * len(params), 5.0), 3.4), squeeze=False)
    for ax, param in zip(axes[0], params, strict=True):
        groups = _groups(trials, [param])
        labels = [json.loads(k)[0] for k in groups]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in labels)
        xs = labels if numeric else list(range(len(labels)))
        stats = [interval([column[i] for i in m if column[i] is not None]) for m in groups.values()]
        means = [s[0] for s in stats]
        errors = [[0 if math.isnan(s[1]) else s[0] - s[1] for s in stats],
                  [0 if math.isnan(s[2]) else s[2] - s[0] for s in stats]]
        ax.errorbar(xs, means, yerr=errors, fmt="o-" if numeric else "o", capsize=4, color="#1f5fa8")
        if not numeric:
            ax.set_xticks(xs, [_short(v) for v in labels], rotation=20, ha="right", fontsize=8)
        ax.set_xlabel(param)
        ax.set_ylabel(_short(metric, 40), fontsize=8)
        ax.grid(alpha=0.3)
    figure.subplots_adjust(left=0.1, right=0.98, top=0.95, bottom=0.3, wspace=0.3)  # fixed: tight_layout is slow
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    return buffer.getvalue()


# -- HTML helpers --------------------------------------------------------------------------------

class _Raw(str):
    """A table cell that is already HTML."""


def _page(title: str, parts: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>\n"
            + "\n".join(parts) + "\n</body></html>\n")


def _table(rows: list[dict], left: set = frozenset()) -> str:
    if not rows:
        return "<p class='muted'>(none)</p>"
    columns = list(dict.fromkeys(c for r in rows for c in r))
    head = "".join(f"<th class='{'l' if c in left else ''}'>{_e(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for c in columns:
            value = row.get(c)
            text = value if isinstance(value, _Raw) else _e("-" if value is None else value)
            cells.append(f"<td class='{'l' if c in left else ''}'>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _img_bytes(data: bytes, name: str) -> str:
    return f"<img class='plot' alt='{_e(name)}' src='{_data_uri(data)}'>"


def _img_file(path: Path, name: str) -> str:
    return _img_bytes(path.read_bytes(), name)


def _number(value) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return None


def _num(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _short(value, limit: int = 24) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)
