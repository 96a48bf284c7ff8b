"""Case reviews' instrument: the declared review form and the rules of a filled review.

- `instrument.py` reads and validates the agency-editable instrument
  (`instrument.toml`, or the file named by ``STATBOARD_INSTRUMENT``), checks a
  filled review against it (`check_answers`) and counts completed reviews'
  findings (`rollup`). Pure: storing reviews is the app store's job (store/case_reviews.py).

It imports display only (the typed-text rule); the app store and pages import it.
"""
