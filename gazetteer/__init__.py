# Marks this folder as the package geomap.data.gazetteer (pyproject.toml maps it with package-dir), so the
# curated files are package data in wheels, sdist installs and editable installs alike. Data only: no code.
