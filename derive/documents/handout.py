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
from derive.errors import SpecError, option, speaks_python
from derive.model.symbols import ETA, Factors, Terms

# name -> what it is (for messages and --help); order = the default order
SECTIONS = {
    "network": "title and description of the network",
    "diagram": "a drawing of the network",
    "forward": "the forward pass and the cost",
    "activations": "the derivative of each activation",
    "gradients": "every gradient by the chain rule",
    "deltas": "the error terms δ and the gradients restated with them",
    "equations": "the four backpropagation equations, boxed",
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
            "diagram": "this network has no diagram", "worked": "the worked section needs numbers"}


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
           ("w", q("w", "l", J, K)), ("b", q("b", "l", J)), ("delta", q("delta", "l", J)),
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
