"""The warehouse's read side: the scorecard's cells, the members behind a cell, trends, the organisation, exports
and what a reader's scope may be shown of them (disclosure), through one doorway (warehouse: `Snapshot`) and a
shared cache; the few SQL spellings that differ per engine in dialects/.

Reads only: what people write is the app store's (store/). Below the app store and the loader; it imports
measures, access and display, never store, web, components or pages (tests/test_architecture.py).
"""
