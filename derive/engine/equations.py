"""The four backpropagation equations (BP1–BP4), stated generally and then
for the network at hand, and the vectorised forms with their dimensions."""
from dataclasses import dataclass

import sympy as sp

from derive.model.symbols import (COST, Factors, Hadamard, MatrixProduct, Partial, Shaped, Transposed, base, quantity)

J, K = sp.symbols("j k", integer=True)


@dataclass
class Equation:
    name: str  # BP1 … BP4, or a short tag
    lhs: sp.Expr
    rhs: sp.Expr
    layer: object = None  # the layer it is about, where it is about one


def _prime(network, layer, arg):
    """f'(arg) of the activation of ``layer``; generic layers use σ'."""
    from derive.model.activations import ACTIVATIONS

    act = network.activation(layer) if isinstance(layer, int) else ACTIVATIONS["sigmoid"]
    return act.prime(arg) if act.prime is not None else sp.S.One


def general(network=None):
    """BP1–BP4 for any layered network: σ' where every layer is a sigmoid,
    otherwise f', the derivative of whatever activation the layer has."""
    from derive.model.functions import activation_prime, sigmoid_prime

    generic = network is not None and any(a != "sigmoid" for a in network.activations)
    prime = activation_prime if generic else sigmoid_prime

    dl = lambda lay, *i: quantity("delta", lay, *i)
    a_L, z_L = base("a", "L"), base("z", "L")
    if network is not None and network.activations[-1] == "softmax":
        # softmax mixes its units: the Jacobian replaces the element-wise product
        bp1 = MatrixProduct(Transposed(Partial(a_L, z_L)), Partial(COST, a_L))
    else:
        bp1 = Hadamard(Partial(COST, a_L), prime(z_L))
    eqs = [
        Equation("BP1", base("delta", "L"), bp1),
        Equation("BP2", base("delta", "l"),
                 Hadamard(MatrixProduct(Transposed(base("w", "l+1")), base("delta", "l+1")),
                          prime(base("z", "l")))),
        Equation("BP3", Partial(COST, quantity("b", "l", J)), dl("l", J)),
        Equation("BP4", Partial(COST, quantity("w", "l", J, K)),
                 Factors(dl("l", J), quantity("a", "l-1", K))),
    ]
    if network is not None and not network.bias:
        eqs = [q for q in eqs if q.name != "BP3"]
    return eqs


def _prev_vector(layer):
    return base("x", 0) if layer == 1 else base("a", layer - 1)


def for_network(network, output_delta):
    """BP1–BP4 instantiated on ``network``; ``output_delta`` is δ^L's final form
    (vector form of the output derivation's result)."""
    L = network.L
    if network.is_chain:
        # one unit per layer: products of scalars, no transposes or ⊙
        q = lambda kind, layer: quantity(kind, layer, 0) if kind != "w" else quantity(kind, layer, 0, 0)
        prev = lambda layer: quantity("x", 0, 0) if layer == 1 else q("a", layer - 1)
        eqs = [Equation("BP1", q("delta", L), output_delta, L)]
        for layer in range(L - 1, 0, -1):
            eqs.append(Equation("BP2", q("delta", layer), Factors(
                q("w", layer + 1), q("delta", layer + 1), _prime(network, layer, q("z", layer))), layer))
        for layer in range(L, 0, -1):
            if network.bias:
                eqs.append(Equation("BP3", Partial(COST, q("b", layer)), q("delta", layer), layer))
            eqs.append(Equation("BP4", Partial(COST, q("w", layer)),
                                Factors(q("delta", layer), prev(layer)), layer))
        return eqs
    eqs = [Equation("BP1", base("delta", L), output_delta, L)]
    for layer in range(L - 1, 0, -1):
        eqs.append(Equation("BP2", base("delta", layer),
                            Hadamard(MatrixProduct(Transposed(base("w", layer + 1)), base("delta", layer + 1)),
                                     _prime(network, layer, base("z", layer))), layer))
    for layer in range(L, 0, -1):
        if network.bias:
            eqs.append(Equation("BP3", Partial(COST, base("b", layer)), base("delta", layer), layer))
        eqs.append(Equation("BP4", Partial(COST, base("w", layer)),
                            MatrixProduct(base("delta", layer), Transposed(_prev_vector(layer))), layer))
    return eqs


def vectorised(network, output_delta):
    """Vectorised forms with dimension annotations, [∂C/∂W]_{n×m} = [δ]_{n×1}[a]^T_{1×m}."""
    w = network.widths
    L = network.L
    out = []
    for layer in range(1, L + 1):
        n, m = w[layer], w[layer - 1]
        rhs = MatrixProduct(Shaped(base("w", layer), n, m), Shaped(_prev_vector(layer), m, 1))
        if network.bias:
            rhs = sp.Add(rhs, Shaped(base("b", layer), n, 1), evaluate=False)
        out.append(Equation("forward", Shaped(base("z", layer), n, 1), rhs, layer))
    out.append(Equation("BP1", Shaped(base("delta", L), w[L], 1), output_delta, L))
    for layer in range(L - 1, 0, -1):
        n, nn = w[layer], w[layer + 1]
        out.append(Equation("BP2", Shaped(base("delta", layer), n, 1), Hadamard(
            MatrixProduct(Shaped(Transposed(base("w", layer + 1)), n, nn), Shaped(base("delta", layer + 1), nn, 1)),
            Shaped(_prime(network, layer, base("z", layer)), n, 1)), layer))
    for layer in range(L, 0, -1):  # BP3 before BP4, as everywhere else
        n, m = w[layer], w[layer - 1]
        if network.bias:
            out.append(Equation("BP3", Shaped(Partial(COST, base("b", layer)), n, 1),
                                Shaped(base("delta", layer), n, 1), layer))
        out.append(Equation("BP4", Shaped(Partial(COST, base("w", layer)), n, m),
                            MatrixProduct(Shaped(base("delta", layer), n, 1),
                                   Shaped(Transposed(_prev_vector(layer)), 1, m)), layer))
    return out
