"""meta-learning: simplicity and Levin's Kt pick a searcher, the speed priors never do."""

import pytest

from speedprior.errors import ConfigError
from speedprior.experiments import load_config, run_config


def test_who_selects_a_searcher(tmp_path):
    summary = run_config({"kind": "meta-learning", "task": "unary-even", "states": 2, "inner_states": 2,
                          "ks": [1, 8], "ls": [1, 8],
                          "orders": ["tnf"], "episodes": [1, 10**6],
                          "priors": ["simplicity", "average", "max", "levin-kt"]}, tmp_path / "run", quiet=True)
    share = {(r["prior"], r["episodes"]): r["searcher_share"] for r in summary["selections"]}
    assert share[("simplicity", 1)] == 1.0 and share[("levin-kt", 1)] == 1.0
    # a searcher runs the found machine plus a share of its search: never faster than the fastest direct solver
    assert share[("average", 1)] == share[("average", 10**6)] == share[("max", 10**6)] == 0.0
    assert summary["direct_solvers"] == 4 and summary["searchers_found"] == 4


@pytest.mark.parametrize(("key", "value"), [("task", "no-such-task"), ("priors", ["fast"]), ("orders", ["bfs"]),
                                            ("ks", [0]), ("episodes", []), ("states", 4)])
def test_bad_configs(key, value):
    with pytest.raises(ConfigError, match=key):
        load_config({"kind": "meta-learning", key: value})
