"""`speedprior circuit ...`: minimal circuits, circuit files, and Turing-machine tableaux."""

from __future__ import annotations

from pathlib import Path

import typer

from speedprior.cli.output import print_json, print_table

app = typer.Typer(help="Boolean circuits: exact synthesis, size and depth, formats, TM tableaux.",
                  no_args_is_help=True)

FORMAT_HELP = "File format: circ, aag or bench (default: from the extension)."


@app.command("min")
def min_command(
    truth_table: str = typer.Option(..., "--truth-table", help="Hex truth table, bit i = f(i)."),
    inputs: int = typer.Option(..., "--inputs", help="Number of inputs (0..4)."),
    basis: str = typer.Option("full", "--basis", help="and-or-not, aig, xaig or full."),
    measure: str = typer.Option("size", "--measure", help="size or depth."),
    show_all: bool = typer.Option(False, "--all", help="Also list every minimal circuit."),
    limit: int = typer.Option(
        2_000, "--limit", help="Fail (exit 2) past this many minimal circuits; each costs ~0.1 s to find."
    ),
    json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Find the minimal circuits of a function of up to 4 inputs (SAT-based exact synthesis)."""
    from speedprior.circuits.circuit import check_basis_name
    from speedprior.circuits.synthesis import parse_truth_table, synthesize
    from speedprior.errors import UnknownNameError

    check_basis_name(basis)
    if measure not in ("size", "depth"):
        raise UnknownNameError(f"unknown measure {measure!r}; known: size, depth")
    tt = parse_truth_table(truth_table, inputs)
    if limit < 1:
        raise UnknownNameError(f"--limit must be at least 1, got {limit}")
    result = synthesize(tt, inputs, basis, measure, limit=limit)
    out = result.to_dict()
    if show_all:
        out["circuits"] = [str(c) for c in result.circuits]
    if json:
        print_json(out)
        return
    print_table([{k: v for k, v in out.items() if k not in ("circuit", "circuits")}],
                title=f"minimal {measure}: {truth_table} ({inputs} inputs, basis {basis})")
    print(result.circuit, end="")
    for circuit in result.circuits if show_all else ():
        print("---")
        print(circuit, end="")


@app.command("info")
def info_command(
    path: Path = typer.Argument(..., help="Circuit file (.circ, .aag, .bench)."),
    fmt: str = typer.Option(None, "--format", help=FORMAT_HELP),
    json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Size, depth, per-output depth and (for up to 16 inputs) truth tables of a circuit file."""
    from speedprior.circuits.formats import read_circuit

    circuit = read_circuit(path, fmt)
    out = {"inputs": circuit.n_inputs, "outputs": len(circuit.outputs), "basis": circuit.basis,
           "size": circuit.size, "depth": circuit.depth, "output_depths": list(circuit.output_depths)}
    if circuit.n_inputs <= 16:
        digits = max(1, (1 << circuit.n_inputs) // 4)
        out["truth_tables"] = [f"{tt:0{digits}x}" for tt in circuit.truth_tables()]
    if json:
        print_json(out)
    else:
        print_table([{k: v for k, v in out.items() if not isinstance(v, list)}], title=str(path))
        for name, depth, tt in zip(circuit.output_names, out["output_depths"],
                                   out.get("truth_tables", [None] * len(circuit.outputs)), strict=True):
            print(f"{name}: depth {depth}" + (f", truth table {tt}" if tt else ""))


@app.command("eval")
def eval_command(
    path: Path = typer.Argument(..., help="Circuit file."),
    inputs: list[str] = typer.Option(None, "--input", help="Input bits x0 x1 ... as a 0/1 string; repeatable."),
    fmt: str = typer.Option(None, "--format", help=FORMAT_HELP),
    json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Evaluate a circuit on the given inputs (default: on all 2^n inputs, bit-parallel)."""
    import numpy as np

    from speedprior.circuits.evaluate import evaluate
    from speedprior.circuits.formats import read_circuit
    from speedprior.errors import ParseError

    circuit = read_circuit(path, fmt)
    if not inputs:
        if circuit.n_inputs > 16:
            raise ParseError(f"{circuit.n_inputs} inputs: give --input rows, all 2^n rows are too many to print")
        inputs = ["".join(str((i >> j) & 1) for j in range(circuit.n_inputs)) for i in range(1 << circuit.n_inputs)]
    for row in inputs:
        if len(row) != circuit.n_inputs or set(row) - {"0", "1"}:
            raise ParseError(f"input {row!r} is not {circuit.n_inputs} bits of 0/1")
    bits = np.array([[int(c) for c in row] for row in inputs], dtype=np.uint8).reshape(len(inputs), circuit.n_inputs)
    outs = evaluate(circuit, bits)
    rows = [{"input": row, "output": "".join(str(int(v)) for v in out)} for row, out in zip(inputs, outs, strict=True)]
    if json:
        print_json({"rows": rows})
    else:
        print_table(rows)


@app.command("convert")
def convert_command(
    path: Path = typer.Argument(..., help="Circuit file."),
    to: str = typer.Option(..., "--to", help="circ, aag, bench or dot."),
    out: Path = typer.Option(None, "--out", help="Write here instead of stdout."),
    fmt: str = typer.Option(None, "--format", help=FORMAT_HELP),
    json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Convert a circuit file to another format (AIGER and BENCH where the gates map)."""
    from speedprior.circuits.formats import read_circuit, write_circuit

    text = write_circuit(read_circuit(path, fmt), to)
    if out is not None:
        out.write_text(text)
    if json:
        print_json({"format": to, "path": str(out) if out else None, "text": None if out else text})
    elif out is None:
        print(text, end="")


@app.command("draw")
def draw_command(
    path: Path = typer.Argument(..., help="Circuit file."),
    out: Path = typer.Option(..., "--out", help="PNG (matplotlib drawing) or .dot (Graphviz text)."),
    fmt: str = typer.Option(None, "--format", help=FORMAT_HELP),
    json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Draw a circuit: a layered PNG picture, or Graphviz DOT when --out ends in .dot."""
    from speedprior.circuits.draw import draw_circuit
    from speedprior.circuits.formats import read_circuit, to_dot
    from speedprior.errors import UnknownNameError

    if out.suffix.lower() not in (".png", ".dot"):
        raise UnknownNameError(f"--out must end in .png or .dot, got {str(out)!r}")
    circuit = read_circuit(path, fmt)
    if out.suffix.lower() == ".dot":
        out.write_text(to_dot(circuit))
    else:
        draw_circuit(circuit, out)
    if json:
        print_json({"path": str(out), "size": circuit.size, "depth": circuit.depth})
    else:
        print(f"wrote {out}")


@app.command("tableau")
def tableau_command(
    machine: str = typer.Option(..., "--machine", help="Library name, TOML file or Standard string (1 tape)."),
    n: int = typer.Option(..., "--n", help="Input length."),
    t: int = typer.Option(None, "--t", help="Time bound (default: the most steps on any input of length n)."),
    check: bool = typer.Option(True, "--check/--no-check", help="Compare with the machine on every input."),
    out: Path = typer.Option(None, "--out", help="Also write the circuit (.circ, .aag, .bench or .dot)."),
    json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Compile a 1-tape machine's t-step run on inputs of length n into a circuit (tableau)."""
    from speedprior.circuits.formats import write_circuit
    from speedprior.circuits.tableau import check_tableau, tableau_circuit
    from speedprior.errors import UnknownNameError
    from speedprior.tm import load_machine, steps_profile

    tm = load_machine(machine)
    if t is None:
        if tm.n_tapes != 1:
            tableau_circuit(tm, n, 0)  # raises the one-tape error
        t = int(steps_profile(tm, [n]).steps.max())
    tableau = tableau_circuit(tm, n, t)
    result = tableau.to_dict()
    if check:
        result["checked_inputs"] = check_tableau(tableau, tm)
    if out is not None:
        fmt = out.suffix.lstrip(".").lower()
        if fmt not in ("circ", "aag", "bench", "dot"):
            raise UnknownNameError(f"unknown circuit format {fmt!r}; known: circ, aag, bench, dot")
        out.write_text(write_circuit(tableau.circuit, fmt))
    if json:
        print_json(result)
    else:
        print_table([{k: v for k, v in result.items() if not isinstance(v, list)}], title="tableau circuit")
