"""Issue 10: a forward pass written for one unit j of any layer (net_j = Σ_k w_kj o_k,
o_j = σ(net_j)) is index form, read in the document's own names for a general layer l.

Read as names, o_j = σ(net_j) declared a network whose cost was o_j and whose only
parameter was net_j, and ∂net_j/∂w_ij = o_i, a correct line, was called wrong.  Now
net_j is z^l_j, o_j is a^l_j and o_k, o_i (indices of weights into j) a^{l-1}: the
fixtures index_net_out.md and index_varphi.md are in the style of encyclopedia
derivations, every line correct for a neuron j of the output layer, and the chain-rule
lines for a neuron of any layer (both checked below with sympy on a composed network).
Lines true only at the output layer stay unknown; the reading never refutes (a planted
slip is unknown, never ✓)."""
from pathlib import Path

import sympy as sp
from click.testing import CliRunner

from derive.check.checker import declared_network
from derive.command.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "check"
INDEX = FIXTURES / "index_net_out.md"
VARPHI = FIXTURES / "index_varphi.md"
SLIPS = FIXTURES / "index_net_out_mistakes.md"


def test_the_fixture_lines_are_right_for_an_output_neuron():
    o_i, o_k, w_ij, w_kj, t = sp.symbols("o_i o_k w_ij w_kj t")
    net = w_ij * o_i + w_kj * o_k  # two terms of Σ_k w_kj o_k, one of them through i
    o = 1 / (1 + sp.exp(-net))
    e = (t - o) ** 2 / 2
    assert sp.simplify(sp.diff(net, w_ij) - o_i) == 0  # line 22
    assert sp.simplify(sp.diff(o, w_ij) / sp.diff(net, w_ij) - o * (1 - o)) == 0  # line 24
    assert sp.simplify(sp.diff(e, w_ij) - (o - t) * o * (1 - o) * o_i) == 0  # line 30


def test_unit_indexed_definitions_declare_no_network_of_names():
    assert declared_network(INDEX) is None


def test_no_correct_line_of_it_is_called_wrong():
    import json

    r = CliRunner().invoke(cli, ["--check", str(INDEX), "--format", "json"])
    data = json.loads(r.stdout)
    assert "declares in its own forward pass" not in json.dumps(data["summary"]["network"])
    assert [s["line"] for s in data["steps"] if s["status"] == "wrong"] == []
    assert r.exit_code == 0


def _sigmoid(x):
    return 1 / (1 + sp.exp(-x))


def test_the_chain_rule_lines_hold_for_a_hidden_neuron_too():
    # x -> layer 1 (two units) -> layer 2 (one unit), cost ½(t - o2)²; neuron j = 1 of layer 1
    x1, x2, t = sp.symbols("x1 x2 t")
    w = sp.symbols("w11 w21 w12 w22")  # w_kj: from k into j, layer 1
    v1, v2 = sp.symbols("v1 v2")  # into the output
    net = [w[0] * x1 + w[1] * x2, w[2] * x1 + w[3] * x2]
    o = [_sigmoid(n) for n in net]
    out = _sigmoid(v1 * o[0] + v2 * o[1])
    e = (t - out) ** 2 / 2
    o1 = sp.Symbol("o1")
    de_do1 = sp.diff(e.subs(o[0], o1), o1).subs(o1, o[0])
    # ∂E/∂w_ij = ∂E/∂o_j · o_j(1 - o_j) · o_i, with i = 1 (x1) and j = 1
    r = sp.Rational
    at = {x1: r(3, 10), x2: r(-7, 10), t: r(1, 5), w[0]: r(2, 5), w[1]: r(-1, 10), w[2]: r(1, 4),
          w[3]: r(3, 5), v1: r(9, 10), v2: r(-1, 2)}
    lhs = sp.diff(e, w[0]).subs(at)
    rhs = (de_do1 * o[0] * (1 - o[0]) * x1).subs(at)
    assert abs(sp.N(lhs - rhs, 30)) < 1e-25 and abs(sp.N(lhs)) > 1e-3


def _statuses(path):
    import json

    r = CliRunner().invoke(cli, ["--check", str(path), "--format", "json"])
    data = json.loads(r.stdout)
    out = {}
    for s in data["steps"]:
        out.setdefault(s["line"], []).append((s["status"], s["message"]))
    return data, out


def test_the_documents_names_are_read_for_any_layer_and_said_in_the_header():
    _, lines = _statuses(INDEX)
    header = CliRunner().invoke(cli, ["--check", str(INDEX)]).stdout.splitlines()[0]
    assert "any layer l in the document's own letters, net (weighted input, line 6), " \
        "o (unit j's output, line 6)" in header
    assert "w_{ij} is the weight from unit i into unit j, line 6" in header
    assert [s for s, _ in lines[10]] == ["correct"]  # o_j = σ(net_j)
    assert [s for s, _ in lines[18]] == ["correct"]  # the chain rule
    assert [s for s, _ in lines[22]] == ["correct"]  # ∂net_j/∂w_ij = o_i
    assert [s for s, _ in lines[24]] == ["correct"]  # ∂o_j/∂net_j = o_j(1 - o_j)
    for line in (28, 30):  # true at the output layer only, under "If $j$ is an output neuron"
        status, message = lines[line][0]
        assert status == "correct" and "at the output layer, the case the prose" in message
        assert "for every value" not in message


def test_a_line_true_only_at_the_output_layer_needs_the_prose_to_say_so(tmp_path):
    path = tmp_path / "inner.md"
    path.write_text(INDEX.read_text().replace("If $j$ is an output neuron,",
                                              "If $j$ is an inner neuron,"))
    _, lines = _statuses(path)
    status, message = lines[28][0]
    assert status == "unknown" and "holds only where $l$ is the output layer" in message


def test_phi_written_either_way_is_the_function_the_document_defines():
    data, lines = _statuses(VARPHI)
    assert [s for s, _ in lines[25]] == ["correct"]  # φ(net_j)(1 - φ(net_j)), φ defined
    assert [s for s, _ in lines[21]] == ["correct", "correct"]
    assert [s for s, _ in lines[29]] == ["correct"] and [s for s, _ in lines[33]] == ["correct"]
    assert 13 not in lines or lines[13][0][0] != "wrong"
    assert not any(s == "wrong" for v in lines.values() for s, _ in v)


def test_slips_in_these_names_are_never_given_a_tick():
    # o_j for o_i, 1 + o_j for 1 - o_j, the factor ∂o_j/∂net_j dropped: each false at
    # every layer (sympy: the right sides differ from the left ones at a point)
    net, o_i = sp.symbols("net o_i")
    assert sp.diff(_sigmoid(net), net) - _sigmoid(net) * (1 + _sigmoid(net)) != 0
    _, lines = _statuses(SLIPS)
    for line in (9, 11, 13):
        assert lines[line][0][0] != "correct", lines[line]
    assert [s for s, _ in lines[15]] == ["correct"]
    # ∂E/∂o_j through the layer above (o_ℓ, net_ℓ) is not read as the layer below
    assert lines[17][0][0] == "unknown"



def test_only_prose_that_says_just_the_output_case_makes_it(tmp_path):
    # red team, 2026-12-03: each of these mentions an output neuron but does not restrict
    # the line to it, so ∂E/∂o_j = o_j - t_j (true at the output layer only) stays unknown
    head = INDEX.read_text().split("The chain rule splits")[0]
    line = "$$\\frac{\\partial E}{\\partial o_j} = o_j - t_j$$\n"
    for prose, expected in (("Suppose $j$ is not an output neuron.", "unknown"),
                            ("Now take a hidden neuron $j$, one that feeds an output neuron:",
                             "unknown"),
                            ("Whether or not $j$ is an output neuron,", "unknown"),
                            ("Unlike the case where $j$ is an output neuron, here $j$ is hidden:",
                             "unknown"),
                            ("If $j$ is an output neuron,", "correct"),
                            ("For an output neuron", "correct")):
        path = tmp_path / "case.md"
        path.write_text(head + prose + "\n\n" + line)
        _, lines = _statuses(path)
        last = max(lines)
        assert lines[last][0][0] == expected, (prose, lines[last])
    # prose in between ends the case: "In every case," is not the output neuron's
    path.write_text(head + "If $j$ is an output neuron, then "
                    "$\\frac{\\partial E}{\\partial o_j} = o_j - t_j$. In every case,\n\n"
                    "$$\\frac{\\partial E}{\\partial w_{ij}} = (o_j - t_j) o_j (1 - o_j) o_i$$\n")
    _, lines = _statuses(path)
    first, last = min(k for k in lines if k > 14), max(lines)
    assert lines[first][0][0] == "correct" and lines[last][0][0] == "unknown"
