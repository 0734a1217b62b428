"""The correct class of a softmax example: "assume the index of the correct class is k".

A cross-entropy derivation often fixes the class the example belongs to, k, so that the
one-hot target is 1 at k and 0 elsewhere and the loss is −log p_k.  Its lines then say
∂L/∂o_k = p_k − 1 (the correct class) and ∂L/∂o_j = p_j ("for an incorrect class j"),
which hold for that target only.  ``correct_class`` finds the sentence that fixes k;
the checker then judges the lines after it with the target one-hot at k's unit
(``verify.Checker.correct_class``), and ``incorrect_cases`` the lines under "for an
incorrect class $j$" only where j ≠ k, as ``cases`` does for "if $i \\ne j$".
"""
import re

from derive.check.read.cases import _GENERAL, _after_prose

_LETTER = r"(?:\$\s*)?(?:\\?mathit\{)?([a-z])(?![A-Za-z])\}?(?:\s*\$)?"
# "the index of the correct class is k", "correct class k", "k is the true class"
_PREMISE = re.compile(r"(?:correct|true|right|target)\s+(?:class|label|category)(?:'s)?"
                      r"(?:\s+index)?\s+(?:(?:is|be)\s+|=\s*)?" + _LETTER
                      + r"|" + _LETTER + r"\s+(?:is|be)\s+(?:the\s+)?(?:index\s+of\s+the\s+)?"
                      r"(?:correct|true|right)\s+(?:class|label)", re.I)
_INCORRECT = re.compile(r"(?:incorrect|wrong|other|false)\s+(?:class|label|category)(?:es)?\s+"
                        + _LETTER + r"(?![A-Za-z])", re.I)


def correct_class(text):
    """(letter, line) of the sentence that fixes the example's class, or None."""
    m = _PREMISE.search(text[:200_000])
    if m is None:
        return None
    letter = m.group(1) or m.group(2)
    return letter, text.count("\n", 0, m.start()) + 1


def incorrect_cases(chains, source, letter):
    """{id(chain): (j, k, False)} for the chains under "for an incorrect class $j$": they
    hold where j is not the correct class k.  The case lasts as ``cases`` reads one."""
    out, current = {}, None
    for chain, between in _after_prose(chains, source.text):
        m = None
        for m in _INCORRECT.finditer(between):
            pass
        if m is not None and m.group(1) != letter:
            current = (m.group(1), letter, False)
        elif current is not None and _GENERAL.search(between):
            current = None
        if current is not None and chain.role is None:
            out[id(chain)] = current
    return out


__all__ = ["correct_class", "incorrect_cases"]
