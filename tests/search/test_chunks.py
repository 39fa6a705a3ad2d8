"""Compiled batches against their twins: the TNF stream, bits, grading and the cost to a verdict."""

import numpy as np
import pytest

from speedprior.search.chunks import ChunkedSpace, concat, grade_chunk, program_chunks, verdict_chunk
from speedprior.search.enumerate import tnf_machines
from speedprior.search.evaluate import cost_to_verdict
from speedprior.search.spaces import LengthSpace, ListSpace, TNFSpace, description_bits, parse_program, program_string
from speedprior.search.task import Task, language_examples
from tests.search.naive import run_examples_naive, tnf_machines_naive

EVEN = Task(tuple(language_examples("(11)*", "1", (0, 5))), budget=40, name="even")


@pytest.mark.parametrize("seed", range(8))
def test_compiled_stream_matches_the_python_walk(seed):
    rng = np.random.default_rng(seed)
    shapes = [(1, "01"), (2, "01"), (1, "_01"), (1, "0123"), (2, "01"), (2, "01"), (1, "_01"), (1, "_ab")]
    states, symbols = shapes[seed]
    alphabet = symbols[1:]
    inputs = ["".join(rng.choice(list(alphabet), size=n)) for n in rng.integers(0, 4, size=int(rng.integers(1, 4)))]
    stops = [("halt",), ("accept", "reject")][seed % 2]
    budget = int(rng.integers(1, 25))
    args = (states, symbols, budget, inputs, stops, alphabet, "reject" if seed % 2 else "halt")
    fast = [program_string(m) for m in tnf_machines(*args)]
    slow = [program_string(m) for m in tnf_machines_naive(*args)]
    assert fast == slow and len(fast) > 0


def test_chunked_bits_equal_description_bits():
    for space in (TNFSpace.for_task(EVEN), TNFSpace(3, "01", 30), TNFSpace(2, "01", 20, ("1", "11"))):
        for chunk in program_chunks(space, 500):
            for i in range(0, len(chunk), 7):
                assert chunk.bits[i] == description_bits(chunk.program(i).machine)


@pytest.mark.parametrize("seed", range(4))
def test_grading_and_verdicts_match_the_general_runner(seed):
    rng = np.random.default_rng(seed)
    programs = list(TNFSpace(2, "01", 12, ("", "1", "11"), ("halt",)))
    picks = [programs[int(i)] for i in rng.integers(0, len(programs), size=60)]
    chunk = next(program_chunks(ListSpace(tuple(p.machine for p in picks)), 100))
    words = ["1" * int(n) for n in rng.integers(0, 5, size=6)]
    outputs = ["1" * int(n) for n in rng.integers(0, 3, size=6)]
    for examples in (list(zip(words, outputs, strict=True)), [(w, bool(len(o) % 2)) for w, o in zip(words, outputs,
                                                                                                   strict=True)]):
        steps, halted, correct = grade_chunk(chunk, examples, 15)
        caps = rng.integers(0, 60, size=len(picks))
        costs, results = verdict_chunk(chunk, examples, caps, 15)
        for i, p in enumerate(picks):
            slow = run_examples_naive(p.machine, examples, 15)
            assert steps[i].tolist() == slow.steps.tolist() and correct[i].tolist() == slow.correct.tolist()
            assert halted[i].tolist() == slow.halted.tolist()
            expected = cost_to_verdict(p.machine, examples, int(caps[i]), 15)
            assert (int(costs[i]), {1: True, 0: False, -1: None}[int(results[i])]) == expected


def test_grading_shares_scratch_tapes_across_blocks_of_machines_without_leaks():
    # 700 machines span three blocks of the graders (one scratch tape per block, sized by its largest cap).
    rng = np.random.default_rng(7)
    programs = list(TNFSpace(2, "01", 12, ("", "1", "11"), ("halt",)))
    picks = [programs[int(i)] for i in rng.integers(0, len(programs), size=700)]
    chunk = next(program_chunks(ListSpace(tuple(p.machine for p in picks)), 1000))
    assert len(chunk) == 700
    examples = [("11", "1"), ("", "11"), ("1111", ""), ("1", "111")]
    steps, halted, correct = grade_chunk(chunk, examples, 15)
    caps = np.where(np.arange(700) < 256, 3, rng.integers(0, 60, size=700))
    costs, results = verdict_chunk(chunk, examples, caps, 15)
    for i, p in enumerate(picks):
        slow = run_examples_naive(p.machine, examples, 15)
        assert steps[i].tolist() == slow.steps.tolist() and correct[i].tolist() == slow.correct.tolist()
        assert halted[i].tolist() == slow.halted.tolist()
        expected = cost_to_verdict(p.machine, examples, int(caps[i]), 15)
        assert (int(costs[i]), {1: True, 0: False, -1: None}[int(results[i])]) == expected


def test_hand_built_spaces_of_mixed_sizes_are_padded():
    machines = [parse_program(t, undefined="reject") for t in ["1R+1R-", "1R+0RB_1R-0RA", "1R-0RB_1R-0RC_1R+0RA"]]
    joined = concat(list(program_chunks(ListSpace(tuple(machines)), 2)))
    assert joined.states == 3 and len(joined) == 3
    assert [joined.program(i).name for i in range(3)] == ["1R+1R-", "1R+0RB_1R-0RA", "1R-0RB_1R-0RC_1R+0RA"]
    steps, _, correct = grade_chunk(joined, [("", True), ("1", False), ("11", True)], 20)
    assert correct.all(axis=1).tolist() == [False, True, False]
    ordered = [p.name for p in LengthSpace(ListSpace(tuple(machines)))]
    assert ordered == sorted(ordered, key=lambda n: description_bits(parse_program(n, undefined="reject")))


def test_a_chunked_space_walks_once_and_iterates_in_order():
    space = ChunkedSpace.of(TNFSpace.for_task(EVEN))
    assert len(space) == 3835
    assert [p.name for p in space][:5] == [p.name for p in TNFSpace.for_task(EVEN)][:5]
