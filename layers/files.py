"""Write a file whole or not at all: the project's one atomic-write helper.

Every output (GeoJSON, CSV, GeoPackage, tables, exports) is written to a
temporary file in the destination's folder and moved over the destination with
:func:`os.replace` only once it is complete, so a failed or interrupted write
never leaves a half file, nor an empty file over an earlier export.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from layers.errors import UsageError

__all__ = ["check_output", "clear_leftovers", "replacing", "replacing_path", "same_file",
           "write_bytes", "write_text"]


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when two paths name the same file (also through links or ``..``)."""
    a, b = Path(a), Path(b)
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def check_output(path: str | Path, *, inputs: Iterable[str | Path] = ()) -> Path:
    """Refuse an output path that cannot be written or would replace an input.

    Raises :class:`UsageError` when ``path`` is a folder, its folder does not
    exist or cannot be written to, or it is one of ``inputs`` (the files a command
    reads).
    """
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder; give a file name such as "
                         f"{path / 'firms.geojson'}")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: folder {path.parent} does not exist")
    for source in inputs:
        if same_file(path, source):
            raise UsageError(f"cannot write {path}: that is the input file {source}, which "
                             "would be lost; choose another output name")
    try:  # a read-only place fails now, before any long work
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=path.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror or err} in folder "
                         f"{path.parent}") from err
    return path


def _file_mode(path: Path) -> int:
    """The mode a new file would get (umask applied), or the replaced file's mode."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


#: Age (s) after which a temporary folder that names no process is taken as left over.
STALE_PART_SECONDS = 600


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def clear_leftovers(path: str | Path) -> list[Path]:
    """Remove the temporary folders of earlier writes of ``path`` that were killed before
    they could clean up (``.<name>.<pid>.….part`` whose process is gone, or one that names
    no process and is older than :data:`STALE_PART_SECONDS`); returns those removed."""
    path = Path(path)
    removed: list[Path] = []
    try:
        candidates = list(path.parent.glob(f".{glob.escape(path.name)}.*.part"))
    except OSError:
        return removed
    for folder in candidates:
        pid = folder.name[len(path.name) + 2:].split(".", 1)[0]
        try:
            stale = (not _alive(int(pid))) if pid.isdigit() else \
                time.time() - folder.stat().st_mtime > STALE_PART_SECONDS
        except OSError:
            continue
        if stale and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextlib.contextmanager
def replacing_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path (in a hidden folder beside ``path``, named with this
    process's id); on success move it over ``path``.

    For writers that need a path (GeoPackage via pyogrio). On any error or interrupt
    (Ctrl-C, or SIGTERM through the command line's handler) the temporary folder is
    removed and ``path`` is left as it was; one a killed earlier write left is removed
    first (:func:`clear_leftovers`). An ``OSError`` becomes a :class:`UsageError`
    naming the file.
    """
    path = check_output(path)
    clear_leftovers(path)
    folder = None
    try:  # the folder is made inside: an interrupt right after it still removes it
        folder = Path(tempfile.mkdtemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".part",
                                       dir=path.parent))
        tmp = folder / path.name
        yield tmp
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror or err}") from err
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def replacing(path: str | Path, *, encoding: str | None = "utf-8", binary: bool = False):
    """Yield a file handle (text, or bytes when ``binary``) to a temporary file that
    replaces ``path`` when the block ends without error (see :func:`replacing_path`)."""
    with replacing_path(path) as tmp:
        if binary:
            with open(tmp, "wb") as fh:
                yield fh
        else:
            with open(tmp, "w", encoding=encoding, newline="") as fh:
                yield fh


def write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically."""
    with replacing(path, encoding=encoding) as fh:
        fh.write(text)


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with replacing(path, binary=True) as fh:
        fh.write(data)
