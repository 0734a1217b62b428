"""Several networks in one document, one per section (issue 10): each section's lines
are checked on the forward pass that section declares, and the report says which
network was read for which section, from which lines.

The fixture is our own, in the style of a tutorial sheet with two worked exercises.
Every verdict the tests expect is first worked out here with sympy, on the network
each section writes, not taken from derive."""
import json
from pathlib import Path

import sympy as sp
from click.testing import CliRunner

from derive.check.checker import name_fonts
from derive.check.sections import check_sections, read_sections
from derive.command.cli import cli
from check_support import statuses_by_line

FIXTURES = Path(__file__).parent / "fixtures" / "check"
TWO = FIXTURES / "sections_two_networks.md"


def _report():
    parts = read_sections(name_fonts(TWO.read_text()), "md", str(TWO))
    return check_sections(TWO, parts, "nielsen")


def test_each_section_reads_its_own_network():
    parts = read_sections(name_fonts(TWO.read_text()), "md", str(TWO))
    assert [(p.first, p.last) for p in parts] == [(1, 49), (50, 93)]
    assert parts[0].declared.lines == [11, 15, 19, 23, 27]
    assert parts[0].declared.graph.cost_name == "E"
    assert parts[1].declared.lines == [55, 59, 63, 67]
    assert parts[1].declared.graph.cost_name == "L"
    assert {str(p.symbol) for p in parts[1].declared.graph.params} == {"v1", "v2", "v3"}


def _independent():
    """The two sections' claims, decided with sympy on each section's own forward pass."""
    x1, x2, u1, u2, c1, c2, t, v1, v2, v3, y = sp.symbols("x1 x2 u1 u2 c1 c2 t v1 v2 v3 y")
    sig = lambda z: 1 / (1 + sp.exp(-z))  # noqa: E731
    out_h = sig(u1 * x1 + c1)
    net_o = u2 * out_h + c2
    out_o = sig(net_o)
    E = (t - out_o) ** 2 / 2
    n = sp.Symbol("n")
    d_sig = sp.diff(sig(n), n).subs(n, net_o)
    g = sp.tanh(v1 * x1 + v2 * x2)
    q = v3 * g
    L = (q - y) ** 2 / 2
    s = sp.Symbol("s")
    d_tanh = sp.diff(sp.tanh(s), s).subs(s, v1 * x1 + v2 * x2)
    zero = lambda e: sp.simplify(e) == 0  # noqa: E731
    return {
        37: zero(d_sig - out_o * (1 - out_o)),
        41: zero(sp.diff(E, u2) - (-(t - out_o)) * out_o * (1 - out_o) * out_h),
        47: zero(d_sig - out_o * (1 + out_o)),
        77: zero(d_tanh - (1 - g ** 2)),
        81: zero(sp.diff(L, v1) - (q - y) * v3 * (1 - g ** 2) * x1),
        87: zero(d_tanh - g * (1 - g)),
        91: zero(sp.diff(L, v3) - (q - y) * v3),
    }


def test_lines_are_judged_on_their_own_sections_network():
    truth = _independent()
    assert truth == {37: True, 41: True, 47: False, 77: True, 81: True, 87: False, 91: False}
    lines = statuses_by_line(_report())
    for line, right in truth.items():
        assert lines[line][0] == ("correct" if right else "wrong"), (line, lines[line])
    # the forward passes themselves, and their printed numbers (checked with mpmath below)
    for line in (11, 15, 19, 23, 27, 33, 55, 59, 63, 73):
        assert set(lines[line]) == {"correct"}, (line, lines[line])
    # g(1 − g) is the logistic unit's derivative: right in section 1, wrong in section 2
    assert "tanh" in _report().messages()[[v.line for v in _report().verdicts].index(87)]


def test_the_printed_numbers_are_the_first_sections():
    import mpmath

    mpmath.mp.dps = 30
    sig = lambda z: 1 / (1 + mpmath.e ** -z)  # noqa: E731
    out_h = sig(mpmath.mpf("0.8") * mpmath.mpf("0.5") + mpmath.mpf("0.1"))
    out_o = sig(mpmath.mpf("0.3") * out_h + mpmath.mpf("0.2"))
    assert mpmath.nstr(out_h, 9) == "0.622459331" and mpmath.nstr(out_o, 9) == "0.595497145"
    assert mpmath.nstr(out_o * (1 - out_o), 5) == "0.24088"


def test_the_report_says_which_network_for_which_section():
    report = _report()
    head = report.render_text().split("\n")[:3]
    assert "section by section" in head[0]
    assert 'section "Exercise 1: one hidden neuron, logistic units" (lines 1–49)' in head[1]
    assert "its own forward pass (lines 11, 15, 19, 23, 27): cost E" in head[1]
    assert "(lines 50–93): its own forward pass (lines 55, 59, 63, 67): cost L" in head[2]
    sections = report.summary()["sections"]
    assert [s["cost"] for s in sections] == ["E", "L"]
    assert sections[0]["givens"]["u1"] == "4/5"
    assert "section by section" in report.render_markdown()
    assert "section by section" in report.render_html()
    assert "section by section" in report.render_marked_tex()


def test_the_command_checks_section_by_section_with_no_options():
    result = CliRunner().invoke(cli, ["--check", str(TWO), "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert [s["section"] for s in data["summary"]["sections"]] == [
        "Exercise 1: one hidden neuron, logistic units",
        "Exercise 2: two inputs, a tanh neuron, no squashing at the output"]
    wrong = sorted({s["line"] for s in data["steps"] if s["status"] == "wrong"})
    assert wrong == [47, 87, 91]


def test_one_network_over_several_sections_is_read_as_one():
    # a forward pass split over two headings (its output layer builds on the hidden
    # one's out_{h1}), and a "Backward" section that declares nothing
    text = name_fonts((FIXTURES / "declared_netout.md").read_text())
    assert read_sections(text, "md", "n.md") is None
    split = ("# Hidden layer\n\n$$net_{h1} = w_1 i_1 + b_1$$\n\n"
             "$$out_{h1} = \\frac{1}{1+e^{-net_{h1}}}$$\n\n# Output layer\n\n"
             "$$net_{o1} = w_2 out_{h1} + b_2$$\n\n$$out_{o1} = \\sigma(net_{o1})$$\n\n"
             "$$E = \\frac{1}{2}(target_{o1} - out_{o1})^2$$\n\n# Backward\n\n"
             "$$\\frac{\\partial E}{\\partial out_{o1}} = out_{o1} - target_{o1}$$\n")
    assert read_sections(split, "md", "s.md") is None
    # a recap section that repeats the first network's definitions is the same network
    recap = ("# Forward\n\n$$net_{h1} = w_1 i_1 + b_1$$\n\n$$out_{h1} = \\sigma(net_{h1})$$\n\n"
             "$$E = \\frac{1}{2}(target_{h1} - out_{h1})^2$$\n\n# Recap\n\n"
             "$$out_{h1} = \\sigma(net_{h1})$$\n\n$$E = \\frac{1}{2}(target_{h1} - out_{h1})^2$$\n")
    assert read_sections(recap, "md", "r.md") is None
