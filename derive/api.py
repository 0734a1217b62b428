"""The library entry point: ``derive(...)`` returns a ``Derivation``."""
from .derivation import build
from .network import Network
from .notation import get_notation


def derive(network=None, *, layers=None, activation="sigmoid", cost="quadratic", bias=True,
           notation="nielsen", expand=False, graph=None):
    """Derive backpropagation for ``network`` (or for ``layers``/``activation``/``cost``/``bias``),
    or for ``graph``: a --graph file's path, or a Graph.

    >>> d = derive(layers="1-1-1", cost="quadratic")
    >>> print(d.render("latex"))   # doctest: +SKIP
    """
    if graph is not None:
        from .derivation import build_graph
        from .graphspec import load_graph

        g, warnings = load_graph(graph) if isinstance(graph, (str, bytes)) or hasattr(graph, "__fspath__") else (graph, [])
        d = build_graph(g, get_notation(notation))
        d.warnings = list(warnings)
        return d
    if network is None:
        network = Network(layers if layers is not None else "1-1-1", activation, cost, bias)
    return build(network, get_notation(notation), expand=expand)
