"""The tableau circuit agrees with the Turing machine on every input of length n."""

from __future__ import annotations

import numpy as np
import pytest

from speedprior.circuits.evaluate import evaluate
from speedprior.circuits.tableau import check_tableau, tableau_circuit
from speedprior.errors import BudgetError, SpeedpriorError
from speedprior.measure.inputs import all_words
from speedprior.tm import get_machine, parse_standard, run_batch, steps_profile


@pytest.mark.parametrize("name", ["sipser-0n1n-zigzag", "sipser-0n1n-halving"])
@pytest.mark.parametrize("n", [0, 1, 3, 4])
def test_tableau_agrees_with_machine_on_every_input(name, n):
    machine = get_machine(name)
    t_max = int(steps_profile(machine, [n]).steps.max())
    for t in sorted({0, t_max // 2, t_max, t_max + 2}):
        tableau = tableau_circuit(machine, n, t)
        assert check_tableau(tableau, machine) == 2**n
    full = tableau_circuit(machine, n, t_max)
    words = all_words(2, n)
    outs = evaluate(full.circuit, words.astype(np.uint8))
    expected = [int(set(w) <= {0, 1} and list(w) == sorted(w) and 2 * int(sum(w)) == n) for w in words.tolist()]
    assert outs[:, 0].tolist() == expected  # accepts exactly 0^k 1^k
    assert outs[:, 1].all()  # and halts within t_max steps


def test_tableau_of_small_random_machines():
    rng = np.random.default_rng(4)
    for _ in range(6):
        # 3-state, 2-symbol machines in Standard format, with halting transitions
        cells = []
        for _q in range(3):
            for _s in range(2):
                target = "ABCZ"[int(rng.integers(0, 4))]
                cells.append(f"{int(rng.integers(0, 2))}{'LR'[int(rng.integers(0, 2))]}{target}")
        machine = parse_standard("_".join("".join(cells[2 * q : 2 * q + 2]) for q in range(3)))
        for n, t in [(3, 5), (4, 9)]:
            tableau = tableau_circuit(machine, n, t)
            assert check_tableau(tableau, machine) == 2**n
            result = run_batch(machine, all_words(2, n), t)
            outs = evaluate(tableau.circuit, all_words(2, n).astype(np.uint8))
            assert outs[:, 1].astype(bool).tolist() == result.halted.tolist()


def test_tableau_size_grows_and_rejects_bad_input():
    machine = get_machine("sipser-0n1n-zigzag")
    sizes = [tableau_circuit(machine, 4, t).circuit.size for t in (5, 10, 20)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
    with pytest.raises(SpeedpriorError, match="1-tape"):
        tableau_circuit(get_machine("sipser-0n1n-2tape"), 4, 10)
    with pytest.raises(BudgetError):
        tableau_circuit(machine, 4, 5000)
    with pytest.raises(BudgetError):
        tableau_circuit(machine, -1, 3)


def test_tm_to_circuit_experiment_runs(tmp_path):
    from speedprior.experiments.runner import load_config, run_experiment

    config = load_config({"kind": "tm-to-circuit", "lengths": [2, 3, 4], "sweep_steps": [4, 8, 16]})
    summary = run_experiment(config, tmp_path / "run", quiet=True)
    assert (tmp_path / "run" / "tableau_size_depth.png").is_file()
    text = (tmp_path / "run" / "report.md").read_text()
    assert "Rankings" in text and "| 4 |" in text
    assert summary is not None
