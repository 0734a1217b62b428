"""Course notes in LaTeX as they are written (issue 10): macros with arguments
(``\\newcommand{\\pd}[2]{…}``), an equals sign with its reason over it
(``\\overset{\\eqref{dh}}{=}``), ``\\bm h`` without braces, a ReLU derivative whose case at
zero is words (``\\text{undefined} & s = 0``), the same in prose ("$= 1$ if $s > 0$ else
$0$") and "away from $s = 0$", a condition, not a claim.

The fixture is ours (tests/fixtures/check/tex_macros_relu.tex); the truth of each line
is computed here with sympy, not by derive."""
from pathlib import Path

import sympy as sp

from derive.check import check_document
from derive.check.read.macros import Macro, expand_macros, find_macros
from derive.check.read.text import Source
from check_support import statuses_by_line

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "tex_macros_relu.tex"
w, x, c, v, t = sp.symbols("w x c v t")


def _at_points(expr):
    """``expr`` at points on both sides of the ReLU's kink (s = w x + c)."""
    points = [{w: 0.7, x: 1.3, c: 0.2, v: -0.4, t: 0.9}, {w: -0.7, x: 1.3, c: 0.2, v: 1.1, t: 0.3}]
    return [expr.subs(p) for p in points]


def test_the_fixture_by_sympy():
    s = w * x + c
    h = sp.Max(0, s)
    L = sp.Rational(1, 2) * (v * h - t) ** 2
    slope = sp.Heaviside(s)
    right_w = (v * h - t) * v * slope * x  # line 23
    slipped_c = (v * h - t) * v * slope * x  # line 27: the x does not belong
    assert all(abs(a) < 1e-12 for a in _at_points(sp.diff(L, w) - right_w))
    assert any(abs(a) > 1e-3 for a in _at_points(sp.diff(L, c) - slipped_c))
    assert all(abs(a) < 1e-12 for a in _at_points(sp.diff(L, v) - (v * h - t) * h))  # line 41
    assert _at_points(sp.diff(h, w) / x) == [1, 0]  # h' is 1 where s > 0, 0 where s < 0


def test_lines_of_the_notes():
    lines = statuses_by_line(check_document(str(FIXTURE)))
    for line in (10, 15, 23, 38, 39, 41):
        assert set(lines[line]) == {"correct"}, (line, lines[line])
    assert lines[27] == ["wrong"] and lines[32] == ["wrong"]
    assert lines[40] == ["unknown"]  # "= 1 if s > 0", nothing said elsewhere
    assert 21 not in lines  # "away from $s = 0$" is where, not what


def test_macros_with_arguments_expand_and_keep_their_offsets():
    text = r"\newcommand{\pd}[2]{\frac{\partial #1}{\partial #2}} $\pd{C}{w_{1}} + \pd x y$"
    macros, _spans = find_macros(text)
    assert macros["pd"] == Macro(2, r"\frac{\partial #1}{\partial #2}")
    seg = Source(text, "t").whole()[text.index("$") + 1:-1]
    out = expand_macros(seg, macros)
    assert out.s == r"\frac{\partial C}{\partial w_{1}} + \frac{\partial x}{\partial y}"
    assert out.origin(0) == text.index(r"\pd{C}")


def test_a_macro_used_without_its_arguments_is_left_alone():
    macros, _ = find_macros(r"\newcommand{\pd}[2]{\frac{\partial #1}{\partial #2}}")
    seg = Source(r"\pd{C}", "t").whole()
    assert expand_macros(seg, macros).s == r"\pd{C}"
