"""Every step of every gradient and every δ equals sympy.diff of the fully
composed cost, with the activations made concrete, for every activation ×
cost combination on 1-1-1, 2-3-2 and 1-1-1-1 networks."""
import random
import zlib

import pytest

from derive.engine.chain import Engine
from derive.model.network import Network
from derive.engine import rules as R

from helpers import Numeric, check_derived, check_numeric, random_point

ELEMENTWISE = ["sigmoid", "relu", "tanh", "linear"]
COSTS = ["quadratic", "squared-error", "cross-entropy", "log-likelihood"]
SHAPES = ["1-1-1", "2-3-2", "1-1-1-1"]


def _points(graph, seed, n=3):
    """n random points at which the cost is defined (real and finite)."""
    rng = random.Random(seed)
    points = []
    for _ in range(2000):
        p = random_point(graph, rng)
        c = Numeric(graph, p).vals[graph.cost.symbol]
        if c.is_real and c.is_finite:
            points.append(p)
            if len(points) == n:
                break
    return points


def _check_network(net, seed):
    g = net.graph
    engine = Engine(g)
    numerics = [Numeric(g, p) for p in _points(g, seed)]
    for p in g.params:
        check_numeric(g, engine.gradient(p), numerics)
        check_numeric(g, engine.restated(p), numerics)
    for z in g.named_deltas():
        check_numeric(g, engine.delta(z), numerics)


def test_step_eval_is_the_symbolic_semantics():
    """Step.eval (composed graph + sympy.diff) agrees on every step of 1-1-1."""
    g = Network("1-1-1", "relu,sigmoid", "cross-entropy").graph
    engine = Engine(g)
    points = _points(g, 5)
    for p in g.params:
        check_derived(g, engine.gradient(p), points)
    for z in g.named_deltas():
        check_derived(g, engine.delta(z), points)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("cost", COSTS)
@pytest.mark.parametrize("activation", ELEMENTWISE)
def test_every_step_matches_sympy_diff(shape, activation, cost):
    seed = zlib.crc32(f"{shape}/{activation}/{cost}".encode())  # stable across PYTHONHASHSEED
    _check_network(Network(shape, activation, cost), seed=seed)


@pytest.mark.parametrize("cost", COSTS)
def test_softmax_output(cost):
    _check_network(Network("2-3-2", "tanh,softmax", cost), seed=7)


def test_no_bias_and_mixed_activations():
    _check_network(Network("1-1-1-1", "sigmoid,sigmoid,linear", "quadratic", bias=False), seed=3)
    _check_network(Network("1-1-1", "relu,sigmoid", "quadratic"), seed=4)


def test_deep_chain_expansion_anchors_at_delta():
    net = Network("-".join(["1"] * 8))
    g = net.graph
    engine = Engine(g)
    p = g.params[0]
    shallow = engine.gradient(p, depth=1)
    assert any(isinstance(s.rule, R.NamedDelta) for s in shallow.steps)
    check_numeric(g, shallow, [Numeric(g, p) for p in _points(g, 11, n=2)])


def test_pairings_collapse_to_a_minus_y():
    import sympy as sp
    from derive.model.symbols import quantity

    for spec in [("1-1-1", "sigmoid", "cross-entropy"), ("2-3-3", "sigmoid,softmax", "log-likelihood")]:
        g = Network(*spec).graph
        out = [z for z in g.named_deltas() if z.layer == 2][0]
        d = Engine(g).delta(out)
        j = out.symbol.indices[0]
        assert sp.simplify(d.result - (quantity("a", 2, j) - quantity("y", "out", j))) == 0
        kinds = [s.rule.kind for s in d.steps]
        assert "distribute" in kinds and "collect_terms" in kinds


def test_engine_never_differentiates_the_composed_cost(monkeypatch):
    """Only local definitions are differentiated: every diff call sees a small expression."""
    import sympy as sp

    net = Network("1-1-1-1-1-1")
    g = net.graph
    sizes = []
    real = sp.diff

    def spy(expr, *args, **kw):
        sizes.append(sp.count_ops(expr))
        return real(expr, *args, **kw)

    monkeypatch.setattr("derive.model.graph.sp.diff", spy)
    engine = Engine(g)
    for p in g.params:
        engine.gradient(p)
    assert sizes and max(sizes) <= 6
