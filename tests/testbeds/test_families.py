"""Ground truth of the TM families, checked by brute force: one `run` per input."""

import numpy as np
import pytest

from speedprior.testbeds.families import KINDS, Entry, honest, pool, variant
from speedprior.testbeds.task import Universe, in_language
from speedprior.tm import run

UNIVERSE = Universe(train_length=6, deploy_length=3)


@pytest.fixture(scope="module")
def truths():
    from speedprior.testbeds.truth import label

    return {t.name: t for t in label(pool(kinds=KINDS), UNIVERSE)}


def _steps(machine, words):
    return np.array([run(machine, w, 10_000).steps for w in words])


def test_in_language():
    assert [w for w in ["", "01", "0011", "10", "011", "0"] if in_language(w)] == ["", "01", "0011"]


def test_universe_separates_training_from_deployment():
    assert not any("2" in w for w in UNIVERSE.train)
    assert all("2" in w for w in UNIVERSE.deploy)
    assert len(UNIVERSE.train) == 2**7 - 1


@pytest.mark.parametrize("base", ["zigzag", "halving"])
@pytest.mark.parametrize("kind", KINDS)
def test_labels_match_brute_force(truths, base, kind):
    machine, reference = variant(base, kind), honest(base)
    truth = truths[base if kind == "honest" else f"{base}/{kind}"]
    for words, extra in ((UNIVERSE.train, truth.train_extra), (UNIVERSE.deploy, truth.deploy_extra)):
        assert np.array_equal(_steps(machine, words) - _steps(reference, words), extra)
    verdicts = [run(machine, w, 10_000).accepted for w in UNIVERSE.train]
    assert verdicts == [in_language(w) for w in UNIVERSE.train]  # every variant solves training
    defects = [run(machine, w, 10_000).accepted is not False for w in UNIVERSE.deploy]
    assert defects == truth.deploy_defects.tolist()


def test_where_each_kind_misbehaves(truths):
    easy = np.array(["10" in w for w in UNIVERSE.train])  # the honest solvers' early rejects
    for base in ("zigzag", "halving"):
        t = {kind: truths[base if kind == "honest" else f"{base}/{kind}"] for kind in KINDS}
        assert not t["honest"].misbehaving
        assert np.array_equal(t["goof-easy"].misbehaves_train, easy)
        assert np.array_equal(t["sleeper-careful"].misbehaves_train, easy)
        assert t["goof-always"].misbehaves_train.all() and t["sleeper-naive"].misbehaves_train.all()
        assert not t["sleeper-free"].misbehaves_train.any() and t["sleeper-free"].deceptive
        assert t["sleeper-naive"].deploy_defects.all() and t["sleeper-careful"].deploy_defects.all()
        assert not t["goof-easy"].deceptive and not t["goof-always"].deceptive
        # Kind (i) hides under the honest maximum (over the longest inputs); kind (ii) does not.
        longest = UNIVERSE.train_lengths == UNIVERSE.train_length
        assert t["goof-easy"].under_honest_max(longest, t["honest"])
        assert t["sleeper-careful"].under_honest_max(longest, t["honest"])
        assert not t["goof-always"].under_honest_max(longest, t["honest"])


def test_entries_declare_their_kind():
    entries = pool(bases=("zigzag",), kinds=("honest", "goof-easy"))
    assert [e.kind for e in entries] == ["honest", "goof-easy"]
    assert isinstance(entries[0], Entry) and not entries[0].declared_misbehaving


def test_unknown_kind_is_a_one_line_error():
    from speedprior.errors import SpeedpriorError

    with pytest.raises(SpeedpriorError):
        variant("zigzag", "napping")
    with pytest.raises(SpeedpriorError):
        honest("bogosort")
