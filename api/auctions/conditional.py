"""Cheap polling: a weak ETag per viewer and state, answered with 304 when unchanged."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, request
from marshmallow import Schema


def conditional_response(
    etag: str, seconds_left: int | None, build: Callable[[], dict], schema: Schema
) -> Response:
    """200 with the body, or 304 when ``If-None-Match`` holds ``etag``.

    The body's ``seconds_left`` is as of the answer; the ``Auction-Seconds-Left`` header
    carries it on a 304 too, so a phone can re-sync its countdown without the body.
    """
    headers = {
        "ETag": f'W/"{etag}"',
        "Cache-Control": "private, no-cache",
        "Vary": "Authorization",
    }
    if seconds_left is not None:
        headers["Auction-Seconds-Left"] = str(seconds_left)
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    response = current_app.json.response(schema.dump(build()))
    response.headers.update(headers)
    return response
