"""The map's title as a control: what the map is about, always in view."""

from __future__ import annotations

from branca.element import MacroElement
from folium.template import Template

from geomap.map.element import GeomapElement, check_position, content_id

__all__ = ["MapTitle"]


class MapTitle(GeomapElement, MacroElement):
    """A title box in a corner of the map (text only: it is escaped, never parsed as HTML).

    Parameters
    ----------
    text
        The title.
    position
        Map corner: ``"topleft"``, ``"topright"``, ``"bottomleft"`` or ``"bottomright"``.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "geomap.title({{ this._parent.get_name() }}, {{ this.text|tojson }}, {{ this.position|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, text: str, *, position: str = "topright") -> None:
        super().__init__()
        self._name = "MapTitle"
        self.text = text
        self.position = check_position(position)
        self._id = content_id(self._name, text, position)
