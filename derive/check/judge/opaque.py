"""A stand-in's unknown dependence as a free slope: lines true whatever it depends on.

A document that gives E_o2 only as a number ("computed the same way for o2") leaves
open what E_o2 depends on: derive takes it to depend on whatever its sibling E_o1
depends on (``read.graphnames``), so a derivative through it is not decided.  Yet::

    ∂E_total/∂out_h1 = ∂E_o1/∂out_h1 + ∂E_o2/∂out_h1
    w_5^+ = w_5 - η ∂E_total/∂w_5

hold whatever that dependence is.  ``Slopes`` makes each such dependence a free
variable: moving a quantity x that may reach the sibling moves the stand-in by
s·dx, with s a random number for that stand-in, that x and that point, so ∂E_o2/∂x is
s on both sides of the line.  A line equal at every point is equal whatever the slopes
are, so also for the true ones: it is correct.  A line that differs proves nothing (the
true slopes are tied together by the chain rule, random ones are not), except where
neither side depends on the slopes at all: a line that differs by the same amounts
under two independent draws of slopes differs for the true ones too (a side that
depends on them would give other values under other slopes, but for a set of draws of
measure zero).  ``∂E/∂w_5 = ∂E/∂out_{h1} · ∂out_{h1}/∂net_{h1} · ∂net_{h1}/∂w_5`` is such a
line: its right side is 0 whatever E_o2 depends on, its left side is decided.  So this
reading turns an undecided line into a correct one, or into a wrong one only when two
draws agree (``retry``); never a number (a value needs the true slope).
"""
import random

import mpmath

from derive.check.read.graphnames import GraphModel, reaches

UNDECIDED = ("undefined_in_document", "lhs_undefined_in_document")


class Slopes:
    """The free slopes of a graph's stand-ins (leaves marked opaque, with a sibling)."""

    def __init__(self, graph, seed):
        self.seed = seed
        self.hidden = [n for n in graph.nodes if n.is_leaf and getattr(n, "opaque", False)
                       and getattr(n, "sibling", None) is not None]

    def shift(self, values, env, moved, points):
        """Move each stand-in by its slope times the amount a quantity it may depend
        on is moved (``Points._pass``)."""
        i = next((j for j, e in enumerate(points.envs) if e is env), -1)
        for k, amount in moved:
            wrt = points.graph.nodes[k]
            for h in self.hidden:
                if wrt is h or wrt is h.sibling or not reaches(wrt, h.sibling) \
                        or wrt.symbol in getattr(h, "not_on", ()):
                    continue  # the same rule as graphnames: not the sibling itself
                if values.get(h.symbol) is not None:
                    values[h.symbol] += self.slope(h, wrt, i) * amount

    def slope(self, h, wrt, i):
        r = random.Random(f"{self.seed}:{h.symbol}:{wrt.symbol}:{i}")
        return mpmath.mpf(r.uniform(0.5, 2.0) * r.choice((-1, 1)))


def retry(checker, chain, n, prev, source, deadline):
    """The verdict of link ``n`` of ``chain`` read with free slopes, when that reading
    shows it correct, or wrong under two independent draws by the same values;
    otherwise None (the undecided verdict stands)."""
    model = checker.network
    if not isinstance(model, GraphModel):
        return None
    slopes = Slopes(checker.graph, checker.seed)
    if not slopes.hidden:
        return None
    v = _under(checker, chain, n, prev, source, deadline, slopes)
    names = ", ".join(sorted(str(h.symbol) for h in slopes.hidden))
    if v.status == "wrong" and v.code in ("wrong", "off_by_constant"):
        again = _under(checker, chain, n, prev, source, deadline,
                       Slopes(checker.graph, f"{checker.seed}:again"))
        if again.status == v.status and again.code == v.code and all(
                _same(v.params.get(k), again.params.get(k))
                for k in ("student_value", "expected_value")):
            v.notes = list(v.notes) + [("free_slopes_wrong", (("names", names),))]
            return v
        return None
    if v.status != "correct":
        return None
    v.notes = list(v.notes) + [("free_slopes", (("names", names),))]
    return v


def _same(a, b):
    """Two values of a side under two draws of slopes, equal to 30 digits."""
    if a is None or b is None:
        return False
    try:
        a, b = mpmath.mpf(a), mpmath.mpf(b)
    except (TypeError, ValueError):
        return False
    return abs(a - b) <= mpmath.mpf(10) ** -30 * max(1, abs(a), abs(b))


def _under(checker, chain, n, prev, source, deadline, slopes):
    """The verdict of link ``n`` with ``slopes`` standing for the stand-ins' dependence."""
    model = checker.network
    points = checker.points
    model.unknown_slopes, points.slopes = True, slopes
    points._forward.clear()
    # readings made under free slopes never reach the ordinary cache (readings.parse):
    # a side read here without its error must not be reused where the error stands
    parsed, expected = checker.__dict__.get("_parsed"), checker._expected
    checker.__dict__["_parsed"], checker._expected = {}, {}
    try:
        lhs, sides = checker.parse_chain(chain)
        before = None if prev is None or n == 0 else (sides[n - 1], prev[1], prev[2])
        v = checker.check_step(chain, lhs, sides[n], chain.links[n], before, source, deadline)
    finally:
        model.unknown_slopes, points.slopes = False, None
        points._forward.clear()
        checker._expected = expected
        if parsed is None:
            checker.__dict__.pop("_parsed", None)
        else:
            checker.__dict__["_parsed"] = parsed
    return v

