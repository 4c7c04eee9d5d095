"""The legend of an EventLayer, doubling as its filter."""

from __future__ import annotations

from geomap.map.element import AttachedControl

__all__ = ["Legend"]


class Legend(AttachedControl):
    """The legend of an EventLayer, doubling as its filter.

    Event types (or place kinds) with their colours and shapes, then the articles or sources, each
    with a checkbox that shows or hides its mentions.
    See :class:`~geomap.map.element.AttachedControl` for the parameters.
    """

    _js_function = "legend"
    default_position = "bottomright"
