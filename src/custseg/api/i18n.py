"""The language of a request: ``?lang=zh|en``, else the Accept-Language header, else English."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from custseg.i18n import Lang


def request_lang(request: HTTPConnection) -> Lang:
    """Zh or en for this request."""
    chosen = (request.query_params.get("lang") or "").strip().lower()
    if chosen in ("zh", "en"):
        return "zh" if chosen == "zh" else "en"
    header = request.headers.get("accept-language", "")
    best, best_q = "en", -1.0
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        lang = tag.strip().lower()[:2]
        if lang in ("zh", "en") and q > best_q:
            best, best_q = lang, q
    return "zh" if best == "zh" else "en"
