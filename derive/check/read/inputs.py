"""Files as they come: notebooks, Python sources, equations as image links.

A Jupyter notebook is JSON: its Markdown cells and the comments and docstrings
of its code cells are joined into one Markdown text, with a table that turns a
line of that text back into (cell, line in the cell), so a verdict points at a
place the user can find.  Code outside comments and docstrings is blanked
(same columns), because code and ordinary strings are program text, while a
comment or a docstring is written for a reader and may hold LaTeX.

Markdown often shows an equation as an image from a LaTeX renderer
(``![](https://latex.codecogs.com/svg.latex?\\frac{a}{b})``); the URL holds the
URL-encoded LaTeX, which ``image_math`` turns back into ``$…$`` with every
decoded character mapped to its place in the URL.

Static-site generators make authors escape Markdown inside math (``\\\\\\\\``
for a row break, ``\\_`` for a subscript); ``unescape_math`` reads such math as
the author meant it.
"""
import io
import json
import re
import sys
import tokenize
from pathlib import Path
from urllib.parse import unquote_to_bytes

from derive.check.limits import LIMITS, CheckInputError
from derive.check.read.text import Text

CELL_BREAK = "\n\x00\n"  # between cells: no math segment may run across it
MAX_CELLS = 5_000


# -- notebooks -------------------------------------------------------------------

def notebook_text(raw, name):
    """(text, places) of a notebook's JSON ``raw``: the Markdown text derive reads,
    and for each of its lines (1-based, index 0 unused) (cell, line in cell) or None."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise CheckInputError(f"{name} is nested too deeply to be a notebook") from None
    except ValueError as e:
        raise CheckInputError(f"{name} is not a notebook: not JSON ({e.msg}, line {e.lineno})") \
            from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise CheckInputError(f"{name} is not a notebook: it has no list of cells")
    if len(cells) > MAX_CELLS:
        raise CheckInputError(f"{name} has more than {MAX_CELLS:,} cells; split it")
    pieces, places = [], [None]
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict):
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            continue
        kind = cell.get("cell_type")
        if kind == "markdown":
            body = _blank(source, markdown_code(source))  # here: a fence ends with its cell
        elif kind == "code":
            body = code_text(source)
        else:
            continue  # raw cells are not shown as text to a reader
        body = body.replace("\x00", " ")
        lines = body.split("\n")
        if pieces:
            pieces.append(CELL_BREAK)
            places.append(None)  # the line of the break itself
        pieces.append(body)
        places.extend((number, i) for i in range(1, len(lines) + 1))
    text = "".join(pieces)
    if len(text) > LIMITS.max_bytes:
        raise CheckInputError(f"the text of {name} is larger than {LIMITS.max_bytes // 1_000_000} MB")
    return text, places


def code_text(source):
    """``source`` (Python) with everything but comments and triple-quoted strings
    blanked, lines and columns kept.  Code that does not tokenize (a cell with
    ``%magic`` lines) falls back to ``#`` comments found line by line."""
    lines = source.split("\n")
    keep = [[" "] * len(line) for line in lines]
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                _keep(keep, lines, tok.start, tok.end, skip=1)
            elif tok.type == tokenize.STRING and re.match(r"[rRbBuUfF]{0,2}('''|\"\"\")", tok.string):
                quote = len(re.match(r"[rRbBuUfF]{0,2}", tok.string).group(0)) + 3
                _keep(keep, lines, tok.start, tok.end, skip=quote, tail=3)
    except (tokenize.TokenError, SyntaxError, IndentationError, RecursionError):
        keep = [[" "] * len(line) for line in lines]
        for n, line in enumerate(lines):
            i = line.find("#")
            if i >= 0:
                keep[n][i + 1:] = line[i + 1:]
    return "\n".join("".join(k) for k in keep)


def _keep(keep, lines, start, end, skip=0, tail=0):
    (r0, c0), (r1, c1) = start, end
    c0 += skip
    c1 -= tail
    for r in range(r0 - 1, r1):
        lo = c0 if r == r0 - 1 else 0
        hi = c1 if r == r1 - 1 else len(lines[r])
        if lo < hi:
            keep[r][lo:hi] = lines[r][lo:hi]


def python_text(source):
    """The comments and docstrings of a .py file as text (lines kept)."""
    return code_text(source)


# -- equations as image links ----------------------------------------------------------

_RENDERERS = (
    # (URL prefix, how the LaTeX is given): 'path' = all after '?', 'param' = a query value
    (r"https?://latex\.codecogs\.com/[a-z]+\.(?:latex|download)\?", "path"),
    (r"https?://latex\.codecogs\.com/(?:svg|png|gif)\.image\?", "path"),
    (r"https?://render\.githubusercontent\.com/render/math\?(?:[^)\s\"']*?&)?math=", "param"),
    (r"https?://chart\.googleapis\.com/chart\?(?:[^)\s\"']*?&)?chl=", "param"),
    (r"https?://chart\.apis\.google\.com/chart\?(?:[^)\s\"']*?&)?chl=", "param"),
)
_RENDERER = re.compile("|".join(p for p, _ in _RENDERERS))
_IMAGE_START = re.compile(r"!\[[^\]\n]*\]\(\s*<?|<img\b[^>\n]*?\bsrc\s*=\s*[\"']")


def _images(s):
    """(start, end, url start, url end) of each image link to a LaTeX renderer.  A
    Markdown link's URL ends at the parenthesis that closes it (the LaTeX has its own)."""
    for m in _IMAGE_START.finditer(s):
        u = m.end()
        if not _RENDERER.match(s, u):
            continue
        if m.group(0).startswith("<img"):
            q = s[m.end() - 1]
            e = s.find(q, u)
            close = s.find(">", e) if e >= 0 else -1
            if e < 0 or "\n" in s[u:e] or close < 0:
                continue
            yield m.start(), close + 1, u, e
            continue
        depth, i = 0, u
        while i < len(s) and s[i] not in " \t\n>":
            if s[i] == "(":
                depth += 1
            elif s[i] == ")":
                if depth == 0:
                    break
                depth -= 1
            i += 1
        close = re.match(r'>?(?:\s+"[^"\n]*")?\s*\)', s[i:])
        if close:
            yield m.start(), i + close.end(), u, i


_CODECOGS_WORDS = {"&space;": " ", "&plus;": "+", "&amp;": "&", "&lt;": "<", "&gt;": ">",
                   "&quot;": '"', "&#39;": "'", "&sharp;": "#"}


def image_math(t):
    """``t`` with every image of a known LaTeX renderer replaced by ``$…$`` holding the
    decoded LaTeX; each decoded character keeps the source offset of its code."""
    if "://" not in t.s:
        return t
    out_s, out_pos, last = [], [], 0
    for start, end, ustart, uend in _images(t.s):
        url = t.s[ustart:uend]
        for prefix, how in _RENDERERS:
            p = re.match(prefix, url)
            if p:
                break
        body_start = ustart + p.end()
        body = url[p.end():]
        if how == "param":
            cut = body.find("&")
            body = body if cut < 0 else body[:cut]
        chars, pos = _decode(body, body_start, plus_is_space=(how == "param"), t=t)
        if len(chars) > LIMITS.max_expr_chars * 4:
            continue
        out_s.append(t.s[last:start])
        out_pos.extend(t.pos[last:start])
        out_s.append(" $" + "".join(chars) + "$ ")
        here = t.origin(ustart)
        out_pos.extend([here, here] + pos + [here, here])
        last = end
    if not out_s:
        return t
    out_s.append(t.s[last:])
    out_pos.extend(t.pos[last:])
    return Text("".join(out_s), out_pos)


def _decode(body, start, plus_is_space, t):
    """The characters of URL-encoded ``body`` and, for each, its source offset."""
    chars, pos = [], []
    i = 0
    while i < len(body):
        here = t.origin(start + i)
        if body[i] == "%":
            m = re.match(r"(?:%[0-9A-Fa-f]{2})+", body[i:])
            if m:
                text = unquote_to_bytes(m.group(0)).decode("utf-8", "replace")
                chars.extend(text)
                pos.extend([here] * len(text))
                i += m.end()
                continue
        if body[i] == "&":
            word = next((w for w in _CODECOGS_WORDS if body.startswith(w, i)), None)
            if word:
                chars.append(_CODECOGS_WORDS[word])
                pos.append(here)
                i += len(word)
                continue
        c = body[i]
        chars.append(" " if c == "+" and plus_is_space else c)
        pos.append(here)
        i += 1
    return [c if c not in "$\n" else " " for c in chars], pos


# -- code blocks ------------------------------------------------------------------------

_FENCED = re.compile(r"```.*?(```|\Z)|~~~.*?(~~~|\Z)|<!--.*?(-->|\Z)", re.DOTALL)


def markdown_code(s):
    """Spans a reader of rendered Markdown never sees as math: fenced and indented
    code blocks and HTML comments."""
    spans = [(m.start(), m.end()) for m in _FENCED.finditer(s)]
    return spans + indented_code(s, spans)


def _blank(s, spans):
    chars = list(s)
    for a, b in spans:
        chars[a:b] = [c if c == "\n" else " " for c in chars[a:b]]
    return "".join(chars)


_INDENT_RUN = re.compile(r"(?:\A|\n[ \t]*\n)((?:(?: {4}|\t)[^\n]*\n?|[ \t]*\n)+)")
_LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")
_MATH_OPEN = re.compile(r"\$\$|\\begin\{|\\end\{|\\\[|\\\]")


def indented_code(s, fenced):
    """Spans of Markdown's indented code blocks: lines indented by four spaces after
    a blank line, outside display math and not the continuation of a list item."""
    if "    " not in s and "\t" not in s:
        return []
    out = []
    for m in _INDENT_RUN.finditer(s):
        start, end = m.start(1), m.end(1)
        if any(a <= start < b for a, b in fenced) or _MATH_OPEN.search(s, start, end):
            continue
        before = s[:start]
        prev = before.rstrip().rsplit("\n", 1)[-1]
        if _LIST_ITEM.match(prev) or prev.startswith((" ", "\t")):
            continue
        if before.count("$$") % 2 or len(re.findall(r"\\begin\{", before)) > len(
                re.findall(r"\\end\{", before)):
            continue  # inside display math: the indentation is the author's layout
        out.append((start, end))
    return out


# -- math escaped for Markdown --------------------------------------------------------

_ESCAPED = re.compile(r"\\\\\\\\|\\\\_|\\\\[{}]")
_UNESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.<>])")  # not \, \; \! \| (LaTeX's own)


def escaped_for_markdown(s):
    """Whether math ``s`` was written escaped for a Markdown processor: ``\\\\\\\\``
    for a row break, ``\\\\_`` or ``\\\\{`` where LaTeX has ``\\_``, ``\\{``."""
    return bool(_ESCAPED.search(s))


def unescape_math(seg, escaped):
    """Math ``seg`` (a Text) as the author meant it.  In escaped math a backslash
    before punctuation is Markdown's (``\\\\\\\\`` → ``\\\\``, ``\\\\{`` → ``\\{``);
    and in any math ``\\_`` is a subscript (no derivation writes a literal
    underscore; Markdown would have read a bare ``_`` as emphasis)."""
    if escaped:
        spans = [(m.start(), m.end(), m.group(1)) for m in _UNESCAPE.finditer(seg.s)]
        seg = seg.replace_spans(spans)
    if "\\_" in seg.s:
        seg = seg.replace_spans([(m.start(), m.end(), "_")
                                 for m in re.finditer(r"(?<!\\)\\_", seg.s)])
    return seg


# -- reading a file to check ---------------------------------------------------------

KINDS = {".tex": "tex", ".md": "md", ".markdown": "md", ".txt": "txt", ".ipynb": "ipynb",
         ".py": "py"}


_STDIN = {}  # the stream read -> what it gave


def _stdin_bytes():
    """What stdin holds, read once per stream: the document's network is read from it
    before its lines are checked, as for a file (and the stream is kept, so a new one,
    as a test runner makes for each call, is never mistaken for it)."""
    stream = sys.stdin.buffer
    if _STDIN.get("stream") is not stream:
        _STDIN.clear()
        _STDIN.update(stream=stream, data=stream.read(LIMITS.max_bytes + 1))
    return _STDIN["data"]


def read_input(path_or_dash):
    """(text, name, kind) of the file to check; '-' reads stdin."""
    if str(path_or_dash) == "-":
        data = _stdin_bytes()
        name, kind = "<stdin>", None
    else:
        p = Path(path_or_dash)
        if not p.is_file():
            raise CheckInputError(f"cannot read {p}: no such file")
        if p.stat().st_size > LIMITS.max_bytes:
            raise CheckInputError(f"{p} is larger than {LIMITS.max_bytes // 1_000_000} MB; "
                                  "split the derivation into smaller files")
        try:
            with open(p, "rb") as fh:
                data = fh.read(LIMITS.max_bytes + 1)
        except OSError as e:
            raise CheckInputError(f"cannot read {p}: {e.strerror}") from None
        name, kind = str(p), KINDS.get(p.suffix.lower())
    if len(data) > LIMITS.max_bytes:
        raise CheckInputError(f"{name} is larger than {LIMITS.max_bytes // 1_000_000} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CheckInputError(f"{name} is not UTF-8 text (byte {e.start})") from None
    if "\x00" in text:
        raise CheckInputError(f"{name} is not a text file")
    if kind is None and text.lstrip().startswith("{") and '"cells"' in text:
        kind = "ipynb"  # a notebook on stdin
    if kind is None:
        kind = "md" if any(m in text for m in ("$", "\\frac", "\\begin")) else "txt"
    return text, name, kind


def readable(text, name, kind):
    """(text, kind, places): a notebook as its Markdown cells and code comments, with
    ``places`` to find each line's cell; a Python file as its comments and docstrings;
    ``\\text{net}_{h1}`` as a name (``name_fonts``).  What every reader of the file reads."""
    places = None
    if kind == "ipynb":
        text, places = notebook_text(text, name)
        kind = "nb"
    elif kind == "py":
        text = python_text(text)
        kind = "txt"
    return name_fonts(text), kind, places


def read_document(path):
    """(text, name, kind) of the file at ``path`` as the readers of its definitions see
    it (``readable``)."""
    text, name, kind = read_input(path)
    text, kind, _ = readable(text, name, kind)
    return text, name, kind


# \text{net}_{h1}, \text{Loss} = …, \partial \text{Loss}}: a name, not words
_TEXT_NAME = re.compile(r"\\text(?:rm|it)?\s*\{\s*([A-Za-z]+)\s*\}(?=\s*(?:[_^}]|=(?!=)))")


# w_{\text{new}}, b^{new}, w_1^{(new)}: a parameter's value after an update, as w^{+} writes it
_NEW_MARK = re.compile(r"(?<![A-Za-z\\])(?P<base>(?:[wWb]|\\theta)(?:_\{[^{}]*\}|_[0-9])?)\s*[_^]\s*"
                       r"(?:\{\s*(?:\\(?:text|mathrm|textrm|rm|mathit)\s*(?:\{\s*)?)?(?:\(\s*)?(?:new|updated)"
                       r"\s*(?:\)\s*)?(?:\}\s*)?\}|\\(?:text|mathrm)\s*\{\s*(?:new|updated)\s*\})")


def name_fonts(text):
    """``\\text{net}_{h1}`` is a name with a subscript, not prose: written as
    ``\\mathrm{net}_{h1}``, which the reader takes as one name; ``w_{\\text{new}}`` is the
    new value of w, written ``w^{+}`` (line numbers stay)."""
    text = _NEW_MARK.sub(lambda m: m.group("base") + "^{+}", text)
    return _TEXT_NAME.sub(lambda m: "\\mathrm{" + m.group(1) + "}", text)


def cell_line(places, line):
    """(cell, line in the cell) of a notebook's joined-text line; (None, line) elsewhere."""
    if places is not None and 0 < line < len(places) and places[line]:
        return places[line]
    return None, line



__all__ = ["KINDS", "cell_line", "name_fonts", "read_document", "read_input", "readable", "CELL_BREAK", "code_text", "escaped_for_markdown", "image_math", "indented_code",
           "markdown_code",
           "notebook_text",
           "python_text", "unescape_math"]
