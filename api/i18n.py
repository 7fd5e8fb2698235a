"""Translations of user-facing messages (zh-CN and en), chosen by ``Accept-Language``."""

from __future__ import annotations

from flask import has_request_context, request

from api.reasons import translate_errors

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
    "alert_resolved": {"en": "This alert is already resolved.", "zh-CN": "该预警已处理完毕。"},
    "already_claimed": {
        "en": "Another collector took this job.",
        "zh-CN": "该订单已被其他回收员接单。",
    },
    "already_rated": {
        "en": "You have already rated this pickup.",
        "zh-CN": "您已评价过此次上门回收。",
    },
    "already_registered": {
        "en": "You already belong to a plant.",
        "zh-CN": "您已隶属于一家回收厂。",
    },
    "awaiting_acceptance": {
        "en": "The resident has not accepted the weighing yet.",
        "zh-CN": "居民尚未确认称重结果。",
    },
    "bank_reference_used": {
        "en": "This bank reference was recorded with another amount.",
        "zh-CN": "该银行流水号已登记为其他金额。",
    },
    "case_open": {"en": "A case of this kind is already open.", "zh-CN": "同类案件已在处理中。"},
    "custody_chain_broken": {
        "en": "The custody chain is broken; nothing was signed.",
        "zh-CN": "监管链已断裂，未予签署。",
    },
    "dispute_open": {
        "en": "This booking already has an open dispute.",
        "zh-CN": "该预约已有进行中的申诉。",
    },
    "jobs_outside_shift": {
        "en": "Jobs you hold fall outside this shift; release them first.",
        "zh-CN": "您持有的订单不在该班次内，请先释放。",
    },
    "licence_registered": {
        "en": "This licence is already registered.",
        "zh-CN": "该许可证已被注册。",
    },
    "line_in_lot": {
        "en": "This delivery line is already in another lot.",
        "zh-CN": "该入库明细已归入其他批次。",
    },
    "lot_not_handed_over": {
        "en": "The lot was not handed over to a plant.",
        "zh-CN": "该批次尚未移交给回收厂。",
    },
    "malformed_tag": {"en": "The tag code is not valid.", "zh-CN": "标签编码格式无效。"},
    "manifest_frozen": {
        "en": "Both parties confirmed this manifest; only an admin can correct it.",
        "zh-CN": "双方已确认该联单，仅管理员可更正。",
    },
    "manifest_superseded": {
        "en": "This manifest was replaced; confirm the new one.",
        "zh-CN": "该联单已被替换，请确认新联单。",
    },
    "manifest_tampered": {
        "en": "The manifest no longer matches its recorded hash; it is under investigation.",
        "zh-CN": "联单与登记的哈希不符，正在调查中。",
    },
    "no_auction": {"en": "This lot has no auction.", "zh-CN": "该批次没有拍卖。"},
    "no_open_case": {
        "en": "There is no open case of this kind.",
        "zh-CN": "没有进行中的同类案件。",
    },
    "no_station": {
        "en": "Your account is not attached to a station.",
        "zh-CN": "您的账号未关联回收站。",
    },
    "not_approved": {"en": "Enrol and be approved first.", "zh-CN": "请先注册并通过审核。"},
    "not_on_shift": {
        "en": "None of your shifts covers this slot.",
        "zh-CN": "您的班次均不覆盖该时段。",
    },
    "not_your_lot": {
        "en": "Only the buying plant records the receipt.",
        "zh-CN": "只有买方回收厂可以登记收货。",
    },
    "over_payload": {
        "en": "That day's jobs would exceed your vehicle's payload.",
        "zh-CN": "当天订单将超出您车辆的载重。",
    },
    "past_cutoff": {
        "en": "Past the slot's cut-off: call support to hand the job over.",
        "zh-CN": "已过该时段截止时间，请联系客服转交订单。",
    },
    "payment_overdue": {"en": "The payment deadline has passed.", "zh-CN": "付款期限已过。"},
    "payout_in_flight": {
        "en": "Another withdrawal is in progress.",
        "zh-CN": "另一笔提现正在处理中。",
    },
    "stale_content_hash": {
        "en": "The manifest changed since you read it; reload and confirm again.",
        "zh-CN": "联单已变更，请刷新后重新确认。",
    },
    "tag_reused": {"en": "This tag is already used.", "zh-CN": "该标签已被使用。"},
    "too_far": {"en": "You are too far from the pickup address.", "zh-CN": "您距离上门地址太远。"},
    "too_many_jobs": {
        "en": "You already hold as many jobs that day as your shift allows.",
        "zh-CN": "您当天持有的订单已达班次上限。",
    },
    "unknown_tag": {"en": "This tag was never issued.", "zh-CN": "该标签从未发放。"},
    "warehouse_not_built": {
        "en": "The warehouse has not been built yet.",
        "zh-CN": "数据仓库尚未构建。",
    },
    "warehouse_busy": {
        "en": "The warehouse is being rebuilt; try again shortly.",
        "zh-CN": "数据仓库正在更新，请稍后再试。",
    },
    "weighing_not_binding": {
        "en": "The resident has not accepted this weighing.",
        "zh-CN": "居民尚未确认该称重结果。",
    },
    "below_minimum": {"en": "The bid is below the minimum.", "zh-CN": "出价低于最低加价要求。"},
    "auction_closed": {"en": "The auction has closed.", "zh-CN": "拍卖已结束。"},
    "auction_not_open": {"en": "The auction has not opened yet.", "zh-CN": "拍卖尚未开始。"},
    "not_qualified": {
        "en": "Your plant is not qualified to bid on this lot.",
        "zh-CN": "贵厂不具备该批次的竞拍资格。",
    },
    "deposit_too_small": {
        "en": "Your deposit does not cover this bid.",
        "zh-CN": "保证金不足以覆盖该出价。",
    },
    "permit_not_covering": {
        "en": "Your permit does not cover this material.",
        "zh-CN": "贵厂许可证不涵盖该物料。",
    },
}


def preferred_language() -> str:
    """The best supported language for the current request (English outside requests)."""
    if not has_request_context():
        return "en"
    best = request.accept_languages.best_match(["en", "zh-CN", "zh"], default="en")
    return "zh-CN" if best in ("zh-CN", "zh") else "en"


def localised(code: str, message: str | None) -> str:
    """The message to show: the service's own (detailed, English) wording for English
    readers, the translated one for zh-CN readers whenever the code has a translation."""
    entry = MESSAGES.get(code)
    if entry is not None and (not message or preferred_language() != "en"):
        return entry.get(preferred_language()) or entry["en"]
    return message or code


def translate(code: str, fallback: str | None = None) -> str:
    """The message for ``code`` in the request's language."""
    entry = MESSAGES.get(code)
    if entry is None:
        return fallback or code
    return entry.get(preferred_language()) or entry["en"]


def localised_errors(errors: dict) -> dict:
    """The field reasons of an error body for the request: zh-CN readers get them translated
    (``api.reasons``), everyone else gets them as written."""
    if not errors or preferred_language() != "zh-CN":
        return errors
    return translate_errors(errors)
