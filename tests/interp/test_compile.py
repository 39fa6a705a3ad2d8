"""Compiled ReLU networks compute their circuit exactly, at the circuit's depth; scrambles keep the function."""

import numpy as np
import pytest

from speedprior.circuits.circuit import AND, BUF, NOT, XOR, Circuit, Gate
from speedprior.circuits.evaluate import evaluate
from speedprior.errors import SpeedpriorError
from speedprior.interp.compile import all_inputs, check_compiled, compile_circuit
from speedprior.interp.random_circuits import GATE_TYPES, gate_type_counts, random_circuit
from speedprior.interp.scramble import scramble
from speedprior.interp.similarity import affine_fit_r2, linear_cka


@pytest.mark.parametrize("op", range(16))
def test_every_two_input_function_compiles_to_one_exact_layer(op):
    circuit = Circuit(2, (Gate(op, (2, 4)),), (6,), "full")
    network = compile_circuit(circuit)
    assert network.depth == 1
    x = all_inputs(2)
    assert np.array_equal(network(x), evaluate(circuit, x).astype(float))


def test_unary_gates_constants_and_complemented_edges():
    not_circuit = Circuit(1, (Gate(NOT, (2,)), Gate(BUF, (4,))), (4, 6, 0, 1), "full")
    # NOT x0, BUF(NOT x0), FALSE, TRUE
    assert np.array_equal(compile_circuit(not_circuit)(all_inputs(1)), [[1, 1, 0, 1], [0, 0, 0, 1]])
    aig = Circuit(2, (Gate(AND, (3, 4)),), (7,), "aig")  # NOT(NOT x0 AND x1)
    assert np.array_equal(compile_circuit(aig)(all_inputs(2)).ravel(), [1, 1, 0, 1])


def test_widths_follow_the_levels_and_pass_throughs():
    # x0 XOR x1 at level 1; AND with x2 at level 2: x2 is carried through level 1 by one pass-through unit
    circuit = Circuit(3, (Gate(XOR, (2, 4)), Gate(AND, (8, 6))), (10,), "xaig")
    network = compile_circuit(circuit)
    assert network.widths == [3, 3, 1, 1]  # XOR: 2 units + 1 pass-through; AND: 1 unit
    assert network.unit_gate == [[-1, 0, 0], [1]]


@pytest.mark.parametrize("basis", ["and-or-not", "aig", "xaig", "full"])
def test_random_circuits_compile_exactly_on_every_input(basis):
    rng = np.random.default_rng(1)
    for _ in range(40):
        circuit = random_circuit(5, 9, 2, basis, rng)
        network = compile_circuit(circuit)
        assert check_compiled(circuit, network) == 32
        assert network.depth == circuit.depth
        assert gate_type_counts(circuit).shape == (circuit.depth, len(GATE_TYPES))
        assert gate_type_counts(circuit).sum() == circuit.size


def test_check_compiled_catches_a_wrong_weight():
    circuit = Circuit(2, (Gate(AND, (2, 4)),), (6,), "aig")
    network = compile_circuit(circuit)
    network.biases[0][0] = 0.0  # relu(a + b) is not AND
    with pytest.raises(SpeedpriorError, match="differs from the circuit on input"):
        check_compiled(circuit, network)


def test_scrambles_preserve_the_function_and_move_the_weights():
    rng = np.random.default_rng(2)
    circuit = random_circuit(5, 9, 2, "full", rng)
    network = compile_circuit(circuit)
    scrambled = scramble(network, rng, max_scale=4.0)
    x = all_inputs(5)
    assert np.allclose(scrambled(x), network(x), atol=1e-12)
    assert not all(np.array_equal(a, b) for a, b in zip(scrambled.weights, network.weights, strict=True))
    for h, g in zip(network.hidden(x), scrambled.hidden(x), strict=True):
        assert affine_fit_r2(g, h) > 1 - 1e-9  # a permutation and rescaling is an invertible linear map
    unscaled = scramble(network, rng, max_scale=1.0)
    for h, g in zip(network.hidden(x), unscaled.hidden(x), strict=True):
        assert linear_cka(h, g) == pytest.approx(1.0)  # a permutation alone is orthogonal


def test_similarity_measures_on_known_cases():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 4))
    assert linear_cka(x, 3 * x) == pytest.approx(1.0)
    assert linear_cka(x, rng.normal(size=(200, 4))) < 0.2
    assert affine_fit_r2(x, x @ rng.normal(size=(4, 3)) + 5) == pytest.approx(1.0)
    assert affine_fit_r2(x[:, :1], x[:, 1:2]) < 0.1
