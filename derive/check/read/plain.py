"""deeplearning.ai formulas typed as plain text in a Markdown post, with no ``$``.

Course forum posts write ``dZ[2] = A[2] - Y`` and ``dZ[1] = W[2]T . dZ[2] * g'[1](Z[1])``
on lines of their own.  A Markdown file in which ``extract`` finds no math at all is
read here: each line that is one ``d…[l] = …`` equation in the course's letters
becomes a LaTeX chain (``dZ^{[2]}``, ``W^{[2]T}``, ``g^{[1]'}``, ``.`` the matrix
product), with the source offsets kept, and ``dlai`` reads it from there.  Lines
of prose are not equations: only a left side ``dZ[l]``, ``dW[l]``, ``db[l]`` or
``dA[l]`` is taken.
"""
import re

from derive.check.read.extract import Chain, Link

MAX_LINE = 300
# the lectures write one example's dz[2] = a[2] - y in lower case, m examples' dZ[2] in capitals
# "#    dZ2 = …" in a README whose code is written as comments; "# …" after it is one
_LINE = re.compile(r"^\s*(?:#+\s+)?(d[ZWAbzwa]\s*\[\s*[0-9lL]\s*\])\s*=\s*([^=#]+?)\s*(?:#.*)?$")
# W[2]T and, as Octave writes a transpose, a[1]' (a prime before "(" is g[1]'(z[1]), g')
_LAYER = re.compile(r"(?<![A-Za-z\\])(g\s*[’′']|g(?=\s*\[[^\]]*\]\s*[’′']\s*\()|d?[ZWAbXYzwa])"
                    r"\s*\[\s*([0-9lL](?:\s*[-+]\s*1)?)\s*\](T(?![A-Za-z])|[’′'](?!\s*\())?([’′'](?=\s*\())?")
_PRIMED_INPUT = re.compile(r"(?<![A-Za-z\\])([xX])[’′'](?!\s*\()")  # x', X': the input transposed
_OCTAVE_TIMES = re.compile(r"\.\*")  # .* element by element, and then * is the matrix product
_DOT = re.compile(r"(?<=[\]T)\s])\s*\.\s*(?=[A-Za-z(])")
_ALLOWED = re.compile(r"^[A-Za-z0-9\[\]()’′'\s.*+\-/]+$")


def plain_dlai(source):
    """Chains of the course's plain-text equations in ``source`` (a Source), or []."""
    whole = source.whole()
    chains, start = [], 0
    for line in source.text.split("\n"):
        end = start + len(line)
        m = _LINE.match(line) if len(line) <= MAX_LINE else None
        if m and _ALLOWED.match(m.group(2)) and not re.search(r"(?<![A-Za-z\]])T(?![A-Za-z])", m.group(2)):
            # a T on its own (X T) is not the course's transpose, written W[2]T
            lhs = _latex(whole[start + m.start(1):start + m.end(1)])
            rhs = _latex(whole[start + m.start(2):start + m.end(2)])
            chains.append(Chain(lhs, [Link("=", rhs, shown=m.group(2))], language="latex",
                                shown=m.group(1)))
        start = end + 1
    return chains


def _latex(t):
    def layer(m):
        head = m.group(1)
        if head[0] == "g":
            return "g^{[%s]'}" % m.group(2)
        return "%s^{[%s]%s}" % (head, m.group(2), "T" if m.group(3) else "")

    octave = _OCTAVE_TIMES.search(t.s) is not None
    t = t.replace_spans([(m.start(), m.end(), layer(m)) for m in _LAYER.finditer(t.s)]
                        + [(m.start(), m.end(), m.group(1) + "^{T}") for m in _PRIMED_INPUT.finditer(t.s)])
    if octave:  # W[2]' * dz[2] .* g[1]'(z[1]): * multiplies matrices, .* entries
        t = t.replace_spans([(m.start(), m.end(), r" \odot ") for m in _OCTAVE_TIMES.finditer(t.s)]
                            + [(m.start(), m.end(), " ") for m in re.finditer(r"(?<!\.)\*", t.s)])
    return t.replace_spans([(m.start(), m.end(), " ") for m in _DOT.finditer(t.s)])
