"""The map as a newsroom reader uses it (issue 19), in headless Chromium with the network blocked:
the view it opens on, readable legend, the play control, permalinks, search by any spelling, and a
phone-sized screen where no control covers another.

The maps are built from the seed article by the real pipeline (world gazetteer), except where a
test needs several dates: then from articles written for the test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_page import CHROMIUM, CONTROL_BOXES, OfflinePage, assert_controls_apart

from geomap import api
from geomap.map import render_map
from geomap.model import Article

ROOT = Path(__file__).resolve().parent.parent
DESKTOP, PHONE = (1280, 800), (390, 844)

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def seed_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reading") / "seed.html"
    api.build_map([ROOT / "seeds"], path, store=tmp_path_factory.mktemp("store") / "s.sqlite")
    return path


WEEK = [  # one strike a day on three towns, written for this test
    Article(id=f"day{n}", title=f"Day {n}", date=f"2020-01-2{n}", source="Wire",
            text=f"Air strikes hit {town}, killing civilians.\n")
    for n, town in ((1, "Saraqib"), (3, "Ariha"), (5, "Kafr Nabl"))
]  # fmt: skip


@pytest.fixture(scope="module")
def week_map(tmp_path_factory: pytest.TempPathFactory, gazetteer) -> Path:
    path = tmp_path_factory.mktemp("reading") / "week.html"
    path.write_text(render_map(api.build_events(WEEK, gazetteer)), encoding="utf-8")
    return path


def _open(offline: OfflinePage, path: Path, size: tuple[int, int], hash_: str = "") -> Any:
    page = offline.open(path, size, hash_)
    page.wait_for_timeout(300)  # the controls are added once the data is drawn
    return page


EVENT_MARKERS_IN_VIEW = """() => {
    const g = window.geomap, D = g.data, M = D.mentions, view = g.map.getBounds(), out = [];
    const quiet = new Set(["diplomacy", "mention_only"]);
    for (let m = 0; m < M.place.length; m++) {
        const p = M.place[m];
        if (!g.markers[p] || quiet.has(D.categories[M.cat[m]][0])) continue;
        out.push([D.places.name[p], view.contains([D.places.lat[p], D.places.lon[p]])]);
    }
    return out;
}"""


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_map_opens_on_the_events(offline: OfflinePage, seed_map: Path, size: tuple[int, int]) -> None:
    """Not the continent the old bounds gave (Moscow's statement pulled the view to Russia, zoom 4)."""
    page = _open(offline, seed_map, size)
    inside = page.evaluate(EVENT_MARKERS_IN_VIEW)
    assert {name for name, _ in inside} >= {"Kafr Ruma", "Maarat al-Numan", "Khmeimim Air Base"}
    assert all(shown for _, shown in inside), inside
    assert page.evaluate("window.geomap.map.getZoom()") >= 6
    assert offline.errors == [] and offline.requests == []


def test_center_and_zoom_override_the_fit(offline: OfflinePage, tmp_path: Path, gazetteer) -> None:
    path = tmp_path / "aleppo.html"
    events = api.build_events(WEEK, gazetteer)
    path.write_text(render_map(events, center=(36.2, 37.15), zoom=9), encoding="utf-8")
    page = _open(offline, path, DESKTOP)
    view = page.evaluate("[window.geomap.map.getZoom(), window.geomap.map.getCenter()]")
    assert view[0] == 9 and (round(view[1]["lat"], 2), round(view[1]["lng"], 2)) == (36.2, 37.15)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_control_covers_another_or_leaves_the_screen(
    offline: OfflinePage, week_map: Path, size: tuple[int, int]
) -> None:
    page = _open(offline, week_map, size)
    boxes = page.evaluate(CONTROL_BOXES)
    assert len(boxes) >= 7  # zoom, full screen, search, title, layers, dates, legend, scale, attribution
    assert_controls_apart(boxes, size)


_TOP_CONTROLS = ("leaflet-control-zoom", "gm-save-image", "gm-search", "gm-title", "leaflet-control-layers")


def test_a_phone_shows_one_panel_at_a_time_as_a_sheet_below_the_top_controls(
    offline: OfflinePage, seed_map: Path
) -> None:
    """Tapping a panel's button on a phone opens it as a sheet at the bottom of the screen and closes the
    panel that was open: the search box, zoom, title and layers stay visible and usable above it."""
    page = _open(offline, seed_map, PHONE)
    panels = page.evaluate("() => Array.from(document.querySelectorAll('.gm-panel')).map((e) => e.className)")
    assert len(panels) == 3  # events in view, dates, event types
    for index in range(len(panels)):
        page.locator(".gm-panel > summary").nth(index).click()
        page.wait_for_timeout(100)
        open_panels = page.evaluate("() => Array.from(document.querySelectorAll('.gm-panel[open]')).length")
        assert open_panels == 1, f"tapping panel {index} left {open_panels} panels open"
        boxes = page.evaluate(CONTROL_BOXES)
        sheet = next(box for box in boxes if "gm-panel" in box[0] and box[0] == _open_panel_name(page))
        top = [box for box in boxes if any(name in box[0] for name in _TOP_CONTROLS)]
        assert len(top) == len(_TOP_CONTROLS)
        assert_controls_apart([sheet, *top], PHONE)
        assert sheet[3] - sheet[1] >= PHONE[0] - 20  # a sheet: (nearly) the screen's width
        assert page.evaluate(_SHEET_ON_TOP, sheet), "another control is drawn over the open sheet"
    page.locator(".gm-panel[open] > summary").click()  # tapping the open one closes it
    assert page.evaluate("() => document.querySelectorAll('.gm-panel[open]').length") == 0


# Whether the open panel is what a finger touches along its top, middle and bottom edge.
_SHEET_ON_TOP = """([, left, top, right, bottom]) => {
    const sheet = document.querySelector('.gm-panel[open]');
    return [top + 5, (top + bottom) / 2, bottom - 5].every((y) => [left + 10, (left + right) / 2, right - 10]
        .every((x) => sheet.contains(document.elementFromPoint(x, y))));
}"""


def _open_panel_name(page: Any) -> str:
    return page.evaluate(
        """() => document.querySelector('.gm-panel[open]').className.split(' ')
                  .filter((c) => c !== 'leaflet-control').join('.')"""
    )


def test_touch_targets_on_a_phone(offline: OfflinePage, week_map: Path) -> None:
    page = _open(offline, week_map, PHONE)
    sizes = page.evaluate(
        """() => [".leaflet-control-zoom-in", ".leaflet-control-zoom-out", ".leaflet-control-layers-toggle",
                  ".gm-legend > summary", ".gm-dates > summary"].map((s) => {
            const r = document.querySelector(s).getBoundingClientRect();
            return [s, r.width, r.height];
        })"""
    )
    assert all(w >= 44 and h >= 44 for _, w, h in sizes), sizes
    assert page.evaluate("document.querySelector('.gm-legend').open") is False  # a button until tapped


def test_the_legend_speaks_to_readers_and_filters(offline: OfflinePage, seed_map: Path) -> None:
    page = _open(offline, seed_map, DESKTOP)
    labels = page.locator(".gm-legend label").all_inner_texts()
    names = [text.split("\n")[0] for text in labels]
    assert names == ["Air strike", "Drone attack", "Clashes", "Statement", "Mentioned"]
    counts = [int(text.split("\n")[1]) for text in labels]
    assert sum(counts) == page.evaluate("window.geomap.data.mentions.place.length")
    before = page.evaluate("window.geomap.cluster.getLayers().length")
    page.locator(".gm-legend label", has_text="Statement").locator("input").uncheck()
    page.wait_for_function(f"() => window.geomap.cluster.getLayers().length < {before}")
    shapes = page.evaluate("Array.from(document.querySelectorAll('.gm-legend .gm-swatch')).map((s) => s.className)")
    assert len(set(shapes)) >= 3  # not colour alone


def test_play_shows_events_as_their_dates_arrive(offline: OfflinePage, week_map: Path) -> None:
    page = _open(offline, week_map, DESKTOP)
    visible = "window.geomap.cluster.getLayers().length"  # predicates as functions: the page's policy forbids eval
    assert page.evaluate(visible) == 3
    page.locator(".gm-play").click()  # 21 January: only Saraqib's strike has happened
    page.wait_for_function(f"() => {visible} === 1")
    assert page.locator(".gm-range-label").inner_text() == "2020-01-21"
    page.wait_for_function(f"() => {visible} === 2", timeout=10_000)
    page.locator(".gm-play").click()  # pause
    paused = page.evaluate(visible)
    page.wait_for_timeout(2_500)
    assert page.evaluate(visible) == paused == 2
    page.locator(".gm-speed").click()
    page.locator(".gm-play").click()
    page.wait_for_function(f"() => {visible} === 3 && !window.geomap.current.playing", timeout=15_000)


def test_a_permalink_restores_view_filters_and_popup(offline: OfflinePage, browser: Any, seed_map: Path) -> None:
    page = _open(offline, seed_map, DESKTOP)
    page.locator(".gm-legend label", has_text="Mentioned").locator("input").uncheck()
    page.evaluate("() => { window.geomap.showPlace(window.geomap.placeIndex('geomap:kafr-ruma')); }")
    page.wait_for_selector(".leaflet-popup-content .gm-popup")
    page.evaluate("() => { window.geomap.map.setView([35.7, 36.5], 11, {animate: false}); }")
    page.wait_for_timeout(300)
    link = page.evaluate("location.hash")
    assert "map=11/35.7000/36.5000" in link and "place=geomap%3Akafr-ruma" in link and "types=" in link

    other = OfflinePage(browser)
    try:
        again = _open(other, seed_map, DESKTOP, link)
        view = again.evaluate("[window.geomap.map.getZoom(), window.geomap.map.getCenter()]")
        assert view[0] == 11 and (round(view[1]["lat"], 3), round(view[1]["lng"], 3)) == (35.7, 36.5)
        assert "Kafr Ruma" in again.locator(".leaflet-popup-content h3").inner_text()
        unchecked = again.locator(".gm-legend label", has_text="Mentioned").locator("input")
        assert unchecked.is_checked() is False
        assert other.errors == [] and other.requests == []
    finally:
        other.close()


@pytest.mark.parametrize(
    ("query", "place"),
    [("Idleb", "Idlib"), ("hmeimim", "Khmeimim Air Base"), ("ma'arrat al-nu'man", "Maarat al-Numan")],
)
def test_search_finds_every_spelling_once(offline: OfflinePage, seed_map: Path, query: str, place: str) -> None:
    page = _open(offline, seed_map, DESKTOP)
    page.fill(".gm-search input", query)
    items = page.locator(".gm-results li").all_inner_texts()
    assert items and items[0].startswith(place), items
    assert len(items) == len(set(items))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content .gm-popup", timeout=5_000)
    assert place in page.locator(".leaflet-popup-content h3").inner_text()
