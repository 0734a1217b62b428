"""Case splits: the lines after "If $i = j$" hold only in that case.

A derivation of softmax splits ∂y_i/∂x_j into "If $i = j$, … = y_i(1 - y_i)" and
"If $i \\ne j$, … = -y_i y_j".  The case sentence itself is a condition, never a
claim (``prose.role``); ``cases`` says which later chains it governs, so the
checker judges them only at index values in that case.  A case lasts until the
next case sentence, a heading, or prose that states something generally ("in
both cases", "in general", "so", "therefore", "combining"); a chain that does
not name both letters of the case is stated generally too.  ``output_cases`` reads
the prose case of a general layer's derivation: "if $j$ is an output neuron".
``conditional`` reads a case written in prose after a value: "$= 1$ if $x > 0$ else $0$".
"""
import re

from derive.check.read.text import Text

_LETTER = re.compile(r"\s*([A-Za-z])\s*")
_GENERAL = re.compile(r"^\s*#|\b(?:in\s+both\s+cases|in\s+either\s+case|in\s+general|so|"
                      r"therefore|thus|hence|combining|can\s+be\s+combined|both\s+of\s+these\s+cases"
                      r"|putting\s+(?:these|this|it)|together)\b",
                      re.I | re.M)


def case_sentence(chain, trailing=False):
    """(a, b, equal) for a condition ``i = j`` / ``i ≠ j`` on two index letters, else None;
    ``trailing``: it follows a claim on its row, a condition whatever the prose says."""
    if not (trailing or chain.role == "condition") or chain.lhs is None or len(chain.links) != 1:
        return None
    a, b = _LETTER.fullmatch(chain.lhs.s), _LETTER.fullmatch(chain.links[0].rhs.s)
    rel = chain.links[0].relation
    if a is None or b is None or a.group(1) == b.group(1) or rel not in ("=", "neq"):
        return None
    return a.group(1), b.group(1), rel == "="


def cases(chains, source):
    """{id(chain): (a, b, equal)} for the chains judged only in a case."""
    out, current, before = {}, None, None
    for chain, between in _after_prose(chains, source.text):
        found = case_sentence(chain)
        trailing = case_sentence(chain, trailing=True) if before is not None else None
        if trailing is not None and _same_row(between):
            # ∂p_j/∂o_i = p_i(1 - p_i), \quad i = j: the case of its own line only
            out[id(before)] = trailing
            before = None
            continue
        before = chain if chain.role is None else None
        if found is not None:
            current = found
            continue
        if current is not None and _GENERAL.search(between):
            current = None
        if current is not None and chain.role is None:
            out[id(chain)] = current
    return out


# "If $j$ is an output neuron", "For an output unit", "at the output layer": the whole
# sentence before the line must be that, and nothing else
_OUTPUT = re.compile(r"^\W*(?:(?:and\s+)?(?:if|when|for|at|in)\s+(?:\$[^$]{1,12}\$\s+is\s+)?(?:in\s+)?"
                     r"(?:an?|the)\s+output\s+(?:neuron|unit|node|layer)s?(?:\s*,?\s*(?:then|we\s+have|"
                     r"we\s+get))?)\W*$", re.I)
# what may stand between two lines of one case: "and hence", "so", "which gives"
_GOES_ON = re.compile(r"^\W*(?:(?:and|so|hence|thus|then|therefore|which|gives|giving|we|get|have|"
                      r"this|is|becomes|or)\b\W*)*$", re.I)
_HEADING = re.compile(r"^\s*#|\\(?:sub)*section\b", re.M)
_DELIMITERS = re.compile(r"\$\$|\\\[|\\\]|\\(?:begin|end)\{[A-Za-z*]+\}")


def output_cases(chains, source):
    """The ids of the chains under prose that makes them about the output layer ("If
    $j$ is an output neuron,", "For an output neuron"): a line of a general layer l that
    holds only at the output layer is right there.  The sentence must say only that (not
    "if $j$ is not an output neuron", "whether or not …", "unlike …"), and the case goes on
    only across connectives ("and hence", "so"): any other prose ends it."""
    out, current = set(), False
    for chain, between in _after_prose(chains, source.text):
        between = _DELIMITERS.sub(" ", between)  # the $$ that close and open the lines
        sentence = re.split(r"(?<=[.!?:])\s+|\n\s*\n", between.strip())[-1] if between.strip() else ""
        if _OUTPUT.match(sentence) and not _HEADING.search(between):
            current = True
        elif not _GOES_ON.match(between) or _HEADING.search(between):
            current = False
        if current and chain.role is None:
            out.add(id(chain))
    return out


def _same_row(between):
    """Whether the text between two chains keeps them on one row (``,\\quad``)."""
    return "\n" not in between and not re.search(r"[A-Za-z]{2,}", re.sub(r"\\[A-Za-z]+", "", between))


def _after_prose(chains, text):
    """(chain, the text between the chain before it and this one), in order."""
    last_end = 0
    for chain in chains:
        start, end = _span(chain)
        between = text[last_end:start] if start is not None and start >= last_end else ""
        if end is not None:
            last_end = max(last_end, end)
        yield chain, between


def _span(chain):
    try:
        start = chain.lhs.first_origin() if chain.lhs is not None else None
        last = chain.links[-1].rhs if chain.links else chain.lhs
        end = last.origin(len(last))
    except (AttributeError, IndexError, TypeError):
        return None, None
    return start, end


def applies(case, symbols):
    """Whether ``case`` is about two of the index ``symbols`` of a statement."""
    names = {str(s) for s in symbols}
    return case is not None and case[0] in names and case[1] in names


def keep(case, assign):
    """Whether the index assignment ``assign`` lies in ``case``."""
    values = {str(k): v for k, v in assign.items() if not isinstance(k, str)}
    a, b, equal = case
    if a not in values or b not in values:
        return True
    return (values[a] == values[b]) == equal


# "= 1$ if $x > 0$ else $0$": a value, a condition and the value otherwise, in prose
_IF = re.compile(r"\s*(?:if|when|for)\s*", re.I)
_COMPARISON = re.compile(r"\s*[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?\s*(?:>|<|\\geq?|\\leq?|≥|≤)\s*"
                         r"-?[0-9.]+\s*")
_ELSE = re.compile(r"\s*(?:,\s*)?(?:else|otherwise)\s*(?:,\s*)?", re.I)
_AND = re.compile(r"\s*(?:,\s*)?and\s*", re.I)
_OTHERWISE = re.compile(r"\s*otherwise\b", re.I)
_VALUE = re.compile(r"\s*-?[0-9.]+\s*")


def conditional(link, s, segments, at):
    """``= 1$ if $x > 0$ else $0$`` (or ``… and $0$ otherwise``): the last step of the
    chain in segment ``at`` holds only where the prose condition after it does, and has
    the value after "else" elsewhere; it is read as cases, and shown as written."""
    if at + 1 >= len(segments):
        return
    closed = segments[at][1]
    opened, cond_end, cond = segments[at + 1]
    if not _IF.fullmatch(s[closed:opened]) or not _COMPARISON.fullmatch(cond.s):
        return
    other = None
    if at + 2 < len(segments):
        o2, c2, value = segments[at + 2]
        between = s[cond_end:o2]
        if _VALUE.fullmatch(value.s) and (_ELSE.fullmatch(between) or _AND.fullmatch(between)
                                          and _OTHERWISE.match(s, c2)):
            other = value
    rhs = link.rhs
    here = rhs.origin(max(len(rhs) - 1, 0))

    def lit(text):
        return Text(text, [here] * len(text))

    cases = lit(r"\begin{cases} ") + rhs + lit(" & ") + cond
    if other is not None:
        cases = cases + lit(r" \\ ") + other + lit(" & ")
    link.shown = " ".join(part for part in (rhs.s.strip(), "if", cond.s.strip(), other and "else",
                                            other and other.s.strip()) if part)
    link.rhs = cases + lit(r" \end{cases}")


__all__ = ["applies", "case_sentence", "cases", "conditional", "keep", "output_cases"]
