"""Things that are not claims are never judged as identities with free letters
(issue 10): abbreviations ("let u = …", "where v = …"), symbol definitions
(K = n_y), case conditions ("for i = j", "save for u = k", \\text{if } i = j in
cases), and math a reader never sees (HTML comments, code blocks).  Expected
verdicts are hand checks: with u = e^{-z³}, a³ = 1/(1 + u) = σ(z³) and
σ'(z³) = u/(1 + u)²; ∂C/∂b³ = (a³ - y)σ'(z³) for the ½-square cost."""
from pathlib import Path

import mpmath

from derive.check import check_file, check_text
from derive.check.read.prose import role
from derive.model.network import Network

FIXTURES = Path(__file__).parent / "fixtures" / "check"


def net(layers="1-1-1", activation="sigmoid", cost="quadratic"):
    return Network(layers, activation, cost, True)


def test_the_abbreviation_algebra_of_the_fixture_by_mpmath():
    """(mpmath, not sympy: a sympy simplify of σ here once changed a later test's
    verdict through sympy's caches; see the report of this branch.)"""
    for z in (mpmath.mpf("-1.3"), mpmath.mpf("0.4"), mpmath.mpf("2.2")):
        u, sig = mpmath.exp(-z), 1 / (1 + mpmath.exp(-z))
        assert mpmath.almosteq(1 / (1 + u), sig)
        assert mpmath.almosteq(u / (1 + u) ** 2, sig * (1 - sig))
        assert not mpmath.almosteq(u / (1 - u) ** 2, sig * (1 - sig))


def test_definitions_and_conditions_are_listed_not_judged():
    r = check_file(FIXTURES / "not_claims.md", net(), "nielsen")
    assert [(v.line, v.status) for v in r.verdicts] == [
        (4, "correct"),   # a³ = 1/(1 + u), u the abbreviation of line 3
        (6, "correct"),   # ∂a³/∂z³ = u/(1 + u)²
        (12, "correct"),  # ∂C/∂a³ = v, v = a³ - y (line 8)
        (14, "wrong"),    # (1 - u)² for (1 + u)²
        (24, "correct"),  # ∂C/∂w³ = v u/(1 + u)² a²
    ]
    taken = [(n["line"], n["reason"]) for n in r.not_claims]
    assert taken == [(3, "definition"), (8, "definition"), (9, "definition"),
                     (9, "index or size"), (9, "condition"), (10, "condition"), (10, "condition")]
    assert [n["source"] for n in r.not_claims][4:6] == ["i = j", "i ≠ j"]
    assert "Not claims, not checked: line 3 (definition" in r.render_text()
    assert r.to_dict()["summary"]["not_claims"][0]["source"] == "u = e^{-z^{(3)}}"
    # the comment, the fenced and the indented block (42, 43, 44) are not read
    assert not any(v.source.endswith(("42", "43", "44")) for v in r.verdicts)


def test_without_the_prose_a_free_letter_is_still_a_definition_not_a_mistake():
    r = check_text("$$K = n_y$$\n$$u = e^{z^{(3)}} = e^{-z^{(3)}}$$\n", net(), "nielsen")
    assert [n["source"] for n in r.not_claims] == ["K = n_y", "u = e^{z^{(3)}}"]
    # what follows the definition is a claim about it: e^{z³} is not e^{-z³}
    assert [(v.line, v.status) for v in r.verdicts] == [(2, "wrong")]


def test_the_network_s_own_names_are_still_claims():
    """C and a³ are the network's: on a network the user chose, a definition that
    disagrees with it is reported (the cost without its ½, the wrong layer)."""
    text = "Let $C = (a^{(3)} - y)^2$ be the cost.\n\n$$a^{(3)} = \\sigma(z^{(2)})$$\n"
    r = check_text(text, net(), "nielsen")
    assert [(v.line, v.status) for v in r.verdicts] == [(1, "wrong"), (3, "wrong")]
    assert r.not_claims == []
    # when derive only assumed the network, the document's definition defines
    r = check_text(text, net(), "nielsen", assumed=True)
    assert [(n["line"], n["reason"]) for n in r.not_claims] == [(1, "definition"),
                                                                (3, "definition")]


def test_a_claim_after_for_is_a_claim():
    r = check_text("The same for $a^{(2)} = \\sigma(w^{(2)} x + b^{(2)})$.\n", net(), "nielsen")
    assert [v.status for v in r.verdicts] == ["correct"] and r.not_claims == []


def test_case_conditions_inside_cases_are_read():
    text = ("$$\\frac{\\partial a^{(3)}_i}{\\partial z^{(3)}_j} = \\begin{cases} a^{(3)}_i (1 - a^{(3)}_j)"
            " & \\text{if } i = j \\\\ -a^{(3)}_i a^{(3)}_j & \\text{if } i \\neq j \\end{cases}$$\n"
            "$$\\frac{\\partial a^{(3)}_i}{\\partial z^{(3)}_j} = \\begin{cases} a^{(3)}_i (1 + a^{(3)}_j)"
            " & \\text{if } i = j \\\\ -a^{(3)}_i a^{(3)}_j & \\text{otherwise} \\end{cases}$$\n")
    r = check_text(text, net("2-3-2", "sigmoid,softmax", "log-likelihood"), "nielsen")
    assert [(v.line, v.status) for v in r.verdicts] == [(1, "correct"), (2, "wrong")]


def test_prose_roles():
    assert role("To keep it short, let ") == "definition"
    assert role("where ") == "definition"
    assert role(" and ", "definition") == "definition"
    assert role("the indicator is one for ") == "condition"
    assert role("zero, save for ") == "condition"
    assert role("The gradient is ") is None
    assert role("We define things. The gradient is ") is None


def test_words_inside_text_give_the_statement_after_them_its_role():
    text = ("$$\\frac{\\partial C}{\\partial z^{(3)}} = v \\, a^{(3)} (1 - a^{(3)})"
            " \\quad \\text{where } v = a^{(3)} - y$$\n"
            "$$\\frac{\\partial C}{\\partial b^{(3)}} = v \\sigma'(z^{(3)}) \\qquad \\text{for } u = k$$\n"
            "$$\\frac{\\partial C}{\\partial b^{(3)}} = v \\qquad \\text{where } v = a^{(3)} + y$$\n")
    r = check_text(text, net(), "nielsen")
    # v = a³ - y from the first line's "where" (δ³ = v a³(1 - a³)); on the third line
    # ∂C/∂b³ = v lacks σ'(z³), and its "where v = a³ + y" is listed, never judged
    assert [(v.line, v.status) for v in r.verdicts] == [(1, "correct"), (2, "correct"),
                                                        (3, "wrong")]
    assert [(n["line"], n["reason"]) for n in r.not_claims] == [
        (1, "definition"), (2, "condition"), (3, "definition")]
