"""Boolean circuits: DAGs over a basis, bit-parallel evaluation, size and depth, file formats,
exact synthesis of minimal circuits, Turing-machine tableaux and circuit priors."""

from speedprior.circuits.circuit import BASES, Circuit, Gate
from speedprior.circuits.formats import parse_aag, parse_bench, parse_text, read_circuit, write_circuit

__all__ = ["BASES", "Circuit", "Gate", "parse_aag", "parse_bench", "parse_text", "read_circuit", "write_circuit"]
