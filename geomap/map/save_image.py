"""A "Save as PNG" button: the map's current view as an image, made in the browser, offline.

Why: a journalist shares a map in a chat, a story or a print layout as a picture, and the page is
opened from a file with the network off, so no screenshot service can help. The button draws the
view the reader has on screen (offline basemap, place labels, areas, markers and clusters, heatmap,
title, legend, scale, attribution, an open popup) into a PNG and downloads it.

How: `html-to-image <https://github.com/bubkoo/html-to-image>`_ (MIT, 20 kB minified, bundled and
inlined by :func:`geomap.map.offline.offline` like any folium plugin's library) copies the map's
DOM with its computed styles into an SVG ``<foreignObject>``, with each canvas turned into a
``data:`` image; the browser draws that SVG on a canvas and makes a PNG of it
(``static/geomap/save_image.js``). The image is the map container's size times
``devicePixelRatio``. It needs nothing from the page's Content-Security-Policy but ``img-src data:``
(already there): fonts are not embedded (the reader's system fonts are used), and images that are
not ``data:`` URLs, that is online tiles, are left out (reading them would need the network).
The on-screen-only controls (zoom, full screen, layer list, search box, the button itself) are left
out of the picture.

Example
-------
>>> import folium                                                   # doctest: +SKIP
>>> m = folium.Map(tiles=None)                                      # doctest: +SKIP
>>> SaveImage(position="topleft", filename="idlib.png").add_to(m)   # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from geomap.map.assets import inline_script, inline_style
from geomap.map.element import check_position, content_id

__all__ = ["HTML_TO_IMAGE_JS", "SAVE_IMAGE_LABEL", "SaveImage"]

HTML_TO_IMAGE_JS = [
    ("html-to-image", "https://cdn.jsdelivr.net/npm/html-to-image@1.11.13/dist/html-to-image.js"),
]

#: The button's accessible name (``aria-label``) and tooltip.
SAVE_IMAGE_LABEL = "Save the map as PNG"


class SaveImage(JSCSSMixin, MacroElement):
    """A map button that saves the current view as a PNG file, drawn in the browser.

    Parameters
    ----------
    position
        Map corner: ``"topleft"`` (default), ``"topright"``, ``"bottomleft"`` or ``"bottomright"``.
    filename
        The name the browser offers for the download; must end in ``.png``, no folders.

    Notes
    -----
    The PNG is the map container's CSS size times the screen's ``devicePixelRatio`` (1280 x 800 px
    for a full-window map on a plain screen, twice that on a "retina" one). Online tile layers are not
    in it: pick the offline basemap first. Tested in Chromium (``tests/test_map_save_image.py``);
    Safari's drawing of SVG ``<foreignObject>`` is known to be unreliable (html-to-image's issues),
    so a first click there may give an image without its canvases.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "geomapSaveImage({{ this._parent.get_name() }}, {{ this.options|tojson }});"
        "{% endmacro %}"
    )
    default_js = HTML_TO_IMAGE_JS

    def __init__(self, *, position: str = "topleft", filename: str = "map.png") -> None:
        super().__init__()
        position = check_position(position)
        if not isinstance(filename, str) or not filename.lower().endswith(".png") or len(filename) < 5:
            raise ValueError(f"Expected filename to be a name ending in '.png', instead got: {filename!r}.")
        if any(char in filename for char in "/\\:\0"):
            raise ValueError(f"Expected filename to be a file name without folders, instead got: {filename!r}.")
        self._name = "SaveImage"
        self.position = position
        self.filename = filename
        self.options = {"position": position, "filename": filename, "label": SAVE_IMAGE_LABEL}
        self._id = content_id(self._name, position, filename)

    def render(self, **kwargs: Any) -> None:
        header = self.get_root().header
        header.add_child(Element(inline_style("geomap/save_image.css")), name="geomap_save_image_css")
        header.add_child(Element(inline_script("geomap/save_image.js")), name="geomap_save_image_js")
        super().render(**kwargs)
