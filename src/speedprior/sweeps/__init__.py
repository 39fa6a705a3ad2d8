"""Sweeps: one experiment config over a grid or a list of parameters × seeds, on a process pool or Ray.

`run_sweep(config, out)` expands the sweep (config.py), runs each unfinished trial on a backend
(local.py, ray_backend.py) through trial.py, which commits a trial by renaming its finished
directory into place, logs what it did (journal.py) and then indexes and reports the results
(speedprior.results). pools.py offers the same two process models as plain executors, for
independent tasks outside a sweep (the shards of a resumable enumeration). See docs/sweeps.md.
"""

from speedprior.sweeps.config import SweepConfig, Trial, expand, load_sweep
from speedprior.sweeps.driver import run_sweep

__all__ = ["SweepConfig", "Trial", "expand", "load_sweep", "run_sweep"]
