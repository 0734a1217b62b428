"""A plain-text note's own forward pass (z = w1⋅x1 + w2⋅x2 + b, ŷ = σ(z)) is the network
it is checked on, as the same lines in LaTeX would be; and an integer claimed for a
derivative (∂L/∂b = 1) where the document gives no example is an identity, judged so.

Expected verdicts come from sympy on the composed loss, not from derive."""
from pathlib import Path

import sympy as sp

from derive.check import check_document, check_text

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "plain_neuron.txt"

x1, x2, w1, w2, b, y = sp.symbols("x1 x2 w1 w2 b y")
Z = w1 * x1 + w2 * x2 + b
YHAT = 1 / (1 + sp.exp(-Z))
LOSS = (YHAT - y) ** 2 / 2


def _holds(lhs, rhs):
    return "correct" if sp.simplify(lhs - rhs) == 0 else "wrong"


def _expected():
    """The fixture's claims (lines 7-13), each written out here by hand in sympy."""
    yh, z = sp.symbols("yhat z")
    sigma = 1 / (1 + sp.exp(-z))
    g = (YHAT - y) * YHAT * (1 - YHAT)
    return [
        (7, _holds(sp.diff((yh - y) ** 2 / 2, yh), yh - y)),
        (8, _holds(sp.diff(sigma, z), sigma * (1 - sigma))),
        (9, _holds(sp.diff(LOSS, w1), g * x1)),
        (10, _holds(sp.diff(LOSS, w2), g * x1)),
        (11, _holds(sp.diff(Z, b), 1)),
        (12, _holds(sp.diff(LOSS, b), 1)),
        (13, _holds(sp.diff(LOSS, b), g)),
    ]


def test_a_plain_text_forward_pass_is_the_network():
    report = check_document(str(FIXTURE))
    assert "own forward pass (lines 3, 4, 5)" in report.render_text().splitlines()[0]
    got = [(v.line, v.status) for v in report.verdicts if v.line >= 7]
    assert got == _expected()
    assert [s for _, s in got].count("wrong") == 2  # the sympy check above is not vacuous


def test_the_integer_is_read_as_an_identity_and_said_so():
    report = check_document(str(FIXTURE))
    v = next(v for v in report.verdicts if v.line == 12)
    assert v.status == "wrong"
    assert "no example's numbers" in report.render_text()


def test_with_an_example_an_integer_is_still_a_value_at_it():
    """x1 = 1, … given first: '∂L/∂b = 1' is a value at that example, judged there."""
    text = ("    z = w1⋅x1 + w2⋅x2 + b\n    ŷ = σ(z)\n    L = 1/2(ŷ - y)^2\n"
            "    x1 = 1\n    x2 = 2\n    w1 = 0.5\n    w2 = -0.5\n    b = 0\n    y = 1\n"
            "    ∂L/∂b = 1\n")
    from derive.check.read.declared import read_declared

    graph = read_declared(text, "txt", "note.txt").graph
    report = check_text(text, graph, "nielsen", kind="txt", name="note.txt")
    v = next(v for v in report.verdicts if v.line == 10)
    # at z = 0.5 - 1 = -0.5: (σ - 1) σ (1 - σ), about -0.17, not 1
    value = float(LOSS.diff(b).subs({x1: 1, x2: 2, w1: 0.5, w2: -0.5, b: 0, y: 1}))
    assert -0.2 < value < -0.1
    assert v.status == "wrong" and "no example's numbers" not in report.render_text()
    assert "example's numbers" in report.render_text()
