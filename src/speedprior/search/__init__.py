"""Program search under speed priors: TNF enumeration, program spaces, tasks, the dovetailer,
Levin search in phases and computational annealing (Proposal 0). See docs/search.md."""

from speedprior.search.annealing import AnnealResult, anneal, anneal_task, task_candidates
from speedprior.search.dovetail import dovetail
from speedprior.search.enumerate import EnumerationSummary, enumerate_blank, tnf_machines
from speedprior.search.evaluate import cost_to_verdict, run_examples
from speedprior.search.levin import levin_search, phases, task_space
from speedprior.search.result import SearchResult
from speedprior.search.spaces import (
    LengthSpace,
    ListSpace,
    Program,
    ProgramSpace,
    SolverSpace,
    TNFSpace,
    description_bits,
    parse_program,
    program_string,
    solvers,
)
from speedprior.search.task import Example, Task, load_task

__all__ = [
    "AnnealResult", "EnumerationSummary", "Example", "LengthSpace", "ListSpace", "Program", "ProgramSpace",
    "SearchResult", "SolverSpace", "TNFSpace", "Task", "anneal", "anneal_task", "cost_to_verdict",
    "description_bits", "dovetail", "enumerate_blank", "levin_search", "load_task", "parse_program", "phases",
    "program_string", "run_examples", "solvers", "task_candidates", "task_space", "tnf_machines",
]
