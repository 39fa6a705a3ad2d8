"""Slow, obviously correct twins of the search kernels, in plain Python (no compiled code).

`tnf_machines_naive` walks the TNF tree with a stack of partial machines; `enumerate_blank_naive`
walks it from the blank tape re-running every node from scratch; `run_examples_naive` runs a
machine on each example with a dict tape. Tests and the enumeration benchmark compare the
kernels with these.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from speedprior.search.encoding import encode_words
from speedprior.search.enumerate import DEFAULT_BUDGET, _check, _children, _root, machine_from_tables
from speedprior.search.enumerate import _stream_setup as stream_setup
from speedprior.search.evaluate import ExampleResults, as_examples
from speedprior.tm.machine import ACCEPT, HALT, REJECT, UNDEFINED, TuringMachine
from speedprior.tm.standard import to_standard


def run_partial(ns, wr, mv, m: int, word: Sequence[int], budget: int) -> tuple[int, int, int, dict, int]:
    """Run a flat (partial) table on one word: (undefined transition reached or -1, stop code or state,
    steps, tape, head). A stop step counts; reaching an undefined transition does not."""
    tape = {i: int(s) for i, s in enumerate(word) if s}
    head, state, steps = 0, 0, 0
    while steps < budget:
        t = state * m + tape.get(head, 0)
        if ns[t] == UNDEFINED:
            return int(t), state, steps, tape, head
        tape[head] = int(wr[t])
        head += int(mv[t])
        steps += 1
        if ns[t] < 0:
            return -1, int(ns[t]), steps, tape, head
        state = int(ns[t])
    return -1, state, steps, tape, head


def tnf_machines_naive(states: int, symbols: int | str = 2, budget: int = DEFAULT_BUDGET,
                       inputs: Sequence[str] = ("",), stops: Sequence[str] = ("halt",),
                       input_symbols: str | None = None, undefined: str = "halt") -> Iterator[TuringMachine]:
    """`tnf_machines` walked in Python: branch at the first undefined transition any input reaches."""
    alphabet, in_symbols, words, offsets, options, blank_only = stream_setup(states, symbols, budget, inputs, stops,
                                                                             input_symbols)
    m = len(alphabet)
    encoded = [words[offsets[j]:offsets[j + 1]].tolist() for j in range(len(offsets) - 1)]
    stack = [_root(states, m, fix_first=blank_only)]
    while stack:
        ns, wr, mv, used = stack.pop()
        t = -1
        for word in encoded:
            t = run_partial(ns, wr, mv, m, word, budget)[0]
            if t >= 0:
                break
        if t < 0:
            yield machine_from_tables(ns, wr, mv, states, alphabet, undefined, in_symbols)
            continue
        stack.extend(reversed(list(_children(ns, wr, mv, used, t, states, m, options))))


def enumerate_blank_naive(states: int, symbols: int = 2, budget: int = DEFAULT_BUDGET) -> dict:
    """The same walk as `enumerate_blank` in plain Python (re-running every node from scratch).

    Returns machines, halted, max_steps, max_ones (and the champions' Standard strings).
    """
    _check(states, symbols, budget)
    out = {"machines": 0, "halted": 0, "max_steps": -1, "max_ones": -1,
           "max_steps_machine": "", "max_ones_machine": ""}
    root = _root(states, symbols, fix_first=True)
    stack = [(root[0].tolist(), root[1].tolist(), root[2].tolist(), root[3])]
    while stack:
        ns, wr, mv, used = stack.pop()
        branch, state, steps, tape, _ = run_partial(ns, wr, mv, symbols, [], budget)
        if branch < 0:  # a leaf: it stopped, or the budget ran out
            out["machines"] += 1
            if state < 0:
                out["halted"] += 1
                ones = sum(1 for v in tape.values() if v)
                text = to_standard(machine_from_tables(ns, wr, mv, states, symbols))
                if steps > out["max_steps"]:
                    out["max_steps"], out["max_steps_machine"] = steps, text
                if ones > out["max_ones"]:
                    out["max_ones"], out["max_ones_machine"] = ones, text
            continue
        children = []
        c = (ns.copy(), wr.copy(), mv.copy(), used)
        c[0][branch], c[1][branch], c[2][branch] = HALT, 1, 1
        children.append(c)
        for write in range(symbols):
            for move in (-1, 1):
                for target in range(min(used + 1, states)):
                    c = (ns.copy(), wr.copy(), mv.copy(), max(used, target + 1))
                    c[0][branch], c[1][branch], c[2][branch] = target, write, move
                    children.append(c)
        stack.extend(reversed(children))
    return out


def run_examples_naive(machine: TuringMachine, examples, budget: int) -> ExampleResults:
    """`run_examples` for a 1-tape machine with a dict tape: steps, halted, correct per example."""
    items = as_examples(examples)
    m, blank = machine.n_symbols, machine.symbols[0]
    ns = machine.next_state.reshape(-1)
    wr, mv = machine.write.reshape(-1), machine.move.reshape(-1)
    words, offsets = encode_words([e.input for e in items], machine.symbols, machine.input_symbols)
    steps, halted, correct = [], [], []
    for j, e in enumerate(items):
        t, state, count, tape, head = run_partial(ns, wr, mv, m, words[offsets[j]:offsets[j + 1]].tolist(), budget)
        if t >= 0:  # an undefined transition is one more, stopping, step
            count, state = count + 1, machine.undefined_code
        stopped = state < 0
        if isinstance(e.expected, bool):
            ok = stopped and state == (ACCEPT if e.expected else REJECT)
        else:
            out = ""
            while tape.get(head, 0) != 0:
                out += machine.symbols[tape[head]]
                head += 1
            ok = stopped and out == e.expected and blank not in e.expected
        steps.append(count)
        halted.append(stopped)
        correct.append(ok)
    return ExampleResults(np.array(steps, np.int64), np.array(halted, bool), np.array(correct, bool))
