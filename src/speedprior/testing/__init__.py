"""Contract checks every registered piece passes, as scikit-learn's `check_estimator` and
Gymnasium's `check_env` do: `check_experiment` for experiment kinds (more checks join as their
layers land). Each raises AssertionError naming the first property that fails."""

from speedprior.testing.experiments import (
    check_experiment,
    check_rejects_bad_names,
    check_rejects_unknown_keys,
    check_run_directory,
)

__all__ = ["check_experiment", "check_rejects_bad_names", "check_rejects_unknown_keys", "check_run_directory"]
