"""report.html: self-contained pages for a run and a sweep, with intervals over seeds and embedded plots."""

import base64
import json
import math
import re

import pytest

from speedprior.errors import ConfigError
from speedprior.plotting import subplots
from speedprior.results.report import interval, write_run_report, write_sweep_report
from tests.sweeps.helpers import synthetic_run, synthetic_sweep


def embedded_pngs(html: str) -> list[bytes]:
    """The PNG images a page embeds."""
    return [base64.b64decode(data) for data in re.findall(r"src=['\"]data:image/png;base64,([A-Za-z0-9+/=]+)", html)]


def assert_self_contained(html: str) -> None:
    """Nothing the page shows is fetched from elsewhere, and it runs no script."""
    assert "<script" not in html and "<link" not in html and "@import" not in html
    sources = re.findall(r"src=['\"]([^'\"]+)", html)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)


def test_a_run_report_embeds_its_plots_and_shows_its_config(tmp_path):
    run = synthetic_run(tmp_path / "run", score=0.75)
    figure, ax = subplots()
    ax.plot([0, 1, 2], [1, 0, 1])
    figure.savefig(run / "curve.png")
    figure.savefig(run / "unreferenced.png")
    (run / "report.md").write_text("# solo\n\n## Result\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                                   "![curve.png](curve.png)\n")
    html = write_run_report(run).read_text()
    assert_self_contained(html)
    assert len(embedded_pngs(html)) == 2  # the report.md's figure inline, the other after it
    assert embedded_pngs(html)[0] == (run / "curve.png").read_bytes()
    assert "<table>" in html and "<td>1</td>" in html.replace(" class=''", "")  # markdown tables rendered
    assert "&quot;budget&quot;: 100" in html and "0.75" in html


def test_interval_is_the_student_t_interval_of_the_mean():
    mean, low, high = interval([0.1, 0.11, 0.12])
    assert mean == pytest.approx(0.11)
    assert high - mean == pytest.approx(4.302653 * 0.01 / math.sqrt(3), rel=1e-5)
    assert low == pytest.approx(2 * mean - high)
    assert math.isnan(interval([1.0])[1]) and math.isnan(interval([])[0])


def test_a_sweep_report_has_tables_with_intervals_plots_and_failures(tmp_path):
    root = synthetic_sweep(tmp_path / "sweep", widths=(1, 2, 4), rates=(0.1, 0.3), seeds=range(3), fail=1)
    html = write_sweep_report(root).read_text()
    assert_self_contained(html)
    assert "18 trials of kind <code>tm-compare</code>: 17 completed" in html
    assert "Per value of width" in html and "Per value of rate" in html
    # width 1, rate 0.1: scores 0.10, 0.11, 0.12 over seeds -> 0.11 [0.08516, 0.1348]
    assert "0.11 <span class='muted'>[0.08516, 0.1348]</span>" in html
    # metrics: every varying number common to the finished trials (seconds, constants and text left out)
    plots = embedded_pngs(html)
    assert len(plots) == 2 and all(p.startswith(b"\x89PNG") for p in plots)  # score and nested.steps
    assert "<h3>score</h3>" in html and "<h3>nested.steps</h3>" in html and "nested.ok</h3>" not in html
    assert "Failed trials" in html and "synthetic failure" in html
    assert "href='trials/0000-00010010/report.html'" in html  # relative links to each trial's page
    assert "&quot;retries&quot;: 1" in html  # the resolved sweep config


def test_named_metrics_follow_the_parameters(tmp_path):
    root = synthetic_sweep(tmp_path / "sweep", widths=(1, 2), rates=(0.5,), seeds=range(2))
    stored = json.loads((root / "sweep.json").read_text())
    stored["config"]["metrics"] = {"steps of this width": "nested.steps", "same": "score"}
    (root / "sweep.json").write_text(json.dumps(stored))
    html = write_sweep_report(root).read_text()
    assert "<h3>steps of this width</h3>" in html and "<h3>same</h3>" in html and len(embedded_pngs(html)) == 2


def test_report_of_something_else_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="not a sweep directory"):
        write_sweep_report(tmp_path)
    with pytest.raises(ConfigError, match="not a run directory"):
        write_run_report(tmp_path)
