"""Where geomap's files live: the built-in data (package data), the user's gazetteer folder, the cache.

* Built-in data: the curated gazetteer and the event lexicon ship inside the package as
  ``geomap.data.gazetteer`` (in a checkout, the top-level ``gazetteer/`` folder, mapped into the
  package by ``package-dir`` in pyproject.toml). It is read through :mod:`importlib.resources`, so
  an installed wheel, an sdist install and an editable install all find it. Missing built-in data
  is an error (:class:`~geomap.errors.GazetteerError`), never a silent fallback.
* The user's gazetteer folder, read after the built-in files: ``$GEOMAP_GAZETTEER_DIR``, else
  platformdirs' ``user_data_dir("geomap")/gazetteer`` (``~/.local/share/geomap/gazetteer`` on Linux).
* The cache (compiled world stores, imported GeoNames dumps, the geocoder's answers):
  ``$GEOMAP_CACHE_DIR``, else the deprecated ``$GEOMAP_DATA``, else platformdirs'
  ``user_cache_dir("geomap")`` (``$XDG_CACHE_HOME/geomap`` or ``~/.cache/geomap`` on Linux).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import warnings
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from geomap.errors import GazetteerError

__all__ = [
    "BUILTIN_PACKAGE",
    "BUILTIN_REQUIRED",
    "builtin_gazetteer_dir",
    "builtin_file",
    "cache_dir",
    "user_gazetteer_dir",
]

BUILTIN_PACKAGE = "geomap.data.gazetteer"
#: The built-in files geomap cannot work without.
BUILTIN_REQUIRED = ("places.tsv", "demonyms.tsv", "event_types.toml")

_REINSTALL = "reinstall geomap (pip install --force-reinstall geomap, or 'make setup' in a checkout)"


def cache_dir() -> Path:
    """The cache folder: ``$GEOMAP_CACHE_DIR``, else ``$GEOMAP_DATA`` (deprecated), else the user cache dir."""
    if os.environ.get("GEOMAP_CACHE_DIR"):
        return Path(os.environ["GEOMAP_CACHE_DIR"]).expanduser()
    if os.environ.get("GEOMAP_DATA"):
        warnings.warn("GEOMAP_DATA is deprecated; set GEOMAP_CACHE_DIR instead", DeprecationWarning, stacklevel=2)
        return Path(os.environ["GEOMAP_DATA"]).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("geomap", appauthor=False))


def user_gazetteer_dir() -> Path:
    """The user's own gazetteer folder (may not exist): ``$GEOMAP_GAZETTEER_DIR``, else ``user_data_dir/gazetteer``."""
    if os.environ.get("GEOMAP_GAZETTEER_DIR"):
        return Path(os.environ["GEOMAP_GAZETTEER_DIR"]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("geomap", appauthor=False)) / "gazetteer"


def builtin_gazetteer_dir(root: Traversable | None = None) -> Traversable:
    """The built-in curated gazetteer (package data), checked to hold :data:`BUILTIN_REQUIRED`.

    ``root`` replaces the package's resource folder (for tests). Raises
    :class:`~geomap.errors.GazetteerError` naming what is missing and how to fix it.
    """
    if root is None:
        try:
            root = resources.files(BUILTIN_PACKAGE)
        except ModuleNotFoundError as err:
            raise GazetteerError(
                f"geomap's built-in gazetteer data (package {BUILTIN_PACKAGE}) is not installed: {_REINSTALL}"
            ) from err
    missing = [name for name in BUILTIN_REQUIRED if not root.joinpath(name).is_file()]
    if missing:
        raise GazetteerError(
            f"{root}: geomap's built-in gazetteer data is incomplete ({', '.join(missing)} missing): {_REINSTALL}"
        )
    return root


@cache
def builtin_file(name: str) -> Path:
    """A built-in data file as a real file path (extracted for the process's lifetime if the package is zipped)."""
    resource = builtin_gazetteer_dir().joinpath(name)
    if not resource.is_file():
        raise GazetteerError(f"{resource}: geomap's built-in data file {name} is missing: {_REINSTALL}")
    return _KEEP.enter_context(resources.as_file(resource))


_KEEP = contextlib.ExitStack()
atexit.register(_KEEP.close)
