"""A two-level program space: programs that solve a task directly, and searchers that run an inner search.

Every program starts with a one-bit head. Head 0: the rest is a TNF machine that answers each
input itself (a *direct* program; its cost on an input is its own steps). Head 1: the program
*descends*: the rest encodes a dovetailer's K and L, the inner space's order ("tnf" or
"length") and its number of states, and the program runs that dovetailer over the inner space on
the task's training examples, then answers with the machine it found (a *searcher*). A searcher
is short whatever machine it finds; its cost on an input is the inner search's steps, shared over
the `episodes` inputs it answers with one search, plus the found machine's steps.

Description lengths: direct programs 1 + the machine's bits (search/program.py); searchers
1 + gamma(K) + gamma(L) + 1 + gamma(states), with gamma the Elias gamma code length.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from speedprior.errors import ConfigError
from speedprior.measure.profile import CostProfile
from speedprior.priors import Candidate
from speedprior.search.dovetail import dovetail
from speedprior.search.evaluate import as_examples, example_budget, run_examples
from speedprior.search.params import DovetailParams
from speedprior.search.result import SearchResult, add_forwarding, fastest_solvers
from speedprior.search.spaces import LengthSpace, TNFSpace, solvers
from speedprior.search.task import Task

ORDERS = ("tnf", "length")
HEAD_BITS = 1


def gamma_bits(x: int) -> int:
    """Length of the Elias gamma code of a positive integer: 2 floor(log2 x) + 1."""
    if x < 1:
        raise ConfigError(f"Elias gamma codes positive integers, got {x}")
    return 2 * (x.bit_length() - 1) + 1


@dataclass(frozen=True)
class Searcher:
    """A meta-level program: dovetail (K, L) over the TNF machines of up to `states` states in `order`."""

    k: int
    l: int  # noqa: E741 - the dovetailer's L
    order: str = "tnf"
    states: int = 2

    def __post_init__(self):
        if self.order not in ORDERS:
            raise ConfigError(f"unknown inner order {self.order!r}; known: {', '.join(ORDERS)}")
        DovetailParams(self.k, self.l)  # range checks with the dovetailer's own messages

    @property
    def bits(self) -> float:
        """Head, K, L, order and states, each self-delimiting."""
        return float(HEAD_BITS + gamma_bits(self.k) + gamma_bits(self.l) + 1 + gamma_bits(self.states))

    @property
    def name(self) -> str:
        return f"search[K={self.k},L={self.l},{self.order},{self.states} states]"


def inner_space(task: Task, searcher: Searcher, budget: int):
    """The space the searcher's dovetailer walks."""
    base = TNFSpace.for_task(task, searcher.states, budget)
    return base if searcher.order == "tnf" else LengthSpace(base)


@dataclass
class MetaSpace:
    """Both levels, measured once on a task: the direct solvers and each searcher's inner search."""

    direct: list[Candidate]
    searches: dict[str, SearchResult] = field(default_factory=dict)
    found_steps: dict[str, np.ndarray] = field(default_factory=dict)  # per searcher that found a solver
    searchers: dict[str, Searcher] = field(default_factory=dict)

    def candidates(self, episodes: int = 1) -> list[Candidate]:
        """Direct solvers and successful searchers, one inner search shared over `episodes` inputs.

        Each Candidate's profile is its cost per training example under the task's weights; its info
        says "searcher" (1 or 0) and, for a searcher, its search steps.
        """
        if episodes < 1:
            raise ConfigError(f"episodes must be at least 1, got {episodes}")
        out = list(self.direct)
        for name, steps in self.found_steps.items():
            base = self.direct[0].profile if self.direct else None
            keys = np.arange(len(steps)) if base is None else base.keys
            weights = None if base is None else base.weights
            result = self.searches[name]
            out.append(Candidate(name, CostProfile(steps + result.total_steps / episodes, None, keys, weights),
                                 self.searchers[name].bits, self.searchers[name],
                                 {"searcher": 1, "search_steps": result.total_steps}))
        return out


def meta_space(task: Task, states: int, searchers: list[Searcher], budget: int | None = None,
               max_rounds: int = 1_000_000) -> MetaSpace:
    """Every direct solver with up to `states` states, and every searcher's inner search on the task."""
    budget = example_budget(task, budget)
    keys, weights = np.arange(len(task.examples)), task.weights
    direct = []
    for program in solvers(TNFSpace.for_task(task, states, budget), task, budget):
        steps = np.asarray(program.info["steps"], dtype=np.float64)
        direct.append(Candidate(f"direct:{program.name}", CostProfile(steps, None, keys, weights),
                                HEAD_BITS + program.bits, program, {"searcher": 0, "search_steps": 0}))
    space = MetaSpace(direct)
    fastest_by_space: dict[tuple, tuple] = {}
    for searcher in searchers:
        inner = inner_space(task, searcher, budget)
        result, found = dovetail(inner, task, budget=budget, params=DovetailParams(searcher.k, searcher.l, max_rounds))
        key = (searcher.states, searcher.order)
        if key not in fastest_by_space:
            fastest_by_space[key] = fastest_solvers(inner, task, budget)
        add_forwarding(result, found, inner, task, fastest_by_space[key], budget=budget)
        space.searches[searcher.name] = result
        space.searchers[searcher.name] = searcher
        if found is not None:
            space.found_steps[searcher.name] = run_examples(found.machine, as_examples(task), budget).steps.astype(
                np.float64)
    return space


def forwarding_of_fastest_searcher(space: MetaSpace) -> dict | None:
    """The searcher whose inner search costs least, and how fast the machine it found is against the fastest."""
    found = [(r.total_steps, name, r) for name, r in space.searches.items() if r.found]
    if not found:
        return None
    _, name, result = min(found, key=lambda item: (item[0], item[1]))
    return {"searcher": name, "search_steps": result.total_steps, "found": result.program,
            "forwarding_mean": result.forwarding_mean, "forwarding_max": result.forwarding_max,
            "fastest": result.fastest_program}

