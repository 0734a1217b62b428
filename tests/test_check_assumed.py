"""No network given and none declared: derive assumes one, and says so.

The 1-1-1 default has one unit per layer, so a statement about units j, k is only
tried at j = k = 1 there; such statements are judged on two units per layer
instead (checker._wide_checker), and a document that uses softmax is judged on a
softmax output with the log-likelihood cost.  The verdicts below are hand checks:
the BP identities hold for any sigmoid network, the planted index swaps differ as
soon as a layer has two units, a softmax chain rule needs its sum over the outputs,
and softmax with its log-likelihood gives δ = a − y.
"""
import json
from pathlib import Path

from click.testing import CliRunner

from derive.command.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "check"


def verdicts(name):
    r = CliRunner().invoke(cli, ["--check", str(FIXTURES / name), "--format", "json"])
    data = json.loads(r.stdout)
    return {s["line"]: (s["status"], s["message"]) for s in data["steps"]}, data["summary"]


def test_unit_statements_are_judged_on_two_units():
    got, summary = verdicts("assumed_units.md")
    # an index-form document is read on a network whose layers tell its indices apart
    # (read.convention picks 2-3-2); a 1-1-1 default would be widened to 2-2-2
    assert min(summary["network"]["layers"]) >= 2
    for line in (5, 7, 9, 11, 15):  # BP1 with and without its sum, BP2, BP4
        assert got[line][0] == "correct", (line, got[line])
    # w_jk for w_kj, a_j δ_k for a_k δ_j: both hold at j = k = 1 on the 1-1-1 default
    assert got[13][0] == "wrong" and "wrong unit indices" in got[13][1]
    assert got[17][0] == "wrong"


def test_derivative_of_an_undefined_letter_is_not_zero():
    got, summary = verdicts("assumed_units.md")
    # E is never defined: ∂E/∂w = 0 = ∂E/∂z · ∂z/∂w would be a ✓ proving nothing; the
    # line is unknown, or (its first '=' naming what nothing else defines) listed as not
    # a claim, and never silently dropped
    if 19 in got:
        # or a ✓ that holds for every loss: the chain rule is linear in E's derivatives,
        # so E is read as any cost of the outputs (anycost.py), never as a constant
        assert got[19][0] == "unknown" and "E" in got[19][1] or (
            got[19][0] == "correct" and "read as any cost of the outputs" in got[19][1])
    else:
        assert [n["line"] for n in summary["not_claims"]] == [19]


def test_softmax_document_gets_a_softmax_output():
    got, summary = verdicts("assumed_softmax.md")
    assert summary["network"]["activations"][-1] == "softmax"
    assert summary["network"]["cost"] == "log-likelihood"
    assert got[5][0] == "correct"  # the chain rule with its sum over k
    assert got[7][0] == "wrong"  # without the sum: ✓ on one sigmoid unit before
    assert got[9][0] == "correct"  # δ = a − y, wrong on the quadratic default


def test_a_given_network_is_never_replaced():
    r = CliRunner().invoke(cli, ["--layers", "1-1-1", "--check", str(FIXTURES / "assumed_units.md"),
                                 "--format", "json"])
    data = json.loads(r.stdout)
    assert data["summary"]["network"]["layers"] == [1, 1, 1]
    got = {s["line"]: s["status"] for s in data["steps"]}
    assert got[13] == "correct"  # on one unit per layer the index swap cannot be seen


def test_derivative_between_undefined_letters_is_not_zero(tmp_path):
    # p_i and o_k are never defined: ∂ log p_i/∂o_k is not 0 (p_i may be softmax(o)_i)
    doc = tmp_path / "d.md"
    doc.write_text(r"$$\frac{\partial L}{\partial o_k} = - \sum_i y_i \frac{\partial \log p_i}"
                   r"{\partial o_k}$$" "\n")
    r = CliRunner().invoke(cli, ["--check", str(doc), "--format", "json"])
    step = json.loads(r.stdout)["steps"][0]
    assert step["status"] == "unknown" and "derivative is not known" in step["message"]


def test_the_report_says_the_network_was_assumed():
    r = CliRunner().invoke(cli, ["--check", str(FIXTURES / "assumed_units.md")])
    assert "on a 2-3-2 network" in r.stdout.splitlines()[0]
    assert "assumed: no network was given" in r.stdout.splitlines()[0]
    r = CliRunner().invoke(cli, ["--layers", "2-2-2", "--check", str(FIXTURES / "assumed_units.md")])
    assert "assumed:" not in r.stdout.splitlines()[0]
