"""Graph handouts (issue 13, section 7): the author's order of terms and factors,
the file's name, the singular target, parameters in math type, every activation
derived, prose that fits a graph, and units that die or saturate during SGD.

Expected strings are written by hand from the graph texts below; expected
numbers come from sympy.diff of the composed cost or a hand computation."""
import sympy as sp
import pytest

from derive import derive
from derive.model.functions import concrete, relu, sigmoid

# A skip connection in the author's own order: every sum and product below is one
# that sympy would reorder (b1 + w1 x, h1 w2, h2 v).
ORDERED = """params: w1, b1, w2, v
input: x
target: t
h1 = tanh(w1*x + b1)
u = w2*h1
r = relu(u)
h2 = h1 + r
y = v*h2
C = (y - t)^2/2
"""

SEED004 = """params: w1, w2, b
input: x
target: t
z1 = w1*x
a1 = relu(z1)
z2 = w2*a1 + b
y = sigmoid(z2)
C = (y - t)^2/2
"""


def _graph(tmp_path, text, name="net.graph"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _handouts(path, **kw):
    d = derive(graph=path, **kw)
    return {"latex": d.render("latex", standalone=True),
            "markdown": d.render("markdown", standalone=True)}


# -- 1. the author's order -------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_the_forward_pass_keeps_the_authors_order(tmp_path, fmt):
    text = _handouts(_graph(tmp_path, ORDERED))[fmt]
    assert r"h_{1} &= \tanh{\left(w_{1} x + b_{1} \right)}" in text
    assert r"u &= w_{2} h_{1}" in text
    assert r"y &= v h_{2}" in text
    assert r"h_{2} &= h_{1} + r" in text
    # nowhere in the handout (forward pass, composed output, chain lines, δ, updates)
    for reordered in (r"b_{1} + w_{1} x", r"h_{1} w_{2}", r"h_{2} v"):
        assert reordered not in text, reordered


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_chain_lines_and_the_composed_output_restate_the_definition_as_written(tmp_path, fmt):
    text = _handouts(_graph(tmp_path, ORDERED))[fmt]
    # ∂h1/∂w1 restates the argument of tanh
    assert r"\left(1 - \tanh^{2}{\left(w_{1} x + b_{1} \right)}\right)" in text
    composed = (r"y = v \left(\tanh{\left(w_{1} x + b_{1} \right)} + \operatorname{ReLU}"
                r"\left(w_{2} \tanh{\left(w_{1} x + b_{1} \right)}\right)\right)")
    assert composed in text


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_seed004_keeps_w2_a1(tmp_path, fmt):
    text = _handouts(_graph(tmp_path, SEED004))[fmt]
    assert r"z_{2} &= w_{2} a_{1} + b" in text
    assert r"y = \sigma\left(w_{2} \operatorname{ReLU}\left(w_{1} x\right) + b\right)" in text
    assert r"a_{1} w_{2}" not in text


def test_the_order_changes_no_mathematics(tmp_path):
    """The engine differentiates sympy's canonical expressions: every gradient equals
    sympy.diff of the composed cost, whatever order the file wrote."""
    x, t, w1, b1, w2, v = sp.symbols("x t w1 b1 w2 v")
    d = derive(graph=_graph(tmp_path, ORDERED))
    g = d.graph
    assert g.node(sp.Symbol("h1")).expr == sp.tanh(w1 * x + b1)  # evaluated, canonical
    cost = (v * (sp.tanh(w1 * x + b1) + relu(w2 * sp.tanh(w1 * x + b1))) - t) ** 2 / 2
    point = {x: sp.Rational(3, 10), t: 1, w1: sp.Rational(7, 10), b1: sp.Rational(-1, 5),
             w2: sp.Rational(3, 2), v: sp.Rational(1, 2)}
    for e in d.gradients:
        want = sp.diff(concrete(cost), sp.Symbol(e.key)).subs(point)
        got = g.evaluate(e.derived.result).subs(point)
        assert abs(sp.N(got - want, 30)) < 1e-25, e.key


def test_worked_numbers_follow_the_written_order(tmp_path):
    d = derive(graph=_graph(tmp_path, SEED004), values="x=3, t=1, w1=0.01, w2=-5, b=-1")
    text = d.render("markdown", standalone=True)
    # w2 a1 + b with w2 = -5 and a1 = 0.03 (by hand: -5 * 0.03 - 1 = -1.15)
    assert r"z_{2} &= w_{2} a_{1} + b = \left(-5\right) \cdot 0.03 - 1 = -1.15" in text
    # δ_{z2} a1: the numbers in the order of the symbols (δ_{z2} = -0.1387, a1 = 0.03)
    assert r"\delta_{z_{2}} a_{1} = \left(-0.1387\right) \cdot 0.03 = -0.004162" in text


def test_a_graph_from_sympy_keeps_sympys_order():
    """sympy has already sorted w2*a1 before derive sees it: no order to keep."""
    x, t, w1, w2, b, z1, a1, z2, y, C = sp.symbols("x t w1 w2 b z1 a1 z2 y C")
    d = derive(equations=[(z1, w1 * x), (a1, relu(z1)), (z2, w2 * a1 + b), (y, sigmoid(z2)),
                          (C, (y - t) ** 2 / 2)], params=[w1, w2, b], inputs=[x], targets=[t])
    assert r"z_{2} &= a_{1} w_{2} + b" in d.render("markdown", standalone=True)


# -- 2. units that die or saturate during the SGD steps ------------------------------

SEED004_VALUES = "x=3, t=1, w1=0.01, w2=-5, b=-1"


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_the_sgd_table_says_the_relu_dies_and_only_b_learns(tmp_path, fmt):
    """By hand: ∂C/∂w1 = 2.081 at the start, so w1 = 0.01 - 0.5 * 2.081 = -1.030 after
    step 1 and z1 = 3 * (-1.030) < 0: the ReLU is dead from then on, a1 = 0, so
    ∂C/∂w1 = δ_{a1} ReLU'(z1) x = 0 and ∂C/∂w2 = δ_{z2} a1 = 0; only b moves."""
    d = derive(graph=_graph(tmp_path, SEED004), values=SEED004_VALUES, lr="0.5", steps=3)
    assert d.worked.step_notes == {1: [(sp.Symbol("a1"), "relu")]}
    text = d.render(fmt, standalone=True)
    assert "the last column marks a quantity that dies or saturates after that step" in text
    row = r"1 & $0.2572$ & $a_{1}$ dies" if fmt == "latex" else r"| 1 | $0.2572$ | $a_{1}$ dies"
    assert row in text
    assert (r"after step 1, $a_{1}$ dies (its input is $\le 0$): from then on the gradients of "
            r"$w_{1}$ and $w_{2}$ are exactly $0$, so only $b$ still learns") in text


def test_the_sgd_table_marks_a_sigmoid_that_saturates(tmp_path):
    """By hand: y = σ(w x + b) with x = 10, w = b = 0, t = 1: ∂C/∂w = (σ(0) - 1) σ'(0) x
    = -0.5 * 0.25 * 10 = -1.25, so with η = 1 the weight becomes 1.25 and z = 12.5,
    where σ' = e^-12.5/(1 + e^-12.5)^2 ≈ 3.7e-6, under a thousandth of its peak 1/4."""
    text = "params: w, b\ninput: x\ntarget: t\nz = w*x + b\ny = sigmoid(z)\nC = (y - t)^2/2\n"
    d = derive(graph=_graph(tmp_path, text), values="x=10, w=0, b=0, t=1", lr="1", steps=3)
    assert d.worked.step_notes == {1: [(sp.Symbol("y"), "sigmoid")]}
    assert d.worked.frozen == {}  # saturated is slow, not stopped: no gradient is exactly 0
    md = d.render("markdown", standalone=True)
    assert r"| 1 | " in md and r"$y$ saturates |" in md
    assert "from that step on the parameters it is computed from barely learn" in md
    assert "exactly $0$" not in md


def test_no_note_without_a_change(tmp_path):
    """A unit dead from the start is the worked example's warning, not a note of the table."""
    d = derive(graph=_graph(tmp_path, SEED004), values="x=3, t=1, w1=-1, w2=-5, b=-1",
               lr="0.5", steps=3)
    assert d.worked.step_notes == {}
    assert "the last column" not in d.render("markdown", standalone=True)
