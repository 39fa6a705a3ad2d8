"""`speedprior circuit ...`: minimal circuits, circuit files, and Turing-machine tableaux."""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import typer

from speedprior.cli.output import print_json, print_table
from speedprior.errors import BudgetError, SpeedpriorError

app = typer.Typer(help="Boolean circuits: exact synthesis, size and depth, formats, TM tableaux.",
                  no_args_is_help=True)

FORMAT_HELP = "File format: circ, aag or bench (default: from the extension)."
FORCE_HELP = "Overwrite --out if it exists."
MAX_GATES_HELP = "Refuse circuit files with more inputs + outputs + gates than this (default 200,000: ~0.3 GB, ~10 s)."


def _check_out(out: Path | None, force: bool) -> None:
    """Refuse, before any work, an --out that exists (without --force) or whose folder does not."""
    if out is None:
        return
    if out.exists() and not force:
        raise SpeedpriorError(f"{out} already exists; pass --force to overwrite it")
    if out.is_dir():
        raise SpeedpriorError(f"{out} is a directory")
    if not out.parent.is_dir():
        raise SpeedpriorError(f"the folder of {out} does not exist")


def _write_atomic(out: Path, write: Callable[[Path], object]) -> None:
    """Let `write(tmp)` fill a temporary file beside `out`, then rename it over `out` in one step.

    A failure (or Ctrl-C) part-way leaves `out` as it was and no temporary file behind.
    """
    handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=out.suffix)
    os.close(handle)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def _check_max_gates(max_gates: int) -> None:
    if max_gates < 1:
        raise BudgetError(f"--max-gates must be at least 1, got {max_gates}")


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
    seconds: float = typer.Option(60.0, "--seconds", help="Time budget of the SAT search; exit 2 when spent."),
    conflicts: int = typer.Option(None, "--conflicts", help="Conflict budget of the SAT search (default: none)."),
    json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Find the minimal circuits of a function of up to 4 inputs (SAT-based exact synthesis).

    Progress (the size being tried) shows on stderr; when the budget runs out the command says
    what it had proved and exits 2.
    """
    from rich.console import Console

    from speedprior.circuits.circuit import check_basis_name
    from speedprior.circuits.synthesis import Budget, parse_truth_table, synthesize
    from speedprior.errors import UnknownNameError

    check_basis_name(basis)
    if measure not in ("size", "depth"):
        raise UnknownNameError(f"unknown measure {measure!r}; known: size, depth")
    tt = parse_truth_table(truth_table, inputs)
    if limit < 1:
        raise BudgetError(f"--limit must be at least 1, got {limit}")
    if not (math.isfinite(seconds) and seconds > 0):
        raise BudgetError(f"--seconds must be a positive number, got {seconds}")
    if conflicts is not None and conflicts < 1:
        raise BudgetError(f"--conflicts must be at least 1, got {conflicts}")
    budget = Budget(seconds=seconds, conflicts=conflicts)
    with Console(stderr=True).status("exact synthesis") as status:  # transient: gone when done
        result = synthesize(tt, inputs, basis, measure, limit=limit, budget=budget,
                            progress=lambda text: status.update(f"exact synthesis: {text}"))
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
    max_gates: int = typer.Option(200_000, "--max-gates", help=MAX_GATES_HELP),
    json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Size, depth, per-output depth and (for up to 16 inputs) truth tables of a circuit file."""
    from speedprior.circuits.evaluate import MAX_SIMULATION_BYTES, simulation_bytes
    from speedprior.circuits.formats import read_circuit

    _check_max_gates(max_gates)
    circuit = read_circuit(path, fmt, max_gates)
    out = {"inputs": circuit.n_inputs, "outputs": len(circuit.outputs), "basis": circuit.basis,
           "size": circuit.size, "depth": circuit.depth, "output_depths": list(circuit.output_depths)}
    # Truth tables hold 2^n bits per node while they are computed: only where that stays small.
    words = max(1, (1 << circuit.n_inputs) // 64) if circuit.n_inputs <= 16 else 0
    if words and simulation_bytes(circuit, words) <= MAX_SIMULATION_BYTES:
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
    max_gates: int = typer.Option(200_000, "--max-gates", help=MAX_GATES_HELP),
    json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Evaluate a circuit on the given inputs (default: on all 2^n inputs, bit-parallel)."""
    import numpy as np

    from speedprior.circuits.evaluate import evaluate
    from speedprior.circuits.formats import read_circuit
    from speedprior.errors import ParseError

    _check_max_gates(max_gates)
    circuit = read_circuit(path, fmt, max_gates)
    if not inputs:
        if circuit.n_inputs > 16:
            raise ParseError(f"{circuit.n_inputs} inputs: give --input rows, all 2^n rows are too many to print")
        inputs = ["".join(str((i >> j) & 1) for j in range(circuit.n_inputs)) for i in range(1 << circuit.n_inputs)]
    for row in inputs:
        if len(row) != circuit.n_inputs or set(row) - {"0", "1"}:
            raise ParseError(f"input {row[:40]!r} is not {circuit.n_inputs} bits of 0/1")
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
    out: Path = typer.Option(None, "--out", help="Write here instead of stdout (atomically)."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
    fmt: str = typer.Option(None, "--format", help=FORMAT_HELP),
    max_gates: int = typer.Option(200_000, "--max-gates", help=MAX_GATES_HELP),
    json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Convert a circuit file to another format (AIGER and BENCH where the gates map)."""
    from speedprior.circuits.formats import WRITERS, read_circuit, write_circuit
    from speedprior.errors import UnknownNameError

    if to not in WRITERS:
        raise UnknownNameError(f"unknown circuit format {to!r}; known: {', '.join(WRITERS)}")
    _check_max_gates(max_gates)
    _check_out(out, force)
    text = write_circuit(read_circuit(path, fmt, max_gates), to)
    if out is not None:
        _write_atomic(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    if json:
        print_json({"format": to, "path": str(out) if out else None, "text": None if out else text})
    elif out is None:
        print(text, end="")


@app.command("draw")
def draw_command(
    path: Path = typer.Argument(..., help="Circuit file."),
    out: Path = typer.Option(..., "--out", help="PNG (matplotlib drawing) or .dot (Graphviz text)."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
    fmt: str = typer.Option(None, "--format", help=FORMAT_HELP),
    max_gates: int = typer.Option(200_000, "--max-gates", help=MAX_GATES_HELP),
    json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Draw a circuit: a layered PNG picture, or Graphviz DOT when --out ends in .dot."""
    from speedprior.circuits.draw import draw_circuit
    from speedprior.circuits.formats import read_circuit, to_dot
    from speedprior.errors import UnknownNameError

    if out.suffix.lower() not in (".png", ".dot"):
        raise UnknownNameError(f"--out must end in .png or .dot, got {str(out)!r}")
    _check_max_gates(max_gates)
    _check_out(out, force)
    circuit = read_circuit(path, fmt, max_gates)
    if out.suffix.lower() == ".dot":
        text = to_dot(circuit)
        _write_atomic(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    else:
        _write_atomic(out, lambda tmp: draw_circuit(circuit, tmp))
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
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
    max_gates: int = typer.Option(3_000_000, "--max-gates",
                                  help="Refuse tableaux whose gate bound exceeds this (default 3,000,000; ~1 GB)."),
    json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Compile a 1-tape machine's t-step run on inputs of length n into a circuit (tableau)."""
    from speedprior.circuits.formats import write_circuit
    from speedprior.circuits.tableau import (
        MAX_CHECKED_INPUTS,
        MAX_TABLEAU_INPUTS,
        check_tableau,
        longest_run,
        tableau_circuit,
    )
    from speedprior.errors import UnknownNameError
    from speedprior.tm import load_machine

    if not 0 <= n <= MAX_TABLEAU_INPUTS:
        raise BudgetError(f"--n must be in 0..{MAX_TABLEAU_INPUTS:,}, got {n}")
    if t is not None and t < 0:
        raise BudgetError(f"--t must be >= 0, got {t}")
    if check and n > MAX_CHECKED_INPUTS:
        raise BudgetError(f"--check runs all 2^n inputs; n={n} is more than {MAX_CHECKED_INPUTS} "
                          "(pass --no-check, or a smaller --n)")
    if t is None and n > MAX_CHECKED_INPUTS:
        raise BudgetError(f"the default --t runs all 2^n inputs; n={n} is more than {MAX_CHECKED_INPUTS}, so give --t")
    _check_max_gates(max_gates)
    fmt = None
    if out is not None:
        fmt = out.suffix.lstrip(".").lower()
        if fmt not in ("circ", "aag", "bench", "dot"):
            raise UnknownNameError(f"unknown circuit format {fmt!r}; known: circ, aag, bench, dot")
    _check_out(out, force)
    tm = load_machine(machine)
    if t is None:
        if tm.n_tapes != 1:
            tableau_circuit(tm, n, 0)  # raises the one-tape error
        t = longest_run(tm, n, max_gates)
    tableau = tableau_circuit(tm, n, t, max_gates)
    result = tableau.to_dict()
    if check:
        result["checked_inputs"] = check_tableau(tableau, tm)
    if out is not None:
        text = write_circuit(tableau.circuit, fmt)
        _write_atomic(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    if json:
        print_json(result)
    else:
        print_table([{k: v for k, v in result.items() if not isinstance(v, list)}], title="tableau circuit")
