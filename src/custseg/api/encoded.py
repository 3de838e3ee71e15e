"""JSON responses of a snapshot's reads, kept encoded in the server's read cache.

A stored snapshot never changes, so the body of a read of it (a scheme's summary, a page of its
customers) can be kept as the bytes sent, under a key naming the snapshot and everything else
the body depends on (language, filters, the reader's owner scope). A request answered from the
cache then costs its login check and a lookup: no query, no validation, no encoding.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import cache
from typing import Any

from fastapi.responses import Response
from pydantic import TypeAdapter

from custseg.public import ReadCache


@cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def encode(model: Any, value: Any) -> bytes:
    """``value`` validated as ``model`` and encoded as FastAPI encodes a ``response_model``."""
    adapter = _adapter(model)
    checked = adapter.validate_python(value, from_attributes=True)
    return adapter.dump_json(checked, by_alias=True)


def snapshot_json(
    cache: ReadCache | None,
    snapshot_id: str,
    key: tuple[Hashable, ...],
    model: Any,
    make: Callable[[], Any],
) -> Response:
    """The JSON response of ``make()`` (as ``model``), kept under the snapshot and ``key``.

    ``key`` must name everything the body depends on besides the snapshot. Without a cache
    ``make()`` runs every time. Errors ``make`` raises are not kept.
    """
    if cache is None:
        body = encode(model, make())
    else:
        body = cache.get(("snapshot", snapshot_id, "json", *key), lambda: encode(model, make()))
    return Response(content=body, media_type="application/json")
