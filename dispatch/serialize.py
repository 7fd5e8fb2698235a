"""JSON-safe dicts for the frozen dataclasses, driven by their type hints.

The app stores a plan next to the problem it answers; both round-trip through
`to_jsonable` / `from_jsonable` without floats appearing where integers were.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from enum import Enum
from functools import cache
from typing import Any


def to_jsonable(value: Any) -> Any:
    """Dataclasses to dicts, enums to values, tuples and sets to lists, recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, frozenset | set):
        return sorted(to_jsonable(v) for v in value)
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def from_jsonable(cls: Any, data: Any) -> Any:
    """Rebuild an instance of `cls` (a dataclass or a typing hint) from `to_jsonable` output."""
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        options = [a for a in typing.get_args(cls) if a is not type(None)]
        return from_jsonable(options[0], data)
    if origin is tuple:
        args = typing.get_args(cls)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_jsonable(args[0], v) for v in data)
        return tuple(from_jsonable(a, v) for a, v in zip(args, data, strict=True))
    if origin is frozenset:
        return frozenset(from_jsonable(typing.get_args(cls)[0], v) for v in data)
    if origin is dict:
        key, val = typing.get_args(cls)
        return {from_jsonable(key, k): from_jsonable(val, v) for k, v in data.items()}
    if dataclasses.is_dataclass(cls):
        hints = _hints(cls)
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: from_jsonable(hints[k], v) for k, v in data.items() if k in known})
    if isinstance(cls, type) and issubclass(cls, Enum):
        return cls(data)
    if cls is float and isinstance(data, int):
        return float(data)
    return data


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)
