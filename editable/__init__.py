"""The files an agency edits to make Statboard its own (the indicator catalogue, the review instrument, the
elimination reasons): read strictly, every problem reported at once with its file and line (toml_file).

A bottom layer: it imports nothing of Statboard's; measures, reviews and the app store read their files with it.
"""
