"""A notebook that writes its network with matrices, numpy's way: the input as layer 0,
vectors as rows (``z_1 = a_0 W_1 + b_1^T``), the weights given as matrices whose sizes say
the layers' widths, and an update rule followed by its numbers chain by chain.

The fixtures are ours (tests/fixtures/check/matrix_notebook*.ipynb); every number in them
is recomputed here with mpmath from the given matrices, never by derive."""
from pathlib import Path

import mpmath as mp
import pytest

from derive.check import check_document
from derive.check.checker import read_document
from derive.check.read.matrixpass import read_matrix_pass

FIXTURES = Path(__file__).parent / "fixtures" / "check"
RIGHT, MISTAKES = FIXTURES / "matrix_notebook.ipynb", FIXTURES / "matrix_notebook_mistakes.ipynb"


def _example():
    """The fixture's example, by hand: x = [2, 1], y = 0.2, sigmoid layers, J = ½(a − y)²."""
    mp.mp.dps = 30
    x, y, eta = [mp.mpf(2), mp.mpf(1)], mp.mpf("0.2"), mp.mpf("0.5")
    w1 = [[mp.mpf("0.1"), mp.mpf("-0.2"), mp.mpf("0.3")], [mp.mpf("0.4"), mp.mpf("0.5"), mp.mpf("-0.6")]]
    w2, b1, b2 = [mp.mpf("0.7"), mp.mpf("-0.8"), mp.mpf("0.9")], mp.mpf("0.1"), mp.mpf("0.2")

    def s(t):
        return 1 / (1 + mp.exp(-t))

    z1 = [x[0] * w1[0][j] + x[1] * w1[1][j] + b1 for j in range(3)]
    a1 = [s(t) for t in z1]
    z2 = sum(a * w for a, w in zip(a1, w2)) + b2
    a2 = s(z2)
    d2 = (a2 - y) * a2 * (1 - a2)
    d1 = [d2 * w2[j] * a1[j] * (1 - a1[j]) for j in range(3)]
    g2 = [a * d2 for a in a1]
    # the cost by central differences in W_2, independently of the chain rule above
    h = mp.mpf("1e-12")

    def cost(w):
        return (s(sum(a * v for a, v in zip(a1, w)) + b2) - y) ** 2 / 2

    fd = [(cost([v + h * (i == k) for i, v in enumerate(w2)])
           - cost([v - h * (i == k) for i, v in enumerate(w2)])) / (2 * h) for k in range(3)]
    return dict(z1=z1, a1=a1, z2=z2, a2=a2, d2=d2, d1=d1, g2=g2, fd=fd,
                w2new=[w - eta * g for w, g in zip(w2, g2)])


def test_the_fixtures_numbers_are_the_examples():
    e = _example()
    assert [float(mp.nint(t * 10) / 10) for t in e["z1"]] == [0.7, 0.2, 0.1]
    assert all(abs(g - f) < 1e-15 for g, f in zip(e["g2"], e["fd"]))
    printed = {"a1": [0.6682, 0.5498, 0.5250], "z2": [0.7003], "a2": [0.6683], "d2": [0.1038],
               "d1": [0.0161, -0.0206, 0.0233], "g2": [0.0694, 0.0571, 0.0545],
               "w2new": [0.6653, -0.8285, 0.8728]}
    for name, values in printed.items():
        got = e[name] if isinstance(e[name], list) else [e[name]]
        assert all(abs(g - v) <= 0.00005 for g, v in zip(got, values)), name
    # the mistakes' numbers are off by more than their rounding
    assert abs(e["a2"] - mp.mpf("0.6863")) > 0.01 and abs(e["w2new"][1] + mp.mpf("0.7715")) > 0.05


def test_the_network_is_read_from_the_matrices_and_the_forward_pass():
    text, name, kind = read_document(str(RIGHT))
    got = read_matrix_pass(text, kind, name)
    assert got.widths == (2, 3, 1) and got.input_zero and got.rows and got.bias_column
    assert [s[:3] for s in got.sizes] == [("W_1", 2, 3), ("W_2", 3, 1)]


def test_every_correct_line_is_ticked():
    report = check_document(str(RIGHT))
    assert {v.status for v in report.verdicts} == {"correct"}, report.render_text()
    assert len(report.verdicts) == 22
    header = report.render_text().splitlines()[0]
    assert "2-3-1 network" in header and "the input is layer 0" in header
    assert "W_1 2×3, cell 1 line 6" in header and "forward pass, cell 3 line 5" in header
    assert report.summary()["read_from"][0] == {"what": "W_1", "size": "2×3", "line": 6, "cell": 1}


@pytest.mark.parametrize("source, said", [
    ("= 0.6863", "differ from the 2nd significant digit"),
    (r"\delta_2 = \frac{\partial J}{\partial a_2}", "is missing"),
    (r"\delta_1 = (\delta_2 W_2) \odot f'_1(z_1)", "a transpose is missing"),
    (r"\frac{\partial J}{\partial W_1} = \delta_1^T a_0", "the left side is 2×3 but the right side is 3×2"),
    (r"= \begin{bmatrix} 0.6653\\ -0.7715\\ 0.8728 \end{bmatrix}", "-0.82853863"),
])
def test_each_planted_mistake_is_caught_and_named(source, said):
    report = check_document(str(MISTAKES))
    found = [(v, m) for v, m in zip(report.verdicts, report.messages()) if v.source == source]
    assert found and found[0][0].status == "wrong" and said in found[0][1]


def test_the_mistakes_leave_the_other_lines_ticked():
    report = check_document(str(MISTAKES))
    assert report.counts()["wrong"] == 5 and report.counts()["correct"] == 17
    assert report.counts()["unknown"] == report.counts()["unparsed"] == 0


def test_a_new_value_written_after_its_rule_is_not_a_given(tmp_path):
    """W_2 = [numbers] after W_2 := W_2 - (η/m) ∂J/∂W_2 is the new value (m = 1: the
    example is one input), not the example's W_2 given again."""
    text = RIGHT.read_text().replace(r"W_2 - \\eta \\frac", r"W_2 - \\frac{\\eta}{m} \\frac")
    assert r"\\frac{\\eta}{m}" in text
    path = tmp_path / "batch.ipynb"
    path.write_text(text)
    report = check_document(str(path))
    last = [(v, m) for v, m in zip(report.verdicts, report.messages()) if v.cell == 5]
    assert [v.status for v, _ in last] == ["correct"] * 3
    assert "over a batch" in last[0][1] and "with m = 1" in last[2][1]
    path.write_text(text.replace("0.6653", "0.7001"))
    last = [v for v in check_document(str(path)).verdicts if v.cell == 5]
    assert [v.status for v in last] == ["correct", "correct", "wrong"]


def test_a_general_layer_written_as_subscripts(tmp_path):
    """z_l = a_{l-1}W_l + b_l^T for every l: a_l, W_{l+1}, δ_{l+1} are whole layers and
    vectors are rows.  On one unit per layer W and W^T agree, so the matrix lines are judged
    on two units per layer, where the missing transpose and the wrong layer are wrong."""
    from derive.check.read.matrixpass import read_subscript_layers

    path = FIXTURES / "matrix_general_layer.md"
    text, name, kind = read_document(str(path))
    got = read_subscript_layers(text, kind, name)
    assert got.rows and got.bias_column and got.definitions == (5,)
    report = check_document(str(path))
    verdicts = {v.source: v.status for v in report.verdicts}
    assert verdicts[r"\frac{\partial J}{\partial a_l} = \delta_{l+1} W_{l+1}^T"] == "correct"
    assert verdicts[r"\frac{\partial J}{\partial W_l} = a_{l-1}^T \delta_l"] == "correct"
    assert verdicts[r"\frac{\partial J}{\partial a_l} = \delta_{l+1} W_{l+1}"] == "wrong"
    assert verdicts[r"\frac{\partial J}{\partial W_l} = a_{l}^T \delta_l"] == "wrong"
    # ∂J/∂a_l ⊙ ∂a_l/∂z_l: a Jacobian in rows as a whole layer, meant entry by entry
    entry = next(m for v, m in zip(report.verdicts, report.messages())
                 if v.source == r"= \frac{\partial J}{\partial a_l} \odot \frac{\partial a_l}{\partial z_l}")
    assert entry.startswith("correct") and "entry by entry" in entry
