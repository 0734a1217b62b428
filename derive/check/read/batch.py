"""A batch of m examples, the deeplearning.ai way: ``dW = (1/m) dZ A^T``.

That course stacks the m examples as the columns of ``A``, ``Z``, ``Y``; ``dZ`` is
every example's own ∂L/∂z side by side (``dZ = A − Y``), and ``dW``, ``db`` are the
gradients of the mean cost ``J = (1/m) Σ_i L^{(i)}``.  A product over the batch
(``dZ A^T``, ``Σ_i dZ^{(i)}``, ``np.sum(dZ, axis=1)``) is the sum over the columns of
each example's own product, so ``dW = (1/m) dZ A^T`` holds for every m exactly when
``∂L/∂W = dz a^T`` holds for one example: ``mean_steps`` takes the ``1/m`` (and the
sum over the examples) off such a line so the checker judges it on one example, and
the verdict says so (``batch_mean``).

In a document that takes the mean (one such line), a ``dW`` or ``db`` written as a sum
over the batch without the ``1/m`` is m times the gradient: ``missing_mean`` lists
those lines, whose per-example ✓ becomes wrong (``verify`` never sees any of this).  A
``dZ`` with a ``1/m`` (the other convention, ``dZ = ∂J/∂Z``) is left unchecked.
"""
import re

_GRADIENT = re.compile(r"^\s*d(?:W|b)(?:\s*\^\s*\{\s*\[[^\]{}]{1,20}\]\s*\}|[0-9])?\s*$")
_MEAN = re.compile(r"^\s*(?:\\[dt]?frac\s*\{\s*1\s*\}\s*\{\s*m\s*\}|\\[dt]?frac\s*1\s*m|\(\s*1\s*/\s*m\s*\)"
                   r"|1\s*/\s*m)\s*(?:\\cdot\s*|\*\s*)?")
_SUM_OVER_EXAMPLES = re.compile(r"^\\sum\s*_\s*\{\s*i\s*=\s*1\s*\}\s*\^\s*\{?\s*m\s*\}?\s*")
_NPSUM = re.compile(r"^\s*\\?(?:np\.sum|\\text\{np\.sum\})\s*\(\s*(dZ[^,()]{0,30}?)\s*,\s*axis\s*=\s*1"
                    r"(?:\s*,\s*keepdims\s*=\s*True)?\s*\)\s*$")
_EXAMPLE = re.compile(r"\(\s*i\s*\)")
_ANY_MEAN = re.compile(r"\\[dt]?frac\s*\{?\s*1\s*\}?\s*\{?\s*m(?![A-Za-z])|1\s*/\s*m(?![A-Za-z])")
_SHORT_DZ = re.compile(r"(?<![A-Za-z\\])dZ")


def _rewrite(rhs):
    """``rhs`` (a Text) without its 1/m and sum over the examples, or None when it is
    not the mean of a product over the batch."""
    m = _MEAN.match(rhs.s)
    if not m:
        return None
    rest = rhs.s[m.end():]
    spans = [(0, m.end(), "")]
    s = _SUM_OVER_EXAMPLES.match(rest)
    after = rest[s.end():] if s else rest
    if not _SHORT_DZ.search(after) or re.search(r"(?<![A-Za-z\\])m(?![A-Za-z])", after):
        return None
    if s:  # Σ_{i=1}^{m} dZ^{[2](i)}: one example's dz
        spans.append((m.end(), m.end() + s.end(), ""))
        spans += [(m.end() + e.start(), m.end() + e.end(), "") for e in _EXAMPLE.finditer(rest)]
    else:
        n = _NPSUM.match(rest)
        if n:
            spans.append((m.end(), len(rhs.s), n.group(1)))
        elif _EXAMPLE.search(rest):
            return None
    return rhs.replace_spans(spans)


def mean_steps(chains):
    """Ids of the chains ``dW = (1/m) …`` whose right side was rewritten to one
    example's (in place); a chain of several links is left as it is."""
    done = set()
    for chain in chains:
        if chain.language != "latex" or chain.lhs is None or len(chain.links) != 1:
            continue
        if not _GRADIENT.match(chain.lhs.s):
            continue
        new = _rewrite(chain.links[0].rhs)
        if new is not None:
            chain.links[0].shown = chain.links[0].rhs.s
            chain.links[0].rhs = new
            done.add(id(chain))
    return done


def missing_mean(chains, means):
    """Ids of the chains ``db = Σ_{i=1}^{m} dZ^{(i)}`` (a sum over the batch, no 1/m) in
    a document whose other lines take the mean (``means`` not empty), rewritten to one
    example like ``mean_steps`` does.  Only the written sum over the examples makes
    the line one of the batch: ``dW = dZ A^T`` alone may be meant for one example."""
    if not means:
        return set()
    out = set()
    for chain in chains:
        if id(chain) in means or chain.language != "latex" or chain.lhs is None:
            continue
        if len(chain.links) != 1 or not _GRADIENT.match(chain.lhs.s):
            continue
        rhs = chain.links[0].rhs
        if _ANY_MEAN.search(rhs.s) or not (_SUM_OVER_EXAMPLES.match(rhs.s.lstrip())
                                           or _NPSUM.match(rhs.s)):
            continue
        new = _rewrite(rhs.replace_spans([(0, 0, "\\frac{1}{m} ")]))
        if new is not None:
            chain.links[0].shown = rhs.s
            chain.links[0].rhs = new
            out.add(id(chain))
    return out
