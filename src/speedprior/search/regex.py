"""Task languages as regular expressions, matched in linear time (no backtracking).

The subset a task language needs: literals, `.`, classes `[01]`, `[^0]`, `[a-c]`, groups
`( )` and `(?: )`, alternation `|`, and the repetitions `*`, `+`, `?`, `{m}`, `{m,}`,
`{m,n}`; `\\` escapes the next character. A pattern compiles to a Thompson NFA; a match walks
the word once, keeping the set of live states, so a word of length n costs O(n x states)
whatever the pattern (Python's `re` backtracks: `(1|1)*0` over 40 ones never returns).
Anything else (back-references, look-arounds, anchors) is refused with a ConfigError.
"""

from __future__ import annotations

from dataclasses import dataclass

from speedprior.errors import ConfigError

MAX_PATTERN = 1000  # characters of a pattern
MAX_STATES = 20_000  # NFA states after expanding counted repetitions
MAX_REPEAT = 1000  # largest m or n in {m,n}
_SPECIAL = set("()|*+?{}[].\\^$")


@dataclass(frozen=True)
class _CharSet:
    chars: frozenset[str]
    negated: bool = False

    def __contains__(self, ch: str) -> bool:
        return (ch in self.chars) != self.negated


class Regex:
    """A compiled pattern: `fullmatch(word)` in time linear in the word."""

    def __init__(self, pattern: str):
        if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN:
            raise ConfigError(f"a language regex is a string of at most {MAX_PATTERN} characters")
        self.pattern = pattern
        self._pos = 0
        self._edges: list[list[tuple[_CharSet, int]]] = []  # per state: (characters, next state)
        self._eps: list[list[int]] = []  # per state: states reached without reading
        start, end = self._alternation()
        if self._pos != len(pattern):
            self._fail(f"unexpected {pattern[self._pos]!r}")
        self.start, self.end = start, end
        self._closures: dict[int, frozenset[int]] = {}

    # -- parsing into an NFA --------------------------------------------------------------
    def _fail(self, why: str):
        """Refuse the pattern, naming the position."""
        raise ConfigError(f"language regex {self.pattern!r} is invalid or unsupported at position {self._pos}: "
                          f"{why} (supported: literals . [..] ( ) (?: ) | * + ? {{m,n}})")

    def _state(self) -> int:
        if len(self._eps) >= MAX_STATES:
            raise ConfigError(f"language regex {self.pattern!r} needs more than {MAX_STATES} states")
        self._edges.append([])
        self._eps.append([])
        return len(self._eps) - 1

    def _peek(self) -> str | None:
        return self.pattern[self._pos] if self._pos < len(self.pattern) else None

    def _alternation(self) -> tuple[int, int]:
        branches = [self._concatenation()]
        while self._peek() == "|":
            self._pos += 1
            branches.append(self._concatenation())
        if len(branches) == 1:
            return branches[0]
        start, end = self._state(), self._state()
        for a, b in branches:
            self._eps[start].append(a)
            self._eps[b].append(end)
        return start, end

    def _concatenation(self) -> tuple[int, int]:
        start = end = self._state()
        while self._peek() is not None and self._peek() not in "|)":
            a, b = self._repetition()
            self._eps[end].append(a)
            end = b
        return start, end

    def _repetition(self) -> tuple[int, int]:
        begin = self._pos
        fragment = self._atom()
        atom_text = self.pattern[begin:self._pos]
        if self._peek() in ("*", "+", "?", "{"):
            op = self._peek()
            self._pos += 1
            if op == "{":
                lo, hi = self._counts()
            else:
                lo, hi = {"*": (0, None), "+": (1, None), "?": (0, 1)}[op]
            fragment = self._repeat(fragment, atom_text, lo, hi)
            if self._peek() in ("*", "+", "?", "{"):  # lazy, possessive or stacked: group it instead
                self._fail("a repetition cannot follow a repetition; write a group, e.g. (1*)*")
        return fragment

    def _counts(self) -> tuple[int, int | None]:
        close = self.pattern.find("}", self._pos)
        if close < 0:
            self._fail("'{' without '}'")
        body = self.pattern[self._pos:close]
        lo_text, comma, hi_text = body.partition(",")
        if not lo_text.isdigit() or (hi_text and not hi_text.isdigit()):
            self._fail(f"bad repetition {{{body}}}")
        lo, hi = int(lo_text), (int(hi_text) if hi_text else None) if comma else int(lo_text)
        if lo > MAX_REPEAT or (hi is not None and (hi > MAX_REPEAT or hi < lo)):
            self._fail(f"repetition {{{body}}} must have m <= n <= {MAX_REPEAT}")
        self._pos = close + 1
        return lo, hi

    def _copy(self, atom_text: str) -> tuple[int, int]:
        """A fresh copy of the atom spelled `atom_text` (re-parsed: fragments share no states)."""
        saved_pattern, saved_pos = self.pattern, self._pos
        self.pattern, self._pos = atom_text, 0
        try:
            return self._atom()
        finally:
            self.pattern, self._pos = saved_pattern, saved_pos

    def _repeat(self, fragment: tuple[int, int], atom_text: str, lo: int, hi: int | None) -> tuple[int, int]:
        copies = [fragment] + [self._copy(atom_text) for _ in range(max(lo, 1 if hi is None else hi) - 1)]
        start = end = self._state()
        for i, (a, b) in enumerate(copies):
            if i < lo:  # required
                self._eps[end].append(a)
                end = b
            elif hi is None:  # one copy, looped: zero or more
                loop = self._state()
                self._eps[end].append(loop)
                self._eps[loop].append(a)
                self._eps[b].append(loop)
                end = loop
                break
            else:  # optional copies
                after = self._state()
                self._eps[end] += [a, after]
                self._eps[b].append(after)
                end = after
        if lo >= 1 and hi is None:  # at least lo, then any number more
            last_a, last_b = copies[lo - 1]
            self._eps[last_b].append(last_a)
        return start, end

    def _atom(self) -> tuple[int, int]:
        ch = self._peek()
        if ch is None:
            self._fail("pattern ends where an atom is expected")
        if ch == "(":
            self._pos += 1
            if self.pattern.startswith("?:", self._pos):
                self._pos += 2
            elif self._peek() == "?":
                self._fail("look-arounds and named groups are not supported")
            fragment = self._alternation()
            if self._peek() != ")":
                self._fail("'(' without ')'")
            self._pos += 1
            return fragment
        if ch == "[":
            return self._literal(self._class())
        if ch == ".":
            self._pos += 1
            return self._literal(_CharSet(frozenset("\n"), negated=True))
        if ch == "\\":
            self._pos += 1
            escaped = self._peek()
            if escaped is None or escaped.isalnum():
                self._fail("escapes other than a backslash before punctuation are not supported")
            self._pos += 1
            return self._literal(_CharSet(frozenset(escaped)))
        if ch in _SPECIAL:
            self._fail(f"unexpected {ch!r}")
        self._pos += 1
        return self._literal(_CharSet(frozenset(ch)))

    def _class(self) -> _CharSet:
        self._pos += 1
        negated = self._peek() == "^"
        self._pos += negated
        chars: set[str] = set()
        first = True
        while self._peek() is not None and (self._peek() != "]" or first):
            ch = self.pattern[self._pos]
            if ch == "\\":
                self._pos += 1
                if self._peek() is None:
                    break
                ch = self.pattern[self._pos]
                if ch.isalnum():  # Python reads [\0] as NUL and [\d] as digits: refuse, as outside a class
                    self._fail("escapes other than a backslash before punctuation are not supported")
            dash, hi = self.pattern[self._pos + 1:self._pos + 2], self.pattern[self._pos + 2:self._pos + 3]
            if dash == "-" and hi not in ("", "]"):
                if ord(hi) < ord(ch) or ord(hi) - ord(ch) > 1000:
                    self._fail(f"bad range {ch}-{hi}")
                chars.update(chr(c) for c in range(ord(ch), ord(hi) + 1))
                self._pos += 3
            else:
                chars.add(ch)
                self._pos += 1
            first = False
        if self._peek() != "]":
            self._fail("'[' without ']'")
        self._pos += 1
        return _CharSet(frozenset(chars), negated)

    def _literal(self, chars: _CharSet) -> tuple[int, int]:
        a, b = self._state(), self._state()
        self._edges[a].append((chars, b))
        return a, b

    # -- matching ---------------------------------------------------------------------------
    def _closure(self, state: int) -> frozenset[int]:
        found = self._closures.get(state)
        if found is None:
            seen, stack = {state}, [state]
            while stack:
                for nxt in self._eps[stack.pop()]:
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
            found = self._closures[state] = frozenset(seen)
        return found

    def fullmatch(self, word: str) -> bool:
        """True when the whole of `word` is in the language."""
        live = set(self._closure(self.start))
        for ch in word:
            step: set[int] = set()
            for state in live:
                for chars, nxt in self._edges[state]:
                    if ch in chars:
                        step |= self._closure(nxt)
            if not step:
                return False
            live = step
        return self.end in live
