"""On the network derive assumes when a document declares none, what does not fit it
(a layer W_1 of a document counting from 0, a vector against a number of derive's
reading) is derive's guess failing, not the author's mistake: unknown, never ✗.
A network the user gives is checked as given."""
from derive.check import check_document

TEXT = ("$$z_1 = a_0 W_1 + b_1$$\n\n"
        "$$\\frac{\\partial J}{\\partial W_1} = a_0 \\delta_1$$\n\n"
        "$$\\frac{\\partial J}{\\partial a_2} = \\begin{bmatrix} 0.7896 & 0.7504 \\end{bmatrix}$$\n")


def test_what_does_not_fit_the_assumed_network_is_not_refuted(tmp_path):
    path = tmp_path / "rows.md"
    path.write_text(TEXT)
    report = check_document(str(path))
    assert [(v.line, v.status, v.code) for v in report.verdicts] == [
        (3, "unknown", "layer_not_assumed"), (5, "unknown", "shape_not_assumed")]
    assert "give the network with --layers" in report.render_text()


def test_a_network_the_user_gives_is_checked_as_given(tmp_path):
    path = tmp_path / "rows.md"
    path.write_text(TEXT)
    report = check_document(str(path), layers="1-1-1")
    # w^{(1)} names no layer of a 1-1-1 network in Nielsen's notation: a wrong claim there
    assert [v.status for v in report.verdicts][0] == "wrong"


def test_a_unit_the_assumed_widths_lack_is_not_refuted(tmp_path):
    path = tmp_path / "unit.md"
    path.write_text("$$\\frac{\\partial C}{\\partial w^{(3)}_{11}} = "
                    "a^{(2)}_5 (a^{(3)}_1 - y_1) \\sigma'(z^{(3)}_1)$$\n")
    (v,) = check_document(str(path)).verdicts
    assert (v.status, v.code) == ("unknown", "unit_not_assumed")
    # on a network the user gives, unit 5 of a 2-unit layer is a wrong claim
    (v,) = check_document(str(path), layers="2-2-2").verdicts
    assert v.status == "wrong"
