"""The measure engine: the indicator catalogue, each indicator's members in SQL, and their cells.

- `catalogue.py` reads and validates the agency-editable catalogue
  (`indicators.toml`, or the file named by ``STATBOARD_CATALOGUE``).
- `definitions.py` declares, once per indicator, the SQL that lists its
  members for every report month (set-based, all months at once).
- `build.py` materialises, at load time and inside the warehouse, the
  `cells` every page reads: each indicator x month x entity at every level,
  with its exact status against the catalogue's standard.
- `status.py` holds the status rule in exact arithmetic (the SQL is generated from it).

Reading the results is `queries/scorecard.py`'s job. It imports nothing of Statboard's: the loader and the
warehouse's queries stand on it.
"""
