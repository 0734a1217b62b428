"""Issue 10: a softmax in index form, with one unit written out over three lettered units.

Real answers define the layer for unit k (a_k = e^{s_k} / Σ_m e^{s_m}) and then, to
show it, write one unit out (o_b = e^{z_b} / (e^{z_a} + e^{z_b} + e^{z_c})) and differentiate it.  Two things
went wrong on that: the written-out line was read as the document's own network (cost
o_b), so the index-form lines around it were unknown and a missing sum over the softmax
went uncaught; and, read as a claim for all p, q, r, the written-out line was called
wrong at p = q = r, where nobody meant it.  The fixture is ours, in that style."""
import json
from pathlib import Path

import sympy as sp
from click.testing import CliRunner

from derive.check.checker import declared_network
from derive.command.cli import cli

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "index_softmax_instance.md"


def _run(path):
    r = CliRunner().invoke(cli, ["--check", str(path), "--format", "json"])
    return r, {s["line"]: s for s in json.loads(r.stdout)["steps"]}


def _softmax_net():
    h1, h2, b, y1, y2, y3 = sp.symbols("h1 h2 b y1 y2 y3")
    w = sp.Matrix(2, 3, lambda j, k: sp.Symbol(f"w{j + 1}{k + 1}"))
    s = [w[0, k] * h1 + w[1, k] * h2 + b for k in range(3)]
    total = sum(sp.exp(x) for x in s)
    a = [sp.exp(x) / total for x in s]
    c = -(y1 * sp.log(a[0]) + y2 * sp.log(a[1]) + y3 * sp.log(a[2]))
    return w, s, a, c, (h1, h2), (y1, y2, y3)


def test_the_fixture_labels_hold_on_a_composed_softmax():
    w, s, a, c, h, y = _softmax_net()
    # line 15, for j = 1, k = 1: the product through a_1 alone is not ∂C/∂w_11
    shortcut = (-y[0] / a[0]) * a[0] * (1 - a[0]) * h[0]
    at = {sym: sp.Rational(n + 2, 7) for n, sym in enumerate(sorted(c.free_symbols, key=str))}
    assert abs(float((sp.diff(c, w[0, 0]) - shortcut).subs(at))) > 1e-3
    # line 19 and the written-out line 25, for q = 2 between p = 1 and r = 3
    assert sp.diff(s[0], w[0, 0]) == h[0]
    assert sp.simplify(a[1] - sp.exp(s[1]) / (sp.exp(s[0]) + sp.exp(s[1]) + sp.exp(s[2]))) == 0
    # line 29: the written-out unit's slope along its own input
    s2 = sp.Symbol("s2")
    a2 = a[1].subs(s[1], s2)
    assert sp.simplify(sp.diff(a2, s2) - a2 * (1 - a2)) == 0


def test_the_written_out_unit_is_no_network_of_names():
    assert declared_network(FIXTURE) is None


def test_the_missing_sum_is_caught_and_the_written_out_unit_confirmed():
    r, steps = _run(FIXTURE)
    assert r.exit_code == 1
    assert steps[15]["status"] == "wrong"
    assert "sum over units is missing" in steps[15]["message"]
    assert {n: steps[n]["status"] for n in (5, 9, 19, 21, 25, 29)} == dict.fromkeys(
        (5, 9, 19, 21, 25, 29), "correct")
    assert "p, q, r read as different units" in steps[25]["message"]


def test_a_line_that_only_holds_for_different_units_is_still_wrong(tmp_path):
    # -o_j o_k is ∂o_k/∂s_j only for j ≠ k; written as if for all j, it is wrong at j = k
    doc = FIXTURE.read_text().split("A tempting")[0] + (
        "$$\\frac{\\partial o_k}{\\partial s_j} = -o_j o_k$$\n")
    path = tmp_path / "d.md"
    path.write_text(doc)
    _, steps = _run(path)
    line = len(doc.splitlines())
    assert steps[line]["status"] == "wrong"
    assert "different units" not in steps[line]["message"]
