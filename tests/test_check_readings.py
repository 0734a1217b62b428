"""Lines that derive itself writes (and that students write the same way), each
once called wrong or left unread by the checker: every one must now come out
correct, and the planted mistake beside it must still be wrong."""
import sympy as sp
from check_support import no_internal_errors, run


def verdicts(text, layers, notation="nielsen", kind="md", **net):
    r = run(text, layers, notation, kind=kind, **net)
    no_internal_errors(r)
    return [(v.status, v.code) for v in r.verdicts], r


# -- the x of σ'(x) is a free variable, not the network's input vector ------------------------------

SIGMA_PRIME = r"""
$$
\begin{aligned}
\sigma'\left(x\right) &= \frac{d}{d x} \left(\frac{1}{1 + e^{- x}}\right) \\
  &= \frac{e^{- x}}{\left(1 + e^{- x}\right)^{2}} \\
  &= \sigma\left(x\right) \left(1 - \sigma\left(x\right)\right)
\end{aligned}
$$
"""


def test_sigma_prime_of_x_is_an_identity_in_a_wide_input_network():
    for notation in ("nielsen", "ng", "matrix"):
        got, _ = verdicts(SIGMA_PRIME, "3-4-2", notation)
        assert [s for s, _ in got] == ["correct"] * 3, (notation, got)


def test_sigma_prime_of_x_mistake_is_still_wrong_with_a_witness():
    got, r = verdicts(r"$$\sigma'(x) = \sigma(x)\left(1 + \sigma(x)\right)$$", "3-4-2", "matrix")
    assert got[0][0] == "wrong"
    witness = r.verdicts[0].params["witness"]
    assert [s for s, _ in witness] == [sp.Symbol("x")]


def test_x_next_to_network_quantities_is_still_the_input():
    got, _ = verdicts(r"$$z^{(2)} = w^{(2)} x + b^{(2)}$$", "2-3-2")
    assert got == [("correct", "correct_exact")] or got[0][0] == "correct"
    got, _ = verdicts(r"$$z^{(2)} = w^{(2)} x$$", "2-3-2")
    assert got[0][0] == "wrong"


# -- ∂C/∂z written with a slash, δ without a layer -----------------------------------------------------

def test_delta_definition_in_prose_with_slash_partials():
    text = r"The error of a unit is $\delta = \partial C / \partial z$, and $\partial C/\partial w^{(2)} = \delta^{(2)} a^{(1)}$."
    got, _ = verdicts(text, "1-1")
    assert got[0][0] == "correct"
    got, _ = verdicts(text.replace("a^{(1)}", "x"), "1-1")
    assert [s for s, _ in got] == ["correct", "correct"]
    got, r = verdicts(text, "2-3-2")  # several layers: read for a general layer l
    assert got[0][0] == "correct"
    assert ("general_layer", (("kind", "delta"),)) in r.verdicts[0].notes


def test_layerless_mistake_is_wrong_with_one_layer_and_unknown_with_several():
    text = r"$\delta = \partial C / \partial a$"
    assert verdicts(text, "1-1")[0][0][0] == "wrong"
    # with several layers the writer may mean different ones: never refuted
    assert verdicts(text, "2-3-2")[0] == [("unknown", "layerless")]


# -- general l only where every quantity exists ---------------------------------------------------------

BP2 = r"$$\delta^{(l)} = \left(\left(w^{(l+1)}\right)^{T} \delta^{(l+1)}\right) \odot \sigma'\left(z^{(l)}\right)$$"


def test_bp2_in_a_network_without_hidden_layers_is_not_judged():
    got, r = verdicts(BP2, "1-1")
    assert got == [("unknown", "no_valid_layer")]
    assert "1-1 network" in r.messages()[0]
    assert verdicts(BP2, "1-1-1")[0][0][0] == "correct"


def test_a_numbered_quantity_the_network_lacks_is_still_wrong():
    got, _ = verdicts(r"$$\delta^{(3)} = \left(\left(w^{(l+1)}\right)^{T} \delta^{(l+1)}\right) \odot \sigma'\left(z^{(l)}\right)$$", "1-1")
    assert got == [("wrong", "missing")]
    assert verdicts(r"$$\delta^{(4)} = 0$$", "1-1-1")[0] == [("wrong", "missing")]
