"""Synthetic languages and tasks for small GPTs, generated from a seed (nothing is downloaded).

A `Task` draws (prompt, target) pairs of fixed lengths over a shared `Vocab`; a sequence is the
prompt followed by the target, and a model is scored on the target tokens only. Two families:

- Transductions (`transduction_suite`): a tag token names a function (copy, reverse, sort, shift, ...)
  of a string of digits: `[tag] x1..xn SEP y1..yn`. With the tag removed, the same pairs are the
  behaviour a soft prompt must elicit; with the outputs relabelled by a fixed permutation they are a
  control behaviour of the same length and entropy that the model never saw.
- Arithmetic languages (`decay_setup`): sentences `a + b = c` with operands below p, each language with
  its own number words (0 .. 2p-2) and word order, for the four capability-decay setups of background/004:
  (A) unrelated languages (each its own random table c = T[a, b]); (B) shared structure c = a + b with
  different surface forms; (C) as B plus translation tasks; (D) as C with one translation pair held out.
  (Plain, not modular, addition: a + b mod p has no first-order signal and plateaus for thousands of steps.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

SPECIALS = ("<pad>", "<sep>", "<refuse>")
PAD, SEP, REFUSE = 0, 1, 2
TRANSDUCTIONS = ("copy", "reverse", "sort", "shift", "swap_pairs", "rotate")
SETUPS = ("A", "B", "C", "D")
FORMS = ("infix", "prefix", "postfix")  # word orders of `a + b =`


@dataclass
class Vocab:
    """Token names in id order; the first three are <pad>, <sep> and <refuse>."""

    names: list[str] = field(default_factory=lambda: list(SPECIALS))

    def add(self, name: str) -> int:
        """Append one token and return its id."""
        if name in self.names:
            raise ValueError(f"token {name!r} already in the vocabulary")
        self.names.append(name)
        return len(self.names) - 1

    def block(self, prefix: str, n: int) -> torch.Tensor:
        """Append n tokens `prefix0..prefix{n-1}` and return their ids."""
        return torch.tensor([self.add(f"{prefix}{i}") for i in range(n)])

    def __len__(self) -> int:
        return len(self.names)

    def decode(self, ids) -> str:
        """Token names joined by spaces."""
        return " ".join(self.names[int(i)] for i in ids)


class Task:
    """(prompt, target) pairs of fixed lengths; subclasses implement `sample`."""

    name: str
    prompt_len: int
    target_len: int

    def sample(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """n prompts (n, prompt_len) and targets (n, target_len), drawn with `generator`."""
        raise NotImplementedError

    def batch(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Sequences prompt+target (n, P+L) and a mask, True where the token is part of the target."""
        prompt, target = self.sample(n, generator)
        tokens = torch.cat([prompt, target], dim=1)
        mask = torch.zeros_like(tokens, dtype=torch.bool)
        mask[:, prompt.shape[1]:] = True
        return tokens, mask

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class Transduction(Task):
    """`[tag] x1..xn SEP f(x)1..f(x)n` over `digits`; `output_map` relabels the outputs (a control)."""

    def __init__(self, function: str, digits: torch.Tensor, length: int, tag: int | None = None,
                 output_map: torch.Tensor | None = None, name: str | None = None,
                 filler: torch.Tensor | None = None, preamble: int = 0):
        if function not in TRANSDUCTIONS:
            raise ValueError(f"unknown transduction {function!r}; known: {', '.join(TRANSDUCTIONS)}")
        if preamble and filler is None:
            raise ValueError("a preamble needs filler tokens")
        self.function, self.digits, self.length, self.tag, self.output_map = function, digits, length, tag, output_map
        self.name = name or function
        self.filler, self.preamble = filler, preamble
        self.prompt_len = preamble + length + 1 + (tag is not None)
        self.target_len = length

    def sample(self, n, generator):
        """Prompts with a full-length preamble of filler tokens (see `batch` for random lengths)."""
        m = len(self.digits)
        x = torch.randint(0, m, (n, self.length), generator=generator)
        y = apply_transduction(self.function, x, m)
        if self.output_map is not None:
            y = self.output_map[y]
        parts = [] if self.tag is None else [torch.full((n, 1), self.tag)]
        if self.preamble:
            fill = torch.randint(0, len(self.filler), (n, self.preamble), generator=generator)
            parts.insert(0, self.filler[fill])
        prompt = torch.cat([*parts, self.digits[x], torch.full((n, 1), SEP)], dim=1)
        return prompt, self.digits[y]

    def batch(self, n, generator):
        """As `Task.batch`, but the preamble is cut to a random length 0..preamble per sequence and the
        sequence shifted left (right-padded with <pad>), so the model learns to work at any offset."""
        tokens, mask = super().batch(n, generator)
        if not self.preamble:
            return tokens, mask
        cut = torch.randint(0, self.preamble + 1, (n,), generator=generator)  # preamble tokens dropped
        width = tokens.shape[1]
        source = (torch.arange(width)[None, :] + cut[:, None]).clamp(max=width - 1)
        keep = torch.arange(width)[None, :] < (width - cut)[:, None]
        tokens = torch.where(keep, tokens.gather(1, source), torch.full_like(tokens, PAD))
        return tokens, mask.gather(1, source) & keep

    def untagged(self, output_map: torch.Tensor | None = None, name: str | None = None) -> Transduction:
        """The same behaviour without tag or preamble (what a soft prompt must supply), optionally relabelled."""
        return Transduction(self.function, self.digits, self.length, None, output_map, name or self.name)


def apply_transduction(function: str, x: torch.Tensor, m: int) -> torch.Tensor:
    """f(x) for digit strings x (n, length) with values in 0..m-1."""
    if function == "copy":
        return x.clone()
    if function == "reverse":
        return x.flip(1)
    if function == "sort":
        return x.sort(dim=1).values
    if function == "shift":
        return (x + 1) % m
    if function == "swap_pairs":  # 0 1 2 3 -> 1 0 3 2 (a trailing odd element stays)
        y = x.clone()
        even = x.shape[1] // 2 * 2
        y[:, 0:even:2], y[:, 1:even:2] = x[:, 1:even:2], x[:, 0:even:2]
        return y
    if function == "rotate":
        return x.roll(-1, dims=1)
    raise ValueError(f"unknown transduction {function!r}")


@dataclass
class TransductionSuite:
    """A vocabulary, digit and filler tokens and one tagged task per function: the default model's data."""

    vocab: Vocab
    digits: torch.Tensor
    filler: torch.Tensor
    tasks: dict[str, Transduction]


def transduction_suite(functions=TRANSDUCTIONS, n_digits: int = 8, length: int = 6, preamble: int = 0,
                       n_filler: int = 8) -> TransductionSuite:
    """Digits 0..n_digits-1, one tag per function, tagged tasks of that length after a random preamble of
    0..`preamble` filler tokens (so that a soft prompt of up to that many tokens sits where text was seen)."""
    vocab = Vocab()
    digits = vocab.block("d", n_digits)
    filler = vocab.block("f", n_filler)
    tasks = {f: Transduction(f, digits, length, tag=vocab.add(f"<{f}>"), filler=filler, preamble=preamble)
             for f in functions}
    return TransductionSuite(vocab, digits, filler, tasks)


def derangement(n: int, generator: torch.Generator) -> torch.Tensor:
    """A uniformly drawn permutation of 0..n-1 with no fixed point (rejection sampling)."""
    if n < 2:
        raise ValueError(f"a derangement needs n >= 2, got {n}")
    while True:
        perm = torch.randperm(n, generator=generator)
        if not bool((perm == torch.arange(n)).any()):
            return perm


class ArithmeticLanguage(Task):
    """Sentences `a + b = c` in one language: its own number words, `+` and `=` words, and word order.

    The task is to complete the sentence: prompt `a + b =` (in the language's order), target `c`.
    `table[a, b]` (p x p) is c: a + b for shared structure, a random table for an unrelated language;
    `digits` holds the token of every number 0 .. 2p-2 the table can produce.
    """

    def __init__(self, name: str, digits: torch.Tensor, plus: int, equals: int, form: str, table: torch.Tensor):
        if form not in FORMS:
            raise ValueError(f"unknown form {form!r}; known: {', '.join(FORMS)}")
        self.name, self.digits, self.plus, self.equals, self.form, self.table = name, digits, plus, equals, form, table
        self.prompt_len, self.target_len = 4, 1

    def render(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """Whole sentences (n, 5) for operand values a, b (n,)."""
        da, db, dc = self.digits[a], self.digits[b], self.digits[self.table[a, b]]
        plus, eq = torch.full_like(da, self.plus), torch.full_like(da, self.equals)
        order = {"infix": (da, plus, db), "prefix": (plus, da, db), "postfix": (da, db, plus)}[self.form]
        return torch.stack([*order, eq, dc], dim=1)

    def operands(self, n, generator):
        p = len(self.table)
        return torch.randint(0, p, (n,), generator=generator), torch.randint(0, p, (n,), generator=generator)

    def sample(self, n, generator):
        sentence = self.render(*self.operands(n, generator))
        return sentence[:, :4], sentence[:, 4:]


class Translation(Task):
    """`sentence in S` `<to-T>` `the same sentence in T`: translation between two arithmetic languages."""

    def __init__(self, source: ArithmeticLanguage, target: ArithmeticLanguage, to_token: int):
        self.source, self.target, self.to_token = source, target, to_token
        self.name = f"{source.name}->{target.name}"
        self.prompt_len, self.target_len = 6, 5

    def sample(self, n, generator):
        a, b = self.source.operands(n, generator)
        prompt = torch.cat([self.source.render(a, b), torch.full((n, 1), self.to_token)], dim=1)
        return prompt, self.target.render(a, b)


@dataclass
class DecaySetup:
    """Tasks of one capability-decay setup: `kept` are trained throughout, `dropped` only before the drop,
    `held_out` never (evaluated only: D's untrained translation pair)."""

    name: str
    vocab: Vocab
    kept: list[Task]
    dropped: list[Task]
    held_out: list[Task]
    chance: float  # accuracy of always answering the dropped language's most frequent c


def decay_setup(setup: str, n_languages: int = 4, modulus: int = 5, seed: int = 0) -> DecaySetup:
    """Setup A, B, C or D with `n_languages` languages, operands below `modulus`; the last language is dropped.

    Every language has its own number-word tokens in a shuffled order and one of three word orders. In C and D
    every ordered pair of languages gets a translation task; everything that mentions the dropped
    language is dropped with it, so what survives of it can only come through shared structure.
    """
    if setup not in SETUPS:
        raise ValueError(f"unknown setup {setup!r}; known: {', '.join(SETUPS)}")
    if n_languages < 2 or (setup == "D" and n_languages < 3):
        raise ValueError(f"setup {setup} needs more languages, got {n_languages}")
    gen = torch.Generator().manual_seed(seed)
    vocab = Vocab()
    words = 2 * modulus - 1
    add = torch.arange(modulus)[:, None] + torch.arange(modulus)[None, :]
    languages = []
    for i in range(n_languages):
        digits = vocab.block(f"L{i}d", words)[torch.randperm(words, generator=gen)]
        table = add if setup != "A" else torch.randint(0, words, (modulus, modulus), generator=gen)
        plus, equals = vocab.add(f"L{i}+"), vocab.add(f"L{i}=")
        languages.append(ArithmeticLanguage(f"L{i}", digits, plus, equals, FORMS[i % len(FORMS)], table))
    dropped_language = languages[-1]
    kept: list[Task] = list(languages[:-1])
    dropped: list[Task] = [dropped_language]
    held_out: list[Task] = []
    if setup in ("C", "D"):
        to = [vocab.add(f"<to-L{i}>") for i in range(n_languages)]
        for s in languages:
            for t in languages:
                if s is t:
                    continue
                task = Translation(s, t, to[languages.index(t)])
                if dropped_language in (s, t):
                    dropped.append(task)
                elif setup == "D" and (s, t) == (languages[0], languages[1]):
                    held_out.append(task)
                else:
                    kept.append(task)
    chance = float(torch.bincount(dropped_language.table.flatten()).max()) / modulus**2
    return DecaySetup(setup, vocab, kept, dropped, held_out, chance=chance)


def mixture_batch(tasks: list[Task], n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """n sequences drawn evenly over `tasks`, right-padded with <pad>: tokens (n, T) and target mask (n, T)."""
    if not tasks:
        raise ValueError("mixture_batch needs at least one task")
    which = torch.randint(0, len(tasks), (n,), generator=generator)
    width = max(t.prompt_len + t.target_len for t in tasks)
    tokens = torch.full((n, width), PAD)
    mask = torch.zeros((n, width), dtype=torch.bool)
    for i, task in enumerate(tasks):
        rows = (which == i).nonzero().flatten()
        if len(rows):
            seq, m = task.batch(len(rows), generator)
            tokens[rows, : seq.shape[1]], mask[rows, : seq.shape[1]] = seq, m
    return tokens, mask
