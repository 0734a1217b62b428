"""A right side that is the value of another derivative: the left side names the wrong one.

A notebook that means ∂out/∂net writes::

    \\frac{\\partial E}{\\partial out_{o1}} = -out_{o1}(1 - out_{o1}) = 0.7514(1 - 0.7514) = 0.1868

Its right side is (up to its sign) ∂out_o1/∂net_o1, a local derivative of the graph;
the line is wrong because its left side names ∂E/∂out_o1.  ``named`` looks for the one
edge u ← v of the document's graph whose local derivative ∂u/∂v has the right side's
value (or its negative) at every point compared, for a symbolic line, or at the
example's numbers within the line's tolerance, for a number.  More than one edge with
that value (all 1, say) says nothing, and so does none.  Diagnosis only: the verdict was
reached before, by the usual comparison.
"""
import mpmath

from derive.model.symbols import COST, Partial
from derive.check.judge.semantics import DPS, compare

MAX_EDGES = 60


def edges(graph):
    """∂u/∂v for each edge v → u of a graph (a --graph file's or the document's own)."""
    out = []
    for node in graph.nodes:
        if node.is_leaf:
            continue
        num = COST if node is graph.cost else node.symbol
        for parent in node.parents:
            out.append(Partial(num, parent.symbol))
    return out[:MAX_EDGES]


def named(checker, written_values, values_of, close):
    """(code, params) for the one edge whose ∂u/∂v (``values_of``) is the written value
    (``close(written, value)``), with or without its sign; else None."""
    if getattr(checker.network, "widths", None) is not None:
        return None  # a layered network's own quantities are diagnosed elsewhere
    found = []
    for q in edges(checker.graph):
        try:
            got = values_of(q)
        except Exception:  # noqa: BLE001 - a derivative without a value here says nothing
            continue
        if got is None or any(g is None for g in got):
            continue
        for sign in (1, -1):
            if close(written_values, [sign * g for g in got]):
                found.append((q, sign))
    if len(found) != 1 or any(abs(g) < mpmath.mpf(10) ** -20 for g in values_of(found[0][0])):
        return None
    q, sign = found[0]
    return "other_derivative", {"quantity": q, "flipped": sign == -1}


def symbolic(checker, b):
    """The diagnosis for a symbolic line with right side ``b``."""
    def close(xs, ys):
        return compare(xs, ys)[0] == "equal"

    return named(checker, checker.points.values(b), checker.points.values, close)


def numeric(checker, example, said, allowed):
    """The diagnosis for a number line whose printed value is ``said`` (± ``allowed``)."""
    def close(xs, ys):
        with mpmath.workdps(DPS):
            return abs(xs[0] - ys[0]) <= allowed * mpmath.mpf("1.1") + mpmath.mpf(10) ** -30

    return named(checker, [said], lambda q: [example.values(q)[0]], close)


__all__ = ["edges", "named", "numeric", "symbolic"]
