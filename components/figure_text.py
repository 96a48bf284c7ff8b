"""Text from the data as Plotly shows it: literally, never as markup.

Plotly renders a subset of HTML in a figure's text, tick labels, hover, legend and annotations (`<a href>`
with `target`, `<b>`, `<br>`, `<span style>`...), and decodes entities such as `&lt;`. An office named
`</a><a href="https://evil.example" target="_blank">x</a>` would become a live link in a chart. Every name,
id or other string that reaches a figure passes through `literal` first, where it enters; the builders'
own markup (`<b>`, `<br>`, links to this site's pages) is written around the escaped text.
"""
from __future__ import annotations


def literal(text) -> str:
    """`text` escaped for Plotly: `&`, `<` and `>` as entities, which Plotly shows as the characters.

    Quotes are left alone: outside a tag they are plain text to Plotly, and it shows `&quot;` as written.
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
