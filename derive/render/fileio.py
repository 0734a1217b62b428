"""Writing output files: atomically, never over a file the user did not ask
to replace, and never over anything but a regular file; and reading input
files only when they are regular files (a FIFO or a device would block or
never end)."""
import os
import stat
import tempfile
from pathlib import Path

from derive.errors import option, OutputError, SpecError


def write_atomic(path, data, force=False):
    """Write ``data`` (str or bytes) to ``path`` via a temporary file and a rename.

    Without ``force`` an existing file is left alone and OutputError is raised;
    the no-clobber check and the write are one atomic link, so a file that
    appears in between is not overwritten either.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        if not directory.is_dir():
            raise OutputError(f"cannot write {path}: directory {directory} does not exist")
        if path.is_dir():
            raise OutputError(f"cannot write {path}: it is a directory")
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise OutputError(f"cannot write {path}: it is not a regular file (a device, FIFO or "
                          f"socket is never replaced)")
    if mode is not None and not force:
        raise OutputError(f"{path} already exists; pass {option('force')} to replace it")
    try:
        raw = data.encode("utf-8") if isinstance(data, str) else data
    except UnicodeEncodeError:
        raise OutputError(f"cannot write {path}: the text holds bytes that are not valid UTF-8 "
                          f"(from a file name or an option)") from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise OutputError(f"{path} already exists; pass {option('force')} to replace it") from None
            except OSError:
                # file systems without hard links: fall back to a checked rename
                if path.exists():
                    raise OutputError(f"{path} already exists; pass {option('force')} to replace it") from None
                os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def check_regular(path, what):
    """Refuse an input ``path`` that exists but is not a regular file (reading a
    FIFO blocks until someone writes to it; a device may never end)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # missing or unreadable: the reader reports it
    if not stat.S_ISREG(mode):
        raise SpecError(f"{what} {path}: not a regular file (a FIFO, device or socket is "
                          f"not read)")
