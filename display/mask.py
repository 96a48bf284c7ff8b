"""Case and child ids as a screen, a data book or a download shows them until someone whose scope covers them
reveals them: the last few characters only."""
from __future__ import annotations

import math

MASK = "••••"


def mask_id(value) -> str:
    """An id as the screen shows it until revealed: its last characters only (`••••1979`), never more than
    half of it, at most four."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    keep = min(4, len(text) // 2)
    return MASK + (text[-keep:] if keep else "")
