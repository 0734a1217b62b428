"""A plain-text derivation's forward pass, rewritten as LaTeX for ``declared``.

A docstring or a ``.txt`` note writes its network in Unicode::

    z = w1⋅x1 + w2⋅x2 + b,
    ŷ = σ(z)

``as_latex`` turns each line the plain-text reader takes as math into one ``$$…$$``
display in LaTeX (``\\hat{y} = \\sigma(z)``), line for line, so that the reader of
a document's own forward pass, which reads LaTeX, finds the same definitions at the
same line numbers.  Prose lines are kept as they are (outside ``$``, they are prose
to the LaTeX reader too).  Nothing is evaluated: this only respells characters.
"""
import re

from derive.check.read.asciilines import plain_math
from derive.check.read.parse import SUBSCRIPT_DIGITS, UNICODE_LATEX

# the LaTeX reader's own spelling of Unicode, and what a plain-text note adds to it
_SPELL = {**UNICODE_LATEX, "⋅": r"\cdot ", "∙": r"\cdot ", "²": "^2", "≈": r"\approx ",
          **{c: f"_{d}" for c, d in SUBSCRIPT_DIGITS.items()}}  # z₁: z_1
_NEGATIVE_POWER = re.compile(r"\^\s*-\s*([A-Za-z][A-Za-z0-9_]*|[0-9.]+)")
_ARROW = re.compile(r"\s(?:=+>|⇒|->|→)\s")
_TRAILING = re.compile(r"[\s,;.]+$")


def as_latex(text, is_math_word):
    """``text`` with each plain-text math line as a ``$$…$$`` LaTeX display."""
    out = []
    for line in text.split("\n"):
        math = plain_math(line, is_math_word)
        if math is None or "$" in line or "\\" in line:
            out.append(line)
            continue
        parts = [p for p in _ARROW.split(math) if p.strip()]
        out.append(" ".join(f"$${_spell(p)}$$" for p in parts))
    return "\n".join(out)


# h1_raw, w_hidden: in code, the part after an underscore is the rest of one name, which
# LaTeX would read as a one-character subscript and then letters multiplied
_LONG_SUBSCRIPT = re.compile(r"(?<![A-Za-z0-9_\\])([A-Za-z][A-Za-z0-9]*)_([A-Za-z0-9]{2,})(?![A-Za-z0-9_{])")


def _spell(s):
    s = _TRAILING.sub("", s.strip())
    s = "".join(_SPELL.get(c, c) for c in s)
    s = _LONG_SUBSCRIPT.sub(lambda m: "%s_{%s}" % (m.group(1), m.group(2)), s.replace("**", "^"))
    return _NEGATIVE_POWER.sub(lambda m: "^{-%s}" % m.group(1), s)


__all__ = ["as_latex"]
