"""Rendering: the Jinja environment, its filters, and JSON output.

Templates use LaTeX-safe delimiters (``\\BLOCK{…}``, ``\\VAR{…}``, ``\\#{…}``
and ``%-`` line statements).  Math comes only from the ``tex`` filter, which
calls our sympy printer; user text goes through ``escape_tex``.
"""
import json
from functools import lru_cache
from pathlib import Path

import jinja2

from derive.render.printing import DeriveLatexPrinter

DELIMITERS = dict(
    block_start_string=r"\BLOCK{",
    block_end_string="}",
    variable_start_string=r"\VAR{",
    variable_end_string="}",
    comment_start_string=r"\#{",
    comment_end_string="}",
    line_statement_prefix="%-",
    line_comment_prefix="%#",
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    autoescape=False,
)

FORMATS = {"latex": "derivation.tex.j2", "markdown": "derivation.md.j2"}

_TEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "~": r"\textasciitilde{}", "%": r"\%",
}


def templates_dir():
    """The packaged templates (derive.templates), or the checkout's templates/."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("derive.templates")
    except ImportError:
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / "derivation.tex.j2").exists():
            return Path(location)
    return Path(__file__).resolve().parents[2] / "templates"


def escape_tex(text):
    return "".join(_TEX_SPECIALS.get(c, c) for c in str(text))


@jinja2.pass_context
def _tex(ctx, expr, short=False):
    printer = ctx["printers"]["short" if short else "full"]
    return printer.doprint(expr)


def _bytecode_cache():
    """Compiled templates cached under the user's cache directory: compiling
    them is a third of the headline command's own time.  Optional: without a
    writable cache directory templates are simply compiled each run."""
    import os

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "derive", "jinja")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(path)


def _number(value, digits=4):
    """A computed number as a sympy number rounded for display (for the tex filter)."""
    from derive.numbers.worked_lines import shown

    return shown(value, digits)


def _texwidth(latex):
    """The printed width of a LaTeX math string, in ems (for templates that break rows)."""
    from derive.render.linebreak import width

    if not isinstance(latex, str):
        raise TypeError("texwidth takes the LaTeX text that tex printed")
    return width(latex)


def _quantity(kind, layer, *idx):
    """A network quantity, for templates that name one (e.g. a saturated unit)."""
    from derive.model.symbols import quantity

    return quantity(kind, layer, *idx)


def _fprime(activation, arg):
    """f'(arg) of the named activation, as the printer shows it."""
    from derive.model.activations import ACTIVATIONS

    return ACTIVATIONS[activation].derivative(arg)


@lru_cache(maxsize=None)
def environment(extra_dir=None):
    """The built-in templates; with ``extra_dir`` (``--template-dir``) that directory
    first and every template in the data-only sandbox (derive.render.sandbox)."""
    loaders = [jinja2.FileSystemLoader(str(templates_dir()))]
    if extra_dir:
        from derive.render import sandbox

        loaders.insert(0, sandbox.BoundedLoader(str(extra_dir)))
        env = sandbox.DataSandbox(loader=jinja2.ChoiceLoader(loaders),
                                  undefined=jinja2.StrictUndefined, **DELIMITERS)
        env.filters.update(tex=sandbox.guard_math(_tex), escape_tex=escape_tex,
                           num=sandbox.guard_number(_number), texwidth=_texwidth)
        return env
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined,
                             bytecode_cache=_bytecode_cache(), **DELIMITERS)
    env.filters["tex"] = _tex
    env.filters["escape_tex"] = escape_tex
    env.filters["num"] = _number
    env.filters["texwidth"] = _texwidth
    env.globals["q"] = _quantity
    env.globals["fprime"] = _fprime
    return env


def render_template(env, name, **context):
    """Template ``name`` rendered; in the sandbox within its time, memory and size budgets."""
    if getattr(env, "sandboxed", False):
        from derive.render.sandbox import run_bounded

        return run_bounded(env, name, context)
    return env.get_template(name).render(**context)


def printers(notation, widths):
    return {
        "full": DeriveLatexPrinter(notation, widths),
        "short": DeriveLatexPrinter(notation, widths, {"slash_partials": True}),
    }


FORMAT_ALIASES = {"latex": "latex", "tex": "latex", "markdown": "markdown", "md": "markdown",
                  "json": "json"}


def format_name(fmt):
    """'latex', 'markdown' or 'json' for ``fmt`` or an alias of it (tex, md; any case)."""
    from derive.errors import OutputError

    name = FORMAT_ALIASES.get(fmt.lower()) if isinstance(fmt, str) else None
    if name is None:
        import difflib

        near = difflib.get_close_matches(str(fmt).lower(), FORMAT_ALIASES, n=1)
        hint = f" (did you mean {FORMAT_ALIASES[near[0]]}?)" if near else ""
        raise OutputError(f"unknown format {fmt!r}{hint}; the formats are latex (or tex), "
                          "markdown (or md) and json")
    return name


def render(derivation, fmt="latex", template_dir=None):
    """The derivation as a LaTeX fragment, Markdown or JSON (handouts: derive.documents.handout)."""
    fmt = format_name(fmt)
    if fmt == "json":
        return json.dumps(to_dict(derivation), indent=2, ensure_ascii=False) + "\n"
    env = environment(template_dir)
    return render_template(
        env, FORMATS[fmt], d=derivation, network=derivation.network, notation=derivation.notation,
        printers=printers(derivation.notation, derivation.widths))


def _steps(derived, p):
    return [{"latex": p.doprint(s.expr), "rule": s.rule.kind, "rewrite": s.rule.rewrite}
            for s in derived.steps]


def to_dict(d):
    p = DeriveLatexPrinter(d.notation, d.widths)
    gradients = {}
    restated = {e.key: e for e in d.restated}
    for e in d.gradients:
        gradients[e.key] = {
            "lhs": p.doprint(e.derived.lhs),
            "steps": _steps(e.derived, p),
            "result": p.doprint(e.derived.result),
            "with_delta": p.doprint(restated[e.key].derived.result) if e.key in restated else None,
            "index_form": d.mode == "index",
        }
    out = {
        "network": d.describe(),
        "parameters": d.parameters,
        "gradients": gradients,
        "deltas": {e.key: {"symbol": p.doprint(e.name), "lhs": p.doprint(e.derived.lhs),
                           "steps": _steps(e.derived, p), "result": p.doprint(e.derived.result)}
                   for e in d.deltas},
        "equations": [{"name": q.name, "latex": p.doprint(q.lhs) + " = " + p.doprint(q.rhs)}
                      for q in d.bp_network],
        "warnings": list(d.warnings),
        "forward": [{"latex": p.doprint(q.lhs) + " = " + p.doprint(q.rhs)} for q in d.forward]
        + [{"latex": p.doprint(d.cost.lhs) + " = " + p.doprint(d.cost.rhs)}],
        "activation_derivatives": {name: {"lhs": p.doprint(der.lhs), "steps": _steps(der, p)}
                                   for name, der in d.activation_derivatives},
        "formula_derivatives": {str(q): {"lhs": p.doprint(der.lhs), "steps": _steps(der, p)}
                                for q, der in d.formula_derivatives},
    }
    if d.vectorised:
        out["vectorised"] = [{"name": q.name, "latex": p.doprint(q.lhs) + " = " + p.doprint(q.rhs)}
                             for q in d.vectorised]
    if d.expanded:
        out["expanded"] = {e.key: {"lhs": p.doprint(e.derived.lhs), "steps": _steps(e.derived, p),
                                   "result": p.doprint(e.derived.result)} for e in d.expanded}
    if d.worked is not None:
        out["values"] = d.worked.to_dict()
    return out
