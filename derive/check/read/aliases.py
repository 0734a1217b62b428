"""The letters a document defines for its softmax network, as ``names.Context`` reads
them (a mixin; ``read.softmaxnames`` finds the letters and their definitions).

``p_j`` is the softmax output a^L_j, ``a_j`` its input z^L_j, ``y_j`` the target,
``L`` the cost, ``w_{ij}``/``b_j``/``h_i`` of ``z_j = \\sum_i w_{ij} h_i + b_j`` the
output layer's weight and bias and the layer below.  Each reading is noted with the
line that defines it, so that the report can say what was read and from where.
"""
import re

import sympy as sp


L_SYM = sp.Symbol("l")  # a general layer (``names`` reads it from here)

# a name written as a word, and the letter it is read as: ``Loss`` the cost C, ``net_j``
# a general layer's weighted input z_j (read.layernames)
_WORDS = {"cost": "C ", "unit_score": "z"}
# a unit of a general layer l, and of the layer below it (read.layernames)
_UNIT = {"unit_output": ("a", 0), "unit_below": ("a", -1), "unit_score": ("z", 0)}


class DocumentNames:
    """Reading the document's own letters (needs ``aliases``, ``network``, ``note``,
    ``seen``, ``output``, ``output_unit``, ``_make``, ``_indices``, ``_powers``)."""

    def prepare(self, text, language):
        """The normalised text of one side, before it is parsed: a loss the document
        names with a word (``Loss = -Σ_j t_j ln S_j``) written as the cost C."""
        spans = []
        for word, (meaning, line, _) in self.aliases.items():
            if len(word) > 1 and meaning in _WORDS:
                pattern = r"(?<![A-Za-z\\])" + re.escape(word) + r"(?![A-Za-z])"
                found = [(m.start(), m.end(), _WORDS[meaning]) for m in re.finditer(pattern, text.s)]
                if found:
                    spans += found
                    self.note("document_name", written=word, meaning=meaning, line=line)
        return text.replace_spans(spans) if spans else text

    @staticmethod
    def _alias_meaning(name, subs):
        """(meaning, line of its definition) of a letter the document defines, written
        with subscripts ``subs``; None where its unit index says it is not that."""
        meaning, line, by_index = name[0]
        if by_index is None:
            return meaning, line
        letters = [t for t in (subs[0] if len(subs) == 1 else ()) if t not in ("{", "}")]
        return by_index.get(letters[0]) if len(letters) == 1 else None

    def _alias(self, name, sups, subs):
        """A letter the document defines as a quantity of its softmax network (``p_j``
        the output a^L_j, ``a_j`` its input z^L_j, ``y_j`` the target, ``w_{ij}`` and
        ``o_i`` in ``z_j = Σ_i w_{ij} o_i + b`` the output layer's weight and the layer
        below)."""
        (meaning, line), written = self._alias_meaning(name, subs), name[1]
        self.note("document_name", written=written, meaning=meaning, line=line)
        if meaning in _UNIT:  # o_j of any layer l, o_k of the layer below it
            kind, shift = _UNIT[meaning]
            self.seen.add(kind)
            self.note("general_layer", kind=kind)
            layer = self.layer_label(kind, L_SYM + shift)
            return self._powers(self._make(kind, layer, self._indices("x", subs)), sups)
        top = self.network.L
        kind, layer = {"output": ("a", top), "score": ("z", top), "target": ("y", "out"),
                       "below": ("a", top - 1), "weight": ("w", top), "bias": ("b", top)}[meaning]
        self.seen.add(kind)
        idx = self._indices(kind if kind == "w" else "x", subs)
        if meaning == "output":
            q = self.output_unit(idx) if idx else self.output
        else:
            q = self._make(kind, layer, idx)
        return self._powers(q, sups)

