"""Bar notation for the error signals of a computation graph: ``\\bar{v}`` is ∂L/∂v.

Course notes on backpropagation through a computation graph write the derivative of
the loss with respect to each quantity as that quantity with a bar (ȳ = y − t,
z̄ = ȳ σ'(z), w̄ = z̄ x).  A bar also means a mean, or just another name, so the
reading is taken only where the document has declared its own forward pass with a
loss and its barred names are all quantities of that graph, at least two of them,
with one line whose right side is written in another barred name (the backward
recursion, which a mean never is).  Otherwise a barred name stays a name of its own.
"""
import re

_BAR = re.compile(r"\\(?:bar|overline)\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))")


def adjoint_names(text, names):
    """The set of letters v whose \\bar{v} is read as ∂L/∂v in ``text``, or an empty set.
    ``names``: the graph's quantity names."""
    barred, recursive = set(), False
    for line in text.splitlines():
        found = [m.group(1) or m.group(2) for m in _BAR.finditer(line)]
        barred.update(found)
        if len(set(found)) >= 2 and "=" in line:
            recursive = True
    if len(barred) < 2 or not recursive or not barred <= set(names):
        return set()
    return barred
