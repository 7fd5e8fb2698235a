"""Flask extensions, created once and bound to each app in ``create_app``."""

from __future__ import annotations

import flask_smorest.pagination
from celery import Celery, Task
from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import event
from sqlalchemy.orm import Session
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict

from api import errors
from api.auth.verified import RememberingJWTManager


class ErrorSchema(Schema):
    """The one error shape of this API."""

    code = fields.String(metadata={"description": "machine-readable error code"})
    message = fields.String(metadata={"description": "human-readable, in the request's language"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "reasons per field"},
    )


class RecycleApi(Api):
    """flask-smorest's Api with our error shape for every HTTP error."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return errors.handle_http_exception(error)


def _bounded_pagination_schema(page: int, page_size: int, max_page_size: int):
    """flask-smorest's page schema with an upper bound on ``page``.

    Without it a huge page number becomes an OFFSET the database driver cannot bind (a 500).
    """
    schema_class = _smorest_pagination_schema(page, page_size, max_page_size)
    schema_class._declared_fields["page"].validators.append(validate.Range(max=1_000_000))
    return schema_class


_smorest_pagination_schema = flask_smorest.pagination._pagination_parameters_schema_factory
flask_smorest.pagination._pagination_parameters_schema_factory = _bounded_pagination_schema


def _view_apidoc() -> dict | None:
    """flask-smorest's record of the current view (arguments, pagination), None elsewhere."""
    view = current_app.view_functions.get(request.endpoint)
    view_class = getattr(view, "view_class", None)
    method = "get" if request.method == "HEAD" else request.method.lower()
    handler = getattr(view_class, method, view)
    return getattr(handler, "_apidoc", None)


def _view_is_paginated() -> bool:
    return "pagination" in (_view_apidoc() or {})


def reject_query_without_schema() -> None:
    """Before every request: an API endpoint that takes no query parameters (no query schema,
    not paginated) answers a query string with a 422 naming each parameter, as endpoints
    with a schema do for the parameters they do not know (``StrictQueryParser``)."""
    if not request.args:
        return
    apidoc = _view_apidoc()
    if apidoc is None or "pagination" in apidoc:
        return  # not an API view (docs, the client's files), or pagination parses it
    parameters = apidoc.get("arguments", {}).get("parameters", [])
    if any(p.get("in", p.get("location")) in ("query", "querystring") for p in parameters):
        return
    raise errors.ValidationError(
        errors={name: ["unknown parameter: this endpoint takes none"] for name in request.args}
    )


class StrictQueryParser(FlaskParser):
    """webargs' parser, refusing query parameters the endpoint's query schema does not know.

    A misspelt filter (``?stauts=cancelled``) is a 422 naming it instead of a silently
    unfiltered list. ``page`` and ``page_size`` belong to flask-smorest's pagination schema,
    parsed separately (with its own parser), so they are left out here on paginated views.
    """

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
        "querystring": RAISE,
    }
    PAGINATION_KEYS = ("page", "page_size")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[type[Schema], Schema] = {}

    def load_querystring(self, req, schema):
        """The query string, less the pagination parameters on paginated views."""
        args = req.args
        if _view_is_paginated():
            args = MultiDict(
                (key, value)
                for key, value in args.items(multi=True)
                if key not in self.PAGINATION_KEYS or key in schema.fields
            )
        return self._makeproxy(args, schema)

    def _get_schema(self, argmap, req):
        """flask-smorest hands over schema classes; webargs would build one per request (the
        fields are deep-copied each time). A schema holds no per-request state, so one
        instance per class serves every request."""
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas.setdefault(argmap, argmap())
            return schema
        return super()._get_schema(argmap, req)


# Every blueprint's ``arguments`` decorator reads this class attribute when it is applied.
flask_smorest.Blueprint.ARGUMENTS_PARSER = StrictQueryParser()

api = RecycleApi()
jwt = RememberingJWTManager()
limiter = Limiter(key_func=get_remote_address, default_limits_per_method=False)


def init_celery(app: Flask) -> Celery:
    """Bind a Celery app to ``app``; without a broker, tasks run eagerly in-process."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config.get("CELERY_BROKER_URL")
    config = {
        "broker_url": broker or "memory://",
        "result_backend": app.config.get("CELERY_RESULT_BACKEND") or None,
        "task_always_eager": not broker,
        "task_eager_propagates": True,
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "timezone": "UTC",
        # Tasks acknowledge late only where they are idempotent (set per task); a lost worker
        # then re-delivers after the visibility timeout, which must exceed the longest task.
        "task_acks_late": False,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_transport_options": {
            "visibility_timeout": int(app.config.get("CELERY_VISIBILITY_TIMEOUT", 3600))
        },
        "result_backend_transport_options": {"visibility_timeout": 3600},
        "broker_connection_retry_on_startup": True,
        "beat_schedule": app.config.get("CELERY_BEAT_SCHEDULE", {}),
        # one beat at a time, however many are started (api.beat)
        "beat_scheduler": "api.beat:LeasedScheduler",
    }
    celery_app = Celery(app.import_name, task_cls=FlaskTask)
    celery_app.conf.update(config)
    celery_app.set_default()
    celery_app.flask_app = app  # for code that runs outside tasks (the beat scheduler)
    app.extensions["celery"] = celery_app
    return celery_app


def enqueue_after_commit(session: Session, task, *args, **kwargs) -> None:
    """Send ``task`` once ``session`` commits; dropped if it rolls back."""
    session.info.setdefault("after_commit_tasks", []).append((task, args, kwargs))


@event.listens_for(Session, "after_commit")
def _send_pending_tasks(session: Session) -> None:
    pending = session.info.pop("after_commit_tasks", [])
    for task, args, kwargs in pending:
        task.apply_async(args=args, kwargs=kwargs)


@event.listens_for(Session, "after_rollback")
def _drop_pending_tasks(session: Session) -> None:
    # a rolled-back savepoint leaves the outer transaction (and its tasks) alive
    if session.in_nested_transaction():
        return
    session.info.pop("after_commit_tasks", None)
