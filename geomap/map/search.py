"""A search box over an EventLayer's places."""

from __future__ import annotations

from geomap.map.element import AttachedControl

__all__ = ["SearchBox"]


class SearchBox(AttachedControl):
    """A search box over an EventLayer's places.

    Type a few letters, pick a place: the map zooms to it and opens its popup.
    See :class:`~geomap.map.element.AttachedControl` for the parameters.
    """

    _js_function = "searchBox"
    default_position = "topleft"
