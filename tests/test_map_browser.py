"""The map as a reader opens it: headless Chromium, network blocked, real clicks.

Why a real browser: the failures that matter (a blank page offline, a popup that runs article text,
a script error from one apostrophe) only show when the page runs. Skipped when Debian's
/usr/bin/chromium is absent, since Playwright cannot download its own browser here.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from browser_page import CHROMIUM, OfflinePage
from map_fixtures import HOSTILE_TEXT, HOSTILE_TITLE, seed_and_hostile, seed_events

from geomap.map import save_map

SCREENSHOT = Path("/tmp/geomap_seed.png")

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def seed_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("map") / "seed.html"
    save_map(seed_events(), path, title="Idlib offensive, January 2020")
    return path


@pytest.fixture(scope="module")
def hostile_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("map") / "hostile.html"
    save_map(seed_and_hostile(), path, title='<img src=x onerror="window.__pwned=5">')
    return path


def test_seed_map_works_offline(offline: OfflinePage, seed_map: Path, tmp_path: Path) -> None:
    page = offline.open(seed_map)
    assert offline.requests == [], "an inline map must not touch the network"
    assert offline.errors == []
    counts = page.evaluate(
        """() => ({
            markers: window.geomap.cluster.getLayers().length,
            areas: window.geomap.areas.filter(Boolean).length,
            icons: document.querySelectorAll('.leaflet-marker-icon').length,
            paths: document.querySelectorAll('.leaflet-gmAreas-pane path').length,
        })"""
    )
    # 7 pins: Idlib city, Maarat al-Numan (both spellings), Kafr Ruma, Khmeimim, Damascus, Moscow,
    # "northern Syria"; 3 areas: Syria, Russia, Idlib province.
    assert counts["markers"] == 7 and counts["areas"] == 3
    assert 1 <= counts["icons"] <= 7 and counts["paths"] >= 3
    assert page.locator(".gm-legend").is_visible()
    assert page.locator(".leaflet-control-layers").is_visible()
    assert page.locator(".leaflet-control-layers-base label").count() == 4  # offline + 3 tile layers
    assert page.locator(".gm-search input").is_visible()
    assert page.locator(".leaflet-control-zoom-fullscreen, .fullscreen-icon").count() >= 1
    page.screenshot(path=str(tmp_path / "seed.png"))
    page.screenshot(path=str(SCREENSHOT))


def test_click_opens_kafr_ruma_popup(offline: OfflinePage, seed_map: Path) -> None:
    page = offline.open(seed_map)
    offline.click_place("kafr-ruma")
    popup = page.locator(".leaflet-popup-content")
    text = popup.inner_text()
    assert "Kafr Ruma" in text and "outskirts of" in text
    assert "Smoke billows following reported bombardment by Syrian regime forces on the town of Kafr Ruma" in text
    assert popup.locator("mark").inner_text() == "Kafr Ruma"
    link = popup.locator("a")
    assert link.get_attribute("href").startswith("https://www.newsweek.com/")
    assert "2020-01-28" in text and "Newsweek" in text
    page.wait_for_timeout(400)  # popup fade-in
    page.screenshot(path=str(SCREENSHOT.with_name("geomap_seed_popup.png")))
    assert offline.errors == [] and offline.requests == []


def test_maarat_popup_lists_both_spellings(offline: OfflinePage, seed_map: Path) -> None:
    page = offline.open(seed_map)
    offline.click_place("167611")
    marks = page.locator(".leaflet-popup-content mark").all_inner_texts()
    assert marks == ["Maarat al-Numan", "Maaret al-Numan"]


def test_search_box_finds_a_place(offline: OfflinePage, seed_map: Path) -> None:
    page = offline.open(seed_map)
    page.fill(".gm-search input", "khmei")
    page.locator(".gm-results li").first.click()
    page.wait_for_selector(".leaflet-popup-content .gm-popup", timeout=5_000)
    assert "Khmeimim Air Base" in page.locator(".leaflet-popup-content h3").inner_text()


def test_legend_filters_markers(offline: OfflinePage, seed_map: Path) -> None:
    page = offline.open(seed_map)
    page.locator(".gm-legend label", has_text="city").locator("input").uncheck()
    page.wait_for_function("window.geomap.cluster.getLayers().length === 4")  # 7 minus 3 cities


def test_hostile_article_executes_nothing(offline: OfflinePage, hostile_map: Path) -> None:
    page = offline.open(hostile_map)
    offline.click_place("170654")  # Damascus: seed and hostile mentions
    page.locator(".gm-search input").fill("Dam")
    page.hover(".leaflet-popup-content")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    text = page.locator(".leaflet-popup-content").inner_text()
    assert "</script><script>window.__pwned=2</script> and ${window.__pwned=3}" in text
    assert "Shelling hit `Damascus` at dawn" in text
    assert HOSTILE_TITLE in text  # shown literally, and not as a link: its URL was javascript:
    assert page.locator(".leaflet-popup-content a", has_text="Breaking").count() == 0
    assert page.locator(".gm-legend .gm-group", has_text='<img src=x onerror="window.__pwned=1">').count() == 1
    assert page.locator("img[src=x]").count() == 0
    assert page.title() == '<img src=x onerror="window.__pwned=5">'
    assert HOSTILE_TEXT.split("\n")[0].split("<img")[0].strip() in text
    assert offline.errors == [] and offline.requests == []


def test_picking_a_tile_layer_is_the_only_way_to_the_network(offline: OfflinePage, seed_map: Path) -> None:
    page = offline.open(seed_map)
    assert offline.requests == []
    page.locator(".leaflet-control-layers-base label", has_text="OpenStreetMap").click()
    page.wait_for_timeout(500)
    assert offline.requests and all("tile.openstreetmap.org" in u for u in offline.requests)


def test_the_policy_lets_every_offered_tile_layer_through(offline: OfflinePage, seed_map: Path) -> None:
    page = offline.open(seed_map)
    for label, host in (
        ("Esri World Imagery", "https://server.arcgisonline.com/"),
        ("OpenTopoMap", ".tile.opentopomap.org/"),
        ("OpenStreetMap", "https://tile.openstreetmap.org/"),
    ):
        offline.requests.clear()
        page.locator(".leaflet-control-layers-base label", has_text=label).click()
        page.wait_for_timeout(500)
        assert offline.requests and all(host in url for url in offline.requests), label
    assert offline.csp_violations() == []  # tiles reached the (blocked) network: the policy let them


def test_the_policy_blocks_what_slips_into_the_page(offline: OfflinePage, seed_map: Path, tmp_path: Path) -> None:
    """Markup that escaped escaping can neither run nor reach the network: the policy stops it."""
    text = seed_map.read_text(encoding="utf-8")
    slipped = (
        '<img id="slipped" src="https://example.org/pixel.png">'
        '<script>window.__ran = true; fetch("https://example.org/from-script");</script>'
        '<link rel="stylesheet" href="https://example.org/style.css">'
    )
    path = tmp_path / "slipped.html"
    path.write_text(text.replace("<body>", "<body>" + slipped, 1), encoding="utf-8")
    page = offline.open(path)  # the map itself still works
    fetched = page.evaluate("() => fetch('https://example.org/data.json').then(() => 'fetched', () => 'blocked')")
    page.wait_for_timeout(300)
    assert fetched == "blocked"
    assert page.evaluate("window.__ran") is None  # the slipped inline script did not run
    assert page.evaluate("document.getElementById('slipped').naturalWidth") == 0
    assert offline.requests == [], "blocked before the network, not by the test's network block"
    blocked = " | ".join(offline.csp_violations(clear=True))
    for directive, url in (
        ("img-src", "https://example.org/pixel.png"),
        ("script-src-elem", "inline"),
        ("style-src-elem", "https://example.org/style.css"),
        ("connect-src", "https://example.org/data.json"),
    ):
        assert f"{directive} blocked {url}" in blocked, (directive, blocked)


@pytest.fixture(autouse=True, scope="module")
def _has_chromium() -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} not installed")


def test_event_types_colour_and_filter(offline: OfflinePage, tmp_path: Path) -> None:
    events = seed_events()
    events["event_type"] = ["attack" if k == "city" else "statement" for k in events["kind"]]
    path = tmp_path / "events.html"
    save_map(events, path)
    page = offline.open(path)
    assert page.locator(".gm-legend summary").inner_text() == "Event type"
    # Readers' labels (no internal names) and the mentions of each type: 9 of the 30 place rows are cities.
    assert page.locator(".gm-legend label").all_inner_texts() == ["Attack\n9", "Statement\n21"]
    assert page.locator(".gm-legend .gm-swatch.gm-square").count() == 1
    page.locator(".gm-legend label", has_text="attack").locator("input").uncheck()
    page.wait_for_function("window.geomap.cluster.getLayers().length === 4")  # 7 minus 3 cities
    assert offline.errors == [] and offline.requests == []


def test_heatmap_and_date_range(offline: OfflinePage, hostile_map: Path) -> None:
    page = offline.open(hostile_map)
    page.locator(".leaflet-control-layers-overlays label", has_text="Heatmap").locator("input").check()
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 1
    damascus = "window.geomap.data.places.id.indexOf('170654')"
    before = page.evaluate(f"window.geomap.markers[{damascus}].options.icon.options.html")
    hi = page.locator(".gm-dates input[type=range]").nth(1)
    hi.evaluate("(s) => { s.value = '0'; s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change')); }")
    assert page.locator(".gm-range-label").inner_text() == "2020-01-28 – 2020-01-28"
    after = page.evaluate(f"window.geomap.markers[{damascus}].options.icon.options.html")
    assert ">3<" in before and "<span></span>" in after  # 1 seed + 2 hostile mentions, then the seed's only
    assert offline.errors == [] and offline.requests == []


def test_many_parts_merge_as_in_python(offline: OfflinePage, tmp_path: Path) -> None:
    """A map of 1,200 articles is split into several data parts; the page merges them as merge_parts does."""
    from articlegen import write_articles

    from geomap import api
    from geomap.map.payload import decode_parts, decode_payload
    from geomap.sources import read_articles

    write_articles(tmp_path / "news", 1200, sentences=2)
    events = api.build_events(read_articles([tmp_path / "news"]), api.load_gazetteer())
    path = tmp_path / "many.html"
    save_map(events, path)
    page_text = path.read_text(encoding="utf-8")
    assert len(decode_parts(page_text)[1]) == 4  # 1,200 articles: 4 parts of ~300
    expected = decode_payload(page_text)

    page = offline.open(path)
    assert offline.errors == []
    seen = page.evaluate(
        """() => {
            const D = window.geomap.data, P = D.places, M = D.mentions, A = D.articles;
            const byId = {};
            P.id.forEach((id, p) => { byId[id] = [P.name[p], D.counts[p]]; });
            const rows = M.place.map((p, i) => [A.id[M.article[i]], P.id[p], D.snippets[M.snippet[i]],
                M.hs[i], M.he[i], D.relations[M.rel[i]], D.categories[M.cat[i]][0],
                M.date[i] < 0 ? null : D.dates[M.date[i]]]);
            return {byId: byId, rows: rows, groups: D.groups, articles: A.id.length};
        }"""
    )
    P, M, A = expected["places"], expected["mentions"], expected["articles"]
    assert seen["byId"] == {pid: [P["name"][p], expected["counts"][p]] for p, pid in enumerate(P["id"])}
    rows = [
        [A["id"][M["article"][i]], P["id"][p], expected["snippets"][M["snippet"][i]], M["hs"][i], M["he"][i],
         expected["relations"][M["rel"][i]], expected["categories"][M["cat"][i]][0],
         None if M["date"][i] < 0 else expected["dates"][M["date"][i]]]
        for i, p in enumerate(M["place"])
    ]  # fmt: skip
    assert seen["rows"] == rows and len(rows) == int((events["type"] == "place").sum())
    assert seen["groups"] == expected["groups"] and seen["articles"] == 1200


# ---- the map is a folium map: users extend it, or put geomap's layer on their own map -------------

KAFR_RUMA_SNIPPET = "bombardment by Syrian regime forces on the town of Kafr Ruma"
USER_POLYGON = {
    "type": "Feature",
    "properties": {"name": "user area"},
    "geometry": {"type": "Polygon", "coordinates": [[[36.5, 35.5], [36.8, 35.5], [36.8, 35.8], [36.5, 35.5]]]},
}


class FoliumPage(OfflinePage):
    """Also records failed requests (a file: or data: URL that does not load counts too)."""

    def __init__(self, browser: Any) -> None:
        super().__init__(browser)
        self.failed: list[str] = []
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))


def _search_kafr_ruma(page: Any) -> str:
    page.fill(".gm-search input", "kafr")
    page.locator(".gm-results li").first.click()
    page.wait_for_selector(".leaflet-popup-content .gm-popup", timeout=5_000)
    return page.locator(".leaflet-popup-content").inner_text()


def test_folium_map_extended_by_a_user_works_offline(browser: Any, tmp_path: Path) -> None:
    import folium

    import geomap

    m = geomap.folium_map(seed_events(), title="Idlib offensive")
    assert isinstance(m, folium.Map)
    folium.Marker([35.2, 36.0], popup=folium.Popup("user note: Hama front", max_width=300), tooltip="note").add_to(m)
    folium.GeoJson(USER_POLYGON, name="user polygon").add_to(m)
    path = tmp_path / "extended.html"
    m.save(path)
    page = FoliumPage(browser)
    try:
        opened = page.open(path)
        assert opened.locator("path.leaflet-interactive").count() >= 1  # the user's polygon is drawn
        user_marker = opened.locator(".leaflet-marker-icon[src^='data:image/png']")
        assert user_marker.count() == 1  # Leaflet's default icon, from a bundled data URI
        # Zoomed in on it as a reader would: at the fitted zoom the Idlib cluster's badge may cover it.
        opened.evaluate("() => { window.geomap.map.setView([35.2, 36.0], 9, {animate: false}); }")
        user_marker.click()
        opened.wait_for_selector(".leaflet-popup-content:has-text('user note: Hama front')", timeout=5_000)
        assert KAFR_RUMA_SNIPPET in _search_kafr_ruma(opened)
        assert page.requests == [] and page.failed == [] and page.errors == []
        assert page.csp_violations() == []
    finally:
        page.close()


def test_plain_folium_map_with_event_layer_and_offline(browser: Any, tmp_path: Path) -> None:
    import folium

    import geomap

    m = folium.Map(location=[35.6, 36.6], zoom_start=8, tiles=None)
    geomap.VectorBasemap(["SY"]).add_to(m)
    geomap.EventLayer(seed_events()).add_to(m)
    folium.LayerControl().add_to(m)
    path = tmp_path / "plain.html"
    geomap.offline(m).save(str(path))
    page = FoliumPage(browser)
    try:
        opened = page.open(path)
        assert opened.locator(".leaflet-control-layers-overlays label", has_text="Heatmap").count() == 1
        assert KAFR_RUMA_SNIPPET in _search_kafr_ruma(opened)
        assert page.requests == [] and page.failed == [] and page.errors == []
        assert page.csp_violations() == []
    finally:
        page.close()


def test_folium_icons_and_their_fonts_pass_the_policy(offline: OfflinePage, tmp_path: Path) -> None:
    """folium.Icon brings jQuery, Bootstrap, Font Awesome (fonts inlined, some added at run time)."""
    import folium

    import geomap

    m = geomap.folium_map(seed_events(), title="Idlib")
    for number, (icon, prefix, where) in enumerate((("info-sign", "glyphicon", [30, 20]), ("flag", "fa", [45, 10]))):
        folium.Marker(where, icon=folium.Icon(icon=icon, prefix=prefix), popup=f"note {number}").add_to(m)
    path = tmp_path / "icons.html"
    m.save(path)
    page = offline.open(path)
    page.locator(".awesome-marker.leaflet-interactive").first.click()
    page.wait_for_selector(".leaflet-popup-content:has-text('note')", timeout=5_000)  # folium's popup: jQuery
    fonts = page.evaluate(
        """async () => { await document.fonts.ready; const seen = [];
            document.fonts.forEach((f) => { if (f.status !== "unloaded") seen.push(f.family + " " + f.status); });
            return seen; }"""
    )
    assert fonts and all(face.endswith(" loaded") for face in fonts), fonts
    assert offline.requests == [] and offline.errors == []


class CdnPage(OfflinePage):
    """Serves each CDN URL geomap has a bundled copy of from that copy, as if online; the rest of
    the network stays blocked and recorded."""

    def __init__(self, browser: Any) -> None:
        super().__init__(browser)
        self.served: list[str] = []

    def _route(self, route: Any) -> None:
        from geomap.map.offline import _read, bundled

        url = route.request.url
        entry = bundled(url)
        if entry is None:
            super()._route(route)
            return
        self.served.append(url)
        kind = "text/css" if entry.kind == "css" else "text/javascript"
        route.fulfill(status=200, body=_read(entry.package, entry.version, entry.path, entry.origin), content_type=kind)


def test_a_map_linking_its_libraries_from_cdns_is_let_through(browser: Any, tmp_path: Path) -> None:
    import folium

    import geomap

    m = geomap.folium_map(seed_events(), title="Idlib", online=True)
    folium.Marker([35.2, 36.0], icon=folium.Icon(icon="info-sign"), popup="user note").add_to(m)  # Font Awesome
    path = tmp_path / "cdn.html"
    m.save(path)
    page = CdnPage(browser)
    try:
        opened = page.open(path)
        assert KAFR_RUMA_SNIPPET in _search_kafr_ruma(opened)
        assert len(page.served) >= 10  # from four CDN hosts
        assert page.csp_violations() == []
    finally:
        page.close()
