"""Index form: the derivation for one generic unit j (and input k) of each
layer, so that the document's size does not grow with the layer widths.

Nothing here is written by hand any more: ``UnitEngine`` walks the network's
``UnitGraph`` (nodes z_j, a_j, w_jk, b_j; the sums over the next layer's units
as the multivariate chain rule).  These functions name the derivations a
document shows.  They are checked by instantiating j, k on small networks and
comparing with ``sympy.diff`` of the composed cost (tests/test_indexform.py).
"""
from derive.engine.chain import UnitEngine
from derive.model.symbols import quantity
from derive.model.unitgraph import I, J, K, M, UnitGraph, weighted_input  # noqa: F401 (re-exported)


def engine(network):
    return UnitEngine(UnitGraph(network))


def weight_gradient(network, layer, eng=None):
    """∂C/∂w_jk = δ_j a_k."""
    return (eng or engine(network)).gradient(quantity("w", layer, J, K))


def bias_gradient(network, layer, eng=None):
    """∂C/∂b_j = δ_j."""
    return (eng or engine(network)).gradient(quantity("b", layer, J))


def index_chain(network, layer, eng=None):
    """∂C/∂w_jk through every layer up to the cost, one Σ per layer above, no δ named."""
    return (eng or engine(network)).index_chain(quantity("w", layer, J, K))


def output_delta(network, eng=None):
    return (eng or engine(network)).delta(quantity("z", network.L, J))


def hidden_delta(network, layer, eng=None):
    return (eng or engine(network)).delta(quantity("z", layer, J))


def delta_derivations(network, eng=None):
    """δ of every layer, output first, as generic-unit derivations."""
    eng = eng or engine(network)
    return [eng.delta(quantity("z", layer, J)) for layer in range(network.L, 0, -1)]
