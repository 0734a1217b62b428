"""Rendered documents: LaTeX compiles with real TeX Live, Markdown renders
in KaTeX with strict on, and output/ is up to date."""
from pathlib import Path

import pytest

from derive import derive

from tools import compile_tex, katex_check, require_katex, require_latexmk


def _load_gallery():
    """tools/gallery.py is a maintainer's script, not a module of the package."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "tools" / "gallery.py"
    spec = importlib.util.spec_from_file_location("derive_gallery", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gallery = _load_gallery()

NETWORKS = [
    dict(layers="1-1-1"),
    dict(layers="1-1-1-1", activation="sigmoid,sigmoid,linear", bias=False, notation="ng"),
    dict(layers="3-4-2", notation="matrix"),
    dict(layers="2-3-3", activation="relu,softmax", cost="log-likelihood"),
    dict(layers="1-1", cost="cross-entropy", notation="matrix"),
    dict(layers="2-2", activation="tanh", cost="squared-error", notation="ng"),
    dict(layers="2-3-2", expand=True),
    dict(graph=str(Path(__file__).resolve().parent.parent / "examples" / "graphs" / "residual.graph")),
    dict(graph=str(Path(__file__).resolve().parent.parent / "examples" / "graphs" / "seed004.graph"),
         notation="ng", values="x=3, t=1, w1=0.01, w2=-5, b=-1", gradcheck=True, lr="0.5", steps=3),
    dict(graph=str(Path(__file__).resolve().parent.parent / "examples" / "graphs" / "softplus.graph"),
         random_values=True),
    dict(layers="1-1-1", activation="relu,sigmoid", values="x=3, y=1, w2=0.01, b2=0, w3=-5, b3=-1",
         gradcheck=True, lr="0.1", steps=4),
    dict(layers="1-1", cost="squared-error", values="x=62.5, w2=0.8, b2=0, y=0"),
    dict(layers="3-4-2", notation="matrix", random_values=True, seed=1, lr="0.5"),
    dict(layers="2-3-3", activation="relu,softmax", cost="log-likelihood", random_values=True),
]


@pytest.mark.parametrize("spec", NETWORKS, ids=lambda s: "-".join(Path(str(v)).name for v in s.values()))
def test_standalone_latex_compiles(spec, tmp_path):
    require_latexmk()
    code, log, pdf = compile_tex(derive(**spec).render("latex", standalone=True), tmp_path)
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert code == 0 and pdf.exists(), errors or log[-2000:]


def test_markdown_renders_in_katex(tmp_path):
    require_katex()
    paths = []
    for i, spec in enumerate(NETWORKS):
        path = tmp_path / f"doc{i}.md"
        path.write_text(derive(**spec).render("markdown"), encoding="utf-8")
        paths.append(path)
    code, out = katex_check(paths)
    assert code == 0, out


def test_output_gallery_is_up_to_date(tmp_path):
    """Fails when output/ no longer matches what the code generates
    (regenerate with: python tools/gallery.py)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "output"
    stale = [name for name, args in gallery.ENTRIES.items()
             if not (root / name).exists()
             or (root / name).read_text(encoding="utf-8") != gallery.render(args, Path(name).suffix)]
    assert not stale, f"stale in output/: {stale}; run python tools/gallery.py"


def test_graph_handout_draws_the_graph(tmp_path):
    """--graph handouts carry a diagram of the file's quantities (TikZ; Mermaid in Markdown)."""
    graph = str(Path(__file__).resolve().parent.parent / "examples" / "graphs" / "residual.graph")
    d = derive(graph=graph)
    tex = d.render("latex", standalone=True)
    assert r"\begin{tikzpicture}" in tex and r"{$h_{1}$}" in tex
    md = d.render("markdown", standalone=True)
    assert "```mermaid" in md and "flowchart LR" in md and r"\begin{tikzpicture}" not in md
    require_latexmk()
    code, log, pdf = compile_tex(tex, tmp_path)
    assert code == 0 and pdf.exists(), [line for line in log.splitlines() if line.startswith("!")]
