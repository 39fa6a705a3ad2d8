"""Build and-or-not circuits gate by gate, folding constants and sharing identical gates."""

from __future__ import annotations

from collections.abc import Sequence

from speedprior.circuits.circuit import AND, NOT, OR, Circuit, Gate

FALSE, TRUE = 0, 1


class CircuitBuilder:
    """Grows an and-or-not circuit. Signals are literals; constants fold, duplicates are shared."""

    def __init__(self, n_inputs: int, input_names: Sequence[str] | None = None):
        self.n_inputs = n_inputs
        self.input_names = tuple(input_names) if input_names else None
        self.gates: list[Gate] = []
        self._table: dict[tuple, int] = {}
        self._negation_of: dict[int, int] = {}

    def input(self, i: int) -> int:
        """The literal of input i."""
        return 2 * (i + 1)

    def _gate(self, op: int, fanins: tuple[int, ...]) -> int:
        key = (op, fanins)
        if key not in self._table:
            self.gates.append(Gate(op, fanins))
            self._table[key] = 2 * (self.n_inputs + len(self.gates))
        return self._table[key]

    def not_(self, a: int) -> int:
        """NOT a (a NOT gate unless a is a constant or itself a NOT)."""
        if a < 2:
            return a ^ 1
        if a in self._negation_of:
            return self._negation_of[a]
        out = self._gate(NOT, (a,))
        self._negation_of[out] = a
        self._negation_of[a] = out
        return out

    def and_(self, a: int, b: int) -> int:
        """a AND b."""
        if FALSE in (a, b):
            return FALSE
        if a == TRUE or a == b:
            return b
        if b == TRUE:
            return a
        if self._negation_of.get(a) == b:
            return FALSE
        return self._gate(AND, (min(a, b), max(a, b)))

    def or_(self, a: int, b: int) -> int:
        """a OR b."""
        if TRUE in (a, b):
            return TRUE
        if a == FALSE or a == b:
            return b
        if b == FALSE:
            return a
        if self._negation_of.get(a) == b:
            return TRUE
        return self._gate(OR, (min(a, b), max(a, b)))

    def or_all(self, signals: Sequence[int]) -> int:
        """OR of many signals as a balanced tree (depth ceil(log2 k))."""
        return self._reduce([s for s in signals if s != FALSE], self.or_, FALSE)

    def and_all(self, signals: Sequence[int]) -> int:
        """AND of many signals as a balanced tree."""
        return self._reduce([s for s in signals if s != TRUE], self.and_, TRUE)

    @staticmethod
    def _reduce(signals: list[int], combine, empty: int) -> int:
        if not signals:
            return empty
        while len(signals) > 1:
            pairs = [combine(signals[i], signals[i + 1]) for i in range(0, len(signals) - 1, 2)]
            signals = pairs + ([signals[-1]] if len(signals) % 2 else [])
        return signals[0]

    def build(self, outputs: Sequence[int], output_names: Sequence[str] | None = None) -> Circuit:
        """The circuit with these output literals, without gates no output needs."""
        circuit = Circuit(self.n_inputs, tuple(self.gates), tuple(outputs), "and-or-not", self.input_names,
                          None if output_names is None else tuple(output_names))
        return circuit.reachable()
