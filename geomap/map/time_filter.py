"""A date-range filter for an EventLayer."""

from __future__ import annotations

from geomap.map.element import AttachedControl

__all__ = ["TimeFilter"]


class TimeFilter(AttachedControl):
    """A date-range filter for an EventLayer.

    Two sliders over the layer's distinct dates; only mentions in the range stay on the map (shown
    when there are two dates or more). See :class:`~geomap.map.element.AttachedControl` for the parameters.
    """

    _js_function = "timeFilter"
    default_position = "bottomleft"
