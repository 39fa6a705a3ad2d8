"""Tasks for program search: input -> output examples, or a language to decide, with weights.

A task is a list of examples with a weighted input distribution, the tape alphabet its
machines use, and the program space and step budget its search defaults to. TOML form:

    name = "unary-even"
    description = "accept 1^n for even n"
    symbols = "01"          # tape symbols, the blank first
    input = "1"             # input alphabet (default: every non-blank symbol)
    states = 2              # search TNF machines with at most this many states
    budget = 200            # step budget per example
    [language]              # a language to decide: every word of these lengths, labelled
    regex = "(11)*"         #   by whether it fully matches the regex
    lengths = [0, 6]        #   inclusive range of input lengths
    weights = "uniform"     #   "uniform" over words, or "length": each length equal mass

or, instead of [language], explicit examples (a decider's or a function's):

    examples = [{ input = "11", accept = true }, { input = "1", output = "11", weight = 2.0 }]

A function's output is read from the final tape: the cells from the head rightwards up to
(not including) the first blank. A decider must stop in accept or reject.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from speedprior import packaged
from speedprior.errors import ConfigError
from speedprior.files import read_text
from speedprior.search.regex import Regex

_KEYS = {"name", "description", "symbols", "input", "states", "budget", "language", "examples"}
_LANGUAGE_KEYS = {"regex", "lengths", "weights"}
MAX_EXAMPLES = 100_000
MAX_LENGTH = 4096  # longest word of a language task


@dataclass(frozen=True)
class Example:
    """One input with its expected verdict (bool) or output string, and its weight."""

    input: str
    expected: bool | str
    weight: float = 1.0


@dataclass(frozen=True)
class Task:
    """Examples to solve, the tape alphabet, and the default search space and budget."""

    examples: tuple[Example, ...]
    symbols: str = "01"
    input_symbols: str | None = None
    states: int = 2
    budget: int = 1000
    name: str = "task"
    description: str = ""
    metadata: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.examples:
            raise ConfigError(f"task {self.name!r} has no examples")
        kinds = {isinstance(e.expected, bool) for e in self.examples}
        if len(kinds) != 1:
            raise ConfigError(f"task {self.name!r} mixes verdicts (true/false) and outputs (strings)")
        if len(set(self.symbols)) != len(self.symbols) or len(self.symbols) < 2:
            raise ConfigError(f"symbols must be at least 2 distinct characters, got {self.symbols!r}")
        inputs = self.symbols[1:] if self.input_symbols is None else self.input_symbols
        object.__setattr__(self, "input_symbols", inputs)
        for e in self.examples:
            text = e.input + ("" if isinstance(e.expected, bool) else e.expected)
            bad = [ch for ch in e.input if ch not in inputs] + [ch for ch in text if ch not in self.symbols]
            if bad:
                raise ConfigError(f"example {e.input!r} uses symbol {bad[0]!r}, outside the alphabet")
            if not isinstance(e.expected, bool) and self.symbols[0] in e.expected:
                raise ConfigError(f"output {e.expected!r} contains the blank {self.symbols[0]!r}; outputs end there")
            if not (math.isfinite(e.weight) and e.weight >= 0):
                raise ConfigError(f"example {e.input!r} has weight {e.weight}; weights are finite and non-negative")
        if sum(e.weight for e in self.examples) <= 0:
            raise ConfigError(f"task {self.name!r} has no example of positive weight")
        if not 1 <= self.states <= 6:
            raise ConfigError(f"states must lie in 1..6, got {self.states}")
        if not 1 <= self.budget <= 1 << 22:
            raise ConfigError(f"budget must lie in 1..{1 << 22}, got {self.budget}")

    @property
    def is_language(self) -> bool:
        """True for a decision task (verdicts), False for a function (outputs)."""
        return isinstance(self.examples[0].expected, bool)

    @property
    def stops(self) -> tuple[str, ...]:
        """The stop transitions a machine for this task may use."""
        return ("accept", "reject") if self.is_language else ("halt",)

    @property
    def inputs(self) -> list[str]:
        """The example inputs, in order."""
        return [e.input for e in self.examples]

    @property
    def weights(self) -> np.ndarray:
        """Example weights normalised to sum to one: the task distribution."""
        w = np.array([e.weight for e in self.examples], dtype=np.float64)
        return w / w.sum()

    def pairs(self) -> list[tuple[str, bool | str]]:
        """The examples as (input, expected) pairs."""
        return [(e.input, e.expected) for e in self.examples]

    @classmethod
    def from_examples(cls, examples: Sequence[tuple[str, bool | str]] | Sequence[Example], **kwargs) -> Task:
        """Build a task from (input, verdict) or (input, output) pairs; alphabet defaults to what they use."""
        items = tuple(e if isinstance(e, Example) else Example(str(e[0]), e[1]) for e in examples)
        if "symbols" not in kwargs:  # the characters used, after a blank they do not use
            used = "".join(sorted({ch for e in items for ch in e.input + ("" if isinstance(e.expected, bool)
                                                                           else e.expected)}))
            kwargs["symbols"] = ("_" if "0" in used else "0") + (used or "1")
        return cls(items, **kwargs)


def count_words(alphabet_size: int, lo: int, hi: int, limit: int = MAX_EXAMPLES) -> int:
    """Words of length lo..hi over an alphabet of `alphabet_size`, or limit + 1 once past `limit` (never slow)."""
    if alphabet_size <= 1:
        return min(hi - lo + 1 if alphabet_size == 1 else int(lo == 0), limit + 1)
    if lo > 64:  # alphabet_size ** lo alone exceeds any limit
        return limit + 1
    total, n = 0, lo
    while n <= hi and total <= limit:
        total += alphabet_size ** n
        n += 1
    return min(total, limit + 1)


def language_examples(regex: str, alphabet: str, lengths: tuple[int, int], weights: str = "uniform") -> list[Example]:
    """Every word over `alphabet` with length in `lengths` (inclusive), labelled by `regex`.

    The number of words is counted before any is built; matching is linear-time (`search.regex`).
    """
    pattern = Regex(regex)
    lo, hi = lengths
    if not alphabet:
        raise ConfigError("a language needs at least one input symbol to build its words from")
    if not 0 <= lo <= hi <= MAX_LENGTH or count_words(len(alphabet), lo, hi) > MAX_EXAMPLES:
        raise ConfigError(f"language lengths {list(lengths)} must be 0 <= a <= b <= {MAX_LENGTH} giving at most "
                          f"{MAX_EXAMPLES:,} words over {len(alphabet)} input symbols")
    if weights not in ("uniform", "length"):
        raise ConfigError(f"language weights must be 'uniform' or 'length', got {weights!r}")
    out = []
    for n in range(lo, hi + 1):
        mass = 1.0 if weights == "uniform" else 1.0 / len(alphabet) ** n
        for letters in itertools.product(alphabet, repeat=n):
            word = "".join(letters)
            out.append(Example(word, pattern.fullmatch(word), mass))
    return out


def _example(item, where: str) -> Example:
    if isinstance(item, list) and len(item) == 2:
        item = {"input": item[0], "accept" if isinstance(item[1], bool) else "output": item[1]}
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: an example is a table {{input, accept|output, weight}} or [input, expected]")
    unknown = set(item) - {"input", "accept", "output", "weight"}
    if unknown or "input" not in item or ("accept" in item) == ("output" in item):
        raise ConfigError(f"{where}: an example needs 'input' and exactly one of 'accept' or 'output'")
    expected = item.get("accept", item.get("output"))
    if ("accept" in item and not isinstance(expected, bool)) or ("output" in item and not isinstance(expected, str)):
        raise ConfigError(f"{where}: 'accept' must be true/false and 'output' a string")
    weight = item.get("weight", 1.0)
    if not isinstance(weight, int | float) or isinstance(weight, bool) or not math.isfinite(weight) or weight < 0:
        raise ConfigError(f"{where}: weight must be a finite non-negative number, got {weight!r}")
    return Example(str(item["input"]), expected, float(weight))


def task_from_dict(data: dict, source: str = "task") -> Task:
    """Build a Task from the parsed TOML mapping."""
    unknown = set(data) - _KEYS
    if unknown:
        raise ConfigError(f"{source}: unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    if ("language" in data) == ("examples" in data):
        raise ConfigError(f"{source}: give exactly one of [language] or examples")
    symbols = str(data.get("symbols", "01"))
    if len(set(symbols)) != len(symbols) or len(symbols) < 2:  # as Task checks, before any word is built
        raise ConfigError(f"{source}: symbols must be at least 2 distinct characters, got {symbols!r}")
    inputs = str(data["input"]) if "input" in data else symbols[1:]
    if "language" in data:
        lang = data["language"]
        if not isinstance(lang, dict) or set(lang) - _LANGUAGE_KEYS or "regex" not in lang:
            raise ConfigError(f"{source}: [language] takes regex, lengths, weights")
        lengths = lang.get("lengths", [0, 6])
        if not (isinstance(lengths, list) and len(lengths) == 2
                and all(isinstance(v, int) and not isinstance(v, bool) for v in lengths)):
            raise ConfigError(f"{source}: language lengths must be [a, b]")
        examples = language_examples(str(lang["regex"]), inputs, (lengths[0], lengths[1]), str(lang.get("weights",
                                                                                                         "uniform")))
    else:
        if not isinstance(data["examples"], list):
            raise ConfigError(f"{source}: examples must be an array")
        examples = [_example(item, f"{source}: examples[{i}]") for i, item in enumerate(data["examples"])]
    for key in ("states", "budget"):
        if key in data and (not isinstance(data[key], int) or isinstance(data[key], bool)):
            raise ConfigError(f"{source}: {key} must be an integer")
    return Task(tuple(examples), symbols=symbols, input_symbols=inputs, states=data.get("states", 2),
                budget=data.get("budget", 1000), name=str(data.get("name", Path(source).stem)),
                description=str(data.get("description", "")))


def load_task(source: str | Path) -> Task:
    """Read a task TOML file, or a packaged task by name (e.g. 'unary-even')."""
    path = Path(source)
    if not path.is_file() and path.suffix != ".toml" and packaged.exists("task", str(source)):
        text, where = packaged.read("task", str(source)), f"task {source}"
    elif not path.is_file():
        raise ConfigError(f"task file not found: {source}; shipped tasks: {', '.join(packaged.names('task'))}")
    else:
        text, where = read_text(path, "task file"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{where}: invalid TOML: {error}") from None
    return task_from_dict(data, where)
