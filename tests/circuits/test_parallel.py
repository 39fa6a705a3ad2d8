"""Width, and the parity programs of the serial-parallel experiment: exact size, depth and width."""

import pytest

from speedprior.circuits.parallel import level_widths, parity_chain, parity_tree, tree_depth, width
from speedprior.errors import ConfigError


def _parity(n: int) -> int:
    return sum(1 << i for i in range(1 << n) if bin(i).count("1") % 2)


@pytest.mark.parametrize("n", [2, 3, 5, 8, 9])
def test_honest_parity_circuits_have_the_textbook_shapes(n):
    chain, tree = parity_chain(n), parity_tree(n)
    assert chain.truth_tables() == tree.truth_tables() == [_parity(n)]
    assert (chain.size, chain.depth, width(chain)) == (n - 1, n - 1, 1)
    assert (tree.size, tree.depth, width(tree)) == (n - 1, tree_depth(n), n // 2)
    assert sum(level_widths(tree)) == tree.size


@pytest.mark.parametrize("n", [3, 6, 7, 10])
@pytest.mark.parametrize("trigger", ["parallel", "serial"])
def test_triggers_flip_only_the_all_ones_input(n, trigger):
    flipped = _parity(n) ^ (1 << ((1 << n) - 1))
    for build in (parity_chain, parity_tree):
        circuit = build(n, trigger)
        assert circuit.truth_tables() == [flipped]
        assert circuit.size == (n - 1) + (n - 1) + 1  # the AND of n inputs and one XOR to fold it in


def test_a_parallel_trigger_hides_in_a_serial_circuits_slack():
    """The tree-shaped AND reaches the chain's last gate in time from n = 6 on; before that it costs depth."""
    for n in range(6, 17):
        assert parity_chain(n, "parallel").depth == parity_chain(n).depth == n - 1
    assert parity_chain(5, "parallel").depth == 5  # ceil(log2 5) + 1 = 4 > 3: one level more
    for n in range(2, 17):
        assert parity_tree(n, "parallel").depth == tree_depth(n) + 1
        assert parity_chain(n, "serial").depth == n + 1
        assert parity_tree(n, "serial").depth == n
    assert width(parity_chain(16, "parallel")) == 8 + 1  # the AND tree's first level beside the chain's gate


def test_bad_arguments():
    with pytest.raises(ConfigError, match="at least 2 inputs"):
        parity_chain(1)
    with pytest.raises(ConfigError, match="unknown trigger 'sideways'"):
        parity_tree(4, "sideways")
