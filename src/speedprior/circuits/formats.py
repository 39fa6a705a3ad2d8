"""Circuit file formats: a small text format, AIGER ASCII (aag), BENCH, and Graphviz DOT.

Text format (`.circ`), one statement a line, `#` starts a comment:

    basis aig                 # optional; otherwise the first basis that fits is used
    inputs a b c
    g0 = AND(a, !b)           # ops: AND OR XOR NAND NOR XNOR NOT BUF F<hex>; !x or ~x negates
    g1 = XOR(g0, c)
    outputs g1 !g0 0          # literals; 0 and 1 are constants

Gates may be listed in any order; a cycle is an error.
"""

from __future__ import annotations

import re
from pathlib import Path

from speedprior.circuits.build import GateDef, Ref, build_circuit
from speedprior.circuits.circuit import BASES, BUF, NOT, OP_NAMES, Circuit, op_name
from speedprior.errors import BudgetError, ParseError, UnknownNameError
from speedprior.files import read_text

_NAME = r"[A-Za-z_][A-Za-z0-9_.\[\]$]*"
_GATE_RE = re.compile(rf"^({_NAME})\s*=\s*([A-Za-z0-9]+)\s*\((.*)\)$")
_OPS = {name: op for op, name in OP_NAMES.items()}


def _ref(token: str, line: int, source: str) -> Ref:
    token = token.strip()
    negated = token[:1] in ("!", "~")
    name = token[1:].strip() if negated else token
    if not (name in ("0", "1") or re.fullmatch(_NAME, name)):
        raise ParseError(f"{source}: line {line}: bad signal {token!r}")
    return Ref(name, negated)


def _op(name: str, arity: int, line: int, source: str) -> int:
    upper = name.upper()
    if arity == 1 and upper in ("NOT", "BUF", "BUFF"):
        return NOT if upper == "NOT" else BUF
    if arity == 2 and upper in _OPS:
        return _OPS[upper]
    if arity == 2 and re.fullmatch(r"F[0-9A-F]", upper):
        return int(upper[1:], 16)
    raise ParseError(f"{source}: line {line}: unknown gate {name}/{arity}")


def _node_names(circuit: Circuit) -> list[str]:
    return ["0", *circuit.input_names, *(f"g{i}" for i in range(circuit.size))]


def _lit_text(names: list[str], lit: int) -> str:
    if lit < 2:
        return str(lit)
    return ("!" if lit & 1 else "") + names[lit >> 1]


# -- text ----------------------------------------------------------------------------------
def to_text(circuit: Circuit) -> str:
    """The circuit in the text format (parse_text reads it back to an equal circuit)."""
    names = _node_names(circuit)
    lines = [f"basis {circuit.basis}", "inputs " + " ".join(circuit.input_names)]
    for index, gate in enumerate(circuit.gates):
        args = ", ".join(_lit_text(names, lit) for lit in gate.fanins)
        lines.append(f"g{index} = {gate.name}({args})")
    lines.append("outputs " + " ".join(_lit_text(names, lit) for lit in circuit.outputs))
    return "\n".join(lines) + "\n"


def parse_text(text: str, source: str = "circuit") -> Circuit:
    """Read the text format."""
    inputs: list[str] | None = None
    outputs: list[Ref] | None = None
    basis = None
    gates: list[GateDef] = []
    seen: dict[str, int] = {}  # statement -> its line: basis, inputs and outputs come once
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        head, _, rest = line.partition(" ")
        if head in ("basis", "inputs", "outputs") and seen.setdefault(head, number) != number:
            raise ParseError(f"{source}: line {number}: a second '{head}' line (the first is line {seen[head]})")
        if head == "basis":
            if rest.strip() not in BASES:
                raise UnknownNameError(f"{source}: line {number}: unknown basis {rest.strip()!r}; known bases: "
                                 f"{', '.join(BASES)}")
            basis = rest.strip()
        elif head == "inputs":
            inputs = rest.split()
            for token in inputs:
                if not re.fullmatch(_NAME, token):
                    raise ParseError(f"{source}: line {number}: bad input name {token!r}")
        elif head == "outputs":
            outputs = [_ref(token, number, source) for token in rest.split()]
        else:
            match = _GATE_RE.match(line)
            if not match:
                raise ParseError(f"{source}: line {number}: expected 'name = OP(a, b)', got {line!r}")
            args = [a for a in match.group(3).split(",")]
            refs = tuple(_ref(a, number, source) for a in args)
            gates.append(GateDef(match.group(1), _op(match.group(2), len(refs), number, source), refs, number))
    if inputs is None or outputs is None:
        raise ParseError(f"{source}: needs an 'inputs' line and an 'outputs' line")
    return build_circuit(inputs, gates, outputs, basis, source=source)


# -- AIGER ASCII -----------------------------------------------------------------------------
def _aig_literal(op: int, a: int, b: int, new_and) -> int:
    """The AIG literal of op(a, b), making AND nodes with new_and(x, y) -> literal."""
    ones = bin(op).count("1")
    if op in (0, 15):
        return op & 1
    if op in (3, 5, 10, 12):  # depends on one input: a wire, maybe negated
        return (a if op in (5, 10) else b) ^ int(op in (3, 5))
    if ones in (1, 3):
        minterm = (op if ones == 1 else 15 - op).bit_length() - 1
        alpha, beta = minterm & 1, minterm >> 1
        return new_and(a ^ (1 - alpha), b ^ (1 - beta)) ^ int(ones == 3)
    raise ParseError(f"gate {op_name(op, 2)} has no single AND node in AIGER (XOR needs three)")


def to_aag(circuit: Circuit) -> str:
    """AIGER ASCII. OR, NOT, NAND, NOR and every AND-like gate map (negations move to edges)."""
    lit_of = [0] + [2 * (i + 1) for i in range(circuit.n_inputs)]
    ands: list[tuple[int, int, int]] = []

    def new_and(x: int, y: int) -> int:
        lhs = 2 * (circuit.n_inputs + len(ands) + 1)
        ands.append((lhs, max(x, y), min(x, y)))
        return lhs

    for gate in circuit.gates:
        op, la, lb = gate.pair()
        a = lit_of[la >> 1] ^ (la & 1)
        b = lit_of[lb >> 1] ^ (lb & 1)
        lit_of.append(_aig_literal(op, a, b, new_and))
    outs = [lit_of[lit >> 1] ^ (lit & 1) for lit in circuit.outputs]
    n_vars = circuit.n_inputs + len(ands)
    lines = [f"aag {n_vars} {circuit.n_inputs} 0 {len(outs)} {len(ands)}"]
    lines += [str(2 * (i + 1)) for i in range(circuit.n_inputs)]
    lines += [str(lit) for lit in outs]
    lines += [f"{lhs} {r0} {r1}" for lhs, r0, r1 in ands]
    lines += [f"i{i} {name}" for i, name in enumerate(circuit.input_names)]
    lines += [f"o{i} {name}" for i, name in enumerate(circuit.output_names)]
    return "\n".join(lines) + "\n"


_UINT = re.compile(r"[0-9]+")


def _uints(line: str) -> list[int] | None:
    """The unsigned decimal integers of a line, or None if it holds anything else."""
    parts = line.split()
    return [int(p) for p in parts] if all(_UINT.fullmatch(p) for p in parts) else None


def aag_header(text: str, source: str = "aag") -> tuple[int, int, int, int, int]:
    """(M, I, L, O, A) from the first line of an AIGER ASCII file, checked before anything is built."""
    first = text.split("\n", 1)[0]
    header = first.split()
    numbers = _uints(" ".join(header[1:])) if header[:1] == ["aag"] else None
    if numbers is None or len(numbers) < 5:
        raise ParseError(f"{source}: line 1: expected an 'aag M I L O A' header, got {first[:60]!r}")
    if any(numbers[5:]):
        raise ParseError(f"{source}: line 1: bad-state, constraint, justice and fairness sections are not supported")
    m, n_in, n_latch, n_out, n_and = numbers[:5]
    if n_latch:
        raise ParseError(f"{source}: line 1: latches are not supported (combinational circuits only)")
    if m < n_in + n_and:
        raise ParseError(f"{source}: line 1: M = {m} is less than I + L + A = {n_in + n_and}")
    return m, n_in, n_latch, n_out, n_and


def parse_aag(text: str, source: str = "aag") -> Circuit:
    """Read AIGER ASCII (combinational: no latches). AND lines may come in any order."""
    m, n_in, _, n_out, n_and = aag_header(text, source)
    lines = text.splitlines()
    body = lines[1:]
    if len(body) < n_in + n_out + n_and:
        raise ParseError(f"{source}: file ends before its {n_in + n_out + n_and} declared lines")
    max_lit = 2 * m + 1

    def ints(row: int, count: int) -> list[int]:
        numbers = _uints(body[row])
        if numbers is None or len(numbers) != count:
            raise ParseError(f"{source}: line {row + 2}: expected {count} unsigned integer(s), got {body[row][:60]!r}")
        for lit in numbers:
            if lit > max_lit:
                raise ParseError(f"{source}: line {row + 2}: literal {lit} is out of range (M = {m}, so at most "
                                 f"{max_lit})")
        return numbers

    defined_at: dict[int, int] = {}  # variable -> the line that defines it
    in_lits = []
    for i in range(n_in):
        lit = ints(i, 1)[0]
        if lit < 2 or lit & 1:
            raise ParseError(f"{source}: line {i + 2}: input literal {lit} must be even and positive")
        if lit >> 1 in defined_at:
            raise ParseError(f"{source}: line {i + 2}: variable {lit >> 1} is already defined on line "
                             f"{defined_at[lit >> 1]}")
        defined_at[lit >> 1] = i + 2
        in_lits.append(lit)
    out_lits = [ints(n_in + i, 1)[0] for i in range(n_out)]
    and_rows = []
    for i in range(n_and):
        line = n_in + n_out + i + 2
        lhs, r0, r1 = ints(n_in + n_out + i, 3)
        if lhs < 2 or lhs & 1:
            raise ParseError(f"{source}: line {line}: an AND gate's left-hand literal must be even and positive, "
                             f"got {lhs}")
        if lhs >> 1 in defined_at:
            raise ParseError(f"{source}: line {line}: variable {lhs >> 1} is already defined on line "
                             f"{defined_at[lhs >> 1]}")
        defined_at[lhs >> 1] = line
        and_rows.append((lhs, r0, r1, line))
    for _, r0, r1, line in and_rows:
        for lit in (r0, r1):
            if lit >= 2 and lit >> 1 not in defined_at:
                raise ParseError(f"{source}: line {line}: literal {lit} reads variable {lit >> 1}, which no input "
                                 "or AND gate defines")
    for i, lit in enumerate(out_lits):
        if lit >= 2 and lit >> 1 not in defined_at:
            raise ParseError(f"{source}: line {n_in + i + 2}: output literal {lit} reads variable {lit >> 1}, "
                             "which no input or AND gate defines")
    names = {f"i{i}": f"x{i}" for i in range(n_in)}
    out_names = [f"y{i}" for i in range(n_out)]
    for row, text_row in enumerate(body[n_in + n_out + n_and:], start=n_in + n_out + n_and + 2):
        if text_row.startswith("c"):
            break
        key, _, name = text_row.partition(" ")
        index = int(key[1:]) if _UINT.fullmatch(key[1:]) else -1
        if key[:1] == "i" and 0 <= index < n_in and name:
            names[key] = name
        elif key[:1] == "o" and 0 <= index < n_out and name:
            out_names[index] = name
        elif text_row.strip():
            raise ParseError(f"{source}: line {row}: expected a symbol ('i0 name', 'o0 name') or 'c', "
                             f"got {text_row[:60]!r}")

    def ref(lit: int) -> Ref:
        return Ref(str(lit & 1), False) if lit < 2 else Ref(f"v{lit >> 1}", bool(lit & 1))

    gates = [GateDef(f"v{lhs >> 1}", 8, (ref(r0), ref(r1)), line) for lhs, r0, r1, line in and_rows]
    circuit = build_circuit([f"v{lit >> 1}" for lit in in_lits], gates, [ref(o) for o in out_lits], "aig",
                            out_names, source)
    return Circuit(circuit.n_inputs, circuit.gates, circuit.outputs, "aig",
                   tuple(names[f"i{i}"] for i in range(n_in)), tuple(out_names))


# -- BENCH ---------------------------------------------------------------------------------
_BENCH_RE = re.compile(r"^(\S+)\s*=\s*([A-Za-z]+)\s*\((.*)\)$")
_IO_RE = re.compile(r"^(INPUT|OUTPUT)\s*\(\s*(\S+?)\s*\)$", re.IGNORECASE)


def parse_bench(text: str, source: str = "bench") -> Circuit:
    """Read ISCAS BENCH. Gates with more than two inputs become chains of two-input gates."""
    inputs: list[str] = []
    outputs: list[Ref] = []
    gates: list[GateDef] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        io = _IO_RE.match(line)
        if io:
            (inputs.append(io.group(2)) if io.group(1).upper() == "INPUT" else outputs.append(Ref(io.group(2))))
            continue
        match = _BENCH_RE.match(line)
        if not match:
            raise ParseError(f"{source}: line {number}: cannot read {line!r}")
        name, kind, args = match.group(1), match.group(2).upper(), [a.strip() for a in match.group(3).split(",")]
        if kind == "DFF":
            raise ParseError(f"{source}: line {number}: DFF (sequential) is not supported")
        if kind in ("NOT", "BUF", "BUFF"):
            if len(args) != 1:
                raise ParseError(f"{source}: line {number}: {kind} takes one input")
            gates.append(GateDef(name, NOT if kind == "NOT" else BUF, (Ref(args[0]),), number))
            continue
        if kind not in _OPS or len(args) < 2:
            raise ParseError(f"{source}: line {number}: unknown gate {kind} with {len(args)} inputs")
        # AND(a,b,c) = AND(AND(a,b),c); NAND/NOR/XNOR negate only the last gate of the chain
        base = {"NAND": "AND", "NOR": "OR", "XNOR": "XOR"}.get(kind, kind)
        previous = Ref(args[0])
        for k, arg in enumerate(args[1:], start=1):
            last = k == len(args) - 1
            gate_name = name if last else f"{name}$chain{k}"
            gates.append(GateDef(gate_name, _OPS[kind if last else base], (previous, Ref(arg)), number))
            previous = Ref(gate_name)
    return build_circuit(inputs, gates, outputs, None, source=source)


def to_bench(circuit: Circuit) -> str:
    """ISCAS BENCH. Complemented edges become NOT gates; AND-like B2 gates use NOTs on inputs."""
    names = _node_names(circuit)
    lines = [f"INPUT({name})" for name in circuit.input_names]
    body: list[str] = []
    negated: dict[int, str] = {}

    def signal(lit: int) -> str:
        if lit < 2:
            raise ParseError("BENCH has no constants; this circuit uses one")
        if not lit & 1:
            return names[lit >> 1]
        if lit >> 1 not in negated:
            negated[lit >> 1] = f"{names[lit >> 1]}_n"
            body.append(f"{negated[lit >> 1]} = NOT({names[lit >> 1]})")
        return negated[lit >> 1]

    for index, gate in enumerate(circuit.gates):
        op, la, lb = gate.pair()
        if gate.arity == 1:
            body.append(f"g{index} = {gate.name}({signal(la)})")
        elif op in OP_NAMES:
            body.append(f"g{index} = {OP_NAMES[op]}({signal(la)}, {signal(lb)})")
        elif bin(op).count("1") in (1, 3):
            ones = bin(op).count("1")
            minterm = (op if ones == 1 else 15 - op).bit_length() - 1
            a, b = signal(la ^ (1 - (minterm & 1))), signal(lb ^ (1 - (minterm >> 1)))
            body.append(f"g{index} = {'AND' if ones == 1 else 'NAND'}({a}, {b})")
        elif op in (3, 5, 10, 12):
            wire = la if op in (5, 10) else lb
            body.append(f"g{index} = {'NOT' if op in (3, 5) else 'BUFF'}({signal(wire)})")
        else:
            raise ParseError(f"gate {index} ({gate.name}) is a constant gate, which BENCH cannot express")
    outs = [signal(lit) for lit in circuit.outputs]
    lines += [f"OUTPUT({name})" for name in outs]
    return "\n".join(lines + body) + "\n"


# -- DOT and files ---------------------------------------------------------------------------
def to_dot(circuit: Circuit) -> str:
    """Graphviz DOT: inputs as boxes, gates as ellipses, complemented edges dashed with a dot."""
    lines = ["digraph circuit {", "  rankdir=BT;", '  node [fontname="Helvetica"];']
    names = _node_names(circuit)
    used_const = any(lit < 2 for g in circuit.gates for lit in g.fanins) or any(o < 2 for o in circuit.outputs)
    if used_const:
        lines.append('  n0 [label="0", shape=plaintext];')
    for i, name in enumerate(circuit.input_names):
        lines.append(f'  n{i + 1} [label="{name}", shape=box];')
    for index, gate in enumerate(circuit.gates):
        node = circuit.gate_node(index)
        lines.append(f'  n{node} [label="{gate.name}\\n{names[node]}", shape=ellipse];')
        for lit in gate.fanins:
            style = ' [style=dashed, arrowhead=odot]' if lit & 1 else ""
            lines.append(f"  n{lit >> 1} -> n{node}{style};")
    for k, (name, lit) in enumerate(zip(circuit.output_names, circuit.outputs, strict=True)):
        lines.append(f'  o{k} [label="{name}", shape=invtriangle];')
        style = ' [style=dashed, arrowhead=odot]' if lit & 1 else ""
        lines.append(f"  n{lit >> 1} -> o{k}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


READERS = {".circ": parse_text, ".txt": parse_text, ".aag": parse_aag, ".bench": parse_bench}
WRITERS = {"circ": to_text, "aag": to_aag, "bench": to_bench, "dot": to_dot}
MAX_CIRCUIT_BYTES = 16 * 1024 * 1024  # the largest circuit file read at all
MAX_ELEMENTS = 200_000  # inputs + outputs + gates of a circuit file: ~0.3 GB and ~10 s to parse at the limit


def count_elements(text: str, suffix: str, source: str = "circuit") -> int:
    """Inputs + outputs + gates a circuit file declares, counted from its text before anything is built.

    AIGER counts come from the header; text and BENCH files count their signal lines (an n-input
    BENCH gate becomes n - 1 gates). An upper bound where a line would fail to parse anyway.
    """
    if suffix == ".aag":
        _, n_in, _, n_out, n_and = aag_header(text, source)
        return n_in + n_out + n_and
    total = 0
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        head = line.split(None, 1)[0]
        if suffix != ".bench" and head in ("inputs", "outputs"):
            total += len(line.split()) - 1
        else:
            total += max(1, line.count(","))
    return total


def read_circuit(path: str | Path, fmt: str | None = None, max_elements: int = MAX_ELEMENTS) -> Circuit:
    """Read a circuit file; the format comes from `fmt` or the extension (.circ, .aag, .bench).

    The file goes through `speedprior.files.read_text`; a circuit with more than `max_elements`
    inputs, outputs and gates is refused, counted before anything is built.
    """
    path = Path(path)
    suffix = f".{fmt}" if fmt else path.suffix.lower()
    if suffix not in READERS:
        raise UnknownNameError(f"unknown circuit format {suffix!r}; known: circ, aag, bench")
    text = read_text(path, "circuit file", MAX_CIRCUIT_BYTES)
    count = count_elements(text, suffix, str(path))
    if count > max_elements:
        raise BudgetError(f"circuit file {path} holds {count:,} inputs, outputs and gates; the limit is "
                          f"{max_elements:,} (raise it with --max-gates)")
    return READERS[suffix](text, source=str(path))


def write_circuit(circuit: Circuit, fmt: str) -> str:
    """The circuit as text in format `fmt` (circ, aag, bench, dot)."""
    if fmt not in WRITERS:
        raise UnknownNameError(f"unknown circuit format {fmt!r}; known: {', '.join(WRITERS)}")
    return WRITERS[fmt](circuit)
