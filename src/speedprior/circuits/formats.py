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
from speedprior.circuits.circuit import BUF, NOT, OP_NAMES, Circuit, check_basis_name, op_name
from speedprior.errors import ParseError, UnknownNameError

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
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        head, _, rest = line.partition(" ")
        if head == "basis":
            basis = check_basis_name(rest.strip())
        elif head == "inputs":
            inputs = rest.split()
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


def parse_aag(text: str, source: str = "aag") -> Circuit:
    """Read AIGER ASCII (combinational: no latches). AND lines may come in any order."""
    lines = text.splitlines()
    header = lines[0].split() if lines else []
    if len(header) < 6 or header[0] != "aag" or not all(h.isdigit() for h in header[1:6]):
        raise ParseError(f"{source}: expected an 'aag M I L O A' header")
    _, n_in, n_latch, n_out, n_and = (int(h) for h in header[1:6])
    if n_latch:
        raise ParseError(f"{source}: latches are not supported (combinational circuits only)")
    body = lines[1:]
    if len(body) < n_in + n_out + n_and:
        raise ParseError(f"{source}: file ends before its {n_in + n_out + n_and} declared lines")

    def ints(row: int, count: int) -> list[int]:
        parts = body[row].split()
        if len(parts) != count or not all(p.isdigit() for p in parts):
            raise ParseError(f"{source}: line {row + 2}: expected {count} unsigned integers")
        return [int(p) for p in parts]

    in_lits = [ints(i, 1)[0] for i in range(n_in)]
    out_lits = [ints(n_in + i, 1)[0] for i in range(n_out)]
    and_rows = [ints(n_in + n_out + i, 3) for i in range(n_and)]
    names = {f"i{i}": f"x{i}" for i in range(n_in)}
    out_names = [f"y{i}" for i in range(n_out)]
    for row in body[n_in + n_out + n_and:]:
        if row.startswith("c"):
            break
        key, _, name = row.partition(" ")
        if key[:1] == "i" and key[1:].isdigit() and int(key[1:]) < n_in and name:
            names[key] = name
        elif key[:1] == "o" and key[1:].isdigit() and int(key[1:]) < n_out and name:
            out_names[int(key[1:])] = name

    def ref(lit: int) -> Ref:
        return Ref(str(lit & 1), False) if lit < 2 else Ref(f"v{lit >> 1}", bool(lit & 1))

    for lit in in_lits:
        if lit < 2 or lit & 1:
            raise ParseError(f"{source}: input literal {lit} must be even and positive")
    gates = [GateDef(f"v{lhs >> 1}", 8, (ref(r0), ref(r1)), n_in + n_out + i + 2)
             for i, (lhs, r0, r1) in enumerate(and_rows)]
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


def read_circuit(path: str | Path, fmt: str | None = None) -> Circuit:
    """Read a circuit file; the format comes from `fmt` or the extension (.circ, .aag, .bench)."""
    path = Path(path)
    suffix = f".{fmt}" if fmt else path.suffix.lower()
    if suffix not in READERS:
        raise UnknownNameError(f"unknown circuit format {suffix!r}; known: circ, aag, bench")
    return READERS[suffix](path.read_text(), source=str(path))


def write_circuit(circuit: Circuit, fmt: str) -> str:
    """The circuit as text in format `fmt` (circ, aag, bench, dot)."""
    if fmt not in WRITERS:
        raise UnknownNameError(f"unknown circuit format {fmt!r}; known: {', '.join(WRITERS)}")
    return WRITERS[fmt](circuit)
