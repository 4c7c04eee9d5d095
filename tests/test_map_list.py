"""The event list panel (issue "A map a journalist reads at a glance"), in headless Chromium with the
network blocked: the events in view, newest first, synced with the map both ways, filtered by the
legend, the dates and a source, a button on a phone, text that stays text.

The maps are built by the real pipeline from articles written for these tests (curated gazetteer):
air strikes on Saraqib, Ariha and Kafr Nabl ("Kafranbel" in the gazetteer) on three days, one source
each, shelling of Ariha reported by the first source, and an undated report of clashes.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import folium
import pytest
from browser_page import CHROMIUM, CONTROL_BOXES, OfflinePage, assert_controls_apart
from map_fixtures import inline_library

import geomap
from geomap import api
from geomap.map import EventLayer, EventList, render_map
from geomap.model import Article

ROOT = Path(__file__).resolve().parent.parent
DESKTOP, PHONE = (1280, 800), (390, 844)

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)"),
]

ARTICLES = [
    Article(id="day1", title="Day 1", date="2020-01-21", source="Wire",
            text="Air strikes hit Saraqib, killing civilians. Rescuers in Saraqib said the strikes hit a market.\n"),
    Article(id="day2", title="Day 2", date="2020-01-22", source="Wire",
            text="Artillery shelled Ariha overnight, residents said.\n"),
    Article(id="day3", title="Day 3", date="2020-01-23", source="Daily",
            text="Air strikes hit Ariha, killing civilians.\n"),
    Article(id="day5", title="Day 5", date="2020-01-25", source="Herald",
            text="Air strikes hit Kafr Nabl, killing civilians.\n"),
    Article(id="undated", title="Undated", source="Herald",
            text="Clashes broke out in Saraqib between rebels and government forces.\n"),
]  # fmt: skip
# (date, place, type, headline, source) of each item, newest first, undated last; Saraqib's two
# mentions in "Day 1" are one item (one per article, place and event type).
EXPECTED = [
    ("2020-01-25", "Kafranbel", "Air strike", "Day 5", " — Herald"),
    ("2020-01-23", "Ariha", "Air strike", "Day 3", " — Daily"),
    ("2020-01-22", "Ariha", "Shelling", "Day 2", " — Wire"),
    ("2020-01-21", "Saraqib", "Air strike", "Day 1", " — Wire"),
    ("no date", "Saraqib", "Clashes", "Undated", " — Herald"),
]


@pytest.fixture(scope="module")
def events(gazetteer):
    return api.build_events(ARTICLES, gazetteer)


@pytest.fixture(scope="module")
def list_map(tmp_path_factory: pytest.TempPathFactory, events) -> Path:
    path = tmp_path_factory.mktemp("list") / "list.html"
    path.write_text(render_map(events), encoding="utf-8")
    return path


def _open(offline: OfflinePage, path: Path, size: tuple[int, int] = DESKTOP) -> Any:
    page = offline.open(path, size)
    page.wait_for_selector(".gm-list", state="attached", timeout=10_000)
    return page


def _wait_listed(page: Any) -> None:
    page.wait_for_function("() => { const l = window.geomap.current.list; return l && l.updates > 0; }")


ITEMS = """() => Array.from(document.querySelectorAll(".gm-list-items li")).map((li) =>
    [".gm-item-date", ".gm-item-place", ".gm-item-type", ".gm-item-title", ".gm-item-source"]
        .map((s) => li.querySelector(s) ? li.querySelector(s).textContent : ""))"""


def _items(page: Any) -> list[tuple[str, ...]]:
    return [tuple(item) for item in page.evaluate(ITEMS)]


def _places(page: Any) -> list[str]:
    return [item[1] for item in _items(page)]


def _wait_places(page: Any, places: list[str]) -> None:
    """Wait until the list shows exactly ``places``, in this order (it updates on the next frame)."""
    page.wait_for_function(
        """(want) => JSON.stringify(Array.from(document.querySelectorAll(".gm-list-items .gm-item-place"))
            .map((e) => e.textContent)) === JSON.stringify(want)""",
        arg=places,
        timeout=5_000,
    )


def test_the_list_shows_the_events_in_view_newest_first(offline: OfflinePage, list_map: Path) -> None:
    page = _open(offline, list_map)
    _wait_listed(page)
    assert page.evaluate("document.querySelector('.gm-list').open") is True  # open on a laptop
    assert _items(page) == EXPECTED
    assert page.locator(".gm-list-status").inner_text() == "5 events in view"
    assert page.locator(".gm-list").get_attribute("aria-label") == "Events in view"
    assert page.locator(".gm-list-items").get_attribute("role") == "list"
    assert page.locator(".gm-list-items li[tabindex='0']").count() == 5
    swatch = """(root) => Object.fromEntries(Array.from(document.querySelectorAll(root)).map((e) => {
        const s = e.querySelector(".gm-swatch");
        return [e.textContent.replace(/\\d+$/, "").trim(), s.className + " " + s.style.background];
    }))"""
    in_list, in_legend = page.evaluate(swatch, ".gm-item-type"), page.evaluate(swatch, ".gm-legend > label")
    assert in_list == {k: in_legend[k] for k in ("Air strike", "Shelling", "Clashes")}  # the legend's shape and colour
    assert offline.requests == [] and offline.errors == []


def test_clicking_an_item_opens_its_popup_and_centres_the_map(offline: OfflinePage, list_map: Path) -> None:
    page = _open(offline, list_map)
    _wait_listed(page)
    distance = """(name) => {  // px from the map's centre to the place
        const g = window.geomap, P = g.data.places, p = P.name.indexOf(name);
        const at = g.map.latLngToContainerPoint([P.lat[p], P.lon[p]]), size = g.map.getSize();
        return Math.hypot(at.x - size.x / 2, at.y - size.y / 2);
    }"""
    assert page.evaluate(distance, "Kafranbel") > 100
    first_view = page.evaluate("() => [window.geomap.map.getCenter(), window.geomap.map.getZoom()]")
    page.locator(".gm-list-items li", has_text="Kafranbel").click()
    page.wait_for_selector(".leaflet-popup-content .gm-popup", timeout=5_000)
    assert page.locator(".leaflet-popup-content h3").inner_text() == "Kafranbel"
    assert page.evaluate(distance, "Kafranbel") < 40
    page.wait_for_function("() => document.querySelector('.gm-list-items li.gm-current') !== null")
    current = page.locator(".gm-list-items li.gm-current")
    assert current.count() == 1 and current.get_attribute("aria-current") == "true"
    assert "Kafranbel" in current.inner_text()

    # Keyboard: Enter on a focused item does the same, and the focus stays on it through the update.
    page.evaluate("([c, z]) => { window.geomap.map.setView(c, z, {animate: false}); }", first_view)  # all in view again
    page.locator(".gm-list-items li", has_text="Day 2").focus()
    page.keyboard.press("Tab")  # to the next item, "Day 1" (Saraqib), as a keyboard user goes
    assert page.evaluate("document.activeElement.textContent").endswith("Day 1 — Wire")
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"  # the focus ring
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.leaflet-popup-content h3')?.textContent === 'Saraqib'", timeout=5_000
    )
    assert page.evaluate(distance, "Saraqib") < 40
    page.wait_for_timeout(100)
    assert page.evaluate("document.activeElement.textContent").endswith("Day 1 — Wire")
    assert offline.requests == [] and offline.errors == []


def test_moving_the_map_updates_the_list(offline: OfflinePage, list_map: Path) -> None:
    page = _open(offline, list_map)
    _wait_listed(page)
    # Move the view west: Saraqib, the easternmost place, leaves it (its markers move right, off the map).
    x = page.evaluate(
        """() => { const g = window.geomap, P = g.data.places, p = P.name.indexOf("Saraqib");
                   return g.map.latLngToContainerPoint([P.lat[p], P.lon[p]]).x; }"""
    )
    page.evaluate(f"() => {{ window.geomap.map.panBy([{x - 1300}, 0], {{animate: false}}); }}")
    _wait_places(page, ["Kafranbel", "Ariha", "Ariha"])
    assert page.locator(".gm-list-status").inner_text() == "3 events in view"
    in_view = page.evaluate(
        """() => { const g = window.geomap, P = g.data.places, b = g.map.getBounds();
                   return ["Saraqib", "Ariha", "Kafranbel"].map((n) => { const p = P.name.indexOf(n);
                       return b.contains([P.lat[p], P.lon[p]]); }); }"""
    )
    assert in_view == [False, True, True]
    page.evaluate("() => { window.geomap.map.panBy([-2000, 0], {animate: false}); }")  # nothing in view
    page.wait_for_function("() => document.querySelector('.gm-list-status').textContent.startsWith('No events')")
    assert _items(page) == []
    assert offline.requests == [] and offline.errors == []


def test_the_legend_dates_and_source_filter_the_list(offline: OfflinePage, list_map: Path) -> None:
    page = _open(offline, list_map)
    _wait_listed(page)
    page.locator(".gm-legend label", has_text="Air strike").locator("input").uncheck()
    _wait_places(page, ["Ariha", "Saraqib"])  # shelling, clashes
    page.locator(".gm-legend label", has_text="Air strike").locator("input").check()
    _wait_places(page, ["Kafranbel", "Ariha", "Ariha", "Saraqib", "Saraqib"])

    sources = page.locator(".gm-list-source option").all_inner_texts()
    assert sources == ["All sources", "Daily", "Herald", "Wire"]
    assert page.locator(".gm-list-source").get_attribute("aria-label") == "Source"
    page.select_option(".gm-list-source", label="Wire")
    _wait_places(page, ["Ariha", "Saraqib"])
    assert [item[4] for item in _items(page)] == [" — Wire", " — Wire"]
    page.select_option(".gm-list-source", label="All sources")
    _wait_places(page, ["Kafranbel", "Ariha", "Ariha", "Saraqib", "Saraqib"])

    # The dates' slider: up to 22 January (undated events always pass, as on the map).
    page.evaluate("() => { window.geomap.current.setDateRange(0, 1); }")
    _wait_places(page, ["Ariha", "Saraqib", "Saraqib"])
    assert offline.requests == [] and offline.errors == []


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_panel_covers_no_other_control(offline: OfflinePage, list_map: Path, size: tuple[int, int]) -> None:
    page = _open(offline, list_map, size)
    page.wait_for_timeout(300)  # every control is added once the data is drawn
    boxes = page.evaluate(CONTROL_BOXES)
    assert any("gm-list" in name for name, *_ in boxes)
    assert_controls_apart(boxes, size)
    if size == DESKTOP:  # open, under the layer list, and its items scroll above the legend
        _wait_listed(page)
        page.locator(".gm-legend .gm-groups summary").click()  # the legend grows: the list makes room
        page.wait_for_timeout(200)
        assert_controls_apart(page.evaluate(CONTROL_BOXES), size)


def test_on_a_phone_the_panel_is_a_button_until_tapped(offline: OfflinePage, list_map: Path) -> None:
    page = _open(offline, list_map, PHONE)
    page.wait_for_timeout(300)
    assert page.evaluate("document.querySelector('.gm-list').open") is False
    assert page.evaluate("window.geomap.current.list.updates") == 0  # nothing computed while closed
    summary = page.locator(".gm-list > summary").bounding_box()
    assert summary["width"] >= 44 and summary["height"] >= 44
    page.locator(".gm-list > summary").click()
    _wait_places(page, [item[1] for item in EXPECTED])
    heights = page.evaluate(
        "Array.from(document.querySelectorAll('.gm-list-items li, .gm-list-source'))"
        ".map((e) => e.getBoundingClientRect().height)"
    )
    assert min(heights) >= 44, heights
    page.locator(".gm-list-items li", has_text="Day 3").click()  # Ariha
    page.wait_for_selector(".leaflet-popup-content .gm-popup", timeout=5_000)
    assert page.locator(".leaflet-popup-content h3").inner_text() == "Ariha"
    assert page.evaluate("document.querySelector('.gm-list').open") is False  # the map and its popup, not the list
    assert offline.requests == [] and offline.errors == []


def test_a_long_list_is_capped_and_sorted(offline: OfflinePage, tmp_path: Path) -> None:
    """1,000 mentions of 500 places in 50 articles (bench/map.py's table): 200 items drawn, the rest counted."""
    spec = importlib.util.spec_from_file_location("bench_map", ROOT / "bench" / "map.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    table = bench.synthetic_events(1000)
    expected = len(table.drop_duplicates(["article_id", "place_id"]))  # one type per place (its kind) here
    path = tmp_path / "long.html"
    path.write_text(render_map(table), encoding="utf-8")
    page = _open(offline, path)
    _wait_listed(page)
    page.evaluate("() => { window.geomap.map.setView([35, 40], 1, {animate: false}); }")  # everything in view
    page.wait_for_function(f"() => window.geomap.current.list.count === {expected}")
    assert page.locator(".gm-list-status").inner_text() == f"{expected:,} events in view"
    assert page.locator(".gm-list-items li").count() == 200
    assert page.locator(".gm-list .gm-more").inner_text() == f"… and {expected - 200:,} more — zoom in"
    items = _items(page)
    keys = [(item[0], item[1].lower()) for item in items]
    assert keys == sorted(keys, key=lambda k: (-int(k[0].replace("-", "")), k[1]))  # newest first, then place
    assert offline.requests == [] and offline.errors == []


def test_article_text_shows_as_text(offline: OfflinePage, tmp_path: Path, gazetteer) -> None:
    title = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> & Co'
    hostile = Article(id="x", title=title, date="2020-01-22", source="<b>Wire</b>", text="Air strikes hit Ariha.\n")
    path = tmp_path / "hostile.html"
    path.write_text(render_map(api.build_events([hostile], gazetteer)), encoding="utf-8")
    page = _open(offline, path)
    _wait_listed(page)
    assert _items(page) == [("2020-01-22", "Ariha", "Air strike", title, " — <b>Wire</b>")]
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".gm-list img, .gm-list script, .gm-list b").count() == 0
    assert offline.requests == [] and offline.errors == []


# ---- the page -----------------------------------------------------------------------------------------


def test_the_page_carries_list_js_once_after_events_js_and_is_deterministic(events) -> None:
    page = render_map(events)
    assert render_map(events) == page  # byte-identical across renders
    library = inline_library(page, "root.geomap.eventList = eventList")
    assert page.count("geomap.eventList(") == 1 and page.count(".gm-list-items {") == 1
    assert ".innerHTML" not in library and "insertAdjacentHTML" not in library


def test_event_list_is_a_folium_element_of_its_own(events) -> None:
    assert geomap.EventList is EventList
    m = folium.Map(tiles=None)
    layer = EventLayer(events, event_list=False).add_to(m)
    assert "geomap.eventList(" not in m.get_root().render()
    EventList(layer, position="bottomleft").add_to(m)
    page = m.get_root().render()
    assert page.count("geomap.eventList(") == 1 and '"bottomleft");' in page
    with pytest.raises(ValueError, match="position"):
        EventList(layer, position="middle")
