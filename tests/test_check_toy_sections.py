"""A tutorial's toy examples, section by section (in the style of blog posts that grow a
network one step at a time): an update written ``w_{\\text{new}}`` and the forward pass
again with the new weight, a section that swaps the hidden unit for a ReLU
(``h = \\max(0, w_1 x)``) and keeps the rest, and the example's numbers chosen in prose
("Take $x = 2, …$").

The fixture is ours (tests/fixtures/check/toy_sections_update.md); its numbers are
recomputed here by hand, with mpmath, not by derive."""
from pathlib import Path

import mpmath as mp

from derive.check import check_document
from derive.check.read.inputs import name_fonts
from check_support import statuses_by_line

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "toy_sections_update.md"


def test_the_fixtures_numbers():
    mp.mp.dps = 30
    # section 1: ŷ = w x, L = (y - ŷ)², x = 3, w = 2, y = 7, η = 0.05
    x, w, y, eta = mp.mpf(3), mp.mpf(2), mp.mpf(7), mp.mpf("0.05")
    grad = mp.diff(lambda v: (y - v * x) ** 2, w)
    assert mp.almosteq(grad, -6) and mp.almosteq(w - eta * grad, mp.mpf("2.3"))
    new = mp.mpf("2.3")
    assert mp.almosteq(new * x, mp.mpf("6.9")) and mp.almosteq((y - new * x) ** 2, mp.mpf("0.01"))
    # section 3: h = max(0, w1 x), ŷ = w2 h, x = 2, w1 = 0.25, w2 = 3, y = 1
    x, w1, w2, y = mp.mpf(2), mp.mpf("0.25"), mp.mpf(3), mp.mpf(1)

    def loss(a, b):
        return (y - b * max(0, a * x)) ** 2
    assert mp.almosteq(mp.diff(lambda b: loss(w1, b), w2), mp.mpf("0.5"))
    assert mp.almosteq(mp.diff(lambda a: loss(a, w2), w1), 6)  # not 5, and not 1.5


def test_new_is_the_updated_value():
    assert name_fonts(r"w_{\text{new}} = 3") == "w^{+} = 3"
    assert name_fonts(r"b_1^{new}") == "b_1^{+}"
    assert name_fonts(r"x_{new}") == r"x_{new}"  # only a parameter is updated


def test_sections_updates_and_a_swapped_unit():
    report = check_document(str(FIXTURE))
    head = report.render_text().splitlines()
    assert any('"3. The same with ReLU"' in h and "lines 27, 35" in h for h in head[:4]), head[:4]
    lines = statuses_by_line(report)
    for line in (9, 10, 11, 15, 19, 27, 29, 35, 37, 41, 42):
        assert set(lines[line]) == {"correct"}, (line, lines[line])
    assert lines[23] == ["correct", "wrong"], lines[23]  # 2.3 · 3 is 6.9, not 6.8
    assert lines[43] == ["correct", "wrong"] and lines[44] == ["wrong", "wrong"]


def test_the_readings_are_said():
    report = check_document(str(FIXTURE))
    msgs = {}
    for v, m in zip(report.verdicts, report.messages()):
        msgs.setdefault(v.line, []).append(m)
    assert "after the update" in msgs[19][0]
    assert "6.9" in msgs[23][1] and "$w$ = 2.3" in msgs[23][1]
    assert 39 in {t["line"] for t in report.not_claims}  # "Take x = 2, …": givens
