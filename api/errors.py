"""Domain errors with their HTTP status, and the one JSON error shape for every response.

Every error body is ``{"code": str, "message": str, "errors": {field: [reason, ...]}}``.
"""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.exceptions import HTTPException

from api.i18n import localised, localised_errors, translate
from pricing.errors import PricingError

log = logging.getLogger(__name__)


class DomainError(Exception):
    """Base of the errors services raise; each subclass carries its HTTP status."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        if code:
            self.code = code
        self.message = message
        self.errors = errors or {}
        self.headers = headers or {}
        super().__init__(message or self.code)


class ValidationError(DomainError):
    """422: the input is well formed but breaks a rule; ``errors`` names the fields."""

    status = 422
    code = "validation_error"

    @classmethod
    def on(cls, field: str, reason: str, *, code: str | None = None) -> ValidationError:
        """A validation error about one field."""
        return cls(reason, code=code, errors={field: [reason]})


class AuthenticationError(DomainError):
    status = 401
    code = "unauthorized"


class ForbiddenError(DomainError):
    status = 403
    code = "forbidden"


class NotFoundError(DomainError):
    status = 404
    code = "not_found"


class ConflictError(DomainError):
    status = 409
    code = "conflict"


class PreconditionFailedError(DomainError):
    status = 412
    code = "precondition_failed"


class PreconditionRequiredError(DomainError):
    status = 428
    code = "precondition_required"


class RateLimitedError(DomainError):
    status = 429
    code = "rate_limited"


def check_version(current: int, expected: int | None) -> None:
    """412 when the client's ``If-Match`` version is not the stored one (a lost update)."""
    if expected is not None and expected != current:
        raise PreconditionFailedError()


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    415: "unsupported_media_type",
    422: "validation_error",
    428: "precondition_required",
    429: "rate_limited",
    500: "internal_error",
}


def flatten_field_errors(messages: object, prefix: str = "") -> dict[str, list[str]]:
    """Flatten marshmallow/webargs nested messages into ``{"a.0.b": [reasons]}``.

    webargs nests them under the location (``json``, ``query``...); the location is dropped.
    """
    if isinstance(messages, dict) and not prefix:
        locations = {"json", "query", "querystring", "headers", "form", "files", "path"}
        if messages and set(messages) <= locations:
            merged: dict[str, list[str]] = {}
            for inner in messages.values():
                merged.update(flatten_field_errors(inner))
            return merged
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_field_errors(value, name))
        return flat
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "_schema": list(messages)}
    return {prefix or "_schema": [str(messages)]}


def error_body(code: str, message: str | None, errors: dict | None = None) -> dict:
    """The JSON error body in the request's language: the message and each field reason."""
    return {
        "code": code,
        "message": localised(code, message),
        "errors": localised_errors(errors or {}),
    }


def handle_domain_error(error: DomainError):
    """Render a domain error in the one error shape."""
    return error_body(error.code, error.message, error.errors), error.status, error.headers


def handle_http_exception(error: HTTPException):
    """Render any HTTP error (404, 405, webargs 422, limiter 429 ...) in the one error shape."""
    status = error.code or 500
    code = HTTP_CODES.get(status, "error")
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    flat = flatten_field_errors(errors) if errors else {}
    message = data.get("message") if isinstance(data.get("message"), str) else None
    if status == 422 and not message:
        message = translate("validation_error")
    headers = dict(data.get("headers") or {})
    if status == 429:
        headers.update(dict(error.get_response().headers))
        headers.pop("Content-Type", None)
        headers.pop("Content-Length", None)
    return error_body(code, message, flat), status, headers


def handle_unexpected(error: Exception):
    """Log an unhandled exception and answer 500 without leaking details."""
    log.exception("unhandled error", exc_info=error)
    return error_body("internal_error", None), 500


def handle_pricing_error(error: PricingError):
    """Pricing rules carry their own status (422 input, 404 no tariff, 409 conflicts)."""
    status = getattr(error, "status_code", 422)
    field = getattr(error, "field", None)
    reason = getattr(error, "message", None) or str(error)
    code = getattr(error, "reason_code", None) or HTTP_CODES.get(status, "error")
    return error_body(code, reason, {field: [reason]} if field else {}), status


def register_error_handlers(app: Flask) -> None:
    """Map domain errors and HTTP errors to the one JSON error shape."""
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(PricingError, handle_pricing_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
