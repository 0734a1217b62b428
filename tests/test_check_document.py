"""derive.check_document: `derive --check FILE` as one library call, the network chosen the
same way (the document's own forward pass, its sections, --layers, or a graph file)."""
import json
from pathlib import Path

import pytest
import sympy as sp
from click.testing import CliRunner

import derive
from derive.command.cli import cli
from derive.errors import SpecError

FIXTURES = Path(__file__).parent / "fixtures" / "check"
OWN = FIXTURES / "own_forward_pass.md"


def _cli(*args):
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    return [(s["line"], s["status"]) for s in json.loads(result.output)["steps"]]


def _sigmoid_slope_lines():
    """Lines 11 and 13 claim ∂a/∂z = a(1 - a) and a(1 + a) for a = σ(z): decided with sympy."""
    z = sp.Symbol("z")
    a = 1 / (1 + sp.exp(-z))
    slope = sp.diff(a, z)
    return [(11, "correct" if sp.simplify(slope - a * (1 - a)) == 0 else "wrong"),
            (13, "correct" if sp.simplify(slope - a * (1 + a)) == 0 else "wrong")]


def test_the_document_network_by_default():
    report = derive.check_document(str(OWN))
    assert [(v.line, v.status) for v in report.verdicts] == _sigmoid_slope_lines()
    assert _cli("--check", str(OWN)) == _sigmoid_slope_lines()


def test_layers_choose_the_network_and_its_definitions_are_checked():
    report = derive.check_document(str(OWN), layers="1-1-1")
    # y is the 1-1-1 network's target there, not σ(z): the definition is a wrong claim
    assert dict((v.line, v.status) for v in report.verdicts)[4] == "wrong"
    assert [(v.line, v.status) for v in report.verdicts] == _cli("--layers", "1-1-1",
                                                                  "--check", str(OWN))


def test_sections_each_with_its_own_network():
    two = FIXTURES / "sections_two_networks.md"
    got = [(v.line, v.status) for v in derive.check_document(str(two)).verdicts]
    assert got == _cli("--check", str(two))
    assert {line for line, _ in got} & set(range(1, 50)) and {line for line, _ in got} & set(
        range(50, 94))


def test_a_graph_and_layers_together_are_refused():
    with pytest.raises(SpecError, match="twice"):
        derive.check_document(str(OWN), layers="1-1-1",
                              graph=str(FIXTURES / "declared_minus_slip.graph"))
