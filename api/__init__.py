"""The Flask application factory."""

from __future__ import annotations

import importlib
import logging

from flask import Flask, jsonify
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from api.config import check_production_secrets, load_config

# Each domain package's views module exposes ``blp``; order sets the order in the docs.
DOMAINS = (
    "auth",
    "materials",
    "zones",
    "residents",
    "tariffs",
    "quotes",
    "slots",
    "bookings",
    "collectors",
    "jobs",
    "stations",
    "wallets",
    "payouts",
    "disputes",
    "ratings",
    "route_plans",
    "custody",
    "regulators",
    "plants",
    "lots",
    "auctions",
    "warehouse_api",
    "credit",
)


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` path ids that fit a BIGINT; larger ones are a 404, not a driver error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings from the environment, ``config`` on top."""
    from api import errors, models  # noqa: F401  (models: every table registered)
    from api.auth.sms import make_sms_sender
    from api.db import get_session, init_db
    from api.extensions import api, init_celery, jwt, limiter, reject_query_without_schema
    from api.logs import configure_logging
    from api.web import reject_unstorable_text

    app = Flask(__name__, instance_relative_config=False)
    app.url_map.converters["int"] = DatabaseIdConverter
    app.config.update(load_config(config))
    check_production_secrets(app.config)
    configure_logging(app)
    if app.config.get("PROXY_FIX_X_FOR"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]))
    app.config.setdefault("JWT_TOKEN_LOCATION", ["headers"])
    app.json.sort_keys = False

    init_db(app)
    jwt.init_app(app)
    limiter.init_app(app)
    api.init_app(
        app,
        spec_kwargs={
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
                }
            },
            "security": [{"bearerAuth": []}],
        },
    )
    init_celery(app)
    app.extensions["sms_sender"] = make_sms_sender(app.config["SMS_SENDER"])
    errors.register_error_handlers(app)
    app.before_request(reject_unstorable_text)
    app.before_request(reject_query_without_schema)
    _register_jwt_callbacks(jwt)

    for domain in DOMAINS:
        module = importlib.import_module(f"api.{domain}.views")
        api.register_blueprint(module.blp)
    app.register_blueprint(importlib.import_module("mobile_stub.views").blp)
    importlib.import_module("api.tasks")

    @app.get("/api/health")
    def health():
        """Liveness: the process answers."""
        return jsonify(status="ok")

    @app.get("/api/ready")
    def ready():
        """Readiness: the database answers."""
        try:
            get_session().execute(text("select 1"))
        except Exception:  # any driver error means not ready
            logging.getLogger(__name__).warning("readiness check failed", exc_info=True)
            return jsonify(status="unavailable"), 503
        return jsonify(status="ok")

    from api.cli import register_cli

    register_cli(app)
    return app


def _register_jwt_callbacks(jwt) -> None:
    from api.auth.revocation import is_access_revoked
    from api.db import get_session
    from api.errors import error_body

    @jwt.token_in_blocklist_loader
    def _revoked(_header, payload):
        return is_access_revoked(get_session(), family_id=payload.get("fam"))

    def _unauthorized(reason: str):
        return error_body("unauthorized", None, {"Authorization": [reason]}), 401

    jwt.unauthorized_loader(lambda reason: _unauthorized(reason))
    jwt.invalid_token_loader(lambda reason: _unauthorized(reason))
    jwt.expired_token_loader(lambda _h, _p: _unauthorized("token expired"))
    jwt.revoked_token_loader(lambda _h, _p: _unauthorized("token revoked"))
