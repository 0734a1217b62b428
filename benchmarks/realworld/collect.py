"""Run ``derive --check`` on the real-world corpus and record derive's verdict per step.

The texts are not ours and are not in the repository: each entry of
``corpus.json`` says where it was found, and you save it yourself as
``$REALWORLD_DIR/NAME`` (default /tmp/realworld).  Then::

    python benchmarks/realworld/collect.py --as after      # this checkout
    PYTHONPATH=/path/to/other/checkout python benchmarks/realworld/collect.py --as before

fills ``derive_<as>`` of every labelled step in corpus.json (steps are keyed
``LINE:K``, the K-th step derive reports on that line, from 0; a step labelled with its
``source`` text is found by its line and that text, so a version of derive that reports
one more step on a line still gets each verdict on the right step) with derive's status
and message.  ``score.py`` turns the labels and verdicts into the four
figures.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def run(path, options):
    cmd = [sys.executable, "-c", "from derive.command.cli import main; main()",
           "--check", str(path), "--format", "json", *options]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=os.environ)
    try:
        return json.loads(out.stdout), None
    except ValueError:  # exit 2 with one line on stderr: the input could not be read
        return None, (out.stderr.strip().splitlines() or ["exit 2"])[-1]


def _plain(source):
    return " ".join((source or "").split())


def _same_step(labelled, reported, macros):
    """Whether a step reported at a labelled step's place, with other text, is that step:
    in a document with macros (now expanded), or beginning the same way (a condition in
    prose now shown after it, a case in words now dropped)."""
    a, b = _plain(labelled), _plain(reported)
    common = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return macros or common >= 12 or a.startswith(b) or b.startswith(a)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--as", dest="which", default="after")
    ap.add_argument("--corpus", default=str(HERE / "corpus.json"))
    ap.add_argument("--dir", default=os.environ.get("REALWORLD_DIR", "/tmp/realworld"))
    ap.add_argument("--show", action="store_true", help="print every step derive reports")
    args = ap.parse_args()
    corpus = json.loads(Path(args.corpus).read_text())
    for doc in corpus["documents"]:
        path = Path(args.dir) / doc["name"]
        if not path.is_file():
            # not saved: its verdicts are left as they were (score.py --like counts only
            # the documents measured this time)
            print(f"missing, skipped: {path}", file=sys.stderr)
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if doc.get("sha256") not in (None, digest):
            print(f"warning: {path} is not the text that was labelled (sha256 {digest[:12]}, "
                  f"labelled {doc['sha256'][:12]}); see its recipe", file=sys.stderr)
        data, error = run(path, doc.get("options", []))
        seen = {}
        got = {}
        by_source = {}  # (line, source): a step found by what it says, when K shifted
        sources = {}
        macros = "\\newcommand" in path.read_text(errors="replace")
        header = None
        if data is not None:
            header = data["summary"]["network"]
            for s in data["steps"]:
                k = seen.get(s["line"], 0)
                seen[s["line"]] = k + 1
                got[f"{s['line']}:{k}"] = {"status": s["status"], "message": s["message"]}
                sources[f"{s['line']}:{k}"] = s["source"]
                by_source.setdefault((s["line"], _plain(s["source"])), got[f"{s['line']}:{k}"])
                if args.show:
                    print(doc["name"], f"{s['line']}:{k}", s["status"], "|", s["source"][:70],
                          "|", (s["message"] or "")[:140])
        doc[f"network_{args.which}"] = header if error is None else error
        for key, step in doc.get("steps", {}).items():
            line = int(key.split(":")[0])
            found = by_source.get((line, _plain(step["source"]))) \
                if step.get("source") else got.get(key)
            if found is None and step.get("source") and key in got and _same_step(
                    step["source"], sources[key], macros):
                # the step is reported with other text (a macro now expanded, \pd{L}{w} as
                # \frac{\partial L}{\partial w}; a condition after it): taken by its
                # position, and said, to review
                found = got[key]
                print(f"by position: {doc['name']} {key}: labelled {step['source'][:50]!r}",
                      file=sys.stderr)
            step[f"derive_{args.which}"] = found or {"status": "missing", "message": error}
    Path(args.corpus).write_text(json.dumps(corpus, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
