"""Two kinds of line that define rather than claim (issue 10), seen in real index-form
notes: a symbol said in words (``$L_h = input$``) and a toy example's own letters
(``C = x^2 + xy, x = 2z, y = z^2``), where on a network nobody chose the input x or the
target y would be "derived" from other letters.  Neither is ever called wrong; the
document's real claims are still judged.  The fixture is our own."""
import json
from pathlib import Path

import sympy as sp
from click.testing import CliRunner

from derive.command.cli import cli

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "toy_and_words.md"


def _check(*options):
    result = CliRunner().invoke(cli, ["--check", str(FIXTURE), "--format", "json", *options])
    return json.loads(result.output), result.exit_code


def test_words_and_toy_letters_are_not_claims_and_the_network_is_still_judged():
    z = sp.Symbol("z")
    s = 1 / (1 + sp.exp(-z))
    assert sp.simplify(sp.diff(s, z) - s * (1 - s)) == 0  # line 11 holds
    assert sp.simplify(sp.diff(s, z) - s * (1 + s)) != 0  # line 17 does not
    data, code = _check()
    by_line = {}
    for step in data["steps"]:
        by_line.setdefault(step["line"], []).append(step["status"])
    assert 3 not in by_line and 7 not in by_line  # nothing on them is judged
    taken = {(n["line"], n["source"]) for n in data["summary"]["not_claims"]}
    assert {(3, "A_h = input"), (3, "A_o = output"), (7, "x = 3z"), (7, "y = z^2")} <= taken
    assert by_line[11] == ["correct"] and by_line[13] == ["correct"]
    assert by_line[17] == ["wrong"] and code == 1


def test_a_network_the_user_chose_still_judges_the_toy_letters():
    data, _ = _check("--layers", "1-1-1")
    statuses = {s["source"]: s["status"] for s in data["steps"] if s["line"] == 7}
    assert statuses["x = 3z"] == "wrong"
    taken = {n["source"] for n in data["summary"]["not_claims"]}
    assert "A_h = input" in taken  # a word is never a formula, whoever chose the network


def test_a_word_with_a_subscript_is_not_refuted_as_a_product():
    data, _ = _check()
    step = next(s for s in data["steps"] if s["line"] == 21)
    assert step["status"] == "unknown"
    assert "net_3 is read letter by letter" in step["message"]
    assert "--graph" in step["message"]
