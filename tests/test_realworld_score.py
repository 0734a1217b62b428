"""benchmarks/realworld/score.py: the four figures, on the whole corpus or on the part of it
measured in a round (the texts are saved by hand, so a round may see only some)."""
import importlib.util
from pathlib import Path

SCORE = Path(__file__).parent.parent / "benchmarks" / "realworld" / "score.py"


def _score():
    spec = importlib.util.spec_from_file_location("realworld_score", SCORE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _doc(name, steps, rounds):
    doc = {"name": name, "steps": {}}
    for r in rounds:
        doc[f"network_{r}"] = "read"
    for key, (truth, by_round) in steps.items():
        doc["steps"][key] = {"truth": truth, **{f"derive_{r}": {"status": s}
                                                for r, s in by_round.items()}}
    return doc


def test_figures_count_by_label_and_a_partial_round_only_on_its_documents():
    corpus = {"documents": [
        _doc("a.md", {"1:0": ("W", {"old": "unknown", "new": "wrong"}),
                      "2:0": ("C", {"old": "correct", "new": "correct"})}, ["old", "new"]),
        _doc("b.md", {"1:0": ("W", {"old": "wrong"}),
                      "2:0": ("C", {"old": "wrong"})}, ["old"]),
    ]}
    score = _score()
    old = score.figures(corpus, "old")
    assert old["documents"] == 2
    assert old["mistakes caught (target >= 90%)"] == "1/2 = 50.0%"
    assert old["false alarms (target <= 1%)"] == "1/2 = 50.0%"
    # the new round saw only a.md: it is compared with the old one on a.md alone
    new = score.figures(corpus, "new", like="new")
    assert new["documents"] == 1 and new["mistakes caught (target >= 90%)"] == "1/1 = 100.0%"
    old_on_a = score.figures(corpus, "old", like="new")
    assert old_on_a["mistakes caught (target >= 90%)"] == "0/1 = 0.0%"
    assert old_on_a["correct lines ✓ (target >= 85%)"] == "1/1 = 100.0%"
