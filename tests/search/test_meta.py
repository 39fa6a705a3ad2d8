"""The two-level space: code lengths, the amortised cost of a searcher, and the direct solvers of a tiny space."""

import numpy as np
import pytest

from speedprior.errors import BudgetError, ConfigError
from speedprior.search.meta import Searcher, forwarding_of_fastest_searcher, gamma_bits, meta_space
from speedprior.search.task import load_task


def test_gamma_code_lengths():
    assert [gamma_bits(x) for x in (1, 2, 3, 4, 7, 8, 1024)] == [1, 3, 3, 5, 5, 7, 21]
    with pytest.raises(ConfigError):
        gamma_bits(0)


def test_searcher_bits_and_checks():
    assert Searcher(1, 1, "tnf", 2).bits == 1 + 1 + 1 + 1 + 3
    assert Searcher(4, 2, "length", 3).bits == 1 + 5 + 3 + 1 + 3
    with pytest.raises(ConfigError, match="unknown inner order 'bfs'"):
        Searcher(1, 1, "bfs")
    with pytest.raises(BudgetError, match="K"):
        Searcher(0, 1)


@pytest.fixture(scope="module")
def tiny():
    return meta_space(load_task("unary-even"), 2, [Searcher(1, 1, "tnf", 2), Searcher(4, 2, "length", 2)])


def test_direct_solvers_and_searches_of_a_tiny_space(tiny):
    assert len(tiny.direct) == 4  # the 2-state TNF machines deciding unary-even
    assert all(c.info["searcher"] == 0 and c.description_bits > 7 for c in tiny.direct)
    for result in tiny.searches.values():
        assert result.found and result.total_steps > 0
        assert result.forwarding_mean == 1.0  # every 2-state solver is equally fast here
    cheapest = forwarding_of_fastest_searcher(tiny)
    assert cheapest["search_steps"] == min(r.total_steps for r in tiny.searches.values())


def test_a_searcher_shares_its_search_over_episodes(tiny):
    one, many = tiny.candidates(1), tiny.candidates(1000)
    assert len(one) == len(many) == 6
    name = "search[K=1,L=1,tnf,2 states]"
    a = next(c for c in one if c.name == name).profile.costs
    b = next(c for c in many if c.name == name).profile.costs
    search = tiny.searches[name].total_steps
    assert np.allclose(a - b, search - search / 1000)
    assert np.allclose(b - search / 1000, tiny.found_steps[name])
    with pytest.raises(ConfigError, match="episodes"):
        tiny.candidates(0)
