"""derive in Jupyter: a real notebook, executed by ``jupyter nbconvert --execute``
in a fresh kernel, displays a layered derivation, a graph derivation (from a
file and from sympy equations), a worked example and a check report.

The expected math is written here by hand (seed 004's quiz numbers, the
chain rule's factors), not taken from derive's own output."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import nbformat
except ImportError:  # skipped on a developer's machine, a failure under CI=true
    nbformat = None

ROOT = Path(__file__).resolve().parents[1]
GRAPH = ROOT / "examples" / "graphs" / "seed004.graph"

CELLS = {
    "layered": "from derive import derive\nderive(layers='1-1-1')",
    "wide": "derive(layers='3-4-2', notation='matrix')",
    "graph": f"derive(graph={str(GRAPH)!r})",
    "sympy": (
        "import sympy as sp\n"
        "from derive import sigmoid, relu\n"
        "x, t, w1, w2, b, z1, a1, z2, y, C = sp.symbols('x t w1 w2 b z1 a1 z2 y C')\n"
        "derive(equations=[sp.Eq(z1, w1*x), sp.Eq(a1, relu(z1)), sp.Eq(z2, w2*a1 + b),\n"
        "                  sp.Eq(y, sigmoid(z2)), sp.Eq(C, (y - t)**2/2)],\n"
        "       params=[w1, w2, b], inputs=[x], targets=[t])"),
    "worked": ("derive(layers='1-1-1', activation='relu,sigmoid',\n"
               "       values='x=3, y=1, w2=0.01, b2=0, w3=-5, b3=-1')"),
    "check": ("derive(layers='1-1-1').check(r'''\n"
              "$$\\frac{\\partial C}{\\partial b^{(3)}} = \\delta^{(3)}$$\n\n"
              "$$\\frac{\\partial C}{\\partial w^{(3)}} = \\delta^{(3)} a^{(3)}$$\n''')"),
    "print": "d = derive(layers='1-1-1'); print(d); print(repr(d.cost))",
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """{cell name: list of outputs} of the executed notebook."""
    from tools import require

    require(nbformat is not None, "nbformat/nbconvert", "pip install -e '.[test]'")
    work = tmp_path_factory.mktemp("nb")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src, metadata={"name": name})
                for name, src in CELLS.items()]
    path = work / "derive.ipynb"
    nbformat.write(nb, path)
    proc = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.timeout=300", "--ExecutePreprocessor.kernel_name=python3",
         "--output", "executed.ipynb", str(path)],
        cwd=work, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    done = json.loads((work / "executed.ipynb").read_text(encoding="utf-8"))
    return {c["metadata"]["name"]: c["outputs"] for c in done["cells"]}


def _data(outputs, mime):
    texts = [o["data"][mime] for o in outputs if "data" in o and mime in o["data"]]
    assert texts, f"no {mime} output in {outputs!r:.500}"
    return "".join("".join(t) if isinstance(t, list) else t for t in texts)


def test_no_cell_raised(outputs):
    for name, outs in outputs.items():
        errors = [o for o in outs if o["output_type"] == "error"]
        assert not errors, f"{name}: {errors[0]['ename']}: {errors[0]['evalue']}"
        for o in outs:
            assert "Traceback" not in "".join(o.get("text", "")), name


def test_layered_derivation_displays_its_math(outputs):
    md = _data(outputs["layered"], "text/markdown")
    tex = _data(outputs["layered"], "text/latex")
    for text in (md, tex):
        assert r"\frac{\partial C}{\partial w^{(3)}}" in text
        assert r"\left(a^{(3)} - y\right) a^{(3)} \left(1 - a^{(3)}\right) a^{(2)}" in text
    assert "$$" in md and r"\begin{align*}" in tex


def test_wide_derivation_displays_its_vectorised_forms(outputs):
    md = _data(outputs["wide"], "text/markdown")
    assert r"\odot" in md and "^{T}" in md  # δ = ((W)^T δ) ⊙ σ'(z): the product and transpose print


def test_graph_derivations_display_their_math(outputs):
    for name in ("graph", "sympy"):
        md = _data(outputs[name], "text/markdown")
        assert r"\frac{\partial C}{\partial w_{1}}" in md, name
        assert r"\operatorname{ReLU}'\left(z_{1}\right) x" in md, name
    # the file keeps its author's order (w2*a1); sympy has sorted it before derive sees it
    graph, from_sympy = (_data(outputs[n], "text/markdown") for n in ("graph", "sympy"))
    assert "w_{2} a_{1} + b" in graph and "a_{1} w_{2} + b" in from_sympy
    undone = (graph.replace("w_{2} a_{1} + b", "a_{1} w_{2} + b")
              .replace(r"w_{2} \operatorname{ReLU}\left(w_{1} x\right) + b",
                       r"b + w_{2} \operatorname{ReLU}\left(w_{1} x\right)"))
    assert undone == from_sympy


def test_worked_example_displays_the_quiz_numbers(outputs):
    md = _data(outputs["worked"], "text/markdown")
    # seed 004's quiz: z2 = 0.01·3 = 0.03, z3 = −5·0.03 − 1 = −1.15, ∂C/∂w2 ≈ 2.081
    for number in ("0.03", "-1.15", "2.081", "-0.004162"):
        assert number in md


def test_check_report_displays_verdicts(outputs):
    md = _data(outputs["check"], "text/markdown")
    html = _data(outputs["check"], "text/html")
    assert "✓ correct" in md and "✗ wrong" in md and "1 correct, 1 wrong" in md
    assert "<table>" in html and "a^{(2)}" in html  # the expected factor is a⁽²⁾, not a⁽³⁾


def test_print_and_repr_work(outputs):
    text = "".join("".join(o.get("text", "")) for o in outputs["print"])
    assert "<Derivation chain: layers=[1, 1, 1]" in text
    assert "Equation(" in text
