"""Imitators of a compiled network's shape and the gate-type interpreter."""

import numpy as np

from speedprior.interp.compile import all_inputs, compile_circuit
from speedprior.interp.imitate import ImitationConfig, imitate
from speedprior.interp.interpreter import N_FEATURES, Interpreter, count_accuracy, unit_features
from speedprior.interp.random_circuits import GATE_TYPES, gate_type_counts, random_circuit


def test_imitator_has_the_shape_and_learns_xor():
    from speedprior.circuits.circuit import XOR, Circuit, Gate

    network = compile_circuit(Circuit(2, (Gate(XOR, (2, 4)),), (6,), "xaig"))
    x = all_inputs(2)
    # two ReLUs are just enough for XOR, so some initialisations die: one of eight seeds must get there
    runs = [imitate(network, x, seed=seed, config=ImitationConfig(steps=1000, lr=0.02)) for seed in range(8)]
    assert all(trained.widths == network.widths for trained, _, _ in runs)
    assert any(exact for _, exact, _ in runs)
    for trained, exact, steps in runs:
        assert np.array_equal(np.round(trained(x)), network(x)) == exact
        assert steps % 50 == 0 and steps <= 1000 and (exact or steps == 1000)
    untrained, exact, steps = imitate(network, x, seed=0, train=False)
    assert (exact, steps) == (False, 0)


def test_unit_features_shape_and_interpreter_learns_compiled_networks():
    rng = np.random.default_rng(0)
    circuits = [random_circuit(4, 6, 1, basis, rng) for basis in ("aig", "full") * 20]
    layers, counts = [], []
    for circuit in circuits:
        network = compile_circuit(circuit)
        for layer in range(network.depth):
            assert unit_features(network, layer).shape == (network.widths[layer + 1], N_FEATURES)
            layers.append((network, layer))
            counts.append(gate_type_counts(circuit)[layer])
    counts = np.array(counts)
    interpreter = Interpreter(len(GATE_TYPES), hidden=32, steps=200, seed=0).fit(layers, counts)
    predicted = interpreter.predict(layers)
    assert predicted.shape == counts.shape
    whole, per_type = count_accuracy(predicted, counts)
    guess_whole, guess_type = count_accuracy(np.broadcast_to(np.round(counts.mean(0)), counts.shape), counts)
    assert per_type > guess_type and whole > guess_whole  # it reads the weights, not the prior


def test_count_accuracy():
    truth = np.array([[1, 0], [2, 1]])
    assert count_accuracy(np.array([[1, 0], [2, 0]]), truth) == (0.5, 0.75)
    assert count_accuracy(np.zeros((0, 2)), np.zeros((0, 2))) == (0.0, 0.0)
