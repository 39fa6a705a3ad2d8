"""Turing machines: deterministic k-tape machines, their formats, a compiled runner and a library."""

from speedprior.tm.library import LIBRARY, get_machine, load_machine
from speedprior.tm.machine import ACCEPT, HALT, REJECT, UNDEFINED, TuringMachine
from speedprior.tm.run import BatchResult, RunResult, run, run_batch, steps_profile
from speedprior.tm.spec import load_spec, parse_spec, to_spec
from speedprior.tm.standard import parse_standard, to_standard

__all__ = [
    "ACCEPT",
    "BatchResult",
    "HALT",
    "LIBRARY",
    "REJECT",
    "RunResult",
    "TuringMachine",
    "UNDEFINED",
    "get_machine",
    "load_machine",
    "load_spec",
    "parse_spec",
    "parse_standard",
    "run",
    "run_batch",
    "steps_profile",
    "to_spec",
    "to_standard",
]
