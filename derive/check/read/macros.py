"""The macros a LaTeX derivation defines, expanded where it uses them.

``find_macros`` reads ``\\newcommand``, ``\\def`` and ``\\let`` definitions: a macro without
arguments (``\\newcommand{\\d}{\\partial}``) is its body, one with arguments
(``\\newcommand{\\pd}[2]{\\frac{\\partial #1}{\\partial #2}}``) a ``Macro``.
``expand_macros`` puts the bodies in place, arguments and all, in bounded rounds: the
characters all expansions of a file may add are counted before each round is built.
"""
import re
from dataclasses import dataclass

from derive.check.limits import LIMITS, CheckInputError
from derive.check.read.text import brace_table

MAX_MACRO_ROUNDS = 20
MAX_EXPANDED = 200_000

_DEF = re.compile(r"\\(?:re|provide)?newcommand\*?\s*(?:\{\s*\\([A-Za-z]+)\s*\}|\\([A-Za-z]+))\s*"
                  r"(\[\s*\d+\s*\])?\s*(?=\{)|\\def\s*\\([A-Za-z]+)\s*(#\d)?\s*(?=\{)"
                  r"|\\let\s*\\([A-Za-z]+)\s*=?\s*(\\[A-Za-z]+)")


@dataclass(frozen=True)
class Macro:
    """A macro with ``n`` arguments: ``\\newcommand{\\pd}[2]{\\frac{\\partial #1}{\\partial #2}}``."""

    n: int
    body: str

    def expand(self, args):
        out = self.body
        for k in range(self.n, 0, -1):  # #1 after #12 would be wrong; at most 9 anyway
            out = out.replace(f"#{k}", args[k - 1])
        return out


MAX_ARGUMENTS = 9  # TeX's own limit


def find_macros(text):
    """(macros, spans): each macro's name → its body (a str) or, with arguments, a
    ``Macro``; and the spans of every definition (to blank out).  A macro whose
    arguments cannot be read so (an optional argument's default) has body None, so its
    uses can be reported."""
    macros, spans = {}, []
    braces = None
    for m in _DEF.finditer(text):
        if m.group(6):
            macros[m.group(6)] = m.group(7)
            spans.append((m.start(), m.end()))
            continue
        name = m.group(1) or m.group(2) or m.group(4)
        if braces is None:
            braces = brace_table(text)
        end = braces.get(m.end(), -1)
        if end < 0:
            continue
        body = text[m.end() + 1:end - 1]
        count = re.sub(r"\D", "", m.group(3) or m.group(5) or "") or "0"
        n = int(count)
        macros[name] = body if n == 0 else Macro(n, body) if n <= MAX_ARGUMENTS else None
        spans.append((m.start(), end))
    return macros, spans


_CMD = re.compile(r"\\([A-Za-z]+)")


def _arguments(s, at, n, braces):
    """(the ``n`` arguments of a macro used at ``s[at:]``, the end), or None: each a
    brace group or one character (or one control word), as TeX reads them."""
    args = []
    for _ in range(n):
        while at < len(s) and s[at] in " \t":
            at += 1
        if at >= len(s) or s[at] == "}":
            return None
        if s[at] == "{":
            end = braces.get(at, -1)
            if end < 0:
                return None
            args.append(s[at + 1:end - 1])
            at = end
        else:
            word = _CMD.match(s, at)
            stop = word.end() if word else at + 1
            args.append(s[at:stop])
            at = stop
    return args, at


def expand_macros(t, macros, budget=None):
    """``t`` with its macros replaced by their bodies, arguments in place (repeatedly,
    bounded).  The size is worked out before each round is built, and ``budget`` (a
    one-item list) counts the characters all expansions of a file may add: a macro used
    200 000 times once made 5.7 GB."""
    if not macros:
        return t
    budget = budget if budget is not None else [LIMITS.max_expansion]
    for _ in range(MAX_MACRO_ROUNDS):
        spans, grows = [], 0
        braces = None
        for m in _CMD.finditer(t.s):
            body, end = macros.get(m.group(1)), m.end()
            if isinstance(body, Macro):
                if braces is None:
                    braces = brace_table(t.s)
                found = _arguments(t.s, m.end(), body.n, braces)
                if found is None:
                    continue
                body, end = body.expand(found[0]), found[1]
            if body is None:
                continue
            nxt = t.s[end:end + 1]
            pad = " " if body[-1:].isalpha() and nxt.isalpha() else ""
            spans.append((m.start(), end, body + pad))
            grows += len(body) + len(pad) - (end - m.start())
            if grows > budget[0]:
                raise CheckInputError(f"the macros expand to more than {LIMITS.max_expansion:,} "
                                      "characters; write the derivation out without them")
        if not spans:
            break
        if len(t) + grows > MAX_EXPANDED:
            break  # what is left unexpanded is reported on its step
        budget[0] -= max(grows, 0)
        t = t.replace_spans(spans)
    return t


__all__ = ["MAX_ARGUMENTS", "Macro", "expand_macros", "find_macros"]
