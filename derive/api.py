"""The library entry point: ``derive(...)`` returns a ``Derivation``."""
from .derivation import build
from .network import Network
from .notation import get_notation


def derive(network=None, *, layers=None, activation="sigmoid", cost="quadratic", bias=True,
           notation="nielsen", expand=False):
    """Derive backpropagation for ``network`` (or for ``layers``/``activation``/``cost``/``bias``).

    >>> d = derive(layers="1-1-1", cost="quadratic")
    >>> print(d.render("latex"))   # doctest: +SKIP
    """
    if network is None:
        network = Network(layers if layers is not None else "1-1-1", activation, cost, bias)
    return build(network, get_notation(notation), expand=expand)
