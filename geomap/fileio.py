"""Writing outputs safely: a reader (or a crash) sees the old file or the new one, never half of one.

Why: users re-run geomap from cron jobs; a build killed mid-write must leave the previous map,
export and store intact. Where the output is a regular file (or does not exist yet), the data goes
to a temporary file in the same folder (same filesystem, so the rename is atomic), is flushed and
fsynced, then ``os.replace`` swaps it in and the folder entry is fsynced too.

What the output path names decides how it is written, as a careful Unix tool does:

- a regular file, or nothing yet: replaced atomically;
- a symlink: written through to its target, atomically there (the link stays a link);
- a character device or a FIFO (``/dev/stdout``, ``/dev/null``, a named pipe): written directly,
  never replaced (replacing ``/dev/stdout`` as root would swap the system's device for a file);
- ``-``: standard output;
- anything else (a folder, a socket, a block device): refused with :class:`~geomap.errors.OutputError`.

:func:`check_output` tells the same before any work is done, so a bad ``-o`` fails in a second,
not after an hour of parsing. Every failure is an :class:`~geomap.errors.OutputError` naming the
path and the cause (disk full, read-only folder, name too long).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from geomap.errors import OutputError

__all__ = ["STDOUT", "atomic_write_bytes", "atomic_write_chunks", "atomic_write_text", "check_output", "is_stdout"]

#: The output name that means standard output (``-o -``).
STDOUT = "-"
_NAME_MAX = 255  # bytes in one path component on Linux, macOS and Windows filesystems


def is_stdout(path: str | Path) -> bool:
    return str(path) == STDOUT


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as described in the module docstring; raises :class:`OutputError`."""
    atomic_write_chunks(path, (data,))


def atomic_write_chunks(path: str | Path, chunks: Iterable[bytes]) -> None:
    """Write the bytes ``chunks`` yields to ``path``, as :func:`atomic_write_bytes` does, as they come.

    Why: an output made one article at a time (``geomap extract``) need not be held whole in memory.
    The file is still replaced only once every chunk is written; an exception while ``chunks`` is
    being produced (a parse error, Ctrl-C) leaves the previous file as it was.
    """
    if is_stdout(path):
        _write_stream(sys.stdout.buffer, chunks)
        return
    path = Path(path)
    target, kind = _target(path)
    try:
        if kind == "stream":
            with open(target, "wb") as handle:  # a device or a FIFO: no rename, no temporary file
                _write_stream(handle, chunks)
        else:
            _write_replacing(target, chunks)
    except OSError as err:
        raise OutputError(f"{path}: cannot write ({_cause(err)})") from err


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 text with ``\\n`` line ends whatever the platform (byte-identical output)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def check_output(path: str | Path) -> None:
    """Raise :class:`OutputError` now if ``path`` cannot be written later (before any parsing is done).

    Checks what can be known without writing: the name is not empty nor too long, it is not a
    folder or another file that cannot be replaced, and its folder (the nearest existing one when
    it will be created) is a folder we may write in.
    """
    if is_stdout(path):
        return
    text = os.fspath(path)
    if not text or text.endswith(os.sep):
        raise OutputError(f"{text!r}: expected a file name for the output")
    path = Path(text)
    _check_name(path, path)
    target, _ = _target(path)
    _check_name(path, target)
    folder = _nearest_existing(target.parent)
    if not folder.is_dir():
        raise OutputError(f"{path}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        cause = "read-only file system" if _read_only_fs(folder) else "permission denied"
        raise OutputError(f"{path}: cannot write in {folder} ({cause})")


def _check_name(path: Path, target: Path) -> None:
    size = len(os.fsencode(target.name))
    if size > _NAME_MAX:
        raise OutputError(f"{path}: file name too long ({size} bytes, at most {_NAME_MAX})")


def _target(path: Path) -> tuple[Path, str]:
    """What to write for ``path``: (the path to write, "file" or "stream"), following symlinks."""
    try:
        is_link = stat.S_ISLNK(os.lstat(path).st_mode)
    except FileNotFoundError:
        is_link = False
    except OSError as err:
        raise OutputError(f"{path}: cannot write ({_cause(err)})") from err
    target = Path(os.path.realpath(path)) if is_link else path
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target, "file"
    except OSError as err:
        raise OutputError(f"{path}: cannot write ({_cause(err)})") from err
    if stat.S_ISREG(mode):
        return target, "file"
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return target, "stream"
    what = "a folder" if stat.S_ISDIR(mode) else "not a regular file, a device or a pipe"
    raise OutputError(f"{path}: is {what}; give a file name for the output")


def _write_stream(handle, chunks: Iterable[bytes]) -> None:
    for chunk in chunks:
        handle.write(chunk)
    handle.flush()


def _write_replacing(path: Path, chunks: Iterable[bytes]) -> None:
    """The atomic replace of a regular file (the temporary name is short: a long output name still fits)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".geomap-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _mode_for(path: Path) -> int:
    """Keep the permissions of the file being replaced; a new file gets 0644 less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _nearest_existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _read_only_fs(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _cause(err: OSError) -> str:
    """The cause in a user's words: the OS's own message (``No space left on device``)."""
    if err.errno == errno.ENAMETOOLONG:
        return "file name too long"
    return (err.strerror or str(err)).rstrip(".")


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
