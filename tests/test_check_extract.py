"""Finding the claims in a file: math environments, macros, chains, justifications
and the source line of every step."""
from derive.check.read.equations import extract
from derive.check.read.macros import Macro, expand_macros, find_macros
from derive.check.read.parse import is_math_word
from derive.check.read.text import Source


def chains(text, kind="md"):
    src = Source(text)
    found, _ = extract(src, kind, is_math_word)
    return src, found


def steps(text, kind="md"):
    """[(lhs, relation, rhs, line of the rhs)] as plain strings."""
    src, found = chains(text, kind)
    out = []
    for c in found:
        for link in c.links:
            out.append((" ".join(c.lhs.s.split()) if c.lhs else None, link.relation,
                        " ".join(link.rhs.s.split()), src.line_col(link.rhs.first_origin())[0]))
    return out


def test_align_chain_with_justifications():
    text = ("intro\n\\begin{align*}\nf(x) &= a^{(3)} && \\text{output}\\\\\n"
            "  &= \\sigma(z^{(3)}) \\\\\n  &= \\sigma(w a + b) \\text{ by definition}\n\\end{align*}\n")
    assert steps(text) == [("f(x)", "=", "a^{(3)}", 3), ("f(x)", "=", r"\sigma(z^{(3)})", 4),
                           ("f(x)", "=", r"\sigma(w a + b)", 5)]


def test_every_kind_of_math():
    text = ("$$a = 1$$ and \\[b = 2\\] and \\(c = 3\\) and $d = 4$ and \\\\(e = 5\\\\)\n"
            "\\begin{equation} f = 6 \\end{equation}\n\\begin{gather} g = 7 \\\\ h = 8 \\end{gather}\n"
            "$$\\begin{aligned} i &= 9 \\end{aligned}$$\n")
    assert [(lhs, rhs) for lhs, _, rhs, _ in steps(text)] == [
        ("a", "1"), ("b", "2"), ("c", "3"), ("d", "4"), ("e", "5"), ("f", "6"), ("g", "7"),
        ("h", "8"), ("i", "9")]


def test_statements_split_at_quad_and_commas():
    text = r"\[ W = W - \eta g, \qquad b = b - \eta h \]" + "\n$$x = 1,\\; y = 0$$"
    assert [(lhs, rhs) for lhs, _, rhs, _ in steps(text)] == [
        ("W", r"W - \eta g"), ("b", r"b - \eta h"), ("x", "1"), ("y", "0")]


def test_relations():
    rel = [r for _, r, _, _ in steps(r"$$\delta \equiv d$$ $$w \leftarrow v$$ $$a := b$$ $$p \neq q$$")]
    assert rel == ["equiv", "<-", ":=", "neq"]
    assert steps(r"$$f: \mathbb{R} \rightarrow \mathbb{R}$$ $$\eta \in [0, 1]$$") == []


def test_macros_without_arguments_are_expanded():
    for definition in (r"\newcommand\d{\partial}", r"\newcommand{\d}{\partial}", r"\def\d{\partial}",
                       r"\renewcommand*{\d}{\partial}", r"\let\d\partial"):
        text = f"$${definition}$$\n$$\\frac{{\\d C}}{{\\d w}} = 1$$"
        assert steps(text)[0][0] == r"\frac{\partial C}{\partial w}", definition
    macros, _ = find_macros(r"\newcommand{\sq}[1]{#1^2}")
    assert macros == {"sq": Macro(1, "#1^2")}  # with arguments (test_check_tex_macros)
    t = Source(r"\dd \d").whole()
    assert expand_macros(t, {"d": r"\partial"}).s == r"\dd \partial"


def test_comments_and_code_are_not_math():
    assert steps("% $$a = 1$$\n$$b = 2$$", "tex") == [("b", "=", "2", 2)]
    assert steps("```\n$$a = 1$$\n```\n$$b = 2$$") == [("b", "=", "2", 4)]


def test_rhs_line_is_where_the_right_side_begins():
    text = "\\begin{align*}\nC &=\n  (a - y)^2\n\\end{align*}"
    assert steps(text)[0][3] == 3


def test_ascii_lines():
    text = ("A paragraph of prose that mentions t=1 and x=3 in passing, which is not a step.\n"
            "dC/dw2 = a1*delta2   # comment\n"
            "      = delta2*a1\n"
            "Answer: dC/db2 = delta2\n"
            "next w1 = w1 - eta*dC/dw1\n")
    src, found = chains(text, "txt")
    assert [(" ".join(c.lhs.s.split()), [l.rhs.s.strip() for l in c.links], c.prefix) for c in found] == [
        ("dC/dw2", ["a1*delta2", "delta2*a1"], ""), ("dC/db2", ["delta2"], ""),
        ("w1", ["w1 - eta*dC/dw1"], "next")]
    assert src.line_col(found[0].links[1].rhs.first_origin()) == (3, 9)
