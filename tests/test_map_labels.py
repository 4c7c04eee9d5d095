"""Place labels on the offline basemap: the bundled data, the page that carries it, the map as read.

Why: a reader must tell where a marker is without clicking it. The labels must be there at a
glance (country names at world view, cities when zoomed in), never overlap one another, stay under
the events, cost the page little, and keep it offline and byte-identical. The browser tests open
the map in headless Chromium with the network blocked (fixtures ``browser`` and ``offline`` of conftest.py).
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import folium
import pytest
from browser_page import CHROMIUM, OfflinePage
from map_fixtures import inline_library, seed_events

import geomap
from geomap.map import render_map, save_map
from geomap.map.labels import LABEL_KINDS, LABELS_DATA, LABELS_ID, label_data, labels_block

SCREENSHOTS = Path("/tmp")


def _page(m: folium.Map) -> str:
    return m.get_root().render()


def _plain_map(*, labels: bool) -> folium.Map:
    m = folium.Map(location=[35.0, 38.0], zoom_start=7, tiles=None)
    geomap.VectorBasemap(["SY"], labels=labels).add_to(m)
    geomap.EventLayer(seed_events()).add_to(m)
    return geomap.offline(m)


# ---- the data ---------------------------------------------------------------------------------------


def test_label_data_is_package_data() -> None:
    raw = resources.files("geomap.map").joinpath("static", *LABELS_DATA.split("/")).read_bytes()
    assert len(raw) < 150_000  # gzipped
    assert json.loads(gzip.decompress(raw)) == label_data()
    assert labels_block() == base64.b64encode(raw).decode("ascii")


def test_label_data_names_real_places_in_priority_order() -> None:
    data = label_data()
    labels, rivers = data["labels"], data["rivers"]
    count = len(labels["n"])
    assert all(len(column) == count for column in labels.values())
    assert data["kinds"] == list(LABEL_KINDS)
    names = {kind: set() for kind in LABEL_KINDS}
    for name, kind in zip(labels["n"], labels["k"]):
        names[LABEL_KINDS[kind]].add(name)
    assert {"Syria", "Lebanon", "Russia", "Brazil"} <= names["country"]
    assert {"Damascus", "Beirut", "Baghdad", "Moscow"} <= names["capital"]
    assert {"Aleppo", "Homs", "Mosul", "Istanbul"} <= names["city"]
    assert {"Mediterranean Sea", "Red Sea", "Persian Gulf"} <= names["sea"] and "Indian Ocean" in names["ocean"]
    assert {"Euphrates", "Tigris", "Nile"} <= names["river"]
    assert "Al Mawsil al Jadidah" not in names["city"]  # a part of Mosul, not a second Mosul
    assert 1_000 <= len(names["capital"] | names["city"]) <= 2_000
    # Countries, then capitals, then cities, then seas, then rivers: the page places them in this order.
    group = {0: 0, 1: 1, 2: 2, 3: 3, 4: 3, 5: 4}
    order = [group[k] for k in labels["k"]]
    assert order == sorted(order)
    assert len(rivers["c"]) == len(rivers["z"]) == len(rivers["i"]) and max(rivers["i"]) < len(rivers["n"])
    damascus = labels["n"].index("Damascus")
    assert abs(labels["y"][damascus] - 33.51) < 0.05 and abs(labels["x"][damascus] - 36.29) < 0.05


# ---- the page ---------------------------------------------------------------------------------------


def test_page_carries_labels_once_and_its_policy_allows_them() -> None:
    page = render_map(seed_events(), title="Idlib")
    blocks = re.findall(r'<script type="application/gzip\+base64" class="geomap-labels" id="([^"]*)">([^<]*)<', page)
    assert blocks == [(LABELS_ID, labels_block())]
    inline_library(page, "geomap.placeLabels = placeLabels")
    assert page.count("geomap.placeLabels(map_") == 1
    assert "GeoNames" in page.split("geomap.vectorBasemap(map_", 1)[1].split("\n", 1)[0]  # CC BY: attribution


def test_labels_false_leaves_them_out() -> None:
    with_labels, without = _page(_plain_map(labels=True)), _page(_plain_map(labels=False))
    for marker in ('class="geomap-labels"', "geomap.placeLabels = placeLabels", "geomap.placeLabels(map_"):
        assert marker in with_labels and marker not in without
    added = len(with_labels) - len(without)
    assert 50_000 < added < 150_000, added  # the data once (base64) and labels.js
    with pytest.raises(TypeError, match="labels"):
        geomap.VectorBasemap(["SY"], labels="no")  # type: ignore[arg-type]


def test_page_is_byte_identical_across_renders(tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    save_map(seed_events(), first, title="Idlib")
    save_map(seed_events(), second, title="Idlib")
    assert first.read_bytes() == second.read_bytes()
    m = geomap.folium_map(seed_events(), title="Idlib")
    assert _page(m) == _page(m)
    names = {geomap.VectorBasemap(["SY"], labels=labels).get_name() for labels in (True, True, False)}
    assert len(names) == 2  # ids from content: the same basemap, the same id


# ---- the map as read --------------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed")


@pytest.fixture(scope="module")
def seed_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("labels") / "seed.html"
    save_map(seed_events(), path, title="Idlib offensive, January 2020")
    return path


# Move the map and resolve with what the label layer drew there (after its data is inflated).
SHOW = """([lat, lon, zoom]) => window.geomap.labelLayers[0].ready.then((layer) => new Promise((resolve) => {
    const before = layer.draws;
    layer._map.setView([lat, lon], zoom, {animate: false});
    const wait = () => (layer.draws > before ? resolve(layer.drawn) : setTimeout(wait, 20));
    wait();
}))"""
INKED = """() => { const c = document.querySelector('canvas.gm-labels'), d = c.getContext('2d');
    const px = d.getImageData(0, 0, c.width, c.height).data; let n = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
    return n; }"""


def show(page: Any, lat: float, lon: float, zoom: int) -> list[dict[str, Any]]:
    return page.evaluate(SHOW, [lat, lon, zoom])


def overlapping(drawn: list[dict[str, Any]]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(drawn):
        for b in drawn[i + 1 :]:
            (al, at, ar, ab), (bl, bt, br, bb) = a["box"], b["box"]
            if al < br and bl < ar and at < bb and bt < ab:
                out.append((a["text"], b["text"]))
    return out


@needs_chromium
def test_world_view_names_countries_without_overlap(offline: OfflinePage, seed_map: Path) -> None:
    page = offline.open(seed_map)
    drawn = show(page, 20, 0, 2)
    kinds: dict[str, set[str]] = {}
    for label in drawn:
        kinds.setdefault(label["kind"], set()).add(label["text"])
    assert {"Russia", "Canada", "Brazil", "China", "Australia"} <= kinds["country"]
    assert "Indian Ocean" in kinds["ocean"]
    assert "city" not in kinds and "capital" not in kinds  # cities wait for their zoom: no clutter
    assert overlapping(drawn) == []
    assert page.evaluate(INKED) > 1_000  # the names are on the canvas
    page.wait_for_timeout(400)  # the clusters settle
    page.screenshot(path=str(SCREENSHOTS / "geomap_labels_world.png"))
    assert offline.requests == [] and offline.errors == []


@needs_chromium
def test_syria_at_zoom_7_names_its_cities(offline: OfflinePage, seed_map: Path) -> None:
    page = offline.open(seed_map)
    drawn = show(page, 35, 38, 7)
    texts = {label["text"]: label["kind"] for label in drawn}
    assert texts["Damascus"] == "capital" and texts["Beirut"] == "capital"
    assert texts["Aleppo"] == "city" and texts["Homs"] == "city"
    assert texts["Syria"] == "country" and texts["Euphrates"] == "river"
    assert overlapping(drawn) == []
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    for label in drawn:  # inside the canvas (the view, a little padding around it)
        left, top, right, bottom = label["box"]
        assert right > -0.2 * width and left < 1.2 * width and bottom > -0.2 * height and top < 1.2 * height
    page.wait_for_timeout(400)
    page.screenshot(path=str(SCREENSHOTS / "geomap_labels_syria.png"))
    assert offline.requests == [] and offline.errors == []


@needs_chromium
def test_labels_lie_under_the_events(offline: OfflinePage, seed_map: Path) -> None:
    page = offline.open(seed_map)
    show(page, 33.51, 36.29, 7)
    panes = page.evaluate(
        """() => { const m = window.geomap.labelLayers[0]._map, z = (n) => +getComputedStyle(m.getPane(n)).zIndex;
            return {labels: z('gmLabels'), base: z('gmBase'), tiles: z('tilePane'), areas: z('gmAreas'),
                    overlay: z('overlayPane'), markers: z('markerPane'),
                    events: getComputedStyle(m.getPane('gmLabels')).pointerEvents}; }"""
    )
    assert panes["base"] < panes["labels"] and panes["tiles"] < panes["labels"]
    assert panes["labels"] < panes["areas"] < panes["markers"] and panes["labels"] < panes["overlay"]
    assert panes["events"] == "none"
    hit = page.evaluate(
        """() => new Promise((resolve) => {
            const g = window.geomap, layer = g.labelLayers[0], m = g.markers[g.placeIndex('170654')];  // Damascus
            g.cluster.zoomToShowLayer(m, () => setTimeout(() => {
                const r = m.getElement().getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
                const label = layer.drawn.find((d) => d.text === 'Damascus');
                resolve({label: label ? label.box : null, x: x, y: y,
                         marker: !!document.elementFromPoint(x, y).closest('.leaflet-marker-icon')});
            }, 300));
        })"""
    )
    left, top, right, bottom = hit["label"]
    assert left - 10 <= hit["x"] <= right + 10 and top - 10 <= hit["y"] <= bottom + 10  # the label is right there
    assert hit["marker"]  # and the marker is on top of it
    assert offline.requests == [] and offline.errors == []


@needs_chromium
def test_labels_come_and_go_with_the_basemap(offline: OfflinePage, seed_map: Path) -> None:
    page = offline.open(seed_map)
    show(page, 35, 38, 6)
    assert page.locator("canvas.gm-labels").count() == 1
    page.evaluate(
        """() => { const layer = window.geomap.labelLayers[0], map = layer._map;
            map.eachLayer((l) => { if (l instanceof L.LayerGroup && l.hasLayer(layer)) map.removeLayer(l); }); }"""
    )
    assert page.locator("canvas.gm-labels").count() == 0
    assert offline.requests == [] and offline.errors == []


@needs_chromium
def test_labels_false_draws_none(offline: OfflinePage, tmp_path: Path) -> None:
    path = tmp_path / "plain.html"
    _plain_map(labels=False).save(str(path))
    page = offline.open(path)
    page.wait_for_timeout(300)
    assert page.evaluate("[window.geomap.labelLayers === undefined, typeof window.geomap.placeLabels]") == [
        True,
        "undefined",
    ]
    assert page.locator("canvas.gm-labels").count() == 0
    assert page.locator(".leaflet-gmBase-pane canvas").count() == 1  # the basemap itself is drawn
    assert offline.requests == [] and offline.errors == []
