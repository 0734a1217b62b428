"""How wide a piece of math will print, and where to break a long product.

``width(latex)`` estimates the printed width, in ems of the body font, of a
LaTeX math string such as the printer writes (fractions count as their wider
part, scripts at script size, commands as one glyph).  It only needs to be
good enough to keep lines inside the margin (a matrix counts its widest
entry per column); the tests compile documents and
check the logs for overfull boxes.  ``fill(widths, limit)`` groups pieces
greedily into lines.
"""
import re

GLYPH = 0.55  # a letter or digit
SCRIPT = 0.7  # scripts print at about 70 %
OPERATOR = 1.25  # a binary operator with its spacing (+, -, =)
COMMANDS = {"cdot": 0.8, "qquad": 2.0, "quad": 1.0, "odot": 1.2, "sum": 1.4, "partial": 0.6,
            "left": 0.0, "right": 0.0, ",": 0.17, ";": 0.28, "!": 0.0, "textstyle": 0.0,
            "displaystyle": 0.0, "ln": 1.0, "exp": 1.5, "log": 1.3, "tanh": 2.0, "sinh": 2.0,
            "cosh": 2.0, "max": 1.6}
_TOKEN = re.compile(r"\\([A-Za-z]+|.)|(\s+)|(.)", re.S)


def _group(text, i):
    """The contents of the {…} group starting at ``text[i]`` and the index after it."""
    if i >= len(text):
        return "", i
    if text[i] != "{":
        m = _TOKEN.match(text, i)
        return m.group(0), m.end()
    depth, j = 0, i
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1:j], j + 1
        j += 1
    return text[i + 1:], len(text)


MATRIX = re.compile(r"\\begin\{([pbv]?matrix)\}(.*?)\\end\{\1\}", re.S)
COLUMN_GAP = 0.9  # \arraycolsep on both sides of a column


def _matrix_width(body):
    """A matrix is as wide as its widest entry in each column, plus the gaps between columns."""
    rows = [[width(cell) for cell in row.split("&")] for row in re.split(r"\\\\", body)]
    columns = max(len(r) for r in rows)
    widest = [max((r[c] for r in rows if c < len(r)), default=0.0) for c in range(columns)]
    return sum(widest) + COLUMN_GAP * (columns - 1)


def width(latex):
    """Estimated width of ``latex`` in ems."""
    total, i = 0.0, 0
    while i < len(latex):
        matrix = MATRIX.match(latex, i)
        if matrix:
            total += _matrix_width(matrix.group(2))
            i = matrix.end()
            continue
        m = _TOKEN.match(latex, i)
        cmd, space, char = m.groups()
        i = m.end()
        if space:
            continue
        if cmd is not None:
            if cmd in ("frac", "dfrac", "tfrac"):
                num, i = _group(latex, i)
                den, i = _group(latex, i)
                total += max(width(num), width(den)) + 0.3
            elif cmd in ("text", "operatorname", "mathrm", "mathbf"):
                body, i = _group(latex, i)
                total += GLYPH * len(body)
            elif cmd in ("hat", "bar", "boxed", "mathbb", "sqrt"):
                body, i = _group(latex, i)
                total += width(body) + (0.6 if cmd in ("boxed", "sqrt") else 0)
            else:
                total += COMMANDS.get(cmd, 1.0)
        elif char in "^_":
            body, i = _group(latex, i)
            total += SCRIPT * width(body)
        elif char in "{}":
            continue
        elif char in "+-=<>":
            total += OPERATOR
        elif char in "()[]|,":
            total += 0.4
        else:
            total += GLYPH
    return total


def fill(widths, limit):
    """Group consecutive pieces of ``widths`` into lines no wider than ``limit``
    (a piece wider than ``limit`` gets a line of its own); returns the sizes of the groups."""
    groups, used = [], None
    for w in widths:
        if used is None or used + w > limit:
            groups.append(1)
            used = w
        else:
            groups[-1] += 1
            used += w
    return groups
