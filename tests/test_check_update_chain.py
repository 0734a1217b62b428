"""Every link of an update rule's chain is the new value (w₂ = w₂ - η dL/dw₂ = 0.5 -
0.1·0.2811 = 0.4719), and arithmetic after a number nothing decides is not ✓: a real
post's wrong update 0.5 - 0.1·0.069 = 0.4931 was certified twice.  Values from sympy."""
import sympy as sp

from derive.check import check_document

FORWARD = r"""$$z_1 = x \cdot w_1 = 1.0 \cdot 0.5 = 0.5$$

$$a_1 = \text{ReLU}(z_1) = 0.5$$

$$z_2 = a_1 \cdot w_2 = 0.5 \cdot 0.5 = 0.25$$

$$a_2 = \text{Sigmoid}(z_2)$$

$$L = -\left[y \cdot \log(a_2) + (1 - y) \cdot \log(1 - a_2)\right]$$

Since $y = 0$,

"""


def _gradient():
    """dL/dw₂ at x = 1, w₁ = w₂ = 0.5, y = 0, for L = -log(1 - σ(w₂ relu(x w₁)))."""
    x, w1, w2 = sp.symbols("x w1 w2")
    a2 = 1 / (1 + sp.exp(-w2 * sp.Max(0, x * w1)))
    g = sp.diff(-sp.log(1 - a2), w2).subs({x: 1, w1: sp.Rational(1, 2), w2: sp.Rational(1, 2)})
    return float(g)


def test_the_numbers_of_an_update_are_its_new_value(tmp_path):
    g = _gradient()
    assert abs(g - 0.2811) < 5e-5 and abs(0.5 - 0.1 * g - 0.4719) < 5e-5
    path = tmp_path / "update.md"
    path.write_text(FORWARD + "$$w_2 = w_2 - \\eta \\cdot \\frac{dL}{dw_2} = 0.5 - 0.1 \\cdot 0.2811"
                              " = 0.4719$$\n")
    got = [v.status for v in check_document(str(path)).verdicts if v.line == 13]
    assert got == ["correct", "correct", "correct"]


def test_a_wrong_gradients_update_is_never_ticked(tmp_path):
    assert abs(_gradient() - 0.069) > 0.1  # the post's 0.069 is not dL/dw₂
    path = tmp_path / "update.md"
    path.write_text(FORWARD + "$$w_2 = w_2 - \\eta \\cdot \\frac{dL}{dw_2} = 0.5 - 0.1 \\cdot 0.069"
                              " = 0.4931$$\n")
    report = check_document(str(path))
    steps = [v for v in report.verdicts if v.line == 13]
    assert steps[0].status == "correct"  # the rule itself
    assert [v.status for v in steps[1:]] == ["unknown", "unknown"]
    assert steps[2].code == "follows_open"


def test_a_rate_over_a_batch_is_a_rate_and_twice_the_rate_is_not(tmp_path):
    path = tmp_path / "rate.md"
    path.write_text("$$w^{(3)} := w^{(3)} - \\frac{\\eta}{m} \\frac{\\partial C}{\\partial w^{(3)}}$$\n\n"
                    "$$w^{(3)} := w^{(3)} - 2\\eta \\frac{\\partial C}{\\partial w^{(3)}}$$\n")
    report = check_document(str(path), layers="1-1-1")
    assert [v.status for v in report.verdicts] == ["correct", "wrong"]
    assert "over a batch of examples" in report.render_text()


def test_a_rate_stated_in_words_decides_the_numbers_of_an_update(tmp_path):
    """"With a learning rate of `0.1`": the rate is given, so the update that uses the
    wrong gradient 0.069 is wrong, not open; the right one is still ✓."""
    from derive.check.read.prose import stated_rate

    assert stated_rate("With a learning rate of `0.1`, the optimizer updates:") == ("eta", sp.Rational(1, 10))
    assert stated_rate("a learning rate of 0.1, then a learning rate of 0.01") is None
    path = tmp_path / "update.md"
    path.write_text(FORWARD + "With a learning rate of `0.1`, the optimizer updates:\n\n"
                    "$$w_2 = w_2 - \\eta \\cdot \\frac{dL}{dw_2} = 0.5 - 0.1 \\cdot 0.069 = 0.4931$$\n\n"
                    "$$w_2 = w_2 - \\eta \\cdot \\frac{dL}{dw_2} = 0.5 - 0.1 \\cdot 0.2811 = 0.4719$$\n")
    report = check_document(str(path))
    wrong = [v for v in report.verdicts if v.line == 15]
    right = [v for v in report.verdicts if v.line == 17]
    assert [v.status for v in wrong] == ["correct", "wrong", "wrong"]
    assert [v.status for v in right] == ["correct"] * 3
