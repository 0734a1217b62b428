"""Activations: the sympy function, its derivative, and the identity that writes
the derivative through the output (σ' = a(1 − a)).  The derivation of each
derivative as steps lives in ``derive.engine.activation_steps``.
"""
from dataclasses import dataclass
from typing import Callable

import sympy as sp

from derive.model import functions as F
from derive.model.symbols import Factors


@dataclass(frozen=True)
class Activation:
    name: str
    func: object
    prime: object  # derivative function class, None where f' is a constant
    identity: Callable = None  # (z, a) -> f'(z) written with a, None if there is none
    output_only: bool = False

    def apply(self, z):
        return self.func(z)

    def derivative(self, z):
        return self.prime(z) if self.prime is not None else sp.S.One


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", F.sigmoid, F.sigmoid_prime,
                          identity=lambda z, a: Factors(a, 1 - a)),
    "relu": Activation("relu", F.relu, F.relu_prime),
    "tanh": Activation("tanh", sp.tanh, F.tanh_prime, identity=lambda z, a: 1 - a**2),
    "linear": Activation("linear", F.linear, None),
    "softmax": Activation("softmax", F.softmax, None, output_only=True),
}
