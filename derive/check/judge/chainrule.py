"""Diagnoses from the structure of the chain rule (used by ``diagnose``).

* the names of factors: every edge of the graph has a local derivative (∂a/∂z = σ'(z),
  ∂net/∂w = the input the weight multiplies, ∂net/∂out = the weight), and a factor
  that is missing or extra is named by the edge it belongs to;
* a missing inner derivative: ½(t − o)² differentiated to (t − o), without the −1 of
  ∂(t − o)/∂o, flips the sign, and |t − o| flips it where t > o only;
* a missing sum: ∂C/∂a_j ∂a_j/∂z_j written for Σ_k ∂C/∂a_k ∂a_k/∂z_j, when z_j reaches
  the cost through several quantities (every softmax output, two output units).

Each is tested like every hypothesis of ``diagnose``: numerically, at the checker's
points, against the independent semantics.
"""
import sympy as sp

from derive.model.symbols import Factors, Partial, plain
from derive.check.judge.semantics import compare

MAX_CANDIDATES = 60


def _vals(checker, expr):
    return checker.points.values(expr)


def _same(xs, ys):
    return compare(xs, ys)[0] == "equal"


def _factors_of(e):
    e = plain(e)
    return list(e.args) if isinstance(e, sp.Mul) else [e]


def local_derivatives(checker):
    """{factor: ∂node/∂parent} for every edge of the graph whose local derivative is not a
    number: σ'(z) as ∂a/∂z, the input a weight multiplies as ∂net/∂w, the weight as ∂net/∂out.
    These are what a missing or extra factor of a chain rule is named by."""
    cache = checker.__dict__.get("_local_derivatives")
    if cache is not None:
        return cache
    out = {}
    g = checker.graph
    for n in g.nodes:
        if n.role == "a" and n.activation is not None and len(n.parents) == 1:
            out.setdefault(n.activation.derivative(n.parents[0].symbol), Partial(n.symbol, n.parents[0].symbol))
        expr = getattr(n, "expr", None)
        if expr is None or n.role == "cost" or len(out) >= MAX_CANDIDATES:
            continue
        for p in n.parents:
            try:
                d = sp.diff(expr, p.symbol)
            except Exception:  # noqa: BLE001, S112 - a node sympy cannot differentiate names nothing
                continue
            if not d.is_number:
                out.setdefault(d, Partial(n.symbol, p.symbol))
    checker.__dict__["_local_derivatives"] = out
    return out


def named(checker, f):
    """What the factor ``f`` is, as ∂node/∂parent, or None."""
    return local_derivatives(checker).get(f)


def shown(checker, f):
    """A factor as the writer would write it: σ(1 − σ) rather than e^{-z}/(1 + e^{-z})²."""
    for n in checker.graph.nodes:
        expr = getattr(n, "expr", None)
        if expr is not None and n.role != "cost" and expr.has(sp.exp) and f.has(sp.exp):
            try:
                g = sp.simplify(f.subs(expr, n.symbol).subs(sp.exp(-n.parents[0].symbol), 1 / n.symbol - 1))
            except Exception:  # noqa: BLE001 - shown as it is
                continue
            if not g.has(sp.exp) and g.free_symbols <= {n.symbol}:
                o = n.symbol
                if sp.expand(g - o * (1 - o)) == 0:
                    return Factors(o, 1 - o)  # the logistic derivative as people write it
                return sp.factor(g)
    return f


def inner_derivative(checker, a, b):
    """The chain rule's inner derivative left out: ½(t − o)² differentiated to (t − o), not
    −(t − o); the sign flip of a missing −1 is named as what it is."""
    q = plain(a)
    if not isinstance(q, Partial):
        return None
    x = q.den
    truth = checker.points.values(a)
    for t in list(sp.preorder_traversal(b))[:MAX_CANDIDATES]:
        if isinstance(t, sp.Abs) and t.args[0].has(x):
            # |t − o| for the signed o − t: bars drop the sign the inner derivative keeps
            # (sympy keeps |u| = |−u| as one of the two, so both are tried)
            for signed in (t.args[0], -t.args[0]):
                if _same(_vals(checker, b.xreplace({t: signed})), truth):
                    return "absolute_value", {"written": t, "should": signed}
            continue
        if not isinstance(t, sp.Add) or not t.has(x):
            continue
        c = sp.diff(t, x)
        if not c.is_number or c in (0, 1):
            continue
        if _same(_vals(checker, b.xreplace({t: t * c})), truth):
            return "inner_derivative", {"inner": t, "var": x, "value": c}
    return None


def missing_sum(checker, a, b):
    """∂C/∂a_j ∂a_j/∂z_j written for Σ_k ∂C/∂a_k ∂a_k/∂z_j: x reaches the cost through
    several quantities (every softmax output, both output units) and the chain rule
    followed only one of them."""
    truth = checker.points.values(a)
    g = checker.graph
    parts = [f for f in _factors_of(b) if isinstance(f, Partial)]
    for outer in parts:
        for inner in parts:
            q, x = inner.num, inner.den
            if inner is outer or outer.den != q or x not in g.by_symbol:
                continue
            children = [n.symbol for n in g.nodes if any(p.symbol == x for p in n.parents)]
            if len(children) < 2 or q not in children or len(children) > MAX_CANDIDATES:
                continue
            total = sp.Add(*[b.xreplace({outer: Partial(outer.num, c), inner: Partial(c, x)})
                             for c in children])
            if _same(_vals(checker, total), truth):
                return "missing_sum", {"through": q, "var": x, "children": children}
    return None


MAX_TERMS = 3
MAX_PARAMS = 8


def missing_term_factors(checker, a, b):
    """A sum whose terms each lack factors of their own: ∂O/∂w₁ through two paths, each
    written without the weights its inner chain rules bring in (w₄w₂ in one term,
    w₅w₃ in the other).  ``b`` is a product with one sum among its factors (or a sum);
    each term is tried times 1, one parameter or two, and the combination that makes
    the line equal to the truth at the points names the missing factors."""
    truth = _vals(checker, a)
    params = [n.symbol for n in checker.graph.nodes if n.role == "param"][:MAX_PARAMS]
    if not params:
        return None
    e = plain(b)
    factors = list(e.args) if isinstance(e, sp.Mul) else [e]
    sums = [f for f in factors if isinstance(f, sp.Add) and 2 <= len(f.args) <= MAX_TERMS]
    monomials = [sp.Integer(1)] + params + [p * q for i, p in enumerate(params) for q in params[i:]]
    mvals = [_vals(checker, m) for m in monomials]
    for s in sums[:4]:
        found = _per_term(checker, truth, factors, s, monomials, mvals)
        if found:
            return found
    return None


MAX_PICKS = 2000  # assignments of a missing factor to each term of a sum, at most


def _per_term(checker, truth, factors, s, monomials, mvals):
    from itertools import product as combinations

    if len(monomials) ** len(s.args) > MAX_PICKS:
        return None  # each term's factor chosen among the monomials: too many ways to try
    rest = _vals(checker, sp.Mul(*[f for f in factors if f is not s]))
    terms = [_vals(checker, t) for t in s.args]
    if any(v is None for vs in [rest, truth] + terms + mvals for v in vs):
        return None
    for pick in combinations(range(len(monomials)), repeat=len(terms)):
        if len(set(pick)) < 2:
            continue  # one factor common to all the terms is a plain missing factor
        said = [r * sum(terms[k][i] * mvals[pick[k]][i] for k in range(len(terms)))
                for i, r in enumerate(rest)]
        if _same(said, truth):
            missing = [monomials[k] for k in pick if k != 0]
            return "missing_term_factors", {"factors": missing, "terms": len(terms)}
    return None
