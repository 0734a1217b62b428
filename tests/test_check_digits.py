"""A printed number means its printed digits (issue 10).

The example's given numbers and the integers of a formula are exact; a number carried
from an earlier line is rounded by at most one unit of its last digit, and the line may
be off by what those roundings can move it, not more.  The expected values below come
from mpmath, not from derive."""
from pathlib import Path

import mpmath

from derive.check.checker import check_text, declared_network

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "digits_netout.md"


def _sigma(x):
    return 1 / (1 + mpmath.e ** -x)


def _report():
    network = declared_network(FIXTURE)
    assert network is not None
    return check_text(FIXTURE.read_text(), network, "nielsen", kind="md", name=str(FIXTURE))


def _line_of(fragment, nth=0):
    """The line of the file (front matter and all) that holds ``fragment``."""
    found = [n for n, text in enumerate(FIXTURE.read_text().splitlines(), 1) if fragment in text]
    return found[nth]


def _steps(report):
    out = {}
    for v, msg in zip(report.verdicts, report.messages()):
        out.setdefault(v.line, []).append((v.status, msg))
    return out


def test_the_fixture_numbers_are_what_the_lines_say():
    # the hand check behind the fixture, independently of derive
    with mpmath.workdps(30):
        out_h1 = _sigma(mpmath.mpf("0.36"))
        assert mpmath.nstr(out_h1, 9) == "0.589040434"
        net_o1 = mpmath.mpf("0.7") * out_h1 + mpmath.mpf("0.2")
        out_o1 = _sigma(net_o1)
        grad = (out_o1 - mpmath.mpf("0.05")) * out_o1 * (1 - out_o1) * out_h1
        assert mpmath.nstr(grad, 8) == "0.080360023"
        # the typo inside the exponent moves the value by far more than 9 decimals allow
        typo = _sigma(mpmath.mpf("0.612382304"))
        assert abs(typo - out_o1) > 1000 * abs(_sigma(net_o1 + mpmath.mpf("1e-9")) - out_o1)
        # the 4-digit carried input 0.5890 stays within what its rounding implies
        carried = mpmath.mpf("0.7") * mpmath.mpf("0.5890") + mpmath.mpf("0.2")
        assert abs(carried - net_o1) < mpmath.mpf("0.7e-4")


def test_correct_lines_with_carried_rounded_numbers_get_a_tick():
    steps = _steps(_report())
    for fragment in ("&= 0.3 \\cdot 0.2", "&= 0.36", "e^{-0.36}", "&= 0.589040434", "0.7 \\cdot 0.5890",
                     "&= 0.6123", "e^{-0.6123}", "(0.05 - 0.6485)^2", "e^{-0.612328304}", "= 0.080360023"):
        line = _line_of(fragment)
        assert {s for s, _ in steps[line]} == {"correct"}, (fragment, line, steps.get(line))


def test_a_digit_typo_inside_a_substituted_number_is_wrong():
    steps = _steps(_report())
    status, msg = steps[_line_of("e^{-0.612382304}")][0]
    assert status == "wrong"
    # both values, to the digit where they differ (the 5th significant digit)
    with mpmath.workdps(30):
        said = mpmath.nstr(_sigma(mpmath.mpf("0.612382304")), 8)
        value = mpmath.nstr(_sigma(mpmath.mpf("0.7") * _sigma(mpmath.mpf("0.36")) + mpmath.mpf("0.2")), 8)
    assert said[:7] != value[:7] and said in msg and value in msg, msg
    assert "5th significant digit" in msg


def test_a_swapped_digit_in_a_result_is_wrong_and_shown():
    steps = _steps(_report())
    status, msg = steps[_line_of("= 0.080630023")][0]
    assert status == "wrong"
    assert "0.080630023" in msg and "0.080360023" in msg and "3rd significant digit" in msg


def test_given_numbers_are_exact_not_rounded():
    # 0.12 for the bias 0.1: a one-unit rounding of every written number (0.3 ± 0.1, …)
    # would have let it through; the example's own numbers are exact
    steps = _steps(_report())
    line = _line_of("+ 0.1 = 0.3 \\cdot 0.2")
    assert [s for s, _ in steps[line]] == ["correct", "wrong"]
    assert [s for s, _ in steps[_line_of("0.7 \\cdot 0.5980")]] == ["wrong"]


def test_line_numbers_are_the_lines_of_the_file():
    # front matter, aligned environments continued with \\, and displays over several lines
    report = _report()
    text = FIXTURE.read_text().splitlines()
    for v in report.verdicts:
        if v.source.startswith("="):
            assert v.source.lstrip("= ").split(" ")[0] in text[v.line - 1], (v.line, v.source)
        else:
            assert v.source.split(" ")[0] in text[v.line - 1], (v.line, v.source)
    assert min(v.line for v in report.verdicts) == _line_of("net_{h1} &= w_1 i_1")


def test_the_right_number_with_the_wrong_sign_is_named():
    steps = _steps(_report())
    status, msg = steps[_line_of("= -0.080360023")][0]
    assert status == "wrong" and msg.endswith("the sign is flipped"), msg
    assert "significant digit" not in msg
