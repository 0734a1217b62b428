"""The engine's answer for a left-hand side that names a known quantity.

Known quantities are ∂C/∂(parameter), δ, ∂C/∂a, ∂C/∂z, σ'(z) (and the other
activation derivatives), the cost C, the definitions of a and z, and the
update rules (``w − η ∂C/∂w``, ``Δw = −η ∂C/∂w``).  Where the student's line
uses δ, the answer is the engine's form with δ (the recurrence); otherwise the
fully expanded one.
"""
import sympy as sp

from derive.model import functions as F
from derive.model.symbols import COST, Factors, Partial, label


def engine_form(checker, q, with_delta):
    """The engine's expression for the scalar quantity ``q``, or None."""
    g, eng = checker.graph, checker.engine
    if isinstance(q, sp.Add):
        parts = [engine_form(checker, t, with_delta) if t.has(Partial) else t for t in q.args]
        return None if any(p is None for p in parts) else sp.Add(*parts)
    if isinstance(q, sp.Mul):
        parts = [engine_form(checker, f, with_delta) if f.has(Partial) else f for f in q.args]
        return None if any(p is None for p in parts) else sp.Mul(*parts)
    if isinstance(q, Partial) and q.num == COST and q.den in g.by_symbol:
        node = g.by_symbol[q.den]
        if node.role == "param":
            return (eng.restated(node) if with_delta else eng.gradient(node)).result
        if node.role in ("z", "var"):  # a --graph file's quantities are all 'var'
            return (eng.delta(node) if with_delta else eng.expand(node)).result
        if node.role == "a":
            return eng.expand(node).result
        return None
    if isinstance(q, sp.Symbol) and q in checker.points.deltas:  # δ_{z2} of a --graph file
        z = g.by_symbol[checker.points.deltas[q]]
        return (eng.delta(z) if with_delta else eng.expand(z)).result
    if isinstance(q, sp.Symbol) and q in g.by_symbol and g.by_symbol[q].role == "var":
        return g.by_symbol[q].expr
    lab = label(q)
    if lab is not None:
        node = g.by_symbol.get(q)
        if lab[0] == "delta" and q in checker.points.deltas:
            z = g.by_symbol[checker.points.deltas[q]]
            return (eng.delta(z) if with_delta else eng.expand(z)).result
        if node is not None and node.role in ("a", "z"):
            return node.expr
        return None
    if q == COST:
        return g.cost.expr
    if isinstance(q, F.sigmoid_prime):
        u = q.args[0]
        return Factors(F.sigmoid(u), 1 - F.sigmoid(u))
    if isinstance(q, F.tanh_prime):
        return 1 - sp.tanh(q.args[0]) ** 2
    if isinstance(q, F.relu_prime):
        u = q.args[0]
        return sp.Piecewise((1, u > 0), (0, True))
    return None
