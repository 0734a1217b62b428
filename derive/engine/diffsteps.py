"""Differentiating a formula rule by rule, as steps.

For activations a --graph file writes as formulas (softplus ``log(1 + exp(z))``,
swish ``z*sigmoid(z)``, …): the derivative is written with unevaluated
d/dz pieces, and each step expands the first of them by one rule: constant,
identity, sum, constant multiple, product, power, or the chain rule through a
known function.  Every line equals ``sympy.diff`` of the formula (tested).
"""
import sympy as sp

from derive.model import functions as F
from derive.engine import rules as R

MAX_STEPS = 40

# f'(u) for the functions a formula may apply, written the way a teacher would
_OUTER = {
    sp.exp: lambda u: sp.exp(u),
    sp.log: lambda u: 1 / u,
    sp.tanh: lambda u: F.tanh_prime(u),
    F.sigmoid: lambda u: F.sigmoid_prime(u),
    F.relu: lambda u: F.relu_prime(u),
    F.linear: lambda u: sp.S.One,
}


class SumRule(R.Rule):
    """(u + v)' = u' + v'."""

    fields = ()


class ConstantMultiple(R.Rule):
    """(c u)' = c u'."""

    fields = ()


class ProductRule(R.Rule):
    """(u v)' = u' v + u v'."""

    fields = ()


class PowerRule(R.Rule):
    """(u^n)' = n u^{n-1} u'."""

    fields = ()


class ConstantRule(R.Rule):
    """c' = 0 and x' = 1."""

    fields = ()


class OuterChainRule(R.Rule):
    """f(u)' = f'(u) u' for a known f."""

    fields = ("outer",)


def _d(expr, x):
    return sp.Derivative(expr, x, evaluate=False)


def _expand_one(d, x):
    """(rewrite of one unevaluated derivative, its rule), or None if it cannot be rewritten."""
    u = d.expr
    if not u.has(x):
        return sp.S.Zero, ConstantRule()
    if u == x:
        return sp.S.One, ConstantRule()
    if isinstance(u, sp.Add):
        return sp.Add(*[_d(t, x) for t in u.args], evaluate=False), SumRule()
    if isinstance(u, sp.Mul):
        const = [f for f in u.args if not f.has(x)]
        var = [f for f in u.args if f.has(x)]
        if const:
            return sp.Mul(sp.Mul(*const), _d(sp.Mul(*var), x), evaluate=False), ConstantMultiple()
        first, rest = var[0], sp.Mul(*var[1:])
        return sp.Add(sp.Mul(_d(first, x), rest, evaluate=False),
                      sp.Mul(first, _d(rest, x), evaluate=False), evaluate=False), ProductRule()
    if isinstance(u, sp.Pow) and not u.exp.has(x):
        base, n = u.base, u.exp
        return sp.Mul(n, sp.Pow(base, n - 1), _d(base, x), evaluate=False), PowerRule()
    if isinstance(u, sp.Pow) and u.base == sp.E:
        return sp.Mul(sp.exp(u.exp), _d(u.exp, x), evaluate=False), OuterChainRule(outer=sp.exp)
    for func, prime in _OUTER.items():
        if isinstance(u, func) and len(u.args) == 1:
            inner = u.args[0]
            if inner == x:
                return prime(inner), OuterChainRule(outer=func)
            return sp.Mul(prime(inner), _d(inner, x), evaluate=False), OuterChainRule(outer=func)
    return None


def _first_derivative(expr, x):
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Derivative) and node.variables == (x,):
            return node
    return None


def differentiate(expr, x):
    """R.Derived for d expr / d x, one rule per step; DontKnow where no rule applies."""
    lhs = _d(expr, x)
    current, steps = lhs, []
    for _ in range(MAX_STEPS):
        d = _first_derivative(current, x)
        if d is None:
            break
        done = _expand_one(d, x)
        if done is None:
            steps.append(R.Step(current, R.DontKnow(reason=f"no rule for {d.expr}")))
            return R.Derived(lhs, steps)
        value, rule = done
        current = current.xreplace({d: value})
        steps.append(R.Step(current, rule))
    tidy = sp.simplify(current)
    if steps and tidy != current and sp.count_ops(tidy) < sp.count_ops(current):
        steps.append(R.Step(tidy, R.Simplify()))
    return R.Derived(lhs, steps)


def formula_nodes(graph):
    """The quantities a graph defines by a non-linear formula of one other quantity
    (an activation written out): their derivatives are worth deriving on their own."""
    out = []
    for n in graph.nodes:
        if n.is_leaf or n.role == "cost" or n.activation is not None or len(n.parents) != 1:
            continue
        p = n.parents[0]
        if sp.diff(n.expr, p.symbol).has(p.symbol):
            out.append(n)
    return out
