"""Conventions of real derivations: deeplearning.ai's bracketed layers and dX shorthand,
update rules written w^+, Kronecker's delta in softmax's index form.

Each fixture holds correct lines and planted slips; the expected verdict of every line
is a hand check (written next to it), not derive's own output.
"""
import json
from pathlib import Path

import pytest
import sympy as sp
from click.testing import CliRunner

from derive.command.cli import cli
from derive.model.network import Network
from derive.model.notation import get_notation
from derive.model.symbols import quantity
from derive.check.read.names import Context
from derive.check.read.parse import parse_side
from derive.check.read.text import Source

FIXTURES = Path(__file__).parent / "fixtures" / "check"


def statuses(name, *options):
    r = CliRunner().invoke(cli, [*options, "--check", str(FIXTURES / name), "--format", "json"])
    data = json.loads(r.stdout)
    out = {}
    for s in data["steps"]:
        out.setdefault(s["line"], []).append((s["status"], s["message"]))
    return out, data["summary"]


def read(text, layers="2-2-2"):
    ctx = Context(Network(layers), get_notation("nielsen"))
    return parse_side(Source(text).whole(), "latex", ctx)


# -- deeplearning.ai ----------------------------------------------------------------------

def test_bracket_layers_count_the_input_as_zero():
    assert read(r"a^{[0]}") == read(r"x")
    assert read(r"a^{[1]}_2") == quantity("a", 1, 1) == read(r"a^{(2)}_2")
    assert read(r"W^{[2]}_{12}") == quantity("w", 2, 0, 1)
    # the transpose inside the superscript, and A, Z as the layer's values
    assert read(r"A^{[1]T}") == read(r"(a^{[1]})^T")
    assert read(r"Z^{[2]}") == read(r"z^{(3)}")


def test_dx_shorthand_is_the_cost_derivative():
    assert read(r"dZ^{[2]}") == read(r"\frac{\partial C}{\partial z^{[2]}}")
    assert read(r"dW2") == read(r"\frac{\partial C}{\partial W^{[2]}}")
    assert read(r"db^{[1]}") == read(r"\frac{\partial C}{\partial b^{(2)}}")
    # the d of a derivative written as a fraction stays one
    assert read(r"\frac{dC}{da^{[2]}}") == read(r"\frac{\partial C}{\partial a^{[2]}}")


# hand checks on a 3-4-2 sigmoid network with the binary cross-entropy: δ = a − y at the
# output, dW = dZ aᵀ (2×4), W^{[2]T} dZ ⊙ σ'(z) one layer back
DLAI = {2: "correct", 3: "correct", 6: "correct", 7: "correct", 8: "correct", 9: "correct",
        10: "correct", 11: "correct", 12: "correct",
        16: "wrong",  # an extra σ'(z): the cross-entropy already cancelled it
        17: "wrong",  # A^{[2]T} for A^{[1]T}: 2×2, not 2×4
        18: "wrong",  # W^{[2]} without its transpose: 2×4 times 2×1
        22: "correct"}  # a batch of m examples: (1/m) Σ over the columns, checked per example


def test_dlai_fixture():
    got, _ = statuses("dlai_style.md", "--layers", "3-4-2", "--cost", "cross-entropy")
    assert {line: [s for s, _ in v] for line, v in got.items()} == {
        line: [s] for line, s in DLAI.items()}
    assert "shape mismatch" in got[17][0][1] and "transpose" in got[18][0][1]
    assert "batch of $m$ examples" in got[22][0][1]


def test_dlai_document_without_options_assumes_its_course_cost():
    got, summary = statuses("dlai_style.md")
    assert summary["network"]["cost"] == "cross-entropy"
    assert got[7][0][0] == "correct"  # dZ^{[2]} = A^{[2]} - Y
    assert got[16][0][0] == "wrong"


def test_star_is_elementwise_only_between_vectors():
    # two n×n matrices: numpy's * or the matrix product? never guessed
    got, _ = statuses_text(r"$$dW^{[1]} = W^{[1]} * W^{[1]}$$", "--layers", "2-2-1")
    assert got[1][0][0] == "unknown" and "ambiguous" in got[1][0][1]


def statuses_text(text, *options, tmp=Path("/tmp")):
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, dir=tmp) as fh:
        fh.write(text + "\n")
    try:
        return statuses(Path(fh.name), *options)
    finally:
        Path(fh.name).unlink()


# -- update rules ---------------------------------------------------------------------------

def test_update_marks_are_not_powers():
    got, _ = statuses("update_marks.md", "--layers", "2-2-1")
    assert {line: v[0][0] for line, v in got.items()} == {
        3: "correct", 4: "correct", 5: "correct", 6: "correct",
        10: "wrong",  # + η ∂C/∂w climbs the cost
        11: "wrong"}  # ∂C/∂w^{(3)} in the update of w^{(2)}
    assert all("update rule" in v[0][1] for v in got.values())


def test_update_of_a_number_is_not_an_identity():
    # w^+ = 0.4 - 0.5·0.08 is the new value: it must not be compared with w itself
    got, _ = statuses_text(r"$$w^{(3)+} = 0.4 - 0.5 \cdot 0.08$$", "--layers", "1-1-1")
    assert got[1][0][0] != "wrong"


# -- Kronecker's delta ----------------------------------------------------------------------

def test_softmax_jacobian_by_hand():
    # the identity the fixture's line 2 claims, checked with sympy on three outputs
    z = sp.symbols("z0:3")
    p = [sp.exp(zi) / sum(sp.exp(zk) for zk in z) for zi in z]
    for i in range(3):
        for j in range(3):
            assert sp.simplify(sp.diff(p[i], z[j]) - p[i] * (int(i == j) - p[j])) == 0


def test_kronecker_fixture():
    got, _ = statuses("kronecker_softmax.md", "--layers", "2-3", "--activation", "softmax",
                      "--cost", "log-likelihood")
    assert {line: v[0][0] for line, v in got.items()} == {
        2: "correct", 4: "correct", 5: "correct", 6: "correct",
        10: "wrong",  # 1 for δ_ij: wrong off the diagonal
        11: "wrong",  # a_i for a_j
        12: "wrong"}  # the chain rule without its sum over the outputs
    assert "Kronecker" in got[2][0][1]


def test_delta_with_one_index_is_still_the_error():
    from derive.check.limits import Unsupported
    from derive.model.symbols import Iverson

    assert not read(r"\delta^{(3)}_{j}").has(Iverson)
    with pytest.raises(Unsupported):
        read(r"\delta_{ii}")  # the same index twice: not Kronecker's


# -- Nielsen's gradients and Einstein's sums ------------------------------------------------

def test_nielsen_gradients_and_einstein_sums():
    # hand checks on 2-3-2 (sigmoid, quadratic): BP1–BP4 in ∇ form; ∂a_i/∂z_j = 0 off the
    # diagonal, so the implied sum over i is ∂C/∂a_j σ'(z_j) = δ_j
    got, _ = statuses("nielsen_einstein.md", "--layers", "2-3-2")
    assert {line: v[0][0] for line, v in got.items()} == {
        4: "correct", 5: "correct", 6: "correct", 7: "correct", 8: "correct", 9: "correct",
        14: "wrong",  # δ a without the transpose: 2×1 times 3×1
        15: "wrong",  # σ for σ'
        16: "wrong"}  # w_jk for w_kj under the implied sum
    assert "Einstein" in got[8][0][1] and "Einstein" in got[9][0][1]


def test_an_index_that_occurs_once_is_not_summed():
    from derive.check.judge.einstein import implied_sums
    from derive.check.read.forms import index_symbol

    i, j = index_symbol("i"), index_symbol("j")
    a, b = sp.IndexedBase("a"), sp.IndexedBase("b")
    assert implied_sums(a[j], b[i]) == (b[i], False)  # once: unbound, not summed
    assert implied_sums(a[i], a[i] * b[i]) == (a[i] * b[i], False)  # on the left: for every i
    summed, changed = implied_sums(a[j], a[i] * b[i] + b[j])
    assert changed and summed.has(sp.Symbol) and b[j] in summed.args
