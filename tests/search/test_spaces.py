"""Program spaces: description bits, program strings, length order, solvers, example grading."""

import numpy as np
import pytest

from speedprior.errors import ParseError
from speedprior.search.evaluate import cost_to_verdict, read_output, run_examples, run_examples_general
from speedprior.search.spaces import (
    LengthSpace,
    ListSpace,
    ProgramSpace,
    SolverSpace,
    TNFSpace,
    description_bits,
    parse_program,
    program_string,
    solvers,
)
from speedprior.search.task import Task, language_examples
from speedprior.tm import get_machine, parse_standard
from tests.search.naive import run_examples_naive

EVEN = Task(tuple(language_examples("(11)*", "1", (0, 8))), budget=100, name="unary-even")


def test_description_bits_follow_the_documented_code():
    # bb2: gamma(2) = 3; 4 defined flags + 4 stop flags; 3 moves x (1 + 1 + 1); one halt x (1 + 1).
    assert description_bits(parse_standard("1RB1LB_1LA1RZ")) == 3 + 8 + 9 + 2
    # One state, one accept: gamma(1) = 1; 2 defined flags; 1 stop flag; log2(2 kinds) = 1.
    decider = parse_program("1R+---", "01", undefined="reject")
    assert description_bits(decider) == 1 + 2 + 1 + 1
    # Unused states cost nothing: a 3-row table that only ever uses A equals its 1-row form.
    assert description_bits(parse_program("1R+---_------_------", undefined="reject")) == 5
    assert description_bits(get_machine("bb4")) > description_bits(parse_standard("1RB1LB_1LA1RZ"))


def test_program_strings_round_trip():
    for text in ["1R+0RB_1R-0RA", "1LB1LA_0RZ---", "---1RZ", "0LB2RA1R+_1L-0RA---"]:
        symbols = "012" if "2" in text or len(text.split("_")[0]) == 9 else "01"
        assert program_string(parse_program(text, symbols)) == text
    assert program_string(get_machine("bb3")) == "1RB1RZ_1LB0RC_1LC1LA"
    with pytest.raises(ParseError):
        parse_program("1RC---", "01")
    with pytest.raises(ParseError):
        parse_program("1R", "01")


def test_tnf_space_is_a_program_space_with_bits():
    space = TNFSpace.for_task(EVEN)
    assert isinstance(space, ProgramSpace)
    programs = list(space)
    assert len(programs) == 3835 and [p.index for p in programs[:3]] == [0, 1, 2]
    assert all(p.bits == description_bits(p.machine) for p in programs[:50])
    ordered = list(LengthSpace(programs))
    assert [p.bits for p in ordered] == sorted(p.bits for p in programs)
    assert ordered[0].bits == 7.0 and ordered[0].name == "1R+1R+_------"  # one state, two stops: shortest


def test_solvers_of_unary_even_take_n_plus_one_steps():
    found = list(solvers(TNFSpace.for_task(EVEN), EVEN, 100))
    assert [p.name for p in found] == ["1R+0RB_1R-0RA", "1R+0RB_1R-1RA", "1R+1RB_1R-0RA", "1R+1RB_1R-1RA"]
    for p in found:
        assert p.info["steps"].tolist() == [n + 1 for n in range(9)]
    assert [p.name for p in SolverSpace(TNFSpace.for_task(EVEN), EVEN.pairs(), 100)] == [p.name for p in found]


def test_solvers_accept_plain_pairs_and_machines():
    machines = [parse_program(t, undefined="reject") for t in ["1R+1R+", "1R+0RB_1R-0RA"]]
    assert [p.name for p in solvers(machines, [("", True), ("1", False), ("11", True)], 50)] == ["1R+0RB_1R-0RA"]
    assert [p.index for p in solvers(ListSpace(tuple(machines)), [("", True)], 50)] == [0, 1]


def test_function_outputs_are_read_from_the_head_to_the_first_blank():
    assert read_output("0110100", 1, "0") == "11" and read_output("011", 0, "0") == ""
    successor = parse_program("1LB1LA_0RZ---")
    result = run_examples(successor, [("", "1"), ("1", "11"), ("11", "111"), ("11", "11")], 50)
    assert result.correct.tolist() == [True, True, True, False]
    assert result.steps.tolist() == [2, 3, 3, 3]  # it writes a 1 left of the input and stops


@pytest.mark.parametrize("seed", range(5))
def test_compiled_grading_matches_the_general_runner(seed):
    rng = np.random.default_rng(seed)
    machines = [p.machine for p in TNFSpace(2, "01", 20, ("", "1", "11", "111"), ("halt",))]
    words = ["".join(rng.choice(["1"], size=n)) for n in rng.integers(0, 6, size=8)]
    outputs = ["".join(rng.choice(["0", "1"], size=n)) for n in rng.integers(0, 3, size=8)]
    for index in rng.integers(0, len(machines), size=40):
        m = machines[int(index)]
        for examples in (list(zip(words, outputs, strict=True)), [(w, bool(b)) for w, b in zip(words, outputs,
                                                                                                 strict=True)]):
            fast = run_examples(m, examples, 25)
            for slow in (run_examples_general(m, examples, 25), run_examples_naive(m, examples, 25)):
                assert fast.steps.tolist() == slow.steps.tolist()
                assert fast.halted.tolist() == slow.halted.tolist() and fast.correct.tolist() == slow.correct.tolist()


def test_cost_to_verdict_stops_at_the_first_failure_or_the_cap():
    even = parse_program("1R+0RB_1R-0RA", undefined="reject")
    examples = [("", True), ("11", True), ("1", True), ("1111", True)]
    assert cost_to_verdict(even, examples, 100) == (1 + 3 + 2, False)
    assert cost_to_verdict(even, examples[:2] + examples[3:], 100) == (1 + 3 + 5, True)
    assert cost_to_verdict(even, examples[:2], 3) == (4, None)
    loop = parse_program("1RA1RA", undefined="reject")
    assert cost_to_verdict(loop, examples, 50, budget=10) == (51, None)


def test_solvers_take_multi_tape_machines_one_by_one():
    examples = [("", True), ("01", True), ("0011", True), ("10", False), ("011", False)]
    accept_all = parse_program("1R+1R+1R+1R+", "_01x", "01")
    machines = [get_machine("sipser-0n1n-2tape"), get_machine("sipser-0n1n-zigzag"), accept_all]
    found = list(solvers(machines, examples, 1000))
    assert [p.index for p in found] == [0, 1]
    assert found[0].info["steps"].tolist() == run_examples(machines[0], examples, 1000).steps.tolist()
