"""Index-form derivations are read in the notation they define themselves (issue 10).

``z_j^{l+1} = Σ_i w_{ij}^{l+1} a_i^l`` makes the first index of a weight the unit it
leaves, so ``δ_j = Σ_k δ_k w_{jk} f'(z_j)`` is right there and ``w_{kj}`` is a slip;
with no network options such a document is checked on a network wide enough to tell
the indices apart, and on a default where every index is 1 an index claim is unknown.

The fixtures are our own; the verdicts they expect are checked against sympy.diff of
the composed cost of a 2-3-2 network in ``test_the_fixtures_labels_hold_in_sympy``."""
from pathlib import Path

import sympy as sp
from click.testing import CliRunner

from derive.check.checker import check_text, document_network
from derive.check.read.convention import has_unit_indices, read_convention
from derive.command.cli import cli
from derive.model.network import Network
from derive.model.notation import get_notation

FIXTURES = Path(__file__).parent / "fixtures" / "check"
FROM_FIRST = FIXTURES / "index_from_first.md"
SENTENCE = FIXTURES / "index_sentence.md"
CORRECT = (7, 9, 11, 13, 15, 17, 19, 21, 25, 27)
SLIPS = (31, 33, 35)


def _status(report):
    out = {}
    for v in report.verdicts:
        out.setdefault(v.line, set()).add(v.status)
    return out


def _check(path, **kw):
    network, notation = document_network(path, "sigmoid", "quadratic", True, **kw)
    return check_text(path.read_text(), network, notation, kind="md", name=str(path))


def test_the_convention_is_read_from_the_definition_of_z():
    conv = read_convention(FROM_FIRST.read_text())
    assert (conv.from_first, conv.layer_of_source, conv.line, conv.how) == (
        True, False, 7, "definition")
    nielsen = read_convention(r"$$z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j$$")
    assert nielsen.from_first is False
    # θ^l maps layer l to l+1, and a^0 = x numbers the input 0
    ng = read_convention(r"$$a^0 = x$$ $$z^{l+1}_j = \sum_k w^{l}_{jk} a^{l}_k + b^{l}_j$$")
    assert (ng.from_first, ng.layer_of_source, ng.input_zero) == (False, True, True)
    assert read_convention(r"$$\frac{\partial C}{\partial w} = \delta a$$") is None


def test_the_convention_is_read_from_a_sentence():
    conv = read_convention(SENTENCE.read_text())
    assert (conv.from_first, conv.how, conv.line) == (True, "sentence", 3)
    into = read_convention("Here $w^l_{jk}$ is the weight from unit $k$ of layer $l-1$ "
                           "to unit $j$ of layer $l$.")
    assert into.from_first is False


def test_index_form_gets_a_wide_network_and_the_documents_notation():
    network, notation = document_network(FROM_FIRST, "sigmoid", "quadratic", True)
    assert len(set(network.widths)) > 1 and min(network.widths) >= 2
    assert notation.weights_from_first and "line 7" in notation.name
    # --notation given: the preset is used as given
    _, given = document_network(FROM_FIRST, "sigmoid", "quadratic", True,
                                notation="nielsen", notation_given=True)
    assert given == get_notation("nielsen")
    assert has_unit_indices(FROM_FIRST.read_text())
    assert not has_unit_indices(r"$$\frac{\partial C}{\partial w^{(2)}} = \delta^{(2)} x$$")


def test_correct_lines_get_a_tick_and_index_slips_are_caught():
    status = _status(_check(FROM_FIRST))
    for line in CORRECT:
        assert status[line] == {"correct"}, (line, status[line])
    for line in SLIPS:
        assert status[line] == {"wrong"}, (line, status[line])


def test_a_slip_is_named_in_the_documents_own_indices():
    report = _check(FROM_FIRST)
    msgs = dict(zip([v.line for v in report.verdicts], report.messages()))
    assert "$w^{(l+1)}_{kj}$ should be $w^{(l+1)}_{jk}$" in msgs[31]
    # the slip leads; the unit the swapped sum would need is only its symptom
    assert msgs[31].startswith("wrong unit indices"), msgs[31]


def test_a_convention_sentence_is_enough():
    status = _status(_check(SENTENCE))
    assert status[6] == status[8] == {"correct"}
    assert status[12] == status[14] == {"wrong"}


def test_read_as_nielsen_the_same_lines_disagree():
    # the preset reads w_ij as into i from j: the document's own definition is then
    # wrong, which is why the convention must come from the document
    network = Network("2-3-2")
    report = check_text(FROM_FIRST.read_text(), network, "nielsen", kind="md")
    status = _status(report)
    assert status[7] == {"wrong"} and status[31] == {"correct"}


def test_on_a_default_where_every_index_is_1_an_index_claim_is_unknown():
    network = Network("1-1-1")
    network.by_default = True  # the fall-back nobody chose
    report = check_text(FROM_FIRST.read_text(), network, "nielsen", kind="md")
    for v in report.verdicts:
        if v.line in SLIPS[:1]:
            assert (v.status, v.code) == ("unknown", "indices_all_one")
    msgs = dict(zip([v.line for v in report.verdicts], report.messages()))
    assert "every unit index is 1" in msgs[31]
    assert "correct" not in {v.status for v in report.verdicts if v.line in SLIPS}
    # a network the user gives is checked as given (bp_proof on 1-1-1-1 stays ✓)
    given = check_text(FROM_FIRST.read_text(), Network("1-1-1"), "nielsen", kind="md")
    assert "indices_all_one" not in {v.code for v in given.verdicts}


def test_the_command_line_reads_the_convention():
    out = CliRunner().invoke(cli, ["--check", str(FROM_FIRST)])
    assert out.exit_code == 1
    first = out.output.splitlines()[0]
    assert "2-3-2 network" in first and "w_{ij} is the weight from unit i into unit j" in first
    # with --layers but no --notation the document's indices still hold
    wide = CliRunner().invoke(cli, ["--check", str(SENTENCE), "--layers", "3-2-2"])
    assert wide.exit_code == 1 and "from unit i into unit j" in wide.output.splitlines()[0]


def test_the_fixtures_labels_hold_in_sympy():
    """δ_j = Σ_k δ_k w_jk f'(z_j) for a hidden layer of 3 into an output of 2, with w_ij
    from i into j, against sympy.diff of the composed cost; the w_kj slip differs."""
    W = sp.Matrix(3, 2, lambda i, j: sp.Symbol(f"w{i}{j}"))  # from hidden i into output j
    y = sp.symbols("y0:2")
    z1 = [sp.Symbol(f"z{j}") for j in range(3)]
    a1 = [1 / (1 + sp.exp(-z)) for z in z1]
    z2 = [sum(W[i, j] * a1[i] for i in range(3)) for j in range(2)]
    a2 = [1 / (1 + sp.exp(-z)) for z in z2]
    cost = sum((a2[j] - y[j]) ** 2 for j in range(2)) / 2
    point = {**{s: sp.Rational(n + 1, 7) for n, s in enumerate(W)},
             **{z1[j]: sp.Rational(j - 1, 3) for j in range(3)},
             y[0]: sp.Rational(1, 5), y[1]: sp.Rational(4, 5)}
    delta2 = [(a2[k] - y[k]) * a2[k] * (1 - a2[k]) for k in range(2)]  # quadratic, sigmoid
    for j in range(3):
        truth = sp.diff(cost, z1[j]).subs(point)
        right = sum(delta2[k] * W[j, k] for k in range(2)) * a1[j] * (1 - a1[j])
        assert abs(sp.N(truth - right.subs(point), 30)) < 1e-25
    for j in range(2):  # w_kj: W[k, j] (for j = 2 it does not even exist)
        slip = sum(delta2[k] * W[k, j] for k in range(2)) * a1[j] * (1 - a1[j])
        assert abs(sp.N(sp.diff(cost, z1[j]).subs(point) - slip.subs(point), 30)) > 1e-6


# -- the document's own cost and weighted input choose the network's options --------------

OWN_COST = FIXTURES / "layered_own_cost.md"


def test_the_cost_and_bias_are_read_from_the_definitions():
    from derive.check.read.convention import read_options

    opts = read_options(OWN_COST.read_text())
    assert (opts.cost, opts.bias, opts.single_layer, opts.lines) == (
        "squared-error", False, True, (3, 7))
    half = read_options(r"$$C = \frac{1}{2}(a^L - y)^2$$ $$z^l = w^l a^{l-1} + b^l$$")
    assert (half.cost, half.bias, half.single_layer) == ("quadratic", None, False)
    # δ^{l+1} in the text: l is not only the output layer
    deep = read_options(r"$$C = (a^l - y)^2$$ $$\delta^l = w^{l+1} \delta^{l+1}$$")
    assert deep.single_layer is False


def test_a_cost_without_its_half_is_checked_as_the_document_defines_it():
    # C = (a - y)^2 with a = σ(w x): ∂C/∂w = 2(a - y) σ'(z) x (by hand), which the ½-cost
    # default would have called wrong by a factor 2
    network, notation = document_network(OWN_COST, "sigmoid", "quadratic", True,
                                         defaulted={"cost", "no_bias", "notation"})
    assert network.widths == (1, 1) and network.cost_name == "squared-error"
    assert not network.bias
    report = _check_on(OWN_COST, network, notation)
    status = _status(report)
    for line in (5, 11, 13):
        assert status[line] == {"correct"}, (line, status[line])
    # the lines the cost and the weighted input were read from define the network: they
    # are listed as definitions, not ticked against themselves
    assert {3, 7} <= {t["line"] for t in report.not_claims} and 3 not in status
    assert status[17] == status[19] == {"wrong"}
    # a cost given on the command line wins
    given, _ = document_network(OWN_COST, "sigmoid", "quadratic", True, defaulted={"notation"})
    assert given.cost_name == "quadratic" and given.bias


def test_the_header_says_what_was_read_and_from_which_lines():
    out = CliRunner().invoke(cli, ["--check", str(OWN_COST)])
    assert out.exit_code == 1
    assert "as the document defines it" in out.output.splitlines()[0]
    assert "line 3, 7" in out.output.splitlines()[0]


def _check_on(path, network, notation):
    return check_text(path.read_text(), network, notation, kind="md", name=str(path))
