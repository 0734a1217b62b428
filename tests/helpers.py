"""Shared test helpers: random points and high-precision numeric comparison.

Equality of two expressions is checked at random points with 40 digits; the
points put ReLU arguments on both sides of the kink across draws, and targets
on the probability simplex (so the log-likelihood's Σy = 1 step holds)."""
import sympy as sp

DIGITS = 40


def random_point(graph, rng):
    point = {}
    targets = [n.symbol for n in graph.nodes if n.role == "target"]
    for n in graph.nodes:
        if n.is_leaf and n.role != "target":
            point[n.symbol] = sp.Float(rng.uniform(-1.5, 1.5), DIGITS)
    weights = [rng.uniform(0.1, 1.0) for _ in targets]
    total = sum(weights)
    for t, w in zip(targets, weights):
        point[t] = sp.Float(w / total, DIGITS)
    return point


def value(expr, point):
    v = sp.sympify(expr).xreplace(point).evalf(DIGITS)
    return complex(v) if not v.is_real else float(v)


def close(a, b, rel=1e-12):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def finite(v):
    return v == v and abs(v) != float("inf")


def check_derived(graph, derived, points, truth=None):
    """Every step of ``derived`` equals the true derivative at every point
    where that derivative is defined (ReLU into a log can leave the domain)."""
    truth = graph.evaluate(derived.lhs) if truth is None else truth
    pairs = [(p, value(truth, p)) for p in points]
    pairs = [(p, v) for p, v in pairs if finite(v)]
    assert pairs, f"no point in the domain of {derived.lhs}"
    points, values = [p for p, _ in pairs], [v for _, v in pairs]
    for i, step in enumerate(derived.steps):
        got = step.eval(graph)
        for p, want in zip(points, values):
            have = value(got, p)
            assert close(have, want), (
                f"step {i} ({step.rule.kind}) of {derived.lhs}: {have} != {want}")


class Numeric:
    """The graph's independent semantics at one point, numerically: node values
    from a plain forward pass, ∂num/∂den from sympy.diff of the composed graph
    (Graph.true_partial), then any step expression is a number."""

    def __init__(self, graph, point):
        from derive.model.functions import concrete

        self.graph, self.point = graph, point
        self.vals = {}
        for n in graph.nodes:
            if n.is_leaf:
                self.vals[n.symbol] = point[n.symbol]
            else:
                e = concrete(n.expr).xreplace({p.symbol: self.vals[p.symbol] for p in n.parents})
                self.vals[n.symbol] = e.evalf(DIGITS)
        self.deltas = {n.delta: n.symbol for n in graph.nodes if n.delta is not None}
        self._partials = {}

    def partial(self, num, den):
        if (num, den) not in self._partials:
            self._partials[(num, den)] = sp.sympify(value(self.graph.true_partial(num, den), self.point))
        return self._partials[(num, den)]

    def __call__(self, expr):
        from derive.model.functions import concrete
        from derive.model.symbols import COST, Partial, plain

        expr = plain(expr)
        if expr.has(sp.Derivative):
            expr = concrete(expr).doit()
        repl = {p: self.partial(p.num, p.den) for p in expr.atoms(Partial)}
        for d in expr.atoms(sp.Indexed, sp.Symbol):
            if d in self.deltas:
                repl[d] = self.partial(COST, self.deltas[d])
        expr = expr.xreplace(repl).xreplace(
            {s: self.vals[s] for s in expr.atoms(sp.Indexed, sp.Symbol) if s in self.vals})
        v = concrete(expr).evalf(DIGITS)
        return complex(v) if not v.is_real else float(v)


def check_numeric(graph, derived, numerics, truth_lhs=None):
    """Like check_derived, through Numeric (fast enough for every combination)."""
    lhs = derived.lhs if truth_lhs is None else truth_lhs
    used = 0
    for num in numerics:
        want = num(lhs)
        if not finite(want):
            continue
        used += 1
        for i, step in enumerate(derived.steps):
            have = num(step.expr)
            assert close(have, want), (
                f"step {i} ({step.rule.kind}) of {derived.lhs}: {have} != {want}")
    assert used, f"no point in the domain of {derived.lhs}"
