"""Logs are JSON lines with request ids, and never carry phones, addresses or tokens."""

from __future__ import annotations

import io
import json
import logging

from api.logs import JsonFormatter, scrub
from tests.api.helpers import HOME, add_address

PHONE = "+8613811114001"


def test_a_whole_flow_logs_no_personal_data(city, client, login):
    """Signing in and adding an address leaves JSON logs without phone, address or token."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        headers = login(PHONE)
        add_address(client, headers)
        client.get("/api/nowhere", headers={**headers, "X-Request-Id": "req-test-0001"})
    finally:
        root.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines, "the flow should have logged something"
    text = stream.getvalue()
    token = headers["Authorization"].split()[1]
    for secret in (PHONE, PHONE[3:], HOME["text"], token):
        assert secret not in text
    assert any(line.get("request_id") == "req-test-0001" for line in lines)


def test_scrub_removes_phones_and_bearer_tokens():
    """The last line of defence masks anything that looks like a phone or a bearer token."""
    assert scrub("sent to +8613812345678 with Bearer abc.def-ghi") == (
        "sent to [phone] with Bearer [redacted]"
    )
