"""Building a PDF from a LaTeX document with latexmk.

The build runs ``latexmk -pdf`` with shell escape disabled, in a fresh
temporary directory, so a failed run leaves nothing behind; only a complete
PDF is moved into place (atomically, never over an existing file without
``force``).  A LaTeX error becomes a ``LatexError`` whose message carries the
relevant lines of the log.
"""
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from derive.errors import option, speaks_python, LatexError, LatexMissingError, OutputError

PACKAGES = "texlive-latex-base texlive-latex-recommended texlive-pictures latexmk"
TIMEOUT = 300  # seconds; a runaway document is stopped, not waited for
LOG_LINES = 8  # lines of log context shown for a LaTeX error
# Fixed timestamps make the PDF bytes depend on the source only.
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01

COMMAND = ["latexmk", "-pdf", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
           "-file-line-error"]


def check_latexmk():
    """Raise LatexMissingError (one line) unless latexmk and pdflatex are on PATH."""
    missing = [tool for tool in ("latexmk", "pdflatex") if shutil.which(tool) is None]
    if missing:
        raise LatexMissingError(
            f"{' and '.join(missing)} not found: building a PDF needs TeX Live; install the "
            f"Debian packages {PACKAGES}")


def _environment():
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    env.setdefault("FORCE_SOURCE_DATE", "1")
    # TeX may read and write only inside the build directory (and its own trees)
    env["openout_any"] = "p"
    env["openin_any"] = "p"
    return env


_ERROR_START = re.compile(r"^(!|.*:\d+: )")
# TeX's interactive prompts, which say nothing about the error
_NOISE = ("Type X to quit", "or enter new name", "Enter file name", "<read *>", "<*>")


def log_excerpt(log, limit=LOG_LINES):
    """The first error in a LaTeX log and the lines after it (l.NN shows where)."""
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if _ERROR_START.match(line) and not line.startswith("(") and "warning" not in line.lower():
            out = [lines[i]]
            for follow in lines[i + 1:i + 1 + 3 * limit]:
                if len(out) >= limit or (follow.startswith("Here is how much")):
                    break
                if follow.strip() and not follow.startswith(_NOISE):
                    out.append(follow)
                if follow.startswith("l."):
                    break
            return out
    tail = [line for line in lines if line.strip()][-limit:]
    return tail or ["(no log was written)"]


def compile_pdf(tex_text, name="handout"):
    """Compile ``tex_text``; return the PDF's bytes or raise LatexError/LatexMissingError."""
    check_latexmk()
    with tempfile.TemporaryDirectory(prefix="derive-pdf-") as tmp:
        work = Path(tmp)
        (work / f"{name}.tex").write_text(tex_text, encoding="utf-8")
        try:
            proc = subprocess.run(COMMAND + [f"{name}.tex"], cwd=work, env=_environment(),
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  errors="replace", timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise LatexError(f"LaTeX did not finish within {TIMEOUT} s; no PDF was written") from None
        except OSError as exc:
            raise LatexMissingError(f"cannot run latexmk ({exc.strerror or exc}); install the "
                                    f"Debian packages {PACKAGES}") from None
        log_path, pdf_path = work / f"{name}.log", work / f"{name}.pdf"
        log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
        if proc.returncode != 0 or not pdf_path.exists():
            excerpt = log_excerpt(log or proc.stdout + proc.stderr)
            raise LatexError("LaTeX failed; no PDF was written. From the log:\n  "
                             + "\n  ".join(excerpt))
        return pdf_path.read_bytes()


@speaks_python
def build_pdf(tex_text, output, force=False):
    """Compile ``tex_text`` and write the PDF to ``output`` atomically."""
    from derive.render.fileio import write_atomic

    path = Path(output)
    if path.exists() and not force:  # fail before spending a LaTeX run
        raise OutputError(f"{path} already exists; pass {option('force')} to replace it")
    write_atomic(path, compile_pdf(tex_text, jobname(path)), force=force)


def jobname(path):
    """A safe TeX job name (the PDF is renamed afterwards anyway)."""
    stem = re.sub(r"[^A-Za-z0-9_-]", "", path.stem)[:40]
    return stem or "handout"
