"""A fragment that defines no loss (issue 10): the lines that need it are open, with
the quantity that is missing and what decides it, never wrong and never "x takes 1 unit
index"; the lines that do not need it are still judged.

Fixtures are our own: a net/out forward pass whose loss is still to come, and the
backward recursion from a chat where nobody said which cost.  What each line should
get is worked out here with sympy, not taken from derive."""
from pathlib import Path

import sympy as sp
from click.testing import CliRunner

from derive.command.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "check"


def _steps(path):
    import json

    result = CliRunner().invoke(cli, ["--check", str(path), "--format", "json"])
    data = json.loads(result.output)
    out = {}
    for s in data["steps"]:
        out.setdefault(s["line"], []).append((s["status"], s["message"]))
    return out, result.exit_code


def _sig(z):
    return 1 / (1 + sp.exp(-z))


def test_a_forward_pass_without_its_loss_is_still_the_network():
    w1, w2, w5, b1, b2, i1, i2 = sp.symbols("w1 w2 w5 b1 b2 i1 i2")
    net_h = w1 * i1 + w2 * i2 + b1
    out_h = _sig(net_h)
    net_o = w5 * out_h + b2
    n = sp.Symbol("n")
    d = sp.diff(_sig(n), n)
    zero = lambda e: sp.simplify(e) == 0  # noqa: E731
    truth = {15: zero(d - _sig(n) * (1 - _sig(n))), 17: zero(sp.diff(net_o, w5) - out_h),
             19: sp.diff(w5 * sp.Symbol("h") + b2, sp.Symbol("h")) == w5,
             23: zero(d - _sig(n) * (1 + _sig(n)))}
    assert truth == {15: True, 17: True, 19: True, 23: False}
    steps, code = _steps(FIXTURES / "fragment_no_loss.md")
    assert code == 1
    for line, right in truth.items():
        assert steps[line][0][0] == ("correct" if right else "wrong"), (line, steps[line])
    for line in (5, 7, 9, 11):  # the forward pass, read as the network
        assert steps[line][0][0] == "correct"
    for line in (27, 29):  # they need E, which no line defines
        status, message = steps[line][0]
        assert status == "unknown"
        assert "needs the loss E, which the document never defines" in message
        assert "out_o1" in message and "--graph" in message
    assert not any("unit index" in m for got in steps.values() for _, m in got)


def test_the_header_says_the_loss_is_not_defined():
    result = CliRunner().invoke(cli, ["--check", str(FIXTURES / "fragment_no_loss.md")])
    first = result.output.splitlines()[0]
    assert "its own forward pass (lines 5, 7, 9, 11)" in first
    assert "cost E (which no line defines" in first


def test_an_output_error_that_depends_on_the_unsaid_cost_is_open():
    # δ^L_j = a^L_j − y_j: wrong for the quadratic cost with a sigmoid output, right for
    # the cross-entropy one; the document says neither
    a, y, z = sp.symbols("a y z", positive=True)
    out = _sig(z)
    quadratic = sp.diff((out - y) ** 2 / 2, z)
    cross = sp.diff(-(y * sp.log(out) + (1 - y) * sp.log(1 - out)), z)
    assert sp.simplify(quadratic - (out - y)) != 0
    assert sp.simplify(cross - (out - y)) == 0
    steps, code = _steps(FIXTURES / "fragment_no_cost.md")
    status, message = steps[11][0]
    assert status == "unknown"
    assert "depends on the cost, which the document never defines" in message
    assert "cross-entropy" in message and "--cost" in message
    # the lines that hold whatever the cost is are judged, and the index slip is caught
    for line in (3, 5, 7):
        assert steps[line][0][0] == "correct", (line, steps[line])
    assert steps[15][0][0] == "wrong" and code == 1


def test_the_cost_given_decides_it():
    result = CliRunner().invoke(cli, ["--check", str(FIXTURES / "fragment_no_cost.md"),
                                      "--cost", "cross-entropy", "--format", "json"])
    import json

    steps = {s["line"]: s["status"] for s in json.loads(result.output)["steps"]}
    assert steps[11] == "correct"


def test_a_cost_given_as_an_option_is_the_cost():
    import json

    result = CliRunner().invoke(cli, ["--check", str(FIXTURES / "fragment_no_cost.md"),
                                      "--cost", "quadratic", "--format", "json"])
    steps = {s["line"]: s["status"] for s in json.loads(result.output)["steps"]}
    assert steps[11] == "wrong"
