"""The four figures of issue 10 from a verdict file (corpus.json).

    python benchmarks/realworld/score.py [corpus.json] [--as after|before] [--found round6]

Per labelled step: ``truth`` is C (a correct claim), W (a genuine mistake) or N
(not a claim); ``derive_<as>.status`` is what derive said; ``diag_<as>`` (true or
false, for caught mistakes) records whether derive's message names the real error.

* mistakes caught: W steps derive calls wrong / W steps
* false alarms: C steps derive calls wrong / C steps
* correct lines ✓: C steps derive calls correct / C steps
* diagnoses: caught W steps whose message names the error / caught W steps

and, because a ✓ must be a proof, W steps derive calls correct, and N steps
(definitions, prose math) derive calls wrong.
"""
import argparse
import json
from pathlib import Path


def figures(corpus, which, like=None, found=None):
    """The figures of ``derive_<which>``; with ``like``, only on the documents that have
    verdicts ``derive_<like>`` too (a round measured on part of the corpus); with
    ``found``, only those found in that round ('original' for the first 29)."""
    n = {"W": 0, "C": 0, "N": 0}
    caught = alarms = ticked = named = bad_ticks = n_wrong = 0
    docs = [d for d in corpus["documents"] if (like is None or f"network_{like}" in d)
            and (found is None or d.get("found", "original") == found)]
    for doc in docs:
        for step in doc.get("steps", {}).values():
            truth = step["truth"]
            status = step.get(f"derive_{which}", {}).get("status", "missing")
            n[truth] += 1
            if truth == "W":
                if status == "wrong":
                    caught += 1
                    named += bool(step.get(f"diag_{which}"))
                elif status == "correct":
                    bad_ticks += 1
            elif truth == "C":
                alarms += status == "wrong"
                ticked += status == "correct"
            else:
                n_wrong += status == "wrong"
    pct = lambda a, b: f"{a}/{b} = {100 * a / b:.1f}%" if b else f"{a}/0"
    return {
        "documents": len(docs),
        "steps": sum(n.values()),
        "mistakes caught (target >= 90%)": pct(caught, n["W"]),
        "false alarms (target <= 1%)": pct(alarms, n["C"]),
        "correct lines ✓ (target >= 85%)": pct(ticked, n["C"]),
        "diagnoses naming the error (target >= 75%)": pct(named, caught),
        "mistakes given a ✓ (must be 0)": bad_ticks,
        "non-claims called wrong": pct(n_wrong, n["N"]),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(Path(__file__).parent / "corpus.json"))
    ap.add_argument("--as", dest="which", default=None)
    ap.add_argument("--like", default=None,
                    help="only the documents that also have verdicts of this round")
    ap.add_argument("--found", default=None,
                    help="only the documents found in this round ('original': the first 29)")
    args = ap.parse_args()
    corpus = json.loads(Path(args.corpus).read_text())
    for which in [args.which] if args.which else ["before", "after"]:
        print(which + (f" (on the documents of {args.like})" if args.like else "")
              + (f" (documents found: {args.found})" if args.found else ""))
        for k, v in figures(corpus, which, args.like, args.found).items():
            print(f"  {k}: {v}")


if __name__ == "__main__":
    main()
