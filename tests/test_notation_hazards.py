"""Issue 13's notation hazards, checked in every document derive writes: the plain
derivation and the handout, in LaTeX and Markdown, for a chain, a deep chain, the
index form, a softmax network and the matrix notation, and the exercise sheet.

Expected strings are written here by hand from the notations' rules (layer 3 is
the output of a 2-3-2 network in Nielsen's notation, layer [2] in the matrix one),
never produced by the code under test.
"""
import re

import pytest
import sympy as sp

from derive import derive
from derive.documents.exercise import build_sheet, render_sheet
from derive.documents.handout import render_handout
from derive.model.network import Network
from derive.model.notation import get_notation
from derive.model.symbols import Factors, IndexSum, Terms, quantity
from derive.model.unitgraph import I, J
from derive.render.printing import tex

KINDS = {
    "chain": dict(layers="1-1-1"),
    "deep": dict(layers="1-1-1-1-1-1"),
    "index": dict(layers="2-3-2"),
    "softmax": dict(layers="3-4-3", activation="sigmoid,softmax", cost="log-likelihood"),
    "matrix": dict(layers="3-4-2", notation="matrix"),
    "ng": dict(layers="2-3-2", notation="ng"),
}
_cache = {}


def docs(kind):
    """name -> text of the four documents of one network kind (plain and handout, LaTeX and Markdown)."""
    if kind not in _cache:
        if kind == "exercise":
            sheet = build_sheet(Network("1-1-1"), get_notation("nielsen"), seed=4)
            _cache[kind] = {f"exercise.{fmt}": render_sheet(sheet, fmt) for fmt in ("latex", "markdown")}
        else:
            d = derive(**KINDS[kind])
            _cache[kind] = {f"{kind}.{fmt}": d.render(fmt) for fmt in ("latex", "markdown")}
            _cache[kind].update({f"{kind}-handout.{fmt}": render_handout(d, fmt)
                                 for fmt in ("latex", "markdown")})
    return _cache[kind]


ALL = list(KINDS) + ["exercise"]


def every(kinds=ALL):
    for kind in kinds:
        yield from docs(kind).items()


# -- 1. a sum whose every term is negated: the minus outside -------------------------------

def test_negated_sums_print_minus_sigma():
    for name, text in every():
        assert not re.search(r"\\sum_\{[^{}]*\}(\^\{[^{}]*\})? -", text), name
    for name, text in docs("softmax").items():
        assert r"&= -\sum_{i=1}^{3} \frac{y_{i}}{a^{(3)}_{i}} \frac{\partial a^{(3)}_{i}}{\partial z^{(3)}_{j}}" \
            in text, name
        assert r"C &= -\sum_{j=1}^{3} y_{j} \ln" in text, name


def test_printer_minus_sigma():
    n = get_notation("nielsen")
    a, y = (lambda u: quantity("a", 2, u)), (lambda u: quantity("y", "out", u))
    assert tex(IndexSum(Factors(-1, y(I) / a(I)), I, 3), n) == r"-\sum_{i=1}^{3} \frac{y_{i}}{a^{(3)}_{i}}"
    assert tex(IndexSum(Factors(-y(I), a(J)), I, 3), n) == r"-\sum_{i=1}^{3} y_{i} a^{(3)}_{j}"
    # a sum with one positive term keeps its sign inside
    assert tex(IndexSum(Terms(y(I), -a(I)), I, 3), n) == r"\sum_{i=1}^{3} \left(y_{i} - a^{(3)}_{i}\right)"


# -- 2. no brackets around a whole sum, nor around (x)^T --------------------------------------

def _after_bracketed_sums(text):
    """What follows each \\left(\\sum ... \\right) whose brackets hold one sum and nothing
    else (not Σ_m w_m x_m + b, a sum of terms), the brackets and braces matched."""
    out, text = [], text.replace(r" \\ &\qquad ", " ")  # a product broken across lines is one
    for m in re.finditer(r"\\left\(\\sum", text):
        depth, braces, i, top = 0, 0, m.start(), ""
        while i < len(text):
            if text.startswith(r"\left", i):
                depth, i = depth + 1, i + 5
            elif text.startswith(r"\right", i):
                depth, i = depth - 1, i + 6
                if depth == 0:
                    if " + " not in top and " - " not in top:
                        out.append(text[i + 1:i + 40])
                    break
            else:
                braces += {"{": 1, "}": -1}.get(text[i], 0)
                if depth == 1 and braces == 0:
                    top += text[i]
                i += 1
    return out


def test_a_sum_is_bracketed_only_where_factors_follow_it():
    """Decision: Σ runs to the end of its product, so a sum that is the last factor is bare
    (½ Σ_j (a_j − y_j)², a_j Σ_i y_i) and one with factors after it keeps its brackets,
    (Σ_i δ_i w_ij) σ'(z_j); a power of a sum, (Σ_k e^{z_k})², keeps them too."""
    for name, text in every():
        for rest in _after_bracketed_sums(text):
            assert not re.match(r"\s*($|\\\\|&|\$|=|\+|-|\}|,|\.|\n)", rest), (name, rest)
    for name, text in docs("index").items():
        assert r"C &= \frac{1}{2} \sum_{j=1}^{2} \left(a^{(3)}_{j} - y_{j}\right)^{2}" in text, name
    for name, text in docs("softmax").items():
        assert r"- y_{j} + a^{(3)}_{j} \sum_{i=1}^{3} y_{i}" in text, name
        assert r"\left(\sum_{i=1}^{3} \delta^{(3)}_{i} w^{(3)}_{ij}\right) \sigma'\left(z^{(2)}_{j}\right)" \
            in text, name
        assert r"{\left(\sum_{k} e^{z^{(L)}_{k}}\right)^{2}}" in text, name


def test_printer_sum_brackets():
    n = get_notation("nielsen")
    a, y = (lambda u: quantity("a", 2, u)), (lambda u: quantity("y", "out", u))
    s = IndexSum(y(I), I, 3)
    assert tex(Factors(sp.Rational(1, 2), s), n) == r"\frac{1}{2} \sum_{i=1}^{3} y_{i}"
    assert tex(Factors(s, a(J)), n) == r"\left(\sum_{i=1}^{3} y_{i}\right) a^{(3)}_{j}"
    assert tex(sp.Mul(s, a(J), evaluate=False), n) == r"\left(\sum_{i=1}^{3} y_{i}\right) a^{(3)}_{j}"
    # a sum after another factor that prints with a minus keeps its brackets: a (-Σ y), not a · -Σ y
    assert tex(Factors(a(J), IndexSum(Factors(-1, y(I)), I, 3)), n) == \
        r"a^{(3)}_{j} \left(-\sum_{i=1}^{3} y_{i}\right)"
    assert tex(Factors(a(J), Factors(-1, s)), n) == r"a^{(3)}_{j} \left(-\sum_{i=1}^{3} y_{i}\right)"
    # a product that ends in a bare sum is bracketed where more factors follow it
    assert tex(Factors(Factors(a(J), s), a(I)), n) == \
        r"\left(a^{(3)}_{j} \sum_{i=1}^{3} y_{i}\right) a^{(3)}_{i}"


def test_no_brackets_around_x_transposed():
    for name, text in every():
        assert r"\left(x\right)^{T}" not in text, name
    for name, text in docs("index").items():
        if "handout" in name:
            assert r"x^{T}" in text, name


# -- 3. ∂a_i/∂z_j = 0 keeps its layer ------------------------------------------------------

@pytest.mark.parametrize("kind,a,z", [("index", "a^{(3)}", "z^{(3)}"), ("ng", r"\hat{y}", "z^{(3)}"),
                                      ("matrix", "a^{[2]}", "z^{[2]}")])
def test_only_own_unit_keeps_the_layer(kind, a, z):
    """The output of Ng's notation is ŷ, whose layer is its name."""
    for name, text in docs(kind).items():
        assert r"\partial a_i / \partial z_j" not in text, name
        if "handout" in name:  # the motivating chain sums over p and collapses it on i
            assert r"\partial %s_{p} / \partial %s_{i} = 0 \text{ for } p \neq i" % (a, z) in text, name
        assert r"\partial %s_{i} / \partial %s_{j} = 0 \text{ for } i \neq j" % (a, z) in text, name


# -- 4. BP3 before BP4, one tag style -------------------------------------------------------

def test_bp3_before_bp4_and_one_tag_style_everywhere():
    for name, text in every():
        tags = re.findall(r"\\text\{\((BP[1-4])\)\}", text)
        assert tags, name
        for before, tag in zip(tags, tags[1:]):
            if tag == "BP4":
                assert before == "BP3", (name, tags)
        assert len(re.findall(r"&& \\text\{\(BP[1-4]\)\}", text)) == len(tags), name
    for name, text in docs("exercise").items():
        solutions = text.split("Solutions")[1]
        assert re.findall(r"\\text\{\((BP[1-4])\)\}", solutions)[:4] == ["BP1", "BP2", "BP3", "BP4"], name
        assert r"\partial C / \partial b^{(l)}_{j}$ and $\partial C / \partial w^{(l)}_{jk}$" in text, name
        assert r"&= \delta^{(l)}_{j} a^{(l-1)}_{k} && \text{(BP4)}" in solutions, name


# -- 5. BP2 holds for l < L ------------------------------------------------------------------

def test_bp2_is_stated_for_l_below_L():
    for kind in KINDS:
        for name, text in docs(kind).items():
            if "handout" in name:
                continue
            assert "$l < L$ any earlier layer (BP2)" in text, name
            assert not re.search(r"l = [12], \\dots, L\$ any (earlier )?layer \(BP2", text), name


# -- 6. the notation, named and explained ------------------------------------------------------

@pytest.mark.parametrize("kind,said", [
    ("index", "It is written in Nielsen's notation"),
    ("ng", "It is written in Andrew Ng's notation"),
    ("matrix", "It is written in the matrix notation"),
])
def test_opening_sentence_names_and_explains_the_notation(kind, said):
    explained = {"index": r"$w^{(l)}_{jk}$ is the weight into unit $j$ of layer $l$ from unit $k$ of layer $l-1$",
                 "ng": r"$\theta^{(l)}_{jk}$ is the weight from unit $k$ of layer $l$ into unit $j$ of layer $l+1$",
                 "matrix": r"$W^{[l]}_{jk}$ is the weight into unit $j$ of layer $l$ from unit $k$ of layer $l-1$"}
    for name, text in docs(kind).items():
        assert "nielsen notation" not in text and "ng notation" not in text, name
        if "handout" not in name:
            opening = next(line for line in text.splitlines() if line.startswith("The network has"))
            assert said in opening and explained[kind] in opening, name


# -- 7. the Mermaid diagram ---------------------------------------------------------------------

LINE_PX = 24  # a 16px line of a subgraph title, measured in Mermaid 11.17's SVG (23.7 px)


@pytest.mark.parametrize("kind", list(KINDS))
def test_mermaid_titles_fit_and_the_caption_matches_the_labels(kind):
    md = docs(kind)[f"{kind}-handout.markdown"]
    block = md.split("```mermaid\n", 1)[1].split("```", 1)[0]
    titles = re.findall(r'subgraph \w+\["([^"]*)"\]', block)
    assert titles
    lines = [t.split("<br>") for t in titles]
    # each line as narrow as a unit's circle (about ten characters at 16 px), so titles never overlap
    assert all(len(line) <= 10 for title in lines for line in title), titles
    # Mermaid draws a title over the top of its box; the padding holds one line, the rest needs a margin
    margin = re.search(r'"subGraphTitleMargin": \{"top": 0, "bottom": (\d+)\}', block)
    assert margin and int(margin.group(1)) >= LINE_PX * (max(map(len, lines)) - 1), block[:200]
    unit_edges = re.findall(r"^  u\w+ (?:--> |-- \"[^\"]*\" --> )u\w+$", block, re.M)
    labelled = [e for e in unit_edges if '-- "' in e]
    caption = md.split("```", 2)[2].split("\n\n")[1]
    if labelled:
        assert len(labelled) == len(unit_edges) and "the label on an arrow names its weight" in caption
    else:
        assert "not labelled" in caption and "label on an arrow" not in caption, caption


# -- 8. the matrix notation brackets the layer -------------------------------------------------

def test_matrix_notation_never_writes_a_layer_as_a_power():
    d = derive(layers="3-4-2", notation="matrix", random_values=True, seed=1, lr="0.5")
    texts = dict(docs("matrix"), worked=render_handout(d, "markdown"))
    sheet = build_sheet(Network("2-2-1"), get_notation("matrix"), seed=4)
    texts.update(sheet=render_sheet(sheet, "markdown"))
    for name, text in texts.items():
        assert not re.search(r"(?<![A-Za-z\\])(?:[azWb]|\\delta)\^\{?[0-9lL]", text), name
        assert not re.search(r"<sup>[0-9lL]", text), name
    assert r"\left(a^{[2]}_{j} - t_{j}\right) a^{[2]}_{j} \left(1 - a^{[2]}_{j}\right)" in \
        docs("matrix")["matrix.latex"]


# -- 9. one engine call for the motivating chain ------------------------------------------------

def test_motivation_reuses_the_index_chain():
    d = derive(layers="2-3-2")
    below_output = [e for e in d.index_chain if e.layer == d.network.L - 1]
    assert len(d.motivation) == 1 and d.motivation[0] is below_output[0]
