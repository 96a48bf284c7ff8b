"""How things read wherever they are shown (pages, data books, the follow-up, downloads): values, standards and
statuses in words (format), ids masked until revealed (mask), and the rule for what typed text may be kept so that
it shows as it was written (typed_text).

The bottom layer: it imports nothing of Statboard's, so every other part may import it.
"""
