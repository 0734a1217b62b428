"""The public Python API: graphs declared with sympy, discoverability, and errors
that speak Python.

A graph declared with sympy must give byte for byte the document of the same
graph written as a --graph file, but for the two things only a file has: its
name, and the order its author wrote terms and factors in (sympy has sorted
``w2*a1`` into ``a1*w2`` before derive sees it).  The sympy forms below are
written by hand from the files in examples/graphs/, independently of the reader."""
import inspect
from pathlib import Path

import pytest
import sympy as sp

import derive as pkg
from derive import DeriveError, GraphSpecError, Network, SpecError, derive, relu, sigmoid
from derive.errors import CycleError, DuplicateNameError, UndefinedNameError, UnknownFunctionError

GRAPHS = Path(__file__).resolve().parents[1] / "examples" / "graphs"
S = sp.symbols("x x1 x2 t w w1 w2 b b1 b2 v z z1 z2 a1 h h1 h2 u r y C")
x, x1, x2, t, w, w1, w2, b, b1, b2, v, z, z1, z2, a1, h, h1, h2, u, r, y, C = S


def _seed004():
    return dict(equations=[sp.Eq(z1, w1 * x), sp.Eq(a1, relu(z1)), sp.Eq(z2, w2 * a1 + b),
                           sp.Eq(y, sigmoid(z2)), sp.Eq(C, (y - t) ** 2 / 2)],
                params=[w1, w2, b], inputs=[x], targets=[t])


SYMPY_FORMS = {
    "seed004": _seed004(),
    "residual": dict(equations={h1: sp.tanh(w1 * x + b1), u: w2 * h1, r: relu(u), h2: h1 + r,
                                y: v * h2, C: (y - t) ** 2 / 2},
                     params=[w1, b1, w2, v], inputs=[x], targets=[t]),
    "shared": dict(equations=[(z1, w * x + b1), (a1, sigmoid(z1)), (z2, w * a1 + b2),
                              (y, sigmoid(z2)), (C, (y - t) ** 2 / 2)],
                   params=[w, b1, b2], inputs=[x], targets=[t]),
    "softplus": dict(equations=[sp.Eq(z, w1 * x1 + w2 * x2 + b), sp.Eq(h, sp.log(1 + sp.exp(z))),
                                sp.Eq(y, v * h), sp.Eq(C, (y - t) ** 2)],
                     params=[w1, w2, b, v], inputs=[x1, x2], targets=[t]),
}
VALUES = {"seed004": "x=3, t=1, w1=0.01, w2=-5, b=-1"}


def _documents(d):
    return {"latex": d.render("latex"), "markdown": d.render("markdown"),
            "json": d.render("json"), "handout.tex": d.render("latex", standalone=True),
            "handout.md": d.render("markdown", standalone=True)}


def _file_graph_without_its_file(name):
    """The example's graph as read from its file, with what only a file has taken away."""
    from derive.model.graphspec import load_graph
    from derive.model.sympygraph import SOURCE

    g, _ = load_graph(GRAPHS / f"{name}.graph")
    g.written, g.source = {}, SOURCE
    return g


@pytest.mark.parametrize("name", sorted(SYMPY_FORMS))
def test_sympy_graph_gives_the_graph_files_document_in_every_format(name):
    from_file = _documents(derive(graph=_file_graph_without_its_file(name),
                                  values=VALUES.get(name)))
    from_sympy = _documents(derive(**SYMPY_FORMS[name], values=VALUES.get(name)))
    for fmt in from_file:
        assert from_sympy[fmt] == from_file[fmt], f"{name}: {fmt} differs"


def test_the_file_adds_only_its_name_and_its_order():
    """The file's own handout differs from the sympy one in the author's order and the
    file name, nowhere else: with those two undone line by line they agree."""
    from_file = derive(graph=str(GRAPHS / "seed004.graph")).render("markdown", standalone=True)
    from_sympy = derive(**_seed004()).render("markdown", standalone=True)
    assert "from the file `seed004.graph`" in from_file
    undone = (from_file.replace(", from the file `seed004.graph`,", "")
              .replace("w_{2} a_{1} + b", "a_{1} w_{2} + b")
              .replace(r"w_{2} \operatorname{ReLU}\left(w_{1} x\right) + b",
                       r"b + w_{2} \operatorname{ReLU}\left(w_{1} x\right)"))
    assert undone == from_sympy


def test_sympy_graph_document_has_deltas_and_no_file_prose():
    d = derive(**_seed004())
    assert [e.key for e in d.deltas] == ["delta_y", "delta_z2", "delta_a1", "delta_z1"]
    for fmt in ("latex", "markdown"):
        text = d.render(fmt)
        assert r"\delta_{z_{2}}" in text
        assert "the file" not in text.lower() and "<equations>" not in text


def test_the_gradient_is_the_one_sympy_diff_gives():
    """Independent of the engine: ∂C/∂w1 of the composed cost, by sympy.diff."""
    from derive.model.functions import concrete
    from derive.model.symbols import plain

    d = derive(**_seed004())
    cost = concrete(((sigmoid(w2 * relu(w1 * x) + b) - t) ** 2 / 2))
    point = {x: 3, t: 1, w1: sp.Rational(1, 100), w2: -5, b: -1}
    want = sp.diff(cost, w1).subs(point)
    got = d.gradients[0].derived.result
    composed = {a1: relu(w1 * x), z1: w1 * x, z2: w2 * relu(w1 * x) + b,
                y: sigmoid(w2 * relu(w1 * x) + b)}
    got = concrete(plain(got).subs(composed).subs(composed)).subs(point)
    assert abs(sp.N(got - want, 30)) < 1e-25
    assert abs(sp.N(want, 10) - sp.Float("2.080916562")) < 1e-8  # seed 004's quiz, ≈ 2.081


def test_dict_list_and_pairs_are_the_same_graph():
    eqs = _seed004()["equations"]
    kw = dict(params=[w1, w2, b], inputs=[x], targets=[t])
    as_list = derive(equations=eqs, **kw).render("latex")
    assert derive(equations={e.lhs: e.rhs for e in eqs}, **kw).render("latex") == as_list
    assert derive(equations=[(e.lhs, e.rhs) for e in eqs], **kw).render("latex") == as_list
    names = dict(params=["w1", "w2", "b"], inputs=["x"], targets=["t"])
    assert derive(equations=eqs, **names).render("latex") == as_list


def test_floats_are_exact_like_decimals_in_a_file(tmp_path):
    f = tmp_path / "half.graph"
    f.write_text("params: w\ninput: x\ntarget: t\ny = w*x\nC = 0.5*(y - t)^2\n")
    from_sympy = derive(equations=[sp.Eq(y, w * x), sp.Eq(C, 0.5 * (y - t) ** 2)],
                        params=[w], inputs=[x], targets=[t])
    assert from_sympy.render("latex") == derive(graph=str(f)).render("latex")


def test_graph_from_equations_is_public_and_keeps_warnings():
    g = pkg.graph_from_equations([sp.Eq(y, w * x), sp.Eq(C, (y - t) ** 2)], params=[w, b],
                                 inputs=[x], targets=[t])
    assert g.warnings == ["warning: the cost C does not depend on a parameter b; its gradient is 0"]
    d = derive(graph=g)
    assert d.warnings == g.warnings


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(equations=[sp.Eq(y, sp.sin(w * x)), sp.Eq(C, (y - t) ** 2)]), UnknownFunctionError,
     ["sin is not a function derive knows", "equation 1"]),
    (dict(equations=[sp.Eq(y, w * x + b), sp.Eq(C, (y - t) ** 2)]), UndefinedNameError,
     ["undefined name b", "params=, inputs=, targets="]),
    (dict(equations=[sp.Eq(y, w * z), sp.Eq(z, y + x), sp.Eq(C, (y - t) ** 2)]), CycleError,
     ["cycle"]),
    (dict(equations=[(y, w * x), (y, 2 * w * x), (C, (y - t) ** 2)]), DuplicateNameError,
     ["equation 2 (y = 2*w*x): y is defined here but was already defined in equation 1 (y = w*x)"]),
    (dict(equations=[sp.Eq(w * x, y), sp.Eq(C, (y - t) ** 2)]), GraphSpecError,
     ["the left side of equation 1 must be a sympy Symbol"]),
    (dict(equations=[sp.Eq(y, y), sp.Eq(C, (y - t) ** 2)]), GraphSpecError,
     ["equation 1 is True"]),
    (dict(equations=[sp.Eq(sp.Symbol("a^2"), w * x), sp.Eq(C, w)]), GraphSpecError,
     ["names are letters, digits and _"]),
    (dict(equations=[sp.Eq(y, w * x), sp.Eq(C, (y - t) ** 2)], inputs=[x, w]), DuplicateNameError,
     ["params: w is declared here but was already declared in inputs"]),
])
def test_bad_equations_raise_typed_errors_that_speak_python(kwargs, error, words):
    kwargs = {"params": [w], "inputs": [x], "targets": [t], **kwargs}
    with pytest.raises(error) as info:
        derive(**kwargs)
    message = str(info.value)
    for word in words:
        assert word in message
    assert "--" not in message and "params:, input:" not in message  # no graph-file syntax


def test_the_network_is_described_once():
    with pytest.raises(SpecError, match="network and layers both describe the network"):
        derive(Network("1-1-1"), layers="2-2")
    with pytest.raises(SpecError, match="network and activation"):
        derive(Network("1-1-1"), activation="relu")
    with pytest.raises(SpecError, match="graph and layers"):
        derive(graph=str(GRAPHS / "seed004.graph"), layers="1-1-1")
    with pytest.raises(SpecError, match="params goes with equations"):
        derive(layers="1-1-1", params=[w])
    with pytest.raises(SpecError, match="not str"):
        derive("1-1-1")
    # the defaults still apply when only some pieces are given
    assert derive(layers="1-1-1").describe() == derive(Network("1-1-1")).describe()


def test_render_accepts_aliases_and_names_the_formats():
    d = derive(layers="1-1-1")
    assert d.render("md") == d.render("markdown") == d.render("Markdown")
    assert d.render("tex") == d.render("latex")
    with pytest.raises(DeriveError, match=r"unknown format 'mkd' \(did you mean markdown\?\)"):
        d.render("mkd")


def test_python_errors_name_python_arguments(tmp_path):
    with pytest.raises(DeriveError) as info:
        derive(layers="1-1-1", gradcheck=True)
    assert "values or random_values=True" in str(info.value) and "--" not in str(info.value)
    with pytest.raises(SpecError) as info:
        Network("1")
    assert str(info.value).startswith("layers needs at least two sizes")
    from derive.render.pdf import build_pdf

    existing = tmp_path / "h.pdf"
    existing.write_bytes(b"%PDF")
    with pytest.raises(DeriveError) as info:
        build_pdf("\\documentclass{article}\\begin{document}x\\end{document}", str(existing))
    assert "pass force=True to replace it" in str(info.value)


def test_the_command_line_still_names_options(tmp_path):
    from click.testing import CliRunner

    from derive.command.cli import cli

    r = CliRunner().invoke(cli, ["--layers", "1", "--values", "x=1"])
    assert r.exit_code == 2 and "--layers needs at least two sizes" in r.output


def test_the_api_is_discoverable():
    assert {"derive", "Network", "Derivation", "Report", "graph_from_equations", "sigmoid",
            "relu", "DeriveError", "__version__"} <= set(pkg.__all__)
    assert set(pkg.__all__) <= set(dir(pkg))
    for name in pkg.__all__:
        assert getattr(pkg, name) is not None
    doc = inspect.getdoc(pkg.derive)
    for param in inspect.signature(pkg.derive).parameters:
        assert param in doc, f"help(derive.derive) does not explain {param}"
    with pytest.raises(AttributeError):
        pkg.no_such_name  # noqa: B018


def test_every_symbol_class_prints_with_sympys_own_printers():
    """str, repr and pretty printing go through sympy's printers, which dispatch on class
    names; our MatMul/Transpose once crashed them."""
    d = derive(layers="3-4-2", notation="matrix")
    exprs = [e.rhs for e in d.vectorised] + [e.rhs for e in d.bp_general]
    assert exprs
    for e in exprs:
        assert str(e) and sp.pretty(e) and sp.srepr(e)
    assert repr(derive(layers="1-1-1")).startswith("<Derivation chain:")


def test_check_from_python_gives_a_report_that_displays_itself():
    d = derive(layers="1-1-1")
    r = d.check("$$\\frac{\\partial C}{\\partial b^{(3)}} = \\delta^{(3)}$$\n\n"
                "$$\\frac{\\partial C}{\\partial w^{(3)}} = \\delta^{(3)} a^{(3)}$$\n")
    assert r.counts()["correct"] == 1 and r.counts()["wrong"] == 1
    md, html = r._repr_markdown_(), r._repr_html_()
    assert "| 1 | ✓ correct |" in md and "✗ wrong" in md and "$\\delta^{(3)} a^{(2)}$" in md
    assert "<table>" in html and "&lt;input&gt;" in html
    g = derive(**_seed004())
    rg = g.check("$$\\frac{\\partial C}{\\partial b} = \\delta_{z_2}$$")
    assert rg.counts()["correct"] == 1
