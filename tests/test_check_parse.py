"""Reading one side of an equation: our own grammars build sympy objects in
the project's vocabulary, and bound what they accept."""
import re
from pathlib import Path

import pytest
import sympy as sp

from derive.model import functions as F
from derive.check.limits import ParseLimit, Unsupported
from derive.check.read.names import Context
from derive.check.read.parse import ParseFailure, parse_side
from derive.check.read.text import Source
from derive.model.network import Network
from derive.model.notation import get_notation
from derive.model.symbols import COST, ETA, IndexSum, Partial, Transposed, base, quantity


def read(text, layers="1-1-1", notation="nielsen", language="latex", **net):
    ctx = Context(Network(layers, **net), get_notation(notation))
    return parse_side(Source(text).whole(), language, ctx)


def same(a, b):
    return sp.expand(a - b) == 0


# -- layers, units and names -------------------------------------------------------------------

@pytest.mark.parametrize("written", [r"a^{(2)}_1", r"a^{2}_{1}", r"a^{[1]}_1", r"a_1^{(2)}"])
def test_layer_superscripts_all_mean_the_same_unit(written):
    # nielsen numbers layers from 1 at the input: displayed layer 2 is internal layer 1;
    # square brackets are deeplearning.ai's, with the input as a^{[0]}: a^{[1]} is that layer
    assert read(written, "2-2-2") == quantity("a", 1, 0)


def test_notation_offsets():
    assert read(r"w^{(3)}", "1-1-1", "nielsen") == quantity("w", 2, 0, 0)
    assert read(r"\theta^{(1)}", "1-1-1", "ng") == quantity("w", 1, 0, 0)  # θ^(1) maps layer 1 → 2
    assert read(r"W^1", "1-1-1", "matrix") == quantity("w", 1, 0, 0)
    assert read(r"a^0", "1-1-1", "matrix") == quantity("x", 0, 0)  # the input
    assert read(r"a^{(1)}", "1-1-1", "nielsen") == quantity("x", 0, 0)


def test_generic_layers_and_units():
    e = read(r"w^{l+1}_{jk} \delta^{l}_j", "2-2-2")
    (w,) = [q for q in e.atoms(sp.Indexed) if str(q).startswith("w")]
    assert str(w.base.label) == "w:l+1" and [str(i) for i in w.indices] == ["j", "k"]
    assert read(r"\theta^{(l)}", "1-1-1", "ng") == quantity("w", "l+1", 0, 0)  # counted in the layers of z


def test_whole_layers_in_wide_networks_are_vectors():
    assert read(r"a^{(2)}", "2-3-2") == base("a", 1)
    assert read(r"a^{(2)}", "1-1-1") == quantity("a", 1, 0)  # one unit: a number


def test_output_and_target_aliases():
    assert read(r"f(x)") == quantity("a", 2, 0)
    assert read(r"\hat{y}^{(i)}", notation="ng") == quantity("a", 2, 0)
    assert read(r"h(x)") == quantity("a", 2, 0)
    assert read("y", notation="matrix") == quantity("a", 2, 0)  # the target is t there
    assert read("t", notation="matrix") == quantity("y", "out", 0)
    assert read(r"C(x, f)") == COST
    assert read("J", notation="ng") == COST


def test_derivatives():
    w3 = quantity("w", 2, 0, 0)
    assert read(r"\frac{\partial C}{\partial w^{(3)}}") == Partial(COST, w3)
    assert read(r"\frac{d C}{d w^{(3)}}") == Partial(COST, w3)
    op = read(r"\frac{\partial}{\partial w^{(3)}} \frac12 (a^{(3)} - y)^2")
    assert isinstance(op, Partial) and op.den == w3
    assert read(r"\nabla_a C") == Partial(COST, quantity("a", 2, 0))
    num = read(r"\frac{\partial W^2 a^1 + b^2}{\partial W^2}", "3-4-2", "matrix")
    assert isinstance(num, Partial) and isinstance(num.num, sp.Add)


def test_functions():
    z = quantity("z", 2, 0)
    assert read(r"\sigma'(z^{(3)})") == F.sigmoid_prime(z)
    assert read(r"\sigma^{\prime}(z^{(3)})") == F.sigmoid_prime(z)
    assert read(r"\operatorname{ReLU}(z^{(3)})") == F.relu(z)
    assert read(r"\max(0, z^{(3)})") == F.relu(z)
    assert read(r"f'(z^{(3)})", activation="relu") == F.relu_prime(z)
    assert read(r"\exp(-z^{(3)})") == sp.exp(-z)
    assert read(r"e^{-z^{(3)}}") == sp.exp(-z)
    assert read(r"\ln a^{(3)}") == sp.log(quantity("a", 2, 0))
    assert read(r"{1 \over 2}") == sp.Rational(1, 2)


def test_products_keep_their_order_where_vectors_are_involved():
    e = read(r"\delta^l (a^{l-1})^T", "2-3-2")
    assert type(e).__name__ == "MatrixProduct" and isinstance(e.args[1], Transposed)
    s = read(r"\sum_k w^l_{jk} a^{l-1}_k", "2-3-2")
    assert isinstance(s, IndexSum)


def test_ascii_forms():
    a = {"layers": "2-2-2", "notation": "matrix", "language": "ascii"}
    e = read("a_k^(l-1)*delta_j^l", **a)
    assert {str(q.base.label) for q in e.atoms(sp.Indexed)} == {"a:l-1", "delta:l"}
    assert same(read("1-(1/(1+e^(-z)))", **a), 1 - 1 / (1 + sp.exp(-sp.Symbol("z"))))
    assert read("dC/dw2", **a) == Partial(COST, base("w", 2))
    w1 = base("w", 1)
    update = read("w_1-eta*(partialC)/(partialw_1)", **a)
    assert isinstance(update, sp.Add) and w1 in update.args
    assert {Partial(COST, w1), ETA} <= set(sp.preorder_traversal(update))
    assert read("x**2", **a) == base("x", 0) ** 2


# -- what is not understood, and limits ---------------------------------------------------------------

def test_unsupported_is_reported_not_guessed():
    with pytest.raises(Unsupported) as e:
        read(r"\sigma - (1 - \sigma)")  # σ without its argument
    assert e.value.code == "function_without_argument"
    # which of the two weights? A general layer l, a reading that can confirm a step
    # but never refute it (verify turns a wrong verdict under it into unknown)
    assert read(r"w") == quantity("w", "l", 0, 0)


def test_syntax_error_has_the_position_and_what_was_expected():
    text = "\n\n  2(a^{(3)} - y \\cdot"
    with pytest.raises(ParseFailure) as e:
        read(text)
    assert Source(text).line_col(e.value.offset) == (3, 22)  # just after the dangling \cdot
    assert "a number" in e.value.expected or "(" in e.value.expected


@pytest.mark.parametrize("text", [r"9^{9^{9}}", r"2^{1000}", "1" * 40, "(" * 60 + "x" + ")" * 60,
                                  "x+" * 3000 + "x"])
def test_limits(text):
    with pytest.raises(ParseLimit):
        read(text)


def test_no_eval_or_sympify_on_user_text():
    """The checker builds sympy objects itself; none of these may appear in its code."""
    forbidden = re.compile(r"\b(eval|exec|sympify|parse_expr|parse_latex|lambdify)\s*\(|\bsp\.S\(|S\(\"")
    for path in (Path(__file__).parent.parent / "derive" / "check").glob("*.py"):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            assert not forbidden.search(line), f"{path.name}:{n}: {line.strip()}"


def test_colour_is_emphasis_not_math(tmp_path):
    """{\\color{red}{…}} and \\textcolor{blue}{…} mark a term; the term is what is claimed."""
    from derive.check import check_document

    path = tmp_path / "colour.md"
    path.write_text("$$\\frac{\\partial C}{\\partial a^{(2)}} = {\\color{red}{a^{(2)} - y}}$$\n\n"
                    "$$\\frac{\\partial C}{\\partial a^{(2)}} = \\textcolor{blue}{y - a^{(2)}}$$\n")
    report = check_document(str(path), layers="1-1")
    assert [v.status for v in report.verdicts] == ["correct", "wrong"]
