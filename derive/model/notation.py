"""Notation presets.  Notation changes how quantities print and what the
parameters' ASCII keys are called; it never changes the mathematics.

Names are plain words in sympy's symbol-naming convention ('theta', 'yhat');
the printer turns them into LaTeX.
"""
from dataclasses import dataclass



@dataclass(frozen=True)
class Notation:
    name: str
    names: dict  # kind -> symbol name
    keys: dict  # parameter kind -> ASCII key stem
    offsets: dict  # kind -> added to the internal layer (input = 0) for display
    parens: bool  # layer superscripts in parentheses, so they never read as powers
    input_as_activation: bool = False  # the input prints as a^0 rather than x
    output_alias: str = None  # the network output prints as this name
    # without parens, an activation a^2_j next to a^2_j(1 - a^2_j) reads as a square: the
    # layer is bracketed where it stands beside its own unit index, a^{[2]}_j (issue 13)
    brackets: bool = False
    # w_{ij} is the weight from unit i into unit j (z_j = Σ_i w_ij a_i), the transpose of
    # the presets' w_{jk} into j from k; a document's own definition can say so (issue 10)
    weights_from_first: bool = False
    # a graph file's expressions as written, by their sympy form (graphgrammar.Expressions):
    # printed in the author's order, w1 x + b1 rather than sympy's b1 + w1 x
    written: dict = None
    # a_l, W_{l+1}, δ_{l+1}: a document that writes its layers as subscripts, with no
    # unit index (a notebook's matrix form); read so by the checker (read.matrixpass)
    subscript_layers: bool = False
    # z_L = w_L a_{L-1} with a lowercase weight and no transpose: a chain of one neuron per
    # layer (3Blue1Brown's), its subscripts layers of numbers, not of vectors
    scalar_layers: bool = False

    def display_layer(self, kind, layer):
        return layer + self.offsets.get(kind, 0)

    def key(self, kind, layer):
        """The ASCII key of the parameter ``kind`` ('w' or 'b') into internal ``layer``."""
        return f"{self.keys[kind]}{self.display_layer(kind, layer)}"

    @property
    def cost_name(self):
        return self.names["C"]

    @property
    def target_name(self):
        return self.names["y"]


_PLAIN = {"a": "a", "z": "z", "delta": "delta", "b": "b", "x": "x", "y": "y", "C": "C"}

PRESETS = {
    "nielsen": Notation(
        "nielsen",
        names={**_PLAIN, "w": "w"},
        keys={"w": "w", "b": "b"},
        offsets={"a": 1, "z": 1, "delta": 1, "w": 1, "b": 1, "x": 1},
        parens=True,
    ),
    "ng": Notation(
        "ng",
        names={**_PLAIN, "w": "theta", "C": "J"},
        keys={"w": "theta", "b": "b"},
        offsets={"a": 1, "z": 1, "delta": 1, "w": 0, "b": 0, "x": 1},
        parens=True,
        output_alias="yhat",
    ),
    "matrix": Notation(
        "matrix",
        names={**_PLAIN, "w": "W", "y": "t"},
        keys={"w": "W", "b": "b"},
        offsets={},
        parens=False,
        brackets=True,
        input_as_activation=True,
    ),
}


def get_notation(name):
    from derive.model.choices import canonical

    return PRESETS[canonical("notation", name, list(PRESETS))]
