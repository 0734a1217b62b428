"""Finding the claims in a hand derivation.

From ``.tex``/``.md`` text this finds the math (``align``, ``align*``,
``aligned``, ``equation``, ``gather``, ``$$…$$``, ``\\[…\\]``, ``\\(…\\)`` and
inline ``$…$``), expands argument-free ``\\newcommand``/``\\def`` macros, drops
justifications (after ``&&``, in ``\\text{…}``, tags and labels) and splits
chains ``A &= B \\\\ &= C`` into steps (``equations`` picks this reader or, for a
plain-text file, ``asciilines``).  Every piece keeps its source offsets (see ``text``), so a step
knows the line on which its right-hand side begins.

Only equalities are claims: ``=``, ``:=``, ``\\equiv``, ``\\leftarrow`` and
their relatives.  Math without one (definitions of notation, ``f: ℝ → ℝ``)
is not a step.
"""
import re
from functools import lru_cache
from dataclasses import dataclass, field

from derive.check.limits import LIMITS, CheckInputError
from derive.check.read.macros import Macro, expand_macros, find_macros  # noqa: F401
from derive.check.read.inputs import escaped_for_markdown, image_math, markdown_code, unescape_math
from derive.check.read.parse import is_math_word as _math_word
from derive.check.read.cases import conditional
from derive.check.read.prose import described_in_words, is_condition, role
from derive.check.read.text import Source, Text, brace_table

ENVIRONMENTS = ("align", "align*", "aligned", "equation", "equation*", "gather", "gather*",
                "multline", "multline*", "eqnarray", "eqnarray*", "split", "alignat", "alignat*",
                "flalign", "flalign*", "gathered")
# Environment wrappers left inside a segment (an align inside $$…$$).
INNER_WRAPPERS = re.compile(r"\\(?:begin|end)\{(?:" + "|".join(re.escape(e) for e in ENVIRONMENTS)
                            + r"|alignedat)\}(?:\{\d+\})?")
EQUALITIES = {"=": "=", ":=": ":=", r"\equiv": "equiv", r"\coloneqq": ":=", r"\leftarrow": "<-",
              r"\gets": "<-", r"\approx": "approx", r"\neq": "neq", r"\ne": "neq", "<-": "<-",
              r"\triangleq": ":=", r"\stackrel{\text{def}}{=}": ":=", "≈": "approx", "≠": "neq",
              "←": "<-"}
FUNCTION_WORDS = {"relu", "softmax", "sigmoid", "max", "exp", "tanh", "ln", "log", "diag", "sign"}


@dataclass
class Link:
    """``relation rhs`` of a chain: one step."""

    relation: str
    rhs: Text
    shown: str = None  # the right side as written, where the checker reads a rewritten one


@dataclass
class Chain:
    """``lhs rel rhs₁ rel rhs₂ …`` written in one language ('latex' or 'ascii')."""

    lhs: Text
    links: list = field(default_factory=list)
    language: str = "latex"
    prefix: str = ""  # a word before the lhs that changes its meaning ('next')
    role: str = None  # None: a claim; 'definition' or 'condition' by the prose before it
    shown: str = None  # the left side as written, where the checker reads a rewritten one
    update_of: object = None  # the parameter whose update rule the chain writes (judge.verify)


# -- finding math ---------------------------------------------------------------

_OPENERS = re.compile(r"\\begin\{(" + "|".join(re.escape(e) for e in ENVIRONMENTS) + r")\}"
                      r"|\$\$|\\\\\[|\\\\\(|\\\[|\\\(|(?<!\\)\$")


def _blank_comments(t, markdown):
    """Comments and code blanked: what a reader of the rendered page never sees as math
    (HTML comments, fenced and indented code blocks in Markdown; ``%`` comments in TeX)."""
    spans = []
    s = t.s
    if markdown == "notebook":
        pass  # blanked cell by cell (inputs.notebook_text)
    elif markdown:
        spans = markdown_code(s)
    else:
        for m in re.finditer(r"(?<!\\)%[^\n]*", s):
            spans.append((m.start(), m.end()))
    return t.blank_spans(spans)


def math_segments(t, markdown, where=False):
    """The math in ``t`` as Text segments (contents only, delimiters dropped), one by
    one, so that finding stops when enough steps are found; with ``where``, as
    (index of the opening delimiter, index past the closing one, segment)."""
    s = t.s
    i = 0
    unclosed = set()  # closers not found after some point: not after any later one either
    while True:
        m = _OPENERS.search(s, i)
        if not m:
            break
        tok = m.group(0)
        if m.group(1):
            close = r"\end{%s}" % m.group(1)
        else:
            close = {"$$": "$$", "\\\\[": "\\\\]", "\\\\(": "\\\\)", "\\[": "\\]", "\\(": "\\)",
                     "$": "$"}[tok]
        start = m.end()
        if tok == "$":
            end = _inline_dollar_end(s, start)
        else:
            end = -1 if close in unclosed else s.find(close, start)
            if end < 0:
                unclosed.add(close)
        if end < 0 or "\x00" in s[start:end]:  # never across two cells of a notebook
            i = m.end()
            continue
        yield (m.start(), end + len(close), t[start:end]) if where else t[start:end]
        i = end + len(close)


def _inline_dollar_end(s, start):
    j = start
    while True:
        j = s.find("$", j)
        if j < 0:
            return -1
        if s[j - 1] != "\\":
            if "\n\n" in s[start:j]:
                return -1
            return j
        j += 1


# -- rows, statements, relations -------------------------------------------------

_TOKENS = re.compile(r"\\(?:begin|end)|\\[{}\[\]()|]|\\|[{}()\[\]]")
# braces and environments only: rows end at \\ there even inside a parenthesis a row
# left open (``L = -(y \\ln a \\\\``)
_GROUPING = re.compile(r"\\(?:begin|end)\b|\\[{}]|[{}]")


@lru_cache(maxsize=4)  # the same row is split at rows, relations, statements and commas
def _top_level(s, tokens=_TOKENS):
    """For each index of ``s``: whether it is outside every brace and bracket (of those
    ``tokens`` finds).  Only the characters that change the depth are visited (a regex
    finds them); a Python loop over every character of a 1 MB segment took seconds."""
    depth, flags, last = 0, [True] * len(s), 0
    for m in tokens.finditer(s):
        i, tok = m.start(), m.group(0)
        if depth and i > last:
            flags[last:i] = [False] * (i - last)
        last = m.end()
        if tok in ("\\begin", "\\end"):
            # cases, matrix, array: their rows and columns are not the document's
            if tok == "\\end":
                depth = max(depth - 1, 0)
            flags[i] = depth == 0
            if tok == "\\begin":
                depth += 1
        elif tok[0] == "\\":
            flags[i] = depth == 0
            if len(tok) == 2:
                flags[i + 1] = depth == 0
        elif tok in "{([":
            flags[i] = depth == 0
            depth += 1
        else:
            depth = max(depth - 1, 0)
            flags[i] = depth == 0
    if depth and last < len(s):
        flags[last:] = [False] * (len(s) - last)
    return flags


def _split_at(t, pattern, top=None, limit=None):
    """Split ``t`` at every top-level match of the regex ``pattern``; with ``limit``,
    the parts after the first ``limit`` are dropped (steps past the bound on steps
    are never checked, and 990 000 ``=`` in a row made a million parts)."""
    top = top if top is not None else _top_level(t.s)
    parts, last = [], 0
    for m in re.finditer(pattern, t.s):
        if top[m.start()]:
            parts.append((t[last:m.start()], m.group(0)))
            last = m.end()
            if limit is not None and len(parts) >= limit:
                parts[-1] = (parts[-1][0], None)
                return parts
    parts.append((t[last:], None))
    return parts


def clean_row(t):
    """A row with justifications, tags and alignment marks removed (offsets kept)."""
    s = t.s
    top = _top_level(s)
    for m in re.finditer(r"&&", s):
        if top[m.start()]:
            t = t[:m.start()]
            s = t.s
            break
    spans = []
    braces = brace_table(s) if "{" in s else {}
    for m in _ANNOTATED.finditer(s):  # \overset{(3)}{=}: an equals sign with its reason
        said = ":=" if re.search(r"def", m.group("why")) else m.group("rel")
        spans.append((m.start(), m.end(), f" {said} "))
    dropped = _worded_cases(s, braces)
    spans += [(a, b, " ") for a, b in dropped]
    for m in re.finditer(r"\\(tag\*?|label|eqref|ref|hspace|vspace|phantom|intertext)\s*(?=\{)", s):
        end = braces.get(m.end(), -1)
        if end > 0:
            spans.append((m.start(), end, ""))
    for m in re.finditer(r"\\(text|textrm|mbox|textit|textbf|mathrm|operatorname)\s*(?=\{)", s):
        end = braces.get(m.end(), -1)
        if end < 0:
            continue
        word = s[m.end() + 1:end - 1].strip()
        if any(a <= m.start() < b for a, b in dropped):
            continue
        if m.group(1) in ("mathrm", "operatorname") or word.lower() in FUNCTION_WORDS or len(word) <= 1:
            continue
        said = role(word + " ") if top[m.start()] else None  # "\text{where } u = e^{z}"
        if top[m.start()] and word.lower() in ("or", "otherwise"):
            said = "or"  # "= σ - 1 \text{or} … = σ - 0": alternatives, neither goes on
        spans.append((m.start(), end, r" \qquad " + (_ROLE_MARK[said] if said else "")))
    gaps = [(m.start(), m.end()) for m in re.finditer(r"(?:\\[ ;]\s*){3,}", s) if top[m.start()]]
    gaps += _equation_columns(s, top)
    # "a = b \ \ \ \ c = d": formulas set side by side with runs of spaces, as \qquad does
    spans += [(a, b, r" \qquad ") for a, b in gaps]
    for m in re.finditer(r"\\(nonumber|notag|displaystyle|textstyle|limits|nolimits|middle)\b"
                         r"|\\\\|\\[,;:! ]|&|\\(?:left|right)\.|~", s):
        if m.group(0) == "\\\\" or m.group(0) == "&" and not top[m.start()]:
            continue  # a row or a column of cases or a matrix
        if any(a <= m.start() < b for a, b in gaps):
            continue
        spans.append((m.start(), m.end(), " "))
    return t.replace_spans(spans)


_RELATION_IN = re.compile(r"(?<![<>!\\])=|\\approx(?![A-Za-z])")


def _equation_columns(s, top):
    """The ``&`` that separate two equations set side by side in an ``align`` row
    (``X &= [16, -6] & y &= 2``): every second one, where the columns on both sides of
    it each hold an equation.  eqnarray's ``a &=& b`` has no equation after its second."""
    amps = [i for i in range(len(s)) if s[i] == "&" and top[i]]
    out, start = [], 0
    for k in range(1, len(amps), 2):
        at = amps[k]
        end = amps[k + 2] if k + 2 < len(amps) else len(s)
        if _RELATION_IN.search(s, start, at) and _RELATION_IN.search(s, at + 1, end):
            out.append((at, at + 1))
            start = at + 1
    return out


_ANNOTATED = re.compile(r"\\(?:overset|stackrel)\s*\{(?P<why>[^{}]*(?:\{[^{}]*\}[^{}]*)*)\}\s*"
                        r"\{\s*(?P<rel>=|\\approx)\s*\}")
_WORDED_ROW = re.compile(r"(?:\\\\|\\begin\s*\{cases\})\s*(?P<text>\\(?:text|textrm|mbox|textit)\s*)(?=\{)")
_ROW_REST = re.compile(r"\s*&[^&]*?(?:\\\\|(?=\\end\s*\{cases\}))")


def _worded_cases(s, braces):
    """The spans of the rows of cases whose value is words, not math (``\\text{undefined}
    & z = 0``): a point where the function has no value, so no piece to check."""
    out = []
    for m in _WORDED_ROW.finditer(s):
        end = braces.get(m.end(), -1)
        rest = _ROW_REST.match(s, end) if end > 0 else None
        if rest is not None:
            out.append((m.start("text"), rest.end()))
    return out


_REL = (r":=|<-|\\stackrel\{\\text\{def\}\}\{=\}|\\(?:equiv|coloneqq|leftarrow|gets|approx|neq|ne|"
        r"triangleq|leq|geq|le|ge|in|to|rightarrow|mapsto|sim|propto|subset|notin)(?![A-Za-z])|=|<|>"
        r"|≈|≠|←")


def relations(t):
    """[(text, relation-after-it-or-None)] at top level."""
    return _split_at(t, _REL, limit=LIMITS.max_steps + 1)


def statements(row):
    """A cleaned row split into statements at separators such as ``\\quad``."""
    pieces = [p for p, _ in _split_at(row, r"\\(?:qquad|quad|Rightarrow|implies|iff|Longrightarrow|"
                                           r"therefore)(?![A-Za-z])|;")]
    return [c for p in pieces for c in comma_statements(p)]


def comma_statements(p):
    """``W₁ = 0.5, b₁ = 0.1``: two statements where each piece between commas is one."""
    commas = [c for c, _ in _split_at(p, ",")]
    if len(commas) > 1 and all(_has_equality(c) or not c.s.strip() for c in commas):
        return [c for c in commas if c.s.strip()]
    return [p] if p.s.strip() else []


def _has_equality(t):
    return any(rel in EQUALITIES for _, rel in relations(t) if rel)


def _strip_punct(t):
    t = t.strip()
    while t.s and t.s[-1] in ".,;":
        t = t[:-1].strip()
    return t


_INDENTED = re.compile(r"\s*(?:&\s*)?\\q?quad(?![A-Za-z])")  # "\\ &\qquad …": the row above goes on
_CONTINUES = re.compile(r"\s*(?:[-+*/]|\\(?:cdot|times|odot|circ)(?![A-Za-z]))")


_ROLE_MARK = {"definition": "\\ROLEdefinition ", "condition": "\\ROLEcondition ",
              "or": "\\ROLEor "}
_MARKED = re.compile(r"\s*\\ROLE(definition|condition|or) ")


def _unmark(st):
    """(statement, role) with a role mark left by ``clean_row`` taken off."""
    m = _MARKED.match(st.s)
    return (st, None) if not m else (st.blank(0, m.end()), m.group(1))


def chains_from_rows(rows, language="latex"):
    """Turn rows (Text, or (Text, indented)) into chains; a row starting with a
    relation continues the previous chain, and a row starting with an operator
    or indented with ``\\qquad`` continues the previous right-hand side."""
    chains = []
    current = None
    alternatives = False  # the row before ended with "… or …": which one goes on is not said
    for row in rows:
        row, indented = row if isinstance(row, tuple) else (row, False)
        pieces = statements(row) if language == "latex" else comma_statements(row)
        if alternatives or any(_unmark(st)[1] == "or" for st in pieces):
            # "= a - 1 or … = a - 0": cases, none of them the chain's next value
            current, alternatives = None, False
        for n, st in enumerate(pieces):
            st, said = _unmark(st)
            if said == "or":
                alternatives, said = True, None
                current = None
            if said:
                current = None  # what the words introduce is a statement of its own
            if n == 0 and current is not None and current.links and language == "latex" and (
                    indented or _CONTINUES.match(st.s)):
                # a long right-hand side broken across rows: "\\ &\qquad + 0.2 = …"
                parts = relations(st)
                last = current.links[-1]
                last.rhs = _strip_punct(last.rhs + Text(" ", [last.rhs.origin(len(last.rhs))])
                                        + parts[0][0])
                current.links.extend(Link(EQUALITIES.get(parts[i][1], "="),
                                          _strip_punct(parts[i + 1][0]))
                                     for i in range(len(parts) - 1) if parts[i][1] in EQUALITIES)
                if any(rel and rel not in EQUALITIES for _, rel in parts):
                    current = None
                continue
            parts = relations(st)
            if len(parts) < 2:
                current = None
                continue
            rels = [rel for _, rel in parts if rel]
            if any(rel not in EQUALITIES for rel in rels):
                # keep what comes before an inequality, membership or arrow
                keep = []
                for text, rel in parts:
                    keep.append((text, rel))
                    if rel and rel not in EQUALITIES:
                        break
                parts = keep[:-1] + [(keep[-1][0], None)]
                if len(parts) < 2:
                    current = None
                    continue
            head = parts[0][0]
            links = [Link(EQUALITIES[parts[i][1]], _strip_punct(parts[i + 1][0]))
                     for i in range(len(parts) - 1)]
            if not head.s.strip():
                if current is None:
                    current = Chain(lhs=None, links=[], language=language)
                    chains.append(current)
                current.links.extend(links)
            else:
                current = Chain(lhs=head.strip(), links=links, language=language)
                chains.append(current)
            if said == "definition" or said == "condition" and is_condition(current):
                current.role = said
    # "= \text{Neuron}", "=>": nothing is claimed by a relation with nothing after it
    for c in chains:
        c.links = [link for link in c.links if link.rhs.s.strip()]
    return [c for c in chains if c.links]


def _rows_of(segment):
    """Rows of a math segment, split at top-level ``\\\\``."""
    seg = segment
    for m in INNER_WRAPPERS.finditer(seg.s):
        seg = seg.blank(m.start(), m.end())
    # \displaylines{…}, and \boxed{3.155} or \boxed{\begin{aligned} … \end{aligned}}:
    # the frame is emphasis, its contents the math (rows and all)
    frames = list(re.finditer(r"\\(?:displaylines|boxed|fbox)\s*\{", seg.s))
    braces = brace_table(seg.s) if frames else {}  # once: blanking keeps every offset
    spans = []
    for m in frames:
        end = braces.get(m.end() - 1, -1)
        if end > 0:
            spans += [(m.start(), m.end()), (end - 1, end)]
    seg = seg.blank_spans(spans) if spans else seg
    return [(clean_row(r), bool(_INDENTED.match(r.s)))
            for r, _ in _split_at(seg, r"\\\\|\\cr(?![A-Za-z])", top=_top_level(seg.s, _GROUPING),
                                  limit=LIMITS.max_steps + 1)]




def extract_latex(source, markdown=False):
    """Chains from a .tex or .md source."""
    t = source.whole()
    macros, spans = find_macros(t.s)
    t = t.blank_spans(spans)
    t = _blank_comments(t, markdown)
    escaped = False
    if markdown:
        t = image_math(t)
        escaped = escaped_for_markdown(t.s)
    chains = []
    budget = [LIMITS.max_expansion]
    steps = 0
    last_end, last_role = 0, None
    segments = list(math_segments(t, markdown, where=True))
    for at, (opened, closed, seg) in enumerate(segments):
        if not seg.s.strip():
            continue
        # "let $u = e^{z_k}$", "for $i = j$": what the prose before says the formula is
        kind = role(t.s[last_end:opened], last_role)
        last_end, last_role = closed, kind
        if markdown:
            seg = unescape_math(seg, escaped)
        seg = expand_macros(seg, macros, budget)
        found = chains_from_rows(_rows_of(seg), "latex")
        if found and found[0].lhs is None and chains and found[0].links and not kind \
                and chains[-1].role is None:
            # "Sum rule: $$= …$$": a display that starts with "=" goes on with the chain of
            # the display before it, across the words that name the step
            chains[-1].links.extend(found[0].links)
            found = found[1:]
        if found and found[-1].links and found[-1].role is None and not kind:
            conditional(found[-1].links[-1], t.s, segments, at)
        for c in found:
            if c.role is None:
                c.role = kind if kind != "condition" or is_condition(c) else None
            if c.role is None and described_in_words(c, _math_word):
                c.role = "definition"  # "$L_h = input$": what a symbol stands for, in words
        chains.extend(found)
        steps += sum(len(c.links) for c in found)
        if steps >= LIMITS.max_steps:
            break  # no more is checked (checker.check_text): stop looking
    return chains, {k for k, v in macros.items() if v is None}


# -- plain ASCII -----------------------------------------------------------------

INDEX_LETTERS = ("l", "L", "j", "k", "i", "m", "n")
# l = 1, 2, …, L or m = 5: numbers, the letters of layers and the dots between them
_RANGE = re.compile(r"^(?:[\s\d,.;{}()+\-lLjkimnN]|\\[lcv]?dots|\\ldots)*$")


def index_range(chain):
    """Whether ``chain`` gives an index letter its range or a size (``l = 1, …, L``), not
    a formula: L = -(y log ŷ + …) is a loss, and judged as one."""
    return (chain.lhs is not None and chain.lhs.s.strip() in INDEX_LETTERS and bool(chain.links)
            and all(_RANGE.match(link.rhs.s) for link in chain.links))


def is_equation(chain):
    """Whether ``chain`` is ``name = …`` (a left side, and ``=`` first)."""
    return chain.lhs is not None and bool(chain.links) and chain.links[0].relation == "="


__all__ = [
    "Chain",
    "Link",
    "Source",
    "Text",
    "expand_macros",
    "extract_latex",
    "find_macros",
    "index_range",
    "is_equation",
]
