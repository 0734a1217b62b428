"""Exercise sheets in the style of seed 004's quiz, with their solutions.

A sheet asks for δ of the output layer, the recurrence for earlier layers,
∂C/∂w and ∂C/∂b, the derivative of an activation, the loss and the gradients
of a small network for given numbers, and one SGD update.  ``--variants K``
makes K versions whose numbers come from seeds N, N+1, …, N+K-1 (so version A
of ``--seed N`` is the sheet of ``--seed N`` alone); everything is a function
of the seed, so the same options give byte-identical output.  The questions'
wording and all markup live in ``exercise.tex.j2`` / ``exercise.md.j2``.
"""
import random
import string
from dataclasses import dataclass
from decimal import Decimal

import sympy as sp

from derive.errors import SpecError
from derive.model.symbols import COST, Factors, IndexSum, Partial, Terms, ETA, quantity

MAX_VARIANTS = 26  # versions are lettered A–Z
MAX_SEED = 2**63
RATES = (Decimal("0.1"), Decimal("0.2"), Decimal("0.5"))  # η drawn per version unless --lr
ASKABLE = ("sigmoid", "tanh", "relu")  # activations whose derivative a sheet can ask for
REDRAWS = 50  # draws tried for numbers without a vanishing gradient


@dataclass
class Version:
    letter: str
    seed: int
    worked: object  # WorkedExample with one SGD step
    activation: str  # the activation whose derivative is asked for
    derivative: object  # its Derived (the solution)
    lr: object  # η of this version


@dataclass
class Sheet:
    d: object  # the Derivation (symbolic solutions for this network)
    versions: list
    general: list  # element-wise BP1–BP4 for a generic layer: Equation list
    update_rule: object  # (param, rhs) of θ ← θ − η ∂C/∂θ for the asked parameter
    symbols: dict  # generic quantities the questions name (w, b, z, a, delta, ...)


def check_variants(variants):
    if isinstance(variants, bool) or not isinstance(variants, int) or not 1 <= variants <= MAX_VARIANTS:
        raise SpecError(f"--variants must be a whole number from 1 to {MAX_VARIANTS} (got {variants!r})")
    return variants


def check_seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < MAX_SEED - MAX_VARIANTS:
        raise SpecError(f"--seed must be a whole number from 0 to {MAX_SEED - MAX_VARIANTS - 1}")
    return seed


def general_equations(generic=False):
    """BP1–BP4 element by element for a generic layer l, as a quiz asks for them:
    with σ' where every layer is a sigmoid, else with f' (the layer's own activation)."""
    from derive.engine.equations import Equation
    from derive.model.functions import activation_prime, sigmoid_prime
    from derive.engine.indexform import J, K

    q = quantity
    prime = activation_prime if generic else sigmoid_prime
    return [
        Equation("BP1", q("delta", "L", J),
                 Factors(Partial(COST, q("a", "L", J)), prime(q("z", "L", J)))),
        Equation("BP2", q("delta", "l", J),
                 Factors(IndexSum(Factors(q("w", "l+1", K, J), q("delta", "l+1", K)), K, None),
                         prime(q("z", "l", J)))),
        # BP3 before BP4, and δ_j a_k, as in the handouts' box (engine.equations.general)
        Equation("BP3", Partial(COST, q("b", "l", J)), q("delta", "l", J)),
        Equation("BP4", Partial(COST, q("w", "l", J, K)), Factors(q("delta", "l", J), q("a", "l-1", K))),
    ]


def generic_symbols():
    """The quantities the questions name, for a generic unit j of layer l."""
    from derive.model.functions import sigmoid_prime
    from derive.engine.indexform import J, K

    q = quantity
    z = q("z", "l", J)
    return dict(
        w=q("w", "l", J, K), b=q("b", "l", J), z=z, a=q("a", "l", J), delta=q("delta", "l", J),
        a_prev=q("a", "l-1", K), delta_out=q("delta", "L", J),
        dC_da_out=Partial(COST, q("a", "L", J)), prime=sigmoid_prime(z),
        z_def=Terms(IndexSum(Factors(q("w", "l", J, K), q("a", "l-1", K)), K, None), q("b", "l", J)),
        delta_def=Partial(COST, z), dC_dw=Partial(COST, q("w", "l", J, K)),
        dC_db=Partial(COST, q("b", "l", J)), cost=COST, eta=ETA)


def _asked_activation(network, rng):
    pool = [a for a in dict.fromkeys(network.activations) if a in ASKABLE] or ["sigmoid"]
    return rng.choice(pool)


def build_sheet(network, notation, seed=0, variants=1, values_text=None, lr=None, digits=4):
    """The sheet for ``network``: ``variants`` versions from ``seed`` on."""
    from derive.engine.activation_steps import derivative_derivation
    from derive.documents.derivation import build
    from derive.numbers.values import parse_number, parse_values

    from derive.errors import SizeLimitError
    from derive.numbers.worked import SCALAR_PARAMS

    check_seed(seed)
    check_variants(variants)
    if network.n_params > SCALAR_PARAMS:
        raise SizeLimitError(
            f"an exercise sheet is worked by hand: use a network with at most {SCALAR_PARAMS} "
            f"parameters (this one has {network.n_params})")
    d = build(network, notation)
    given = parse_values(values_text, network, notation, require_all=False) if values_text else None
    rate = parse_number(lr, "--lr") if lr is not None else None
    param = quantity("w", 1, 0, 0)  # seed 004 asks for the update of the first weight
    versions = []
    for k in range(variants):
        s = seed + k
        rng = random.Random(f"derive-exercise-{s}")
        eta = rate if rate is not None else rng.choice(RATES)
        act = _asked_activation(network, rng)
        worked = _worked(network, notation, s, given, digits, eta)
        versions.append(Version(letter=string.ascii_uppercase[k], seed=s, worked=worked,
                                activation=act, derivative=derivative_derivation(act), lr=eta))
    rule = (param, Terms(param, Factors(sp.S.NegativeOne, ETA, Partial(COST, param))))
    return Sheet(d=d, versions=versions, general=general_equations(d.generic_activation), update_rule=rule,
                 symbols=generic_symbols())


def _worked(network, notation, seed, given, digits, eta):
    """The worked numbers of one version: the first draw from ``seed`` (then from
    seeds derived from it) in which no gradient vanishes and no unit saturates, so
    that every answer is worth computing (a dead ReLU would zero half of them)."""
    from derive.numbers.draw import random_values
    from derive.numbers.worked import worked_example

    for attempt in range(REDRAWS):
        s = seed if attempt == 0 else random.Random(f"derive-redraw-{seed}-{attempt}").getrandbits(48)
        worked = worked_example(network, random_values(network, notation, s, given), digits,
                                False, eta, 1)
        if not worked.warnings and all(line.result != 0 for line in worked.gradients):
            break
    return worked


PARTS = ("both", "problems", "solutions")


def render_sheet(sheet, fmt="latex", part="both", title=None, template_dir=None):
    """The sheet as LaTeX or Markdown: problems then solutions on separate pages
    (``both``), or one of the two (``--solutions FILE`` writes them apart)."""
    from derive.documents.handout import check_template_dir, check_title, environment, printers

    names = {"latex": "exercise.tex.j2", "markdown": "exercise.md.j2"}
    if fmt not in names:
        raise SpecError(f"an exercise sheet is LaTeX, PDF or Markdown, not {fmt}")
    if part not in PARTS:
        raise ValueError(part)
    d = sheet.d
    from derive.render.formats import render_template

    env = environment(check_template_dir(template_dir))
    return render_template(
        env, names[fmt], sheet=sheet, d=d, network=d.network, notation=d.notation, part=part,
        title=check_title(title), printers=printers(d.notation, d.widths))
