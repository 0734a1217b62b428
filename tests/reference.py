"""Independent references for the worked numbers (tests only).

``sympy_reference`` differentiates the fully composed cost of
``Network.graph`` with sympy (``Graph.true_partial``) and evaluates it at the
exact rational values; ``fd_reference`` is a naive forward pass written here
from the textbook formulas (no stable forms, no shared code with
``derive.numbers.numeric``) at 80 digits, differentiated by central differences.
"""
from decimal import Decimal

import mpmath
import sympy as sp

from derive.model.functions import concrete
from derive.model.symbols import COST, quantity

FD_DPS = 80


def rational(v):
    """An exact sympy Rational for a Decimal (or an mpf, exactly)."""
    if isinstance(v, Decimal):
        p, q = v.as_integer_ratio()
        return sp.Rational(p, q)
    m = mpmath.mpf(v)
    p, q = m.man_exp[0], m.man_exp[1]
    return sp.Integer(p) * sp.Integer(2) ** q


def symbol_values(network, values):
    """{graph leaf symbol: exact Rational} for every input, target and parameter."""
    nt = values.notation
    subs = {}
    for k, v in enumerate(values.data["x"]):
        subs[quantity("x", 0, k)] = rational(v)
    for j, v in enumerate(values.data["y"]):
        subs[quantity("y", "out", j)] = rational(v)
    for l in range(1, network.L + 1):
        for j, row in enumerate(values.data[nt.key("w", l)]):
            for k, v in enumerate(row):
                subs[quantity("w", l, j, k)] = rational(v)
        if network.bias:
            for j, v in enumerate(values.data[nt.key("b", l)]):
                subs[quantity("b", l, j)] = rational(v)
    return subs


def sympy_reference(network, values, dps=50):
    """(loss, {key: nested gradient}) from sympy.diff of the composed cost."""
    g = network.graph
    subs = symbol_values(network, values)
    nt = values.notation
    loss = concrete(g.composed()[COST]).xreplace(subs).evalf(dps)
    grads = {}
    for l in range(1, network.L + 1):
        rows, cols = network.widths[l], network.widths[l - 1]
        grads[nt.key("w", l)] = [
            [mpmath.mpf(sp.N(g.true_partial(COST, quantity("w", l, j, k)).xreplace(subs), dps))
             for k in range(cols)] for j in range(rows)]
        if network.bias:
            grads[nt.key("b", l)] = [
                mpmath.mpf(sp.N(g.true_partial(COST, quantity("b", l, j)).xreplace(subs), dps))
                for j in range(rows)]
    return mpmath.mpf(loss), grads


def _act(name, zs):
    if name == "sigmoid":
        return [1 / (1 + mpmath.exp(-z)) for z in zs]
    if name == "relu":
        return [z if z > 0 else mpmath.mpf(0) for z in zs]
    if name == "tanh":
        return [mpmath.tanh(z) for z in zs]
    if name == "linear":
        return list(zs)
    total = sum(mpmath.exp(z) for z in zs)
    return [mpmath.exp(z) / total for z in zs]


def naive_loss(network, x, y, W, B, strict=False):
    """C for mpf lists x, y and per-layer W (rows), B (or None), straight from the formulas.
    A term with a zero coefficient (y log a at y = 0) counts as 0 unless ``strict``,
    where its log must exist too, as in sympy's composed cost."""
    a = x
    for l in range(1, network.L + 1):
        zs = [sum(w * ak for w, ak in zip(row, a)) + (B[l][j] if B else 0)
              for j, row in enumerate(W[l])]
        a = _act(network.activations[l - 1], zs)
    cost = network.cost_name
    if cost == "quadratic":
        return sum((ai - yi) ** 2 for ai, yi in zip(a, y)) / 2
    if cost == "squared-error":
        return sum((ai - yi) ** 2 for ai, yi in zip(a, y))
    total = mpmath.mpf(0)
    for ai, yi in zip(a, y):
        if yi != 0 or strict:
            total -= yi * mpmath.log(ai)
        if cost == "cross-entropy" and (yi != 1 or strict):
            total -= (1 - yi) * mpmath.log(1 - ai)
    return total


def fd_reference(network, values, h="1e-25"):
    """(loss, {key: nested gradient}) by central differences of ``naive_loss`` at 80 digits."""
    nt = values.notation
    with mpmath.workdps(FD_DPS):
        cv = lambda v: mpmath.mpf(str(v)) if isinstance(v, Decimal) else mpmath.mpf(v)
        x = [cv(v) for v in values.data["x"]]
        y = [cv(v) for v in values.data["y"]]
        W = {l: [[cv(v) for v in row] for row in values.data[nt.key("w", l)]]
             for l in range(1, network.L + 1)}
        B = ({l: [cv(v) for v in values.data[nt.key("b", l)]] for l in range(1, network.L + 1)}
             if network.bias else None)
        h = mpmath.mpf(h)
        loss = naive_loss(network, x, y, W, B)

        def diff(vec, i):
            keep = vec[i]
            vec[i] = keep + h
            up = naive_loss(network, x, y, W, B)
            vec[i] = keep - h
            down = naive_loss(network, x, y, W, B)
            vec[i] = keep
            return (up - down) / (2 * h)

        grads = {}
        for l in range(1, network.L + 1):
            grads[nt.key("w", l)] = [[diff(row, k) for k in range(len(row))] for row in W[l]]
            if B:
                grads[nt.key("b", l)] = [diff(B[l], j) for j in range(len(B[l]))]
        return +loss, grads


def flat(nested):
    if isinstance(nested, list):
        return [v for item in nested for v in flat(item)]
    return [nested]


def rel(a, b, floor=1e-30):
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale > floor else abs(a - b)
