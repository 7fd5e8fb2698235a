"""Translations of user-facing messages (zh-CN and en), chosen by ``Accept-Language``."""

from __future__ import annotations

from flask import has_request_context, request

SUPPORTED = ("en", "zh-CN")

MESSAGES: dict[str, dict[str, str]] = {
    "validation_error": {"en": "The request is not valid.", "zh-CN": "请求参数有误。"},
    "not_found": {"en": "Not found.", "zh-CN": "未找到。"},
    "method_not_allowed": {"en": "Method not allowed.", "zh-CN": "不支持该请求方法。"},
    "internal_error": {"en": "Internal server error.", "zh-CN": "服务器内部错误。"},
    "unauthorized": {"en": "Sign in first.", "zh-CN": "请先登录。"},
    "forbidden": {"en": "Your role may not do this.", "zh-CN": "您的角色无权执行此操作。"},
    "conflict": {"en": "Conflict with the current state.", "zh-CN": "与当前状态冲突。"},
    "rate_limited": {"en": "Too many requests; slow down.", "zh-CN": "请求过于频繁，请稍后再试。"},
    "precondition_failed": {
        "en": "The resource changed since you read it.",
        "zh-CN": "资源已被修改，请刷新后重试。",
    },
    "precondition_required": {
        "en": "Send If-Match with the ETag you read.",
        "zh-CN": "请携带 If-Match 请求头。",
    },
    "bad_request": {"en": "Bad request.", "zh-CN": "请求格式错误。"},
    "unsupported_media_type": {"en": "Send JSON.", "zh-CN": "请发送 JSON。"},
    "outside_service_area": {
        "en": "This address is outside our service area.",
        "zh-CN": "该地址不在服务范围内。",
    },
    "slot_full": {"en": "This time slot is full.", "zh-CN": "该时段已约满。"},
    "slot_closed": {
        "en": "This time slot can no longer be booked.",
        "zh-CN": "该时段已截止预约。",
    },
    "invalid_code": {"en": "The code is wrong or expired.", "zh-CN": "验证码错误或已过期。"},
    "too_many_attempts": {
        "en": "Too many wrong codes; request a new one.",
        "zh-CN": "验证码错误次数过多，请重新获取。",
    },
    "resend_too_soon": {
        "en": "Wait before asking for another code.",
        "zh-CN": "请稍后再获取验证码。",
    },
    "invalid_token": {"en": "The token is not valid.", "zh-CN": "令牌无效。"},
    "token_reused": {
        "en": "This refresh token was already used; all sessions of it were signed out.",
        "zh-CN": "刷新令牌已被使用，相关会话均已退出。",
    },
    "idempotency_mismatch": {
        "en": "This Idempotency-Key was used with a different request.",
        "zh-CN": "该幂等键已用于不同的请求。",
    },
    "idempotency_in_progress": {
        "en": "A request with this Idempotency-Key is still being processed.",
        "zh-CN": "该幂等键的请求正在处理中。",
    },
    "quote_expired": {"en": "The quote has expired.", "zh-CN": "报价已过期。"},
    "invalid_state": {
        "en": "Not possible in the current state.",
        "zh-CN": "当前状态下无法执行此操作。",
    },
}


def preferred_language() -> str:
    """The best supported language for the current request (English outside requests)."""
    if not has_request_context():
        return "en"
    best = request.accept_languages.best_match(["en", "zh-CN", "zh"], default="en")
    return "zh-CN" if best in ("zh-CN", "zh") else "en"


def translate(code: str, fallback: str | None = None) -> str:
    """The message for ``code`` in the request's language."""
    entry = MESSAGES.get(code)
    if entry is None:
        return fallback or code
    return entry.get(preferred_language()) or entry["en"]
