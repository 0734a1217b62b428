"""Einstein's summation: a unit index repeated within one term, and not on the left.

``\\frac{\\partial C}{\\partial z_j} = \\frac{\\partial C}{\\partial a_i}
\\frac{\\partial a_i}{\\partial z_j}`` sums over i: i is bound on neither side, and a
statement cannot hold "for every i" when its left side does not depend on i.  An
index repeated in two factors of a term of the right side that the left side does
not have becomes a sum over its units (``IndexSum`` with the range left to the
network, ``AUTO``); an index that occurs once stays unbound (the step is unknown).
"""
import sympy as sp

from derive.model.symbols import IndexSum, MatrixProduct
from derive.check.read.forms import AUTO, is_index_symbol


def free_indices(e):
    """The unit index symbols of ``e`` not bound by a sum inside it."""
    if isinstance(e, IndexSum):
        return free_indices(e.term) - {e.index}
    if is_index_symbol(e):
        return {e}
    out = set()
    for a in getattr(e, "args", ()):
        if isinstance(a, sp.Basic):
            out |= free_indices(a)
    return out


def implied_sums(lhs, rhs):
    """``rhs`` with every term's repeated, unbound index summed (and whether any was)."""
    own = free_indices(lhs) if lhs is not None else set()
    terms = list(rhs.args) if isinstance(rhs, sp.Add) else [rhs]
    changed = False
    out = []
    for t in terms:
        factors = list(t.args) if isinstance(t, (sp.Mul, MatrixProduct)) else [t]
        for k in sorted(free_indices(t) - own, key=str):
            if sum(1 for f in factors if k in free_indices(f)) >= 2:
                t, changed = IndexSum(t, k, AUTO), True
        out.append(t)
    if not changed:
        return rhs, False
    return (sp.Add(*out) if len(out) > 1 else out[0]), True
