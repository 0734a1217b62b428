"""Definitions a document implies but does not write, read from what it does write.

A note on one neuron often writes ``z = w1⋅x1 + w2⋅x2 + b`` and ``σ(z) = 1/(1 + e^-z)``,
then differentiates ŷ and L without ever writing ``ŷ = σ(z)`` or ``L = …``.  Two
readings fill those gaps, each only where nothing else is possible:

* **the output of the only unit**: ŷ, used but never defined, where the forward pass
  ends at one quantity ``z`` and the document writes ``σ(z)``: ŷ is σ(z), as ŷ is the
  network output wherever derive assumes a network;
* **a loss by the function it differentiates**: ``∂L/∂ŷ = ∂(½(ŷ - y)²)/∂ŷ`` (or
  ``\\frac{\\partial}{\\partial ŷ}(…)``), where no line defines L, says L is that
  function of ŷ; every derivative of L then follows through ŷ.

Each reading is listed (``Implied``) so the report says it was made.
"""
import re
from dataclasses import dataclass

from derive.check.read.latexformula import NotAFormula, ends, graph_formula, name_of, tokens_names

_OUTPUT = "yhat"
_HAT_Y = re.compile(r"\\hat\s*\{?\s*y\s*\}?(?![A-Za-z0-9_])")
_SLOPE_LHS = (re.compile(r"^\s*\\partial\s*\{?\s*(?P<f>[^/{}]+?)\s*\}?\s*/\s*\\partial\s*(?P<v>.+?)\s*$"),
              re.compile(r"^\s*\\frac\s*\{\s*\\partial\s*(?P<f>[^{}]+?)\s*\}\s*\{\s*\\partial\s*"
                         r"(?P<v>.+?)\s*\}\s*$"))
_SLOPE_RHS = (re.compile(r"^\s*\\partial\s*(?:\\left)?\s*\((?P<e>.+)\)\s*/\s*\\partial\s*(?P<v>.+?)\s*$"),
              re.compile(r"^\s*\\frac\s*\{\s*\\partial\s*\}\s*\{\s*\\partial\s*(?P<v>.+?)\s*\}\s*"
                         r"(?:\\left)?\s*\((?P<e>.+?)(?:\\right)?\s*\)\s*$"),
              re.compile(r"^\s*\\frac\s*\{\s*\\partial\s*(?:\\left)?\s*\((?P<e>.+?)(?:\\right)?\s*\)\s*\}"
                         r"\s*\{\s*\\partial\s*(?P<v>.+?)\s*\}\s*$"))


@dataclass
class Implied:
    """``name`` read as ``formula`` (graph language), from ``line``; ``kind`` says how."""

    name: str
    formula: str
    line: int
    kind: str  # "only_unit_output" or "loss_by_slope"
    written: str = ""  # the name as the document writes it
    of: str = None  # only_unit_output: the unit's quantity σ is applied to


def only_unit_output(text, defined, line_of_text):
    """ŷ = σ(z) where ŷ is used, never defined, and z is the forward pass's only end."""
    if _OUTPUT in defined or not _HAT_Y.search(text):
        return None
    last = ends(defined)
    if len(last) != 1:
        return None
    end = last[0]
    m = re.search(r"\\sigma\s*(?:\\left)?\s*\(\s*" + re.escape(end) + r"\s*(?:\\right)?\s*\)", text)
    if m is None:
        return None
    return Implied(_OUTPUT, f"sigmoid ( {end} )", line_of_text(m.start()), "only_unit_output",
                   "ŷ", end)


def loss_by_slope(chains, missing, defined, line_of):
    """``missing`` (a loss no line defines) as the function a line differentiates in its
    place, when that function is of a quantity of the forward pass; or None."""
    for chain in chains:
        if chain.lhs is None or not chain.links or chain.links[0].relation != "=":
            continue
        found = _slope(chain.lhs.s, chain.links[0].rhs.s)
        if found is None:
            continue
        f, v, formula = found
        if f == missing and v in defined and v in tokens_names(formula) \
                and missing not in tokens_names(formula):
            return Implied(missing, formula, line_of(chain), "loss_by_slope", missing)
    return None


def _slope(lhs, rhs):
    for pattern in _SLOPE_LHS:
        m = pattern.match(lhs)
        if m:
            break
    else:
        return None
    for pattern in _SLOPE_RHS:
        r = pattern.match(rhs)
        if r:
            break
    else:
        return None
    try:
        f, v, v2 = name_of(m.group("f")), name_of(m.group("v")), name_of(r.group("v"))
        formula = graph_formula(r.group("e"))
    except NotAFormula:
        return None
    return (f, v, formula) if v == v2 else None


__all__ = ["Implied", "loss_by_slope", "only_unit_output"]
