"""Issue 10: a quantity the document gives only as a number ("the same for o2") is
read as its sibling's formula renamed to its own unit, only where that formula gives
the printed number to its printed digits.  Expected values were worked out with mpmath
(inputs 0.05, 0.1; weights 0.15 … 0.55; biases 0.35, 0.6; targets 0.01, 0.99):
out_h2 = σ(0.3925) = 0.5968843783, out_o2 = σ(1.2249214041) = 0.7729284653,
E_o2 = ½(0.99 − out_o2)² = 0.0235600256, ∂E/∂out_h1 = 0.0363503064,
∂E/∂out_h2 = 0.0413703226, ∂E/∂w_8 = −0.0227402422, h_2(1 − h_2) x_1 = 0.0120306709."""
from pathlib import Path

import sympy as sp

from derive.check.checker import name_fonts
from derive.check.read.declared import read_declared
from derive.check.read.siblings import infer
from check_support import declared_report, statuses_by_line

FIXTURES = Path(__file__).parent / "fixtures" / "check"
NETOUT = FIXTURES / "siblings_netout.md"
ZHY = FIXTURES / "siblings_zhy.md"


def test_siblings_given_as_numbers_are_read_as_the_renamed_formula():
    declared = read_declared(name_fonts(NETOUT.read_text()), "md", "f.md")
    got = {i.name: (i.sibling, i.formula) for i in declared.inferred}
    assert set(got) == {"out_h2", "out_o2", "E_o2"}
    assert got["E_o2"][0] == "E_o1" and "target_o2" in got["E_o2"][1]
    assert "net_o2" in got["out_o2"][1] and "net_h2" in got["out_h2"][1]
    e = declared.graph.by_symbol[sp.Symbol("E_o2")].expr
    t, o = sp.symbols("target_o2 out_o2")
    assert sp.simplify(e - (t - o) ** 2 / 2) == 0
    assert declared.lines == [7, 11, 15, 25, 29, 33, 43, 53]  # the inferred ones not


def test_lines_that_needed_the_sibling_are_decided_and_slips_caught():
    lines = statuses_by_line(declared_report(NETOUT))
    for line in (21, 39, 49, 53, 59, 63, 67, 73, 77, 81):
        assert set(lines[line]) == {"correct"}, (line, lines[line])
    # a chain copied from w_7, the same from w_1, a digit typo (0.04173 for 0.04137),
    # a digit typo in ∂E/∂w_8 (−0.02247 for −0.02274)
    for line in (87, 91, 95, 99):
        assert lines[line] == ["wrong"], (line, lines[line])


def test_the_reading_is_said_once_and_the_later_steps_point_to_it():
    report = declared_report(NETOUT)
    msgs = dict(zip([(v.line, n) for n, v in enumerate(report.verdicts)], report.messages()))
    full = [m for m in msgs.values() if "E_o2 read as" in m]
    assert len(full) == 1
    assert "the formula of E_o1 for its own unit, which gives its printed 0.023560026" in full[0]
    assert "confirmed by that number" in full[0]
    later = [m for (line, _), m in msgs.items() if line > 49 and "uses E_o2" in m]
    assert later  # E_total = E_o1 + E_o2 on line 53 needed it


def test_a_sibling_whose_number_fits_no_formula_stays_unknown():
    declared = read_declared(name_fonts(ZHY.read_text()), "md", "f.md")
    names = {i.name for i in declared.inferred}
    assert "h2" in names  # σ(z_2) gives 0.596884378
    assert "E2" not in names  # 0.023570026 is not ½(t_2 − ŷ_2)² = 0.0235600256
    report = declared_report(ZHY)
    by = {}
    for v in report.verdicts:
        by.setdefault(v.line, []).append(v)
    assert [v.status for v in by[58]] == ["unknown"]
    assert "E2" in report.messages()[report.verdicts.index(by[58][0])]
    assert [v.status for v in by[54]] == ["correct", "correct"]
    assert [v.status for v in by[64]] == ["correct", "wrong"]  # 0.012003067 for 0.0120307


def _alone(value, decimals):
    return {"E_o2": (sp.Rational(value), decimals, 9, [])}


def test_the_number_must_hold_to_its_printed_digits():
    defined = {"E_o1": "( 1 / 2 ) * ( target_o1 - out_o1 ) ^ 2", "E": "E_o1 + E_o2"}
    givens = {"target_o2": sp.Rational("0.99"), "out_o2": sp.Rational("0.772928465"),
              "target_o1": sp.Rational("0.01"), "out_o1": sp.Rational("0.75136507")}
    # ½(0.99 − 0.772928465)² = 0.0235600257 : 0.023560026 is within one unit of its last
    # digit, 0.023560028 is not (2.3 units)
    ok = infer(defined, _alone("0.023560026", 9), givens, lambda *a: None, "t")[2]
    assert [i.name for i in ok] == ["E_o2"]
    off = infer(defined, _alone("0.023560028", 9), givens, lambda *a: None, "t")[2]
    assert off == []
    coarse = infer(defined, _alone("0.0236", 4), givens, lambda *a: None, "t")[2]
    assert [i.name for i in coarse] == ["E_o2"]


def test_the_trials_are_bounded(monkeypatch):
    import derive.check.read.siblings as siblings

    monkeypatch.setattr(siblings, "MAX_TRIALS", 0)
    defined = {"E_o1": "( 1 / 2 ) * ( target_o1 - out_o1 ) ^ 2", "E": "E_o1 + E_o2"}
    givens = {"target_o2": sp.Rational("0.99"), "out_o2": sp.Rational("0.772928465"),
              "target_o1": sp.Rational("0.01"), "out_o1": sp.Rational("0.75136507")}
    assert infer(defined, _alone("0.023560026", 9), givens, lambda *a: None, "t")[2] == []
