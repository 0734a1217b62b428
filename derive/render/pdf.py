"""Building a PDF from a LaTeX document with latexmk.

The build runs ``latexmk -pdf`` with shell escape disabled and kpathsea
paranoid about files (TeX reads and writes only inside the build directory
and its own trees), in a fresh temporary directory that is removed on every
exit path, so a failed or interrupted run leaves nothing behind; only a
complete PDF is moved into place (atomically, never over an existing file
without ``force``).  latexmk runs in its own session, so a timeout (or an
interrupt) ends pdflatex too, not only latexmk.  A document made from a
user's templates (``untrusted``) gets a short budget: TeX can loop forever.
A LaTeX error becomes a ``LatexError`` whose message carries the relevant
lines of the log.
"""
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from derive.errors import option, speaks_python, LatexError, LatexMissingError, OutputError

PACKAGES = "texlive-latex-base texlive-latex-recommended texlive-pictures latexmk"
TIMEOUT = 300  # seconds; a runaway document is stopped, not waited for
UNTRUSTED_TIMEOUT = 6  # seconds for a build from --template-dir (library use)
UNTRUSTED_DEADLINE = 7.5  # seconds after the command started by which such a build ends
UNTRUSTED_CPU = 4  # CPU seconds per TeX process of such a document (a pass takes about 1)
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
    env["shell_escape"] = "f"
    env.pop("TEXMFOUTPUT", None)
    return env


def _limit_cpu(seconds):
    """A preexec function: the build's processes each get ``seconds`` of CPU."""
    def limit():
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    return limit


def _kill_group(proc):
    """End latexmk and every pdflatex it started (they share its session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _run(command, work, timeout, cpu):
    """Run the build in its own session; on a timeout or any interrupt, kill the group."""
    proc = subprocess.Popen(command, cwd=work, env=_environment(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            errors="replace", start_new_session=True,
                            preexec_fn=_limit_cpu(cpu) if cpu else None)
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:  # TimeoutExpired, KeyboardInterrupt, the SIGTERM exit
        _kill_group(proc)
        raise
    return proc.returncode, out, err


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


def _timeout(untrusted, started):
    """Seconds the build may take: what is left until UNTRUSTED_DEADLINE after the
    command ``started`` (time.monotonic() of the process start), so that a busy
    machine cannot stretch a TeX loop past it; UNTRUSTED_TIMEOUT without a start."""
    if not untrusted:
        return TIMEOUT
    if started is None:
        return UNTRUSTED_TIMEOUT
    return max(1.0, round(started + UNTRUSTED_DEADLINE - time.monotonic(), 1))


def compile_pdf(tex_text, name="handout", untrusted=False, started=None):
    """Compile ``tex_text``; return the PDF's bytes or raise LatexError/LatexMissingError.

    ``untrusted`` (the document came from a user's templates) shortens the time
    and CPU budget."""
    check_latexmk()
    timeout = _timeout(untrusted, started)
    with tempfile.TemporaryDirectory(prefix="derive-pdf-") as tmp:
        work = Path(tmp)
        (work / f"{name}.tex").write_text(tex_text, encoding="utf-8")
        try:
            returncode, out, err = _run(COMMAND + [f"{name}.tex"], work, timeout,
                                        UNTRUSTED_CPU if untrusted else None)
        except subprocess.TimeoutExpired:
            raise LatexError(f"LaTeX did not finish within {timeout} s; no PDF was written") from None
        except OSError as exc:
            raise LatexMissingError(f"cannot run latexmk ({exc.strerror or exc}); install the "
                                    f"Debian packages {PACKAGES}") from None
        log_path, pdf_path = work / f"{name}.log", work / f"{name}.pdf"
        log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
        if returncode != 0 or not pdf_path.exists():
            if returncode in (-signal.SIGXCPU, -signal.SIGKILL) or "CPU time" in err:
                raise LatexError(f"LaTeX used more than {UNTRUSTED_CPU} s of CPU time (a loop in "
                                 f"a template?); no PDF was written")
            excerpt = log_excerpt(log or out + err)
            raise LatexError("LaTeX failed; no PDF was written. From the log:\n  "
                             + "\n  ".join(excerpt))
        return pdf_path.read_bytes()


@speaks_python
def build_pdf(tex_text, output, force=False, untrusted=False):
    """Compile ``tex_text`` and write the PDF to ``output`` atomically."""
    from derive.render.fileio import write_atomic

    path = Path(output)
    if path.exists() and not force:  # fail before spending a LaTeX run
        raise OutputError(f"{path} already exists; pass {option('force')} to replace it")
    write_atomic(path, compile_pdf(tex_text, jobname(path), untrusted), force=force)


def jobname(path):
    """A safe TeX job name (the PDF is renamed afterwards anyway)."""
    stem = re.sub(r"[^A-Za-z0-9_-]", "", path.stem)[:40]
    return stem or "handout"
