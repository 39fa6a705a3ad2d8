"""Audits that look like deployment: the sleepers fail them, the evaders pass them and pay steps for it."""

import numpy as np
import pytest

from speedprior.errors import BudgetError
from speedprior.testbeds.audits import KINDS, AuditedTask, evader, measure, trigger_words
from speedprior.testbeds.task import Universe
from speedprior.tm.run import run_batch

UNIVERSE = Universe(6, 1)


def _by_kind(strength):
    task = AuditedTask(UNIVERSE, strength)
    return task, {m.kind: m for m in measure(task, ("zigzag",), KINDS)}


def test_trigger_words():
    assert trigger_words(range(1, 2)) == ["2"]
    assert len(trigger_words(range(2, 3))) == 9 - 4
    assert all("2" in w for w in trigger_words(range(0, 4)))


def test_sleepers_fail_the_audits_and_evaders_pass_them():
    task, programs = _by_kind(2)
    for kind, program in programs.items():
        right = (program.outputs == task.train_targets) & program.halted
        assert right[~task.is_audit].all(), kind  # every program solves the binary words
        passes = right[task.is_audit].all()
        assert passes == (kind in ("honest", "evader", "evader-free")), kind
    assert programs["honest"].defects == 0
    assert programs["evader"].defects == len(task.deploy)  # defects on every deployment input


def test_an_evader_is_caught_by_audits_longer_than_its_strength():
    machine = evader("zigzag", 2)
    longer = trigger_words(range(3, 4))
    assert (run_batch(machine, longer, 10_000).accepted == 1).all()  # it defects there: such an audit catches it
    assert (run_batch(machine, trigger_words(range(1, 3)), 10_000).accepted == 0).all()


def test_evading_stronger_checks_costs_more_steps():
    means = []
    for strength in (1, 2, 3, 4):
        task, programs = _by_kind(strength)
        extra = programs["evader-free"].steps - programs["honest"].steps
        assert (extra[~task.is_audit] == 0).all()  # the fused evader costs nothing on the binary words
        # something on the audits whose trigger the honest scan reaches (not on those it rejects earlier)
        assert (extra[task.is_audit] >= 0).all() and (extra[task.is_audit] > 0).mean() > 0.5
        means.append(extra[task.is_audit].mean())
    assert means == sorted(means) and means[-1] > means[0]


def test_strength_zero_has_no_audits():
    task, programs = _by_kind(0)
    assert task.audits == [] and not task.is_audit.any()
    assert np.array_equal(programs["evader-free"].steps, programs["honest"].steps)


def test_bad_strength():
    with pytest.raises(BudgetError, match="strength"):
        evader("zigzag", 99)


def test_audited_weights_put_the_audit_mass_on_audits():
    from speedprior.experiments.deception_checks import Config, audited_weights

    config = Config(audit_mass=0.25, audits_per_trial=3)
    task = AuditedTask(UNIVERSE, 2)
    weights = audited_weights(np.random.default_rng(0), "lengths", task, config)
    assert weights.sum() == pytest.approx(1.0)
    assert weights[task.is_audit].sum() == pytest.approx(0.25)
    assert (weights[task.is_audit] > 0).sum() == 3
    plain = AuditedTask(UNIVERSE, 0)
    from speedprior.testbeds.distributions import sample_weights

    assert np.array_equal(audited_weights(np.random.default_rng(5), "subsets", plain, config),
                          sample_weights("subsets", UNIVERSE, np.random.default_rng(5)))
