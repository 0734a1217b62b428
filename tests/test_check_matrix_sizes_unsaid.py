"""Numbers in matrices on a network nobody declared, and equations side by side in an
``align`` row (issue 10; held-out round 10 showed both).

A worked example with three units per layer (``W[1]`` a 3×3 matrix of numbers) on the
network derive assumed (2-2-3 for a softmax document) was called wrong line after line
for shapes that were derive's guess; it is now "not checked", with the reason.  An
``align`` row ``u &= 2 & v &= 3`` holds two equations, not ``u = 2 v = 3``.

The fixture is ours (tests/fixtures/check/matrix_sizes_unsaid.md); its numbers are
recomputed here, not by derive."""
from pathlib import Path

import mpmath as mp

from derive.check import check_document
from check_support import statuses_by_line

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "matrix_sizes_unsaid.md"


def test_the_fixtures_numbers():
    W = mp.matrix([[0.1, 0.2, -0.1], [0.3, -0.2, 0.1], [0, 0.4, 0.2]])
    z = W * mp.matrix([2, 1, 3]) + mp.matrix([0, 0.1, -0.1])
    assert all(mp.almosteq(z[i], want, 1e-12) for i, want in enumerate((0.1, 0.8, 0.9)))
    assert 2 * 3 == 6 and 2 + 3 != 4


def test_matrices_that_do_not_fit_the_assumed_network_are_not_wrong():
    report = check_document(str(FIXTURE))
    said = dict(zip(((v.line, v.status) for v in report.verdicts), report.messages()))
    lines = statuses_by_line(report)
    assert "wrong" not in lines[5] + lines[7], (lines[5], lines[7])
    assert "do not fit the 2-2-3 network derive assumed" in said[(7, "unknown")]


def test_two_equations_in_one_align_row():
    lines = statuses_by_line(check_document(str(FIXTURE)))
    assert lines[13] == ["correct", "wrong"], lines[13]  # u v = 6, u + v = 4


def test_eqnarray_columns_stay_one_equation(tmp_path):
    path = tmp_path / "eqnarray.tex"
    path.write_text("Let $z = w x + b$, $a = \\sigma(z)$ and $C = \\frac{1}{2}(a - y)^2$.\n"
                    "\\begin{eqnarray}\n"
                    "\\frac{\\partial C}{\\partial b} &=& (a - y) \\sigma'(z)\n"
                    "\\end{eqnarray}\n")
    lines = statuses_by_line(check_document(str(path)))
    assert lines[3] == ["correct"], lines


def test_products_of_the_assumed_vectors_are_not_wrong(tmp_path):
    """(y - f(x)) x in a note whose letters are numbers: on the 2-2-3 network derive
    assumes for a softmax document, y and x are vectors that do not multiply; that is
    derive's guess failing, not the writer's mistake (before: "shape mismatch", wrong)."""
    path = tmp_path / "scalars.md"
    path.write_text("With a softmax at the output:\n\n$$ -(y - f(x))x = -xy + xf(x) $$\n")
    report = check_document(str(path))
    assert [v.status for v in report.verdicts] == ["unknown"]
    assert "derive assumed" in report.messages()[0]
