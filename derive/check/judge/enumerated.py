"""Unit indices a line writes out one by one, which therefore name different units.

``a_q = e^{s_q} / (e^{s_p} + e^{s_q} + e^{s_r})`` lists the three outputs of a softmax
by letter.  Read as a claim for every value of p, q and r it fails at p = q = r (it
gives 1/3), yet nobody writing the terms out means that: the letters are the units,
each once.  ``distinct_pairs`` finds the index letters that a sum writes in terms that
differ only by that letter; ``keep`` tells whether an assignment gives them different
units.  Only an explicit sum of such terms counts: ``∂a_j/∂z_i = −a_i a_j`` says
nothing of i ≠ j, and is still checked at i = j.
"""
import itertools

import sympy as sp

MAX_TERMS = 12  # terms of one sum compared pairwise


def distinct_pairs(exprs, is_index):
    """{frozenset({p, q})}: index symbols that one sum in ``exprs`` writes in two terms
    alike but for p in one where q stands in the other."""
    pairs = set()
    for e in exprs:
        if e is None or not isinstance(e, sp.Basic):
            continue
        for add in e.atoms(sp.Add):
            terms = add.args
            if len(terms) > MAX_TERMS:
                continue
            for a, b in itertools.combinations(terms, 2):
                pair = _renamed(a, b, is_index)
                if pair is not None:
                    pairs.add(pair)
    return pairs


def _renamed(a, b, is_index):
    only_a = {s for s in a.free_symbols - b.free_symbols if is_index(s)}
    only_b = {s for s in b.free_symbols - a.free_symbols if is_index(s)}
    if len(only_a) != 1 or len(only_b) != 1:
        return None
    p, q = next(iter(only_a)), next(iter(only_b))
    if a.xreplace({p: q}) != b:
        return None
    return frozenset((p, q))


def keep(pairs, assign):
    """Whether ``assign`` gives each written-out pair two different units."""
    for pair in pairs:
        p, q = tuple(pair)
        if p in assign and q in assign and assign[p] == assign[q]:
            return False
    return True


def letters(pairs):
    return ", ".join(sorted({str(s) for pair in pairs for s in pair}))


__all__ = ["distinct_pairs", "keep", "letters"]
