"""derive's own documents, checked by ``derive --check`` on the same network.

Every line derive writes is verified against sympy.diff of the composed cost
(tests/test_engine*.py), so the checker must call none of them wrong: a wrong
verdict here is a checker bug of the kind graders cannot afford.  The
documents cover every notation and format, worked examples with random
numbers, the standalone handout, each activation with each cost and the
networks that gave trouble once (no hidden layer, softmax, a linear output
without biases).  What is left undecided is listed and kept small.
"""
import collections
import itertools

import pytest
from check_support import no_internal_errors

from derive.documents.api import derive
from derive.check.checker import check_text
from derive.errors import DomainError
from derive.model.network import Network

NOTATIONS = ("nielsen", "ng", "matrix")
NETWORKS = [
    ("1-1-1", "sigmoid", "quadratic", True),
    ("1-1", "sigmoid", "quadratic", True),
    ("2-3-2", "sigmoid", "quadratic", True),
    ("3-4-2", "sigmoid", "quadratic", True),
    ("2-3-3", "relu,softmax", "log-likelihood", True),
    ("1-1-1-1", "sigmoid,sigmoid,linear", "quadratic", False),
    ("1-2-2-1", "relu,tanh,sigmoid", "cross-entropy", True),
    ("2-2", "softmax", "log-likelihood", True),
] + [("2-2-1" if n % 2 else "1-2-2", act, cost, True) for n, (act, cost) in enumerate(
    itertools.product(("sigmoid", "relu", "tanh", "linear"),
                      ("quadratic", "squared-error", "cross-entropy", "log-likelihood")))]

# The documents of each network, in turn through the notations: a Markdown
# derivation, a LaTeX one with a worked example, and (for every third network)
# the standalone handout with its worked example.
DOCUMENTS = []
for n, net in enumerate(NETWORKS):
    DOCUMENTS.append((net, NOTATIONS[n % 3], "markdown", False, None))
    DOCUMENTS.append((net, NOTATIONS[(n + 1) % 3], "latex", False, n + 1))
    if n % 3 == 0:
        DOCUMENTS.append((net, NOTATIONS[(n + 2) % 3], "latex" if n % 2 else "markdown", True, n + 7))

# --expand writes every gradient out in full, chain by chain
DOCUMENTS += [(NETWORKS[3], "matrix", "latex", False, None, True),
              (NETWORKS[6], "nielsen", "markdown", False, 21, True)]
DOCUMENTS = [d if len(d) == 6 else d + (False,) for d in DOCUMENTS]

# Steps that may stay undecided, and why (each was looked at):
UNDECIDED = {
    "softmax_prime",  # BP1 written with f'(z^L) for a softmax output has no element-wise meaning
    "no_valid_layer",  # BP2 in a network without hidden layers, BP3 in one without biases
    "only_output_layer",  # a_i = e^{z_i} / Σ_k e^{z_k} with no layer written
    "lhs_unknown_function",  # d g(x)/dx where the activations differ and g is not defined
    "numeric_claim",  # ln 0 in a worked example (a ReLU output under a log cost)
    "divide_by_zero", "cannot_evaluate",  # the same worked example's 0/0 and 0·ln 0
    "follows_open",  # the arithmetic after such an undecided number is no more decided
}


def _document(net, notation, fmt, standalone, seed, expand):
    layers, activation, cost, bias = net
    spec = {"layers": layers, "activation": activation, "cost": cost, "bias": bias,
            "notation": notation, "expand": expand}
    numbers = {"random_values": True, "seed": seed} if seed is not None else {}
    try:
        d = derive(**spec, **numbers)
    except DomainError:  # no worked example: log 0 at these numbers (a ReLU output)
        d = derive(**spec)
    return d.render(fmt, standalone=standalone)


def _label(doc):
    (layers, activation, cost, bias), notation, fmt, standalone, seed, expand = doc
    return (f"{layers}-{activation}-{cost}{'' if bias else '-nobias'}-{notation}-{fmt}"
            f"{'-handout' if standalone else ''}{'' if seed is None else '-values'}"
            f"{'-expand' if expand else ''}")


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[_label(d) for d in DOCUMENTS])
def test_derive_documents_check_without_a_wrong_step(doc):
    net, notation, fmt = doc[:3]
    text = _document(*doc)
    layers, activation, cost, bias = net
    report = check_text(text, Network(layers, activation, cost, bias), notation,
                        kind="md" if fmt == "markdown" else "tex")
    no_internal_errors(report)
    wrong = [(v.line, v.source, m) for v, m in zip(report.verdicts, report.messages())
             if v.status == "wrong"]
    assert not wrong, wrong
    counts = report.counts()
    assert counts["unparsed"] == 0, [(v.line, v.source) for v in report.verdicts
                                     if v.status == "unparsed"]
    odd = collections.Counter(v.code for v in report.verdicts
                              if v.status == "unknown" and v.code not in UNDECIDED)
    assert not odd, odd
    degenerate = activation.endswith(("relu", "linear", "tanh")) and "entropy" in cost or (
        cost == "log-likelihood" and "softmax" not in activation)
    if not degenerate:  # (a log of a ReLU, tanh or linear output may have no value)
        assert counts["unknown"] <= 3, [(v.line, v.code) for v in report.verdicts
                                        if v.status == "unknown"]
        assert counts["correct"] >= 0.9 * len(report.verdicts)
