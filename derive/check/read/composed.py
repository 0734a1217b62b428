"""A network written as one composed formula, as math.SE questions do.

``s(x) = 1/(1+e^{-x})`` then ``O = s(s(s(Iw_1+1)w_2+1)w_4 + …)`` and ``∂O/∂w_1 = …``:
the document names the sigmoid itself and its network is the formula of one output
``O``, not a loss.  ``own_sigmoids`` writes the document's own sigmoid as ``\\sigma`` so
``declared`` can read the formula; ``differentiated`` says whether the document
differentiates that top quantity (then it is the network, though not a loss).
"""
import re

# s(x) = 1/(1+e^{-x}): the document's own name for the sigmoid (math.SE's O = s(s(…)))
_OWN_SIGMOID = re.compile(r"(?<![A-Za-z\\])([a-zA-Z])\s*(?:\\left)?\s*\(\s*x\s*(?:\\right)?\s*\)\s*(?:\\[ ,;])?\s*"
                          r"(?::=|=)\s*(?:\\[ ,;])?\s*\\[dt]?frac\s*\{\s*1\s*\}\s*\{\s*1\s*\+\s*e\s*\^\s*"
                          r"\{\s*-\s*x\s*\}\s*\}")


def own_sigmoids(text):
    """``text`` with a one-letter function the document defines as the sigmoid written
    ``\\sigma`` in its other formulas (the definition itself is left as it is);
    the same length is not kept, so this text is only read for its definitions."""
    m = _OWN_SIGMOID.search(text)
    if m is None or m.group(1) in ("e", "x", "d"):
        return text
    f = re.escape(m.group(1))
    rest = re.sub(r"(?<![A-Za-z\\])" + f + r"(?=\s*(?:\\left)?\s*\()", r"\\sigma", text[m.end():])
    return text[:m.end()] + rest


def differentiated(text, top):
    """Whether the document differentiates its top quantity (∂O/∂w₁): then its
    forward pass is the network, though that quantity is an output, not a loss."""
    name = re.escape(top)
    return bool(re.search(r"\\partial\s*\{?\s*" + name + r"\s*\}?\s*\}\s*\{\s*\\partial", text)
                # dET/da_o1 in a plain-text note; not da/dz, where d a is any letter's
                or len(top) > 1 and re.search(r"(?<![A-Za-z])(?:d|\\partial\s*)" + name
                                              + r"\s*/\s*(?:d|\\partial)", text))
