"""The contract checks run over every registered prior and program kind, and catch broken ones."""

import numpy as np
import pytest

import speedprior.search.program  # noqa: F401  (registers the search space's program kind)
from speedprior.errors import ConfigError, UnknownNameError
from speedprior.measure.profile import CostProfile
from speedprior.priors import PRIORS, Candidate, CandidateBatch, MaxSpeed, Prior, Simplicity, get_prior
from speedprior.programs import EXAMPLE_INPUTS, PROGRAM_KINDS, Outcome, TableProgram
from speedprior.testing.priors import check_prior
from speedprior.testing.programs import check_program

PRIOR_SPECS = [*PRIORS, "q0.5", "q0", "q1", "simplicity+0.5*average", "0.5*max+0.5*average", "circuit-size+2*levin-kt"]


@pytest.mark.parametrize("spec", PRIOR_SPECS)
def test_every_registered_prior_keeps_the_contract(spec):
    check_prior(get_prior(spec))


@pytest.mark.parametrize("kind", sorted(PROGRAM_KINDS))
def test_every_program_kind_keeps_the_contract(kind):
    check_program(PROGRAM_KINDS[kind](), inputs=EXAMPLE_INPUTS[kind])


def test_the_search_program_is_registered():
    assert {"tm", "table", "circuit", "search"} <= set(PROGRAM_KINDS)


class _BatchDisagrees(Simplicity):
    name = "broken-batch"

    def score_batch(self, batch):
        return super().score_batch(batch) + 1.0


class _LoopsAreFinite(MaxSpeed):
    name = "broken-loops"

    def score(self, candidate):
        return float(np.nan_to_num(super().score(candidate), posinf=1e9))

    def score_batch(self, batch):
        return np.nan_to_num(super().score_batch(batch), posinf=1e9)


class _ReturnsInt(Prior):
    name = "broken-int"

    def score(self, candidate):
        return 1


@pytest.mark.parametrize("prior, message", [(_BatchDisagrees(), "score_batch gives"),
                                            (_LoopsAreFinite(), r"\+inf"), (_ReturnsInt(), "not float")])
def test_check_prior_names_the_broken_property(prior, message):
    with pytest.raises(AssertionError, match=message):
        check_prior(prior)


def test_check_program_names_the_broken_property():
    negative = TableProgram("negative", lambda x: (1, float(len(x))), bits=-1.0)
    with pytest.raises(AssertionError, match="description_bits"):
        check_program(negative, inputs=["1"])

    class WrongRows:
        name = "wrong-rows"
        description_bits = 1.0

        def evaluate(self, inputs):
            return Outcome(np.zeros(1, np.int8), np.zeros(1), np.ones(1, bool))

    with pytest.raises(AssertionError, match="shape"):
        check_program(WrongRows(), inputs=["1", "0"])

    class WrongDtype(WrongRows):
        def evaluate(self, inputs):
            n = len(inputs)
            return Outcome(np.zeros(n, np.int64), np.zeros(n), np.ones(n, bool))

    with pytest.raises(AssertionError, match="dtype"):
        check_program(WrongDtype(), inputs=["1", "0"])


def test_batch_equals_scalar_scores_on_random_profiles():
    rng = np.random.default_rng(0)
    for _ in range(50):
        weights = rng.random(9) * (rng.random(9) < 0.7)
        costs = rng.integers(0, 40, (6, 9)) * rng.choice([1.0, 0.37])
        halted = rng.random((6, 9)) < 0.95
        candidates = [Candidate(f"c{i}", CostProfile(costs[i], halted[i], None, weights), float(i)) for i in range(6)]
        batch = CandidateBatch.from_candidates(candidates)
        for spec in ("max", "average", "q0.5", "q0.9", "levin-kt", "simplicity+0.5*average"):
            prior = get_prior(spec)
            assert np.array_equal(prior.score_batch(batch), [prior.score(c) for c in candidates], equal_nan=True)


@pytest.mark.parametrize("spec", ["0.5*0.5*max+average", "x*average+max", "nan*max", "inf*max", "-1*max", "max+",
                                  "+max", "max++average", "*max", "2*", "1e999*max"])
def test_bad_mixtures_are_one_line_config_errors(spec):
    with pytest.raises(ConfigError, match="known names: none, uniform, max") as error:
        get_prior(spec)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("spec", ["fastness", "qnan", "q2", "q-1", "", "levin"])
def test_unknown_priors_list_the_valid_names(spec):
    with pytest.raises(UnknownNameError, match="known: none, uniform, max, average"):
        get_prior(spec)
