"""The lines of a plain-text derivation (a ``.txt`` note, a docstring): which are math.

One statement per line; a line that starts with ``=`` continues the chain above, and
lines of prose are skipped.  A list's bullet (``- x = 2.0`` is no minus), a label
(``so``, ``Linear:``) and a closing remark in words (``ŷ = z₃ (no activation)``) are
not part of a line's math.  ``extract_ascii`` gives the chains; ``plain_math`` the
math of one line, for the reader of a note's own forward pass (``read.plainlatex``).
"""
import re

from derive.check.limits import LIMITS
from derive.check.read.extract import chains_from_rows

# a word of prose: not the tail of a name written the code's way (h2_raw, w_hidden, x1st)
_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]{3,}(?![A-Za-z0-9_])")
_NAMED = re.compile(r"\s*[A-Z][a-z]+(?: [a-z]+)?:\s+(?=\S)")  # "Linear: z = w x + b"
_REMARK = re.compile(r"\s*\(((?:[A-Za-z]{2,}\s*){1,6})\)\s*$")
# "(product rule & w_y is constant for w_h)": a longer remark, words with names among them
_LONG_REMARK = re.compile(r"\s*\(([^()]{2,120})\)\s*$")
# a letter (ŷ, h₂, W3) given a number inside a sentence: "gradient descent (α = 0.01)",
# "using our example where ŷ = 0.7967, y = 4.0, h₂ = 0.4139": the example's numbers
_GIVEN_IN_PROSE = re.compile(r"(?<![\w.])([A-Za-zα-ωΑ-Ωŷ][₀-₉0-9]{0,2})\s*=\s*(-?\d+(?:\.\d+)?)(?![\w.]*\w)")
def _givens_in_prose(s):
    """The numbers a sentence gives the example: one in parentheses ("(α = 0.01)"), or
    those of a sentence that introduces the computation ("…where ŷ = 0.7967, y = 4.0:").
    A number mentioned in passing ("mentions t=1 and x=3") is not one."""
    found = list(_GIVEN_IN_PROSE.finditer(s))
    if s.rstrip().endswith(":"):
        return found
    return [m for m in found if re.match(r"\s*\)", s[m.end():]) and "(" in s[:m.start()]]


_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+(?=\S)")
_LABEL = re.compile(r"^\s*(?:(?:answer|ans|result|so|hence|thus|then|therefore)\b\s*:?\s*)+", re.IGNORECASE)


def extract_ascii(source, is_math_word):
    """Chains from a plain-text file, one statement per line; a line that
    starts with ``=`` continues the chain above.  Lines of prose are skipped."""
    rows = []
    chains = []
    steps = 0
    for t in _lines(source.whole()):
        if steps + len(rows) >= LIMITS.max_steps:
            break  # no more is checked: stop reading
        t = _strip_comment(t)
        if not t.s.strip():
            continue
        span = _plain_span(t.s, is_math_word)
        if span is not None:
            t = t[span[0]:span[1]]
        s = t.s
        if span is None:
            if rows:
                chains.extend(chains_from_rows(rows, "ascii"))
                steps += len(rows)
                rows = []
            for m in _givens_in_prose(s):  # "Numerical example (α = 0.01):"
                chains.extend(chains_from_rows([t[m.start(1):m.end(2)]], "ascii"))
                steps += 1
            continue
        arrow = re.search(r"\s(?:=+>|⇒|->|→)\s", s)  # "a = b  =>  c = d": two statements
        if arrow and "=" in s[arrow.end():]:
            rows.append(t[:arrow.start()])
            t = t[arrow.end():]
            s = t.s
        prefix = ""
        pm = re.match(r"\s*(next|new|updated)\s+", s, re.IGNORECASE)
        if pm:
            prefix = pm.group(1).lower()
            t = t[pm.end():]
        rows.append(t)
        if prefix:
            chains.extend(chains_from_rows(rows, "ascii"))
            chains[-1].prefix = prefix
            steps += len(rows)
            rows = []
    chains.extend(chains_from_rows(rows, "ascii"))
    return chains


def _is_math(s, is_math_word):
    prose = [w for w in _WORD.findall(s) if not is_math_word(w)]
    return len(prose) < 2 and any(r in s for r in ("=", "<-", "←"))


def plain_math(line, is_math_word):
    """The math of this line of a plain-text file as ``extract_ascii`` reads it (its
    bullet, label and comment left out), or None when it reads the line as prose."""
    m = _LEADING_HASH.match(line)
    s = line[m.end():].split("#", 1)[0] if m else line.split("#", 1)[0]
    span = _plain_span(s, is_math_word) if s.strip() else None
    return None if span is None else s[span[0]:span[1]]


def _plain_span(s, is_math_word):
    """(start, end) of the math of a plain-text line, or None for prose: a list's bullet
    (``- x = 2.0`` is no minus), a label (``so``, ``Linear:``) and a closing remark in
    words (``ŷ = z₃ (no activation)``) are not part of it."""
    start, end = 0, len(s)
    for pattern in (_BULLET, _LABEL, _NAMED):
        m = pattern.match(s, start)
        if m:
            start = m.end()
    m = _REMARK.search(s, start)
    if m and all(not is_math_word(w) for w in _WORD.findall(m.group(1))):
        end = m.start()
    else:
        m = _LONG_REMARK.search(s, start)
        words = _WORD.findall(m.group(1)) if m else []
        if len(words) >= 3 and all(not is_math_word(w) for w in words):
            end = m.start()
    return (start, end) if _is_math(s[start:end], is_math_word) else None


def _lines(t):
    start = 0
    for i, c in enumerate(t.s):
        if c == "\n":
            yield t[start:i]
            start = i + 1
    yield t[start:]


_LEADING_HASH = re.compile(r"^\s*#+\s+")


def _strip_comment(t):
    """The line without its comment; a line that is all comment (``#    dZ2 = A2 - Y``, a
    README's code written as comments) is read for what it says, as prose or math."""
    m = _LEADING_HASH.match(t.s)
    if m:
        t = t[m.end():]
    i = t.s.find("#")
    return t[:i] if i >= 0 else t


__all__ = ["extract_ascii", "plain_math"]
