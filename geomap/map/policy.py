"""The page's Content-Security-Policy and generator ``<meta>``, computed from the rendered page.

Why: a geomap map is a local file that must never load anything it did not ask for. Article text
is escaped before it reaches the page (see ``docs/map.md``, "Safety"); the policy is the second
wall: were some markup to slip through, the browser would still refuse to run an inline script it
does not know, and to load an image, font, frame or ``fetch`` from any host.

How: :class:`~geomap.map.page.GeomapMap` installs :func:`install` on its figure when it renders;
the figure's page is rendered as folium renders it, then :func:`add_head_meta` inserts, right after
the charset ``<meta>`` (before any script, style or link)::

    <meta name="generator" content="geomap">
    <meta http-equiv="Content-Security-Policy" content="...">

The policy (:func:`page_policy`) is computed from that very page, so it fits what a user added:

* ``default-src 'none'``: nothing (connections, frames, media, workers, manifests, ...) unless
  named below;
* ``script-src``: the sha256 hash of every inline script the page holds (not its
  ``application/gzip+base64`` data blocks, which never run), plus the hosts of the page's
  ``<script src>`` when the libraries are linked from their CDNs (``online=True``). Hashes, not
  ``'unsafe-inline'``: every script of the page is known when it is rendered, geomap's, folium's
  and the bundled libraries' code runs no ``eval`` and no inline event handler, so a script that
  was not rendered (injected markup) is exactly what does not run;
* ``style-src 'unsafe-inline'`` (see :data:`STYLE_SRC` for why not hashes), plus the hosts of the
  page's stylesheet links when linked from CDNs;
* ``img-src data: blob:`` plus exactly the hosts of the map's tile layers (the online base layers a
  reader may pick, ``{s}`` expanded into the layer's subdomains) and image overlays, plus the CDN
  stylesheet hosts (their CSS names images relative to itself);
* ``font-src data:`` when the page inlines fonts (``@font-face``), plus the CDN stylesheet hosts;
* ``worker-src blob:`` only when an inline script starts a worker;
* ``object-src 'none'; base-uri 'none'; form-action 'none'``.

The same page gives the same policy, so a map stays byte-identical for the same inputs.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import folium
from branca.element import Element, Figure

__all__ = [
    "AUTO",
    "GENERATOR_META",
    "STYLE_SRC",
    "add_head_meta",
    "csp_meta",
    "inline_scripts",
    "install",
    "page_policy",
    "tile_sources",
]

#: ``csp=AUTO`` (the default): the policy is computed from the rendered page (:func:`page_policy`).
AUTO = "auto"

#: Marks a page as written by geomap (no version: the same inputs give the same bytes).
GENERATOR_META = '<meta name="generator" content="geomap">'

#: Styles are allowed inline as a whole, not by hash: Leaflet's ``L.DivIcon`` (geomap's markers),
#: folium's popups (``$(`<div style=...>`)``) and Leaflet's layer control put ``style="..."``
#: attributes into the DOM through ``innerHTML``, and the Font Awesome loader adds a ``<style>`` at
#: run time; hashes cannot allow those (``'unsafe-hashes'`` would need every attribute value, which
#: depend on the data). A style cannot run code, and under this policy it cannot load anything
#: either (images and fonts are limited by ``img-src``/``font-src``, ``@import`` by ``style-src``).
STYLE_SRC = "'unsafe-inline'"

# A script element's raw text ends at the first "</script" (HTML tokenizer); script_safe keeps
# inlined code from ending early or entering the escaped state ("<!--").
_SCRIPT_OPEN = re.compile(r"<script\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.I)
_SCRIPT_CLOSE = re.compile(r"</script[\s/>]", re.I)
_TAG = re.compile(r"<(link|script)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.I)
_ATTR = re.compile(r"""(?:^|\s)([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
# Script types that run (HTML "JavaScript MIME type essence match", module, import maps,
# speculation rules: all under script-src); any other type is a data block.
_RUN_TYPES = frozenset(
    {"", "module", "importmap", "speculationrules", "application/ecmascript", "application/javascript",
     "application/x-ecmascript", "application/x-javascript", "text/ecmascript", "text/javascript",
     "text/javascript1.0", "text/javascript1.1", "text/javascript1.2", "text/javascript1.3",
     "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript", "text/x-ecmascript",
     "text/x-javascript"}
)  # fmt: skip
_WORKER = re.compile(r"\bnew\s+(?:Shared)?Worker\s*\(")
_CHARSET_META = re.compile(r"<meta\s+(?:charset\b|http-equiv\s*=\s*[\"']?content-type\b)[^>]*>", re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_FIRST_CODE = re.compile(r"<(?:script|style|link)\b", re.I)
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _attributes(text: str) -> dict[str, str]:
    """A tag's attributes (names lower-cased; the first of a repeated name wins, as in HTML)."""
    out: dict[str, str] = {}
    for match in _ATTR.finditer(text):
        value = next((v for v in match.group(2, 3, 4) if v is not None), "")
        out.setdefault(match.group(1).lower(), value)
    return out


def _runs(attributes: dict[str, str]) -> bool:
    return "src" not in attributes and attributes.get("type", "").strip().lower() in _RUN_TYPES


def _script_elements(page: str) -> Iterator[tuple[str, int, int]]:
    """``(attributes, start, end)`` of each script element of ``page``: its text is ``page[start:end]``."""
    position = 0
    while (opening := _SCRIPT_OPEN.search(page, position)) is not None:
        closing = _SCRIPT_CLOSE.search(page, opening.end())
        end = len(page) if closing is None else closing.start()
        yield opening.group(1), opening.end(), end
        position = end


def inline_scripts(page: str) -> Iterator[str]:
    """The text of every inline script of ``page`` that the browser runs (data blocks left out)."""
    for attributes, start, end in _script_elements(page):
        if _runs(_attributes(attributes)):
            yield page[start:end]


def _hash(script: str) -> str:
    # The HTML parser turns CR LF and lone CR into LF before a script's text exists.
    text = script.replace("\r\n", "\n").replace("\r", "\n")
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _markup(page: str) -> Iterator[str]:
    """``page`` outside script elements' text (where a ``<link>`` or ``<script src>`` is a tag)."""
    position = 0
    for _, start, end in _script_elements(page):
        yield page[position:start]
        position = end
    yield page[position:]


def _origin(url: str) -> str | None:
    """``scheme://host[:port]`` of an absolute http(s) URL (a ``//host`` URL counts as https), else None."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower() or ("https" if url.strip().startswith("//") else "")
    if scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{scheme}://{parts.netloc.rsplit('@', 1)[-1].lower()}"


def _linked(page: str) -> tuple[list[str], list[str]]:
    """Origins of the page's ``<script src>`` and of its stylesheet ``<link href>``, in page order."""
    scripts: list[str] = []
    styles: list[str] = []
    for markup in _markup(page):
        for tag in _TAG.finditer(markup):
            attributes = _attributes(tag.group(2))
            if tag.group(1).lower() == "script":
                origin = _origin(attributes.get("src", ""))
                if origin is not None:
                    scripts.append(origin)
            elif "stylesheet" in attributes.get("rel", "").lower().split():
                origin = _origin(attributes.get("href", ""))
                if origin is not None:
                    styles.append(origin)
    return scripts, styles


def _tree(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _tree(child)


def _subdomains(layer: Element) -> list[str]:
    subdomains = layer.options.get("subdomains", "abc")
    return list(subdomains) if isinstance(subdomains, str) else [str(s) for s in subdomains]


def _template_origins(template: str, subdomains: list[str]) -> list[str]:
    """The origins a tile URL template may reach: ``{s}`` in the host is expanded into the layer's
    subdomains; a host label holding any other placeholder becomes a ``*.`` wildcard."""
    parts = urlsplit(template.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return []
    hosts = [s.join(parts.netloc.split("{s}")) for s in subdomains] if "{s}" in parts.netloc else [parts.netloc]
    out = []
    for host in hosts:
        if _PLACEHOLDER.search(host):
            labels = host.split(".")
            last = max(i for i, label in enumerate(labels) if _PLACEHOLDER.search(label))
            host = ".".join(["*", *labels[last + 1 :]])
        out.append(f"{parts.scheme.lower()}://{host.lower()}")
    return out


def tile_sources(root: Element) -> list[str]:
    """Origins of the images the map's layers may load: tile layers (``folium.TileLayer``,
    ``folium.WmsTileLayer``) and image overlays with a URL, in the order the layers were added."""
    out: list[str] = []
    for element in _tree(root):
        if isinstance(element, folium.TileLayer):
            url, subdomains = element.tiles, _subdomains(element)
        elif isinstance(element, (folium.WmsTileLayer, folium.raster_layers.ImageOverlay)):
            url, subdomains = element.url, []
        else:
            continue
        if isinstance(url, str):  # an ImageOverlay's image may be an array, inlined as data:
            out += _template_origins(url, subdomains)
    return out


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def page_policy(page: str, root: Element | None = None) -> str:
    """The Content-Security-Policy of the rendered ``page`` (see the module docstring);
    ``root``: the figure it was rendered from, whose tile layers may load images."""
    scripts = list(inline_scripts(page))
    script_hosts, style_hosts = _linked(page)
    tiles = tile_sources(root) if root is not None else []
    script_src = _unique([*(_hash(script) for script in scripts), *script_hosts]) or ["'none'"]
    fonts = ["data:"] if "@font-face" in page else []
    directives = [
        ("default-src", ["'none'"]),
        ("script-src", script_src),
        ("style-src", _unique([STYLE_SRC, *style_hosts])),
        ("img-src", _unique(["data:", "blob:", *tiles, *style_hosts])),
        ("font-src", _unique([*fonts, *style_hosts])),
        ("worker-src", ["blob:"] if any(_WORKER.search(script) for script in scripts) else []),
        ("object-src", ["'none'"]),
        ("base-uri", ["'none'"]),
        ("form-action", ["'none'"]),
    ]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives if sources)


def csp_meta(policy: str) -> str:
    """The ``<meta>`` that applies ``policy`` to the page."""
    content = policy.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<meta http-equiv="Content-Security-Policy" content="{content}">'


def add_head_meta(page: str, metas: list[str]) -> str:
    """``page`` with ``metas`` right after its charset ``<meta>`` (the first 1024 bytes must keep
    it), or right after ``<head>``; both come before any script, style or link of a folium page."""
    if not metas:
        return page
    head = _HEAD.search(page)
    start = head.end() if head is not None else 0
    first_code = _FIRST_CODE.search(page, start)
    charset = _CHARSET_META.search(page, start, len(page) if first_code is None else first_code.start())
    if charset is not None:
        start = charset.end()
    return page[:start] + "".join(f"\n    {meta}" for meta in metas) + page[start:]


class _PageTemplate:
    """Stands in for a figure's template: renders the page as before, then adds the generator and
    policy ``<meta>`` of the geomap map it holds."""

    def __init__(self, template: Any, owner: Any) -> None:
        self.template = template
        self.owner = owner

    def render(self, **kwargs: Any) -> str:
        page = self.template.render(**kwargs)
        figure = kwargs.get("this")
        if self.owner.get_root() is not figure:  # the map was moved to another figure
            return page
        csp = self.owner.csp
        metas = [GENERATOR_META]
        if csp == AUTO:
            metas.append(csp_meta(page_policy(page, figure)))
        elif csp is not None:
            metas.append(csp_meta(csp))
        return add_head_meta(page, metas)


def install(figure: Figure, owner: Any) -> None:
    """Make ``figure`` add ``owner``'s generator and policy ``<meta>`` to the page it renders
    (``owner``: a :class:`~geomap.map.page.GeomapMap`; its ``csp`` is read at render time)."""
    if not isinstance(figure, Figure):
        return
    template = figure._template
    if isinstance(template, _PageTemplate):
        template.owner = owner
    else:
        figure._template = _PageTemplate(template, owner)
