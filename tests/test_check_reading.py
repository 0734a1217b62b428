"""Reading real derivations (issue 10): unicode math in plain text, sizing commands
(\\huge), \\mathcal and decorated names (\\bar{y}), a numeric fraction before a factor
in ASCII (1/2(a - y)^2 is ½(a - y)²), an undefined letter's derivative, and a
document's own forward pass when derive only assumed the 1-1-1 network.  The
expected verdicts are hand checks, beside each line: σ' = σ(1 - σ), ∂C/∂w = δa_prev."""
import json
from pathlib import Path

import mpmath
from click.testing import CliRunner

from derive.check import check_file, check_text
from derive.command.cli import cli
from derive.model.network import Network

FIXTURES = Path(__file__).parent / "fixtures" / "check"


def net():
    return Network("1-1-1", "sigmoid", "quadratic", True)


def test_the_half_square_derivative_by_mpmath():
    a, y = mpmath.mpf("0.7"), mpmath.mpf("0.2")
    assert mpmath.almosteq(mpmath.diff(lambda t: (t - y) ** 2 / 2, a), a - y)
    assert not mpmath.almosteq(mpmath.diff(lambda t: 1 / (2 * (t - y) ** 2), a), a - y)


def test_unicode_math_in_a_plain_text_file():
    r = check_file(FIXTURES / "unicode_notes.txt", net(), "nielsen")
    assert [(v.line, v.status) for v in r.verdicts] == [
        (3, "correct"),  # σ(z) = 1 / (1 + e^-z)
        (4, "correct"),  # σ'(z) = σ(z)⋅(1 − σ(z))
        (5, "wrong"),    # σ'(z) = σ(z)⋅(1 + σ(z))
        (6, "correct"),  # δ^L = (a^L − y)⋅σ'(z^L), before "=>"
        (6, "correct"),  # ∂C/∂b^L = δ^L, after it
        (7, "wrong"),    # ∂C/∂w^L with a^(L-1) twice
        (8, "correct"),  # ∂C/∂a^L = ∂(1/2(a^L − y)^2)/∂a^L: ½(a − y)², not 1/(2(a − y)²)
        (8, "correct"),  # = a^L − y
    ]


def test_sizing_commands_and_decorated_names_are_read():
    r = check_text("$\\huge \\frac{\\partial C}{\\partial b^{(3)}} = \\delta^{(3)}$\n"
                   "$\\Large \\bar{v} = \\delta^{(3)} a^{(2)}$\n"
                   "$\\frac{\\partial C}{\\partial w^{(3)}} = \\bar{v}$\n", net(), "nielsen")
    assert [(v.line, v.status) for v in r.verdicts] == [(1, "correct"), (3, "correct")]
    assert [(n["line"], n["reason"]) for n in r.not_claims] == [(2, "definition")]


def test_a_decorated_name_no_line_defined_is_unknown_not_a_free_variable():
    text = ("$$\\frac{\\partial C}{\\partial w^{(3)}} = \\bar{z} a^{(2)}$$\n"
            "$\\bar{z} = \\delta^{(3)}$\n"
            "$$\\frac{\\partial C}{\\partial w^{(3)}} = \\bar{z} a^{(2)}$$\n")
    r = check_text(text, net(), "nielsen")
    assert [(v.line, v.status, v.code) for v in r.verdicts] == [
        (1, "unknown", "undefined_name"), (3, "correct", "correct")]  # ∂C/∂w³ = δ³ a²


def test_old_font_switches_and_a_plus_before_a_minus():
    r = check_text("$$\\frac{\\partial {\\cal C}}{\\partial b^{(3)}} = \\delta^{(3)}$$\n"
                   "$$\\frac{\\partial C}{\\partial b^{(3)}} = 0 + -\\delta^{(3)}$$\n"
                   "$$\\frac{\\partial C}{\\partial b^{(3)}} = 2\\delta^{(3)} - -\\delta^{(3)}$$\n",
                   net(), "nielsen")
    # δ³; 0 + (-δ³) is a sign flip; 2δ³ - (-δ³) = 3δ³
    assert [(v.line, v.status) for v in r.verdicts] == [(1, "correct"), (2, "wrong"), (3, "wrong")]


def test_the_derivative_of_a_letter_nothing_defines_is_unknown_not_zero():
    """∂L/∂a with L undefined was 0 (a constant): '∂L/∂a = 0' got a ✓."""
    r = check_text("$$\\frac{\\partial L}{\\partial a^{(3)}} = 0$$\n", net(), "nielsen")
    assert [(v.status, v.code) for v in r.verdicts] == [("unknown", "lhs_derivative_of_unknown")]
    r = check_text("$$\\frac{\\partial C}{\\partial a^{(3)}} = "
                   "\\frac{\\partial L}{\\partial a^{(3)}}$$\n", net(), "nielsen")
    assert [v.status for v in r.verdicts] == ["unknown"]


def run(*args):
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, json.loads(r.stdout)


def test_own_forward_pass_defines_when_the_network_was_only_assumed():
    code, data = run("--check", str(FIXTURES / "own_forward_pass.md"), "--format", "json")
    assert [(s["line"], s["status"]) for s in data["steps"]] == [
        (11, "correct"),  # ∂a³/∂z³ = a³(1 - a³)
        (13, "wrong"),    # (1 + a³)
    ]
    assert [n["line"] for n in data["summary"]["not_claims"]] == [3, 4, 5, 9]
    assert code == 1


def test_a_network_the_user_gives_checks_the_definitions():
    code, data = run("--layers", "1-1-1", "--check", str(FIXTURES / "own_forward_pass.md"),
                     "--format", "json")
    statuses = {s["line"]: s["status"] for s in data["steps"]}
    assert statuses[4] == "wrong"  # y is the target of the 1-1-1 network, not σ(z)


def test_functions_the_document_defines_with_any_letter():
    """s(x) = 1/(1 + e^{-x}) is σ; q(x) = s(x)(1 - s(x)) is σ'; δ³ = (a³ - y)σ'(z³)."""
    text = ("$$s(x) = \\frac{1}{1+e^{-x}}$$\n$$q(x) = s(x)(1 - s(x))$$\n$$s'(x) = q(x)$$\n"
            "$$s'(x) = q(x) + 1$$\n"
            "$$\\frac{\\partial C}{\\partial b^{(3)}} = (a^{(3)} - y) q(z^{(3)})$$\n"
            "$$\\frac{\\partial C}{\\partial b^{(3)}} = (a^{(3)} - y) s(z^{(3)})$$\n")
    r = check_text(text, net(), "nielsen")
    assert [(v.line, v.status) for v in r.verdicts] == [
        (3, "correct"), (4, "wrong"), (5, "correct"), (6, "wrong")]
    # d(x) = … is a definition too, though d alone is also the differential
    r = check_text("$$s(x) = \\frac{1}{1+e^{-x}}$$\n$$d\\left(x\\right) = s(x)(1 - s(x))$$\n"
                   "$$s'(x) = d(x)$$\n$$s'(x) = 2 d(x)$$\n", net(), "nielsen")
    assert [(v.line, v.status) for v in r.verdicts] == [(3, "correct"), (4, "wrong")]
