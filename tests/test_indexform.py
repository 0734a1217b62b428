"""Index-form derivations (generic unit j, input k) instantiated at every
concrete j, k on small wide networks equal sympy.diff of the composed cost."""
import itertools
import random

import pytest
import sympy as sp

from derive.engine import indexform as IF
from derive.engine.activation_steps import derivative_derivation
from derive.model.functions import concrete
from derive.model.network import Network
from derive.model.symbols import instantiate, plain

from helpers import Numeric, close, random_point

CASES = [
    ("2-3-2", "sigmoid", "quadratic", True),
    ("3-2-2", "tanh,relu", "squared-error", True),
    ("2-2-3", "relu,softmax", "log-likelihood", True),
    ("2-2-2", "linear,sigmoid", "cross-entropy", False),
    ("2-2-3", "sigmoid,softmax", "quadratic", True),
]


def _check(net, derived, numerics, ranges):
    for values in itertools.product(*ranges.values()):
        subs = dict(zip(ranges.keys(), values))
        lhs = instantiate(derived.lhs, subs)
        for num in numerics:
            want = num(lhs)
            for i, step in enumerate(derived.steps):
                have = num(instantiate(step.expr, subs))
                assert close(have, want), (derived.lhs, subs, i, step.rule.kind, have, want)


@pytest.mark.parametrize("layers,activation,cost,bias", CASES)
def test_index_form_matches_sympy_diff(layers, activation, cost, bias):
    net = Network(layers, activation, cost, bias)
    g = net.graph
    rng = random.Random(layers + activation)
    numerics = [Numeric(g, random_point(g, rng)) for _ in range(2)]
    w = net.widths
    for layer in range(1, net.L + 1):
        rows, cols = range(w[layer]), range(w[layer - 1])
        _check(net, IF.weight_gradient(net, layer), numerics, {IF.J: rows, IF.K: cols})
        if bias:
            _check(net, IF.bias_gradient(net, layer), numerics, {IF.J: rows})
    for layer, derived in zip(range(net.L, 0, -1), IF.delta_derivations(net)):
        _check(net, derived, numerics, {IF.J: range(w[layer])})


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "linear"])
def test_activation_derivative_steps(name):
    """σ' by the quotient rule, tanh', ReLU' piecewise, g': every line equals diff."""
    from derive.engine.activation_steps import X
    from derive.model.activations import ACTIVATIONS

    truth = sp.diff(concrete(ACTIVATIONS[name].apply(X)), X)
    der = derivative_derivation(name)
    for x in (-1.7, -0.3, 0.4, 2.2):
        want = float(truth.subs(X, x))
        assert close(float(concrete(plain(der.lhs)).doit().subs(X, x)), want)
        for step in der.steps:
            got = concrete(plain(step.expr)).doit()
            assert close(float(got.subs(X, x)), want), (name, step.rule.kind)


def test_softmax_jacobian_steps():
    der = derivative_derivation("softmax")
    n = sp.Symbol("n", integer=True, positive=True)
    i, j = sp.symbols("i j", integer=True)
    zs = sp.symbols("z0:3")
    from derive.model.symbols import quantity

    zmap = {quantity("z", "L", m): zs[m] for m in range(3)}
    amap = {quantity("a", "L", m): sp.exp(zs[m]) / sum(sp.exp(z) for z in zs) for m in range(3)}
    point = {zs[0]: 0.3, zs[1]: -1.1, zs[2]: 0.8}
    for a_i, z_j in itertools.product(range(3), repeat=2):
        want = float(sp.diff(amap[quantity("a", "L", a_i)].xreplace(zmap), zs[z_j]).subs(point))
        for step in der.steps:
            e = instantiate(plain(step.expr), {i: a_i, j: z_j}, counts={n: 3})
            e = e.xreplace(amap).xreplace(zmap)
            if e.has(sp.Derivative):
                e = e.doit()
            assert close(float(e.subs(point)), want), (a_i, z_j, step.rule.kind)


@pytest.mark.parametrize("layers,activation,cost,bias",
                         CASES + [("3-2", "sigmoid", "quadratic", True), ("3-3", "softmax", "log-likelihood", True),
                                  ("2-2-2-2", "tanh", "quadratic", True)])
def test_expanded_weight_gradient_matches_sympy_diff(layers, activation, cost, bias):
    """The sum a handout shows before δ is named: every line equals diff at every j, k."""
    net = Network(layers, activation, cost, bias)
    g = net.graph
    rng = random.Random("expanded" + layers + activation)
    numerics = [Numeric(g, random_point(g, rng)) for _ in range(2)]
    derived = IF.expanded_weight_gradient(net)
    top = net.L - 1 if net.L > 1 else net.L
    w = net.widths
    _check(net, derived, numerics, {IF.J: range(w[top]), IF.K: range(w[top - 1])})
    assert len(derived.steps) >= 4 and not any(s.rule.kind == "named_delta" for s in derived.steps)
