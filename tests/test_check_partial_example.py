"""A worked example given only in part: a target read from an unbraced ``E_o1`` line, and
a value that does not depend on the leaves the example leaves out (examples._example).

The fixture is our own, in the blog style.  The numbers are worked here with Python's
floats from the forward pass, independently of derive."""
import math
from pathlib import Path

from derive.check.checker import check_text, declared_network

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "partial_example.md"


def _steps():
    report = check_text(FIXTURE.read_text(), declared_network(FIXTURE), "nielsen", kind="md",
                        name=str(FIXTURE))
    out = {}
    for v, msg in zip(report.verdicts, report.messages()):
        out.setdefault(v.line, []).append((v.source.strip(), v.status, msg))
    return report, out


def _line_of(fragment):
    return [n for n, t in enumerate(FIXTURE.read_text().splitlines(), 1) if fragment in t][0]


def test_the_arithmetic_by_hand():
    net1 = 0.5 * 0.2 + 0.1
    out1 = 1 / (1 + math.exp(-net1))
    assert abs(-(0.9 - out1) - (-0.3502)) < 5e-5  # the printed -0.3502 is right
    assert abs(-(0.9 - 0.5498) - (-0.3602)) > 5e-3  # the planted -0.3602 is not


def test_a_target_written_only_in_a_substitution_is_read():
    declared = declared_network(FIXTURE).declared
    assert {str(k): v for k, v in declared.givens.items()}.get("t1") == 0.9 or str(
        {str(k): v for k, v in declared.givens.items()}.get("t1")) in ("9/10", "0.9")


def test_values_that_need_no_missing_leaf_are_decided():
    _, steps = _steps()
    line = _line_of(r"-(t_1 - out_1) = -(0.9 - 0.5498) = -0.3502")
    assert [s for _, s, _ in steps[line]] == ["correct"] * 3, steps[line]
    planted = _line_of("= -0.3602")
    assert [s for _, s, _ in steps[planted]] == ["correct", "wrong"], steps[planted]


def test_a_value_that_needs_a_missing_leaf_stays_unknown():
    _, steps = _steps()
    line = _line_of(r"-(t_2 - out_2) = 0.25")
    assert [s for _, s, _ in steps[line]] == ["correct", "unknown"], steps[line]


def test_a_number_put_for_the_wrong_quantity_is_named():
    out1 = 1 / (1 + math.exp(-(0.5 * 0.2 + 0.1)))
    assert abs(0.5498 * (1 - 0.5498) - out1 * (1 - out1)) < 5e-5  # the right line
    assert abs(0.3502 * (1 - 0.3502) - out1 * (1 - out1)) > 1e-2  # the planted one
    _, steps = _steps()
    right = _line_of(r"= 0.5498(1 - 0.5498) = 0.2475")
    assert [s for _, s, _ in steps[right]] == ["correct"] * 3, steps[right]
    planted = _line_of(r"= 0.3502(1 - 0.3502)")
    (_, status, msg), = [x for x in steps[planted] if x[0] == "= 0.3502(1 - 0.3502)"]
    assert status == "wrong"
    assert "the number 0.3502 stands for $out_{1}$ of the line before" in msg, msg


def test_arithmetic_after_an_undecided_value_is_as_open_as_it():
    """= 0.125 is ½(0.2 - 0.7)², but E_o2's value is not decided, so neither is 0.125:
    a ✓ there once certified a wrong update's arithmetic (0.5 - 0.1·0.069 = 0.4931)."""
    assert abs(0.5 * (0.2 - 0.7) ** 2 - 0.125) < 1e-12  # the printed result, by hand
    _, steps = _steps()
    right = _line_of(r"$$E_o2 = \frac{1}{2}(0.2 - 0.7)^2 = 0.125$$")
    assert [s for _, s, _ in steps[right]] == ["unknown", "unknown"], steps[right]
    assert "the arithmetic follows from the line before" in steps[right][1][2]
    slip = _line_of(r"$$E_o2 = \frac{1}{2}(0.2 - 0.7)^2 = 0.25$$")
    assert [s for _, s, _ in steps[slip]][1] != "correct", steps[slip]
