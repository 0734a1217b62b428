"""The worked example's lines: each formula, evaluated at the 50-digit
numbers of its quantities, gives the line's result; each substituted form,
evaluated, gives the result up to display rounding; every line prints in every
notation; the JSON ``values`` keep parameter shapes."""
import json
import re
import time

import mpmath
import pytest
import sympy as sp

from derive.numbers import numeric
from derive.errors import ValuesError
from derive.model.functions import concrete
from derive.model.network import Network
from derive.model.notation import PRESETS
from derive.render.printing import tex
from derive.model.symbols import COST, Partial, label, plain, quantity
from derive.numbers.draw import random_values
from derive.numbers.values import parse_values
from derive.numbers.worked import worked_example
from reference import fd_reference, flat, rel

NIELSEN = PRESETS["nielsen"]
DOUBLE_SUPERSCRIPT = re.compile(r"\^\{[^{}]*\}\^|\^\{[^{}]*\}_\{[^{}]*\}\^")


def env_of(network, values, r):
    """Every quantity a formula may mention -> its 50-digit value."""
    F = lambda v: sp.Float(numeric.num(v), 50)
    nt = values.notation
    env = {}
    for k, v in enumerate(values.data["x"]):
        env[quantity("x", 0, k)] = F(v)
    for j, v in enumerate(values.data["y"]):
        env[quantity("y", "out", j)] = F(v)
    for l in range(1, network.L + 1):
        for j in range(network.widths[l]):
            env[quantity("z", l, j)] = F(r.z[l][j])
            env[quantity("a", l, j)] = F(r.a[l][j])
            env[quantity("delta", l, j)] = F(r.delta[l][j])
            for k in range(network.widths[l - 1]):
                env[quantity("w", l, j, k)] = F(values.data[nt.key("w", l)][j][k])
            if network.bias:
                env[quantity("b", l, j)] = F(values.data[nt.key("b", l)][j])
    for i, g in enumerate(r.dC_da):
        env[Partial(COST, quantity("a", network.L, i))] = F(g)
    return env


def ev(expr, env):
    with mpmath.workdps(50):
        return mpmath.mpf(concrete(plain(expr).xreplace(env)).evalf(50))


def lines_of(w):
    return w.inputs + w.forward + [w.loss] + w.deltas + w.gradients + w.updates


COMBOS = [("1-1-1", "relu,sigmoid", "quadratic"), ("2-2", "sigmoid", "cross-entropy"),
          ("2-2-3", "tanh,softmax", "log-likelihood"), ("2-3", "softmax", "quadratic"),
          ("1-2-1", "linear,tanh", "squared-error"), ("2-1-2", "relu,softmax", "cross-entropy"),
          ("1-1-1-1", "tanh,relu,linear", "quadratic")]


@pytest.mark.parametrize("layers,activation,cost", COMBOS)
def test_scalar_lines_formula_substitution_and_result_agree(layers, activation, cost):
    net = Network(layers, activation, cost)
    for seed in range(40):
        values = random_values(net, NIELSEN, seed)
        try:
            r = numeric.backprop(net, values)
        except ValuesError:
            continue
        break
    w = worked_example(net, values, digits=15, lr="0.1")
    assert w.mode == "scalar"
    env = env_of(net, values, r)
    for line in lines_of(w):
        if line.kind in ("input", "update"):
            continue
        if line.lhs == COST:
            want = r.loss
        elif isinstance(line.lhs, Partial):
            kind, layer, idx = label(line.lhs.den)
            grad = r.gradients[NIELSEN.key(kind, int(layer))]
            want = grad[int(idx[0])][int(idx[1])] if kind == "w" else grad[int(idx[0])]
        else:
            want = ev(line.lhs, env)
        if line.formula is not None:
            assert rel(ev(line.formula, env), want) < 1e-30, (line.kind, line.formula)
        if line.substituted is not None:
            assert rel(ev(line.substituted, {}), want, floor=1e-12) < 1e-9, (line.kind, line.substituted)
        assert rel(ev(line.result, {}), want, floor=1e-12) < 1e-13
    # the update lines: new = old − η ∂C/∂p
    for line in w.updates:
        assert rel(ev(line.substituted, {}), ev(line.result, {}), floor=1e-12) < 1e-9


@pytest.mark.parametrize("notation", list(PRESETS))
@pytest.mark.parametrize("layers,activation,cost", COMBOS + [("3-4-2", "sigmoid", "quadratic"),
                                                           ("4-5-3", "relu,softmax", "log-likelihood")])
def test_every_line_prints_in_every_notation(notation, layers, activation, cost):
    net = Network(layers, activation, cost)
    nt = PRESETS[notation]
    w = None
    for seed in range(3, 40):
        try:
            w = worked_example(net, random_values(net, nt, seed), lr="0.5", steps=2, gradcheck=True)
            break
        except ValuesError:  # e.g. cross-entropy of a ReLU output that came out 0
            continue
    assert w is not None
    for line in lines_of(w):
        for part in (line.lhs, line.formula, line.substituted, line.result):
            if part is not None:
                out = tex(part, nt, net.widths)
                assert out and not DOUBLE_SUPERSCRIPT.search(out), out
    json.dumps(w.values)


def test_seed_quiz_worked_example_prints_the_quiz_numbers():
    net = Network("1-1-1", "relu,sigmoid", "quadratic")
    values = parse_values("x=3, y=1, w2=0.01, b2=0, w3=-5, b3=-1", net, NIELSEN)
    w = worked_example(net, values)
    show = lambda e: tex(e, NIELSEN, net.widths)
    assert show(w.loss.result) == "0.2884"
    got = {line.key: show(line.result) for line in w.gradients}
    assert got == {"w2": "2.081", "b2": "0.6936", "w3": "-0.004162", "b3": "-0.1387"}
    z3 = next(line for line in w.forward if line.kind == "z" and line.layer == 2)
    assert show(z3.substituted) == r"\left(-5\right) \cdot 0.03 - 1" and show(z3.result) == "-1.15"
    v = w.values
    assert isinstance(v["gradients"]["w2"], list) and isinstance(v["gradients"]["w2"][0], list)
    assert len(v["gradients"]["w2"]) == 1 and len(v["gradients"]["w2"][0]) == 1
    assert isinstance(v["gradients"]["b3"], list) and len(v["gradients"]["b3"]) == 1
    assert abs(v["loss"] - 0.28842841648243975) < 1e-15
    assert abs(v["gradients"]["w2"][0][0] - 2.0809165621704550) < 1e-14
    assert v["warnings"] == [] and "gradcheck" not in v and "sgd" not in v
    assert set(v) >= {"loss", "gradients", "deltas", "activations", "preactivations", "warnings"}
    assert v["activations"].keys() == {"a2", "a3"} and v["deltas"].keys() == {"delta2", "delta3"}


def test_saturated_example_shows_the_tiny_derivative():
    net = Network("1-1", "sigmoid", "squared-error")
    values = parse_values("x=62.5, w2=0.8, b2=0, y=0", net, NIELSEN)
    w = worked_example(net, values, gradcheck=True)
    fp = next(line for line in w.forward if line.kind == "fprime")
    assert fp.rule == "saturated"
    show = lambda e: tex(e, NIELSEN, net.widths)
    # a is shown through its complement, 1 − a = 1.929·10⁻²², never as a rounded 1.0 (issue 13)
    assert show(fp.substituted) == r"\left(1 - 1.929 \cdot 10^{-22}\right) \cdot 1.929 \cdot 10^{-22}"
    a = next(line for line in w.forward if line.kind == "a")
    assert show(a.result) == r"1 - 1.929 \cdot 10^{-22}"
    grad = next(line for line in w.gradients if line.key == "w2")
    assert show(grad.result) == r"2.411 \cdot 10^{-20}"
    assert 2.4e-20 < w.values["gradients"]["w2"][0][0] < 2.42e-20
    assert len(w.values["warnings"]) == 1 and "saturated" in w.values["warnings"][0]
    assert w.saturation[0].units == [0] and w.saturation[0].layer == 1
    assert w.values["gradcheck"]["max_relative_error"] < 1e-9
    assert w.values["gradcheck"]["checked"] == w.values["gradcheck"]["total"] == 2


def test_sgd_table_and_json():
    net = Network("1-1-1", "relu,sigmoid", "quadratic")
    values = parse_values("x=3, y=1, w2=0.01, b2=0, w3=-5, b3=-1", net, NIELSEN)
    w = worked_example(net, values, lr="0.1", steps=3)
    assert [s for s, _ in w.losses] == [0, 1, 2, 3]
    assert tex(w.losses[0][1], NIELSEN) == "0.2884"
    sgd = w.values["sgd"]
    assert len(sgd["losses"]) == 4 and sgd["losses"][0] == w.values["loss"]
    assert sgd["lr"] == 0.1 and len(sgd["steps"]) == 3
    first = sgd["steps"][0]["parameters"]
    _, grads = fd_reference(net, values)
    assert abs(first["w2"][0][0] - (0.01 - 0.1 * float(grads["w2"][0][0]))) < 1e-12
    assert [line.key for line in w.updates] == ["w2", "b2", "w3", "b3"]
    assert tex(w.updates[0].formula, NIELSEN, net.widths) == \
        r"w^{(2)} - \eta \frac{\partial C}{\partial w^{(2)}}"


def test_vector_mode_results_and_omissions():
    net = Network("3-4-2", "sigmoid", "quadratic")
    values = random_values(net, PRESETS["matrix"], 2)
    r = numeric.backprop(net, values)
    w = worked_example(net, values, digits=6, mode="vector")
    got = {(line.kind, line.layer): line.result for line in w.forward + w.deltas}
    for l in (1, 2):
        for name, vals in (("z", r.z[l]), ("a", r.a[l]), ("delta", r.delta[l])):
            m = got[(name, l)]
            assert m.shape == (len(vals), 1)
            for have, want in zip(m, vals):
                assert rel(ev(have, {}), want) < 1e-5
    g = next(line for line in w.gradients if line.key == "W1")
    assert g.result.shape == (4, 3)
    for have, want in zip(g.result, flat(r.gradients["W1"])):
        assert rel(ev(have, {}), want) < 1e-5
    big = Network("784-30-10", "sigmoid", "quadratic")
    values = random_values(big, NIELSEN, 0)
    start = time.perf_counter()
    w = worked_example(big, values)
    assert time.perf_counter() - start < 5
    assert w.mode == "vector"
    z2 = next(line for line in w.forward if line.kind == "z" and line.layer == 1)
    assert z2.substituted is None and z2.result is not None  # 30 entries are shown, 30×784 are not
    gw2 = next(line for line in w.gradients if line.key == "w2")
    assert gw2.result is None and gw2.formula is not None
    assert len(w.values["gradients"]["w2"]) == 30 and len(w.values["gradients"]["w2"][0]) == 784


def test_worked_example_refuses_bad_settings():
    net = Network("1-1", "sigmoid")
    values = random_values(net, NIELSEN, 0)
    with pytest.raises(ValuesError, match="--digits"):
        worked_example(net, values, digits=0)
    with pytest.raises(ValuesError, match="--lr"):
        worked_example(net, values, steps=3)


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_a_matrix_too_large_to_print_says_where_its_numbers_are(fmt):
    """784-30-10: x, W and ∂C/∂W have more entries than a page holds; the row says so
    (it printed the word None)."""
    from derive.documents.api import derive

    text = derive(layers="784-30-10", random_values=True).render(fmt)
    assert "None" not in text
    rows = [line for line in text.splitlines() if line.startswith(("x &=", "w^{(2)} &="))]
    assert len(rows) == 2 and all("--format json} has them all" in r for r in rows)
