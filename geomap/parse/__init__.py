"""From text to resolved toponyms, one module per step, data flowing one way.

:mod:`~geomap.parse.normalize` (folding, name keys) -> :mod:`~geomap.parse.sentences` ->
:mod:`~geomap.parse.extract` (gazetteer names in the text; :mod:`~geomap.parse.affixes` for names
inside words with an Arabic or Hebrew prefix or a Cyrillic case ending) -> :mod:`~geomap.parse.recognize` (which
of them are places here) -> :mod:`~geomap.parse.resolve` (which place each one is). The parse layer
reads the gazetteer and never imports the map or the store; :func:`geomap.geoparse` runs the steps.
"""
