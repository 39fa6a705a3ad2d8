"""Compile a 1-tape Turing machine's bounded run into a circuit: the tableau construction.

Row r of the tableau is the configuration after r steps; cell p holds its tape symbol
(one-hot) and, if the head is there, the machine's state (one-hot over working states and
the stop states accept/reject/halt). Each cell of row r is a small and-or-not circuit of the
three cells above it (p-1, p, p+1). The window is positions -t..t, all a head can reach in
t steps, so the circuit has O(t^2) cells. Outputs: y0 = accepted within t steps, y1 = halted
within t steps. Input bit i = 1 means the second input symbol at position i.

Semantics follow `speedprior.tm`: every transition counts as a step; a stopping transition
still writes and moves; an undefined one stops in place with the machine's `undefined` verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from speedprior.circuits.builder import FALSE, TRUE, CircuitBuilder
from speedprior.circuits.circuit import Circuit
from speedprior.errors import BudgetError, SpeedpriorError

MAX_TABLEAU_GATES = 3_000_000  # bound on gates built (~300 bytes each in the builder): about 1 GB at most
MAX_TABLEAU_INPUTS = 1_000_000
MAX_CHECKED_INPUTS = 16  # check_tableau runs the machine and the circuit on all 2^n inputs


def tableau_gate_bound(n: int, t: int, states: int, symbols: int) -> int:
    """An upper bound on the gates `tableau_circuit` builds, computed before building anything.

    After k steps a head can be in 2k - 1 cells; a cell with a possible head costs at most
    Q NOT/OR for 'no working head here', m ANDs keeping its symbol, Q*m ANDs firing a rule and
    2*Q*m + 3 ORs collecting symbols and heads: 3Qm + Q + m + 3. Plus n input NOTs and the
    ORs of the two outputs over 4 head slots of the 2t + 1 window cells.
    """
    per_cell = 3 * states * symbols + states + symbols + 3
    return t * t * per_cell + n + 4 * (2 * t + 1)


@dataclass(frozen=True)
class Tableau:
    """A tableau circuit with the machine, input length and time bound it encodes."""

    circuit: Circuit
    machine_name: str
    n: int
    t: int

    def to_dict(self) -> dict:
        """Summary numbers for JSON output."""
        return {"machine": self.machine_name, "n": self.n, "t": self.t, "size": self.circuit.size,
                "depth": self.circuit.depth, "output_depths": list(self.circuit.output_depths)}


def largest_time_bound(n: int, states: int, symbols: int, max_gates: int = MAX_TABLEAU_GATES) -> int:
    """The largest t whose tableau_gate_bound stays within max_gates (-1 if not even t = 0 does)."""
    per_cell = 3 * states * symbols + states + symbols + 3
    t = math.isqrt(max(0, max_gates - n) // per_cell)
    while t >= 0 and tableau_gate_bound(n, t, states, symbols) > max_gates:
        t -= 1
    return t


def longest_run(machine, n: int, max_gates: int = MAX_TABLEAU_GATES) -> int:
    """The most steps `machine` takes on an input of length n: the default time bound of a tableau.

    Runs every input of length n (at most 2^MAX_CHECKED_INPUTS) for no longer than the largest
    t whose tableau fits `max_gates`; a machine still running then is refused with that t.
    """
    from speedprior.tm.run import steps_profile

    if n > MAX_CHECKED_INPUTS:
        raise BudgetError(f"the default time bound runs all 2^n inputs; n={n} is more than {MAX_CHECKED_INPUTS}, "
                          "so give --t")
    cap = largest_time_bound(n, machine.n_states, machine.n_symbols, max_gates)
    result = steps_profile(machine, [n], budget=max(cap, 0) + 1)
    if not result.halted.all() or cap < 0:
        raise BudgetError(f"{machine.name or 'the machine'} runs more than {max(cap, 0)} steps on some input of "
                          f"length {n}, the most whose tableau fits {max_gates:,} gates; give --t or raise --max-gates")
    return int(result.steps.max())


def tableau_circuit(machine, n: int, t: int, max_gates: int = MAX_TABLEAU_GATES) -> Tableau:
    """The tableau circuit deciding, for every input of length n, what `machine` does in t steps.

    Refuses, before building, a tableau whose `tableau_gate_bound` exceeds `max_gates`.
    """
    from speedprior.tm.machine import ACCEPT, HALT, REJECT

    if machine.n_tapes != 1:
        raise SpeedpriorError(f"the tableau construction takes 1-tape machines; {machine.name or 'this machine'} "
                              f"has {machine.n_tapes} tapes")
    if len(machine.input_symbols) != 2:
        raise SpeedpriorError(f"a circuit input is one bit; the machine's input alphabet has "
                              f"{len(machine.input_symbols)} symbols")
    if not 0 <= n <= MAX_TABLEAU_INPUTS or t < 0:
        raise BudgetError(f"the input length must be in 0..{MAX_TABLEAU_INPUTS:,} and the time bound >= 0, "
                          f"got n={n}, t={t}")
    bound = tableau_gate_bound(n, t, machine.n_states, machine.n_symbols)
    if bound > max_gates:
        raise BudgetError(f"a tableau of n={n}, t={t} for {machine.n_states} states x {machine.n_symbols} symbols "
                          f"may need up to {bound:,} gates; the limit is {max_gates:,} (raise it with --max-gates)")
    Q, m = machine.n_states, machine.n_symbols
    stops = (ACCEPT, REJECT, HALT)
    n_heads = Q + len(stops)  # head slots: working states, then the stop states
    slot = {code: Q + k for k, code in enumerate(stops)}
    sym0, sym1 = (machine.symbols.index(s) for s in machine.input_symbols)

    b = CircuitBuilder(n, tuple(f"x{i}" for i in range(n)))
    width = 2 * t + 1  # positions -t..t, stored at index p + t
    symbols = np.zeros((width, m), dtype=np.int64)
    heads = np.zeros((width, n_heads), dtype=np.int64)
    symbols[:, 0] = TRUE  # blank
    for i in range(min(n, t + 1)):
        symbols[t + i, 0] = FALSE
        symbols[t + i, sym1] = b.input(i)
        symbols[t + i, sym0] = b.not_(b.input(i))
    heads[t, 0] = TRUE

    for _ in range(t):
        symbols, heads = _step(b, machine, symbols, heads, slot)
    accept = b.or_all([int(h) for h in heads[:, slot[ACCEPT]]])
    halted = b.or_all([int(h) for k in slot.values() for h in heads[:, k]])
    circuit = b.build([accept, halted], ("accepted", "halted"))
    return Tableau(circuit, machine.name, n, t)


def _step(b: CircuitBuilder, machine, symbols: np.ndarray, heads: np.ndarray, slot: dict) -> tuple:
    """The next tableau row: each cell from the cells at p-1, p, p+1 of this one."""
    from speedprior.tm.machine import UNDEFINED

    width, m = symbols.shape
    Q = machine.n_states
    table = machine.next_state.reshape(Q, m)
    write, move = machine.write[:, :, 0], machine.move[:, :, 0]
    sym_terms = [[[] for _ in range(m)] for _ in range(width)]
    head_terms = [[[] for _ in range(heads.shape[1])] for _ in range(width)]
    for p in range(width):
        idle = b.not_(b.or_all([int(h) for h in heads[p, :Q]]))
        for s in range(m):
            sym_terms[p][s].append(b.and_(int(symbols[p, s]), idle))  # no working head: symbol stays
        for k in range(Q, heads.shape[1]):
            head_terms[p][k].append(int(heads[p, k]))  # a stopped machine stays stopped
        for q in range(Q):
            if heads[p, q] == FALSE:
                continue
            for s in range(m):
                fire = b.and_(int(heads[p, q]), int(symbols[p, s]))
                nxt = int(table[q, s])
                if nxt == UNDEFINED:  # stops in place and writes nothing
                    sym_terms[p][s].append(fire)
                    head_terms[p][slot[machine.undefined_code]].append(fire)
                    continue
                sym_terms[p][int(write[q, s])].append(fire)
                target = p + int(move[q, s])
                if 0 <= target < width:  # a head can't leave the window within t steps
                    head_terms[target][nxt if nxt >= 0 else slot[nxt]].append(fire)
    new_symbols = np.array([[b.or_all(terms) for terms in cell] for cell in sym_terms], dtype=np.int64)
    new_heads = np.array([[b.or_all(terms) for terms in cell] for cell in head_terms], dtype=np.int64)
    return new_symbols, new_heads


def check_tableau(tableau: Tableau, machine) -> int:
    """Compare the circuit with the machine on every input of length n; return the number checked.

    Raises SpeedpriorError on the first input where they disagree.
    """
    from speedprior.circuits.evaluate import evaluate
    from speedprior.measure.inputs import all_words
    from speedprior.tm.run import run_batch

    if tableau.n > MAX_CHECKED_INPUTS:
        raise BudgetError(f"checking a tableau runs all 2^n inputs; n={tableau.n} is more than "
                          f"{MAX_CHECKED_INPUTS} (turn the check off with --no-check)")
    words = all_words(2, tableau.n)
    result = run_batch(machine, words, tableau.t)
    outs = evaluate(tableau.circuit, words.astype(np.uint8))
    want_accept = result.halted & (result.accepted == 1)
    for i in range(words.shape[0]):
        if bool(outs[i, 0]) != bool(want_accept[i]) or bool(outs[i, 1]) != bool(result.halted[i]):
            word = "".join(machine.input_symbols[c] for c in words[i])
            raise SpeedpriorError(f"tableau disagrees with the machine on input {word!r}")
    return int(words.shape[0])
