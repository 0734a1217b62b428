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


@pytest.mark.parametrize("layers,activation,cost,bias", CASES)
def test_index_chain_matches_sympy_diff(layers, activation, cost, bias):
    """∂C/∂w_jk written out to the cost (one Σ per layer above, no δ): every
    line at every concrete j, k equals sympy.diff of the composed cost."""
    net = Network(layers, activation, cost, bias)
    g = net.graph
    rng = random.Random(layers + activation + "chain")
    numerics = [Numeric(g, random_point(g, rng)) for _ in range(2)]
    eng = IF.engine(net)
    for layer in range(1, net.L + 1):
        derived = IF.index_chain(net, layer, eng)
        _check(net, derived, numerics, {IF.J: range(net.widths[layer]), IF.K: range(net.widths[layer - 1])})


def _atoms(expr, cls):
    out = []

    def walk(e):
        if isinstance(e, cls):
            out.append(e)
        for a in e.args:
            walk(a)

    walk(expr)
    return out


def test_index_chain_shape():
    """One Σ per layer above the weight (the output's own sum included), no δ
    anywhere, nothing left unresolved, and the unit-by-unit output sum collapsed."""
    from derive.model.symbols import IndexSum, Partial, label

    net = Network("2-3-3-2", "tanh,relu,sigmoid", "quadratic")
    for layer in range(1, net.L + 1):
        d = IF.index_chain(net, layer)
        first, last = d.steps[0].expr, d.result
        assert len(_atoms(first, IndexSum)) == net.L - layer + 1
        assert d.steps[0].rule.paths == sp.prod(net.widths[layer + 1:]) * net.widths[-1]
        assert d.steps[1].rule.kind == "only_own_unit"
        assert len(_atoms(last, IndexSum)) == net.L - layer
        assert not _atoms(last, Partial)
        for step in d.steps:
            assert not any(label(q)[0] == "delta" for q in step.expr.atoms(sp.Indexed)), step.rule.kind
    # softmax couples the output units: that sum stays
    soft = IF.index_chain(Network("2-2-3", "relu,softmax", "log-likelihood"), 1)
    assert "only_own_unit" not in [s.rule.kind for s in soft.steps]
    assert len(_atoms(soft.result, IndexSum)) == 2


def test_derivation_exposes_index_chain():
    from derive.documents.derivation import build
    from derive.model.notation import get_notation
    from derive.model.symbols import COST, Partial, quantity

    net = Network("3-4-2", "sigmoid", "quadratic")
    d = build(net, get_notation("matrix"))
    assert [e.key for e in d.index_chain] == ["W2", "W1"]
    assert d.index_chain[1].derived.lhs == Partial(COST, quantity("w", 1, IF.J, IF.K))
    assert d.index_chain[1].derived.steps[0].expr == IF.index_chain(net, 1).steps[0].expr


def test_kronecker_collapse_rule_against_written_out_sum():
    """Σ_i u_i 1[i = j] collapses to the i = j term; a sum over another index
    is left alone.  Checked by writing the sums out at concrete j."""
    from derive.engine.rules import KroneckerCollapse, OnlyOwnUnit
    from derive.model.symbols import Factors, IndexSum, Iverson, quantity

    i, j, p = IF.I, IF.J, sp.Symbol("p", integer=True)
    u = lambda n: quantity("a", 1, n)
    v = lambda n, q: quantity("w", 2, n, q)
    expr = Factors(IndexSum(Factors(IndexSum(v(p, i), p, 2), u(i), Iverson(i, j)), i, 3), u(j))
    rule = OnlyOwnUnit(index=i, unit=j)
    assert isinstance(rule, KroneckerCollapse)
    out = rule.apply(expr)
    assert len(_atoms(out, IndexSum)) == 1  # only the Σ_p is left
    for jj in range(3):
        assert sp.expand(plain(instantiate(out, {j: jj}))) == sp.expand(plain(instantiate(expr, {j: jj})))


@pytest.mark.parametrize("bias", [True, False])
def test_only_one_term_derivative_against_sympy(bias):
    """d/dw_jk and d/da_k of z_j = Σ_m w_jm a_m (+ b_j) by the rule, and by
    sympy.diff of the sum written out, at every concrete j, k."""
    from derive.engine.rules import KroneckerCollapse
    from derive.model.symbols import quantity
    from derive.model.unitgraph import weighted_input

    net = Network("3-2-2", "sigmoid", "quadratic", bias)
    j, k = IF.J, IF.K
    z = weighted_input(net, 2, j)
    for den in (quantity("w", 2, j, k), quantity("a", 1, k), quantity("b", 2, j), quantity("w", 2, k, j)):
        value, index, unit = KroneckerCollapse.derivative(z, den)
        for jj, kk in itertools.product(range(2), range(3 if den.base.label == "w:2" else 2)):
            if den == quantity("w", 2, k, j) and kk > 1:
                continue
            subs = {j: jj, k: kk}
            want = sp.diff(plain(instantiate(z, subs)), instantiate(den, subs))
            assert sp.expand(instantiate(value, subs) - want) == 0, (den, subs, value)
    assert KroneckerCollapse.derivative(z, quantity("w", 2, j, k))[1:] == (IF.M, k)


def test_unit_engine_says_dont_know_for_a_factor_that_is_no_edge():
    """∂z²_j/∂x_k skips a layer: no edge of the unit graph, so the step is DontKnow, not a guess."""
    from derive.engine.chain import UnitEngine
    from derive.model.symbols import Partial, quantity
    from derive.model.unitgraph import UnitGraph

    eng = UnitEngine(UnitGraph(Network("2-3-2")))
    factor = Partial(quantity("z", 2, IF.J), quantity("x", 0, IF.K))
    (step,) = eng._resolve(factor, factor)
    assert step.rule.kind == "dont_know" and step.expr == factor


@pytest.mark.parametrize("layers,activation,cost,bias",
                         CASES + [("3-2", "sigmoid", "quadratic", True), ("3-3", "softmax", "log-likelihood", True),
                                  ("2-2-2-2", "tanh", "quadratic", True)])
def test_motivating_chain_matches_sympy_diff(layers, activation, cost, bias):
    """The sum a handout shows before δ is named: every line equals diff at every j, k."""
    net = Network(layers, activation, cost, bias)
    g = net.graph
    rng = random.Random("expanded" + layers + activation)
    numerics = [Numeric(g, random_point(g, rng)) for _ in range(2)]
    top = net.L - 1 if net.L > 1 else net.L
    derived = IF.index_chain(net, top)
    w = net.widths
    _check(net, derived, numerics, {IF.J: range(w[top]), IF.K: range(w[top - 1])})
    assert len(derived.steps) >= 4 and not any(s.rule.kind == "named_delta" for s in derived.steps)


def test_a_one_unit_layer_names_the_unit_its_weights_lead_into():
    """z and b of a one-unit layer print without an index, so its weights must too
    (w_{1m}); a j bound by nothing made a grader's checker call derive's own line unknown."""
    from derive.documents.api import derive

    text = derive(layers="1-2-2-1", activation="relu,tanh,sigmoid", cost="cross-entropy",
                  notation="nielsen").render("markdown")
    forward = [line for line in text.splitlines() if line.startswith("z^{(4)}")]
    assert forward == [r"z^{(4)} &= \sum_{m=1}^{2} w^{(4)}_{1m} a^{(3)}_{m} + b^{(4)} \\"]
    # bound by a sum, the index stays: Σ_i δ^{(4)} w^{(4)}_{ij}
    assert r"\sum_{i=1}^{1} \delta^{(4)} w^{(4)}_{ij}" in text
    assert "w^{(4)}_{j" not in text
