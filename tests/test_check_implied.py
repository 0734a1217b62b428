"""Definitions a document implies (read.implied): ŷ = σ(z) for the only unit, and a loss
L read from the function a line differentiates in its place.  Expected verdicts come
from sympy on the composed loss; the readings are said in the report's header."""
from pathlib import Path

import sympy as sp

from derive.check import check_document
from derive.check.read.declared import read_declared

FIXTURES = Path(__file__).parent / "fixtures" / "check"


def _status(claim, truth):
    return "correct" if sp.simplify(claim - truth) == 0 else "wrong"


def test_logistic_note_in_plain_text():
    x1, x2, x3, w1, w2, w3, b, y, yh, z = sp.symbols("x1 x2 x3 w1 w2 w3 b y yhat z")
    Z = w1 * x1 + w2 * x2 + w3 * x3 + b
    YH = 1 / (1 + sp.exp(-Z))
    loss = lambda q: -(y * sp.log(q) + (1 - y) * sp.log(1 - q))  # noqa: E731
    L = loss(YH)
    s = 1 / (1 + sp.exp(-z))
    expected = [
        (6, _status((yh - y) / (yh * (1 - yh)), sp.diff(loss(yh), yh))),
        (7, _status(s * (1 - s), sp.diff(s, z))),
        (8, _status(YH - y, sp.diff(L, b))),  # ∂L/∂z: z moves one to one with b
        (9, _status((YH - y) * x3, sp.diff(L, w3))),
        (10, _status((YH - y) * YH, sp.diff(L, b))),
    ]
    report = check_document(str(FIXTURES / "plain_implied.txt"))
    assert [(v.line, v.status) for v in report.verdicts if v.line >= 6] == expected
    assert expected[-1][1] == "wrong"
    header = report.render_text().splitlines()[0]
    assert "ŷ read as σ(z), the only unit's output (line 4" in header
    assert "L read as the function line 6 differentiates" in header
    # the line L is read from defines it: its first step is not a claim
    assert [n["line"] for n in report.summary()["not_claims"]] == [6]
    assert {i["how"] for i in report.summary()["implied"]} == {"only_unit_output",
                                                               "loss_by_slope"}


def test_latex_loss_inside_its_derivative():
    x1, x2, w1, w2, b, y = sp.symbols("x1 x2 w1 w2 b y")
    YH = 1 / (1 + sp.exp(-(w1 * x1 + w2 * x2 + b)))
    L = (y - YH) ** 2 / 2
    report = check_document(str(FIXTURES / "md_implied.md"))
    got = {v.line: v.status for v in report.verdicts}
    assert got[7] == _status((YH - y) * YH * (1 - YH) * x1, sp.diff(L, w1)) == "correct"
    assert got[9] == _status((YH - y) * (1 - YH) * x2, sp.diff(L, w2)) == "wrong"


def test_nothing_is_implied_where_the_document_writes_it_or_it_is_not_one_unit():
    written = read_declared((FIXTURES / "plain_neuron.txt").read_text(), "txt", "n.txt")
    assert written.implied == []  # ŷ = σ(z) and L = … are written there
    two_units = ("$$z_1 = w_1 x + b_1$$\n$$z_2 = w_2 x + b_2$$\n$$\\sigma(z_1) = 1/(1+e^{-z_1})$$\n"
                 "$$\\frac{\\partial L}{\\partial \\hat{y}} = \\frac{\\partial}{\\partial \\hat{y}}"
                 "\\left(\\frac12 (\\hat{y} - y)^2\\right)$$\n")
    d = read_declared(two_units, "md", "two.md")
    assert d.implied == [] and "yhat" not in d.defined  # two ends: which would ŷ be?
    by_weight = ("$$z = w x + b$$\n$$\\hat{y} = \\sigma(z)$$\n"
                 "$$\\frac{\\partial L}{\\partial w} = \\frac{\\partial}{\\partial w}"
                 "\\left(\\frac12 (\\hat{y} - y)^2\\right)$$\n")
    d = read_declared(by_weight, "md", "w.md")
    # w is a parameter, not a quantity L is a function of: no loss is read from it
    assert d.implied == [] and d.loss_undefined == "L"
