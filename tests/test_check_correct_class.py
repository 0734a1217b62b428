"""A softmax derivation that fixes the example's class ("the correct class is $k$"),
judged with the one-hot target that sentence gives: ∂L/∂o_k = p_k - 1 and, "for an
incorrect class $j$", ∂L/∂o_j = p_j.  The fixture is ours
(tests/fixtures/check/softmax_correct_class.md); the derivatives are checked here with
sympy.diff of the composed loss, not by derive."""
from pathlib import Path

import sympy as sp

from derive.check import check_document
from derive.check.read.correctclass import correct_class
from check_support import statuses_by_line

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "softmax_correct_class.md"


def test_the_fixtures_derivatives_by_sympy():
    o = sp.symbols("o0:3")
    p = [sp.exp(v) / sum(sp.exp(u) for u in o) for v in o]
    k, j = 1, 2  # the correct class, and another
    loss = -sp.log(p[k])  # y one-hot at k
    assert sp.simplify(sp.diff(loss, o[k]) - (p[k] - 1)) == 0
    assert sp.simplify(sp.diff(loss, o[j]) - p[j]) == 0
    assert sp.simplify(sp.diff(loss, o[j]) - (p[j] - 1)) != 0  # the fixture's slip


def test_the_sentence_that_fixes_the_class():
    assert correct_class("Assume the index of correct class is k (here k=1).")[0] == "k"
    assert correct_class("where $c$ is the true class of the sample")[0] == "c"
    assert correct_class("no class is named here") is None


def test_lines_under_the_correct_class_are_judged_one_hot():
    report = check_document(str(FIXTURE))
    lines = statuses_by_line(report)
    assert lines[15] == ["correct"] * 3, lines[15]
    assert lines[19] == ["correct"] * 3, lines[19]
    assert lines[23] == ["wrong"], lines[23]
    assert lines[27] == ["correct"], lines[27]  # the general form, for any target
    msgs = {}
    for v, m in zip(report.verdicts, report.messages()):
        msgs[v.line] = msgs.get(v.line, "") + m
    assert "one-hot at the correct class $k$" in msgs[19]
    assert "lower $\\partial$ left out" in msgs[15]  # \frac{\partial}{o_k}
