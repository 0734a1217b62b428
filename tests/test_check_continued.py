"""A derivation in displays of its own, each step named in words between them
("Linearity: $$\\frac{dL}{d\\hat y} = …$$ Derivative of the logarithm: $$= …$$"): a display
that starts with "=" goes on with the chain before it.  Also read here: the operator
d/dŷ acts on the whole product after it, and a loss -(y log ŷ + (1 - y) log(1 - ŷ)) says
the cost is the cross-entropy one.  Our fixture: tests/fixtures/check/continued_displays.md."""
from pathlib import Path

import sympy as sp

from derive.check import check_document
from derive.check.read.convention import read_options
from derive.model.network import Network
from derive.model.notation import get_notation
from derive.check.judge.verify import Checker
from derive.check.read.text import Source

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "continued_displays.md"


def test_the_fixtures_steps_by_sympy():
    y, p = sp.symbols("y p")
    loss = -(y * sp.log(p) + (1 - y) * sp.log(1 - p))
    right = -(y / p - (1 - y) / (1 - p))
    slip = -(y / p + (1 - y) / (1 - p))
    assert sp.simplify(sp.diff(loss, p) - right) == 0
    assert sp.simplify(sp.diff(loss, p) - slip) != 0


def test_a_display_starting_with_equals_continues_the_chain():
    report = check_document(str(FIXTURE))
    steps = [(v.line, v.status) for v in report.verdicts]
    assert steps == [(5, "correct"), (7, "correct"), (9, "wrong")]
    assert "cross-entropy cost" in report.render_text().splitlines()[0]
    assert "sign is flipped" in report.messages()[-1]


def test_the_cost_is_read_from_a_binary_cross_entropy_definition():
    opts = read_options(FIXTURE.read_text(), "md")
    assert opts.cost == "cross-entropy" and opts.lines == (1,)
    # a mean over m examples indexes examples with i: not read as the outputs' cost
    batch = "$$J = -\\frac{1}{m}\\sum_{i=1}^m y_i\\log(\\hat y_i)+(1-y_i)\\log(1-\\hat y_i)$$\n"
    assert read_options(batch, "md").cost is None


def test_a_derivative_operator_takes_the_whole_product_after_it():
    c = Checker(Network("1-1-1", "sigmoid", "cross-entropy", True), get_notation("nielsen"))
    one = c.parse(Source(r"\frac{d}{d\hat y}(1-y)(\log(1-\hat y))", "x").whole(), "latex").expr
    two = c.parse(Source(r"\frac{d}{d\hat y}\left((1-y)\log(1-\hat y)\right)", "x").whole(), "latex").expr
    assert one == two
    # what follows a + is another term: 2 d/dŷ(ŷ) + 3 is 2 + 3 once evaluated
    three = c.parse(Source(r"2\frac{d}{d\hat y}(\hat y) + 3", "x").whole(), "latex")
    assert three.error is None and sp.Integer(3) in three.expr.args
