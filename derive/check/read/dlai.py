"""The deeplearning.ai way of writing backpropagation, made ready for the grammar.

That course writes layers in square brackets with the input as layer 0
(``a^{[0]} = x``, ``W^{[l]}`` into layer l), capital letters for the layer's
values (``A^{[l]}``, ``Z^{[l]}``, the target ``Y``), a transpose inside the
superscript (``A^{[l-1]T}``) and ``dZ^{[l]}``, ``dW^{[l]}``, ``db^{[l]}`` for the
derivatives of the cost J.  ``normalise`` rewrites one side of an equation:

* ``^{[l]}`` becomes ``^{\\layerbr l}``, which the grammar reads as a layer counted
  from the input as 0 whatever the notation (``forms.Bracketed``);
* ``^{[l]T}`` becomes that layer and a separate ``^{\\top}``;
* on a side written this way, ``A``/``Z`` with a layer and a bare ``Y`` become
  ``a``/``z``/``y``, and ``A2``/``Z1``/``W2`` become ``a^{[2]}``…;
* ``dX`` (X one of Z W A b z w a, with its scripts) becomes ``\\frac{\\partial J}
  {\\partial X}``, except inside a fraction's own ``d``s (``\\frac{dC}{da}``).

Everything is a text rewrite with the source offsets kept (``Text.replace_spans``).
"""
import re

from derive.check.limits import Unsupported
from derive.check.read.text import brace_table

_BRACKET = re.compile(r"\^\s*\{\s*\[([^\[\]{}]{1,40})\]\s*(T|\\top|\\intercal|\\mathsf\s*\{\s*T\s*\})?\s*\}")
_STYLE = re.compile(r"\^\s*\{\s*\[|(?<![A-Za-z\\])d[ZWAb](?![A-Za-z])")
_CAPITAL = re.compile(r"(?<![A-Za-z\\])([AZ])(?=\s*\^\s*\{\s*\\layerbr)")
_NUMBERED = re.compile(r"(?:(?<![A-Za-z\\{])|(?<=[^A-Za-z\\]d)|(?<=^d))([AZW])([0-9])(?![0-9])")
_PRIMED = re.compile(r"\^\s*\{\s*\[([^\[\]{}]{1,40})\]\s*(?:'|\\prime)\s*\}")
_POWER_T = re.compile(r"(?<=[A-Za-z0-9}])\s*\^\s*(?:T|\{\s*T\s*\})(?![A-Za-z])")
_INPUTS = re.compile(r"(?<![A-Za-z\\])X(?![A-Za-z_^])|(?<![A-Za-z\\])X(?=\s*\^\s*\{\\top\})")
_TARGET = re.compile(r"(?<![A-Za-z\\])Y(?![A-Za-z_^])")
_BATCH = re.compile(r"\\[dt]?frac\s*(?:\{\s*1\s*\}\s*\{\s*m\s*\}|1\s*m(?![A-Za-z]))|(?<![A-Za-z\\])1\s*/\s*m(?![A-Za-z])")
_SHORT = re.compile(r"(?<![A-Za-z\\{/])d([ZWAbzwa])(?![A-Za-z(])")


# the new value of a parameter in an update rule: w_5^+, w^{+}, w^{2+}_{11}, w^{[2]+}
UPDATED = re.compile(r"\^\s*(?:\+|\{\s*\+\s*\}|\{\s*(\[?[0-9A-Za-z]{1,3}\]?|\([0-9A-Za-z]{1,3}\))\s*\+\s*\})")


def is_updated(lhs):
    """Whether a left-hand side names a parameter's new value (``w_5^+``)."""
    return bool(UPDATED.search(lhs))


def strip_updated(t):
    """``w_5^+`` → ``w_5``, ``w^{2+}_{11}`` → ``w^{2}_{11}``: the mark of the new value
    is not a power; the chain is read as an update rule (checker.py)."""
    return t.replace_spans([(m.start(), m.end(), "^{%s}" % m.group(1) if m.group(1) else "")
                            for m in UPDATED.finditer(t.s)])


def normalise(t):
    """``t`` (a Text, one side) with the deeplearning.ai forms rewritten."""
    if "+" in t.s:
        t = strip_updated(t)
    if not _STYLE.search(t.s) and not re.search(r"(?<![A-Za-z\\])d?[ZWA][0-9](?![0-9])", t.s):
        return t
    t = t.replace_spans([(m.start(), m.end(), "%s^{[%s]}" % m.groups()) for m in _NUMBERED.finditer(t.s)
                         if _layer_free(t.s, m.end())])
    # g^{[1]'}(Z^{[1]}), g^{[1]\prime}: the derivative of layer 1's activation, g'^{[1]}
    t = t.replace_spans([(m.start(), m.end(), "'^{[%s]}" % m.group(1)) for m in _PRIMED.finditer(t.s)])
    # X^T, A1^T, X^{T}: a transpose, not a power (the course writes no powers T)
    t = t.replace_spans([(m.start(), m.end(), "^{\\top}") for m in _POWER_T.finditer(t.s)])
    t = t.replace_spans([(m.start(), m.end(), "a^{[0]}") for m in _INPUTS.finditer(t.s)])
    t = t.replace_spans([(m.start(), m.end(), "^{\\layerbr %s}%s" % (
        m.group(1), "^{\\top}" if m.group(2) else "")) for m in _BRACKET.finditer(t.s)])
    if _BATCH.search(t.s):
        # J = (1/m) Σ_i L^{(i)}, dW = (1/m) dZ A^T: the columns of A are m examples,
        # which a network of one example cannot check
        raise Unsupported("batch_of_examples")
    t = _shorthand(t)
    t = t.replace_spans([(m.start(), m.end(), m.group(1).lower()) for m in _CAPITAL.finditer(t.s)])
    return t.replace_spans([(m.start(), m.end(), "y") for m in _TARGET.finditer(t.s)])


def _layer_free(s, end):
    """Whether ``A2`` at ``s[:end]`` has no layer superscript of its own after it."""
    return not re.match(r"\s*\^\s*\{\s*[\[(]", s[end:])


def _shorthand(t):
    spans = []
    braces = brace_table(t.s) if "{" in t.s else {}
    for m in _SHORT.finditer(t.s):
        end = _scripts_end(t.s, m.end(), braces)
        if re.match(r"\s*(/|\})", t.s[end:]):
            continue  # dC/da, \frac{dC}{da}: the d of a derivative written as a fraction
        spans.append((m.start(), end, "\\frac{\\partial J}{\\partial %s%s}" % (
            m.group(1), t.s[m.end():end])))
    return t.replace_spans(spans)


def _scripts_end(s, i, braces):
    """Index just past the superscripts and subscripts that start at ``s[i]``."""
    while True:
        j = i
        while j < len(s) and s[j] == " ":
            j += 1
        if j < len(s) and s[j] in "^_":
            k = j + 1
            while k < len(s) and s[k] == " ":
                k += 1
            if k < len(s) and s[k] == "{":
                end = braces.get(k, -1)
                if end < 0:
                    return i
                i = end
            elif k < len(s) and s[k] == "\\":
                m = re.match(r"\\[A-Za-z]+", s[k:])
                i = k + (len(m.group(0)) if m else 1)
            elif k < len(s):
                i = k + 1
            else:
                return i
        else:
            return i
