"""The handout: a complete document a lecturer can print unchanged.

It owns which sections exist, which apply to a derivation, their order
(``--sections``), the update rules shown with them, and the rendering context
of ``handout.tex.j2`` / ``handout.md.j2`` (one template per section under
``templates/handout/``, each of which a course may override with
``--template-dir``).  The prose and all markup live in the templates.
"""
import re

import jinja2
import sympy as sp

from derive.engine.equations import Equation
from derive.documents import graph_handout as G
from derive.errors import SpecError, option, speaks_python
from derive.model.symbols import COST, ETA, Factors, Partial, Terms

# name -> what it is (for messages and --help); order = the default order
SECTIONS = {
    "network": "title and description of the network",
    "diagram": "a drawing of the network",
    "forward": "the forward pass and the cost",
    "activations": "the derivative of each activation",
    "gradients": "every gradient by the chain rule",
    "deltas": "the error terms δ and the gradients restated with them",
    "equations": "the four backpropagation equations, boxed",
    "saturation": "saturated units and vanishing gradients (sigmoid and tanh layers)",
    "vectorised": "the vectorised forms with dimensions",
    "update": "the gradient-descent update of every parameter",
    "worked": "the worked numerical example and SGD step (needs --values or --random-values)",
}
DEFAULT = tuple(SECTIONS)
LINE_WIDTH = 22  # ems of a chain-rule line before it breaks (fits A4 with 2 cm margins at 11 pt)
MAX_TITLE = 200
_SECTION_LIST = re.compile(r"[a-z]+(,[a-z]+)*")


def parse_sections(text):
    """``--sections`` as a tuple of names, in the order given."""
    if text is None:
        return None
    text = str(text).replace(" ", "").lower()
    if len(text) > 200 or not _SECTION_LIST.fullmatch(text):
        raise SpecError(f"--sections must be names separated by commas, from "
                        f"{', '.join(SECTIONS)} (got {text[:60]!r})")
    names = text.split(",")
    for name in names:
        if name not in SECTIONS:
            raise SpecError(f"unknown section {name!r} in --sections; choose from "
                            f"{', '.join(SECTIONS)}")
    if len(set(names)) != len(names):
        raise SpecError("--sections names a section twice")
    return tuple(names)


def check_title(title):
    if title is None:
        return None
    title = str(title)
    if len(title) > MAX_TITLE:
        raise SpecError(f"--title is longer than {MAX_TITLE} characters")
    if any(ord(c) < 32 for c in title):
        raise SpecError("--title must be one line of text (no control characters)")
    return title.strip() or None


def applicable(d, name):
    """Whether section ``name`` has anything to show for derivation ``d``."""
    if name == "diagram":
        return d.network is not None or _graph_diagram(d) is not None
    if name == "vectorised":
        return bool(d.vectorised)
    if name == "equations":
        return bool(d.bp_network)
    if name == "worked":
        return d.worked is not None
    if name == "saturation":
        return bool(squashing(d))
    if name == "activations":  # a graph of sums and products only has none to derive
        return bool(d.activation_derivatives or d.formula_derivatives)
    return True


def choose(d, sections=None):
    """The sections to render: the ones asked for (all that apply by default)."""
    if sections is None:
        return [s for s in DEFAULT if applicable(d, s)]
    if "worked" in sections and d.worked is None:
        raise SpecError("the worked section needs numbers: give --values or --random-values "
                        "(or leave 'worked' out of --sections)")
    chosen = [s for s in sections if applicable(d, s)]
    if not chosen:  # an empty document is never what was asked for
        raise SpecError(f"{option('sections')} {','.join(sections)}: "
                        + "; ".join(_WHY_NOT[s] for s in sections)
                        + ", so the document would be empty")
    return chosen


_WHY_NOT = {"vectorised": "the vectorised forms need a layer wider than one unit",
            "equations": "the four backpropagation equations are for layered networks",
            "diagram": "this network has no diagram", "worked": "the worked section needs numbers",
            "activations": "this graph applies no activation function",
            "saturation": "saturation is about sigmoid and tanh, which this network does not use"}


def _graph_diagram(d):
    from derive.render.graph_diagram import graph_layout

    return graph_layout(d.graph) if d.mode == "graph" else None


def update_rules(d):
    """One gradient-descent update per parameter (group): θ ← θ − η ∂C/∂θ,
    and the same with the gradient written through δ."""
    rules = []
    for e in d.restated or d.gradients:
        partial = e.derived.lhs
        param = partial.den
        result = e.derived.result
        inner = result.args if isinstance(result, Factors) else (result,)
        rules.append((Equation("update", param, Terms(param, Factors(sp.S.NegativeOne, ETA, partial))),
                      Terms(param, Factors(sp.S.NegativeOne, ETA, *inner))))
    return rules


def earned(d):
    """The products the first written-out chains share, each with the derivative
    it equals by the chain rule: (product, ∂C/∂z) pairs the δ section names.

    From a chain's first line (the chain rule) everything but the last factor is
    ∂C/∂z of the parameter's own unit; in the index form's sum over the units i
    above, the first two factors are ∂C/∂z_i and the whole sum with the
    activation factor is ∂C/∂z_j."""
    from derive.model.symbols import COST, Factors as F, IndexSum

    entries = d.motivation or d.gradients
    if d.mode == "graph":
        return G.earned(entries[0].derived) if entries else []
    out = []
    for e in entries[:3] if d.mode == "chain" else entries[:1]:
        first = e.derived.steps[0].expr
        if isinstance(first, F) and len(first.args) > 1 and isinstance(first.args[-1], type(e.derived.lhs)):
            out.append((F(*first.args[:-1]), Partial(COST, first.args[-1].num)))
            if out[-1] in out[:-1]:
                out.pop()
        elif isinstance(first, IndexSum) and isinstance(first.args[0], F) and d.mode == "index":
            body = first.args[0].args
            tail = body[-3:]  # ∂z_i/∂a_j, ∂a_j/∂z_j, ∂z_j/∂w_jk
            head = body[:-3]
            upper = tail[0].num
            out.append((head[0] if len(head) == 1 else F(*head), Partial(COST, upper)))
            inner = IndexSum(F(Partial(COST, upper), tail[0]), *first.args[1:])
            out.append((F(inner, tail[1]), Partial(COST, tail[2].num)))
    return out[:2]


def _unshaped(expr):
    from derive.model.symbols import Shaped

    return expr.replace(lambda e: isinstance(e, Shaped), lambda e: e.args[0])


def matrix_updates(d):
    """W ← W − η ∂C/∂W = W − η δ (a)ᵀ (and b ← b − η δ) per layer, from the
    vectorised BP4/BP3; empty where there is no vectorised form."""
    out = []
    # each layer's weight first, then its bias, as in the element-wise update rules
    gradients = [q for q in d.vectorised if q.name in ("BP3", "BP4")]
    for q in sorted(gradients, key=lambda q: (-q.layer, q.name != "BP4")):
        partial = _unshaped(q.lhs)
        param = partial.den
        out.append((Equation("update", param, Terms(param, Factors(sp.S.NegativeOne, ETA, partial))),
                    Terms(param, Factors(sp.S.NegativeOne, ETA, _unshaped(q.rhs)))))
    return out


def vector_origin(d):
    """The element-wise BP4 and its matrix form for the output layer: the pair the
    vectorised section derives one from the other.  None without a vectorised form."""
    bp4 = [q for q in d.vectorised if q.name == "BP4"]
    scalar = [e for e in d.restated if e.layer == d.network.L and "w" in str(e.derived.lhs.den)] \
        if d.vectorised else []
    if not bp4 or not scalar:
        return None
    return dict(scalar=scalar[0].derived, matrix=bp4[0])


def brief(d):
    """Bias gradients a chain handout writes in two lines, by reference to the
    weight of the same layer (the chains agree but for the last factor):
    key -> (the weight's ∂C/∂w, the bias step ∂z/∂b = 1)."""
    from derive.model.symbols import label

    if d.mode == "graph" and not d.motivation:
        return G.brief(d)
    if d.mode != "chain" or d.motivation:
        return {}
    weights = {e.layer: e.derived.lhs for e in d.gradients if label(e.derived.lhs.den)[0] == "w"}
    out = {}
    for e in d.gradients:
        if label(e.derived.lhs.den)[0] == "b" and e.layer in weights:
            step = next((s for s in e.derived.steps if s.rule.kind == "weighted_input_by_bias"), None)
            if step is not None:
                out[e.key] = (weights[e.layer], step.rule)
    return out


SQUASHING = ("sigmoid", "tanh")  # activations that saturate: f' → 0 as |z| grows


def squashing(d):
    """The saturating activations the derivation uses, in order of first use."""
    return [name for name, _ in d.activation_derivatives if name in SQUASHING]


def vanishing(d):
    """For a chain: the gradient of its first weight as the product of one local
    factor per layer, activation derivatives unexpanded, and how many of them
    saturate -- the product a vanishing-gradient argument is about.  None otherwise."""
    from derive.model.symbols import quantity

    if d.mode == "graph":
        return G.vanishing(d)
    if d.mode != "chain":
        return None
    net = d.network
    L = net.L
    a, y, z = quantity("a", L, 0), quantity("y", "out", 0), quantity("z", L, 0)
    act = net.activation(L)
    factors = ([Terms(a, -y)] if net.cost.simplifies_with == act.name
               else [net.cost.derivative(a, y), act.derivative(z)])
    for l in range(L, 1, -1):
        factors.append(quantity("w", l, 0, 0))
        factors.append(net.activation(l - 1).derivative(quantity("z", l - 1, 0)))
    factors.append(quantity("x", 0, 0))
    count = sum(1 for l in range(1, L + 1) if net.activations[l - 1] in SQUASHING
                and not (l == L and net.cost.simplifies_with == act.name))
    sigmoids = sum(1 for l in range(1, L + 1) if net.activations[l - 1] == "sigmoid"
                   and not (l == L and net.cost.simplifies_with == act.name))
    return dict(equation=Equation("vanishing", Partial(COST, quantity("w", 1, 0, 0)), Factors(*factors)),
                count=count, sigmoids=sigmoids, bound=sp.Rational(1, 4) ** sigmoids)


COMPOSED_LAYERS = 3  # chains up to this many weight layers get their output as one formula


def composed(d):
    """The output of a small chain as one formula of the input and the
    parameters (seed 000's f(x) = σ(w⁽³⁾σ(w⁽²⁾x + b⁽²⁾) + b⁽³⁾)), or None."""
    if d.mode == "graph":
        return G.composed(d.graph)
    if d.mode != "chain" or d.network.L > COMPOSED_LAYERS:
        return None
    defs = {q.lhs: q.rhs for q in d.forward}
    out = d.forward[-1]
    expr = out.rhs
    for _ in range(len(defs)):
        expr = expr.xreplace(defs)
    return Equation("composed", out.lhs, expr)


def _graph_file(d):
    """The graph file's name as a reader should see it: never the builder's absolute path."""
    from pathlib import PurePath

    source = getattr(d.graph, "source", None) if d.mode == "graph" else None
    if not source or str(source).startswith("<"):  # <stdin>, <equations>: no file to name
        return None
    name = PurePath(str(source)).name
    return "".join(c if c.isprintable() else "?" for c in name) or None


def _graph_roles(d):
    """role -> the graph's quantities of that role, as symbols (printed in math type)."""
    return d.graph_roles()


def glossary(d):
    """The generic quantities a reader meets, as (kind, quantity) pairs: a
    generic layer l (and units j, k where layers are wider than one unit)."""
    from derive.model.symbols import COST, base, quantity
    from derive.engine.indexform import J, K

    if d.network is None:
        return []
    wide = d.mode != "chain"
    q = (lambda kind, layer, *i: quantity(kind, layer, *i)) if wide else (
        lambda kind, layer, *i: base(kind, layer))
    out = [("x", q("x", 0, K)), ("z", q("z", "l", J)), ("a", q("a", "l", J)),
           ("w", q("w", "l", J, K)), ("b", q("b", "l", J)),  # δ is not listed: it is earned later
           ("y", q("y", "out", J)), ("C", COST)]
    return [(k, e) for k, e in out if k != "b" or d.network.bias]


def printers(notation, widths, line_width=LINE_WIDTH):
    """The printers a handout uses: 'full' breaks long lines (align rows only),
    'inline' never does, 'short' writes ∂a/∂b with a slash."""
    from derive.render.printing import DeriveLatexPrinter

    return {
        "full": DeriveLatexPrinter(notation, widths, {"line_width": line_width}),
        "inline": DeriveLatexPrinter(notation, widths),
        "short": DeriveLatexPrinter(notation, widths, {"slash_partials": True}),
    }


def environment(template_dir=None):
    """The shared Jinja environment (sandboxed with --template-dir) and our filters."""
    from derive.render.formats import environment as base_environment

    env = base_environment(str(template_dir) if template_dir else None)
    if "tex_inline" not in env.filters:
        if getattr(env, "sandboxed", False):
            from derive.render.sandbox import guard_math

            env.filters["tex_inline"] = guard_math(_tex_inline)
        else:
            env.filters["tex_inline"] = _tex_inline
    env.filters.setdefault("escape_md", escape_md)
    return env


@jinja2.pass_context
def _tex_inline(ctx, expr):
    return ctx["printers"]["inline"].doprint(expr)


_MD_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~&])")


def escape_md(text):
    """User text made literal in Markdown (and never math: $ is escaped)."""
    return _MD_SPECIALS.sub(r"\\\1", str(text))


def check_template_dir(template_dir):
    from pathlib import Path

    if template_dir is None:
        return None
    path = Path(template_dir)
    if not path.is_dir():
        raise SpecError(f"--template-dir {template_dir}: not a directory")
    return str(path.resolve())


def context(d, sections=None, title=None):
    """The variables of the handout templates (documented in the README)."""
    from derive.render.diagram import layout

    return dict(
        d=d, network=d.network, notation=d.notation,
        printers=printers(d.notation, d.widths),
        sections=choose(d, sections),
        title=check_title(title),
        diagram=layout(d.network, d.notation) if d.network is not None else _graph_diagram(d),
        updates=update_rules(d),
        glossary=glossary(d),
        earned=earned(d),
        brief=brief(d),
        composed=composed(d),
        graph_file=_graph_file(d),
        graph_roles=_graph_roles(d),
        squashing=squashing(d),
        matrix_updates=matrix_updates(d),
        vector_origin=vector_origin(d),
        vanishing=vanishing(d),
        graph_output=G.output(d) if "saturation" in choose(d, sections) else None,
        in_handout=True,  # lets included templates (worked.*.j2) adapt their headings
    )


@speaks_python
def render_handout(d, fmt="latex", sections=None, title=None, template_dir=None):
    """The handout for derivation ``d`` as LaTeX (a complete document) or Markdown."""
    from derive.render.formats import format_name

    names = {"latex": "handout.tex.j2", "markdown": "handout.md.j2"}
    fmt = format_name(fmt)
    if fmt not in names:
        raise SpecError(f"a handout is LaTeX, PDF or Markdown, not {fmt}")
    from derive.render.formats import render_template

    env = environment(check_template_dir(template_dir))
    return render_template(env, names[fmt], **context(d, sections, title))
