"""The index notation a derivation defines for itself.

Index-form derivations (``w^l_{jk}``, ``δ^l_j``, ``Σ_k``) do not all mean the same by
``w_{jk}``.  Nielsen's ``z^l_j = Σ_k w^l_{jk} a^{l-1}_k`` puts the unit the weight goes
*into* first; course notes that write ``z_j = Σ_i w_{ij} a_i`` put the unit it comes
*from* first, and with them ``δ_j = Σ_k δ_k w_{kj} f'(z_j)`` is an index slip.  Some
name a weight matrix by the layer it leaves (``z^{l+1} = θ^l a^l``), some number the
input layer 0 (``a^0 = x``).

``read_convention`` reads this from the document's own definition of ``z`` (a weighted
sum of activations) or from a sentence that says it ("w^l_{jk} is the weight from unit
k of layer l-1 to unit j of layer l") and returns a ``Notation`` that reads the
document as written: the presets stay shortcuts, never a guess.  ``has_unit_indices``
says whether the document makes claims about units at all, so that the caller checks
it on a network wide enough to tell the indices apart.

Only regular expressions over the extracted math are used here; nothing is evaluated.
"""
import re
from dataclasses import dataclass, replace

from derive.check.read.equations import document_chains
from derive.check.read.layernames import layer_names_in

_W = r"(?:\\mathbf\s*\{\s*[wW]\s*\}|\\theta|\\Theta|[wW])"
_A = r"(?:\\mathbf\s*\{\s*[ahxo]\s*\}|out|[ahxyo])"
_SCRIPT = r"(?:_\s*(?:\{[^{}]*\}|[A-Za-z0-9])|\^\s*(?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|[A-Za-z0-9]))"
_Z_LHS = re.compile(r"^\s*(?:\\mathbf\s*\{\s*z\s*\}|z|net)\s*(?P<scripts>(?:" + _SCRIPT + r"\s*){1,2})"
                    r"(?:\s*\([^()]*\))?\s*$")
_WEIGHT = re.compile(r"(?<![A-Za-z\\])" + _W + r"\s*(?P<scripts>(?:" + _SCRIPT + r"\s*){1,2})")
_ACT = re.compile(r"(?<![A-Za-z\\])" + _A + r"\s*(?P<scripts>(?:" + _SCRIPT + r"\s*){1,2})")
_SUM = re.compile(r"\\sum\s*_\s*(?:\{\s*(?P<braced>[a-z])[^{}]*\}|(?P<bare>[a-z]))")
_ZERO_INPUT = re.compile(r"(?<![A-Za-z\\])a\s*\^\s*(?:\{\s*[\[(]?\s*0\s*[\])]?\s*\}|0)"
                         r"(?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?\s*=\s*(?:\\mathbf\s*\{\s*)?x")
_SENTENCE = re.compile(
    r"w\s*(?:\^\s*(?:\{[^{}]*\}|\w))?\s*_\s*\{?\s*(?P<first>[a-z])\s*,?\s*(?P<second>[a-z])\s*\}?"
    r"[^.]{0,120}?\bfrom\b[^.]{0,40}?\b(?:unit|neuron|node)\s+\$?(?P<src>[a-z])\b"
    r"[^.]{0,80}?\bto\b[^.]{0,40}?\b(?:unit|neuron|node)\s+\$?(?P<dst>[a-z])\b",
    re.IGNORECASE | re.DOTALL)
_UNIT_INDEX = re.compile(r"(?<![A-Za-z\\])(?:[wW]|\\delta|[azb])\s*(?:\^\s*(?:\{[^{}]*\}|\w)\s*)?"
                         r"_\s*(?:\{\s*[ijk]\s*,?\s*[ijkm]?\s*\}|[ijk])")


@dataclass(frozen=True)
class Convention:
    """What the document says its indices mean, and where it says it."""

    from_first: bool  # w_{ij}: from unit i into unit j
    layer_of_source: bool = False  # w^l connects layer l to layer l+1
    input_zero: bool = False  # the input layer is a^0
    line: int = None  # where it was read
    how: str = "definition"  # 'definition' | 'sentence'

    def describe(self):
        order = ("w_{ij} is the weight from unit i into unit j" if self.from_first
                 else "w_{jk} is the weight into unit j from unit k")
        layer = "; w^l leaves layer l" if self.layer_of_source else ""
        inp = "; the input is layer 0" if self.input_zero else ""
        return f"the document's own ({order}{layer}{inp}, line {self.line})"

    def notation(self, base):
        """``base`` (a preset) reading the document's indices as it defines them."""
        offsets = dict(base.offsets)
        if self.input_zero:
            offsets = {k: 0 for k in offsets}
        if self.layer_of_source:
            offsets["w"] = offsets.get("a", 0) - 1
            offsets["b"] = offsets.get("a", 0) - 1
        return replace(base, name=self.describe(), offsets=offsets,
                       weights_from_first=self.from_first)


def _scripts(text):
    """(subscript, superscript) of a run of ``_…``/``^…`` scripts, without braces."""
    sub = sup = None
    for m in re.finditer(r"([_^])\s*(\{((?:[^{}]|\{[^{}]*\})*)\}|[A-Za-z0-9])", text):
        body = m.group(3) if m.group(3) is not None else m.group(2)
        body = re.sub(r"\s+", "", body)
        if m.group(1) == "_":
            sub = body
        else:
            sup = body
    return sub, sup


def _letters(sub):
    return re.sub(r"[{},\s]", "", sub or "")


def _layer_shift(sup):
    """l+1 → 1, (l) → 0, [l-1] → -1; None for anything else (a number, a power)."""
    if sup is None:
        return None
    m = re.fullmatch(r"[\[(]?([lL])([+-][0-9])?[\])]?", sup)
    if m is None:
        return None
    return int(m.group(2) or 0)


def _from_definition(lhs, rhs):
    """A Convention from ``z_j^l = Σ_k w_{jk}^l a_k^{l-1} + b_j^l``, or None."""
    m = _Z_LHS.match(lhs)
    if m is None:
        return None
    zsub, zsup = _scripts(m.group("scripts"))
    j = _letters(zsub)
    if len(j) != 1 or not j.isalpha():
        return None
    sums = {s.group("braced") or s.group("bare") for s in _SUM.finditer(rhs)}
    acts = {}
    for a in _ACT.finditer(rhs):
        sub, sup = _scripts(a.group("scripts"))
        if len(_letters(sub)) == 1 and _letters(sub).isalpha():
            acts[_letters(sub)] = sup
    for w in _WEIGHT.finditer(rhs):
        sub, sup = _scripts(w.group("scripts"))
        pair = _letters(sub)
        if len(pair) != 2 or not pair.isalpha() or j not in pair or pair[0] == pair[1]:
            continue
        k = pair[1] if pair[0] == j else pair[0]
        if k not in acts or (sums and k not in sums):
            continue
        from_first = pair[0] == k
        shifts = (_layer_shift(zsup), _layer_shift(sup), _layer_shift(acts[k]))
        layer_of_source = (None not in shifts and shifts[1] == shifts[2]
                           and shifts[0] == shifts[2] + 1)
        return Convention(from_first, layer_of_source)
    return None


def read_convention(text, kind="md", name="<input>"):
    """The ``Convention`` the document defines (its first definition of z, else a
    sentence), or None when it defines none: then the caller's notation stands."""
    source, chains = document_chains(text, kind, name)
    chains = chains or []
    found = None
    for chain in chains:
        if chain.lhs is None or not chain.links:
            continue
        for link in chain.links[:2]:
            conv = _from_definition(chain.lhs.s, link.rhs.s)
            if conv is not None:
                found = replace(conv, line=source.line_col(link.rhs.first_origin())[0])
                break
        if found is not None:
            break
    if found is None:
        # o_j = φ(net_j) = φ(Σ_k w_{kj} o_k): the weighted sum inside the activation
        names = layer_names_in(source, chains)
        if names is not None:
            found = Convention(names.from_first, line=names.line)
    if found is None:
        m = _SENTENCE.search(text)
        if m is not None:
            first, src = m.group("first").lower(), m.group("src").lower()
            found = Convention(first == src, line=text.count("\n", 0, m.start()) + 1,
                               how="sentence")
    if found is not None and _ZERO_INPUT.search(text):
        found = replace(found, input_zero=True)
    return found


def has_unit_indices(text):
    """Whether the document writes unit indices on network quantities (w_{jk}, δ_j)."""
    return _UNIT_INDEX.search(text) is not None


# -- the layered network's options, from the document's own definitions -----------------

# C_0, C_x: one example's cost, read as the cost (as the checker reads ∂C_0/∂w)
_COST_LHS = re.compile(r"^\s*(?:C|E|J|L|\\mathcal\s*\{\s*[CLJ]\s*\})\s*(?:_\s*(?:\{\s*\w+\s*\}|\w))?"
                       r"\s*(?:\([^()]*\))?\s*$")
_HALF = re.compile(r"\\frac\s*\{\s*1\s*\}\s*\{\s*2\s*\}|\\frac\s*12|\\tfrac\s*\{\s*1\s*\}\s*\{\s*2\s*\}"
                   r"|\b1\s*/\s*2\b|\b0\.5\b|\\half\b")
_SQUARED = re.compile(r"\^\s*(?:2|\{\s*2\s*\})")
_GENERIC_A = re.compile(r"(?<![A-Za-z\\])a\s*\^\s*(?:\{\s*[\[(]?\s*l\s*[\])]?\s*\}|l)"
                        r"(?![A-Za-z0-9])(?!\s*[+-]\s*[0-9])")
_BINARY_CE = re.compile(r"\(\s*1\s*-\s*[yt]\w*\s*\)[^=]*(?:\\|(?<![A-Za-z]))(?:log|ln)\s*\\?(?:left)?\s*"
                        r"\(\s*1\s*-")
_ONE_EXAMPLE = re.compile(r"\b(?:for|on|with|of)\s+(?:one|a\s+single|a)\s+(?:training\s+)?"
                          r"(?:example|sample|observation)\b", re.I)
_TARGET = re.compile(r"(?<![A-Za-z\\])[yt](?![A-Za-z])")
# z, z^l, z^{(L)}, z_L, z(x): a weighted input written for a layer
_Z_OF_LAYER = re.compile(r"^\s*z\s*(?:\^\s*(?:\{[^{}]*\}|\w)|_\s*(?:\{\s*[lL]\s*\}|[lL]))?\s*"
                         r"(?:\([^()]*\))?\s*$")


@dataclass(frozen=True)
class Options:
    """What the document's own definitions say of the network to check it on."""

    cost: str = None  # 'quadratic' | 'squared-error', from the definition of C
    bias: bool = None  # False when its weighted input has no bias
    single_layer: bool = False  # the cost is written in a^l: l is the output layer
    lines: tuple = ()


# Co, Cost, Err: a loss the document names with a word, where it also differentiates it
_COST_WORD = re.compile(r"^\s*(?P<word>[A-Z][a-z]{1,4})\s*$")


# L = -(y ln a + (1 - y) ln(1 - a)), H(A_i, Y_i) = …: a loss written with one letter of its own
_COST_LETTER = re.compile(r"^\s*(?P<word>[LEJH])\s*(?:\([^()]*\)\s*)?$")


def _cost_lhs(lhs, text):
    """Whether ``lhs`` names the document's loss: C, E, J, L (with a script or its
    arguments), or a word the document differentiates (``\\frac{\\partial Co}{…}``)."""
    if _COST_LHS.match(lhs):
        return True
    if _COST_LETTER.match(lhs):  # H(A_i, Y_i): a letter that is a loss where it is differentiated
        return cost_word_differentiated(_COST_LETTER.match(lhs).group("word"), text)
    m = _COST_WORD.match(lhs)
    return m is not None and cost_word_differentiated(m.group("word"), text)


def cost_word_differentiated(word, text):
    """Whether ``text`` takes a derivative of the loss named ``word`` (∂Co/∂w, dCo/dw, or
    a fraction with ``Co`` alone over a differential, as in ``\\frac{Co}{dw_L}``)."""
    w = re.escape(word)
    return re.search(r"\\frac\s*\{\s*(?:(?:\\partial|d)\s*)?(?:\{\s*)?" + w + r"\s*(?:\}\s*)?\}\s*\{\s*"
                     r"(?:\\partial|d)|(?:\\partial|\bd)\s*" + w + r"\s*/", text) is not None


def read_cost_word(text, kind="md", name="<input>"):
    """(word, line) of a loss named with a word and defined as a squared error or a
    cross-entropy (``{Co} = (a_L - y)^2``), which the checker reads as the cost C; or None."""
    source, chains = document_chains(text, kind, name)
    for chain in chains or ():
        if chain.lhs is None or not chain.links or chain.links[0].relation not in ("=", ":="):
            continue
        m = _COST_WORD.match(_unbraced(chain.lhs.s)) or _COST_LETTER.match(_unbraced(chain.lhs.s))
        rhs = chain.links[0].rhs.s
        if m and m.group("word") not in ("Sigma",) and cost_word_differentiated(m.group("word"), text) \
                and (_SQUARED.search(rhs) and _TARGET.search(rhs) or _BINARY_CE.search(rhs)):
            return m.group("word"), source.line_col(chain.links[0].rhs.first_origin())[0]
    return None


def _unbraced(lhs):
    """``{C}`` as ``C``: braces around a whole left-hand side only group it."""
    m = re.fullmatch(r"\s*\{([^{}]*)\}\s*", lhs)
    return m.group(1) if m else lhs


def read_options(text, kind="md", name="<input>"):
    """``Options`` from the document's definitions of its cost (``C = (a^l - y)^2``:
    squared error, no ½) and weighted input (``z^l = w^l a^{l-1}``: no bias)."""
    source, chains = document_chains(text, kind, name)
    if chains is None:
        return Options()
    cost = bias = None
    single = False
    lines = []
    for chain in chains:
        if chain.lhs is None or not chain.links or chain.links[0].relation not in ("=", ":="):
            continue
        lhs, rhs = _unbraced(chain.lhs.s), chain.links[0].rhs.s
        line = source.line_col(chain.links[0].rhs.first_origin())[0]
        if cost is None and _cost_lhs(lhs, text) and _BINARY_CE.search(rhs) \
                and not re.search(r"\\partial|\\frac\s*\{\s*d", rhs) and (
                    not re.search(r"\^\s*\{?\s*m\b|\{\s*m\s*\}", rhs) or _ONE_EXAMPLE.search(text)):
            # (a mean over m examples, Σ_{i=1}^m y_i …, indexes examples, not output units,
            # unless the document says it differentiates it for one example: m = 1)
            # -[y log ŷ + (1 - y) log(1 - ŷ)]: the binary cross-entropy of each output
            cost = "cross-entropy"
            lines.append(line)
        elif cost is None and _cost_lhs(lhs, text) and _SQUARED.search(rhs) \
                and _TARGET.search(rhs) and re.search(r"(?<![A-Za-z\\])a", rhs) \
                and not re.search(r"\\log|\\ln|\\partial|\\sum|\\frac\s*\{\s*[^1]", rhs):
            cost = "quadratic" if _HALF.search(rhs) else "squared-error"
            single = _GENERIC_A.search(rhs) is not None
            if cost != "quadratic" or single:
                lines.append(line)
        elif bias is None and _Z_OF_LAYER.match(lhs) and re.search(r"(?<![A-Za-z\\])[wW]", rhs) \
                and not re.search(r"\\partial|\\sum", rhs):
            bias = bool(re.search(r"(?<![A-Za-z\\])b", rhs))
            if not bias:
                lines.append(line)
    if single and re.search(r"l\s*\+\s*1", text):
        single = False  # layers above l: l is not only the output layer
    return Options(cost, None if bias else bias, single, tuple(sorted(set(lines))))
