"""A layered network a document writes with matrices: its sizes from its own numbers.

A worked example in matrix form gives its numbers first and its forward pass after::

    x = [1, 4, 5]        W_1 = \\begin{bmatrix} 0.1 & 0.2 \\\\ 0.3 & 0.4 \\\\ 0.5 & 0.6 \\end{bmatrix}  …
    z_1 = a_0 W_1 + b_1^T        a_1 = f_1(z_1)        z_2 = a_1 W_2 + b_2^T  …

The forward pass says how the layers are numbered (``a_0`` feeds ``z_1``: the input is
layer 0) and which way the vectors lie (``a W``: rows, numpy's; ``W a``: columns); the
given matrices say how wide each layer is (W_1 is 3×2 in rows: 3 inputs, 2 hidden units).
``read_matrix_pass`` returns that reading, or None unless every layer's weight matrix is
given and their sizes fit together.

Only regular expressions over the extracted math are used here; nothing is evaluated.
"""
import re
from dataclasses import dataclass, replace

from derive.check.read.convention import has_unit_indices
from derive.check.read.equations import document_chains

_SCRIPTS = r"(?P<{0}>(?:\s*[_^]\s*(?:\{{[^{{}}]*\}}|[A-Za-z0-9]))*)"
_BOLD = r"(?:\\(?:mathbf|boldsymbol|bm)\s*\{{\s*{0}\s*\}}|{0})"
_ACT = _BOLD.format("[axhAXH]")
_WEIGHT = "(?P<weight>" + _BOLD.format(r"(?:W|w|\\Theta|\\theta)") + ")"
_SCALAR_WEIGHT = re.compile(r"w|\\theta")
_BIAS = _BOLD.format("[bB]")
# {z_L} = w_L*a_{L-1}: the braces around a left-hand side are TeX's grouping, and a
# chain of one neuron per layer may have no bias
_Z_LHS = re.compile(r"^\s*(?:(?P<brace>\{)\s*)?" + _BOLD.format("[zZ]") + _SCRIPTS.format("z")
                    + r"\s*(?(brace)\}\s*)$")
_TIMES = r"\s*(?:\\cdot\s*|\*\s*|\\times\s*)?"
_PLUS_BIAS = r"(?:\s*\+\s*" + _BIAS + _SCRIPTS.format("b") + r")?"
_ROWS = re.compile(r"^\s*" + _ACT + _SCRIPTS.format("a") + _TIMES + _WEIGHT
                   + _SCRIPTS.format("w") + _PLUS_BIAS + r"\s*$")
_COLUMNS = re.compile(r"^\s*" + _WEIGHT + _SCRIPTS.format("w") + _TIMES + _ACT
                      + _SCRIPTS.format("a") + _PLUS_BIAS + r"\s*$")
_W_LHS = re.compile(r"^\s*" + _WEIGHT + _SCRIPTS.format("w") + r"\s*$")
_X_LHS = re.compile(r"^\s*(?:" + _BOLD.format("[xX]") + r"|" + _ACT + r"\s*_\s*\{?\s*0\s*\}?)\s*$")
_MATRIX = re.compile(r"^\s*\\begin\s*\{[pbBvV]?matrix\}(?P<body>.*)\\end\s*\{[pbBvV]?matrix\}\s*$",
                     re.DOTALL)
_LIST = re.compile(r"^\s*\[(?P<body>[^\[\]]*,[^\[\]]*)\]\s*$")
_TRANSPOSED = re.compile(r"\^\s*(?:\{\s*T\s*\}|T|\{\s*\\top\s*\}|\\top)")


@dataclass(frozen=True)
class MatrixPass:
    """The network a matrix forward pass and its given matrices describe."""

    widths: tuple  # units per layer, input first
    input_zero: bool  # the input is layer 0 (a_0 = x), else layer 1
    rows: bool  # vectors are rows: z = a W + b
    bias_column: bool  # b is a column added as b^T (z = a W + b^T)
    definitions: tuple  # lines of the forward pass read
    sizes: tuple  # (name, rows, columns, line) of each given matrix read

    def network(self, activation, cost, bias):
        """The layered network, vectors as the document lays them (``rows``,
        ``bias_column``), with this reading kept for the report's header."""
        from derive.model.network import Network

        net = Network(list(self.widths), activation, cost, bias)
        net.rows, net.bias_column, net.matrix_pass = self.rows, self.bias_column, self
        return net

    def notation(self, base, given=False):
        """``base`` numbering the layers as the document does (the input as layer 0)."""
        if given:
            return base
        said = ["the input is layer 0"] if self.input_zero else []
        said.append("vectors as rows, W inputs × outputs" if self.rows else "vectors as columns")
        if self.bias_column:
            said.append("b a column added as b^T")
        offsets = {k: 0 for k in base.offsets} if self.input_zero else base.offsets
        return replace(base, name=f"the document's own ({'; '.join(said)})", offsets=offsets)

    def read_lines(self):
        """What was read, and where: [(what, size or None, line)] in line order."""
        out = [("forward pass", None, n) for n in self.definitions]
        out += [(name, f"{r}×{c}", n) for name, r, c, n in self.sizes]
        return sorted(out, key=lambda t: t[2])


_INPUT_LHS = re.compile(r"^\s*(?:[zZ]|" + _ACT + r")\s*_\s*\{?\s*0\s*\}?\s*$")
_INPUT_RHS = re.compile(r"^\s*(?:" + _BOLD.format("[xX]") + r"|" + _ACT + r"\s*_\s*\{?\s*0\s*\}?)\s*$")


def names_the_input(chain):
    """``z_0 = a_0 = x``: the document's names for its input layer, a definition."""
    return (chain.lhs is not None and _INPUT_LHS.match(chain.lhs.s) is not None
            and bool(chain.links) and all(_INPUT_RHS.match(link.rhs.s) for link in chain.links))


def _layer(scripts):
    """The layer number a run of scripts gives (``_1``, ``^{(2)}``, ``^{[0]}``), or None;
    a transpose among them is not a layer."""
    found = None
    for m in re.finditer(r"[_^]\s*(?:\{([^{}]*)\}|([A-Za-z0-9]))", scripts or ""):
        body = re.sub(r"[\s\[\]()]", "", m.group(1) if m.group(1) is not None else m.group(2))
        if body.isdigit():
            if found is not None:
                return None  # two numbers (w_{11}^{(1)}): a weight, not a layer's matrix
            found = int(body)
        elif body not in ("T", r"\top"):
            return None
    return found


def _size(rhs):
    """(rows, columns) of a written matrix or list, or None."""
    m = _MATRIX.match(rhs)
    if m is not None:
        lines = [r for r in re.split(r"\\\\", m.group("body")) if r.strip()]
        widths = {len(r.split("&")) for r in lines}
        if len(widths) != 1 or re.search(r"\\[vcdl]?dots", m.group("body")):
            return None
        return len(lines), widths.pop()
    m = _LIST.match(rhs)
    if m is not None:
        return 1, len(m.group("body").split(","))
    return None


@dataclass(frozen=True)
class SubscriptLayers:
    """A matrix forward pass written for a general layer (``z_l = a_{l-1} W_l + b_l^T``):
    the layers are subscripts and the vectors lie as it writes them, but no sizes."""

    rows: bool
    bias_column: bool
    definitions: tuple
    scalar: bool = False  # z_L = w_L a_{L-1}: one neuron per layer (Notation.scalar_layers)


def _general(scripts):
    """(letter, shift) of a general layer subscript (``_l``, ``_{l+1}``, ``_{L-1}``), else None."""
    m = re.fullmatch(r"\s*_\s*(?:\{\s*([lL])\s*(?:([+-])\s*([0-9]))?\s*\}|([lL]))"
                     r"(?:\s*\^\s*(?:\{\s*(?:T|\\top)\s*\}|T))?\s*", scripts or "")
    if m is None:
        return None
    letter = m.group(1) or m.group(4)
    return letter, (int(m.group(3)) * (1 if m.group(2) == "+" else -1)) if m.group(2) else 0


def read_subscript_layers(text, kind="md", name="<input>"):
    """``SubscriptLayers`` of a document whose forward pass is ``z_l = a_{l-1} W_l + b_l^T``
    for a general layer l (or L), or None."""
    source, chains = document_chains(text, kind, name)
    found = []
    for chain in chains or ():
        if chain.lhs is None or not chain.links:
            continue
        z = _Z_LHS.match(chain.lhs.s)
        m = z and (_ROWS.match(chain.links[0].rhs.s) or _COLUMNS.match(chain.links[0].rhs.s))
        if not m:
            continue
        zl, al, wl = (_general(x) for x in (z.group("z"), m.group("a"), m.group("w")))
        bl = zl if m.group("b") is None else _general(m.group("b"))
        if None in (zl, al, wl, bl) or len({zl[0], al[0], wl[0], bl[0]}) != 1:
            continue
        if zl[1] == wl[1] == bl[1] == al[1] + 1:
            found.append((m.re is _ROWS, bool(_TRANSPOSED.search(m.group("b") or "")),
                          source.line_col(chain.links[0].rhs.first_origin())[0],
                          _SCALAR_WEIGHT.fullmatch(m.group("weight")) is not None))
    if not found or len({f[:2] for f in found}) != 1:
        return None
    rows, column = found[0][:2]
    scalar = all(f[3] for f in found) and not _TRANSPOSED.search(text) \
        and not has_unit_indices(text)
    return SubscriptLayers(rows, rows and column, tuple(f[2] for f in found), scalar)


def read_matrix_pass(text, kind="md", name="<input>"):
    """The ``MatrixPass`` of a document that writes its forward pass with matrices
    (``z_l = a_{l-1} W_l + b_l``) and gives every weight matrix, or None."""
    source, chains = document_chains(text, kind, name)
    defs, given, inputs = {}, {}, []
    for chain in chains or ():
        if chain.lhs is None or not chain.links or chain.links[0].relation not in ("=", ":="):
            continue
        lhs = chain.lhs.s
        line = source.line_col(chain.links[0].rhs.first_origin())[0]
        for link in chain.links[:2]:
            rhs = link.rhs.s
            z = _Z_LHS.match(lhs)
            m = z and (_ROWS.match(rhs) or _COLUMNS.match(rhs))
            if m:
                layers = (_layer(z.group("z")), _layer(m.group("a")), _layer(m.group("w")))
                if None not in layers and layers[0] == layers[2] == layers[1] + 1:
                    defs.setdefault(layers[0], (m.re is _ROWS, bool(_TRANSPOSED.search(
                        m.group("b") or "")), line))
            size = _size(rhs)
            if size is None:
                continue
            w = _W_LHS.match(lhs)
            if w and _layer(w.group("w")) is not None:
                given.setdefault(_layer(w.group("w")), (lhs.strip(), *size, line))
            elif _X_LHS.match(lhs) and 1 in size:
                inputs.append((lhs.strip(), *size, line))
    return _fit(defs, given, inputs)


def _fit(defs, given, inputs):
    """The MatrixPass where the definitions and the given sizes fit together, else None."""
    if not defs or sorted(defs) != list(range(min(defs), max(defs) + 1)):
        return None
    if len({d[0] for d in defs.values()}) != 1 or set(given) != set(defs):
        return None
    rows = next(iter(defs.values()))[0]
    first = min(defs)
    widths = []
    for layer in sorted(defs):
        _, r, c, _ = given[layer]
        n_in, n_out = (r, c) if rows else (c, r)
        if widths and widths[-1] != n_in:
            return None
        widths = widths or [n_in]
        widths.append(n_out)
    if any(max(r, c) != widths[0] for _, r, c, _ in inputs):
        return None  # the input written has another size than W's
    return MatrixPass(
        widths=tuple(widths), input_zero=first == 1, rows=rows,
        bias_column=rows and all(d[1] for d in defs.values()),
        definitions=tuple(sorted(d[2] for d in defs.values())),
        sizes=tuple((given[k][0], given[k][1], given[k][2], given[k][3]) for k in sorted(given)))
