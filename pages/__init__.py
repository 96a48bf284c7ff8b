"""The Dash pages, one module a page: `register_page`, the page's ids, `layout(**query)` (controls and empty
figures, no data) and its callbacks, each short: guard, call the app store or the warehouse's queries, hand what
came back to a components builder, return.

The top of the app: pages may import every layer below (web, databook, components, store, queries, access,
display); nothing imports a page but Dash's page registry.
"""
