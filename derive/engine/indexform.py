"""Index form: the derivation for one generic unit j (and input k) of each
layer, so that the document's size does not grow with the layer widths.

The steps use the same rule classes as the engine; they are checked by
instantiating j, k on small networks and comparing with ``sympy.diff`` of
the composed cost (tests/test_indexform.py).
"""
import sympy as sp

from derive.engine import rules as R
from derive.model.symbols import (COST, Factors, IndexSum, Iverson, Partial, Terms, quantity, total,
                      product)

J, K, I, M = sp.symbols("j k i m", integer=True)


def _prev(network, layer, index):
    return quantity("x", 0, index) if layer == 1 else quantity("a", layer - 1, index)


def weighted_input(network, layer, j=J, m=M):
    """Σ_m w_jm a_m (+ b_j), the definition of z^l_j with the sum written out."""
    s = IndexSum(Factors(quantity("w", layer, j, m), _prev(network, layer, m)), m,
                 network.widths[layer - 1])
    return Terms(s, quantity("b", layer, j)) if network.bias else s


def weight_gradient(network, layer):
    w, z, d = quantity("w", layer, J, K), quantity("z", layer, J), quantity("delta", layer, J)
    return R.Derived(Partial(COST, w), [
        R.Step(Factors(Partial(COST, z), Partial(z, w)), R.ChainRule(paths=1)),
        R.Step(Factors(d, Partial(z, w)), R.NamedDelta(pairs=[(Partial(COST, z), d)])),
        R.Step(Factors(d, sp.Derivative(weighted_input(network, layer), w)),
               R.SubstituteDefinition(quantity=z, value=weighted_input(network, layer))),
        R.Step(Factors(d, _prev(network, layer, K)),
               R.OnlyOneTerm(factor=Partial(z, w), value=_prev(network, layer, K))),
    ])


def bias_gradient(network, layer):
    b, z, d = quantity("b", layer, J), quantity("z", layer, J), quantity("delta", layer, J)
    return R.Derived(Partial(COST, b), [
        R.Step(Factors(Partial(COST, z), Partial(z, b)), R.ChainRule(paths=1)),
        R.Step(Factors(d, Partial(z, b)), R.NamedDelta(pairs=[(Partial(COST, z), d)])),
        R.Step(d, R.WeightedInputByBias(factor=Partial(z, b), value=sp.S.One)),
    ])


def _activation_steps(network, layer, expr, j):
    """Resolve ∂a_j/∂z_j and apply the activation's identity."""
    act = network.activation(layer)
    a, z = quantity("a", layer, j), quantity("z", layer, j)
    steps = []
    value = act.derivative(z)
    expr = _sub(expr, Partial(a, z), value)
    steps.append(R.Step(expr, R.ActivationDerivative(factor=Partial(a, z), value=value,
                                                     activation=act.name)))
    if act.identity is not None:
        ident = act.identity(z, a)
        expr = _sub(expr, value, ident)
        steps.append(R.Step(expr, R.ActivationIdentity(factor=value, value=ident,
                                                       activation=act.name)))
    return expr, steps


def _sub(expr, old, new):
    out = expr.xreplace({old: new})
    if isinstance(out, Factors):
        return product(*out.args)
    return out


def output_delta(network):
    L, n = network.L, network.widths[-1]
    act, cost = network.activation(L), network.cost
    z = quantity("z", L, J)
    a = lambda i: quantity("a", L, i)
    y = lambda i: quantity("y", "out", i)
    steps = [R.Step(IndexSum(Factors(Partial(COST, a(I)), Partial(a(I), z)), I, n),
                    R.ChainRule(paths=n))]
    if act.name == "softmax":
        dca = cost.derivative(a(I), y(I))
        expr = IndexSum(Factors(dca, Partial(a(I), z)), I, n)
        steps.append(R.Step(expr, R.CostDerivative(factor=Partial(COST, a(I)), value=dca,
                                                   cost=cost.name)))
        jac = Factors(a(I), Terms(Iverson(I, J), -a(J)))
        expr = IndexSum(Factors(dca, jac), I, n)
        steps.append(R.Step(expr, R.SoftmaxJacobian(factor=Partial(a(I), z), value=jac)))
        if cost.simplifies_with == "softmax":
            expr = IndexSum(Factors(-y(I), Terms(Iverson(I, J), -a(J))), I, n)
            steps.append(R.Step(expr, R.Distribute()))
            expr = Terms(-y(J), Factors(a(J), IndexSum(y(I), I, n)))
            steps.append(R.Step(expr, R.CollectTerms()))
            steps.append(R.Step(a(J) - y(J), R.TargetSumsToOne()))
        return R.Derived(Partial(COST, z), steps)
    expr = Factors(Partial(COST, a(J)), Partial(a(J), z))
    steps.append(R.Step(expr, R.OnlyOwnUnit()))
    dca = cost.derivative(a(J), y(J))
    expr = _sub(expr, Partial(COST, a(J)), dca)
    steps.append(R.Step(expr, R.CostDerivative(factor=Partial(COST, a(J)), value=dca,
                                               cost=cost.name)))
    expr, more = _activation_steps(network, L, expr, J)
    steps += more
    if cost.simplifies_with == act.name:
        parts = [sp.factor(sp.cancel(term * sp.Mul(*[f for f in expr.args if not isinstance(f, Terms)])))
                 for term in next(f for f in expr.args if isinstance(f, Terms)).args]
        steps.append(R.Step(total(*parts), R.Distribute()))
        steps.append(R.Step(sp.expand(sp.Add(*parts)), R.CollectTerms()))
    return R.Derived(Partial(COST, z), steps)


def hidden_delta(network, layer):
    n_next = network.widths[layer + 1]
    z, a = quantity("z", layer, J), quantity("a", layer, J)
    zn = lambda i: quantity("z", layer + 1, i)
    dn = lambda i: quantity("delta", layer + 1, i)
    w = quantity("w", layer + 1, I, J)
    chain = lambda head: IndexSum(Factors(head, Partial(zn(I), a)), I, n_next)
    steps = [R.Step(Factors(chain(Partial(COST, zn(I))), Partial(a, z)), R.ChainRule(paths=n_next)),
             R.Step(Factors(chain(dn(I)), Partial(a, z)),
                    R.NamedDelta(pairs=[(Partial(COST, zn(I)), dn(I))])),
             R.Step(Factors(IndexSum(Factors(dn(I), w), I, n_next), Partial(a, z)),
                    R.WeightedInputByActivation(factor=Partial(zn(I), a), value=w))]
    expr, more = _activation_steps(network, layer, steps[-1].expr, J)
    steps += more
    return R.Derived(Partial(COST, z), steps)


def delta_derivations(network):
    """δ of every layer, output first, as generic-unit derivations."""
    out = [output_delta(network)]
    for layer in range(network.L - 1, 0, -1):
        out.append(hidden_delta(network, layer))
    return out


def expanded_weight_gradient(network):
    """∂C/∂w_jk of the layer below the output (the output layer itself for a
    single-layer network) written out before any δ is named: a sum over the
    units i of the layer above, every factor evaluated.  The handout shows it
    first so that the repeated factors, and hence δ, are earned."""
    L = network.L
    layer = L - 1 if L > 1 else L
    w, z, a = quantity("w", layer, J, K), quantity("z", layer, J), quantity("a", layer, J)
    x_k = _prev(network, layer, K)
    act_out, cost, n = network.activation(L), network.cost, network.widths[-1]
    y = lambda i: quantity("y", "out", i)
    if layer == L:  # no hidden layer: the output unit's own chain (a sum over i for softmax)
        steps = []
        if act_out.name == "softmax":
            ai = quantity("a", L, I)
            expr = Factors(IndexSum(Factors(Partial(COST, ai), Partial(ai, z)), I, n), Partial(z, w))
            steps.append(R.Step(expr, R.ChainRule(paths=n)))
            dca = cost.derivative(ai, y(I))
            jac = Factors(ai, Terms(Iverson(I, J), -a))
            expr = Factors(IndexSum(Factors(dca, Partial(ai, z)), I, n), Partial(z, w))
            steps.append(R.Step(expr, R.CostDerivative(factor=Partial(COST, ai), value=dca, cost=cost.name)))
            expr = Factors(IndexSum(Factors(dca, jac), I, n), Partial(z, w))
            steps.append(R.Step(expr, R.SoftmaxJacobian(factor=Partial(ai, z), value=jac)))
        else:
            expr = Factors(Partial(COST, a), Partial(a, z), Partial(z, w))
            steps.append(R.Step(expr, R.ChainRule(paths=1)))
            dca = cost.derivative(a, y(J))
            expr = _sub(expr, Partial(COST, a), dca)
            steps.append(R.Step(expr, R.CostDerivative(factor=Partial(COST, a), value=dca, cost=cost.name)))
            expr, more = _activation_steps(network, L, expr, J)
            steps += more
        expr = _sub(expr, Partial(z, w), x_k)
        steps.append(R.Step(expr, R.WeightedInputByWeight(factor=Partial(z, w), value=x_k)))
        return R.Derived(Partial(COST, w), steps)
    zi, ai = quantity("z", L, I), quantity("a", L, I)
    w_next = quantity("w", L, I, J)
    n_next = network.widths[L]
    tail = (Partial(zi, a), Partial(a, z), Partial(z, w))
    if act_out.name == "softmax":
        am = quantity("a", L, M)
        head = IndexSum(Factors(Partial(COST, am), Partial(am, zi)), M, n)
        steps = [R.Step(IndexSum(Factors(head, *tail), I, n_next), R.ChainRule(paths=n_next * n))]
        dca = cost.derivative(am, y(M))
        head = IndexSum(Factors(dca, Partial(am, zi)), M, n)
        steps.append(R.Step(IndexSum(Factors(head, *tail), I, n_next),
                            R.CostDerivative(factor=Partial(COST, am), value=dca, cost=cost.name)))
        jac = Factors(am, Terms(Iverson(M, I), -ai))
        head = IndexSum(Factors(dca, jac), M, n)
        steps.append(R.Step(IndexSum(Factors(head, *tail), I, n_next),
                            R.SoftmaxJacobian(factor=Partial(am, zi), value=jac)))
        head = (head,)
    else:
        head = (Partial(COST, ai), Partial(ai, zi))
        steps = [R.Step(IndexSum(Factors(*head, *tail), I, n_next), R.ChainRule(paths=n_next))]
        dca = cost.derivative(ai, y(I))
        head = (dca, Partial(ai, zi))
        steps.append(R.Step(IndexSum(Factors(*head, *tail), I, n_next),
                            R.CostDerivative(factor=Partial(COST, ai), value=dca, cost=cost.name)))
        value = act_out.derivative(zi)
        head = (dca, value)
        steps.append(R.Step(IndexSum(Factors(*head, *tail), I, n_next),
                            R.ActivationDerivative(factor=Partial(ai, zi), value=value,
                                                   activation=act_out.name)))
    inner = Factors(*head, w_next)
    steps.append(R.Step(Factors(IndexSum(inner, I, n_next), Partial(a, z), Partial(z, w)),
                        R.WeightedInputByActivation(factor=Partial(zi, a), value=w_next)))
    act = network.activation(layer)
    value = act.derivative(z)
    steps.append(R.Step(Factors(IndexSum(inner, I, n_next), value, Partial(z, w)),
                        R.ActivationDerivative(factor=Partial(a, z), value=value, activation=act.name)))
    steps.append(R.Step(Factors(IndexSum(inner, I, n_next), value, x_k),
                        R.WeightedInputByWeight(factor=Partial(z, w), value=x_k)))
    return R.Derived(Partial(COST, w), steps)
