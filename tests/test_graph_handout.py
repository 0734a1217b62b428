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


# -- 3. the other graph items of issue 13 ----------------------------------------------

@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_the_file_is_named_by_its_name_not_its_path(tmp_path, fmt):
    path = _graph(tmp_path, SEED004, name="quiz4.graph")
    assert path.startswith("/")
    text = _handouts(path)[fmt]
    shown = r"\texttt{quiz4.graph}" if fmt == "latex" else "`quiz4.graph`"
    assert f"The graph, from the file {shown}, has" in text
    assert str(tmp_path) not in text and str(tmp_path.name) not in text


def test_a_graph_from_stdin_names_no_file(monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED004.encode())))
    text = derive(graph="-").render("markdown", standalone=True)
    assert "The graph has the input $x$" in text and "file" not in text.split("##")[1]


@pytest.mark.parametrize("standalone", [True, False])
@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_one_target_is_singular_and_names_are_math(tmp_path, fmt, standalone):
    text = derive(graph=_graph(tmp_path, SEED004)).render(fmt, standalone=standalone)
    assert "the input $x$, the target $t$ and the parameters $w_{1}$, $w_{2}$ and $b$" in text
    assert "the targets $" not in text and r"\texttt{w" not in text and "`w1`" not in text


def test_two_targets_and_inputs_are_plural(tmp_path):
    text = ("params: w1, w2\ninputs: x1, x2\ntargets: t1, t2\ny1 = w1*x1\ny2 = w2*x2\n"
            "C = (y1 - t1)^2 + (y2 - t2)^2\n")
    md = derive(graph=_graph(tmp_path, text)).render("markdown", standalone=True)
    assert ("the inputs $x_{1}$ and $x_{2}$, the targets $t_{1}$ and $t_{2}$ and the "
            "parameters $w_{1}$ and $w_{2}$") in md


# every activation the graph grammar accepts, each applied inside a longer line
# (which the reader does not recognise as a unit of its own), with the sentence that
# opens its derivation in the handout
INLINE = {
    "sigmoid": ("y = 2*sigmoid(w*x + b)", r"The sigmoid $\sigma(x) = 1/(1 + e^{-x})$"),
    "relu": ("y = 2*relu(w*x + b)", r"$\operatorname{ReLU}(x) = \max(0, x)$"),
    "tanh": ("y = 2*tanh(w*x + b)", r"Writing $\tanh = \sinh/\cosh$"),
    "softmax": ("y = 2*softmax(w*x, b)[1]", "The softmax output"),
}


def test_the_list_covers_every_activation_of_the_grammar():
    from derive.model.activations import ACTIVATIONS
    from derive.model.graphgrammar import FUNCTION_NAMES

    assert {f for f in FUNCTION_NAMES if f in ACTIVATIONS} == set(INLINE)


@pytest.mark.parametrize("name", sorted(INLINE))
def test_every_activation_the_graph_uses_is_derived(tmp_path, name):
    line, opening = INLINE[name]
    text = f"params: w, b\ninput: x\ntarget: t\n{line}\nC = (y - t)^2\n"
    d = derive(graph=_graph(tmp_path, text))
    assert name in [n for n, _ in d.activation_derivatives]
    for fmt in ("latex", "markdown"):
        assert opening in d.render(fmt, standalone=True)


def test_a_graph_without_activations_has_no_empty_section(tmp_path):
    d = derive(graph=_graph(tmp_path, "params: w\ninput: x\ntarget: t\ny = w*x\nC = (y - t)^2\n"))
    md = d.render("markdown", standalone=True)
    assert "Derivatives of the activations" not in md and "derive each one first" not in md


LAYERED_WORDS = ["weighted input", "one weight and one activation derivative", "BP3", "BP4",
                 "own unit", "layer", "the weights below"]


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_the_prose_speaks_of_quantities_not_layers(tmp_path, fmt):
    d = derive(graph=_graph(tmp_path, ORDERED), values="x=0.3, t=1, w1=0.7, b1=-0.2, w2=1.5, v=0.5",
               lr="0.5", steps=2)
    text = d.render(fmt, standalone=True)
    for words in LAYERED_WORDS:
        assert words not in text, words
    for delta in (r"\delta_{y}", r"\delta_{h_{2}}", r"\delta_{r}"):
        assert delta in text
    assert "With the gradients written through the error terms this is" in text


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_a_gradient_is_written_out_and_its_shared_sum_shown_before_delta(tmp_path, fmt):
    """h1 reaches the cost along two paths (through r and directly): the first gradient is
    written out with both, then their common products are summed into ∂C/∂h1, and only
    after that does δ appear."""
    text = _handouts(_graph(tmp_path, ORDERED))[fmt]
    first_delta = text.index(r"\delta_")
    chain = (r"\frac{\partial C}{\partial y} \frac{\partial y}{\partial h_{2}} \frac{\partial "
             r"h_{2}}{\partial r} \frac{\partial r}{\partial u} \frac{\partial u}{\partial h_{1}} "
             r"\frac{\partial h_{1}}{\partial w_{1}}")
    shared = (r"\frac{\partial C}{\partial y} \frac{\partial y}{\partial h_{2}} \frac{\partial "
              r"h_{2}}{\partial r} \frac{\partial r}{\partial u} \frac{\partial u}{\partial h_{1}} "
              r"+ \frac{\partial C}{\partial y} \frac{\partial y}{\partial h_{2}} \left(\frac{"
              r"\partial h_{2}}{\partial h_{1}}\right)_{r} &= \frac{\partial C}{\partial h_{1}}")
    assert text.index(chain) < text.index(shared) < first_delta


def test_the_shared_sum_is_the_derivative_it_names(tmp_path):
    """Independent of the engine: the displayed sum equals ∂C/∂h1 of the composed graph."""
    from derive.documents.handout import earned

    d = derive(graph=_graph(tmp_path, ORDERED))
    (product, partial), = earned(d)
    assert partial.den == sp.Symbol("h1")
    point = {sp.Symbol(k): v for k, v in dict(x=sp.Rational(3, 10), t=1, w1=sp.Rational(7, 10),
                                                 b1=sp.Rational(-1, 5), w2=sp.Rational(3, 2),
                                                 v=sp.Rational(1, 2)).items()}
    h1, t, v, w2 = sp.symbols("h1 t v w2")
    cost = (v * (h1 + relu(w2 * h1)) - t) ** 2 / 2  # C with h1 held as a leaf
    want = sp.diff(concrete(cost), h1).subs(h1, sp.tanh(sp.Symbol("w1") * sp.Symbol("x")
                                                         + sp.Symbol("b1"))).subs(point)
    got = d.graph.evaluate(product).subs(point)
    assert abs(sp.N(got - want, 30)) < 1e-25


# -- 4. what reading the seed-004 handout asked for ------------------------------------

def test_a_bias_gradient_is_written_by_reference_to_its_weight(tmp_path):
    md = _handouts(_graph(tmp_path, SEED004))["markdown"]
    assert (r"&= \left(y - t\right) y \left(1 - y\right) && \text{as for } \partial C / \partial "
            r"w_{2}\text{, but } \partial z_{2} / \partial b = 1") in md


def test_the_saturation_section_writes_out_one_path_of_the_graph(tmp_path):
    shared = ("params: w, b1, b2\ninput: x\ntarget: t\nz1 = w*x + b1\na1 = sigmoid(z1)\n"
              "z2 = w*a1 + b2\ny = sigmoid(z2)\nC = (y - t)^2/2\n")
    md = _handouts(_graph(tmp_path, shared))["markdown"]
    # b1's one path passes both sigmoids (w's gradient is a sum of two paths: left out)
    assert (r"\frac{\partial C}{\partial b_{1}} &= \left(y - t\right) \sigma'\left(z_{2}\right) w "
            r"\sigma'\left(z_{1}\right)") in md
    assert r"so together they are at most $\frac{1}{16}$" in md  # (1/4)^2, by hand


@pytest.mark.parametrize("cost, cancels", [("(y - t)^2/2", False),
                                           ("-t*log(y) - (1 - t)*log(1 - y)", True)])
def test_the_output_remark_says_whether_the_cost_cancels_the_sigmoid(tmp_path, cost, cancels):
    text = f"params: w, b\ninput: x\ntarget: t\nz = w*x + b\ny = sigmoid(z)\nC = {cost}\n"
    md = _handouts(_graph(tmp_path, text))["markdown"]
    # independent: dC/dz of the cost with y = σ(z), by sympy, against y - t
    z, t = sp.symbols("z t")
    y = 1 / (1 + sp.exp(-z))
    C = (y - t) ** 2 / 2 if not cancels else -t * sp.log(y) - (1 - t) * sp.log(1 - y)
    assert (sp.simplify(sp.diff(C, z) - (y - t)) == 0) == cancels
    assert ("the factor $\\sigma'$ cancels" in md) == cancels
    assert ("the error still carries the sigmoid's derivative" in md) == (not cancels)
