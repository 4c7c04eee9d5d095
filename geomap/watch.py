"""``geomap watch``: rebuild the map whenever article files appear, change or go away.

Why a debounce: a crawler drops articles in bursts and editors save files several times; one
rebuild after ``debounce`` seconds of quiet does the work once. Each rebuild goes through the
store, so it parses only what changed. A bad file is reported and skipped, a failed build (no
readable article yet, the store busy with a cron build) is reported and retried on the next
change; only a stop request (Ctrl-C, SIGTERM) ends the loop, between builds, never inside one.
"""

from __future__ import annotations

import signal
import stat
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from geomap import api
from geomap.errors import EXIT_OK, GeomapError, SourceError, StoreError
from geomap.gazetteer import Gazetteer
from geomap.sources import ARTICLE_SUFFIXES

__all__ = ["watch"]


def watch(
    folder: str | Path,
    output: str | Path,
    *,
    gazetteer: Gazetteer | None = None,
    title: str = "geomap",
    store: str | Path | None = None,
    fields: Mapping[str, str] | None = None,
    debounce: float = 2.0,
    say: Callable[..., None] = lambda message, level=1: None,
    on_skip: Callable[[SourceError], None] | None = None,
    stop: threading.Event | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Build ``output`` from ``folder`` now and after every burst of changes, until ``stop`` is set.

    Returns :data:`~geomap.errors.EXIT_OK` when stopped. SIGTERM and SIGINT set ``stop`` (a second
    SIGINT interrupts a running build at once; the atomic writes keep the old map and store).
    """
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    folder, output = Path(folder), Path(output)
    if not folder.is_dir():
        raise SourceError(f"{folder}: no such folder")
    if output.resolve().is_relative_to(folder.resolve()):
        raise SourceError(f"{output}: write the map outside the watched folder {folder}")
    if debounce < 0:
        raise GeomapError(f"--debounce {debounce}: expected zero or more seconds")
    gaz = gazetteer or api.load_gazetteer(world=True)
    stop = stop or threading.Event()
    changed_at: list[float] = []  # the time of the last relevant change, when a rebuild is due
    guard = threading.Lock()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return
            paths = [event.src_path, getattr(event, "dest_path", "")]
            if event.is_directory or any(_is_article(p) for p in paths if p):
                with guard:
                    changed_at[:] = [clock()]

    def build() -> None:
        try:
            report = api.build_map(
                [folder], output, gazetteer=gaz, title=title, store=store, fields=fields, on_skip=on_skip,
                on_warning=lambda message: say(f"warning: {message}", level=1),
            )  # fmt: skip
        except StoreError as err:
            say(f"error: {err}", level=0)
            with guard:  # busy store: try again after the next quiet period
                changed_at[:] = changed_at or [clock()]
        except GeomapError as err:
            say(f"error: {err}", level=0)
        else:
            say(f"wrote {output}: {report.summary()}")

    def folder_replaced() -> None:
        with guard:
            changed_at[:] = [clock()]

    restore = _install_signal_handlers(stop)
    observer = Observer()
    follow = _FolderFollower(folder, observer, Handler(), say=say, on_replaced=folder_replaced)
    observer.start()
    try:
        say(f"watching {folder} (Ctrl-C to stop)")
        build()
        while not stop.is_set():
            follow.check()
            with guard:
                due = changed_at[0] + debounce if changed_at else None
            now = clock()
            if due is not None and now >= due:
                with guard:
                    changed_at.clear()
                build()
                continue
            stop.wait(min(0.2, due - now) if due is not None else 0.2)
    finally:
        observer.stop()
        observer.join(timeout=5)
        restore()
    say("stopped")
    return EXIT_OK


class _FolderFollower:
    """Keeps the observer on the folder at ``folder``'s path, even when that folder is replaced.

    Why: the OS watches a folder's inode, not its path. A folder deleted and created again (a sync
    tool, ``rm -r news && mkdir news``, a restore from backup) is a new inode that nobody watches,
    so the map silently stopped following the news. Checked every loop tick (one ``stat``): when
    the folder disappears the watch waits for it; when a folder is back at the path (or another one
    replaced it), the observer is pointed at it and a rebuild is due.
    """

    def __init__(self, folder: Path, observer, handler, *, say: Callable[..., None], on_replaced) -> None:
        self._folder, self._observer, self._handler = folder, observer, handler
        self._say, self._on_replaced = say, on_replaced
        self._identity = _identity(folder)
        self._watch = observer.schedule(handler, str(folder), recursive=True)

    def check(self) -> None:
        identity = _identity(self._folder)
        if identity == self._identity:
            return
        if self._watch is not None:
            self._observer.unschedule(self._watch)
            self._watch = None
        self._identity = identity
        if identity is None:
            self._say(f"{self._folder}: the folder is gone; waiting for it to come back", level=1)
            return
        self._watch = self._observer.schedule(self._handler, str(self._folder), recursive=True)
        self._say(f"{self._folder}: the folder was replaced; watching the new one", level=1)
        self._on_replaced()


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        info = folder.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None


def _is_article(path: str) -> bool:
    name = Path(path)
    return name.suffix.lower() in ARTICLE_SUFFIXES and not name.name.startswith(".")


def _install_signal_handlers(stop: threading.Event) -> Callable[[], None]:
    """SIGTERM/SIGINT set ``stop``; a second SIGINT raises KeyboardInterrupt. Main thread only."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def on_signal(signum, _frame) -> None:
        if signum == signal.SIGINT and stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
