"""Security headers on every response.

- A content security policy: scripts only from this site, plus the hashes of the inline scripts Dash
  writes into its page (computed from each page as sent, so they always match); no plugins; no
  framing by any site (`frame-ancestors 'none'`, and `X-Frame-Options: DENY` for older browsers);
  forms post only here; nothing loads from another site.
- Styles may be inline (Plotly and Dash set them); images may be data: URIs (the sparklines).
- Data never lingers in caches: every response but the static assets is `no-store`.
- With `server_timing` (STATBOARD_SERVER_TIMING), a `Server-Timing` header: the warehouse's ms and the total.
"""
from __future__ import annotations

import base64
import hashlib
import re
import time

from flask import Flask, g, request

from settings import Settings
from web.suites import SUITES_ENDPOINT

INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
POLICY = ("default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
          "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
STATIC = {"_dash_assets.static", SUITES_ENDPOINT}


def _script_hashes(body: bytes) -> str:
    hashes = {base64.b64encode(hashlib.sha256(script).digest()).decode() for script in INLINE_SCRIPT.findall(body)}
    return "".join(f" 'sha256-{h}'" for h in sorted(hashes))


def install(server: Flask, settings: Settings) -> None:
    if settings.server_timing:
        @server.before_request
        def start_timing():
            g.statboard_started = time.perf_counter()

    @server.after_request
    def security_headers(response):
        hashes = ""
        if response.mimetype == "text/html" and not response.direct_passthrough:
            hashes = _script_hashes(response.get_data())
        response.headers["Content-Security-Policy"] = POLICY.format(hashes=hashes)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if settings.cookies_secure and request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if request.endpoint not in STATIC:
            response.headers["Cache-Control"] = "no-store"
        if settings.server_timing and g.get("statboard_started") is not None:
            total = (time.perf_counter() - g.statboard_started) * 1000
            response.headers["Server-Timing"] = f"sql;dur={g.get('statboard_sql_ms', 0.0):.1f}, app;dur={total:.1f}"
        return response
