"""Plain-text notes in two common styles: a 2-2-2 network with a total error ET written
dET/dv5 (tests/fixtures/check/plain_two_outputs.txt), and the deeplearning.ai lectures'
lower-case one-example shorthand dz[2] = a[2] - y.  Truth from sympy."""
import random
from pathlib import Path

import sympy as sp

from derive.check import check_document

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "plain_two_outputs.txt"


def _network():
    x1, x2, t1, t2 = sp.symbols("x1 x2 t1 t2")
    v = sp.symbols("v1:9")
    sig = lambda u: 1 / (1 + sp.exp(-u))  # noqa: E731
    s1, s2 = sig(v[0] * x1 + v[1] * x2), sig(v[2] * x1 + v[3] * x2)
    p1, p2 = sig(v[4] * s1 + v[5] * s2), sig(v[6] * s1 + v[7] * s2)
    ET = (t1 - p1) ** 2 / 2 + (t2 - p2) ** 2 / 2
    return x1, t1, v, s1, p1, ET


def _same(a, b, points=4):
    """Equal at random points (to 1e-20): sympy.simplify takes minutes on these."""
    rng = random.Random(1)
    names = sorted((a - b).free_symbols, key=str)
    for _ in range(points):
        at = {n: sp.Rational(rng.randint(-90, 90), 37) for n in names}
        if abs(sp.N((a - b).subs(at), 30)) > 1e-20:
            return False
    return True


def test_a_total_error_et_is_the_cost_and_its_d_slash_d_lines_are_judged():
    x1, t1, v, s1, p1, ET = _network()
    g = (p1 - t1) * p1 * (1 - p1)
    claims = {15: (v[4], g * s1), 17: (v[0], g * v[4] * s1 * (1 - s1) * x1)}
    truth = {line: "correct" if _same(sp.diff(ET, var), rhs) else "wrong"
             for line, (var, rhs) in claims.items()}
    assert truth == {15: "correct", 17: "wrong"}  # v1 reaches ET through both outputs
    report = check_document(str(FIXTURE))
    assert "cost ET" in report.render_text().splitlines()[0]
    got = {v_.line: v_.status for v_ in report.verdicts}
    assert {line: got[line] for line in truth} == truth
    assert got[16] == "wrong"  # dET/ds1: s1 feeds p2 too, the same missing term


def test_lower_case_lecture_shorthand(tmp_path):
    path = tmp_path / "lecture.txt"
    path.write_text("dz[2] = a[2] - y\ndb[2] = dz[2]\ndb[2] = a[2]\n")
    # dz = a - y for a sigmoid output under cross-entropy, not under ½(a - y)² (sympy)
    z, y = sp.symbols("z y")
    a = 1 / (1 + sp.exp(-z))
    entropy = -(y * sp.log(a) + (1 - y) * sp.log(1 - a))
    assert sp.simplify(sp.diff(entropy, z) - (a - y)) == 0
    assert sp.simplify(sp.diff((a - y) ** 2 / 2, z) - (a - y)) != 0
    report = check_document(str(path))
    # the note never says its loss: dz = a - y holds for cross-entropy only, so it is open
    assert [v.status for v in report.verdicts] == ["unknown", "correct", "wrong"]
    assert "never defines" in report.render_text()


def test_a_note_written_as_comments_is_read(tmp_path):
    """A README whose formulas are all behind '#' was 'no equations found'; a comment after
    a formula is still a comment."""
    path = tmp_path / "readme.txt"
    path.write_text("STEP 4: Back propagation\n#    dz[2] = a[2] - y\n#    db[2] = dz[2]\n"
                    "#    db[2] = a[2]   # the bias's gradient\n")
    report = check_document(str(path))
    assert [(v.line, v.status) for v in report.verdicts] == [
        (2, "unknown"), (3, "correct"), (4, "wrong")]  # the loss is never said (see above)
