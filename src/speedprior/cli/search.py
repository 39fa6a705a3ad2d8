"""`speedprior search ...`: Levin search (dovetailer or phases) and computational annealing over a task."""

from __future__ import annotations

import math

import typer

from speedprior.cli.output import console, print_json
from speedprior.errors import BudgetError
from speedprior.search.params import AnnealSchedule, DovetailParams, PhaseParams

app = typer.Typer(help="Program search under speed priors: dovetailing, Levin phases, annealing.",
                  no_args_is_help=True)

TASK_HELP = "task TOML file, or a packaged task name (unary-even, unary-mod3, unary-successor, unary-one)"
DOVETAIL, PHASES, SCHEDULE = DovetailParams(), PhaseParams(), AnnealSchedule()  # the library's defaults


def _strict(value):
    """Infinite floats to None, so that --json output is strict JSON."""
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _states(states: int | None) -> int | None:
    if states is not None and not 1 <= states <= 6:
        raise BudgetError(f"--states must lie in 1..6, got {states}")
    return states


@app.command("levin")
def levin(
    task: str = typer.Option(..., "--task", "-t", help=TASK_HELP),
    schedule: str = typer.Option("dovetail", "--schedule", help="dovetail (K steps a round, L new programs a round) "
                                 "or phases (phase i gives each program of length l <= i 2^(i-l) steps)"),
    k: int = typer.Option(DOVETAIL.k, "--k", help="dovetail: steps each started program runs per round"),
    l: int = typer.Option(DOVETAIL.l, "--l", help="dovetail: new programs started per round"),
    order: str = typer.Option("tnf", "--order", help="enumeration order: tnf, or length (description bits)"),
    states: int = typer.Option(None, "--states", help="machines with at most this many states (default: the task's)"),
    max_rounds: int = typer.Option(DOVETAIL.max_rounds, "--max-rounds",
                                   help="dovetail: give up after this many rounds"),
    max_phase: int = typer.Option(PHASES.max_phase, "--max-phase", help="phases: give up after this phase"),
    no_forwarding: bool = typer.Option(False, "--no-forwarding", help="skip the scan for the fastest solver"),
    forwarding_limit: int = typer.Option(None, "--forwarding-limit",
                                         help="most programs the forwarding scan may grade (default 1,000,000)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Stop at the first program that solves the task; report it, the steps spent and the forwarding figure."""
    from speedprior.search.levin import FORWARDING_LIMIT, SCHEDULES, levin_search
    from speedprior.search.task import load_task

    if schedule not in SCHEDULES:
        raise BudgetError(f"unknown schedule {schedule!r}; use one of {', '.join(SCHEDULES)}")
    params = DovetailParams(k, l, max_rounds) if schedule == "dovetail" else PhaseParams(max_phase)
    result = levin_search(load_task(task), params=params, order=order, states=_states(states),
                          forwarding=not no_forwarding,
                          forwarding_limit=FORWARDING_LIMIT if forwarding_limit is None else forwarding_limit)
    if as_json:
        print_json(_strict(result.to_dict()))
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
    c0: float = typer.Option(SCHEDULE.c0, "--c0", help="starting computation bound C"),
    grow: float = typer.Option(SCHEDULE.grow, "--grow", help="fast increase factor until the first success"),
    shrink: float = typer.Option(SCHEDULE.shrink, "--shrink", help="decrease factor until nothing succeeds"),
    slow: float = typer.Option(SCHEDULE.slow, "--slow", help="slow increase factor until success again"),
    no_refine: bool = typer.Option(not SCHEDULE.refine, "--no-refine", help="stop at the first success"),
    cycles: int = typer.Option(SCHEDULE.cycles, "--cycles",
                               help="refinement cycles (each takes the square root of the rate)"),
    max_programs: int = typer.Option(None, "--max-programs",
                                     help="most programs of the space to grade and keep (default 1,000,000)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Computational annealing (Proposal 0): raise C until P_C holds a solver, then refine C."""
    from speedprior.priors import get_prior
    from speedprior.search.annealing import MAX_PROGRAMS, anneal_task
    from speedprior.search.task import load_task

    if not math.isfinite(level):
        raise BudgetError(f"--level must be a finite number, got {level}")
    schedule = AnnealSchedule(c0=c0, grow=grow, shrink=shrink, slow=slow, refine=not no_refine, cycles=cycles)
    prior = get_prior(measure)
    limit = MAX_PROGRAMS if max_programs is None else max_programs
    if limit < 1:
        raise BudgetError(f"--max-programs must be at least 1, got {limit}")
    result = anneal_task(load_task(task), order=order, states=_states(states), level=level, measure=prior,
                         schedule=schedule, max_programs=limit)
    if as_json:
        print_json(_strict(result.to_dict()))
        return
    if result.selected is None:
        console.print(f"no program in the space reaches the performance level {level:g}")
        return
    path = " → ".join(f"{p.c:.3g}{'✓' if p.found else ''}" for p in result.trajectory)
    console.print(f"C: {path}", highlight=False)
    console.print(f"selected {result.selected} with cost {result.selected_cost} (minimal at the level: "
                  f"{result.minimal_cost})", highlight=False)
