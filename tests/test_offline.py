"""geomap.map.offline: any folium map made self-contained (no request for code, styles, fonts, images).

Unit tests check the URL table against the committed files and folium's own URLs, and what a
rendered page links; the browser tests open a page with every request blocked and counted.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import folium
import pytest
from branca.element import Element
from folium import plugins
from folium.elements import JSCSSMixin

from geomap.errors import GeomapError, OfflineError, RenderError
from geomap.map.offline import (
    BUNDLED,
    OfflineHeader,
    OfflineWarning,
    bundled,
    inline_html,
    offline,
    packages,
    static_files,
)

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "geomap" / "map" / "static"
VENDOR = STATIC / "vendor"
UNKNOWN = "https://example.org/unbundled/lib.js"

# Any src/href to the network, or a CSS url() to the network.
_NETWORK_LINK = re.compile(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)
_NETWORK_CSS = re.compile(r"""url\(\s*["']?\s*(?:https?:)?//""", re.I)

POLYGON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "triangle"},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 40], [5, 40], [5, 45], [0, 40]]]},
        }
    ],
}
TIMED = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[5, 44], [6, 45]]},
            "properties": {"times": ["2020-01-01", "2020-01-02"], "start": "2020-01-01", "end": "2020-01-02"},
        }
    ],
}


class Unbundled(JSCSSMixin):
    """An element linking a library geomap has no copy of."""

    _template = folium.template.Template("")
    default_js = [("mylib", UNKNOWN)]


def fix_ids(m: Element) -> Element:
    """Content ids for every element, so that renders in two processes can be compared."""
    number = 0

    def walk(element: Element) -> None:
        nonlocal number
        element._id = f"e{number}"
        number += 1
        for child in [*element._children.values(), *(getattr(element, a, None) for a in ("header", "html", "script"))]:
            if isinstance(child, Element):
                walk(child)

    walk(m)
    return m


def spec_map() -> folium.Map:
    """Map defaults and the plugins the task names, all links made offline."""
    m = folium.Map(location=[45, 10], zoom_start=5)
    folium.Marker([45, 10], popup="plain").add_to(m)
    folium.Marker([46, 12], icon=folium.Icon(icon="info-sign")).add_to(m)
    cluster = plugins.MarkerCluster().add_to(m)
    folium.Marker([44, 9]).add_to(cluster)
    plugins.HeatMap([[45, 10, 1.0]]).add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.MiniMap().add_to(m)
    plugins.MeasureControl().add_to(m)
    plugins.Draw().add_to(m)
    plugins.LocateControl().add_to(m)
    plugins.MousePosition().add_to(m)
    layer = folium.GeoJson(POLYGON).add_to(m)
    plugins.Search(layer=layer, search_label="name", geom_type="Polygon").add_to(m)
    plugins.AntPath([[45, 10], [46, 11]]).add_to(m)
    plugins.TimestampedGeoJson(TIMED).add_to(m)
    return m


def every_plugin_map() -> folium.Map:
    """spec_map plus the other covered plugins."""
    m = spec_map()
    folium.Marker([43, 7], icon=plugins.BeautifyIcon(icon="star")).add_to(m)
    group = folium.FeatureGroup("group").add_to(m)
    sub = plugins.FeatureGroupSubGroup(group, "sub").add_to(m)
    folium.Marker([42, 7]).add_to(sub)
    other = folium.FeatureGroup("other").add_to(m)
    plugins.GroupedLayerControl({"groups": [group, other]}).add_to(m)
    plugins.TreeLayerControl(overlay_tree={"label": "all", "children": [{"label": "g", "layer": group}]}).add_to(m)
    line = folium.PolyLine([[40, 5], [41, 6]]).add_to(m)
    plugins.PolyLineTextPath(line, "text").add_to(m)
    plugins.PolyLineOffset([[40, 5], [41, 6]], offset=4).add_to(m)
    plugins.SemiCircle([45, 10], radius=1000, direction=0, arc=90).add_to(m)
    plugins.FastMarkerCluster([[40, 5], [41, 6]]).add_to(m)
    plugins.HeatMapWithTime([[[45, 10, 1.0]], [[46, 11, 1.0]]]).add_to(m)
    timeline = plugins.Timeline(TIMED).add_to(m)
    plugins.TimelineSlider().add_timelines(timeline).add_to(m)
    topology = {"type": "Topology", "objects": {"o": {"type": "GeometryCollection", "geometries": []}}, "arcs": []}
    folium.TopoJson(topology, "objects.o").add_to(m)
    plugins.TimestampedWmsTileLayers(folium.WmsTileLayer("https://example.org/wms", layers="x")).add_to(m)
    return m


def assert_self_contained(html: str) -> None:
    assert _NETWORK_LINK.findall(html) == []
    assert _NETWORK_CSS.findall(html) == []


# --- the table and the committed files -------------------------------------------------------


def test_every_table_url_has_its_bundled_file() -> None:
    for url, entry in BUNDLED.items():
        if entry.origin == "folium":
            assert (Path(folium.__file__).parent / entry.path).is_file(), url
        else:
            assert (STATIC / entry.static_path).is_file(), f"{url}: {entry.static_path} missing (run vendor.py)"
        html = inline_html(url)
        assert html.startswith("<style>" if entry.kind == "css" else "<script>"), url
        assert _NETWORK_CSS.findall(html) == [], url
        for css in re.findall(r"<style>(.*?)</style>", html, re.S):
            for ref in re.findall(r"""url\(\s*["']?([^"')]*)""", css):
                assert ref.startswith(("data:", "#")), f"{url}: url({ref[:60]}) is not inlined"


def test_versions_match_the_urls_or_say_why() -> None:
    for url, entry in BUNDLED.items():
        for version in re.findall(r"[@/](\d+(?:\.\d+)+)(?=/)", url):
            if entry.origin == "npm" and not entry.version.startswith(version):
                assert version in entry.note, f"{url}: bundles {entry.version} with no note"


def test_vendor_holds_only_what_the_table_needs() -> None:
    needed = set(static_files())
    present = {path.relative_to(STATIC).as_posix() for path in VENDOR.rglob("*") if path.is_file()}
    licences = {p for p in present if re.search(r"/(LICEN[CS]E|MIT-LICEN[CS]E)[^/]*$", p, re.I)}
    assert needed <= present
    assert present - needed == licences
    fonts = {p.rsplit(".", 1)[1] for p in present if "/fonts/" in p or "/webfonts/" in p}
    assert fonts <= {"woff2", "woff"}  # eot/ttf/svg fonts are not bundled
    assert sum((STATIC / p).stat().st_size for p in present) < 3_000_000


def test_bundled_packages_have_osi_licences() -> None:
    osi = ("MIT", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Apache-2.0", "OFL-1.1")
    for package, version, licence in packages():
        assert any(name in licence for name in osi), f"{package}@{version}: {licence}"
    rows = [line for line in (ROOT / "THIRD_PARTY_NOTICES.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| `")]  # fmt: skip
    for package, version, _ in packages():
        if package != "folium":  # its rows name the libraries folium ships
            assert any(row.startswith(f"| `{package}`") and version in row for row in rows), f"{package}@{version}"


def _folium_urls(*classes: type) -> set[str]:
    return {url for cls in classes for _, url in [*cls.default_js, *getattr(cls, "default_css", [])]}


def test_table_covers_folium_defaults_and_common_plugins() -> None:
    covered = [
        folium.Map, plugins.MarkerCluster, plugins.FastMarkerCluster, plugins.HeatMap, plugins.HeatMapWithTime,
        plugins.Fullscreen, plugins.MiniMap, plugins.MeasureControl, plugins.Draw, plugins.LocateControl,
        plugins.MousePosition, plugins.Search, plugins.AntPath, plugins.BeautifyIcon, plugins.FeatureGroupSubGroup,
        plugins.GroupedLayerControl, plugins.TreeLayerControl, plugins.PolyLineTextPath, plugins.PolyLineOffset,
        plugins.SemiCircle, plugins.TimestampedGeoJson, plugins.TimestampedWmsTileLayers, plugins.Timeline,
        plugins.TimelineSlider, folium.TopoJson,
    ]  # fmt: skip
    missing = _folium_urls(*covered) - set(BUNDLED)
    assert missing == set()
    from geomap.map.element import LEAFLET_HEAT_JS, MARKERCLUSTER_CSS, MARKERCLUSTER_JS, TOPOJSON_CLIENT_JS

    for _, url in [*MARKERCLUSTER_JS, *MARKERCLUSTER_CSS, *LEAFLET_HEAT_JS, *TOPOJSON_CLIENT_JS]:
        assert bundled(url) is not None, url


def test_inline_code_cannot_end_its_element() -> None:
    for url in BUNDLED:
        html = inline_html(url)
        for element in re.findall(r"<(script|style)>\n(.*?)\n</\1>", html, re.S):
            tag, body = element
            assert f"</{tag}" not in body.lower(), url
            if tag == "script":
                assert "<!--" not in body, url


# --- rendering -------------------------------------------------------------------------------


def test_spec_map_links_nothing_on_the_network() -> None:
    html = offline(spec_map()).get_root().render()
    assert_self_contained(html)
    for library in ("leaflet@1.9.3/dist/leaflet.js", "leaflet.markercluster@1.1.0", "folium@0.20/templates/leaflet_h",
                    "leaflet.fullscreen@3.0.0", "leaflet-minimap@3.6.1", "leaflet-measure@2.1.7", "leaflet-draw@1.0.2",
                    "leaflet.locatecontrol@0.66.2", "leaflet-mouse-position@1.2.0", "leaflet-search@2.9.7",
                    "leaflet-ant-path@1.1.2", "leaflet-timedimension@1.1.1", "jquery-ui@1.10.4", "moment@2.18.1",
                    "@fortawesome/fontawesome-free@6.2.0", "twitter-bootstrap-3.0.0@3.0.0"):  # fmt: skip
        assert f"/*! {library}" in html, library
    assert html.count("/*! jquery@3.7.1/dist/jquery.min.js") == 1  # linked from two CDNs, inlined once


def test_every_covered_plugin_links_nothing_on_the_network() -> None:
    html = offline(every_plugin_map()).get_root().render()
    assert_self_contained(html)
    assert "leaflet-beautify-marker-icon.js" in html and "L.Control.Layers.Tree.js" in html


def test_leaflet_default_icon_gets_data_uris_right_after_leaflet() -> None:
    html = offline(folium.Map(tiles=None)).get_root().render()
    leaflet = html.index("/*! leaflet@1.9.3/dist/leaflet.js")
    fix = html.index("delete icon.prototype._getIconUrl;")
    assert leaflet < fix < html.index("/*! jquery@3.7.1")
    options = html[fix : html.index("</script>", fix)]
    assert options.count('"data:image/png;base64,') == 3


def test_elements_added_after_offline_are_inlined() -> None:
    m = offline(folium.Map(tiles=None))
    plugins.Fullscreen().add_to(m)
    plugins.MarkerCluster().add_to(m)
    html = m.get_root().render()
    assert_self_contained(html)
    assert "/*! leaflet.fullscreen@3.0.0/Control.FullScreen.js" in html


def test_offline_is_idempotent_and_returns_the_map() -> None:
    m = folium.Map(tiles=None)
    assert offline(m) is m and offline(m) is m
    assert isinstance(m.get_root().header, OfflineHeader)
    assert sum(1 for name in m._children if name == "geomap_offline") == 1
    fix_ids(m)
    once = m.get_root().render()
    assert offline(m).get_root().render() == once


def head(m: Element) -> str:
    """The page up to ``</head>``: what offline() makes (folium's own body has random ids in popups)."""
    return m.get_root().render().split("</head>")[0]


def test_two_renders_and_two_processes_are_byte_identical() -> None:
    first = head(fix_ids(offline(spec_map())))
    assert "/*! leaflet-timedimension@1.1.1" in first
    assert head(fix_ids(offline(spec_map()))) == first
    m = fix_ids(offline(spec_map()))
    assert head(m) == head(m) == first
    code = (
        "import hashlib, sys; sys.path.insert(0, 'tests'); import test_offline as t; "
        "print(hashlib.sha256(t.head(t.fix_ids(t.offline(t.spec_map()))).encode()).hexdigest())"
    )
    runs = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
            for _ in range(2)}  # fmt: skip
    assert runs == {hashlib.sha256(first.encode()).hexdigest() + "\n"}


def test_jupyter_repr_is_self_contained_even_without_a_figure() -> None:
    m = offline(folium.Map(tiles=None))
    folium.Marker([0, 0]).add_to(m)
    assert "leaflet@1.9.3/dist/leaflet.js (BSD-2-Clause)" in m._repr_html_()
    m._parent = None  # Map._repr_html_ then puts it in a new Figure: the hook makes that one offline too
    out = m._repr_html_()
    assert "leaflet@1.9.3/dist/leaflet.js (BSD-2-Clause)" in out
    assert not re.search(r"&lt;(script|link)[^&]*(src|href)=&quot;http", out)


def test_save_writes_the_inlined_page(tmp_path: Path) -> None:
    path = tmp_path / "map.html"
    offline(folium.Map(tiles=None)).save(path)
    assert_self_contained(path.read_text(encoding="utf-8"))
    with open(tmp_path / "other.html", "wb") as out:
        offline(folium.Map(tiles=None)).save(out, close_file=False)
    assert_self_contained((tmp_path / "other.html").read_text(encoding="utf-8"))


# --- unknown URLs ----------------------------------------------------------------------------


def test_unknown_url_raises_naming_url_and_element(tmp_path: Path) -> None:
    m = offline(folium.Map(tiles=None))
    Unbundled().add_to(m)
    with pytest.raises(OfflineError) as caught:
        m.get_root().render()
    message = str(caught.value)
    assert UNKNOWN in message and "'mylib'" in message and "strict=False" in message
    assert isinstance(caught.value, RenderError) and isinstance(caught.value, GeomapError)
    assert caught.value.exit_code == 1


def test_failed_save_leaves_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "map.html"
    path.write_text("previous map", encoding="utf-8")
    m = offline(folium.Map(tiles=None))
    Unbundled().add_to(m)
    with pytest.raises(OfflineError):
        m.save(path)
    with pytest.raises(OfflineError):
        m.save(str(tmp_path / "new.html"))
    assert path.read_text(encoding="utf-8") == "previous map"
    assert not (tmp_path / "new.html").exists()


def test_raw_network_script_in_the_header_is_unknown_too() -> None:
    m = offline(folium.Map(tiles=None))
    m.get_root().header.add_child(Element('<script src="https://example.org/raw.js"></script>'), name="raw")
    with pytest.raises(OfflineError, match="https://example.org/raw.js"):
        m.get_root().render()


def test_not_strict_keeps_unknown_links_with_one_warning_per_url() -> None:
    m = offline(folium.Map(tiles=None), strict=False)
    Unbundled().add_to(m)
    other = Unbundled()
    other.default_js = [("mylib-again", UNKNOWN)]
    other.add_to(m)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        html = m.get_root().render()
    assert [str(w.message).count(UNKNOWN) for w in caught if issubclass(w.category, OfflineWarning)] == [1]
    assert html.count(f'<script src="{UNKNOWN}"></script>') == 2  # kept as it was (two names)
    assert "/*! leaflet@1.9.3/dist/leaflet.js" in html


def test_strict_can_be_changed_by_a_second_call() -> None:
    m = offline(folium.Map(tiles=None), strict=False)
    Unbundled().add_to(m)
    offline(m)
    with pytest.raises(OfflineError):
        m.get_root().render()


# --- in a browser, network blocked -----------------------------------------------------------

from browser_page import CHROMIUM, OfflinePage  # noqa: E402 (the fixture ``browser`` is in conftest.py)

needs_browser = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing")


def browser_map() -> folium.Map:
    # maxZoom: Leaflet.markercluster needs one and, without tiles, no layer gives it.
    m = folium.Map(location=[45, 10], zoom_start=5, tiles=None, maxZoom=18)
    folium.Marker([45, 10], popup=folium.Popup("<b id='plain-popup'>plain marker</b>")).add_to(m)
    folium.Marker([46, 12], icon=folium.Icon(icon="info-sign")).add_to(m)
    folium.Marker([44, 8], icon=folium.Icon(prefix="fa", icon="car")).add_to(m)
    cluster = plugins.MarkerCluster().add_to(m)
    for i in range(5):
        folium.Marker([40 + i * 0.01, 5]).add_to(cluster)
    plugins.HeatMap([[45, 10, 1.0], [45.1, 10.1, 1.0]]).add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.Draw().add_to(m)
    plugins.MeasureControl().add_to(m)
    folium.GeoJson(POLYGON).add_to(m)
    return offline(m)


@pytest.fixture()
def offline_map_page(browser: Any, tmp_path: Path) -> Any:
    path = tmp_path / "offline.html"
    browser_map().save(path)
    blocked = OfflinePage(browser)  # aborts and records every request that is not file:/data:/blob:
    seen: list[str] = []
    failed: list[str] = []
    blocked.page.on("request", lambda r: None if r.url.startswith(("data:", "blob:")) else seen.append(r.url))
    blocked.page.on("requestfailed", lambda r: failed.append(r.url))
    blocked.page.goto(path.as_uri())
    blocked.page.wait_for_function("document.querySelectorAll('.leaflet-marker-pane > *').length >= 4")
    blocked.page.evaluate("document.fonts.ready.then(() => true)")
    yield blocked, seen, failed, path.as_uri()
    blocked.close()


@needs_browser
def test_offline_page_makes_no_request_and_everything_shows(offline_map_page: Any) -> None:
    blocked, seen, failed, uri = offline_map_page
    p = blocked.page
    p.wait_for_timeout(500)
    state = p.evaluate(
        """() => {
            const fa = document.querySelector('.awesome-marker i.fa-car');
            const glyph = document.querySelector('.awesome-marker i.glyphicon-info-sign');
            const faces = (family) => [...document.fonts].filter((f) => f.family.replace(/"/g, '') === family);
            const img = document.querySelector('img.leaflet-marker-icon');
            return {
                faFamily: getComputedStyle(fa, '::before').fontFamily,
                faContent: getComputedStyle(fa, '::before').content,
                faLoaded: faces('Font Awesome 6 Free').filter((f) => f.weight === '900').map((f) => f.status),
                faCheck: document.fonts.check('900 16px "Font Awesome 6 Free"'),
                glyphFamily: getComputedStyle(glyph).fontFamily,
                glyphLoaded: faces('Glyphicons Halflings').map((f) => f.status),
                fa5Faces: faces('Font Awesome 5 Free').length,
                icon: [img.src.slice(0, 22), img.complete, img.naturalWidth],
                shadow: document.querySelector('img.leaflet-marker-shadow').naturalWidth,
                cluster: document.querySelectorAll('.marker-cluster').length,
                heat: document.querySelectorAll('canvas.leaflet-heatmap-layer').length,
                polygon: document.querySelectorAll('path.leaflet-interactive').length,
                fullscreen: document.querySelectorAll('.leaflet-control-zoom-fullscreen').length,
                draw: getComputedStyle(document.querySelector('.leaflet-draw-draw-polygon')).backgroundImage,
                measure: getComputedStyle(document.querySelector('.leaflet-control-measure-toggle')).backgroundImage,
            };
        }"""
    )  # fmt: skip
    assert "Font Awesome 6 Free" in state["faFamily"] and state["faContent"] == '"\uf1b9"'
    assert state["faLoaded"] == ["loaded"] and state["faCheck"] is True
    assert "Glyphicons Halflings" in state["glyphFamily"] and state["glyphLoaded"] == ["loaded"]
    assert state["fa5Faces"] == 2  # Font Awesome's compatibility faces, added back by script
    assert state["icon"] == ["data:image/png;base64,", True, 25] and state["shadow"] == 41
    assert state["cluster"] >= 1 and state["heat"] == 1 and state["polygon"] >= 1 and state["fullscreen"] == 1
    assert 'url("data:image/svg+xml;base64,' in state["draw"]  # leaflet.draw's sprite
    assert 'url("data:image/png;base64,' in state["measure"]

    icon = p.locator("img.leaflet-marker-icon").first.bounding_box()
    p.mouse.click(icon["x"] + icon["width"] / 2, icon["y"] + icon["height"] / 3)
    p.wait_for_selector("#plain-popup", timeout=5_000)
    assert p.locator(".leaflet-popup-content").inner_text() == "plain marker"
    p.locator(".leaflet-draw-draw-polygon").hover()
    toggle = p.locator(".leaflet-control-measure-toggle").bounding_box()
    p.mouse.move(toggle["x"] + toggle["width"] / 2, toggle["y"] + toggle["height"] / 2)  # opens the control
    p.wait_for_selector(".leaflet-control-measure-interaction .js-start", state="visible", timeout=5_000)
    p.wait_for_timeout(300)

    assert seen == [uri], "only the page itself may be requested"
    assert blocked.requests == [] and failed == []
    assert blocked.errors == []
