"""The network a document is checked on when none is given: the one it declares.

``declared_network`` is the forward pass the document writes in its own names (a Graph);
``document_network`` chooses among the ways a document can declare its network: a matrix
forward pass with its numbers (read.matrixpass), its own forward pass, an index-form
derivation read in the convention it defines, and otherwise derive's assumed network with
the options the document's definitions state.  ``notation_for`` is that convention.
"""
from dataclasses import replace

from derive.check.limits import CheckInputError
from derive.check.read.inputs import name_fonts, read_document
from derive.check.read.matrixpass import read_subscript_layers
from derive.model.notation import Notation, get_notation


def declared_network(path):
    """The Graph of the forward pass the file at ``path`` writes itself
    (``read.declared``), or None when it writes none derive can read."""
    from derive.check.read.declared import read_declared

    try:
        text, name, kind = read_document(path)
    except CheckInputError:
        return None  # check_file reports it
    declared = read_declared(text, kind, name)
    return None if declared is None else declared.graph


# a network wide enough to tell unit indices apart (w_jk from w_kj, a_j from a_k): every
# layer a different width, and a hidden layer between input and output
INDEX_LAYERS = "2-3-2"


def document_network(path, activation, cost, bias, notation="nielsen", notation_given=False,
                     defaulted=()):
    """(network, notation) to check the file at ``path`` on when no network is given:
    the forward pass it declares (``read.declared``); else, for a derivation in index
    form, a network wide enough to tell its indices apart, read in the index notation
    the document defines (``read.convention``); else the 1-1-1 network.  Options in
    ``defaulted`` ('cost', 'no_bias') were not given: the document's own definitions
    of its cost and weighted input say them (``read.convention.read_options``)."""
    from derive.model.network import Network

    try:
        text, name, kind = read_document(path)
    except CheckInputError:
        return Network("1-1-1", activation, cost, bias), notation  # check_file reports it
    return text_network(text, name, kind, activation, cost, bias, notation, notation_given,
                        defaulted)


def text_network(text, name, kind, activation, cost, bias, notation="nielsen",
                 notation_given=False, defaulted=()):
    """``document_network`` of a document's ``text`` (as ``read_document`` gives it)."""
    from derive.model.network import Network

    from derive.check.read.convention import has_unit_indices, read_options
    from derive.check.read.declared import read_declared
    from derive.check.read.matrixpass import read_matrix_pass

    # W_1 = [[0.1, 0.2], …] before z_1 = a_0 W_1 + b_1: matrices, not a scalar forward pass
    matrices = read_matrix_pass(text, kind, name)
    declared = None if matrices is not None else read_declared(text, kind, name)
    graph = None if declared is None else declared.graph
    if graph is not None:
        return graph, notation
    opts = read_options(text, kind or "md")
    if opts.cost and "cost" in defaulted:
        cost = opts.cost
    if opts.bias is False and "no_bias" in defaulted:
        bias = False
    if matrices is not None:  # z_1 = a_0 W_1 + b_1^T and W_1's numbers: its own sizes
        network = matrices.network(activation, cost, bias)
        network.cost_unsaid = "cost" in defaulted and not opts.cost
        return network, matrices.notation(get_notation(notation) if isinstance(notation, str)
                                          else notation, notation_given)
    notation = notation_for(text, kind, notation, notation_given)
    indexed = has_unit_indices(text)
    layers = INDEX_LAYERS if indexed else "1-1-1"
    if opts.single_layer:
        layers = "2-3" if indexed else "1-1"
    try:
        network = Network(layers, activation, cost, bias)
    except Exception:  # noqa: BLE001 - e.g. softmax on 1 unit: the options' own error
        network = Network("1-1-1", activation, cost, bias)
    network.by_default = True  # nobody chose it: an index claim on 1-1-1 proves nothing
    # nobody said the cost either: a step that holds for another cost is open (_cost_open)
    network.cost_unsaid = "cost" in defaulted and not opts.cost
    network.assumed = True  # so a softmax or dZ document gets its own kind (_assumed_for)
    if opts.lines:
        network.read_from = opts  # the report's header says what was read, and where
    layered = None if notation_given else read_subscript_layers(text, kind, name)
    if layered is not None:  # z_l = a_{l-1} W_l + b_l^T: a_l is layer l, vectors as written
        network.rows, network.bias_column = layered.rows, layered.bias_column
        notation = replace(notation, subscript_layers=True, scalar_layers=layered.scalar)
    return network, notation


def notation_for(text, kind, notation, notation_given=False):
    """The notation to read ``text`` in: the one given with --notation, else the preset
    adapted to the index convention the document defines (``read.convention``)."""
    if not isinstance(notation, Notation):
        notation = get_notation(notation or "nielsen")
    if notation_given:
        return notation
    from derive.check.read.convention import read_convention

    conv = read_convention(name_fonts(text), kind or "md")
    if conv is None or not (conv.from_first or conv.layer_of_source or conv.input_zero):
        return notation  # the preset already reads it so
    return conv.notation(notation)


__all__ = ["INDEX_LAYERS", "declared_network", "document_network", "notation_for",
           "text_network"]
