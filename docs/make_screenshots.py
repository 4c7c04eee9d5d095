"""Make docs/img/seed-1280x800.png and seed-390x844.png: the seed map as a reader opens it.

    python docs/make_screenshots.py        (needs Debian's chromium and playwright, as the browser tests)

The map is built with ``geomap build`` into a temporary folder and opened in headless Chromium with
every network request aborted, at a laptop's and a phone's size, once its markers are drawn.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = ((1280, 800), (390, 844))


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work:
        page_path = Path(work) / "seed.html"
        subprocess.run(
            [sys.executable, "-m", "geomap", "-q", "build", str(ROOT / "seeds"), "-o", str(page_path),
             "--title", "Idlib offensive, January 2020", "--store", str(Path(work) / "store.sqlite")],
            check=True,
        )  # fmt: skip
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for width, height in SIZES:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.route("http*://**", lambda route: route.abort())
                page.goto(page_path.as_uri())
                page.wait_for_function("() => window.geomap && window.geomap.ready === true", timeout=30_000)
                page.wait_for_timeout(800)  # controls and labels are drawn once the data is
                out = ROOT / "docs" / "img" / f"seed-{width}x{height}.png"
                page.screenshot(path=str(out))
                print(f"wrote {out.relative_to(ROOT)}")
                page.close()
            browser.close()


if __name__ == "__main__":
    main()
