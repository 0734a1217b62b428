"""When agreement at random points is not yet a proof, and the points that make it one.

Two sides that agree at the random points (``semantics.compare``) are called equal only
if nothing the student wrote can hide from those points:

* **pieces**: every piecewise function in either side (ReLU and ReLU', max/min, |u|,
  Heaviside, sign, ``cases``) switches where some expression ``s`` crosses 0.  There
  must be points with ``s > 0`` and with ``s < 0`` for every ``s``; ``cover`` looks for
  the missing ones by moving one input of the first point at a time, by amounts growing
  to 10³⁰, so a switch at x = 100 gets points beyond 100.  A side that cannot be reached
  leaves the step undecided, unless the reference has no value there (a ReLU output
  under a log cost is log 0 on one side: there is nothing to compare).
* **hidden terms** (``hidden``): a term of a sum that is below the tolerance, relative
  to the sum, at every point but not 0 (``e^{-1000}``, ``σ(−1000) x``); a function
  saturated beyond the working precision at every point (``σ(1000)`` is 1 to 430
  digits); and constants so small, so large or so close to 1 that 80 digits cannot
  be trusted with them (``10^{-64}``, ``1 + 10^{-35}``).  Any of these leaves the step
  undecided, with the term named, because the points cannot see it.

Both are checked only where the numbers said *equal*, so no correct step is slowed
down by a search it does not need.  ``constant_offset`` turns one kind of close call
into a wrong verdict: a line that is the right value plus a constant written as a
term (``+ 10^{-40}``) differs from it by exactly that constant, which sympy knows is
not 0.
"""
import mpmath
import sympy as sp

from derive.model import functions as F
from derive.model.symbols import plain
from derive.check.judge.semantics import DPS, Points, compare

HIDDEN = mpmath.mpf(10) ** -50  # relative size below which a term cannot be told from 0
EXTREME = sp.Rational(1, 10 ** 30)  # constants this small (or 1 / this large) are refused
MAX_SWITCHES = 16
MAX_NODES = 80  # sums and functions examined for hidden terms
MAX_COORDS = 24
MAGNITUDES = [mpmath.mpf(m) for m in ("1", "3", "10", "30", "100", "300", "1e3", "1e4", "1e6",
                                        "1e9", "1e12", "1e18", "1e30")]
# |argument| beyond which the function is its asymptote to more than the working precision
SATURATES = {F.sigmoid: 140, F.sigmoid_prime: 140, sp.tanh: 70, F.tanh_prime: 70}


def switches(*exprs):
    """The expressions whose sign selects a piece, in the piecewise functions of ``exprs``."""
    out = []
    for e in exprs:
        for node in sp.preorder_traversal(plain(e)):
            if isinstance(node, (F.relu, F.relu_prime, sp.Abs, sp.Heaviside, sp.sign)):
                found = [node.args[0]]
            elif isinstance(node, (sp.Max, sp.Min)):
                found = [p - q for k, p in enumerate(node.args) for q in node.args[k + 1:]]
            elif isinstance(node, sp.Piecewise):
                found = [r.lhs - r.rhs for _, cond in node.args
                         for r in sp.preorder_traversal(cond) if isinstance(r, sp.Rel)]
            else:
                continue
            for s in found:
                if not s.is_number and s not in out:
                    out.append(s)
    return out


def cover(points, a, b, xs, ys, deadline, memos=()):
    """(points, None) with points on both sides of every piece of ``a`` and ``b``
    (``points`` itself, or it with extra points), or (None, (code, params)).
    ``memos``: ``points.subvalues`` of a and b, where a switch's values may be found."""
    sw = switches(a, b)
    if not sw:
        return points, None
    if len(sw) > MAX_SWITCHES:
        return None, ("too_many_pieces", {"count": len(sw)})
    usable = [i for i, (x, y) in enumerate(zip(xs, ys)) if x is not None and y is not None]
    need = {(k, s) for k in range(len(sw)) for s in (1, -1)}
    for k, s in enumerate(sw):
        known = next((m for m in memos if all(s in point for point in m)), None)
        vals = [point[s] for point in known] if known else points.values(s, deadline)
        need -= {(k, _sign(vals[i])) for i in usable if vals[i] is not None}
    if not need:
        return points, None
    probe = Points(points.network, points.graph, seed=points.seed,
                   envs=[dict(points.envs[0])], free_symbols=True)
    extra = []
    for k, side in sorted(need):
        if (k, side) not in need:
            continue  # a point found for another piece lies on this side too
        found = _search(points, probe, sw, k, side, a, b, deadline)
        if found is None:
            return None, ("piece_unreached", {"piece": sw[k], "side": "positive" if side > 0
                                              else "negative"})
        env, free, signs = found
        if env is not None:
            extra.append((env, free))
        need -= signs
    if not extra:
        return points, None
    more = Points(points.network, points.graph, seed=points.seed,
                  envs=list(points.envs) + [e for e, _ in extra], free_symbols=True)
    more._free = [{} for _ in points.envs] + [dict(f) for _, f in extra]
    return more, None


def _sign(v):
    return 1 if v > 0 else -1 if v < 0 else 0


def _search(points, probe, sw, k, side, a, b, deadline):
    """A point where ``sw[k]`` has sign ``side`` and both sides have a value."""
    base = points.envs[0]
    frees = sorted({s for e in (a, b) for s in points.support(e)
                    if isinstance(s, sp.Symbol) and s not in base}, key=str)
    base_free = {s: points.free_value(0, s) for s in frees}
    coords = points.support(sw[k])[:MAX_COORDS]
    outside = None  # a point on that side where the reference has no value
    outside_mag = None
    for mag in MAGNITUDES:
        if outside_mag is not None and mag > 100 * outside_mag:
            break  # looked a hundred times further for a point with a value: none
        for c in coords:
            for d in (1, -1):
                deadline.check()
                env, free = dict(base), dict(base_free)
                if c in env:
                    env[c] = env[c] + d * mag
                else:
                    free[c] = free.get(c, points.free_value(0, c)) + d * mag
                probe.envs = [env]
                probe._forward.clear()
                probe._free = [dict(free)]
                v = probe.values(sw[k])[0]
                if v is None or _sign(v) != side:
                    continue
                if probe.values(a)[0] is None:
                    if outside is None:
                        outside, outside_mag = (None, None, {(k, side)}), mag
                    continue
                if probe.values(b)[0] is None:
                    continue
                signs = set()
                for j, s in enumerate(sw):
                    w = probe.values(s)[0]
                    if w is not None:
                        signs.add((j, _sign(w)))
                return env, free, signs
    # nothing to compare on that side where the reference itself is undefined there
    # (a ReLU output under a log: log 0), after no point on it with a value was found
    return outside


def hidden(points, expr, deadline, memos=None):
    """(code, params) of something in ``expr`` the points cannot see, or None.
    ``memos`` are ``points.subvalues(expr)`` if the caller has them already."""
    e = plain(expr)
    for n in e.atoms(sp.Number):
        if n is sp.nan or not n.is_finite:
            continue  # a case with no value (no piece applies), not a constant to see
        r = abs(n)
        if r != 0 and (r < EXTREME or r > 1 / EXTREME or 0 < abs(r - 1) < EXTREME):
            return "extreme_constant", {"term": n}
    nodes = [q for q in sp.preorder_traversal(e)
             if isinstance(q, sp.Add) or type(q) in SATURATES or isinstance(q, (sp.exp, sp.Pow))]
    if not nodes:
        return None
    memos = memos if memos is not None else points.subvalues(e, deadline)

    def at(q):
        return [m.get(q) for m in memos]

    for q in nodes[:MAX_NODES]:
        if type(q) in SATURATES:
            if _always(at(q.args[0]), lambda v: abs(v) > SATURATES[type(q)]):
                return "saturated", {"term": q}
        elif isinstance(q, sp.exp) or isinstance(q, sp.Pow) and not q.exp.is_Integer:
            # e^{u} (or b^u) with u nonzero but below the tolerance: 1 to every digit kept
            vals = at(q.args[0] if isinstance(q, sp.exp) else q.exp)
            if _always(vals, lambda v: abs(v) <= HIDDEN) and any(v for v in vals if v is not None):
                return "negligible_term", {"term": q}
        elif isinstance(q, sp.Add):
            total = at(q)
            for t in q.args:
                vals = at(t)
                with mpmath.workdps(DPS):
                    small = [abs(v) <= HIDDEN * max(1, abs(s))
                             for v, s in zip(vals, total) if v is not None and s is not None]
                if small and all(small) and any(v for v in vals if v is not None):
                    return "negligible_term", {"term": t}
    return None


def _always(vals, test):
    usable = [v for v in vals if v is not None]
    with mpmath.workdps(DPS):
        return bool(usable) and all(test(v) for v in usable)


def constant_offset(points, a, b, xs, deadline):
    """(c, a point) when ``b`` is ``a`` plus a nonzero constant c written as a term
    (``… + 10^{-40}``): too small for the points, but exactly not 0; else (None, None)."""
    b = plain(b)
    if not isinstance(b, sp.Add):
        return None, None
    c = sp.Add(*[t for t in b.args if t.is_Number])
    if c == 0 or not c.is_Number:
        return None, None
    rest = sp.Add(*[t for t in b.args if not t.is_Number])
    ys = points.values(rest, deadline)
    state, _ = compare(ys, xs)
    if state != "equal" or hidden(points, rest, deadline) is not None:
        return None, None
    i = next((k for k, (x, y) in enumerate(zip(xs, ys)) if x is not None and y is not None), None)
    return (c, i) if i is not None else (None, None)
