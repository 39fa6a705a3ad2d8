"""report.html in a real browser: headless Chromium renders it, and the screenshot shows every plot.

Each embedded plot is searched for, pixel for pixel, in the screenshot (the page shows images at
their natural size, and Chromium runs with a device scale of 1 and an sRGB profile). Skipped,
with a message, where Debian's `chromium` (or Google Chrome) is not installed.
"""

import io
import shutil
import subprocess

import numpy as np
import pytest

from speedprior.results.report import write_run_report, write_sweep_report
from tests.sweeps.helpers import synthetic_run, synthetic_sweep
from tests.sweeps.test_report import embedded_pngs

BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium: `apt-get install -y chromium` to run this test")


def screenshot(page, folder, height: int) -> np.ndarray:
    """Render `page` in headless Chromium; the screenshot as an RGB array."""
    from PIL import Image

    shot = folder / "shot.png"
    command = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", f"--user-data-dir={folder / 'profile'}",
               "--hide-scrollbars", "--force-device-scale-factor=1", "--force-color-profile=srgb",
               f"--window-size=1400,{height}", f"--screenshot={shot}", page.resolve().as_uri()]
    subprocess.run(command, capture_output=True, timeout=120, check=True)
    return np.asarray(Image.open(shot).convert("RGB"))


def find(image: np.ndarray, shot: np.ndarray) -> tuple[int, int] | None:
    """Where `image` appears in `shot` (top-left corner), matching every pixel within 2 levels; or None."""
    height, width, _ = image.shape
    row = max(range(height), key=lambda r: len(np.unique(image[r], axis=0)))  # the busiest row anchors the search
    needle = image[row].tobytes()
    for y in range(row, shot.shape[0] - (height - row) + 1):
        haystack = shot[y].tobytes()
        x = haystack.find(needle)
        while x >= 0:
            if x % 3 == 0:
                top, left = y - row, x // 3
                block = shot[top:top + height, left:left + width].astype(int)
                if block.shape == image.shape and np.abs(block - image).max() <= 2:
                    return top, left
            x = haystack.find(needle, x + 1)
    return None


def pixels(png: bytes) -> np.ndarray:
    """A PNG's pixels as RGB, composited on white as a browser shows them."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGBA")
    background = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(background, image).convert("RGB"))


@pytest.mark.parametrize("what", ["sweep", "run"])
def test_chromium_renders_the_report_with_every_plot(what, tmp_path):
    if what == "sweep":
        page = write_sweep_report(synthetic_sweep(tmp_path / "sweep", widths=(1, 2, 4), rates=(0.1, 0.3),
                                                  seeds=range(2), extra_metrics=1))
    else:
        from speedprior.plotting import subplots

        run = synthetic_run(tmp_path / "run")
        for name, ys in (("rising", [0, 1, 3]), ("falling", [3, 1, 0])):
            figure, ax = subplots(figsize=(5, 3))
            ax.plot([0, 1, 2], ys, color="tab:red")
            ax.set_title(name)
            figure.savefig(run / f"{name}.png", dpi=80)
        page = write_run_report(run)
    plots = [pixels(p) for p in embedded_pngs(page.read_text())]
    assert len(plots) == (3 if what == "sweep" else 2)
    shot = screenshot(page, tmp_path, height=sum(p.shape[0] for p in plots) + 2500)
    assert shot.std() > 5 and (shot.min(axis=2) < 200).sum() > 10_000, "the screenshot is blank"
    places = [find(plot, shot) for plot in plots]
    assert all(place is not None for place in places), f"plots not on screen: {places}"
    assert len(set(places)) == len(places)
    assert find(np.ascontiguousarray(plots[0][::-1]), shot) is None  # the search does not match just anything
