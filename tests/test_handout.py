"""Handouts and exercise sheets as text: sections, titles, user templates,
line breaking, the diagram's layout and reproducible exercise numbers.
Nothing here needs TeX (tests/test_handout_pdf.py compiles)."""
import math
import re

import pytest
from click.testing import CliRunner

from derive.command.cli import cli
from derive import derive
from derive.render.diagram import layout
from derive.documents.handout import DEFAULT, render_handout
from derive.model.network import Network
from derive.model.notation import PRESETS
from derive.render.printing import DeriveLatexPrinter


def run(*args):
    return CliRunner().invoke(cli, list(args))


def sections_of(tex):
    return [line[len("\\section{"):-1] for line in tex.splitlines() if line.startswith("\\section{")]


# -- sections ---------------------------------------------------------------------------

def test_default_handout_has_every_applicable_section_in_order():
    chain = sections_of(run("--standalone").stdout)
    assert chain == ["The network", "The network at a glance", "Forward pass and cost",
                     "Derivatives of the activations", "Every gradient by the chain rule",
                     r"The error terms \texorpdfstring{$\delta$}{delta}",
                     "The four equations of backpropagation", "Saturation and vanishing gradients",
                     "The update rule"]
    wide = sections_of(run("--layers", "3-4-2", "--standalone").stdout)
    assert wide[-2:] == ["Vectorised forms", "The update rule"]
    # δ is earned: the wide handout writes one gradient out before the δ section names it
    assert wide.index("The chain rule, written out") < wide.index(
        r"The error terms \texorpdfstring{$\delta$}{delta}")
    # no sigmoid or tanh layer: nothing saturates, so no saturation section
    relu = sections_of(run("--layers", "2-2-1", "--activation", "relu,linear", "--standalone").stdout)
    assert "Saturation and vanishing gradients" not in relu


@pytest.mark.parametrize("args", [["--layers", "1-1-1"], ["--layers", "1-1-1-1-1-1"],
                                  ["--layers", "3-4-2", "--notation", "matrix"],
                                  ["--layers", "2-3-3", "--activation", "sigmoid,softmax", "--cost", "log-likelihood"],
                                  ["--graph", "examples/graphs/seed004.graph"],
                                  ["--graph", "examples/graphs/residual.graph"]])
@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_delta_is_earned_before_it_is_used(args, fmt):
    """Issue 13: a chain written out from the cost, with no δ in it, and the products it
    shares, come before the first δ of the handout (glossary included)."""
    text = run(*args, "--standalone", "--format", fmt).stdout
    body = text.find("\\begin{document}")  # the LaTeX preamble declares δ for Unicode input
    text = text[body:] if body >= 0 else text
    first = text.index("\\delta")
    before = text[:first]
    assert "\\text{chain rule}" in before, args
    assert "\\frac{\\partial C}{\\partial z" in before or "--graph" in args, args  # the shared product named ∂C/∂z


def test_sections_select_and_order():
    r = run("--sections", "equations,network", "--layers", "2-2")
    assert r.exit_code == 0, r.output
    assert sections_of(r.stdout) == ["The four equations of backpropagation", "The network"]
    assert r"\begin{document}" in r.stdout and "tikzpicture" not in r.stdout


@pytest.mark.parametrize("value,message", [
    ("network,network", "twice"),
    ("network,proof", "unknown section 'proof'"),
    ("network;diagram", "names separated by commas"),
    ("worked", "needs numbers"),
])
def test_bad_sections_are_one_line_errors(value, message):
    r = run("--sections", value)
    assert r.exit_code == 2
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_worked_section_with_values():
    r = run("--sections", "worked", "--layers", "1-1-1", "--activation", "relu,sigmoid",
            "--values", "x=3, y=1, w2=0.01, b2=0, w3=-5, b3=-1")
    assert r.exit_code == 0, r.output
    assert "0.2884" in r.stdout  # seed 004's loss, 0.288


# -- user strings and templates -----------------------------------------------------------

NASTY = r"Week 3: $\alpha$ & 100% {fun}_#^~"


def test_title_is_escaped_in_latex_and_markdown():
    tex = run("--standalone", "--title", NASTY).stdout
    assert (r"Week 3: \$\textbackslash{}alpha\$ \& 100\% \{fun\}\_\#"
            r"\textasciicircum{}\textasciitilde{}") in tex
    md = run("--standalone", "--format", "markdown", "--title", NASTY).stdout
    first = md.splitlines()[0]
    assert first.startswith("# ") and "\\$" in first and re.search(r"(?<!\\)\$", first) is None


@pytest.mark.parametrize("title", ["x" * 201, "two\nlines"])
def test_bad_titles(title):
    r = run("--standalone", "--title", title)
    assert r.exit_code == 2 and "--title" in r.stderr


def test_template_dir_overrides_a_section_and_the_preamble(tmp_path):
    (tmp_path / "handout").mkdir()
    (tmp_path / "handout" / "update.tex.j2").write_text(
        r"\section{Our update} Layers \VAR{ network.widths|join('-') }, eta \VAR{ updates[0][0].lhs|tex }." "\n")
    (tmp_path / "_handout_preamble.tex.j2").write_text(
        r"\documentclass{article}\usepackage{amsmath,amssymb,tikz}\newcommand{\course}{ML101}" "\n")
    r = run("--layers", "2-2", "--standalone", "--template-dir", str(tmp_path))
    assert r.exit_code == 0, r.output
    assert r"\section{Our update} Layers 2-2, eta w^{(2)}_{jk}." in r.stdout
    assert r"\newcommand{\course}{ML101}" in r.stdout and "geometry" not in r.stdout
    # the plain derivation and exercise sheets use the same directory
    (tmp_path / "derivation.tex.j2").write_text("custom \\VAR{ network.widths|join(',') }\n")
    assert run("--layers", "2-2", "--template-dir", str(tmp_path)).stdout == "custom 2,2\n"


@pytest.mark.parametrize("body,message", [
    (r"\VAR{ ''.__class__.__mro__ }", "unsafe"),
    (r"\BLOCK{ if }", "update.tex.j2:1"),
    (r"\VAR{ no_such_variable }", "undefined"),
])
def test_user_templates_are_sandboxed_and_errors_are_one_line(tmp_path, body, message):
    (tmp_path / "handout").mkdir()
    (tmp_path / "handout" / "update.tex.j2").write_text(body + "\n")
    out = tmp_path / "h.tex"
    r = run("--standalone", "--template-dir", str(tmp_path), "-o", str(out))
    assert r.exit_code == 2 and message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not out.exists()


def test_missing_template_dir():
    r = run("--standalone", "--template-dir", "/no/such/dir")
    assert r.exit_code == 2 and "not a directory" in r.stderr


# -- line breaking -------------------------------------------------------------------------

def _printers(d, width):
    return (DeriveLatexPrinter(d.notation, d.widths),
            DeriveLatexPrinter(d.notation, d.widths, {"line_width": width}))


def test_long_chains_break_without_losing_anything():
    d = derive(layers="1-1-1-1-1", bias=False)  # seed 002 style, one path of 4 weights
    plain, broken = _printers(d, 22)
    from derive.render.linebreak import width

    breaks = 0
    for e in d.gradients:
        for step in e.derived.steps:
            whole, split = plain.doprint(step.expr), broken.doprint(step.expr)
            lines = split.split(r" \\ &\qquad ")
            breaks += len(lines) - 1
            assert " ".join(lines).split() == whole.split()
            if len(lines) > 1:
                assert all(width(line) <= 22 + 3 for line in lines)
    assert breaks > 10


def test_short_lines_are_untouched_and_nested_products_never_break():
    d = derive(layers="1-1-1")
    plain, broken = _printers(d, 22)
    for e in d.gradients:
        for step in e.derived.steps:
            assert plain.doprint(step.expr) == broken.doprint(step.expr)
    _, narrow = _printers(d, 1)
    for e in d.gradients:
        # a line break may only sit at the top level, never inside \left( … \right)
        for part in narrow.doprint(e.derived.steps[-1].expr).split(r" \\ &\qquad "):
            assert part.count(r"\left(") == part.count(r"\right)")


def test_width_estimate_is_sensible():
    from derive.render.linebreak import fill, width

    assert width(r"\frac{\partial C}{\partial w^{(2)}}") < width(r"\partial C \partial w^{(2)}")
    assert width("a + b") > width("ab")
    assert fill([5, 5, 5, 30, 5], 12) == [2, 1, 1, 1]


# -- the diagram -----------------------------------------------------------------------------

def test_diagram_elides_wide_layers_and_labels_small_networks():
    wide = layout(Network("784-30-10"), PRESETS["nielsen"])
    assert [len(c.units) for c in wide.columns] == [5, 5, 5]
    assert [c.width for c in wide.columns] == [784, 30, 10] and wide.elided
    assert not wide.labelled and all(e.label is None for e in wide.edges)
    assert wide.columns[0].units[-1].index == 783
    small = layout(Network("2-2-1"), PRESETS["ng"])
    assert small.labelled and len(small.edges) == 6 and not small.elided
    deep = layout(Network("1-" * 11 + "1"), PRESETS["matrix"])
    assert len(deep.columns) == 6 and deep.elided_layers == 6
    assert max(c.x for c in deep.columns) <= 15


def test_diagram_tikz_and_mermaid():
    tex = run("--layers", "2-2", "--notation", "ng", "--standalone").stdout
    assert r"\begin{tikzpicture}" in tex and r"{$\theta^{(1)}_{21}$}" in tex
    md = run("--layers", "2-2", "--notation", "ng", "--standalone", "--format", "markdown").stdout
    assert "```mermaid" in md and "tikz" not in md.lower() and "θ<sup>(1)</sup>" in md


# -- exercise sheets ---------------------------------------------------------------------------

SHEET = ["--exercise", "--layers", "1-1-1", "--activation", "relu,sigmoid"]


def test_exercise_is_reproducible_and_seeds_differ():
    a = run(*SHEET, "--seed", "11").stdout
    assert a == run(*SHEET, "--seed", "11").stdout
    assert a != run(*SHEET, "--seed", "12").stdout
    md = run(*SHEET, "--seed", "11", "--format", "markdown").stdout
    assert md == run(*SHEET, "--seed", "11", "--format", "markdown").stdout


def test_variants_are_versions_of_consecutive_seeds(tmp_path):
    three = run(*SHEET, "--seed", "5", "--variants", "3", "--format", "markdown").stdout
    assert [three.count(f"Version {v}.") for v in "ABC"] == [1, 1, 1]
    assert [three.count(f"## Solutions, version {v}") for v in "ABC"] == [1, 1, 1]
    # version A of seed 5 is the sheet of seed 5 alone; version B that of seed 6
    alone = run(*SHEET, "--seed", "6", "--format", "markdown").stdout
    given = lambda text: re.findall(r"with (\$x = .*?)\. Give", text)
    assert given(three)[1] == given(alone)[0]
    assert given(three)[0] != given(three)[1]


def test_solutions_on_separate_pages_or_in_their_own_file(tmp_path):
    both = run(*SHEET, "--variants", "2").stdout
    problems_end = both.index("Solutions, version A")
    assert both.count(r"\clearpage") == 4 and both.rindex("Version B", 0, problems_end)
    sheet, key = tmp_path / "sheet.tex", tmp_path / "key.md"
    r = run(*SHEET, "-o", str(sheet), "--solutions", str(key))
    assert r.exit_code == 0, r.output
    assert "Solutions" not in sheet.read_text() and "Differentiate" in sheet.read_text()
    assert "## Solutions, version A" in key.read_text() and "Differentiate" not in key.read_text()


def _numbers(text):
    return {m.group(1): float(m.group(2)) for m in
            re.finditer(r"([a-z]\^\{\(\d\)\}|[xy]) = (-?[0-9.]+)\$", text)}


def test_exercise_numbers_match_an_independent_forward_pass():
    """The loss in the solutions is the quadratic cost computed here in plain floats."""
    for seed in range(4):
        md = run(*SHEET, "--seed", str(seed), "--format", "markdown").stdout
        v = _numbers(md.split("## Solutions")[0])
        a2 = max(0.0, v["w^{(2)}"] * v["x"] + v["b^{(2)}"])
        a3 = 1 / (1 + math.exp(-(v["w^{(3)}"] * a2 + v["b^{(3)}"])))
        loss = 0.5 * (a3 - v["y"]) ** 2
        shown = re.search(r"C &= .* = (-?[0-9.e\-]+)\s*$", md.split("The loss:")[1], re.M)
        assert float(shown.group(1)) == pytest.approx(loss, rel=5e-4, abs=1e-6)


def test_exercise_with_seed_004_numbers():
    r = run(*SHEET, "--values", "x=3, y=1, w2=0.01, b2=0, w3=-5, b3=-1", "--lr", "0.1",
            "--format", "markdown")
    assert r.exit_code == 0, r.output
    solutions = r.stdout.split("## Solutions")[1]
    for answer in ("0.2884", "2.081", "-0.004162", "-0.1387"):  # seed 004: 0.288, 2.080, ...
        assert answer in solutions
    assert r"\eta = 0.1" in solutions


@pytest.mark.parametrize("args,message", [
    (["--variants", "0"], "--variants"),
    (["--variants", "27"], "--variants"),
    (["--layers", "3-4-2"], "at most 20 parameters"),
    (["--sections", "network"], "--sections does not apply"),
    (["--seed", "-1"], "--seed"),
])
def test_exercise_errors(args, message):
    r = run(*SHEET, *args)
    assert r.exit_code == 2 and message in r.stderr, r.output


def test_exercise_options_need_exercise():
    assert "goes with --exercise" in run("--variants", "2").stderr
    assert "goes with --exercise" in run("--solutions", "key.tex").stderr


@pytest.mark.parametrize("notation", list(PRESETS))
def test_every_notation_in_every_document(notation):
    handout = render_handout(derive(layers="2-3-2", notation=notation))
    assert len(sections_of(handout)) == len(DEFAULT) - 1  # all but the worked example
    sheet = run(*SHEET, "--notation", notation).stdout
    key = {"nielsen": "w^{(2)}", "ng": r"\theta^{(1)}", "matrix": "W^{[1]}"}[notation]
    assert key in sheet and key in handout.replace("_{11}", "")


def test_exercise_sheet_writes_f_prime_for_mixed_activations_and_asks_a_conceptual_question():
    """Issue 13: a ReLU hidden layer is not described with σ′, and the sheet asks (and answers)
    what a dead ReLU does to learning."""
    text = run("--exercise", "--layers", "1-1-1", "--activation", "relu,sigmoid", "--seed", "4",
               "--format", "markdown").stdout
    problems, solutions = text.split("## Solutions", 1)
    assert "write $f'$ for its derivative" in problems and "\\sigma'$ for the derivative" not in problems
    assert "A ReLU unit has $z < 0$ for every training example" in problems
    assert "The unit is dead" in solutions and "f'\\left(z" in solutions
    sig = run("--exercise", "--layers", "1-1-1", "--seed", "4", "--format", "markdown").stdout
    assert "What happens to $\\sigma'(z)$ as $|z|$ grows" in sig and "at most $\\frac{1}{4}$" in sig


@pytest.mark.parametrize("fmt, opening", [("latex", r"\["), ("markdown", "$$")])
def test_bp1_in_the_saturation_section_is_a_display(fmt, opening):
    """Issue 13: a formula with a fraction goes in a display, not inline where it stretches
    the line spacing (the saturation section's reminder of BP1)."""
    out = run("--layers", "1-1-1", "--standalone", "--format", fmt).stdout
    after = out.split("the error still carries the activation derivative", 1)[1]
    before_next = after.split("An output unit saturated", 1)[0]
    assert opening in before_next and r"\delta^{(L)} = \frac" in before_next
    assert "$\\delta^{(L)}" not in before_next


def test_matrix_width_counts_the_widest_entry_of_each_column():
    from derive.render.linebreak import width

    column = r"\left[\begin{matrix}0.3529\\-0.7883\\0.4353\end{matrix}\right]"
    row = r"\left[\begin{matrix}0.3521 & 0.3015 & 0.7350\end{matrix}\right]"
    assert width(column) == pytest.approx(width("-0.7883") + 0.8)
    assert width(row) == pytest.approx(3 * width("0.3521") + 2 * 0.9 + 0.8)
