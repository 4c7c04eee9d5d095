"""The "Save as PNG" button: a click downloads the view as a PNG, made in the browser with the network off.

Why check pixels: a PNG of the right size can still be blank (a canvas left out, a tainted canvas,
a blocked ``data:`` image), which is exactly what an offline page under a strict Content-Security-Policy
risks. The PNG is decoded here with zlib (Pillow is not a dependency) and compared with what the
basemap, the sea and a marker must look like.
"""

from __future__ import annotations

import struct
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import folium
import pytest
from browser_page import CHROMIUM, OfflinePage
from map_fixtures import seed_events

from geomap.map import SaveImage, offline, render_map, save_map
from geomap.map.save_image import SAVE_IMAGE_LABEL

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LIBRARY = "/*! html-to-image@1.11.13/dist/html-to-image.js"
BUTTON = f"button[aria-label='{SAVE_IMAGE_LABEL}']"
LAND = (244, 241, 232)  # the offline basemap's land fill (static/geomap/events.js, vectorBasemap)
SAVED = Path("/tmp/geomap_save_image.png")  # the last PNG a test saved, to look at

browser_only = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed")


# --- a PNG decoder (8-bit RGB/RGBA, not interlaced: what browsers write) ----------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC, data[:8]
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def decode_png(data: bytes) -> list[list[tuple[int, ...]]]:
    """Rows of RGBA pixels (PNG filters undone; RGB gets alpha 255)."""
    width, height = png_size(data)
    position, idat, header = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind, body = data[position + 4 : position + 8], data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat.append(body)
    depth, colour, interlace = header[8], header[9], header[12]
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    bpp = 4 if colour == 6 else 3
    raw, stride = zlib.decompress(b"".join(idat)), width * bpp
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous))
        elif kind in (1, 3, 4):
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
                if kind == 1:
                    line[i] = (line[i] + left) & 255
                elif kind == 3:
                    line[i] = (line[i] + (left + up) // 2) & 255
                else:  # Paeth: the neighbour nearest to left + up - corner, ties to left, then up
                    guess = left + up - corner
                    near = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))
                    line[i] = (line[i] + near[2]) & 255
        pixels = [tuple(line[x : x + bpp]) for x in range(0, stride, bpp)]
        rows.append([p if bpp == 4 else (*p, 255) for p in pixels])
        previous = line
    return rows


def usual_colour(rows: list[list[tuple[int, ...]]], x: float, y: float, radius: int = 3) -> tuple[int, ...]:
    """The most common RGB colour in the square of side 2 * radius + 1 around (x, y)."""
    x, y = round(x), round(y)
    window = [rows[j][i][:3] for j in range(y - radius, y + radius + 1) for i in range(x - radius, x + radius + 1)]
    return Counter(window).most_common(1)[0][0]


def close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 6) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b))


def rgb(css: str) -> tuple[int, ...]:
    """``rgb(1, 2, 3)`` or ``rgba(1, 2, 3, 0.5)`` -> ``(1, 2, 3)``."""
    return tuple(int(float(v)) for v in css[css.index("(") + 1 : -1].split(",")[:3])


# --- in the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("map") / "seed.html"
    save_map(seed_events(), path, title="Idlib offensive, January 2020")
    return path


# Syria at zoom 7: Damascus's marker alone, Idlib's cluster, Turkey's land, the sea off Lebanon.
VIEW = """() => new Promise((resolve) => {
    const map = window.geomap.map;
    map.once("moveend", () => setTimeout(resolve, 300));
    map.setView([34.8, 37.8], 7, {animate: false});
})"""
# Markers leaving a cluster glide to their place: wait until Damascus's is there.
SETTLED = """() => {
    const map = window.geomap.map, marker = window.geomap.markers[window.geomap.placeIndex("170654")];
    const element = marker.getElement(), box = map.getContainer().getBoundingClientRect();
    if (!element) return false;
    const r = element.getBoundingClientRect(), p = map.latLngToContainerPoint(marker.getLatLng());
    return Math.abs(r.left - box.left + r.width / 2 - p.x) < 1 && Math.abs(r.top - box.top + r.height / 2 - p.y) < 1;
}"""
POINTS = """() => {
    const map = window.geomap.map, at = (lat, lon) => map.latLngToContainerPoint([lat, lon]);
    const box = map.getContainer().getBoundingClientRect();
    const damascus = window.geomap.markers[window.geomap.placeIndex("170654")].getElement();
    const dot = [damascus, ...damascus.querySelectorAll("*")].find(
        (e) => getComputedStyle(e).backgroundColor !== "rgba(0, 0, 0, 0)");
    const r = dot.getBoundingClientRect(), button = document.querySelector(".gm-save-image button");
    const b = button.getBoundingClientRect();
    return {
        width: box.width, height: box.height, ratio: window.devicePixelRatio,
        background: getComputedStyle(map.getContainer()).backgroundColor,
        land: at(38.0, 36.5), sea: at(34.0, 33.0),
        marker: {x: r.left - box.left + r.width / 2, y: r.top - box.top + r.height / 2},
        markerColour: getComputedStyle(dot).backgroundColor,
        button: {x: b.left - box.left + b.width / 2, y: b.top - box.top + b.height / 2},
    };
}"""


def save_png(page: Any, press: str | None = None) -> bytes:
    """Click the button (or press a key on it) and return the downloaded file's bytes."""
    with page.expect_download(timeout=30_000) as info:
        if press is None:
            page.click(BUTTON)
        else:
            page.keyboard.press(press)
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == "map.png"
    return Path(download.path()).read_bytes()


@browser_only
def test_click_saves_the_current_view_as_a_png(offline: OfflinePage, seed_map: Path) -> None:
    page = offline.open(seed_map)
    page.evaluate(VIEW)
    page.wait_for_function(SETTLED, timeout=5_000)
    where = page.evaluate(POINTS)
    data = save_png(page)
    SAVED.write_bytes(data)

    ratio = where["ratio"]
    assert png_size(data) == (round(where["width"] * ratio), round(where["height"] * ratio)) == (1280, 800)
    rows = decode_png(data)
    background = rgb(where["background"])
    sea = usual_colour(rows, where["sea"]["x"] * ratio, where["sea"]["y"] * ratio)
    land = usual_colour(rows, where["land"]["x"] * ratio, where["land"]["y"] * ratio)
    marker = usual_colour(rows, where["marker"]["x"] * ratio, where["marker"]["y"] * ratio, radius=2)
    assert close(sea, background), (sea, background)  # the container's own background: the sea
    assert close(land, LAND) and not close(land, background), land  # the basemap canvas is in the picture
    assert close(marker, rgb(where["markerColour"])), (marker, where["markerColour"])  # Damascus's dot
    assert not close(marker, background) and not close(marker, land)
    button = rows[round(where["button"]["y"] * ratio)][round(where["button"]["x"] * ratio)][:3]
    assert button not in ((255, 255, 255), (244, 244, 244))  # the button itself is left out

    assert offline.requests == [], "saving the image must not touch the network"
    assert offline.errors == []
    assert page.locator(BUTTON).get_attribute("aria-busy") is None  # ready for the next click


@browser_only
def test_the_button_works_from_the_keyboard(offline: OfflinePage, seed_map: Path) -> None:
    page = offline.open(seed_map)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.getAttribute('aria-label') === {SAVE_IMAGE_LABEL!r}"):
            break
    else:
        pytest.fail("Tab never reaches the save button")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    data = save_png(page, press="Enter")
    assert png_size(data) == (1280, 800)
    assert offline.requests == [] and offline.errors == []


class _Phone:
    """A browser whose new pages are a phone's: small touch screen, two device pixels per CSS pixel."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser

    def new_page(self, **options: Any) -> Any:
        phone = {"viewport": {"width": 390, "height": 700}, "device_scale_factor": 2, "has_touch": True}
        return self.browser.new_page(**{**options, **phone})


@browser_only
def test_on_a_phone_the_button_is_a_44px_target_and_the_png_has_device_pixels(browser: Any, seed_map: Path) -> None:
    phone = OfflinePage(_Phone(browser))
    try:
        page = phone.open(seed_map)
        box = page.locator(BUTTON).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
        size = page.evaluate("() => window.geomap.map.getSize()")
        data = save_png(page)
        assert png_size(data) == (size["x"] * 2, size["y"] * 2) == (780, 1400)
        assert phone.requests == [] and phone.errors == []
        assert phone.csp_violations() == []
    finally:
        phone.close()


# --- in Python --------------------------------------------------------------------------------------


def test_geomap_pages_have_one_button_and_the_library_once() -> None:
    page = render_map(seed_events(), title="Idlib")
    assert page.count("geomapSaveImage(map_") == 1
    assert f'"label": "{SAVE_IMAGE_LABEL}"' in page and '"filename": "map.png"' in page
    assert page.count(LIBRARY) == 1 and page.count("if (root.geomapSaveImage) return;") == 1
    assert "cdn.jsdelivr.net/npm/html-to-image" not in page  # inlined, not linked
    assert "img-src data: blob:" in page  # all the button needs from the policy (it was already there)
    assert render_map(seed_events(), title="Idlib") == page


def test_save_image_on_a_plain_folium_map_is_inlined_by_offline() -> None:
    m = folium.Map(tiles=None)
    SaveImage(position="bottomright", filename="idlib.png").add_to(m)
    html = offline(m).get_root().render()
    assert LIBRARY in html and '"filename": "idlib.png"' in html and '"position": "bottomright"' in html
    assert "https://cdn.jsdelivr.net/npm/html-to-image" not in html


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"position": "middle"}, "position"),
        ({"filename": "map.jpg"}, "ending in '.png'"),
        ({"filename": ".png"}, "ending in '.png'"),
        ({"filename": "../map.png"}, "without folders"),
    ],
)
def test_save_image_rejects_bad_options(options: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SaveImage(**options)


def test_same_options_same_element_id() -> None:
    assert SaveImage().get_name() == SaveImage().get_name() != SaveImage(filename="other.png").get_name()
