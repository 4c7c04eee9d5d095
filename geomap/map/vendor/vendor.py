"""Maintainer script: re-vendor the browser libraries that ``geomap.map.offline`` inlines.

Re-vendoring is one command after installing the pinned packages (Node/npm is a maintainer tool
only; users and CI never need it, the copies are committed)::

    npm ci --prefix geomap/map/vendor && python geomap/map/vendor/vendor.py

It rebuilds ``geomap/map/static/vendor/`` from scratch: for every entry of
``geomap.map.offline.BUNDLED`` it copies the file from ``node_modules/<package>`` (the package and
version the entry names; ``package.json`` pins them, ``package-lock.json`` locks them) to
``static/vendor/<package>/<version>/<path in the package>``, then every file that a bundled
stylesheet's ``url(...)`` needs (after dropping eot/ttf/svg font sources: woff2, or woff where
there is no woff2), Leaflet's three default-icon images, and each package's licence file. Nothing
else: no sources, no source maps, no docs.

Two files are made, not copied (no npm package publishes them):

* ``twitter-bootstrap-3.0.0/3.0.0/dist/css/bootstrap-glyphicons.css``: the CDN file folium links
  (``netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css``) is on no npm
  package; it is rebuilt from the glyphicon rules of Bootstrap 3.0.0's ``dist/css/bootstrap.css``
  (its ``@font-face``, ``.glyphicon``, ``.glyphicon:empty`` and the 200 ``.glyphicon-*:before``).
* ``folium/0.20.0/folium/templates/leaflet.awesome.rotate.min.css``: in neither folium's wheel nor
  npm; it is folium's ``leaflet.awesome.rotate.css`` (``.fa-rotate-1`` to ``.fa-rotate-360``),
  minified.

And one is edited: npm ``jquery-ui@1.10.4`` prepends ``var jQuery = require('jquery');`` to its
browser build ``custom.js``; that line is dropped.

To add or upgrade a library: ``npm install --save-exact --prefix geomap/map/vendor NAME@VERSION``,
add its URL(s) to ``BUNDLED`` in ``geomap/map/offline.py``, run this script, add the package to
"Bundled browser assets" in ``THIRD_PARTY_NOTICES.md``, and run ``pytest tests/test_offline.py``.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
NODE_MODULES = HERE / "node_modules"
OUT = HERE.parent / "static" / "vendor"
LICENCE_FILE = re.compile(r"^(LICEN[CS]E|MIT-LICEN[CS]E|COPYING)(\.(txt|md))?$", re.I)

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geomap.map.offline import _LEAFLET_ICONS, BUNDLED, rewrite_css  # noqa: E402


def installed_packages() -> dict[tuple[str, str], Path]:
    """``(name, version) -> folder`` of every package in node_modules (npm aliases included)."""
    found: dict[tuple[str, str], Path] = {}
    for manifest in sorted(NODE_MODULES.glob("**/package.json")):
        folder = manifest.parent
        if folder.parent.name != "node_modules" and folder.parent.parent.name != "node_modules":
            continue  # a package.json inside a package (tests, examples)
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(data.get("name"), str) and isinstance(data.get("version"), str):
            found.setdefault((data["name"], data["version"]), folder)
    return found


def drop_commonjs_require(data: bytes) -> bytes:
    first, _, rest = data.partition(b"\n")
    if first.strip() != b"var jQuery = require('jquery');":
        raise SystemExit(f"jquery-ui: expected the CommonJS require line, found {first[:80]!r}")
    return rest.lstrip(b"\n")


TRANSFORMS = {("jquery-ui", "1.10.4", "custom.js"): drop_commonjs_require}

_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_GLYPH_SELECTOR = re.compile(r"^\.glyphicon(-[a-z0-9-]+)?(:before|:empty)?$")


def glyphicons_css(bootstrap_css: str) -> str:
    """The glyphicon rules of Bootstrap 3's CSS, its banner first."""
    banner = bootstrap_css[: bootstrap_css.index("*/") + 2]
    rules = []
    for match in _RULE.finditer(bootstrap_css):
        selectors = [s.strip() for s in match.group(1).split(",")]
        font_face = selectors == ["@font-face"] and "Glyphicons Halflings" in match.group(2)
        if font_face or all(_GLYPH_SELECTOR.match(s) for s in selectors):
            rules.append(match.group(0).strip())
    if len(rules) < 200:
        raise SystemExit(f"bootstrap.css: only {len(rules)} glyphicon rules found")
    note = "/* Glyphicons only: the rules above, from dist/css/bootstrap.css (geomap/map/vendor/vendor.py) */"
    return banner + "\n" + note + "\n\n" + "\n\n".join(rules) + "\n"


def rotate_css() -> str:
    """folium's leaflet.awesome.rotate.css (MIT, python-visualization/folium), minified."""
    return "".join(
        f".fa-rotate-{n}{{-ms-transform:rotate({n}deg);-webkit-transform:rotate({n}deg);transform:rotate({n}deg)}}"
        for n in range(1, 361)
    )


def main() -> None:
    if not NODE_MODULES.is_dir():
        raise SystemExit(f"{NODE_MODULES} is missing: run `npm ci --prefix {HERE.relative_to(ROOT)}` first")
    packages = installed_packages()
    if OUT.exists():
        shutil.rmtree(OUT)
    written: dict[str, bytes] = {}
    used: set[tuple[str, str]] = set()
    shown: set[tuple[str, str]] = set()

    def folder_of(package: str, version: str) -> Path:
        folder = packages.get((package, version))
        if folder is None:
            raise SystemExit(f"{package}@{version} is not in node_modules: pin it in package.json and run npm ci")
        return folder

    def source(package: str, version: str, path: str) -> bytes:
        data = (folder_of(package, version) / path).read_bytes()
        transform = TRANSFORMS.get((package, version, path))
        return transform(data) if transform else data

    def add(package: str, version: str, path: str, data: bytes) -> None:
        written[f"{package}/{version}/{path}"] = data
        used.add((package, version))
        if path.endswith(".css"):  # and what its url(...)s name, from this or another package
            rewrite_css(data.decode("utf-8"), package, version, path, copy)

    def copy(package: str, version: str, path: str) -> str:
        if f"{package}/{version}/{path}" not in written:
            add(package, version, path, source(package, version, path))
        return ""

    bootstrap3 = folder_of("twitter-bootstrap-3.0.0", "3.0.0") / "dist" / "css" / "bootstrap.css"
    built = {
        ("twitter-bootstrap-3.0.0", "3.0.0", "dist/css/bootstrap-glyphicons.css"): glyphicons_css(
            bootstrap3.read_text(encoding="utf-8")
        ),
        ("folium", "0.20.0", "folium/templates/leaflet.awesome.rotate.min.css"): rotate_css(),
    }
    for url, entry in BUNDLED.items():
        if entry.origin == "folium":
            continue
        key = (entry.package, entry.version, entry.path)
        if entry.origin == "built":
            if key not in built:
                raise SystemExit(f"{url}: no builder for {'/'.join(key)}")
            add(*key, built[key].encode("utf-8"))
        else:
            copy(*key)
            if (entry.package, entry.version) not in shown:  # for the maintainer to compare
                shown.add((entry.package, entry.version))
                declared = json.loads((folder_of(entry.package, entry.version) / "package.json").read_text("utf-8"))
                licence = declared.get("license") or declared.get("licenses")
                print(f"{entry.package}@{entry.version}: package.json licence {licence!r}; table: {entry.license}")
        if entry.leaflet:
            for name in _LEAFLET_ICONS.values():
                copy(entry.package, entry.version, f"{entry.path.rsplit('/', 1)[0]}/images/{name}")

    for package, version in sorted(used):
        if package == "folium":
            continue
        for licence in sorted(folder_of(package, version).iterdir()):
            if licence.is_file() and LICENCE_FILE.match(licence.name):
                written[f"{package}/{version}/{licence.name}"] = licence.read_bytes()

    for name, data in sorted(written.items()):
        target = OUT / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    total = sum(len(data) for data in written.values())
    print(f"{len(written)} files, {total / 1024:.0f} KiB in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
