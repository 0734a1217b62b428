"""A toy example inside a derivation, and cs231n's toy circuit (issue 10).

Answers that explain the chain rule stop for "a simple example" on one line
(``E = u^2 v + v, u = 3s, v = s^2``) and differentiate it; the lines about it are checked
on that function, the rest of the document on its network.  A circuit ``f = qz`` whose
letters are names of their own is the product q·z, never one name ``qz``.

The fixtures are ours (tests/fixtures/check/toy_example_in_notes.md, toy_circuit.md);
the truth of every line is computed here with sympy, not by derive."""
import json
from pathlib import Path

import sympy as sp
from click.testing import CliRunner

from derive.check import check_document
from derive.check.read.latexformula import split_letter_runs
from derive.command.cli import cli
from check_support import statuses_by_line

FIXTURES = Path(__file__).parent / "fixtures" / "check"
NOTES = FIXTURES / "toy_example_in_notes.md"
CIRCUIT = FIXTURES / "toy_circuit.md"
s, u, v = sp.symbols("s u v")
x, y, z, q = sp.symbols("x y z q")


def test_the_notes_toy_by_sympy():
    E = u**2 * v + v
    path = {u: 3 * s, v: s**2}
    total = sp.diff(E.subs(path), s)
    assert sp.expand(total - (36 * s**3 + 2 * s)) == 0
    by_paths = sp.diff(E, u) * 3 + sp.diff(E, v) * 2 * s
    for written in (2 * u * v * 3 + (u**2 + 1) * 2 * s, 6 * u * v + 2 * u**2 * s + 2 * s):
        assert sp.expand((written - by_paths).subs(path)) == 0
    one_path = (sp.diff(E, u) * 3).subs(path)
    assert sp.expand(one_path - total) != 0  # line 21: one path forgotten
    assert sp.expand(18 * s**3 + 2 * s - total) != 0


def test_the_toy_lines_are_checked_on_the_toy_and_the_rest_on_the_network():
    report = check_document(str(NOTES))
    lines = statuses_by_line(report)
    assert lines[5] == ["correct"] and lines[9] == ["correct"]  # the network's lines
    assert lines[17] == ["correct"] * 4, lines[17]
    assert lines[21] == ["wrong", "wrong"], lines[21]
    assert lines[25] == ["correct"], lines[25]  # back on the network
    head = report.render_text().splitlines()[:3]
    assert any("the example of line 13" in h and "lines 13–21" in h for h in head), head


def test_messages_stay_with_their_steps_in_line_order():
    report = check_document(str(NOTES))
    said = dict(zip(((v.line, v.source) for v in report.verdicts), report.messages()))
    forgotten = said[(21, r"\frac{dE}{ds} = \frac{\partial E}{\partial u}\frac{du}{ds}")]
    assert "through each of $u$, $v$" in forgotten
    assert said[(25, r"\delta^L_j = \frac{\partial C}{\partial a^L_j}\sigma'(z^L_j)")] == "correct"


def test_the_circuit_by_sympy_and_by_derive():
    f = (x + y) * z
    assert sp.diff(f, x) == z and sp.diff(f, y) == z  # line 15's -z is the slip
    assert sp.diff(q * z, q) == z  # line 19's x is wrong
    result = CliRunner().invoke(cli, ["--check", str(CIRCUIT), "--format", "json"])
    data = json.loads(result.output)
    got = {}
    for step in data["steps"]:
        got.setdefault(step["line"], []).append(step["status"])
    for line in (5, 9, 13):
        assert got[line] == ["correct", "correct"], (line, got[line])
    assert got[15] == ["correct", "wrong"] and got[19] == ["wrong"], got
    slip = [st for st in data["steps"] if st["line"] == 15][1]
    assert "sign" in slip["message"]
    assert result.exit_code == 1


def test_a_run_of_letters_splits_only_into_names_of_the_document():
    defined = {"q": "x + y", "f": "qz"}
    assert split_letter_runs(defined, {"q", "z", "x", "y"})["f"] == "( q * z )"
    assert split_letter_runs(defined, {"q", "x", "y"})["f"] == "qz"  # z is no name here
    assert split_letter_runs({"out": "net + b"}, {"n", "e", "t", "b"})["out"] == "net + b"
