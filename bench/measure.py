"""What the benchmarks do the same way: a process's own peak memory, the machine line, and writing a
measured table into its marked section of a document."""

from __future__ import annotations

import os
import re
import resource
import time
from pathlib import Path

__all__ = ["machine", "peak_rss_mb", "replace_section"]


def peak_rss_mb() -> float:
    """Peak RSS of this process in MB. ``VmHWM`` first: Linux carries ``ru_maxrss`` over from the
    forking parent across ``exec``, so a child of a big parent would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    """The date and machine a figure was measured on, with the load at the end (2 shared cores vary)."""
    import platform

    load = f", load average {os.getloadavg()[0]:.1f} at the end" if hasattr(os, "getloadavg") else ""
    return (
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.machine()}{load}"
    )


def replace_section(doc: Path, name: str, body: str) -> None:
    """Replace the text between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` in ``doc`` (appended if absent)."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + f"\n\n{block}\n"
    doc.write_text(text, encoding="utf-8")
