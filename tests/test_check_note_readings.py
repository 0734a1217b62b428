"""Readings that notes and Q&A posts need (our own fixture in their styles,
tests/fixtures/check/notes_readings.md): a function letter defined several ways as a
list of choices, formulas set side by side with runs of ``\\ ``, the identity ``I``,
and a loss whose value at the example is printed (never a constant to differentiate).
Which lines hold is worked out by sympy here, not taken from derive."""
from pathlib import Path

import sympy as sp

from derive.check import check_document
from derive.check.read.funcnames import chosen_functions
from check_support import statuses_by_line

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "notes_readings.md"


def test_the_fixtures_identities_by_sympy():
    x = sp.Symbol("x")
    s = 1 / (1 + sp.exp(-x))
    assert sp.simplify(sp.diff(sp.tanh(x), x) - (1 - sp.tanh(x) ** 2)) == 0
    assert sp.simplify(sp.diff(sp.tanh(x), x) - (1 + sp.tanh(x) ** 2)) != 0
    assert sp.simplify(sp.diff(s, x) - s * (1 - s)) == 0
    assert sp.diff(sp.log(x), x) == 1 / x and sp.diff(sp.exp(x), x) != sp.exp(-x)


def test_a_letter_defined_several_ways_is_a_choice():
    assert chosen_functions(FIXTURE.read_text()) == {"g": [3, 5, 7]}
    assert chosen_functions("$g(x) = \\tanh(x)$\n") == {}


def test_the_readings():
    report = check_document(str(FIXTURE))
    lines = statuses_by_line(report)
    assert lines[9] == ["unknown", "correct"] and lines[11] == ["unknown", "wrong"], lines
    assert lines[13] == ["correct", "correct", "wrong"], lines[13]  # three formulas, not one
    assert lines[15] == ["correct"], lines[15]
    assert "wrong" not in lines[19] and "correct" not in lines[19], lines[19]
    msgs = {}
    for v, m in zip(report.verdicts, report.messages()):
        msgs[v.line] = msgs.get(v.line, "") + m
    assert "defines g in several ways (lines 3, 5, 7)" in msgs[9]


def test_a_batch_cross_entropy_differentiated_for_one_example(tmp_path):
    """J = -(1/m) Σ_i [y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i)], "for one training example":
    the binary cross-entropy with m = 1.  Its definition, left with an unbalanced
    parenthesis, is the line the cost was read from, not a claim."""
    doc = tmp_path / "bce.md"
    doc.write_text(
        "Loss: $$J(\\hat y) = \\frac{-1}{m}\\sum_{i=1}^m y_i\\log(\\hat y_i)+(1-y_i)(\\log(1-\\hat y_i)$$\n\n"
        "For one training example:\n\n"
        "$$\\frac{dJ}{d\\hat y_i} = -1(\\frac{y_i}{\\hat y_i} - \\frac{1-y_i}{1 - \\hat y_i})$$\n\n"
        "$$\\frac{dJ}{d\\hat y_i} = -1(\\frac{y_i}{\\hat y_i} + \\frac{1-y_i}{1 - \\hat y_i})$$\n")
    y, yh = sp.symbols("y yh")
    bce = -(y * sp.log(yh) + (1 - y) * sp.log(1 - yh))
    assert sp.simplify(sp.diff(bce, yh) + (y / yh - (1 - y) / (1 - yh))) == 0
    report = check_document(str(doc))
    lines = statuses_by_line(report)
    assert lines[5] == ["correct"] and lines[7] == ["wrong"], lines
    assert 1 in {t["line"] for t in report.not_claims}
    assert "cross-entropy" in report.render_text().splitlines()[0]


DLAI = Path(__file__).parent / "fixtures" / "check" / "dlai_loss_letter.md"


def test_a_loss_letter_that_is_also_the_last_layer():
    """L = -(y ln a^{[L]} + (1 - y) ln(1 - a^{[L]}) (its parenthesis left open, ln without a
    backslash) is the cross-entropy loss L, while [L] stays the last layer; the chain rule
    in its scalar order on layers derive assumed is left open, not called wrong."""
    a, y = sp.symbols("a y")
    loss = -(y * sp.log(a) + (1 - y) * sp.log(1 - a))
    assert sp.simplify(sp.diff(loss, a) - (-y / a + (1 - y) / (1 - a))) == 0
    report = check_document(str(DLAI))
    assert "cross-entropy" in report.render_text().splitlines()[0]
    lines = statuses_by_line(report)
    assert lines[13] == ["correct"] and lines[15] == ["wrong"], lines
    assert lines[17] == ["unknown"] and lines[19] == ["unknown"], lines
    assert 7 in {t["line"] for t in report.not_claims}


def test_a_wrong_sum_over_the_other_classes_is_caught_in_time(tmp_path):
    """∂L/∂o_i written with Σ_{k≠i} p_k y_k where p_i Σ_{k≠i} y_k is meant: wrong, and the
    search for which factor each term lost (exponential in the terms) no longer uses up
    the step's time so that the line came out 'too complex'."""
    doc = tmp_path / "sum.md"
    doc.write_text("$$p_j = \\frac{e^{o_j}}{\\sum_k e^{o_k}}$$\n\n$$L = -\\sum_j y_j \\log p_j$$\n\n"
                   "$$\\frac{\\partial L}{\\partial o_i} = - \\left (y_i (1 - p_i) + "
                   "\\sum_{k\\neq i}-p_k y_k \\right )$$\n\n"
                   "$$\\frac{\\partial L}{\\partial o_i} = - \\left (y_i (1 - p_i) + "
                   "\\sum_{k\\neq i}-p_i y_k \\right )$$\n")
    o, y = sp.symbols("o0:3"), sp.symbols("y0:3")
    p = [sp.exp(v) / sum(sp.exp(u) for u in o) for v in o]
    loss = -sum(yk * sp.log(pk) for yk, pk in zip(y, p))
    i = 0
    right = -(y[i] * (1 - p[i]) + sum(-p[i] * y[k] for k in range(3) if k != i))
    slip = -(y[i] * (1 - p[i]) + sum(-p[k] * y[k] for k in range(3) if k != i))
    assert sp.simplify(sp.diff(loss, o[i]) - right) == 0
    assert sp.simplify(sp.diff(loss, o[i]) - slip) != 0
    lines = statuses_by_line(check_document(str(doc)))
    assert lines[5] == ["wrong"] and lines[7] == ["correct"], lines


def test_a_partial_whose_lower_partial_is_left_out(tmp_path):
    """``\\dfrac{\\partial C}{w_{jk}^l}`` is ∂C/∂w^l_{jk} (BP4, Nielsen's (46)); a slip in
    the indices is still caught."""
    doc = tmp_path / "bp4.md"
    doc.write_text("$$\\dfrac{\\partial C}{w_{jk}^l} = a^{l-1}_k \\delta^l_j$$\n\n"
                   "$$\\dfrac{\\partial C}{w_{jk}^l} = a^{l-1}_j \\delta^l_k$$\n")
    report = check_document(str(doc))
    lines = statuses_by_line(report)
    assert lines[1] == ["correct"] and lines[3] == ["wrong"], lines
    assert "lower $\\partial$ left out" in report.messages()[0]


def test_a_row_of_alternatives_is_not_continued_by_the_last_one(tmp_path):
    """``= a - 1 \\ \\text{or} … = a - 0`` then ``&= a - y``: the next row goes on from
    the two cases together, not from the second alone (which made it 'wrong')."""
    doc = tmp_path / "or.md"
    doc.write_text("$$z = w x + b$$\n\n$$a = \\sigma(z)$$\n\n$$C = \\frac{1}{2}(a - y)^2$$\n\n"
                   "$$\\begin{align*}\n\\frac{\\partial C}{\\partial a} &= a - y \\\\\n"
                   "&= a - 1 \\ \\text{or} \\ a - 0 = a \\\\\n&= a - y\n\\end{align*}$$\n")
    report = check_document(str(doc))
    lines = statuses_by_line(report)
    assert lines[8] == ["correct"], lines  # ∂C/∂a = a - y
    # the cases a - 1 (y = 1) and a - 0 (y = 0) are not the chain's next value, nor is the
    # second of them what the row after it goes on from
    assert lines[9] == ["unknown", "correct"] and lines[10] == ["unknown"], lines
