"""A map page in headless Chromium as the browser tests open it: network blocked and recorded,
console errors and Content-Security-Policy violations recorded (fixtures ``browser`` and
``offline`` in conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip


# Runs before the page's own scripts (Playwright injects it, so the page's policy does not apply to it).
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
    window.__cspViolations.push(e.effectiveDirective + " blocked " + (e.blockedURI || "?") + " " + (e.sample || ""));
});
"""


class OfflinePage:
    """A page whose every non-file request is aborted and recorded, and whose console and
    Content-Security-Policy violations are recorded (the ``offline`` fixture asserts there are none)."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.csp_messages: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.add_init_script(RECORD_CSP_VIOLATIONS)
        self.page.route("**/*", self._route)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.csp_messages.append(message.text)
        if message.type == "error":
            self.errors.append(message.text)

    def csp_violations(self, clear: bool = False) -> list[str]:
        """What the page's Content-Security-Policy blocked: violation events, then console reports."""
        seen = [*self.page.evaluate("window.__cspViolations || []"), *self.csp_messages]
        if clear:
            self.page.evaluate("window.__cspViolations = []")
            self.csp_messages.clear()
        return seen

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def open(self, path: Path, size: tuple[int, int] | None = None, hash_: str = "") -> Any:
        """Open the map (at ``size``, with a URL ``hash_``) and wait until its markers are drawn."""
        if size is not None:
            self.page.set_viewport_size({"width": size[0], "height": size[1]})
        self.page.goto(path.as_uri() + hash_)
        self.page.wait_for_function("() => window.geomap && window.geomap.ready === true", timeout=30_000)
        return self.page

    def click_place(self, place_id: str) -> None:
        """Zoom until the place's marker is out of its cluster, then click it like a person would."""
        box = self.page.evaluate(
            """(id) => new Promise((resolve) => {
                const g = window.geomap, m = g.markers[g.placeIndex(id)];
                g.map.closePopup();
                const shown = () => setTimeout(() => {
                    const r = m.getElement().getBoundingClientRect();
                    resolve({x: r.left + r.width / 2, y: r.top + r.height / 2, z: g.map.getZoom()});
                }, 400);
                g.map.setView(m.getLatLng(), 12, {animate: false});  // out of any cluster at zoom 12
                g.cluster.zoomToShowLayer(m, shown);
            })""",
            place_id,
        )
        self.page.mouse.click(box["x"], box["y"])
        self.page.wait_for_selector(".leaflet-popup-content .gm-popup", timeout=5_000)

    def close(self) -> None:
        self.page.close()


# Every visible Leaflet control as [name, left, top, right, bottom] in CSS pixels.
CONTROL_BOXES = """() => Array.from(document.querySelectorAll(".leaflet-control"))
    .map((e) => [e.className.split(" ").filter((c) => c !== "leaflet-control").join("."), e.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && r.height > 0)
    .map(([name, r]) => [name, r.left, r.top, r.right, r.bottom])"""


def assert_controls_apart(boxes: list, size: tuple[int, int]) -> None:
    """No control leaves a screen of ``size`` or covers another (boxes from :data:`CONTROL_BOXES`)."""
    for name, left, top, right, bottom in boxes:
        assert left >= 0 and top >= 0 and right <= size[0] and bottom <= size[1], name
    for i, (a, *ra) in enumerate(boxes):
        for b, *rb in boxes[i + 1 :]:
            overlap = min(ra[2], rb[2]) - max(ra[0], rb[0]) > 0.5 and min(ra[3], rb[3]) - max(ra[1], rb[1]) > 0.5
            assert not overlap, f"{a} overlaps {b}"
