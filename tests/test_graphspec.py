"""--graph files: the parser builds the graph the text says, and the one engine
derives it correctly.

Correctness is checked against two things the engine never uses: sympy.diff
of the fully composed cost (``Graph.evaluate``) and central finite
differences of a forward pass evaluated here with mpmath, node by node.
"""
import random
import zlib
from pathlib import Path

import mpmath
import pytest
import sympy as sp

from derive.model import functions as F
from derive.engine import chain as engine_module
from derive.engine.chain import Engine
from derive.model.graphspec import parse_graph, load_graph
from derive.model.network import Network
from derive.model.symbols import COST, DirectPartial, Partial, plain, quantity

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "graphs"
DIGITS = 40

TWO_INPUTS_SOFTMAX = """
params: w11, w12, w21, w22, w31, w32
inputs: x1, x2
targets: t1, t2, t3
z1 = w11*x1 + w12*x2
z2 = w21*x1 + w22*x2
z3 = w31*x1 + w32*x2
p1 = softmax(z1, z2, z3)[1]
p2 = softmax(z1, z2, z3)[2]
p3 = softmax(z1, z2, z3)[3]
L = -(t1*log(p1) + t2*log(p2) + t3*log(p3))
"""

FORMULA_ACTIVATIONS = """
params: w, v
input: x
target: t
z = w*x
s = z*sigmoid(z)               # swish
l = relu(s) - 0.01*relu(-s)    # leaky ReLU
C = (v*l - t)^2
"""

# Written out of order on purpose: statements are sorted by what they use.
OUT_OF_ORDER = """
J = (y - t)^2/2 + lam*w^2/2     # weight decay shares w with the forward pass
y = sqrt(1 + z^2) - 1
z = w*x + b
params: w, b
input: x
target: t
input: lam
"""


def graph_of(name_or_text):
    if name_or_text.endswith(".graph"):
        graph, warnings = load_graph(EXAMPLES / name_or_text)
    else:
        graph, warnings = parse_graph(name_or_text)
    assert warnings == []
    return graph


# -- an independent numeric forward pass (mpmath), for finite differences -------

def mp_value(expr, env):
    if expr in env:
        return env[expr]
    if expr.is_Rational:
        return mpmath.mpf(expr.p) / expr.q
    args = [mp_value(a, env) for a in expr.args]
    if isinstance(expr, sp.Add):
        return mpmath.fsum(args)
    if isinstance(expr, sp.Mul):
        return mpmath.fprod(args)
    if isinstance(expr, sp.Pow):
        return args[0] ** args[1]
    if isinstance(expr, F.softmax):
        zs = args[1:]
        return mpmath.exp(zs[int(expr.args[0])]) / mpmath.fsum(mpmath.exp(z) for z in zs)
    table = {sp.exp: mpmath.exp, sp.log: mpmath.log, sp.tanh: mpmath.tanh,
             F.sigmoid: lambda z: 1 / (1 + mpmath.exp(-z)),
             F.relu: lambda z: z if z > 0 else mpmath.mpf(0)}
    return table[expr.func](*args)


def forward(graph, point):
    with mpmath.workdps(DIGITS):
        env = {s: mpmath.mpf(v.p) / v.q for s, v in point.items()}
        for n in graph.nodes:
            if not n.is_leaf:
                env[n.symbol] = mp_value(n.expr, env)
        return {s: sp.Float(mpmath.nstr(v, DIGITS), DIGITS) for s, v in env.items()}


def finite_difference(graph, point, symbol):
    with mpmath.workdps(2 * DIGITS):
        h = mpmath.mpf(10) ** -DIGITS
        env = {s: mpmath.mpf(v.p) / v.q for s, v in point.items()}
        values = []
        for sign in (1, -1):
            moved = dict(env)
            moved[symbol] = env[symbol] + sign * h
            for n in graph.nodes:
                if not n.is_leaf:
                    moved[n.symbol] = mp_value(n.expr, moved)
            values.append(moved[COST])
        slope = (values[0] - values[1]) / (2 * h)
        return sp.Float(mpmath.nstr(slope, DIGITS + 5), DIGITS + 5)


def random_points(graph, count, seed):
    rng = random.Random(seed)
    leaves = [n.symbol for n in graph.nodes if n.is_leaf]
    points = []
    for _ in range(count):
        # nonzero rationals keep ReLU away from its kink
        points.append({s: sp.Rational(rng.choice([-1, 1]) * rng.randint(5, 150), rng.randint(50, 97))
                       for s in leaves})
    return points


def number(expr, point):
    value = expr.xreplace(point).evalf(DIGITS)
    assert value.is_number and value.free_symbols == set(), expr
    return value


def close(a, b, tol=sp.Float(10) ** -25):
    return abs(a - b) <= tol * max(1, abs(b))


def chain_text(n, skip=False):
    """n tanh units in a row; with ``skip`` each unit also adds the one before last."""
    lines = ["input: x", "target: t"] + [f"params: w{i}" for i in range(1, n + 1)]
    prev, before = "x", "x"
    for i in range(1, n + 1):
        lines += [f"z{i} = w{i}*{prev}" + (f" + {before}" if skip else ""), f"h{i} = tanh(z{i})"]
        prev, before = f"h{i}", prev
    lines.append(f"C = ({prev} - t)^2/2")
    return "\n".join(lines)


# -- the graphs: every step of every derivation ----------------------------------

CASES = {"seed004": "seed004.graph", "residual": "residual.graph", "shared": "shared.graph",
         "softplus": "softplus.graph", "two_inputs_softmax": TWO_INPUTS_SOFTMAX,
         "out_of_order": OUT_OF_ORDER, "swish_leaky_relu": FORMULA_ACTIVATIONS,
         # each unit adds the one before last: skips across every layer
         "residual_ladder": chain_text(3, skip=True)}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_every_step_equals_sympy_diff_and_finite_differences(case):
    g = graph_of(case)
    engine = Engine(g)
    points = random_points(g, 3, seed=zlib.crc32(case.encode()))
    derivations = [(p, engine.gradient(p)) for p in g.params]
    derivations += [(p, engine.restated(p)) for p in g.params]
    derivations += [(n, engine.delta(n)) for n in g.named_deltas()]
    assert len(derivations) == 2 * len(g.params) + len(g.named_deltas())
    for node, derived in derivations:
        assert derived.complete
        truth = g.evaluate(Partial(COST, node.symbol))
        steps = [s.eval(g) for s in derived.steps]
        for point in points:
            want = number(truth, point)
            if node.role == "param":
                assert close(finite_difference(g, point, node.symbol), want, sp.Float(10) ** -20)
            for step, got in zip(derived.steps, steps):
                assert close(number(got, point), want), (node, step)


def test_seed004_matches_the_quiz_and_finite_differences():
    g = graph_of("seed004.graph")
    engine = Engine(g)
    point = {sp.Symbol("x"): sp.Integer(3), sp.Symbol("t"): sp.Integer(1),
             sp.Symbol("w1"): sp.Rational(1, 100), sp.Symbol("w2"): sp.Integer(-5),
             sp.Symbol("b"): sp.Integer(-1)}
    env = forward(g, point)
    assert abs(env[COST] - sp.Float("0.28842841648243975009")) < 1e-19
    got = {}
    for p in g.params:
        # the engine's own final expression, evaluated numerically
        got[str(p.symbol)] = number(g.evaluate(engine.gradient(p).result), point)
        assert close(got[str(p.symbol)], finite_difference(g, point, p.symbol), sp.Float(10) ** -20)
    # The quiz's three-decimal answers (2.080, -0.004, -0.1387) truncate these.
    assert abs(got["w1"] - 2.0809166) < 1e-6
    assert abs(got["w2"] - (-0.0041618)) < 1e-6
    assert abs(got["b"] - (-0.1387278)) < 1e-6
    assert abs(got["w1"] - 2.080) < 1e-3 and abs(got["w2"] + 0.004) < 1e-3
    assert abs(got["b"] + 0.1387) < 1e-4


def test_seed004_gives_the_numbers_of_the_layered_network():
    """The same network from --layers 1-1-1 --activation relu,sigmoid (its hidden
    bias held at 0, since the seed's hidden unit has none)."""
    spec = graph_of("seed004.graph")
    net = Network("1-1-1", activation="relu,sigmoid", cost="quadratic").graph
    S = sp.Symbol
    at_spec = {S("x"): 3, S("t"): 1, S("w1"): sp.Rational(1, 100), S("w2"): -5, S("b"): -1}
    at_net = {quantity("x", 0, 0): 3, quantity("y", "out", 0): 1,
              quantity("w", 1, 0, 0): sp.Rational(1, 100), quantity("b", 1, 0): 0,
              quantity("w", 2, 0, 0): -5, quantity("b", 2, 0): -1}
    pairs = {"w1": quantity("w", 1, 0, 0), "w2": quantity("w", 2, 0, 0), "b": quantity("b", 2, 0)}
    e_spec, e_net = Engine(spec), Engine(net)
    assert sp.Float(number(spec.evaluate(COST), at_spec)) == pytest.approx(
        float(number(net.evaluate(COST), at_net)), rel=1e-15)
    for key, q in pairs.items():
        a = number(spec.evaluate(e_spec.gradient(spec.node(S(key))).result), at_spec)
        b = number(net.evaluate(e_net.gradient(net.node(q)).result), at_net)
        assert close(a, b), key


# -- what the derivations look like for the features the issue names ---------------

def test_a_node_feeding_two_others_gets_one_term_per_child():
    g = graph_of("residual.graph")
    d = Engine(g).delta(g.node(sp.Symbol("h1")))
    first = d.steps[0]
    assert first.rule.kind == "chain_rule" and first.rule.paths == 2
    assert len(first.expr.args) == 2
    S = sp.Symbol
    # h1 also reaches h2 through u and r, so the skip edge is the direct derivative, r held
    assert {t.args[-1] for t in first.expr.args} == {DirectPartial(S("h2"), S("h1"), [S("r")]),
                                                     Partial(S("u"), S("h1"))}
    assert d.steps[1].rule.kind == "named_delta"
    assert d.steps[1].expr.has(sp.Symbol("delta_h2"), sp.Symbol("delta_u"))


def test_a_shared_weight_gets_the_sum_of_its_uses():
    g = graph_of("shared.graph")
    engine = Engine(g)
    w = g.node(sp.Symbol("w"))
    assert engine.gradient(w).steps[0].rule.paths == 2
    restated = engine.restated(w)
    assert restated.steps[0].rule.paths == 2
    S = sp.Symbol
    assert plain(restated.result) == S("delta_z1") * S("x") + S("delta_z2") * S("a1")


def test_known_activations_are_named_and_rewritten_through_their_output():
    g = graph_of("seed004.graph")
    d = Engine(g).delta(g.node(sp.Symbol("z2")))
    kinds = [s.rule.kind for s in d.steps]
    assert "activation_derivative" in kinds and kinds[-1] == "activation_identity"
    y = sp.Symbol("y")
    assert plain(d.result) == sp.Symbol("delta_y") * y * (1 - y)
    relu_step = Engine(g).delta(g.node(sp.Symbol("z1"))).steps[-1]
    assert relu_step.rule.kind == "activation_derivative" and relu_step.rule.activation == "relu"
    assert relu_step.expr.has(F.relu_prime(sp.Symbol("z1")))


def test_a_formula_activation_is_differentiated_from_its_definition():
    g = graph_of("softplus.graph")
    d = Engine(g).delta(g.node(sp.Symbol("z")))
    step = d.steps[-1]
    assert step.rule.kind == "local_derivative"
    z = sp.Symbol("z")
    assert step.rule.definition == sp.log(1 + sp.exp(z))
    assert sp.simplify(step.rule.value - 1 / (1 + sp.exp(-z))) == 0


def test_softmax_outputs_use_each_others_names():
    g = graph_of(TWO_INPUTS_SOFTMAX)
    p1, p2, z1, z2 = (g.node(sp.Symbol(n)) for n in ("p1", "p2", "z1", "z2"))
    assert p1.local(z1) == p1.symbol * (1 - p1.symbol)
    assert p1.local(z2) == -p1.symbol * p2.symbol
    d = Engine(g).delta(z1)
    assert d.steps[0].rule.paths == 3
    assert any(s.rule.kind == "softmax_jacobian" for s in d.steps)


def test_roles_symbols_deltas_and_order():
    g = graph_of(OUT_OF_ORDER)
    S = sp.Symbol
    roles = {str(n.symbol): n.role for n in g.nodes}
    assert roles == {"x": "input", "lam": "input", "w": "param", "b": "param", "t": "target",
                     "z": "var", "y": "var", "C": "cost"}
    assert g.cost_name == "J" and g.cost.symbol == COST
    assert [str(n.symbol) for n in g.nodes if not n.is_leaf] == ["z", "y", "C"]
    assert g.node(S("z")).delta == S("delta_z") and g.cost.delta is None
    assert all(n.delta is None for n in g.nodes if n.is_leaf)
    assert [n.key for n in g.params] == ["w", "b"]
    assert g.node(S("w")).children == [g.node(S("z")), g.cost]
    assert sp.latex(S("delta_z")) == r"\delta_{z}"


@pytest.mark.parametrize("text, expected", [
    ("a - b - c", lambda a, b, c: a - b - c),
    ("a/b/c", lambda a, b, c: a / (b * c)),
    ("-a^2", lambda a, b, c: -(a ** 2)),
    ("a^b^c", lambda a, b, c: a ** (b ** c)),
    ("a**-b", lambda a, b, c: a ** (-b)),
    ("2*a + b*c/4", lambda a, b, c: 2 * a + b * c / 4),
    ("(a + b)*(a - c)", lambda a, b, c: (a + b) * (a - c)),
    ("0.25*a + 1e-2*b + .5*c", lambda a, b, c: a / 4 + b / 100 + c / 2),
    ("sigmoid(a) + relu(b) + tanh(c)", lambda a, b, c: F.sigmoid(a) + F.relu(b) + sp.tanh(c)),
    ("exp(a) * log(b) / sqrt(c)", lambda a, b, c: sp.exp(a) * sp.log(b) / sp.sqrt(c)),
    ("softmax(a, b, c)[3]", lambda a, b, c: F.softmax(2, a, b, c)),
    ("--a + +b", lambda a, b, c: a + b),
])
def test_expressions_parse_to_the_sympy_they_mean(text, expected):
    g, _ = parse_graph(f"params: a, b, c\nC = {text}\n")
    assert g.cost.expr == expected(*sp.symbols("a b c"))


def test_comments_blank_lines_crlf_and_no_final_newline():
    g, warnings = parse_graph("# a comment\r\n\r\nparams: w   # trailing\r\ninput: x\r\nC = (w*x)^2")
    assert warnings == [] and g.cost.expr == (sp.Symbol("w") * sp.Symbol("x")) ** 2


def test_cost_is_the_last_unused_assignment_when_no_cost_name_is_given():
    g, _ = parse_graph("params: w\ninput: x\nloss = h^2\nh = w*x\n")
    assert g.cost_name == "loss" and g.cost.expr == sp.Symbol("h") ** 2


# -- performance: linear in the number of nodes ----------------------------------

def work(n, monkeypatch, skip=False):
    """Nodes, graph nodes visited while listing paths, steps written and local
    derivatives taken, for every δ and every restated gradient of a chain."""
    g, _ = parse_graph(chain_text(n, skip))
    engine = Engine(g)
    visited = []
    real_paths_up = engine_module.paths_up

    def counting_paths_up(node, stop):
        paths = real_paths_up(node, stop)
        visited.append(sum(len(p) for p in paths))
        return paths

    monkeypatch.setattr(engine_module, "paths_up", counting_paths_up)
    steps = sum(len(engine.delta(node).steps) for node in g.named_deltas())
    steps += sum(len(engine.restated(p).steps) for p in g.params)
    locals_taken = sum(len(node.locals) for node in g.nodes)
    return len(g.nodes), sum(visited), steps, locals_taken


@pytest.mark.parametrize("skip", [False, True], ids=["chain", "residual_ladder"])
def test_derivation_work_is_linear_in_a_long_chain(monkeypatch, skip):
    sizes = [10, 20, 40, 80, 160]
    results = [work(n, monkeypatch, skip) for n in sizes]
    for column in range(4):
        counts = [r[column] for r in results]
        # every count is exactly a*n + b: doubling n doubles each increment
        increments = [b - a for a, b in zip(counts, counts[1:])]
        assert all(later == 2 * earlier for earlier, later in zip(increments, increments[1:])), \
            (column, counts)
    nodes, visited, steps, local = results[-1]
    assert visited < 3 * nodes and steps < 4 * nodes and local <= 2 * nodes


def test_a_quantity_used_by_the_cost_directly_and_through_others():
    """J uses w directly (weight decay) and through z: the direct edge is a
    DirectPartial with y held, distinct from the total ∂J/∂w on the left."""
    g = graph_of(OUT_OF_ORDER)
    S = sp.Symbol
    first = Engine(g).gradient(g.node(S("w"))).steps[0].expr
    assert DirectPartial(COST, S("w"), [S("y")]) in first.args
    assert g.evaluate(DirectPartial(COST, S("w"), [S("y")])) == S("lam") * S("w")


def test_graph_quantities_print_in_our_notation():
    from derive.model.notation import PRESETS
    from derive.render.printing import tex

    n = PRESETS["nielsen"]
    S = sp.Symbol
    assert tex(S("delta_h2"), n) == r"\delta_{h_{2}}"
    assert tex(DirectPartial(S("h2"), S("h1"), [S("r")]), n) == \
        r"\left(\frac{\partial h_{2}}{\partial h_{1}}\right)_{r}"
    assert tex(F.softmax(1, S("z1"), S("z2")), n) == \
        r"\operatorname{softmax}\left(z_{1}, z_{2}\right)_{2}"
