"""Structured JSON logs with request ids; personal data is scrubbed."""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid

from flask import Flask, g, has_request_context, request

PHONE_RE = re.compile(r"\+?\d{11,15}")
BEARER_RE = re.compile(r"(?i)bearer\s+[\w.\-]+")


def scrub(text: str) -> str:
    """Remove phone numbers and bearer tokens from a log message."""
    return BEARER_RE.sub("Bearer [redacted]", PHONE_RE.sub("[phone]", text))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        if has_request_context():
            entry["request_id"] = g.get("request_id")
            entry["path"] = request.path
        if record.exc_info:
            entry["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    """JSON logs to stderr and an ``X-Request-Id`` on every response."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    # werkzeug's access log prints query strings; ours below does not.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)

    @app.before_request
    def _assign_request_id() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if re.fullmatch(r"[\w\-]{8,64}", incoming) else uuid.uuid4().hex

    @app.after_request
    def _log_request(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        logging.getLogger("api.access").info(
            "%s %s %s", request.method, request.path, response.status_code
        )
        return response
