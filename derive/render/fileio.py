"""Writing output files: atomically, and never over a file the user did not
ask to replace."""
import os
import tempfile
from pathlib import Path

from derive.errors import option, OutputError


def write_atomic(path, data, force=False):
    """Write ``data`` (str or bytes) to ``path`` via a temporary file and a rename.

    Without ``force`` an existing file is left alone and OutputError is raised;
    the no-clobber check and the write are one atomic link, so a file that
    appears in between is not overwritten either.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"cannot write {path}: directory {directory} does not exist")
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a directory")
    if path.exists() and not force:
        raise OutputError(f"{path} already exists; pass {option('force')} to replace it")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
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
