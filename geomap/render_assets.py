"""Third-party browser assets for :mod:`geomap.render`: where they live, how they are inlined.

Why a module of its own: the map must open with the network off, so every script and stylesheet is
copied into the page. The files come from npm packages pinned in ``geomap/assets/package-lock.json``
and installed by ``npm ci --prefix geomap/assets`` into ``geomap/assets/node_modules`` (gitignored):
no third-party JavaScript is committed. ``assets="cdn"`` links the very same versions on jsDelivr
instead, for a smaller file when the reader is online.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geomap.errors import RenderError

__all__ = [
    "ASSETS_DIR",
    "CSS_ASSETS",
    "JS_ASSETS",
    "Asset",
    "RenderError",
    "asset_tags",
    "node_modules",
    "read_package_file",
]

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
SETUP_HINT = "npm ci --prefix geomap/assets"
CDN_ROOT = "https://cdn.jsdelivr.net/npm"


@dataclass(frozen=True)
class Asset:
    """One file of an npm package: ``package`` (name in package.json) and ``path`` inside it."""

    package: str
    path: str


# Order matters: Leaflet first, its plugins after it.
JS_ASSETS: tuple[Asset, ...] = (
    Asset("leaflet", "dist/leaflet.js"),
    Asset("leaflet.markercluster", "dist/leaflet.markercluster.js"),
    Asset("leaflet.heat", "dist/leaflet-heat.js"),
    Asset("leaflet.fullscreen", "dist/Control.FullScreen.umd.js"),
    Asset("topojson-client", "dist/topojson-client.min.js"),
)
CSS_ASSETS: tuple[Asset, ...] = (
    Asset("leaflet", "dist/leaflet.css"),
    Asset("leaflet.markercluster", "dist/MarkerCluster.css"),
    Asset("leaflet.markercluster", "dist/MarkerCluster.Default.css"),
    Asset("leaflet.fullscreen", "dist/Control.FullScreen.css"),
)


def node_modules() -> Path:
    """Folder holding the installed npm packages; ``GEOMAP_ASSETS_DIR`` overrides it (tests, wheels)."""
    override = os.environ.get("GEOMAP_ASSETS_DIR")
    return Path(override) if override else ASSETS_DIR / "node_modules"


@lru_cache(maxsize=1)
def pinned_versions() -> dict[str, str]:
    """Exact versions from the committed package.json, so CDN links match what ``npm ci`` installs."""
    manifest = json.loads((ASSETS_DIR / "package.json").read_text(encoding="utf-8"))
    return dict(manifest["dependencies"])


def _missing(path: Path) -> RenderError:
    return RenderError(
        f"Inline map assets are missing ({path} not found). Run `{SETUP_HINT}` once to install them, "
        "or call render_map(..., assets='cdn', boundaries=False) to link scripts from a CDN instead."
    )


def read_package_file(asset: Asset, *, binary: bool = False) -> str | bytes:
    """Read one installed package file; raise :class:`RenderError` naming the set-up command if absent."""
    path = node_modules() / asset.package / asset.path
    try:
        return path.read_bytes() if binary else path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise _missing(path) from err


def cdn_url(asset: Asset) -> str:
    """jsDelivr URL of ``asset`` at the pinned version."""
    return f"{CDN_ROOT}/{asset.package}@{pinned_versions()[asset.package]}/{asset.path}"


_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")


def _inline_css(asset: Asset) -> str:
    """Stylesheet text with every relative ``url(...)`` replaced by a ``data:`` URI (images, fonts)."""
    css = str(read_package_file(asset))
    folder = (node_modules() / asset.package / asset.path).parent

    def embed(match: re.Match[str]) -> str:
        ref = match.group(2).strip()
        if ref.startswith(("data:", "#")):
            return match.group(0)
        if "://" in ref or ref.startswith("//"):
            raise RenderError(f"{asset.package}/{asset.path} references a remote URL {ref!r}; cannot inline")
        target = folder / ref.split("?")[0].split("#")[0]
        if not target.is_file():
            raise _missing(target)
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        payload = base64.b64encode(target.read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{payload}")'

    return _CSS_URL.sub(embed, css)


_END_SCRIPT = re.compile(r"</(script)|<!--", re.IGNORECASE)
_END_STYLE = re.compile(r"</(style)", re.IGNORECASE)


def _script_safe(text: str) -> str:
    """Keep library code inside its ``<script>`` element: no ``</script``, no ``<!--`` (same meaning in JS)."""
    return _END_SCRIPT.sub(lambda m: f"<\\/{m.group(1)}" if m.group(1) else "<\\!--", text)


def _style_safe(text: str) -> str:
    """Keep a stylesheet inside its ``<style>`` element."""
    return _END_STYLE.sub(lambda m: f"<\\/{m.group(1)}", text)


@lru_cache(maxsize=4)
def _inline_tags(root: str) -> str:
    """Cached on the node_modules path: reading and base64-encoding the assets is the same every time."""
    del root  # only a cache key
    parts = [f"<style>\n{_style_safe(_inline_css(a))}\n</style>" for a in CSS_ASSETS]
    parts += [f"<script>\n{_script_safe(str(read_package_file(a)))}\n</script>" for a in JS_ASSETS]
    return "\n".join(parts)


def asset_tags(mode: str) -> str:
    """``<style>``/``<script>`` elements (``mode="inline"``) or ``<link>``/``<script src>`` (``"cdn"``)."""
    if mode == "inline":
        return _inline_tags(str(node_modules()))
    if mode == "cdn":
        links = [f'<link rel="stylesheet" href="{cdn_url(a)}">' for a in CSS_ASSETS]
        links += [f'<script src="{cdn_url(a)}"></script>' for a in JS_ASSETS]
        return "\n".join(links)
    raise RenderError(f"Expected assets='inline' or assets='cdn', instead got: {mode!r}.")
