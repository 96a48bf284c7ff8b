"""Pure builders: data in, Dash and Plotly objects out (the heat map, charts, the members grid, a meeting's item
cards, the home page's cards). No request, no session, no query of their own.

Below pages, web and databook (which lay out what these build); above the app store and the warehouse's queries,
whose result types they read, and access and display.
"""
