"""Contract checks every registered piece passes, as scikit-learn's `check_estimator` and
Gymnasium's `check_env` do. Each raises AssertionError naming the first property that fails.

    check_prior        a prior: score and score_batch agree, ties, non-halting, name round trip
    check_program      a program kind: the Program protocol, shapes, dtypes, determinism
    check_experiment   an experiment kind: validates before running, complete run directory,
                       same config and seed give the same summary

The test suite runs them over every entry of `priors.PRIORS`, `programs.PROGRAM_KINDS` and
`experiments.KINDS`, so a registered piece that fails them fails the suite.
"""

from speedprior.testing.experiments import (
    check_experiment,
    check_rejects_bad_names,
    check_rejects_unknown_keys,
    check_run_directory,
)
from speedprior.testing.priors import check_prior
from speedprior.testing.programs import check_program

__all__ = ["check_experiment", "check_prior", "check_program", "check_rejects_bad_names",
           "check_rejects_unknown_keys", "check_run_directory"]
