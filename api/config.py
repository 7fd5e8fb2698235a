"""Settings read from environment variables, with safe defaults for the embedded mode."""

from __future__ import annotations

import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
DEV_SECRET = "dev-only-secret-change-me-before-production"


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Point plain ``postgresql://`` URLs at the psycopg 3 driver we ship."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _beat_schedule(tz_name: str) -> dict:
    # imported late: the schedule module imports task modules, which import this one
    from api.schedule import beat_schedule

    return beat_schedule(tz_name)


def load_config(overrides: dict | None = None) -> dict:
    """Build the app configuration from the environment, then apply ``overrides``."""
    env = os.environ.get
    database_url = env("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'recycle.sqlite3'}"
    redis_url = env("REDIS_URL") or None
    config = {
        "ENV_NAME": env("RECYCLE_ENV", "development"),
        "SECRET_KEY": env("SECRET_KEY", DEV_SECRET),
        "JWT_SECRET_KEY": env("JWT_SECRET_KEY", DEV_SECRET),
        "PII_KEY": env("PII_KEY", DEV_SECRET),
        "WAREHOUSE_HMAC_KEY": env("WAREHOUSE_HMAC_KEY", DEV_SECRET),
        "CUSTODY_SIGNING_KEY": env("CUSTODY_SIGNING_KEY", ""),
        "DATABASE_URL": normalise_database_url(database_url),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": env("CELERY_BROKER_URL") or redis_url,
        "CELERY_RESULT_BACKEND": env("CELERY_RESULT_BACKEND") or redis_url,
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI") or redis_url or "memory://",
        "RATELIMIT_KEY_PREFIX": env("RATELIMIT_KEY_PREFIX", "recycle"),
        "RATELIMIT_DEFAULT": env("RATELIMIT_DEFAULT", "600 per minute"),
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "SMS_SENDER": env("SMS_SENDER", "console"),
        "LOG_LEVEL": env("LOG_LEVEL", "INFO").upper(),
        "TIMEZONE": env("RECYCLE_TIMEZONE", "Asia/Shanghai"),
        "CURRENCY": "CNY",
        "LOGIN_CODE_TTL_SECONDS": int(env("LOGIN_CODE_TTL_SECONDS", "300")),
        "LOGIN_CODE_MAX_ATTEMPTS": 5,
        "LOGIN_CODE_RESEND_SECONDS": int(env("LOGIN_CODE_RESEND_SECONDS", "60")),
        "LOGIN_CODES_PER_PHONE_PER_HOUR": 5,
        "ACCESS_TOKEN_MINUTES": int(env("ACCESS_TOKEN_MINUTES", "15")),
        "REFRESH_TOKEN_DAYS": int(env("REFRESH_TOKEN_DAYS", "30")),
        # a sign-out in another API process applies here within this many seconds; a session
        # seen unrevoked is re-read after TOKEN_FAMILY_TRUST_SECONDS (api/auth/revocation.py)
        "TOKEN_REVOCATION_CACHE_SECONDS": float(env("TOKEN_REVOCATION_CACHE_SECONDS", "2")),
        "TOKEN_FAMILY_TRUST_SECONDS": float(env("TOKEN_FAMILY_TRUST_SECONDS", "600")),
        "SLOT_CUTOFF_MINUTES": int(env("SLOT_CUTOFF_MINUTES", "120")),
        "QUOTE_VALID_HOURS": int(env("QUOTE_VALID_HOURS", "24")),
        # dispatch (api/route_plans): solver seconds per zone, re-plans after booking changes
        "DISPATCH_TIME_LIMIT_S": float(env("DISPATCH_TIME_LIMIT_S", "10")),
        "DISPATCH_REPLAN_DELAY_S": int(env("DISPATCH_REPLAN_DELAY_S", "120")),
        "DISPATCH_REPLAN_ON_CHANGE": (
            _env_bool("DISPATCH_REPLAN_ON_CHANGE", False)
            if env("DISPATCH_REPLAN_ON_CHANGE") is not None
            else None  # None: on when a broker is configured
        ),
        "CELERY_BEAT_SCHEDULE": _beat_schedule(env("RECYCLE_TIMEZONE", "Asia/Shanghai")),
        # marketplace: suggested tariffs (other defaults documented in api/auctions/settings.py)
        "TARIFF_MARGIN_PCT": env("TARIFF_MARGIN_PCT", "15"),
        "HANDLING_COST_CENTS_PER_KG": int(env("HANDLING_COST_CENTS_PER_KG", "20")),
        "TARIFF_FLOOR_CENTS_PER_KG": int(env("TARIFF_FLOOR_CENTS_PER_KG", "10")),
        # money half of the collectors issue (api/ledger, api/payouts)
        "COLLECTOR_MARGIN_PCT": env("COLLECTOR_MARGIN_PCT", "10"),  # % over tariff at stations
        "PAYOUT_PROVIDER": env("PAYOUT_PROVIDER", "fake"),  # "fake" or "package.module:Class"
        "FAKE_PAYOUT_DELAY_S": env("FAKE_PAYOUT_DELAY_S", "0"),
        "CELERY_VISIBILITY_TIMEOUT": int(env("CELERY_VISIBILITY_TIMEOUT", "3600")),
        "WAREHOUSE_PATH": env("WAREHOUSE_PATH") or str(INSTANCE_DIR / "warehouse.duckdb"),
        "API_TITLE": "Recycle pickup platform API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/",
        "JSON_SORT_KEYS": False,
    }
    if overrides:
        config.update(overrides)
    return config


def check_production_secrets(config: dict) -> None:
    """Refuse to start in production with a default or empty secret."""
    if config["ENV_NAME"] != "production":
        return
    weak = [
        name
        for name in ("SECRET_KEY", "JWT_SECRET_KEY", "PII_KEY", "WAREHOUSE_HMAC_KEY")
        if not config.get(name) or config[name] == DEV_SECRET or len(config[name]) < 32
    ]
    if weak:
        raise RuntimeError(
            "refusing to start in production with default or short secrets: " + ", ".join(weak)
        )
