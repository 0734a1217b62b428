"""Inputs as they come (issue 10): notebooks, Python docstrings, equations shown as
image links to a LaTeX renderer, math escaped for a static-site generator, and
matrices written with dots.  The expected verdicts are hand checks, written beside
each fixture line below (∂C/∂w³ = δ³a², ∂C/∂w² = δ³w³σ'(z²)x, ∂C/∂b³ = δ³ for the
½-square cost on a sigmoid net)."""
import json
from pathlib import Path

from click.testing import CliRunner

from derive.check import check_file, check_text
from derive.command.cli import cli
from derive.model.network import Network

FIXTURES = Path(__file__).parent / "fixtures" / "check"


def net(layers="1-1-1"):
    return Network(layers, "sigmoid", "quadratic", True)


def verdicts(report):
    return [(getattr(v, "cell", None), v.line, v.status) for v in report.verdicts]


def test_notebook_markdown_cells_and_code_comments_with_cell_and_line():
    r = check_file(FIXTURES / "notebook_tiny.ipynb", net(), "nielsen")
    assert verdicts(r) == [
        (1, 4, "correct"),  # C = ½(a³ - y)², the cost itself
        (1, 6, "correct"),  # ∂C/∂a³ = a³ - y
        (2, 5, "correct"),  # docstring: σ'(z) = σ(z)(1 - σ(z))
        (2, 8, "correct"),  # comment: δ³ = (a³ - y) a³(1 - a³)
        (2, 11, "wrong"),   # comment: ∂C/∂w³ = δ³ a² a², an extra a²
        (3, 3, "correct"),  # ∂C/∂b² = δ³ w³ a²(1 - a²)
        (3, 5, "wrong"),    # ∂C/∂w² with (1 + a²) for (1 - a²)
    ]
    # the plain string "$C = 0$" of cell 2 is program text, not read
    assert all(v.source != "C = 0" for v in r.verdicts)
    steps = r.to_dict()["steps"]
    assert steps[4]["cell"] == 2 and steps[4]["line"] == 11
    assert "cell 2, line   11  ✗ wrong" in r.render_text()


def test_notebook_lines_match_the_cells_json():
    """The (cell, line) of each verdict is where its text is in the notebook."""
    nb = json.loads((FIXTURES / "notebook_tiny.ipynb").read_text())
    r = check_file(FIXTURES / "notebook_tiny.ipynb", net(), "nielsen")
    for v in r.verdicts:
        line = "".join(nb["cells"][v.cell - 1]["source"]).split("\n")[v.line - 1]
        assert v.source.split("=")[-1].strip()[:8] in line, (v.cell, v.line, line)


def test_a_cell_cannot_open_math_the_next_one_closes(tmp_path):
    cells = [{"cell_type": "markdown", "source": "half of $$a^{(3)} = "},
             {"cell_type": "markdown",
              "source": "\\sigma(z^{(3)})$$ and $\\frac{\\partial C}{\\partial b^{(3)}} = \\delta^{(3)}$"}]
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps({"cells": cells}))
    r = check_file(p, net(), "nielsen")
    assert verdicts(r) == [(2, 1, "correct")]


def test_bad_notebooks_exit_2_in_one_line(tmp_path):
    for name, body in [("broken.ipynb", "{\"cells\": ["), ("deep.ipynb", "[" * 100_000),
                       ("nocells.ipynb", "{\"metadata\": {}}"), ("list.ipynb", "[1, 2]")]:
        p = tmp_path / name
        p.write_text(body)
        r = CliRunner().invoke(cli, ["--check", str(p)])
        assert r.exit_code == 2, (name, r.output)
        assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1, r.output


def test_python_docstrings_and_comments_are_read_code_is_not(tmp_path):
    p = tmp_path / "grad.py"
    p.write_text('"""Gradients of the tiny net.\n\n'
                 '$$\\frac{\\partial C}{\\partial b^{(3)}} = \\delta^{(3)}$$\n"""\n'
                 'x = "$a^{(3)} = 0$"\n'
                 '# $\\frac{\\partial C}{\\partial w^{(3)}} = \\delta^{(3)} x$\n')
    r = check_file(p, net(), "nielsen")
    assert [(v.line, v.status) for v in r.verdicts] == [(3, "correct"), (6, "wrong")]


def test_equations_as_image_links_are_read_from_the_url():
    r = check_file(FIXTURES / "image_equations.md", net(), "nielsen")
    assert [(v.line, v.status) for v in r.verdicts] == [
        (6, "correct"),   # codecogs, &space; for spaces: C = ½(a³ - y)²
        (10, "correct"),  # codecogs png: ∂C/∂a³ = a³ - y
        (14, "correct"),  # render.githubusercontent, %-encoded: δ³ = (a³ - y)a³(1 - a³)
        (18, "wrong"),    # chart.googleapis, + for space: ∂C/∂b³ = -δ³, a sign flip
    ]
    assert r.verdicts[3].source == r"\frac{\partial C}{\partial b^{(3)}} = -\delta^{(3)}"


def test_markdown_escaped_for_a_site_generator():
    r = check_file(FIXTURES / "escaped_markdown.md", Network("1-2-1", "sigmoid", "quadratic", True),
                   "nielsen")
    assert [(v.line, v.status) for v in r.verdicts] == [
        (11, "correct"),  # the chain rule for ∂C/∂w³₁₁, rows ended by \\\\
        (12, "correct"),  # (a³₁ - y₁) σ'(z³₁) a²₁
        (13, "wrong"),    # a²₂ where a²₁ belongs
        (19, "correct"),  # \\_ for _: ∂C/∂b³₁ = (a³₁ - y₁)a³₁(1 - a³₁)
    ]


def test_unescaped_math_keeps_its_row_breaks_and_braces():
    text = ("$$\\begin{aligned} \\frac{\\partial C}{\\partial b^{(3)}} &= \\delta^{(3)} \\\\\n"
            "&= (a^{(3)} - y) \\sigma'(z^{(3)}) \\end{aligned}$$\n")
    r = check_text(text, net(), "nielsen")
    assert [(v.line, v.status) for v in r.verdicts] == [(1, "correct"), (2, "correct")]


def test_a_matrix_with_dots_is_unknown_and_the_lines_around_it_are_decided():
    text = ("$$\\frac{\\partial C}{\\partial a^{(3)}} = a^{(3)} - y$$\n"
            "$$W = \\begin{bmatrix} w_{11} & \\cdots & w_{1n} \\\\ \\vdots & \\ddots & \\vdots \\\\"
            " w_{m1} & \\cdots & w_{mn} \\end{bmatrix}$$\n"
            "$$\\frac{\\partial C}{\\partial b^{(3)}} = -\\delta^{(3)}$$\n")
    r = check_text(text, net(), "nielsen")
    assert [(v.line, v.status, v.code) for v in r.verdicts] == [
        (1, "correct", "correct"), (2, "unknown", "ellipsis"), (3, "wrong", "wrong")]
    assert "not written out" in r.messages()[1]


def test_a_notebook_on_stdin_is_read_as_a_notebook():
    body = (FIXTURES / "notebook_tiny.ipynb").read_text()
    r = CliRunner().invoke(cli, ["--layers", "1-1-1", "--check", "-", "--format", "json"],
                           input=body)
    assert r.exit_code == 1, r.output
    steps = json.loads(r.stdout)["steps"]
    assert [(s["cell"], s["line"], s["status"]) for s in steps][3:5] == [
        (2, 8, "correct"), (2, 11, "wrong")]
