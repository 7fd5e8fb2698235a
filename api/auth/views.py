"""Phone-code login: codes, tokens, revocation, and who am I."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_jwt_extended import get_jwt
from flask_smorest import Blueprint

from api.auth import service
from api.auth.schemas import CodeCreateSchema, CodeSchema, MeSchema, TokenCreateSchema, TokenSchema
from api.db import get_session
from api.extensions import limiter
from api.i18n import preferred_language
from api.web import atomic, auth_required, current_user_id

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Sign in by phone code")


def _policy() -> service.LoginPolicy:
    return service.policy_from_config(current_app.config)


@blp.route("/codes")
class Codes(MethodView):
    decorators = [limiter.limit("5 per minute;30 per hour", key_func=lambda: request.remote_addr)]

    @atomic
    @blp.doc(security=[])
    @blp.arguments(CodeCreateSchema)
    @blp.response(201, CodeSchema)
    def post(self, data):
        """Send a 6-digit login code by SMS"""
        policy = _policy()
        row, code = service.request_code(
            get_session(), phone=data["phone"], client_ip=request.remote_addr or "", policy=policy
        )
        current_app.extensions["sms_sender"].send_code(
            row.phone, code, language=preferred_language()
        )
        return {
            "phone": row.phone,
            "expires_in": int(policy.code_ttl.total_seconds()),
            "resend_after": int(policy.resend_interval.total_seconds()),
        }


def _token_body(pair: service.TokenPair) -> dict:
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
        "user_id": pair.user.user_id,
        "role": pair.user.role,
    }


@blp.route("/tokens")
class Tokens(MethodView):
    decorators = [limiter.limit("20 per minute", key_func=lambda: request.remote_addr)]

    @atomic
    @blp.doc(security=[])
    @blp.arguments(TokenCreateSchema)
    @blp.response(201, TokenSchema)
    def post(self, data):
        """Exchange a phone code or a refresh token for new tokens"""
        session = get_session()
        if data["grant_type"] == "phone_code":
            pair = service.login_with_code(
                session, phone=data["phone"], code=data["code"], policy=_policy()
            )
        else:
            pair = service.rotate_refresh_token(
                session, refresh_token=data["refresh_token"], policy=_policy()
            )
        return _token_body(pair)


@blp.route("/revocations")
class Revocations(MethodView):
    @atomic
    @auth_required()
    @blp.response(204)
    def post(self):
        """Sign out: revoke this session's access and refresh tokens"""
        service.revoke_family(get_session(), family_id=get_jwt().get("fam"))


@blp.route("/me")
class Me(MethodView):
    @auth_required()
    @blp.response(200, MeSchema)
    def get(self):
        """The signed-in user"""
        return service.get_user_or_raise(get_session(), user_id=current_user_id())
