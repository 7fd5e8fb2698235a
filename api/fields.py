"""Marshmallow fields shared by every domain's schemas."""

from __future__ import annotations

from marshmallow import fields, validate

MAX_ID = 2**63 - 1


def Id(**kwargs) -> fields.Integer:  # noqa: N802  (reads like a field class)
    """A database id in a request body: a strict positive integer that fits a BIGINT."""
    kwargs.setdefault("strict", True)
    kwargs.setdefault("validate", validate.Range(min=1, max=MAX_ID))
    return fields.Integer(**kwargs)
