"""Program search under speed priors: TNF enumeration, program spaces, tasks, the dovetailer,
Levin search in phases and computational annealing (Proposal 0). See docs/search.md.

Modules, lowest first: `task` (tasks and their languages), `params` (the hyperparameter
dataclasses), `encoding` (words as kernel arrays), `enumerate` (TNF walks), `program`
(a machine with its description length), `evaluate` (a machine on examples), `chunks`
(programs in compiled blocks), `spaces`, `result`, `dovetail`, `levin`, `annealing`.
The names below load their module on first use, so `import speedprior.search.params` stays cheap.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "AnnealResult": "annealing", "anneal": "annealing", "anneal_task": "annealing", "task_candidates": "annealing",
    "AnnealSchedule": "params", "DovetailParams": "params", "PhaseParams": "params",
    "dovetail": "dovetail", "EnumerationSummary": "enumerate", "enumerate_blank": "enumerate",
    "tnf_machines": "enumerate", "cost_to_verdict": "evaluate", "run_examples": "evaluate",
    "levin_search": "levin", "phases": "levin", "task_space": "levin", "SearchResult": "result",
    "LengthSpace": "spaces", "ListSpace": "spaces", "ProgramSpace": "spaces", "SolverSpace": "spaces",
    "TNFSpace": "spaces", "solvers": "spaces", "Program": "program", "description_bits": "program",
    "parse_program": "program", "program_string": "program", "Example": "task", "Task": "task",
    "load_task": "task",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'speedprior.search' has no attribute {name!r}")
    return getattr(importlib.import_module(f"speedprior.search.{_EXPORTS[name]}"), name)


def __dir__() -> list[str]:
    return __all__
