"""How the map shows each event type and place kind: a reader's label, a colour and a marker shape.

Why fixed per type rather than by position in the legend: a reader who learnt that vermilion
circles are air strikes on one map finds them so on the next. The colours are the Okabe-Ito
palette (distinguishable with the common forms of colour blindness) and every type that shares a
hue family also differs in shape, so colour is never the only cue (also in print and greyscale).
"""

from __future__ import annotations

__all__ = ["EVENT_STYLES", "KIND_STYLES", "FALLBACK_COLORS", "SHAPES", "style_of"]

#: Marker shapes the page draws (CSS classes ``gm-<shape>``).
SHAPES = ("circle", "square", "diamond", "triangle")

#: Event type -> (label, colour, shape).
EVENT_STYLES: dict[str, tuple[str, str, str]] = {
    "airstrike": ("Air strike", "#D55E00", "circle"),
    "shelling": ("Shelling", "#E69F00", "square"),
    "drone_attack": ("Drone attack", "#CC79A7", "diamond"),
    "ground_fighting": ("Clashes", "#0072B2", "circle"),
    "explosion": ("Explosion", "#000000", "triangle"),
    "displacement": ("Displacement", "#009E73", "square"),
    "disaster": ("Disaster", "#7F5A24", "triangle"),
    "protest": ("Protest", "#B59A00", "diamond"),
    "diplomacy": ("Statement", "#56B4E9", "square"),
    "mention_only": ("Mentioned", "#8C8C8C", "circle"),
}

#: Place kind -> (label, colour, shape), for maps coloured by kind (a table without event types).
KIND_STYLES: dict[str, tuple[str, str, str]] = {
    "country": ("Country", "#6A3D9A", "circle"),
    "province": ("Province", "#0072B2", "circle"),
    "region": ("Region", "#0072B2", "square"),
    "state": ("State", "#0072B2", "circle"),
    "governorate": ("Governorate", "#0072B2", "circle"),
    "admin1": ("Province", "#0072B2", "circle"),
    "city": ("City", "#D55E00", "circle"),
    "town": ("Town", "#E69F00", "square"),
    "village": ("Village", "#009E73", "diamond"),
    "military base": ("Military base", "#000000", "triangle"),
    "continent": ("Continent", "#7F5A24", "square"),
}

#: Colours of values that have no style of their own (a custom category), in order.
FALLBACK_COLORS = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46a0b4", "#f032e6", "#8a9a1e",
    "#9a6324", "#800000", "#469990", "#000075", "#808000", "#a9a9a9",
)  # fmt: skip


def style_of(value: str, color_by: str, number: int) -> tuple[str, str, str]:
    """(label, colour, shape) of a legend value; ``number`` picks the fallback of a value without a style.

    A value without a style keeps its own text, capitalised and with underscores as spaces, so no
    internal name (``drone_attack``) reaches the reader.
    """
    styles = KIND_STYLES if color_by == "kind" else EVENT_STYLES
    if value in styles:
        return styles[value]
    label = (value or "unknown").replace("_", " ")
    return label[:1].upper() + label[1:], FALLBACK_COLORS[number % len(FALLBACK_COLORS)], SHAPES[number % len(SHAPES)]
