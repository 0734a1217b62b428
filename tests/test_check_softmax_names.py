"""A softmax derivation in its own letters (``y_i = softmax(x)_i``, ``p_k``, ``\\hat{y}_j``,
``L = -Σ t_i ln y_i``): read as the softmax network it declares (read.softmaxnames), so
that its Jacobian and loss-gradient lines are proved and its slips caught.

Expected verdicts come from sympy on a softmax of 3 units (so that i ≠ j exists) with a
probability-vector target, never from derive: each claim of the fixtures is written
here in sympy, and it is correct exactly where it equals ``sympy.diff`` of the composed
loss at every index value of its case."""
import itertools
from pathlib import Path

import pytest
import sympy as sp

from derive.check.checker import check_text, notation_for
from derive.check.read.softmaxnames import read_softmax_names
from derive.model.network import Network

FIX = Path(__file__).parent / "fixtures" / "check"
N = 3
Z = sp.symbols("z1:4")
S = sum(sp.exp(z) for z in Z)
P = [sp.exp(z) / S for z in Z]
Y = list(sp.symbols("y1:3")) + [1 - sp.Symbol("y1") - sp.Symbol("y2")]  # Σ y = 1
LOSS = -sum(y * sp.log(p) for y, p in zip(Y, P))
H = sp.symbols("h1:3")
W = [[sp.Symbol(f"w{i}{j}") for j in range(N)] for i in range(2)]  # w_ij: from h_i into z_j
B = sp.symbols("b1:4")
ZL = [sum(W[i][j] * H[i] for i in range(2)) + B[j] for j in range(N)]
PL = [sp.exp(z) / sum(sp.exp(u) for u in ZL) for z in ZL]
LOSS_L = -sum(y * sp.log(p) for y, p in zip(Y, PL))


def delta(a, b):
    return 1 if a == b else 0


def holds(claim, truth, case=None, pairs=None):
    """sympy: whether ``claim(i, j)`` equals ``truth(i, j)`` at every index pair of ``case``."""
    for i, j in pairs or itertools.product(range(N), repeat=2):
        if case == "eq" and i != j or case == "ne" and i == j:
            continue
        if sp.simplify(truth(i, j) - claim(i, j)) != 0:
            return False
    return True


def dp(i, j):
    return sp.diff(P[i], Z[j])


def dloss(i, j):
    return sp.diff(LOSS, Z[j])


# line: (claim, truth, case, diagnosis of the slip) for softmax_names_cases.md, whose
# letters are y (output), x (scores), t (target), L (loss)
CASES = {
    (6, 0): (lambda i, j: sum(-Y[k] / P[k] * dp(k, j) for k in range(N)), dloss, None, None),
    (10, 0): (lambda i, j: (sp.exp(Z[i]) * S - sp.exp(Z[i]) ** 2) / S ** 2, dp, "eq", None),
    (12, 0): (lambda i, j: P[i] * (1 - P[i]), dp, "eq", None),
    (16, 0): (lambda i, j: -sp.exp(Z[i]) * sp.exp(Z[j]) / S ** 2, dp, "ne", None),
    (18, 0): (lambda i, j: -P[i] * P[j], dp, "ne", None),
    (22, 0): (lambda i, j: P[i] * P[j], dp, "ne", "sign"),
    (26, 0): (lambda i, j: P[i] * (1 - P[j]), dp, None, "missing_delta"),
    (28, 0): (lambda i, j: P[j] - Y[j], dloss, None, None),
    (28, 1): (lambda i, j: Y[j] - P[j], dloss, None, "sign"),
}
# softmax_names_kronecker.md: p (output), s (scores), y (target), E (loss); i, j = k, m
KRONECKER = {
    (5, 0): (lambda k, m: P[k] * (delta(k, m) - P[m]), dp, None, None),
    (7, 0): (lambda k, m: P[k] * (1 - P[m]), dp, None, "missing_delta"),
    (10, 0): (lambda k, m: sum(-Y[n] / P[n] * dp(n, m) for n in range(N)), dloss, None, None),
    (10, 1): (lambda k, m: sum(-Y[n] / P[n] * P[n] * (delta(n, m) - P[m]) for n in range(N)),
              dloss, None, None),
    (10, 2): (lambda k, m: P[m] - Y[m], dloss, None, None),
    (13, 0): (lambda k, m: -Y[m] / P[m] * dp(m, m), dloss, None, "missing_sum"),
    (15, 0): (lambda k, m: Y[m] - P[m], dloss, None, "sign"),
}
# softmax_names_hat.md: ŷ_i (written \hat{y_i}), s, y, \mathcal{L}
HAT = {
    (4, 0): (lambda i, j: P[i] * (delta(i, j) - P[j]), dp, None, None),
    (6, 0): (lambda i, j: P[i] - Y[i], lambda i, j: sp.diff(LOSS, Z[i]), None, None),
    (8, 0): (lambda i, j: Y[i] - P[i], lambda i, j: sp.diff(LOSS, Z[i]), None, "sign"),
}
# softmax_names_word.md: S, a, t and a loss named with a word, Loss
WORD = {
    (3, 0): (lambda i, j: P[i] * (delta(i, j) - P[j]), dp, None, None),
    (5, 0): (lambda i, j: P[j] - Y[j], dloss, None, None),
    (7, 0): (lambda i, j: -Y[j] / P[j] * P[j] * (1 - P[j]), dloss, None, None),
}
PAIRS = list(itertools.product(range(2), range(N)))  # (i, j): hidden unit i, output unit j
LAYER = {
    (5, 0): (lambda i, j: H[i], lambda i, j: sp.diff(ZL[j], W[i][j]), None, None),
    (15, 0): (lambda i, j: (PL[j] - Y[j]) * H[i], lambda i, j: sp.diff(LOSS_L, W[i][j]),
              None, None),
    (17, 0): (lambda i, j: PL[j] - Y[j], lambda i, j: sp.diff(LOSS_L, B[j]), None, None),
}


def _dpl(j):
    """∂ŷ_j/∂z_j of the layer fixture, with z_j an independent variable (then put back)."""
    u = sp.symbols("u1:4")
    p = sp.exp(u[j]) / sum(sp.exp(v) for v in u)
    return sp.diff(p, u[j]).subs(dict(zip(u, ZL)))


# the slip: the chain rule through ŷ_j alone, as if no other ŷ_k depended on z_j
LAYER[(7, 0)] = (lambda i, j: -Y[j] / PL[j] * _dpl(j) * H[i],
                 lambda i, j: sp.diff(LOSS_L, W[i][j]), None, "missing_sum")


def _report(name, layers="2-3"):
    text = (FIX / name).read_text()
    net = Network(layers, "softmax", "log-likelihood", True)
    return check_text(text, net, notation_for(text, "md", "nielsen"), kind="md", name=name)


def _keyed(report):
    seen, out = {}, {}
    for v in report.verdicts:
        k = seen.get(v.line, 0)
        seen[v.line] = k + 1
        out[(v.line, k)] = v
    return out


def test_the_sympy_oracle_tells_right_from_wrong():
    assert holds(lambda i, j: P[i] * (delta(i, j) - P[j]), dp)
    assert not holds(lambda i, j: P[i] * (1 - P[j]), dp)
    assert holds(lambda i, j: P[j] - Y[j], dloss) and not holds(lambda i, j: Y[j] - P[j], dloss)


@pytest.mark.parametrize("name, table, pairs", [
    ("softmax_names_cases.md", CASES, None),
    ("softmax_names_kronecker.md", KRONECKER, None),
    ("softmax_names_layer.md", LAYER, PAIRS),
    ("softmax_names_hat.md", HAT, None),
    ("softmax_names_word.md", WORD, None)])
def test_every_line_gets_the_verdict_sympy_gives(name, table, pairs):
    got = _keyed(_report(name))
    for key, (claim, truth, case, diagnosis) in table.items():
        expected = "correct" if holds(claim, truth, case, pairs) else "wrong"
        v = got[key]
        assert v.status == expected, (name, key, v.status, v.code)
        if expected == "wrong" and diagnosis is not None:
            assert v.diagnosis == diagnosis, (name, key, v.diagnosis)


def test_the_slips_are_named():
    text = _report("softmax_names_kronecker.md").render_text()
    assert "the sum over units is missing" in text
    assert "Kronecker's delta is missing: the $1$ in" in text and "$\\delta_{km}$" in text
    got = _keyed(_report("softmax_names_cases.md"))
    assert got[(22, 0)].diagnosis == "sign" and got[(28, 1)].diagnosis == "sign"


def test_the_readings_say_which_letter_is_which():
    text = _report("softmax_names_cases.md").render_text()
    assert ("as the document defines them, y the softmax output $a^L$ (line 3), x the softmax "
            "input $z^L$ (line 3), t the target $y$ (line 4), L the cost $C$ (line 4)") in text
    assert "$\\sum$ without its index read as the sum over the index of its body" in text


def test_the_definitions_are_not_claims_and_never_wrong():
    for name in ("softmax_names_cases.md", "softmax_names_kronecker.md",
                 "softmax_names_layer.md", "softmax_names_hat.md", "softmax_names_word.md"):
        report = _report(name)
        names = read_softmax_names((FIX / name).read_text())
        for v in report.verdicts:
            if v.line in names.lines():
                assert v.status != "wrong", (name, v.line)


def test_what_is_read_from_each_style():
    cases = read_softmax_names((FIX / "softmax_names_cases.md").read_text())
    assert (cases.output, cases.score, cases.target, cases.loss) == ("y", "x", "t", "L")
    layer = read_softmax_names((FIX / "softmax_names_layer.md").read_text())
    assert layer.aliases()["h"][0] == "below" and layer.aliases()["w"][0] == "weight"
    assert layer.aliases()["J"][0] == "cost" and "hat" not in layer.aliases()
    assert "y" not in layer.aliases()  # y is the target without being told
    hat = read_softmax_names((FIX / "softmax_names_hat.md").read_text())
    assert (hat.output, hat.score, hat.loss) == ("hat", "s", "L")  # \hat{y_i}, \mathcal{L}
    word = read_softmax_names((FIX / "softmax_names_word.md").read_text())
    assert (word.output, word.loss, word.target) == ("S", "Loss", "t")
    shared = read_softmax_names(
        "$$z_j = \\sum_i w_{ij} o_i + b$$\n$$o_j = \\frac{e^{z_j}}{\\sum_k e^{z_k}}$$\n"
        "$$E = -\\sum_j t_j \\log o_j$$\n")
    # o_j and o_i: two layers, each read from its own definition
    assert shared.aliases()["o"][2] == {"j": ("output", 2), "i": ("below", 1)}


@pytest.mark.parametrize("text", [
    "$$a^L_j = \\frac{e^{z^L_j}}{\\sum_k e^{z^L_k}}$$",  # derive's own letters need no names
    "$$z = \\sigma(x W)$$\n$$y_i = \\frac{\\exp(z_i)}{\\sum_k \\exp(z_k)}$$",  # z an activation
    "$$E = \\frac12 \\sum_k (t_k - o_k)^2$$",  # no softmax at all
])
def test_nothing_is_read_where_the_document_declares_no_softmax_of_its_own(text):
    assert read_softmax_names(text) is None


def test_a_sum_without_index_and_two_candidates_stays_unknown():
    text = ("Let $y_i = \\frac{e^{x_i}}{\\sum_c e^{x_c}}$ and $L = -\\sum_i t_i \\ln y_i$.\n\n"
            "$$\\frac{dL}{dx_j} = -\\sum t_i \\frac{1}{y_i} \\frac{dy_i}{dx_k}$$\n")
    net = Network("2-3", "softmax", "log-likelihood", True)
    report = check_text(text, net, "nielsen", kind="md", name="two.md")
    last = [v for v in report.verdicts if v.line == 3]
    assert last and all(v.status == "unknown" for v in last)


def test_with_no_options_the_cli_reads_the_names(tmp_path, capsys):
    from derive.command.cli import main

    path = tmp_path / "kron.md"
    path.write_text((FIX / "softmax_names_kronecker.md").read_text())
    with pytest.raises(SystemExit):
        main(["--check", str(path)])
    out = capsys.readouterr().out
    assert "p the softmax output $a^L$ (line 1)" in out and "the sum over units is missing" in out
    header = out.splitlines()[0]
    assert "the document's own letters" in header and "p (output, line 1)" in header
    assert "declares none" not in header


def test_a_slip_that_holds_only_for_two_classes_is_caught(tmp_path, capsys):
    """With two outputs p_j = 1 - p_i, so -p_i(1 - p_i) equals -p_i p_j where i ≠ j: the
    assumed softmax layer has three outputs, where sympy tells them apart."""
    from derive.command.cli import main

    assert not holds(lambda i, j: -P[i] * (1 - P[i]), dp, "ne")
    path = tmp_path / "two.md"
    path.write_text("Take $q_j = \\frac{e^{r_j}}{\\sum_k e^{r_k}}$ with $L = -\\sum_j y_j \\log q_j$.\n\n"
                    "If $i \\ne j$,\n\n$$\\frac{\\partial q_i}{\\partial r_j} = -q_i (1 - q_i)$$\n")
    with pytest.raises(SystemExit):
        main(["--check", str(path), "--format", "json"])
    import json

    steps = json.loads(capsys.readouterr().out)["steps"]
    assert [s["status"] for s in steps if s["line"] == 5] == ["wrong"]
