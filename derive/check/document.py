"""Which network a document is checked on, and the check: what ``derive --check FILE``
does, as one library call.

``check_document(path)`` with no network reads the one the document declares (its
forward pass, in its own names), one per section when its sections declare several,
or, for a derivation in index form, the notation its own definition of z says.  A
``layers`` spec or a ``graph`` file chooses the network instead, as ``--layers`` and
``--graph`` do.  Options left as None were not given: the document's own definitions
may say them (its cost, whether it has biases, its index convention).
"""
from derive.check.checker import check_file, read_input
from derive.check.own_network import document_network, notation_for, text_network
from derive.check.limits import CheckInputError
from derive.check.sections import check_sections, document_sections
from derive.check.toys import check_toys, document_toys
from derive.errors import SpecError

DEFAULTS = {"activation": "sigmoid", "cost": "quadratic", "bias": True, "notation": "nielsen"}


def check_document(path, *, layers=None, graph=None, activation=None, cost=None, bias=None,
                   notation=None, strict=False, seconds=None, progress=None, warn=None):
    """The ``Report`` on the derivation at ``path`` ('-' for stdin).

    ``layers`` ("2-2-2") or ``graph`` (a graph file's path) gives the network; with
    neither, the document's own.  ``seconds`` is the time budget for the whole file
    (default 30); ``warn`` is called with each warning a graph file gives."""
    from derive.model.network import Network

    given = {"activation": activation, "cost": cost, "bias": bias, "notation": notation}
    defaulted = {("no_bias" if k == "bias" else k) for k, v in given.items() if v is None}
    activation, cost, bias, notation = (DEFAULTS[k] if v is None else v
                                        for k, v in given.items())
    notation_given = "notation" not in defaulted
    assumed = False
    if graph is not None:
        from derive.model.graphspec import load_graph

        if layers is not None:
            raise SpecError("--graph and --layers describe the network twice; give one of them")
        network, warnings = load_graph(graph)
        for line in warnings:
            if warn is not None:
                warn(line if "warning:" in line else f"warning: {line}")
    elif layers is None and (parts := document_sections(path)):
        # one network per section, each declared by its own forward pass
        return check_sections(path, parts, notation, strict=strict, seconds=seconds,
                              progress=progress)
    elif layers is None and (toys := document_toys(path)):
        # a toy example (C = x^2 + xy, x = 2z, y = z^2) checked on its own function
        def network_of(text, name, kind):
            net, note = text_network(text, name, kind, activation, cost, bias, notation,
                                     notation_given, defaulted)
            return net, note, _assumed(net)

        return check_toys(path, toys, network_of, strict=strict, seconds=seconds,
                          progress=progress)
    elif layers is None:
        network, notation = document_network(path, activation, cost, bias, notation,
                                             notation_given, defaulted)
        assumed = _assumed(network)
    else:
        network = Network(layers, activation, cost, bias, notation=notation)
        if not notation_given:
            try:  # the document's own index convention (z_j = Σ_i w_ij a_i)
                text, _name, kind = read_input(path)
                notation = notation_for(text, kind, notation)
            except CheckInputError:
                pass  # check_file reports it
    return check_file(path, network, notation, strict=strict, seconds=seconds,
                      progress=progress, assumed=assumed)


def _assumed(network):
    """Whether nobody chose ``network``: a ✓ on the 1-1-1 stand-in proves little."""
    return (getattr(network, "by_default", False) and not getattr(network, "read_from", None)
            and all(w == 1 for w in getattr(network, "widths", (0,))))


__all__ = ["check_document"]
