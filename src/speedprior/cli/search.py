"""`speedprior search ...`: Levin search (dovetailer or phases) and computational annealing over a task."""

from __future__ import annotations

import typer

from speedprior.cli.output import console, print_json

app = typer.Typer(help="Program search under speed priors: dovetailing, Levin phases, annealing.",
                  no_args_is_help=True)

TASK_HELP = "task TOML file, or a packaged task name (unary-even, unary-mod3, unary-successor, unary-one)"


@app.command("levin")
def levin(
    task: str = typer.Option(..., "--task", "-t", help=TASK_HELP),
    schedule: str = typer.Option("dovetail", "--schedule", help="dovetail (K steps a round, L new programs a round) "
                                 "or phases (phase i gives each program of length l <= i 2^(i-l) steps)"),
    k: int = typer.Option(1, "--k", help="dovetail: steps each started program runs per round"),
    l: int = typer.Option(1, "--l", help="dovetail: new programs started per round"),
    order: str = typer.Option("tnf", "--order", help="enumeration order: tnf, or length (description bits)"),
    states: int = typer.Option(None, "--states", help="machines with at most this many states (default: the task's)"),
    max_rounds: int = typer.Option(1_000_000, "--max-rounds", help="dovetail: give up after this many rounds"),
    max_phase: int = typer.Option(40, "--max-phase", help="phases: give up after this phase"),
    no_forwarding: bool = typer.Option(False, "--no-forwarding", help="skip the scan for the fastest solver"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Stop at the first program that solves the task; report it, the steps spent and the forwarding figure."""
    from speedprior.search.levin import levin_search
    from speedprior.search.task import load_task

    result = levin_search(load_task(task), schedule, k, l, order, states, max_rounds, max_phase,
                          forwarding=not no_forwarding)
    if as_json:
        print_json(result.to_dict())
        return
    if not result.found:
        console.print(f"no program solved the task ({result.total_steps:,} steps over {result.rounds:,} "
                      f"{'rounds' if schedule == 'dovetail' else 'phases'})")
        return
    console.print(f"found {result.program} (program #{result.index}, {result.bits:g} bits) after "
                  f"{result.total_steps:,} steps, {result.programs_started:,} programs started", highlight=False)
    if result.fastest_mean_steps is not None:
        console.print(f"mean steps {result.found_mean_steps:.3g} vs fastest {result.fastest_mean_steps:.3g} "
                      f"({result.fastest_program}); max {result.found_max_steps} vs {result.fastest_max_steps}; "
                      f"{result.solvers} solvers", highlight=False)


@app.command("anneal")
def anneal(
    task: str = typer.Option(..., "--task", "-t", help=TASK_HELP),
    order: str = typer.Option("tnf", "--order", help="enumeration order: tnf, or length (description bits)"),
    states: int = typer.Option(None, "--states", help="machines with at most this many states (default: the task's)"),
    level: float = typer.Option(1.0, "--level", help="performance level: weighted fraction of examples right"),
    measure: str = typer.Option("average", "--measure", help="computation measure: a prior name (average, max, q0.9)"),
    c0: float = typer.Option(1.0, "--c0", help="starting computation bound C"),
    grow: float = typer.Option(2.0, "--grow", help="fast increase factor until the first success"),
    shrink: float = typer.Option(0.8, "--shrink", help="decrease factor until nothing succeeds"),
    slow: float = typer.Option(1.05, "--slow", help="slow increase factor until success again"),
    no_refine: bool = typer.Option(False, "--no-refine", help="stop at the first success"),
    cycles: int = typer.Option(1, "--cycles", help="refinement cycles (each takes the square root of the rate)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Computational annealing (Proposal 0): raise C until P_C holds a solver, then refine C."""
    from speedprior.priors import get_prior
    from speedprior.search.annealing import anneal_task
    from speedprior.search.task import load_task

    result = anneal_task(load_task(task), order, states, level, get_prior(measure), c0=c0, grow=grow,
                         shrink=shrink, slow=slow, refine=not no_refine, cycles=cycles)
    if as_json:
        print_json(result.to_dict())
        return
    if result.selected is None:
        console.print(f"no program in the space reaches the performance level {level:g}")
        return
    path = " → ".join(f"{p.c:.3g}{'✓' if p.found else ''}" for p in result.trajectory)
    console.print(f"C: {path}", highlight=False)
    console.print(f"selected {result.selected} with cost {result.selected_cost} (minimal at the level: "
                  f"{result.minimal_cost})", highlight=False)
