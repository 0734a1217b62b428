"""Diagnoses of a quantity mistaken for another (used by ``diagnose``).

* the derivative taken with respect to the wrong variable: ``∂ŷ/∂h = ŷ(1 − ŷ)``
  is ∂ŷ/∂y, where y lies between h and ŷ; the chain rule's factor ∂y/∂h is missing;
* a function evaluated at the wrong quantity: ``ŷ = 1/(1 + e^{-ŷ})`` is σ(ŷ) where
  σ(y) was meant — replacing one quantity of the line by another makes it right.

Both are tested like every hypothesis of ``diagnose``: numerically, at the
checker's points, against the independent semantics.
"""
import sympy as sp

from derive.model.graph import upstream
from derive.model.symbols import Partial
from derive.check.judge.semantics import compare

MAX_CANDIDATES = 40


def _same(xs, ys):
    return compare(xs, ys)[0] == "equal"


def _ancestors(graph, node):
    out, todo = [], list(node.parents)
    while todo and len(out) < 400:
        p = todo.pop()
        if p not in out:
            out.append(p)
            todo.extend(p.parents)
    return out


def wrong_variable(checker, a, b):
    """``a`` = ∂num/∂den, and ``b`` is ∂num/∂v for a quantity v between den and num."""
    if type(a) is not Partial:
        return None
    g = checker.graph
    num, den = g.by_symbol.get(a.args[0]), g.by_symbol.get(a.args[1])
    if num is None or den is None or num.role == "cost":
        return None  # ∂C/∂z written as ∂C/∂a is named by its missing factor (diagnose._factor)
    said = checker.points.values(b)
    if any(s is None for s in said):
        return None
    between = [v for v in _ancestors(g, num) if v is not den and not v.is_leaf
               and den in _ancestors(g, v)]
    for v in between[:MAX_CANDIDATES]:
        if _same(said, checker.points.values(Partial(num.symbol, v.symbol))):
            return "wrong_variable", {"written": Partial(num.symbol, v.symbol), "var": v.symbol,
                                      "meant": den.symbol,
                                      "factor": Partial(v.symbol, den.symbol)}
    return None


def wrong_argument(checker, a, b):
    """One quantity of ``b`` written where another was meant: replacing it everywhere in
    ``b`` by a quantity of the graph makes the line right."""
    g = checker.graph
    truth = checker.points.values(a)
    if any(t is None for t in truth) or isinstance(b, sp.MatrixBase):
        return None
    written = [s for s in b.atoms(sp.Symbol, sp.Indexed) if s in g.by_symbol]
    others = [n.symbol for n in g.nodes if n.role != "cost"][:MAX_CANDIDATES]
    for s in written[:MAX_CANDIDATES]:
        for r in others:
            if r == s or r in b.atoms(sp.Symbol, sp.Indexed):
                continue
            if g.by_symbol[r].role != g.by_symbol[s].role:
                continue  # ∂i_1/∂a_o2 for ∂E_2/∂a_o2 is right only as a zero: an input is no E_2
            fixed = b.xreplace({s: r})
            if _vanishes(g, fixed):
                continue  # ∂E_2/∂o_1 = 0: the term is gone, not mended
            if _same(checker.points.values(fixed), truth):
                return "wrong_argument", {"written": s, "should": r, "fixed": fixed}
    return None


def _vanishes(g, expr):
    """Whether a derivative in ``expr`` is of a quantity that does not depend on the one
    it is taken with respect to (so it is 0 whatever the numbers)."""
    for d in expr.atoms(Partial):
        num, den = g.by_symbol.get(d.args[0]), g.by_symbol.get(d.args[1])
        if num is not None and den is not None and all(n is not den for n in upstream(num)):
            return True
    return False
