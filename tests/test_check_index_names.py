"""Issue 10: a forward pass written for one unit j of any layer (net_j = Σ_k w_kj o_k,
o_j = σ(net_j)) is index form, not a network of one-unit names.

Read as names, o_j = σ(net_j) declared a network whose cost was o_j and whose only
parameter was net_j, and ∂net_j/∂w_ij = o_i, a correct line, was called wrong.  The
fixture index_net_out.md is in the style of encyclopedia derivations; every line in it
is correct for a neuron j of the output layer (checked below with sympy), so none may
be called wrong."""
from pathlib import Path

import sympy as sp
from click.testing import CliRunner

from derive.check.checker import declared_network
from derive.command.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "check"
INDEX = FIXTURES / "index_net_out.md"


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
