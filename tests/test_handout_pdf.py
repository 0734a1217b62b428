"""Every document type in every notation compiles with real TeX Live, without
an overfull line, and its PDF has the expected pages and section titles;
the Markdown versions render in KaTeX with strict on.

All documents are written once and compiled once, in parallel, by the
module fixture; the tests then read its results."""
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner

from derive.command.cli import cli

from tools import compile_tex, katex_check, require, require_katex, require_latexmk

NOTATIONS = ("nielsen", "ng", "matrix")
NETWORKS = {
    "1-1-1": ["--layers", "1-1-1"],
    "3-4-2": ["--layers", "3-4-2"],
    "2-3-3-softmax": ["--layers", "2-3-3", "--activation", "relu,softmax", "--cost",
                      "log-likelihood"],
    # deep and narrow: long chains that must break (full expansion up to 4 weight layers)
    "deep-narrow": ["--layers", "1-1-1-1-1", "--activation", "sigmoid,tanh,sigmoid,linear",
                    "--no-bias"],
}
EXERCISE = ["--exercise", "--layers", "1-1-1", "--activation", "relu,sigmoid", "--seed", "3",
            "--variants", "2"]
TITLE = r"Week 3: $\alpha$ & 100% {fun}_#"

# handouts whose page layout is measured (issue 13): the 5-layer chain, seed 000's saturated
# unit with its SGD steps, seed 004's graph with numbers, and (below) the gallery's handouts and
# issue 13's networks, with and without numbers
LAYOUT = {
    "layout-5-layer": ["--layers", "1-1-1-1-1-1", "--standalone"],
    "layout-seed000": ["--layers", "1-1", "--cost", "squared-error", "--values",
                       "x=62.5, w2=0.8, b2=0, y=0", "--lr", "0.5", "--steps", "3", "--standalone"],
    "layout-graph": ["--graph", "examples/graphs/seed004.graph", "--values",
                     "x=3, t=1, w1=0.01, w2=-5, b=-1", "--lr", "0.1", "--steps", "3", "--standalone"],
}


def _gallery():
    """tools/gallery.py, loaded by path (tests/tools.py owns the name `tools` here)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / "gallery.py"
    spec = importlib.util.spec_from_file_location("gallery", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _without_values(args):
    """The same handout with no numbers: --values and what only numbers use are dropped."""
    out, skip = [], 0
    for arg in args:
        if skip:
            skip -= 1
        elif arg in ("--values", "--lr", "--steps", "--seed", "--digits"):
            skip = 1
        elif arg not in ("--gradcheck", "--random-values"):
            out.append(arg)
    return out


def _with_and_without_values(name, args):
    if "--values" in args or "--random-values" in args:
        return {name: args, f"{name}-no-values": _without_values(args)}
    return {name: args, f"{name}-random-values": args + ["--random-values"]}


# every handout the gallery builds as a PDF, and the networks issue 13 was tried on, each with
# and without numbers (issue 13: no page under a fifth full in any of them)
LAYOUT_NETWORKS = {
    "1-1-1": ["--layers", "1-1-1"],
    "2-3-2": ["--layers", "2-3-2"],
    "5-layer": ["--layers", "1-1-1-1-1-1"],
    "3-4-3-softmax": ["--layers", "3-4-3", "--activation", "sigmoid,softmax", "--cost",
                      "log-likelihood"],
    "784-30-10": ["--layers", "784-30-10"],
}
_GALLERY = _gallery()
for _name, _tex in _GALLERY.PDFS.items():
    _args = _GALLERY.ENTRIES[_tex]
    if "--exercise" not in _args:
        LAYOUT.update(_with_and_without_values(f"layout-gallery-{_name[:-len('.pdf')]}", _args))
for _name, _args in LAYOUT_NETWORKS.items():
    LAYOUT.update(_with_and_without_values(f"layout-{_name}", _args + ["--standalone"]))

PAGE_LIMITS = {"handout-1-1-1-nielsen": 4, "handout-1-1-1-ng": 4, "handout-1-1-1-matrix": 4,
               "layout-5-layer": 5}

HANDOUT_TITLES = ["The network", "The network at a glance", "Forward pass and cost",
                  "Derivatives of the activations", "Every gradient by the chain rule",
                  "The error terms", "The four equations of backpropagation", "The update rule"]


def documents():
    """name -> derive arguments (without --format/-o)."""
    docs = {}
    for net, args in NETWORKS.items():
        for notation in NOTATIONS:
            docs[f"handout-{net}-{notation}"] = args + ["--notation", notation, "--standalone"]
    for notation in NOTATIONS:
        docs[f"exercise-{notation}"] = EXERCISE + ["--notation", notation]
    docs["handout-1-1-1-nielsen"] += ["--title", TITLE]
    docs.update(LAYOUT)
    return docs


def render(args, fmt):
    r = CliRunner().invoke(cli, args + ["--format", fmt])
    assert r.exit_code == 0, r.output
    return r.stdout


def pdftotext(pdf, first=None, last=None):
    pages = ["-f", str(first), "-l", str(last)] if first else []
    out = subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return " ".join(out.split())


def page_count(pdf):
    """pdftotext ends every page with a form feed."""
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.count("\f")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    require_latexmk()
    require(shutil.which("pdftotext"), "pdftotext", "apt-get install poppler-utils")
    root = tmp_path_factory.mktemp("handouts")
    docs = documents()
    texts = {name: render(args, "latex") for name, args in docs.items()}
    # a document written twice (the gallery's 1-1-1 is the default one) is compiled once
    first = {}
    for name, text in texts.items():
        first.setdefault(text, name)

    def one(name):
        work = root / name
        work.mkdir()
        return name, compile_tex(texts[name], work)

    with ThreadPoolExecutor(max_workers=4) as pool:
        compiled = dict(pool.map(one, first.values()))
    return texts, {name: compiled[first[text]] for name, text in texts.items()}


@pytest.mark.parametrize("name", list(documents()))
def test_compiles_without_overfull_lines(built, name):
    texts, results = built
    code, log, pdf = results[name]
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert code == 0 and pdf.exists(), errors or log[-2000:]
    overfull = [line for line in log.splitlines() if line.startswith("Overfull \\hbox")]
    assert not overfull, overfull


@pytest.mark.parametrize("net", list(NETWORKS))
@pytest.mark.parametrize("notation", NOTATIONS)
def test_handout_pdf_pages_and_titles(built, net, notation):
    _, results = built
    pdf = results[f"handout-{net}-{notation}"][2]
    text = pdftotext(pdf)
    titles = list(HANDOUT_TITLES)
    if net in ("3-4-2", "2-3-3-softmax"):
        titles.insert(-1, "Vectorised forms")
        # wide layers: one gradient is written out before δ is named, the rest use δ
        titles[titles.index("Every gradient by the chain rule")] = "The chain rule, written out"
    positions = [text.find(t) for t in titles]
    assert -1 not in positions, [t for t, p in zip(titles, positions) if p == -1]
    assert positions == sorted(positions)
    assert "BP1" in text and "BP4" in text
    pages = page_count(pdf)
    assert 3 <= pages <= (12 if net == "deep-narrow" else 8), pages


def test_deep_chains_break_and_the_title_is_printed_literally(built):
    texts, results = built
    assert r"\\ &\qquad" in texts["handout-deep-narrow-nielsen"]
    assert r"\\ &\qquad" not in texts["handout-1-1-1-ng"]
    # (OT1 draws \_ as a rule, which has no text to extract)
    assert "Week 3: $\\alpha$ & 100% {fun} #" in pdftotext(results["handout-1-1-1-nielsen"][2])


@pytest.mark.parametrize("notation", NOTATIONS)
def test_exercise_pdf_has_problems_then_solutions_on_their_own_pages(built, notation):
    _, results = built
    pdf = results[f"exercise-{notation}"][2]
    pages = [pdftotext(pdf, n, n) for n in range(1, page_count(pdf) + 1)]
    starts = {}
    for n, page in enumerate(pages):
        for head in ("Version A", "Version B", "Solutions, version A", "Solutions, version B"):
            if re.match(re.escape(head) + r"\b", page.replace("Backpropagation: exercises ", "")):
                starts[head] = n
    assert list(starts) == ["Version A", "Version B", "Solutions, version A",
                            "Solutions, version B"], pages
    order = list(starts.values())
    assert order == sorted(order) and len(set(order)) == 4
    for n, page in enumerate(pages):  # no page mixes questions and answers
        assert not ("Differentiate" in page and "Solutions" in page)
    assert "Backpropagation: exercises" in pages[0]


def test_markdown_of_every_document_renders_in_katex(tmp_path):
    require_katex()
    paths = []
    for name, args in documents().items():
        path = tmp_path / f"{name}.md"
        path.write_text(render(args, "markdown"), encoding="utf-8")
        text = path.read_text()
        assert "tikz" not in text.lower()
        if name.startswith("handout"):
            assert "```mermaid" in text
        paths.append(path)
    code, out = katex_check(paths)
    assert code == 0, out


# -- page layout (issue 13) ------------------------------------------------------------------

HANDOUTS = [name for name in documents() if not name.startswith("exercise")]


def page_texts(pdf):
    return [pdftotext(pdf, n, n) for n in range(1, page_count(pdf) + 1)]


def page_fills(pdf):
    """How far down each page the text reaches, relative to the fullest page: from the
    words' boxes (pdftotext -bbox), leaving out the page number at the foot."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    spans = []
    for n, page in enumerate(out.split("<page ")[1:], start=1):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page)
        body = [(float(lo), float(hi)) for lo, hi, w in words
                if not (w.strip() == str(n) and float(lo) > 0.9 * height)]
        spans.append((min(lo for lo, _ in body), max(hi for _, hi in body)))
    top = min(lo for lo, _ in spans)
    full = max(hi for _, hi in spans) - top
    return [(hi - top) / full for _, hi in spans]


@pytest.mark.parametrize("name", HANDOUTS)
def test_no_page_is_less_than_a_fifth_full(built, name):
    """No orphan page: the last page holds more than one stray equation."""
    pdf = built[1][name][2]
    fills = page_fills(pdf)
    assert min(fills) >= 0.2, fills


@pytest.mark.parametrize("name", HANDOUTS)
def test_the_boxed_equations_never_span_a_page_break(built, name):
    """BP1–BP4 are one box: the page that starts it also ends it."""
    pages = page_texts(built[1][name][2])
    first = next((n for n, text in enumerate(pages) if "(BP1)" in text), None)
    if first is None:
        assert "graph" in name
        return
    assert "(BP4)" in pages[first].split("(BP1)", 1)[1], pages[first]


@pytest.mark.parametrize("name", list(PAGE_LIMITS))
def test_handouts_are_short(built, name):
    """Issue 13's targets: 1-1-1 in at most 4 pages, the 5-layer chain in at most 5."""
    assert page_count(built[1][name][2]) <= PAGE_LIMITS[name]


def test_the_saturation_remark_stands_beside_its_equations(built):
    """Seed 000: the remark on σ(50) is on the page of the forward pass it explains,
    says why float64 gives 0, and names the remedies."""
    pages = page_texts(built[1]["layout-seed000"][2])
    forward = next(n for n, text in enumerate(pages) if "Forward pass:" in text)
    remark = next(n for n, text in enumerate(pages) if "Saturated unit" in text)
    assert remark in (forward, forward + 1)
    text = " ".join(pages)
    assert "float64 rounds" in text and "scale the inputs" in text and "cross-entropy" in text
