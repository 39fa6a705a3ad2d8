"""`speedprior tm ...`: run Turing machines and measure their steps."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import typer

from speedprior.cli.output import console, err_console, escape, print_json, print_table, progress
from speedprior.errors import SpeedpriorError

app = typer.Typer(help="Turing machines: run, measure steps, enumerate.", no_args_is_help=True)

MACHINE_HELP = ("library name, Standard TM string (e.g. 1RB1LB_1LA1RZ) or TOML machine file, "
                "tried in that order")
MAX_BUDGET = 2**62  # step budgets lie in 0..2^62 (the kernels count steps in int64)
MAX_SEED = 2**63 - 1
MAX_WORKERS = 1024
TAPE_HELP = "refuse runs whose tapes outgrow this (MiB; a batch's threads share it)"


@app.command("run")
def run(
    machine: str = typer.Option(..., "--machine", "-m", help=MACHINE_HELP),
    input: str = typer.Option("", "--input", "-i", help="input on tape 1 (default: blank tape)"),
    budget: int = typer.Option(100_000_000, "--budget", "-b", min=0, max=MAX_BUDGET, help="step budget"),
    max_tape_mb: int = typer.Option(256, "--max-tape-mb", min=1, max=2**40, help=TAPE_HELP),
    decide: bool = typer.Option(True, "--decide/--no-decide",
                                help="stop a run proved never to halt (cyclers; 1-tape: translated cyclers too)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Run a machine on one input: verdict, steps, non-blank cells (Ctrl-C stops it).

    The verdict is halt, accept, reject, cycler or translated-cycler (proved never to halt),
    or budget (still running when the budget ran out).
    """
    from speedprior.tm import load_machine
    from speedprior.tm import run as run_machine

    result = run_machine(load_machine(machine), input, budget, max_tape_bytes=max_tape_mb << 20, decide=decide)
    if as_json:
        print_json(result.to_dict())
        return
    verdict = {True: "accepted", False: "rejected", None: "halted" if result.halted else "did not halt"}
    why = {"budget": "budget exhausted", "cycler": "never halts: a cycler",
           "translated-cycler": "never halts: a translated cycler"}.get(result.verdict, "halted")
    console.print(f"{verdict[result.accepted]} after {result.steps:,} steps ({why}), {result.ones:,} non-blank "
                  f"cells, {result.seconds:.3f} s")
    if len(result.tape) <= 200:
        console.print(f"tape: {escape(result.tape)}", highlight=False)


@app.command("stats")
def stats(
    machine: str = typer.Option(..., "--machine", "-m", help=MACHINE_HELP),
    lengths: str = typer.Option("0:10", "--lengths", "-n",
                                help="input lengths A:B or A:B:STEP (inclusive; at most 10,000 lengths)"),
    budget: int = typer.Option(100_000, "--budget", "-b", min=0, max=MAX_BUDGET, help="step budget per input"),
    sample: int = typer.Option(None, "--sample", min=1, help="sample this many inputs per length instead of all"),
    seed: int = typer.Option(0, "--seed", min=0, max=MAX_SEED, help="seed for --sample (0..2^63-1)"),
    inputs: str = typer.Option("all", "--inputs", help="input family: all, or sorted (0^a 1^b)"),
    max_tape_mb: int = typer.Option(256, "--max-tape-mb", min=1, max=2**40, help=TAPE_HELP),
    max_mb: int = typer.Option(1024, "--max-mb", min=1, max=2**40,
                               help="refuse requests whose inputs and results would take more memory (MiB)"),
    max_steps: int = typer.Option(2**40, "--max-steps", min=1, max=2**126,
                                  help="refuse requests of more inputs x budget steps (the worst case)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Steps by input length over every input (mean, max, min, median) with growth fits."""
    from speedprior.tm import load_machine
    from speedprior.tm.stats import parse_lengths, step_statistics

    start = time.perf_counter()
    ns = parse_lengths(lengths)
    tm = load_machine(machine)

    def track(items):
        return progress(items, description="lengths")

    report = step_statistics(tm, ns, budget, sample=sample, seed=seed, progress=track, family=inputs,
                             max_bytes=max_mb << 20, max_steps=max_steps,
                             max_tape_bytes=max_tape_mb << 20)
    report["seconds"] = round(time.perf_counter() - start, 3)
    if as_json:
        print_json(report)
        return
    print_table(report["lengths"], title=f"steps of {report['machine']} by input length")
    for stat, fit in report["fit"].items():
        console.print(f"{stat} steps grow as [bold]{escape(fit['class'])}[/bold] "
                      f"(≈ {fit['a']:.3g}·f(n) + {fit['b']:.3g}, R² = {fit['r2']:.4f})")


@app.command("enumerate")
def enumerate_machines(
    states: int = typer.Option(..., "--states", "-n", min=1, max=26, help="number of states"),
    symbols: int = typer.Option(2, "--symbols", "-s", min=2, max=10, help="number of tape symbols (0 is the blank)"),
    budget: int = typer.Option(107, "--budget", "-b", min=0, help="step budget per machine (107 settles 4 states)"),
    workers: int = typer.Option(None, "--workers", min=1, max=MAX_WORKERS,
                                help="threads, or with --out shards at once (default: every core)"),
    out: Path = typer.Option(None, "--out", help="shard directory: run the tree as resumable shards there "
                                                 "(needed past 8 table entries, e.g. 5 states)"),
    resume: bool = typer.Option(False, "--resume", help="continue the shards in --out: run only unfinished ones"),
    force: bool = typer.Option(False, "--force", help="start the shards in a non-empty --out over"),
    shards: int = typer.Option(None, "--shards", min=1, max=4096, help="shard count (default: from the space)"),
    backend: str = typer.Option("local", "--backend", help="with --out: local (a process pool) or ray"),
    address: str = typer.Option(None, "--address", help="Ray cluster address (default: start Ray locally)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Enumerate every tree-normal-form machine on the blank tape: counts and busy-beaver champions.

    With --out the tree is cut into shards whose results are written there one by one: kill the
    run at any moment and the same command with --resume loses and repeats no finished shard.
    """
    from speedprior.search.enumerate import MAX_TABLE_ENTRIES, enumerate_blank

    sharded_only = [name for name, given in (("--resume", resume), ("--force", force), ("--shards", shards),
                                             ("--backend", backend != "local"), ("--address", address)) if given]
    if out is None and sharded_only:
        raise SpeedpriorError(f"{sharded_only[0]} is for the sharded walk: pass --out DIR as well")
    if backend not in ("local", "ray"):
        raise SpeedpriorError(f"unknown backend {backend!r}; known: local, ray")
    if address is not None and backend != "ray":
        raise SpeedpriorError("--address is for --backend ray")
    if out is None and states * symbols > MAX_TABLE_ENTRIES:
        raise SpeedpriorError(f"the {states}-state {symbols}-symbol space is walked in resumable shards: pass "
                              f"--out DIR (states x symbols above {MAX_TABLE_ENTRIES} need it)")
    run = None
    if out is None:
        summary = enumerate_blank(states, symbols, budget, workers)
    else:
        run = _enumerate_sharded(states, symbols, budget, out, resume, force, shards, workers, backend, address)
        summary = run.summary
    report = summary.to_dict()
    if summary.halted == 0:  # no champion: null rather than the kernel's -1 and ""
        report.update(max_steps=None, max_steps_machine=None, max_ones=None, max_ones_machine=None)
    if as_json:
        print_json({**{k: report[k] for k in ("machines", "halted", "nonhalting", "undecided", "max_steps",
                                              "max_steps_machine", "max_ones", "max_ones_machine", "seconds",
                                              "states", "symbols", "budget")},
                    **({} if run is None else {"shards": run.shards, "out": str(run.out)})})
        return
    console.print(f"{summary.machines:,} TNF machines with {states} states and {symbols} symbols in "
                  f"{summary.seconds:.2f} s: {summary.halted:,} halted within {budget:,} steps, "
                  f"{summary.nonhalting:,} proved never to halt (cyclers, translated cyclers), "
                  f"{summary.undecided:,} undecided")
    if run is not None:
        console.print(f"{run.shards:,} shards in {escape(str(run.out))} ({run.ran:,} run now, the others were "
                      "already done)" if run.ran < run.shards else f"{run.shards:,} shards in {escape(str(run.out))}",
                      highlight=False)
    if summary.halted == 0:
        console.print("no machine halted, so there is no champion")
        return
    console.print(f"most steps: {summary.max_steps:,} by {summary.max_steps_machine}", highlight=False)
    console.print(f"most non-blank cells: {summary.max_ones:,} by {summary.max_ones_machine}", highlight=False)


def _enumerate_sharded(states, symbols, budget, out, resume, force, shards, workers, backend, address):
    """The sharded walk: plan, check --out, start the workers, run the shards with a progress bar."""
    from speedprior.search.shards import check_out, enumerate_sharded, plan_shards
    from speedprior.sweeps.pools import LocalPool, RayPool

    plan = plan_shards(states, symbols, budget, shards)
    check_out(out, plan, resume, force)  # before any worker starts or anything is written
    executor = RayPool(workers, address) if backend == "ray" else LocalPool(workers or os.cpu_count() or 1)
    bar = _ShardBar()
    try:
        run = enumerate_sharded(plan, out, resume=resume, force=force, executor=executor,
                                in_flight=executor.workers, on_shard=bar.update)
    except KeyboardInterrupt:  # handled here: main() would turn it into exit code 0
        executor.abort()
        bar.close()
        print("speedprior: interrupted; finished shards are kept: run the same command with --resume",
              file=sys.stderr)
        sys.exit(130)
    except BaseException:
        executor.abort()
        raise
    finally:
        bar.close()
        executor.close()
    return run


class _ShardBar:
    """A progress bar on stderr over shards (done of all, machines so far), shown only on a terminal."""

    def __init__(self):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(TextColumn("shards"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[machines]:,} machines"), TimeElapsedColumn(),
                                  console=err_console, transient=True, disable=not err_console.is_terminal)
        self._task = None

    def update(self, done: int, total: int, machines: int) -> None:
        if self._task is None:
            self._task = self._progress.add_task("shards", total=total, completed=done, machines=machines)
            self._progress.start()
        self._progress.update(self._task, completed=done, machines=machines)

    def close(self) -> None:
        self._progress.stop()
