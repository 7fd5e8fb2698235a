"""Field-level reasons follow ``Accept-Language``: zh-CN for a Chinese phone, English as written.

The completeness tests read the reasons from the code itself (the services' raise sites with
``ast``, the schemas' fields and validators at run time), so a new reason without a
translation fails here rather than reaching a Chinese phone in English.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from marshmallow import Schema, fields, validate
from webargs.core import Parser

from api.reasons import EXACT, PATTERNS, _compile, translate_errors, translate_reason
from tests.api.helpers import HOME, add_address

ROOT = Path(__file__).resolve().parents[2]
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}
RESIDENT = "+8613811119001"
SAMPLE = "1"  # stands for every value an f-string puts into a reason
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}")


def _reads_as_chinese(english: str) -> bool:
    """Translated, and no English sentence left over (lone identifiers are fine)."""
    chinese = translate_reason(english)
    return chinese != english and bool(CJK.search(chinese)) and not ENGLISH_WORDS.search(chinese)


# --- through the HTTP API, as the phone sees it ---------------------------------------------


def test_missing_and_mistyped_fields_read_in_the_phones_language(city, client, login):
    """marshmallow's and webargs' reasons are zh-CN for a Chinese phone, unchanged in English."""
    headers = login(RESIDENT)
    body = {"longitude": "east", "text": "Lane 12, Room 301", "building": 7, "colour": "red"}
    zh = client.post("/api/residents/me/addresses", json=body, headers={**headers, **ZH})
    en = client.post("/api/residents/me/addresses", json=body, headers={**headers, **EN})
    assert zh.status_code == en.status_code == 422
    assert zh.get_json()["errors"] == {
        "latitude": ["此项为必填。"],
        "longitude": ["请输入数字。"],
        "building": ["请输入文本。"],
        "colour": ["不支持此字段。"],
    }
    assert en.get_json()["errors"] == {
        "latitude": ["Missing data for required field."],
        "longitude": ["Not a valid number."],
        "building": ["Not a valid string."],
        "colour": ["Unknown field."],
    }


def test_bounds_read_in_chinese_with_their_numbers(city, client, login):
    """Range and length reasons keep their numbers, and each bound reads the right way round."""
    headers = {**login(RESIDENT), **ZH}
    body = {**HOME, "latitude": 123.0, "text": "ab", "floor": "x" * 11}
    response = client.post("/api/residents/me/addresses", json=body, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "latitude": ["须在 -90 到 90 之间。"],
        "text": ["长度须在 3 到 200 之间。"],
        "floor": ["长度须在 1 到 10 之间。"],
    }


def test_a_broken_json_body_reads_in_chinese(city, client, login):
    """webargs' own reason for a body that is not JSON is translated too."""
    headers = {**login(RESIDENT), **ZH, "Content-Type": "application/json"}
    response = client.post("/api/residents/me/addresses", data="{not json", headers=headers)
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"_schema": ["JSON 格式错误。"]}


def test_a_service_reason_keeps_its_values(city, client, login):
    """A reason with values (a material code, a quantity, a unit) is translated around them."""
    headers = login(RESIDENT)
    address_id = add_address(client, headers)["address_id"]
    cases = [
        (
            {"material": "gold", "grade": "A", "quantity": 3000},
            "items.0.material",
            "unknown material 'gold'",
            "未知物料 'gold'。",
        ),
        (
            {"material": "cardboard", "grade": "A", "quantity": 500},
            "items.0.quantity",
            "at least 2000 grams of cardboard",
            "cardboard 至少 2000 克。",
        ),
    ]
    for item, field, english, chinese in cases:
        body = {"address_id": address_id, "items": [item]}
        zh = client.post("/api/quotes", json=body, headers={**headers, **ZH})
        en = client.post("/api/quotes", json=body, headers={**headers, **EN})
        assert zh.status_code == en.status_code == 422, zh.get_json()
        assert zh.get_json()["errors"] == {field: [chinese]}
        assert en.get_json()["errors"] == {field: [english]}
        assert zh.get_json()["message"] == "请求参数有误。"


def test_a_missing_token_reads_in_chinese(city, client):
    """The Authorization reason flask-jwt-extended gives is translated as well."""
    response = client.get("/api/bookings", headers=ZH)
    assert response.status_code == 401
    assert response.get_json()["errors"] == {"Authorization": ["缺少 Authorization 请求头。"]}


# --- the catalogue itself --------------------------------------------------------------------


def test_an_unknown_reason_or_value_is_kept_as_it_is():
    """What the catalogue does not know stays English; non-text reasons are left alone."""
    assert translate_reason("a reason nobody has written yet") == "a reason nobody has written yet"
    assert translate_reason("x" * 10_000) == "x" * 10_000
    errors = {"a": ["Unknown field.", {"nested": 1}], "b": "not a list", "c": []}
    assert translate_errors(errors) == {
        "a": ["不支持此字段。", {"nested": 1}],
        "b": "not a list",
        "c": [],
    }


def test_placed_values_and_terms():
    """Values are carried over as sent; statuses, units and nested reasons are translated."""
    assert translate_reason("one of collector, station") == "须为以下之一：collector, station。"
    assert translate_reason("the collector is suspended") == "该回收员已被暂停。"
    assert translate_reason("the collector is on_leave") == "该回收员on_leave。"
    assert translate_reason("Must be greater than 0.") == "须大于 0。"
    assert translate_reason("Must be greater than or equal to 1.") == "不能小于 1。"
    nested = "not bought in this zone now: no rate for pet/clear (zone xuhui-s) on 2030-01-02"
    assert (
        translate_reason(nested)
        == "本区域目前不收购：2030-01-02 pet/clear 在 xuhui-s 区域没有收购价。"
    )


def test_a_template_places_only_its_own_values():
    """A zh-CN template naming a value its English template does not capture fails at import."""
    with pytest.raises(ValueError):
        _compile("unknown material {code}", "未知物料 {name}。")
    with pytest.raises(ValueError):
        _compile("unknown material {code}", "未知物料 {code:shout}。")


def test_every_catalogue_entry_is_chinese():
    """No entry is left in English or untranslated by mistake."""
    for chinese in [*EXACT.values(), *PATTERNS.values()]:
        assert CJK.search(chinese), chinese
    for english in PATTERNS:
        sample = re.sub(r"\{\w+\}", SAMPLE, english)
        assert _reads_as_chinese(sample), (english, translate_reason(sample))


# --- completeness: the services' reasons, read from the source ---------------------------------


class ReasonFinder:
    """The reasons ``api/`` can put under a field, as texts with each value set to ``SAMPLE``.

    Raise sites: ``SomeError.on(field, reason)``, ``SomeError(..., errors={...})`` and
    marshmallow's ``ValidationError(reason or {field: [reasons]})`` in the schemas. A reason
    held in a variable is followed to its assignment, the function returning it, or the
    exception it was taken from (``error.message``, ``str(error)``); ``unresolved`` lists what
    could not be followed, so a new kind of site fails the test instead of being skipped.
    """

    def __init__(self, packages: tuple[str, ...] = ("api", "pricing")) -> None:
        self.trees: dict[Path, ast.Module] = {}
        self.parents: dict[ast.AST, ast.AST] = {}
        self.functions: dict[str, list[ast.FunctionDef]] = {}
        self.classes: dict[str, ast.ClassDef] = {}
        self.raises: dict[str, list[ast.Call]] = {}
        self.unresolved: list[str] = []
        for package in packages:
            for path in sorted((ROOT / package).rglob("*.py")):
                tree = ast.parse(path.read_text(encoding="utf-8"))
                self.trees[path] = tree
                self._index(tree)

    def _index(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
            if isinstance(node, ast.FunctionDef):
                self.functions.setdefault(node.name, []).append(node)
            elif isinstance(node, ast.ClassDef):
                self.classes[node.name] = node
            elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                self.raises.setdefault(_name(node.exc.func), []).append(node.exc)

    def reasons(self, package: str = "api") -> dict[str, str]:
        """Each reason's sample text, with the first place it is raised."""
        found: dict[str, str] = {}
        for path, tree in self.trees.items():
            if path.relative_to(ROOT).parts[0] != package:
                continue
            schema_errors = _marshmallow_names(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    for text in self._site(node, schema_errors):
                        found.setdefault(text, f"{path.relative_to(ROOT)}:{node.lineno}")
        return found

    def _site(self, call: ast.Call, schema_errors: set[str]) -> list[str]:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "on" and _name(func.value):
            if not _name(func.value).endswith("Error"):
                return []
            given = [*call.args[1:2], *(kw.value for kw in call.keywords if kw.arg == "reason")]
            return self.texts(given[0])
        if isinstance(func, ast.Name) and func.id in schema_errors and call.args:
            return self.texts(call.args[0])
        if (_name(func) or "").endswith("Error"):
            return [t for kw in call.keywords if kw.arg == "errors" for t in self.texts(kw.value)]
        return []

    def texts(self, node: ast.AST, following: frozenset[str] = frozenset()) -> list[str]:
        """The sample texts of the reasons ``node`` evaluates to (a reason, list or dict)."""
        if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)):
            return [] if node.value is None else [node.value]
        if isinstance(node, ast.JoinedStr):
            return [_sample(node)]
        if (parts := _parts(node)) is not None:
            return [t for part in parts for t in self.texts(part, following)]
        if isinstance(node, ast.Name) and (found := self._variable(node, following)) is not None:
            return found
        if isinstance(node, ast.Attribute) and node.attr == "message":
            return self.texts(node.value, following)
        if isinstance(node, ast.Call) and _name(node.func) == "str" and len(node.args) == 1:
            return self.texts(node.args[0], following)
        if isinstance(node, ast.Call) and _name(node.func) in self.functions:
            return self._returned(_name(node.func), following)
        self.unresolved.append(ast.unparse(node))
        return []

    def _variable(self, name: ast.Name, following: frozenset[str]) -> list[str] | None:
        """What a local variable holds: its assignments, what ``.update``/``.append`` add to
        it, or the messages of the exception an ``except ... as name`` caught."""
        scope = self._function_of(name)
        found: list[str] | None = None
        for node in ast.walk(scope) if scope else ():
            if isinstance(node, ast.ExceptHandler) and node.name == name.id:
                found = (found or []) + self._raised(_name(node.type))
            elif (values := _stored(node, name.id)) is not None:
                found = (found or []) + [t for v in values for t in self.texts(v, following)]
        return found

    def _returned(self, function: str, following: frozenset[str]) -> list[str]:
        if function in following:
            return []
        found = []
        for definition in self.functions[function]:
            for node in ast.walk(definition):
                returns = isinstance(node, ast.Return) and node.value is not None
                if returns and self._function_of(node) is definition:
                    found += self.texts(node.value, following | {function})
        return found

    def _raised(self, exception: str | None) -> list[str]:
        """The messages every ``raise exception(...)`` passes (the ``message`` argument)."""
        if exception not in self.raises:
            self.unresolved.append(f"except {exception}")
            return []
        position = _message_position(self.classes.get(exception))
        return [
            t
            for call in self.raises[exception]
            if len(call.args) > position
            for t in self.texts(call.args[position])
        ]

    def _function_of(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def _is(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _parts(node: ast.AST) -> list[ast.AST] | None:
    """The reasons inside a dict, list, ``a or b`` or ``a if c else b`` (None for others)."""
    if isinstance(node, ast.Dict | ast.BoolOp):
        return list(node.values)
    if isinstance(node, ast.List | ast.Tuple):
        return list(node.elts)
    if isinstance(node, ast.IfExp):
        return [node.body, node.orelse]
    return [node.value] if isinstance(node, ast.DictComp) else None


def _stored(node: ast.AST, name: str) -> list[ast.AST] | None:
    """What ``node`` stores into the variable ``name`` (None when it stores nothing there)."""
    if isinstance(node, ast.Assign) and any(_is(t, name) for t in node.targets):
        return [node.value]
    if isinstance(node, ast.AnnAssign) and _is(node.target, name) and node.value is not None:
        return [node.value]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        adds = _is(node.func.value, name) and node.func.attr in ("update", "append")
        return list(node.args) if adds else None
    return None


def _sample(node: ast.JoinedStr) -> str:
    return "".join(
        str(part.value)
        if isinstance(part, ast.Constant)
        else (repr(SAMPLE) if part.conversion == ord("r") else SAMPLE)
        for part in node.values
    )


def _marshmallow_names(tree: ast.Module) -> set[str]:
    """The names marshmallow's ``ValidationError`` goes by in a module."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "marshmallow"
        for alias in node.names
        if alias.name == "ValidationError"
    }


def _message_position(exception: ast.ClassDef | None) -> int:
    """Where ``message`` sits among an exception's arguments (first unless its __init__ says)."""
    for node in exception.body if exception else ():
        if isinstance(node, ast.FunctionDef) and node.name == "__init__":
            names = [a.arg for a in node.args.args[1:]]
            return names.index("message") if "message" in names else 0
    return 0


def test_every_reason_the_services_raise_is_translated():
    """Each reason a service, guard or schema check raises reads in Chinese for zh-CN."""
    finder = ReasonFinder()
    reasons = finder.reasons()
    assert finder.unresolved == []
    # the walk itself must find the sites it is meant to (fixed, f-string, followed ones)
    assert len(reasons) > 100
    assert {
        "no such slot",
        "unknown material '1'",
        "1 m from the pickup address (at most 1)",
        "tag codes look like RC + 12 digits",
        "1 deducted twice",
        "increments must be positive",
        "must not contain NUL characters",
        "required for grant_type phone_code",
        "the birth date in the number is not a date",
    } <= set(reasons)
    untranslated = {text: site for text, site in reasons.items() if not _reads_as_chinese(text)}
    assert untranslated == {}


# --- completeness: marshmallow's and webargs' messages, from our schemas ------------------------


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _fields(field: fields.Field) -> Iterator[fields.Field]:
    yield field
    for inner in (getattr(field, "inner", None), getattr(field, "value_field", None)):
        if inner is not None:
            yield from _fields(inner)
    key_field = getattr(field, "key_field", None)
    if key_field is not None:
        yield from _fields(key_field)


def _field_messages(field: fields.Field) -> Iterator[str]:
    """A field's messages (its class defaults and any overrides) as marshmallow formats them."""
    values = {
        "input": SAMPLE,
        "obj_type": getattr(field, "OBJ_TYPE", SAMPLE),
        "choices": getattr(field, "choices_text", SAMPLE),
    }
    for message in field.error_messages.values():
        if "{awareness}" in message:
            if not hasattr(field, "AWARENESS"):
                continue  # only naive and aware datetimes check awareness
            values["awareness"] = field.AWARENESS
        yield message.format(**values)


def _validator_messages(validator: object) -> Iterator[str]:
    """A validator's message, formatted as it formats it when a value fails."""
    if isinstance(validator, validate.Range | validate.Length):
        if getattr(validator, "equal", None) is not None:
            message = validator.message_equal
        elif validator.min is not None and validator.max is not None:
            message = validator.message_all
        else:
            message = validator.message_min if validator.min is not None else validator.message_max
        yield validator._format_error(SAMPLE, message)
    elif isinstance(validator, validate.Validator):
        yield validator._format_error(SAMPLE)
    # a plain function validator raises its own reasons: the raise sites are read above


def _schema_messages() -> set[str]:
    # webargs' reason for a body that is not JSON is a literal in its Flask parser
    messages = {Parser.DEFAULT_VALIDATION_MESSAGE, "Invalid JSON body."}
    for schema_class in _subclasses(Schema):
        if schema_class.__module__.startswith("marshmallow"):
            continue
        messages.update(schema_class().error_messages.values())
        for declared in schema_class._declared_fields.values():
            for field in _fields(declared):
                messages.update(_field_messages(field))
                for validator in field.validators:
                    messages.update(_validator_messages(validator))
    return messages


def test_every_message_our_schemas_can_produce_is_translated(app):
    """Each default message of the fields and validators our schemas use reads in Chinese.

    Building ``app`` registers every blueprint, so every schema class is imported by then.
    """
    messages = _schema_messages()
    assert {
        "Missing data for required field.",
        "Not a valid integer.",
        "Unknown field.",
        "Must be greater than or equal to 1 and less than or equal to 9223372036854775807.",
        "Not a valid aware datetime.",
        "a local time HH:MM",
    } <= messages
    assert sorted(m for m in messages if not _reads_as_chinese(m)) == []
