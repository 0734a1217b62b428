"""The result of checking a file: JSON, a human-readable report, marked LaTeX.

Wording lives in templates (``check_messages.j2`` for each verdict's message,
``check_report.txt.j2`` and ``check_marked.tex.j2`` for the documents); math
comes only from the project's printer.  ``_render`` is the one place that
builds the Jinja environment, so it can be switched to the shared one.
"""
import json
from functools import cache

import jinja2
import mpmath

STATUSES = ("correct", "wrong", "unknown", "unparsed")


@cache
def _environment():
    from derive.render.formats import DELIMITERS, escape_tex, templates_dir

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())),
                             undefined=jinja2.StrictUndefined, **DELIMITERS)
    env.filters["tex"] = _tex
    env.filters["escape_tex"] = escape_tex
    env.filters["num"] = _num
    return env


def _render(name, **context):
    return _environment().get_template(name).render(**context)


@jinja2.pass_context
def _tex(ctx, expr, short=False):
    """The project's printer; a quantity the network lacks (named in an error)
    is printed without the network's widths, which do not cover it."""
    printers = ctx["printers"]
    try:
        return printers["short" if short else "full"].doprint(expr)
    except Exception:  # noqa: BLE001 - a report renders whatever the printer makes of a step
        try:
            return printers["plain"].doprint(expr)
        except Exception:  # noqa: BLE001
            return "?"


def _num(x, digits=6, keep_zeros=False):
    """``x`` to ``digits`` significant digits; ``keep_zeros`` prints all of them (0.751365070),
    so that two numbers shown side by side can be read digit by digit."""
    try:
        return mpmath.nstr(mpmath.mpf(x), digits, min_fixed=-6 if keep_zeros else -4, max_fixed=6,
                           strip_zeros=not keep_zeros)
    except (TypeError, ValueError):
        return str(x)


_NAMED_ORDER = ("output", "score", "below", "weight", "bias", "unit_output", "unit_below", "unit_score",
                "target", "cost")


def _message(module, v):
    main = getattr(module, "msg_" + v.code, None)
    if main is not None:
        main = main(v.params)
    elif v.code.startswith("lhs_") and hasattr(module, "msg_" + v.code[4:]):
        main = module.msg_lhs(v.params, getattr(module, "msg_" + v.code[4:])(v.params))
    else:
        main = module.msg_fallback(v.params, v.code)
    why = getattr(module, "why_" + v.diagnosis)(v.params) if v.diagnosis else ""
    notes = []
    named = sorted({p: dict(p) for c, p in v.notes if c == "document_name"}.values(),
                   key=lambda p: (_NAMED_ORDER.index(p["meaning"]), p["written"]))
    own = _own_weights(v.notes)
    for code, params in v.notes:
        if code == "own_weights":  # one stand-in's reading: said once, its names together
            params = own.pop(dict(params)["name"], None)
            if params is None:
                continue
        if code == "document_name":  # the document's own letters: said once, together
            if named:
                notes.append(str(module.note_document_names({"names": named})).strip())
                named = []
            continue
        fn = getattr(module, "note_" + code, None)
        if fn is not None and (note := str(fn(dict(params))).strip()) not in notes:
            notes.append(note)
    slip = v.code == "missing" and v.diagnosis in ("unit_index", "layer_index")
    assemble = module.assemble_slip if slip else module.assemble
    return str(assemble(str(main).strip(), str(why).strip(), notes))


def _own_weights(notes):
    """stand-in -> the params of one ``own_weights`` note naming all it does not depend on."""
    out = {}
    for code, params in notes:
        if code != "own_weights":
            continue
        p = dict(params)
        if p["name"] in out:
            merged = dict(out[p["name"]])
            own = set(merged["own"].split(", ")) | set(p["own"].split(", "))
            p = {**merged, "own": ", ".join(sorted(own))}
        out[p["name"]] = tuple(p.items())
    return out


def _printers(notation, widths):
    from derive.render.printing import DeriveLatexPrinter
    from derive.render.formats import printers

    return {**printers(notation, widths), "plain": DeriveLatexPrinter(notation, None)}


class Report:
    """Verdicts for every step of one file."""

    def __init__(self, verdicts, network, notation, name="<input>", givens=None, strict=False):
        self.verdicts = verdicts
        self.network = network
        self.notation = notation
        self.name = name
        self.givens = givens or {}
        self.strict = strict
        self._messages = None
        self.not_claims = []  # [{line, source, reason[, cell]}]: definitions and conditions
        self.names = []  # [{written, meaning, line}]: the document's own letters (softmaxnames)
        self.sections = []  # one network per section (check.sections): what each part read
        self.matrices = []  # [{what, size, line, cell}]: a matrix forward pass (read.matrixpass)

    # -- numbers -------------------------------------------------------------

    def counts(self):
        out = {s: 0 for s in STATUSES}
        for v in self.verdicts:
            out[v.status] += 1
        return out

    @property
    def readable(self):
        """False when no step could be parsed at all (exit status 2)."""
        return any(v.status != "unparsed" for v in self.verdicts)

    def exit_code(self, strict=None):
        strict = self.strict if strict is None else strict
        c = self.counts()
        if not self.verdicts or not self.readable:
            return 2
        if c["wrong"]:
            return 1
        if strict and (c["unknown"] or c["unparsed"]):
            return 1
        return 0

    # -- text --------------------------------------------------------------------

    def _context(self, mode):
        return {"printers": _printers(self.notation, self.network.widths), "mode": mode,
                "notation": self.notation, "network": self.network}

    def messages(self, mode="text"):
        """One message per verdict (notes included), rendered from the templates."""
        module = _environment().get_template("check_messages.j2").make_module(self._context(mode))
        return [" ".join(_message(module, v).split()) for v in self.verdicts]

    def expected_tex(self, v):
        if v.expected is None:
            return None
        # printed once per expression: 2 000 copies of a wrong row share their expected value
        cache = self.__dict__.setdefault("_expected_tex", {})
        try:
            if v.expected not in cache:
                cache[v.expected] = self._print_expected(v)
            return cache[v.expected]
        except TypeError:  # an unhashable expected value
            return self._print_expected(v)

    def _print_expected(self, v):
        from derive.render.printing import tex

        try:
            return tex(v.expected, self.notation, self.network.widths)
        except Exception:  # noqa: BLE001 - a quantity outside the network's widths
            try:
                return tex(v.expected, self.notation)
            except Exception:  # noqa: BLE001
                return None

    def steps(self):
        msgs = self.messages("text")
        return [{"line": v.line, **({"cell": v.cell} if v.cell is not None else {}),
                 "source": v.source, "status": v.status, "message": m,
                 "expected": self.expected_tex(v)} for v, m in zip(self.verdicts, msgs)]

    def summary(self):
        c = self.counts()
        return {**c, "steps": len(self.verdicts), "file": self.name,
                "network": self.network.describe(), "notation": self.notation.name,
                "exit_code": self.exit_code(), "strict": self.strict,
                "not_claims": [{k: v for k, v in n.items() if v is not None}
                               for n in self.not_claims],
                **({"names": self.names} if self.names else {}),
                **({"read_from": [{k: v for k, v in m.items() if v is not None}
                                  for m in self.matrices]} if self.matrices else {}),
                **({"implied": implied} if (implied := self.implied()) else {})}

    def implied(self):
        """The definitions the document's forward pass implies and derive read (ŷ = σ(z))."""
        declared = getattr(getattr(self.network, "graph", None), "declared", None)
        return [{k: v for k, v in {"name": i.written, "formula": i.formula, "line": i.line,
                                   "how": i.kind, "of": i.of}.items() if v is not None}
                for i in getattr(declared, "implied", ())]

    def to_dict(self):
        return {"steps": self.steps(), "summary": self.summary()}

    def to_json(self):
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def render_text(self):
        rows = list(zip(self.verdicts, self.messages("text")))
        return _render("check_report.txt.j2", report=self, rows=rows, counts=self.counts(),
                       expected=self.expected_tex, **self._context("text"))

    def render_markdown(self):
        """The report as a Markdown table, math in $…$ (what Jupyter shows)."""
        return self._render_rows("check_report.md.j2")

    def render_html(self):
        return self._render_rows("check_report.html.j2")

    def _render_rows(self, name):
        rows = list(zip(self.verdicts, self.messages("text")))
        return _render(name, report=self, rows=rows, counts=self.counts(),
                       expected=self.expected_tex, **self._context("text"))

    def _repr_markdown_(self):
        return self.render_markdown()

    def _repr_html_(self):
        return self.render_html()

    def __repr__(self):
        c = self.counts()
        return (f"<Report {self.name}: {c['correct']} correct, {c['wrong']} wrong, "
                f"{c['unknown']} unknown, {c['unparsed']} unparsed>")

    def render_marked_tex(self):
        rows = list(zip(self.verdicts, self.messages("tex")))
        return _render("check_marked.tex.j2", report=self, rows=rows, counts=self.counts(),
                       **self._context("tex"))


class SectionsReport(Report):
    """One file checked section by section, each part on the network it declares
    (``check.sections``): the parts' verdicts in order, each message worded with its
    own part's network."""

    def __init__(self, done, name="<input>", strict=False, in_line_order=False):
        first = done[0][1]
        verdicts = [v for _, r in done for v in r.verdicts]
        if in_line_order:  # parts that interleave (a toy example inside the document)
            verdicts.sort(key=lambda v: (v.cell or 0, v.line, v.column))
        givens = {k: v for _, r in done for k, v in r.givens.items()}
        super().__init__(verdicts, first.network, first.notation, name=name, givens=givens,
                         strict=strict)
        self.parts = done
        self.sections = [part.describe() for part, _ in done]
        self.not_claims = [n for _, r in done for n in r.not_claims]

    def messages(self, mode="text"):
        said = {}
        for _, r in self.parts:
            said.update((id(v), m) for v, m in zip(r.verdicts, r.messages(mode)))
        return [said[id(v)] for v in self.verdicts]

    def expected_tex(self, v):
        for _, r in self.parts:
            if any(v is w for w in r.verdicts):
                return r.expected_tex(v)
        return None

    def summary(self):
        return {**super().summary(), "sections": self.sections}
