"""A plain-text note written with code's names (``h1_raw``, ``w_a``), its remarks in
parentheses after each line (``(product rule & w_b is constant for w_a)``) and its input
given first (``h0 = 1.5``), in the style of a forum question that pastes its working.
The fixture is ours (tests/fixtures/check/plain_code_names.txt); which lines hold is
decided here with sympy."""
from pathlib import Path

import sympy as sp

from derive.check import check_document
from derive.check.read.plainlatex import as_latex
from derive.check.read.parse import is_math_word
from check_support import statuses_by_line

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "plain_code_names.txt"


def test_the_fixtures_lines_by_sympy():
    h0, wa, wb = sp.symbols("h0 wa wb")
    raw = wa * h0
    h1 = sp.tanh(raw)
    out = wb * h1
    assert sp.diff(out, wb) == h1
    assert sp.simplify(sp.diff(h1, wa) - (1 - h1 ** 2) * h0) == 0
    assert sp.simplify(sp.diff(h1, wa) - (1 - raw ** 2 * h0)) != 0  # line 13's slip


def test_a_code_name_is_one_name():
    assert "$$h1_{raw} = w_a * h0$$" in as_latex("h1_raw = w_a * h0\n", is_math_word)
    assert "x^2" in as_latex("y = x**2\n", is_math_word)


def test_the_note_is_read_and_its_slip_caught():
    report = check_document(str(FIXTURE))
    head = report.render_text().splitlines()[0]
    assert "lines 6, 7, 8" in head and "parameters h0, w_a, w_b" in head, head
    lines = statuses_by_line(report)
    for line in (11, 12, 14, 15):
        assert lines[line] == ["correct"], (line, lines[line])
    assert lines[13] == ["wrong"], lines[13]
