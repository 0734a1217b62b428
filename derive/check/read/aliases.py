"""The letters a document defines for its softmax network, as ``names.Context`` reads
them (a mixin; ``read.softmaxnames`` finds the letters and their definitions).

``p_j`` is the softmax output a^L_j, ``a_j`` its input z^L_j, ``y_j`` the target,
``L`` the cost, ``w_{ij}``/``b_j``/``h_i`` of ``z_j = \\sum_i w_{ij} h_i + b_j`` the
output layer's weight and bias and the layer below.  Each reading is noted with the
line that defines it, so that the report can say what was read and from where.
"""
import re


class DocumentNames:
    """Reading the document's own letters (needs ``aliases``, ``network``, ``note``,
    ``seen``, ``output``, ``output_unit``, ``_make``, ``_indices``, ``_powers``)."""

    def prepare(self, text, language):
        """The normalised text of one side, before it is parsed: a loss the document
        names with a word (``Loss = -Σ_j t_j ln S_j``) written as the cost C."""
        spans = []
        for word, (meaning, line, _) in self.aliases.items():
            if len(word) > 1 and meaning == "cost":
                pattern = r"(?<![A-Za-z\\])" + re.escape(word) + r"(?![A-Za-z])"
                for m in re.finditer(pattern, text.s):
                    spans.append((m.start(), m.end(), "C "))
                if spans:
                    self.note("document_name", written=word, meaning="cost", line=line)
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

