"""The map's bundled files (``geomap/map/static``), read as package data.

Why a module of its own: the map must open with the network off and geomap must run from a plain
``pip install``, so every script, stylesheet and data file the page needs ships inside the package
(``static/vendor``: third-party libraries; ``static/geomap``: our own JavaScript and CSS;
``static/data``: Natural Earth boundaries). They are read through :mod:`importlib.resources`, never
from the source tree, and Node is needed only by maintainers who re-vendor them
(``geomap/map/vendor/``).

Inline code is made safe for its element here: a library containing ``</script`` must not end the
``<script>`` it is inlined into.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from geomap.errors import RenderError

__all__ = ["read_static", "read_static_text", "script_safe", "style_safe", "inline_script", "inline_style"]

STATIC = "static"


def _static_file(path: str):
    node = resources.files("geomap.map").joinpath(STATIC)
    for part in path.split("/"):
        node = node.joinpath(part)
    return node


@lru_cache(maxsize=64)
def read_static(path: str) -> bytes:
    """The bytes of one bundled file, ``path`` relative to ``geomap/map/static`` (cached: files never change).

    Raises
    ------
    RenderError
        The file is not in the installed package (a broken install: reinstall geomap).
    """
    try:
        return _static_file(path).read_bytes()
    except (FileNotFoundError, NotADirectoryError) as err:
        raise RenderError(
            f"geomap's bundled map file static/{path} is missing from the installed package; reinstall geomap"
        ) from err


def read_static_text(path: str) -> str:
    """:func:`read_static` decoded as UTF-8."""
    return read_static(path).decode("utf-8")


_END_SCRIPT = re.compile(r"</(script)|<!--", re.IGNORECASE)
_END_STYLE = re.compile(r"</(style)", re.IGNORECASE)


def script_safe(text: str) -> str:
    """Keep code inside its ``<script>`` element: no ``</script``, no ``<!--`` (same meaning in JS)."""
    return _END_SCRIPT.sub(lambda m: f"<\\/{m.group(1)}" if m.group(1) else "<\\!--", text)


def style_safe(text: str) -> str:
    """Keep a stylesheet inside its ``<style>`` element."""
    return _END_STYLE.sub(lambda m: f"<\\/{m.group(1)}", text)


def inline_script(path: str) -> str:
    """A ``<script>`` element holding the bundled file ``path``."""
    return f"<script>\n{script_safe(read_static_text(path))}\n</script>"


def inline_style(path: str) -> str:
    """A ``<style>`` element holding the bundled stylesheet ``path``."""
    return f"<style>\n{style_safe(read_static_text(path))}\n</style>"
