"""Letters a network does not define, in the numerator of a derivative.

``\\frac{\\partial E}{\\partial w}`` with E never defined, or ``\\partial \\log p_i /
\\partial o_k`` with p_i and o_k free: reading a free letter as a constant would make
the derivative 0 and ``0 = 0`` a ✓ that proves nothing.  ``semantics`` asks
``no_free_letters`` before it differentiates.
"""
import sympy as sp

from derive.model.symbols import COST
from derive.check.limits import Unsupported
from derive.check.read.names import X, Z


def no_free_letters(num, den, graph):
    """A letter the network does not define (a loss E, an output o_j) may depend on
    anything: the derivative of an expression holding one is unknown, not 0."""
    if isinstance(num, sp.Symbol):
        letters = [num]
    elif isinstance(num, sp.Basic):
        inside = set()  # the labels and indices of network quantities are no letters
        for q in num.atoms(sp.Indexed, sp.IndexedBase):
            inside |= q.free_symbols
        letters = sorted(num.free_symbols - inside, key=str)
    else:
        return
    if (_free_indexed(den) and isinstance(num, sp.Basic) and num.has(COST)):
        # ∂L/∂o_k with o a letter nothing defines (an indexed one): unknown, not 0
        raise Unsupported("derivative_of_free_letter", name=str(den))
    if (isinstance(den, sp.Symbol) and den not in graph.by_symbol and den not in (X, Z)
            and not den.is_positive and not den.is_integer and isinstance(num, sp.Basic)
            and (num.has(COST) or num.atoms(sp.Indexed, sp.IndexedBase))):
        # ∂C/∂o_j with o_j a letter nothing defines: not 0 (C held fixed), but unknown
        raise Unsupported("derivative_of_free_letter", name=str(den))
    for s in letters:
        if (s != den and s != COST and s not in graph.by_symbol
                and not s.is_positive and not s.is_integer):
            raise Unsupported("derivative_of_free_letter", name=str(s))


def _free_indexed(e):
    """o_k read as a letter with an index, not a quantity of a layer (a:3[k], y:out[k])."""
    base = e.base if isinstance(e, sp.Indexed) else e if isinstance(e, sp.IndexedBase) else None
    return base is not None and ":" not in str(base.label)
