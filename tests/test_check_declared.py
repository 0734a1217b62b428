"""The document declares its own network: derive --check with no network options
reads the forward pass a derivation writes (net_{h1} = …, out_{h1} = …, E_{total} = …)
and checks the later lines against it, in the author's names.

The fixtures are our own, written in the styles seen in real derivations
(benchmarks/realworld/ lists the real ones, which stay out of the repository)."""
from pathlib import Path

import pytest

from derive.check.checker import check_text, declared_network, name_fonts
from derive.check.read.declared import read_declared
from check_support import statuses_by_line

FIXTURES = Path(__file__).parent / "fixtures" / "check"
NETOUT = FIXTURES / "declared_netout.md"


def _report(path):
    network = declared_network(path)
    assert network is not None
    text = path.read_text()
    return check_text(text, network, "nielsen", kind="md", name=str(path))


def test_the_forward_pass_is_read_in_the_authors_names():
    declared = read_declared(name_fonts(NETOUT.read_text()), "md", "f.md")
    assert declared.lines == [9, 13, 19, 23, 29]
    names = {str(n.symbol) for n in declared.graph.nodes}
    assert {"net_h1", "out_h1", "net_o1", "out_o1", "w1", "w3", "i1", "target_o1"} <= names
    assert declared.graph.cost_name == "E_total"
    # numbers from the substitution lines, as exact decimals
    assert str(declared.givens["w1"]) == "3/20" and str(declared.givens["i2"]) == "1/10"
    assert declared.givens["target_o1"] == declared.givens["target_o1"].__class__(1, 100)


def test_the_report_says_which_network_and_lines():
    text = _report(NETOUT).render_text()
    first = text.splitlines()[0]
    assert "its own forward pass (lines 9, 13, 19, 23, 29)" in first
    assert "cost E_total" in first


def test_correct_lines_get_a_tick_and_planted_mistakes_are_caught():
    lines = statuses_by_line(_report(NETOUT))
    for line in (9, 13, 19, 23, 29, 35, 39, 43, 47):
        assert set(lines[line]) == {"correct"}, (line, lines[line])
    for line in (53, 57, 61, 65):  # sign, σ' as σ(1+σ), a missing σ'(net_h1), a digit typo
        assert lines[line] == ["wrong"], (line, lines[line])


def test_a_sign_flip_is_named():
    report = _report(NETOUT)
    msgs = dict(zip([v.line for v in report.verdicts], report.messages()))
    assert "sign" in msgs[53]


def test_a_digit_typo_shows_the_digits():
    report = _report(NETOUT)
    msgs = dict(zip([v.line for v in report.verdicts], report.messages()))
    assert "0.086044278" in msgs[65]


STAND_IN = r"""
$$net_{h1} = w_1 i_1 + b_1$$

$$out_{h1} = \frac{1}{1+e^{-net_{h1}}}$$

The same for $h_2$ gives $out_{h2} = 0.6$.

$$net_{o1} = w_5 out_{h1} + w_6 out_{h2} + b_2$$

$$out_{o1} = \frac{1}{1+e^{-net_{o1}}}$$

$$E_{total} = \frac{1}{2}(target_{o1} - out_{o1})^2$$

$$\frac{\partial E_{total}}{\partial w_1} = \frac{\partial E_{total}}{\partial out_{h1}} \frac{\partial out_{h1}}{\partial net_{h1}} i_1$$

$$\frac{\partial E_{total}}{\partial b_1} = \frac{\partial E_{total}}{\partial out_{h1}} \frac{\partial out_{h1}}{\partial net_{h1}}$$

$$\frac{\partial net_{o1}}{\partial w_5} = out_{h1}$$
"""


def test_a_quantity_given_only_as_a_number_leaves_derivatives_through_it_undecided():
    # out_h2 is computed "the same way" but never defined: b1 may feed it too, so
    # the derivative by b1 is not decided (never called wrong, never a ✓ on a guess)
    declared = read_declared(STAND_IN, "md", "s.md")
    assert declared is not None and declared.opaque == ["out_h2"]
    report = check_text(STAND_IN, declared.graph, "nielsen", kind="md")
    status = {v.line: v.status for v in report.verdicts}
    assert status[14] == "unknown" and status[16] == "unknown"
    assert status[18] == "correct"  # w5 cannot reach out_h2, which feeds net_o1
    assert "wrong" not in status.values()


def test_no_forward_pass_means_no_declared_network():
    assert read_declared(r"$$\frac{\partial C}{\partial w} = \delta a$$", "md") is None
    assert read_declared("just prose, no math", "md") is None
    # a fragment whose last quantity is not a loss is not taken as a network
    assert read_declared("$$z = w x + b$$\n\n$$a = \\sigma(z)$$\n", "md") is None


@pytest.mark.parametrize("text", [
    "$$E = e^\\$$", "$$net_{h1} = \\frac{1}{$$", "$$E_{total} = ((( $$", "$x = $",
    "$$E = 1/0$$\n$$L = E + w$$", "$$out_{h1} = \\sigma(net_{h1}^{2^{3^{4}}})$$\n$$E = out_{h1}$$",
    "\\begin{align} E &= w \\\\ L &= E^2 \\end{align}", "$$" * 50,
])
def test_reading_the_forward_pass_never_fails(text):
    read_declared(text, "md", "odd.md")  # None or a network, never an exception


def test_no_options_reads_the_document_and_given_layers_still_win():
    from click.testing import CliRunner

    from derive.command.cli import cli

    own = CliRunner().invoke(cli, ["--check", str(NETOUT)])
    assert own.exit_code == 1  # the planted mistakes
    assert "on the network it declares in its own forward pass" in own.output
    given = CliRunner().invoke(cli, ["--check", str(NETOUT), "--layers", "1-1-1"])
    assert given.output.startswith(f"Checking {NETOUT} on a 1-1-1 network")


# -- the numbers say what was meant; a given network judges the definitions ----------------

MINUS = FIXTURES / "declared_minus_slip.md"
MINUS_GRAPH = FIXTURES / "declared_minus_slip.graph"
HALF = FIXTURES / "declared_half_cost.md"


def _messages(report):
    out = {}
    for v, msg in zip(report.verdicts, report.messages()):
        out.setdefault(v.line, []).append((v.status, msg))
    return out


def test_a_definition_its_own_numbers_contradict_is_read_by_the_numbers():
    # out_h1 is written 1/(1+e^{net_h1}) but printed as 0.60348325 = σ(0.42) (mpmath:
    # 1/(1+e^{-0.42}) = 0.6034832499, 1/(1+e^{0.42}) = 0.3965167501)
    declared = read_declared(name_fonts(MINUS.read_text()), "md", "m.md")
    assert [(r.line, r.name, r.what) for r in declared.repairs] == [(9, "out_h1", "exponent_sign")]
    lines = statuses_by_line(_report(MINUS))
    assert lines[9] == ["wrong", "correct"]  # the definition, once; its number is right
    # ∂out/∂net = out(1 - out) and the numbers after it hold for the sigmoid the numbers
    # mean (read literally, 1/(1+e^{net}) has the derivative -out(1 - out))
    for line in (11, 13, 15, 19, 21, 23, 25, 27):
        assert set(lines[line]) == {"correct"}, (line, lines[line])
    assert lines[31] == ["wrong"] and lines[33] == ["wrong"]
    msg = _messages(_report(MINUS))[9][0][1]
    assert "the minus in the exponent is missing" in msg and "0.60348325" in msg


def test_without_a_number_that_says_otherwise_a_definition_is_taken_as_written():
    text = MINUS.read_text().replace(" = 0.60348325$$", "$$", 1)
    declared = read_declared(name_fonts(text), "md", "m.md")
    assert declared.repairs == []


def test_a_given_graph_judges_the_documents_definitions_once_with_a_diagnosis():
    from derive.model.graphspec import load_graph

    graph, _ = load_graph(str(MINUS_GRAPH))
    report = check_text(MINUS.read_text(), graph, "nielsen", kind="md", name=str(MINUS))
    lines = statuses_by_line(report)
    assert lines[9] == ["wrong", "correct"]  # the document's numbers are the example's
    assert lines[23] == ["correct", "correct"] and lines[31] == ["wrong"]
    assert sum(s == "wrong" for s in sum(lines.values(), [])) == 3
    graph, _ = load_graph(str(MINUS_GRAPH))
    half = check_text(HALF.read_text(), graph, "nielsen", kind="md", name=str(HALF))
    msgs = _messages(half)
    assert msgs[13][0][0] == "wrong" and "the factor $\\frac{1}{2}$ is missing" in msgs[13][0][1]
    assert {s for line, items in msgs.items() if line != 13 for s, _ in items} == {"correct"}
    # read on its own, the document's cost has no ½, so -(t - out) misses a factor 2
    own = statuses_by_line(_report(HALF))
    assert own[15] == ["wrong"] and own[13] == ["correct"]


HAT = FIXTURES / "declared_hat.md"


def test_hatted_names_and_substitutions_on_their_own_lines_are_read():
    declared = read_declared(name_fonts(HAT.read_text()), "md", "h.md")
    assert declared.lines == [4, 9, 11, 13, 17] and declared.graph.cost_name == "E"
    assert "yhat_1 = sigmoid ( y1 )" in declared.statements
    # z_1 = 0.4 · 0.2 + … on the line after z_1 = w_1 x_1 + … gives the numbers
    assert str(declared.givens["w1"]) == "2/5" and str(declared.givens["x2"]) == "3/5"
    assert declared.opaque == ["yhat_2"]


def test_a_derivative_by_the_sibling_of_a_stand_in_is_decided():
    # ŷ2 is only a number, computed "the same way" as ŷ1: from ŷ1's inputs, not from ŷ1,
    # so ∂E/∂ŷ1 = -(t1 - ŷ1) (by hand) is decided, and its slips are caught
    lines = statuses_by_line(_report(HAT))
    for line in (4, 5, 6, 9, 11, 13, 17, 21, 23, 25):
        assert lines[line] == ["correct"] * len(lines[line]), (line, lines[line])
    assert lines[29] == ["wrong"] and lines[31] == ["wrong"]


def test_a_definition_that_uses_a_name_twice_while_its_sibling_is_unused_gets_no_tick():
    text = HAT.read_text().replace("$$y_1 = w_3 h_1 + b_2$$",
                                   "$$y_1 = w_3 h_1 + w_4 h_1 + b_2$$\n\nand $h_2 = 0.52$.")
    declared = read_declared(name_fonts(text), "md", "h.md")
    assert declared.suspect == {11: ("h1", "h2")}
    report = check_text(text, declared.graph, "nielsen", kind="md", name="h.md")
    v = [v for v in report.verdicts if v.line == 11][0]
    assert (v.status, v.code) == ("unknown", "definition_suspect")
    assert read_declared(name_fonts(HAT.read_text()), "md", "h.md").suspect == {}


def test_a_number_computed_right_from_a_wrong_line_is_carried():
    # 0.75(1 - 0.75) = 0.1875 is right arithmetic, but ∂out/∂net is out(1 - out) at the
    # example's out_o1 = 0.599106032 (mpmath), so the 0.75 line is the wrong one
    text = MINUS.read_text() + (
        "\n$$\\frac{\\partial out_{o1}}{\\partial net_{o1}} = 0.75(1 - 0.75) = 0.1875$$\n")
    report = _report_text(text)
    last = [v for v in report.verdicts][-2:]
    assert [v.status for v in last] == ["wrong", "wrong"]
    assert last[1].code == "carried" and last[0].code != "carried"


def _report_text(text):
    declared = read_declared(name_fonts(text), "md", "t.md")
    return check_text(text, declared.graph, "nielsen", kind="md", name="t.md")


def test_a_bare_target_or_input_is_a_name_of_the_documents_network(tmp_path):
    # "target" and "input" head the statements of a --graph file; a document's own forward
    # pass may still call its quantities so, and must be read as its network
    doc = tmp_path / "bare.md"
    doc.write_text("\n".join([
        r"$$net = w\,input + b$$",
        r"$$out = \frac{1}{1+e^{-net}}$$",
        r"$$E = \frac{1}{2}(target - out)^2$$",
        r"$$\frac{\partial out}{\partial net} = out(1+out)$$",  # planted: 1 + out
        r"$$\frac{\partial E}{\partial w} = (out - target)\, out(1-out)\, input$$",
    ]) + "\n")
    from derive.command.cli import cli
    from click.testing import CliRunner
    import json

    r = CliRunner().invoke(cli, ["--check", str(doc), "--format", "json"])
    data = json.loads(r.stdout)
    got = {s["line"]: s["status"] for s in data["steps"]}
    # by hand: out' = out(1 - out); dE/dw = (out - target) out (1 - out) input
    assert got == {1: "correct", 2: "correct", 3: "correct", 4: "wrong", 5: "correct"}, got


def test_a_fraction_written_without_braces_is_read_as_tex_reads_it(tmp_path):
    r"""``\frac12`` is ``\frac{1}{2}`` in TeX, so ``C = \frac12 (a-t)^2`` defines the loss;
    read as anything else, the derivative lines after it would be left undecided."""
    doc = tmp_path / "nobraces.md"
    doc.write_text("$$z = w x + b$$\n\n$$a = \\sigma(z)$$\n\n$$C = \\frac12 (a-t)^2$$\n\n"
                   "$$\\frac{\\partial C}{\\partial b} = (a-t)\\sigma(z)(1-\\sigma(z))$$\n\n"
                   "$$\\frac{\\partial C}{\\partial w} = \\frac12 (a-t)\\sigma(z)(1-\\sigma(z)) x$$\n")
    report = _report(doc)
    assert "cost C" in report.render_text().splitlines()[0]
    lines = statuses_by_line(report)
    assert lines[7] == ["correct"] and lines[9] == ["wrong"], lines
