"""Einstein's summation: a unit index repeated within one term, and not on the left.

``\\frac{\\partial C}{\\partial z_j} = \\frac{\\partial C}{\\partial a_i}
\\frac{\\partial a_i}{\\partial z_j}`` sums over i: i is bound on neither side, and a
statement cannot hold "for every i" when its left side does not depend on i.  An
index repeated in two factors of a term of the right side that the left side does
not have becomes a sum over its units (``IndexSum`` with the range left to the
network, ``AUTO``); an index that occurs once stays unbound (the step is unknown).

A sum written without its index (``\\sum e^{x_d}``, in a document that declares its
softmax in index form, ``read.softmaxnames``) sums over the one index of its body that
the left side does not have; with none or several it stays unread.
"""
from dataclasses import replace

import sympy as sp

from derive.model.symbols import IndexSum, MatrixProduct
from derive.check.read.forms import AUTO, UNWRITTEN, is_index_symbol
from derive.check.limits import Unsupported


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


def implied_sums(lhs, rhs, fixed=None):
    """``rhs`` with every term's repeated, unbound index summed (and whether any was);
    ``fixed``: an index letter the document fixes (the correct class k), never summed."""
    own = free_indices(lhs) if lhs is not None else set()
    own = own | {s for s in free_indices(rhs) if fixed is not None and str(s) == fixed}
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


def bind_unwritten(e, own):
    """``e`` with each ``\\sum`` written without its index (``\\sum e^{x_d}``) summing
    over the one index of its body that is not ``own`` (the left side's); a body with
    no such index, or several, leaves the sum unread (Unsupported)."""
    if not isinstance(e, sp.Basic) or UNWRITTEN not in e.free_symbols:
        return e
    if isinstance(e, IndexSum) and e.index == UNWRITTEN:
        body = bind_unwritten(e.term, own)
        candidates = free_indices(body) - set(own) - {UNWRITTEN}
        if body == 0:
            return sp.S.Zero  # \sum e^{x_d} \cdot 0: nothing, whatever it sums over
        if len(candidates) != 1:
            raise Unsupported("sum_without_index")
        return IndexSum(body, candidates.pop(), e.count)
    args = [bind_unwritten(a, own) if isinstance(a, sp.Basic) else a for a in e.args]
    return e.func(*args)


def bind_step(rhs, lhs, prev):
    """A step's sides (``readings.Side``) with every index-less sum bound: over the index
    its body has and the left side (else the line before) does not."""
    if lhs is not None and lhs.error is None:
        own = free_indices(lhs.expr)
    elif prev is not None and prev[0].error is None:
        own = free_indices(prev[0].expr)
    else:
        own = set()
    rhs = replace(rhs, expr=bind_unwritten(rhs.expr, own))
    if lhs is not None and lhs.error is None:
        lhs = replace(lhs, expr=bind_unwritten(lhs.expr, set()))
    if prev is not None and prev[0].error is None:
        prev = (replace(prev[0], expr=bind_unwritten(prev[0].expr, own)),) + tuple(prev[1:])
    return rhs, lhs, prev
