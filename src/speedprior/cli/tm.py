"""`speedprior tm ...`: run Turing machines and measure their steps."""

from __future__ import annotations

import time

import typer

from speedprior.cli.output import console, print_json, print_table

app = typer.Typer(help="Turing machines: run, measure steps, enumerate.", no_args_is_help=True)

MACHINE_HELP = "library name, TOML machine file, or Standard TM string (e.g. 1RB1LB_1LA1RZ)"


@app.command("run")
def run(
    machine: str = typer.Option(..., "--machine", "-m", help=MACHINE_HELP),
    input: str = typer.Option("", "--input", "-i", help="input on tape 1 (default: blank tape)"),
    budget: int = typer.Option(100_000_000, "--budget", "-b", help="step budget"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Run a machine on one input: halted, accepted, steps, non-blank cells."""
    from speedprior.tm import load_machine
    from speedprior.tm import run as run_machine

    result = run_machine(load_machine(machine), input, budget)
    if as_json:
        print_json(result.to_dict())
        return
    verdict = {True: "accepted", False: "rejected", None: "halted" if result.halted else "did not halt"}
    console.print(f"{verdict[result.accepted]} after {result.steps:,} steps "
                  f"({'halted' if result.halted else 'budget exhausted'}), {result.ones:,} non-blank cells, "
                  f"{result.seconds:.3f} s")
    if len(result.tape) <= 200:
        console.print(f"tape: {result.tape}", highlight=False)


@app.command("stats")
def stats(
    machine: str = typer.Option(..., "--machine", "-m", help=MACHINE_HELP),
    lengths: str = typer.Option("0:10", "--lengths", "-n", help="input lengths A:B or A:B:STEP (inclusive)"),
    budget: int = typer.Option(100_000, "--budget", "-b", help="step budget per input"),
    sample: int = typer.Option(None, "--sample", help="sample this many inputs per length instead of all"),
    seed: int = typer.Option(0, "--seed", help="seed for --sample"),
    inputs: str = typer.Option("all", "--inputs", help="input family: all, or sorted (0^a 1^b)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Steps by input length over every input (mean, max, min, median) with growth fits."""
    from rich.console import Console
    from rich.progress import track

    from speedprior.tm import load_machine
    from speedprior.tm.stats import parse_lengths, step_statistics

    start = time.perf_counter()
    ns = parse_lengths(lengths)
    tm = load_machine(machine)

    def progress(items):
        return track(items, description="lengths", console=Console(stderr=True), transient=True)

    report = step_statistics(tm, ns, budget, sample=sample, seed=seed, progress=progress, family=inputs)
    report["seconds"] = round(time.perf_counter() - start, 3)
    if as_json:
        print_json(report)
        return
    print_table(report["lengths"], title=f"steps of {report['machine']} by input length")
    for stat, fit in report["fit"].items():
        console.print(f"{stat} steps grow as [bold]{fit['class']}[/bold] "
                      f"(≈ {fit['a']:.3g}·f(n) + {fit['b']:.3g}, R² = {fit['r2']:.4f})")


@app.command("enumerate")
def enumerate_machines(
    states: int = typer.Option(..., "--states", "-n", help="number of states"),
    symbols: int = typer.Option(2, "--symbols", "-s", help="number of tape symbols (0 is the blank)"),
    budget: int = typer.Option(107, "--budget", "-b", help="step budget per machine (107 settles 4 states)"),
    workers: int = typer.Option(None, "--workers", help="threads (default: every core)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Enumerate every tree-normal-form machine on the blank tape: counts and busy-beaver champions."""
    from speedprior.search.enumerate import enumerate_blank

    summary = enumerate_blank(states, symbols, budget, workers)
    report = summary.to_dict()
    if as_json:
        print_json({k: report[k] for k in ("machines", "halted", "max_steps", "max_steps_machine", "max_ones",
                                           "max_ones_machine", "seconds", "states", "symbols", "budget")})
        return
    console.print(f"{summary.machines:,} TNF machines with {states} states and {symbols} symbols "
                  f"({summary.halted:,} halted within {budget:,} steps) in {summary.seconds:.2f} s")
    console.print(f"most steps: {summary.max_steps:,} by {summary.max_steps_machine}", highlight=False)
    console.print(f"most non-blank cells: {summary.max_ones:,} by {summary.max_ones_machine}", highlight=False)
