"""The factors a chain rule claims, judged one by one.

A line ``∂L/∂z = ∂L/∂a · ∂a/∂z = (…)(…)`` claims more than the product: that the
first written factor is ∂L/∂a and the second ∂a/∂z.  The product can be right when
both factors are wrong (the binary cross-entropy derivative times the sigmoid's,
used for a softmax output, multiplies to p − y all the same), so a step whose value
is right is also judged factor by factor against the line before it, when that line
is a product of derivatives and this one a product of as many written factors or more.

Written order is not kept by sympy, so every grouping of the written factors into
one group per derivative is tried (a derivative that is 1, such as ∂z/∂b, may get
none) (a handful of factors, at the same random points
as the verdict); the step stands if one grouping makes every group equal to its
derivative.  Otherwise the grouping with the most groups right names the ones that
are wrong.  Nothing is called wrong without a derivative whose value differs from
the group's at the points.
"""
from itertools import product as assignments

import mpmath
import sympy as sp

from derive.model.symbols import Partial, plain
from derive.check.judge.semantics import DPS, compare

MAX_WRITTEN = 6  # written factors grouped (3 derivatives: 729 groupings)
MAX_CLAIMED = 3


def _factors(e):
    e = plain(e)
    return list(e.args) if isinstance(e, sp.Mul) else [e]


def _product(vectors, count):
    out = [mpmath.mpf(1)] * count
    for vec in vectors:
        out = [None if o is None or v is None else o * v for o, v in zip(out, vec)]
    return out


def wrong_factors(checker, claimed, written, deadline):
    """None when the written factors can be read as the claimed derivatives (at every
    index value tried), else params naming the groups that are not
    (``bad``: [(group, derivative, the engine's form of it or None)])."""
    from derive.check.judge.shapes import Missing, ShapeMismatch
    from derive.check.limits import Unsupported

    inst = checker.inst
    try:
        assigns, _ = inst.assignments(claimed, written, checker.seed)
    except (Unsupported, Missing, ShapeMismatch):
        return None
    for a in (assigns or [{}])[:4]:
        try:
            c, w = inst.value(claimed, a), inst.value(written, a)
        except (Unsupported, Missing, ShapeMismatch):
            return None
        if isinstance(c, sp.MatrixBase) or isinstance(w, sp.MatrixBase):
            return None
        found = _grouped(checker, c, w, deadline)
        if found is not None:
            return found
    return None


def _grouped(checker, claimed, written, deadline):
    parts = _factors(claimed)
    derivatives = [f for f in parts if isinstance(f, Partial)]
    if len(derivatives) < 2 or len(derivatives) > MAX_CLAIMED or any(
            not f.is_number for f in parts if not isinstance(f, Partial)):
        return None
    if plain(written).has(Partial):
        return None
    factors = _factors(written)
    number = sp.Mul(*[f for f in factors if f.is_number])
    factors = [f for f in factors if not f.is_number]
    if len(factors) > MAX_WRITTEN:
        return None
    points = checker.points
    with mpmath.workdps(DPS):
        want = [points.values(d, deadline) for d in derivatives]
        have = [points.values(f, deadline) for f in factors]
        coeff = mpmath.mpf(sp.Rational(number).p) / sp.Rational(number).q if number.is_Rational else None
    if coeff is None or any(v is None for vec in want + have for v in vec):
        return None
    count = len(points.envs)
    # a derivative that is 1 (∂z/∂b) is written as no factor at all; every other one needs
    # at least one written factor (fewer factors than that: the writer simplified, e.g.
    # cancelled a(1 − a), and no grouping is claimed)
    with mpmath.workdps(DPS):
        unit = [compare(vec, [mpmath.mpf(1)] * count)[0] == "equal" for vec in want]
    needed = {k for k, u in enumerate(unit) if not u}
    if len(factors) < len(needed):
        return None
    best = None
    with mpmath.workdps(DPS):
        for groups in assignments(range(len(derivatives)), repeat=len(factors)):
            deadline.check()
            if not needed <= set(groups):
                continue
            for with_number in range(len(derivatives)):  # the written constant goes with one group
                right = []
                for k in range(len(derivatives)):
                    vec = _product([have[i] for i, g in enumerate(groups) if g == k], count)
                    if k == with_number:
                        vec = [v * coeff for v in vec]
                    right.append(compare(vec, want[k])[0])
                if all(r == "equal" for r in right):
                    return None
                if best is None or right.count("equal") > best[2].count("equal"):
                    best = (groups, with_number, right)
    groups, with_number, states = best
    if "undecided" in states:
        return None  # a group the points cannot tell from its derivative refutes nothing
    right = [st == "equal" for st in states]
    bad = []
    for k, ok in enumerate(right):
        if not ok:
            group = sp.Mul(*[factors[i] for i, g in enumerate(groups) if g == k])
            if k == with_number:
                group = number * group
            bad.append((group, derivatives[k], checker._known(derivatives[k], False)))
    return {"bad": bad, "claimed": claimed}
