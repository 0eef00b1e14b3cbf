"""Python regular expressions as DuckDB (RE2) regular expressions that match the same strings.

Great Expectations' pandas engine tests a regex with ``Series.str.contains`` (Python's ``re``,
search semantics). DuckDB's ``regexp_matches`` uses RE2, also with search semantics, but the
two dialects differ in ways that matter for a blocking check:

* ``\\d``, ``\\s`` and ``\\w`` are Unicode-aware in Python (Arabic-Indic digits, no-break space,
  Cyrillic letters) and ASCII-only in RE2;
* ``$`` also matches before a final newline in Python, only at the very end in RE2;
* ``{,n}`` is a quantifier in Python and a literal in RE2;
* look-arounds, back-references, possessive quantifiers and ``\\b`` exist only in Python.

`to_re2` rewrites the pattern token by token: every class shorthand becomes the explicit set of
code points that *this* Python's ``re`` matches (found by running ``re`` itself over every code
point, so the sets cannot drift from Python's Unicode tables), every literal becomes an escaped
code point, ``$`` becomes ``(?:\\n?\\z)`` where it ends a branch, and anything without an exact
RE2 equivalent raises `UntranslatableRegex` instead of being approximated.
"""

from __future__ import annotations

import array
import re
import sys
from functools import lru_cache

MAX_CODE_POINT = 0x10FFFF
SURROGATES = (0xD800, 0xDFFF)

Ranges = tuple[tuple[int, int], ...]


class UntranslatableRegex(ValueError):
    """The pattern uses a construct RE2 cannot express with the same meaning."""


@lru_cache(maxsize=1)
def _python_classes() -> dict[str, Ranges]:
    # every code point once, as one string (index = code point); ``re`` finds the runs it matches
    codes = array.array("I" if array.array("I").itemsize == 4 else "L", range(MAX_CODE_POINT + 1))
    every = codes.tobytes().decode(f"utf-32-{sys.byteorder[0]}e", "surrogatepass")
    return {name: tuple((m.start(), m.end() - 1) for m in re.finditer(rf"\{name}+", every)) for name in "dsw"}


def python_class(shorthand: str) -> Ranges:
    """Code points Python's ``re`` matches with ``\\d``, ``\\s`` or ``\\w`` (str patterns, no flags)."""
    if shorthand not in ("d", "s", "w"):
        raise ValueError(shorthand)
    return _python_classes()[shorthand]


def _normalise(ranges) -> Ranges:
    merged: list[list[int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return tuple((low, high) for low, high in merged)


def _complement(ranges: Ranges) -> Ranges:
    """Every code point (surrogates aside: they cannot occur in a UTF-8 string) not in ``ranges``."""
    out, start = [], 0
    for low, high in _normalise(ranges):
        if low > start:
            out.append((start, low - 1))
        start = high + 1
    if start <= MAX_CODE_POINT:
        out.append((start, MAX_CODE_POINT))
    return _without_surrogates(out)


def _without_surrogates(ranges) -> Ranges:
    out = []
    for low, high in ranges:
        if high < SURROGATES[0] or low > SURROGATES[1]:
            out.append((low, high))
            continue
        if low < SURROGATES[0]:
            out.append((low, SURROGATES[0] - 1))
        if high > SURROGATES[1]:
            out.append((SURROGATES[1] + 1, high))
    return tuple(out)


def _cp(code: int) -> str:
    return f"\\x{{{code:X}}}"


def _class(ranges: Ranges, negated: bool = False) -> str:
    ranges = _without_surrogates(_normalise(ranges))
    if not ranges:
        # an empty class matches nothing; its negation matches any character
        return "[^\\x{0}-\\x{10FFFF}]" if not negated else "[\\x{0}-\\x{10FFFF}]"
    body = "".join(_cp(low) if low == high else f"{_cp(low)}-{_cp(high)}" for low, high in ranges)
    return f"[{'^' if negated else ''}{body}]"


_SIMPLE_ESCAPES = {"a": 7, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
_SHORTHANDS = {"d": ("d", False), "D": ("d", True), "s": ("s", False), "S": ("s", True),
               "w": ("w", False), "W": ("w", True)}


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0

    def fail(self, what: str) -> None:
        raise UntranslatableRegex(f"{what} at position {self.i} of {self.p!r} has no exact RE2 equivalent")

    def peek(self, k: int = 0) -> str | None:
        j = self.i + k
        return self.p[j] if j < len(self.p) else None

    def escape(self) -> tuple[str, object]:
        """Read an escape after the backslash: ('code', int) | ('class', (name, negated)) | ('anchor', str)."""
        c = self.peek()
        if c is None:
            self.fail("a trailing backslash")
        self.i += 1
        if c in _SHORTHANDS:
            return "class", _SHORTHANDS[c]
        if c in _SIMPLE_ESCAPES:
            return "code", _SIMPLE_ESCAPES[c]
        if c in "AZ":
            return "anchor", c
        if c == "x":
            digits = self.p[self.i:self.i + 2]
            if len(digits) != 2 or not all(d in "0123456789abcdefABCDEF" for d in digits):
                self.fail("a malformed \\x escape")
            self.i += 2
            return "code", int(digits, 16)
        if c in "uU":
            n = 4 if c == "u" else 8
            digits = self.p[self.i:self.i + n]
            if len(digits) != n or not all(d in "0123456789abcdefABCDEF" for d in digits):
                self.fail("a malformed \\u escape")
            self.i += n
            return "code", int(digits, 16)
        if c == "0":
            digits = "0"
            while len(digits) < 3 and (self.peek() or "x") in "01234567":
                digits += self.peek()
                self.i += 1
            return "code", int(digits, 8)
        if c.isascii() and c.isalnum():
            # back-references (\1), \b, \B, \N{...} and unknown letters
            self.fail(f"the escape \\{c}")
        return "code", ord(c)  # an escaped punctuation character or non-ASCII character is itself

    def char_class(self) -> str:
        """After '[': read up to the closing ']' and return an RE2 class with explicit code points."""
        negated = False
        if self.peek() == "^":
            negated = True
            self.i += 1
        items: list[tuple[int, int]] = []
        first = True
        while True:
            c = self.peek()
            if c is None:
                self.fail("an unterminated character class")
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            if c == "[" and self.peek(1) in (":", "=", "."):
                self.fail("a POSIX-like class")
            if c == "\\":
                self.i += 1
                kind, value = self.escape()
                if kind == "anchor":
                    self.fail(f"\\{value} inside a class")
                if kind == "class":
                    name, neg = value
                    items += list(_complement(python_class(name)) if neg else python_class(name))
                    continue
                low = value
            else:
                self.i += 1
                low = ord(c)
            # a range low-high (a '-' before ']' is a literal)
            if self.peek() == "-" and self.peek(1) not in (None, "]"):
                self.i += 1
                c2 = self.peek()
                if c2 == "\\":
                    self.i += 1
                    kind, value = self.escape()
                    if kind != "code":
                        self.fail("a class shorthand as a range end")
                    high = value
                else:
                    self.i += 1
                    high = ord(c2)
                if high < low:
                    self.fail("a reversed range")
                items.append((low, high))
            else:
                items.append((low, low))
        return _class(tuple(items), negated)

    def quantifier(self) -> str | None:
        c = self.peek()
        if c in ("*", "+", "?"):
            self.i += 1
            q = c
        elif c == "{":
            m = re.match(r"\{(\d*)(,?)(\d*)\}", self.p[self.i:])
            if not m or (not m.group(1) and not m.group(3)) or (not m.group(2) and not m.group(1)):
                return None  # not a quantifier: Python reads '{' as a literal
            low, comma, high = m.group(1) or "0", m.group(2), m.group(3)
            if high and int(high) < int(low):
                self.fail("a reversed repetition")
            if int(low) > 1000 or (high and int(high) > 1000):
                self.fail("a repetition above 1000")
            self.i += m.end()
            q = "{" + low + comma + high + "}"
        else:
            return None
        if self.peek() == "?":
            self.i += 1
            q += "?"
        elif self.peek() == "+":
            self.fail("a possessive quantifier")
        return q

    def sequence(self, depth: int) -> str:
        out: list[str] = []
        while True:
            c = self.peek()
            if c is None or c == "|" or (c == ")" and depth > 0):
                return "".join(out)
            if c == ")":
                self.fail("an unbalanced ')'")
            self.i += 1
            quantifiable = True
            if c == "\\":
                kind, value = self.escape()
                if kind == "code":
                    atom = _cp(value)
                elif kind == "class":
                    name, neg = value
                    atom = _class(python_class(name), negated=neg)
                elif value == "A":
                    atom, quantifiable = "\\A", False
                else:  # \Z: the very end, as RE2's \z
                    atom, quantifiable = "\\z", False
            elif c == "[":
                atom = self.char_class()
            elif c == "(":
                if self.peek() == "?":
                    if self.p.startswith("?:", self.i):
                        self.i += 2
                        prefix = "(?:"
                    elif self.p.startswith("?P<", self.i):
                        end = self.p.find(">", self.i)
                        if end < 0:
                            self.fail("an unterminated group name")
                        prefix = "(?P<" + self.p[self.i + 3:end] + ">"
                        self.i = end + 1
                    else:
                        self.fail("a look-around, inline flag or conditional group")
                else:
                    prefix = "("
                inner = self.alternation(depth + 1)
                if self.peek() != ")":
                    self.fail("an unterminated group")
                self.i += 1
                atom = prefix + inner + ")"
            elif c == ".":
                atom = "[^\\n]"  # Python without DOTALL: any character but a newline
            elif c == "^":
                atom, quantifiable = "^", False
            elif c == "$":
                nxt = self.peek()
                if nxt not in (None, "|", ")"):
                    self.fail("a '$' that does not end a branch")
                atom, quantifiable = "(?:\\n?\\z)", False  # end, or before a final newline
            elif c in "*+?":
                self.fail("a quantifier without an operand")
            else:
                atom = _cp(ord(c))
            q = self.quantifier()
            if q is not None:
                if not quantifiable:
                    self.fail("a quantified anchor")
                if self.quantifier() is not None:
                    self.fail("a repeated quantifier")
                atom = f"(?:{atom}){q}"
            out.append(atom)

    def alternation(self, depth: int) -> str:
        branches = [self.sequence(depth)]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.sequence(depth))
        return "|".join(branches)


@lru_cache(maxsize=256)
def to_re2(pattern: str) -> str:
    """An RE2 pattern that ``regexp_matches`` finds in exactly the strings ``re.search(pattern)`` does."""
    re.compile(pattern)  # a pattern Python rejects is an error here too
    parser = _Parser(pattern)
    translated = parser.alternation(0)
    if parser.i != len(pattern):
        parser.fail("an unbalanced ')'")
    return translated


def sql_string(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"
