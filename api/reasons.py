"""Field-level reasons in zh-CN: marshmallow's and webargs' messages and our services' own.

The English reason stays the source of truth (services and schemas are unchanged); this
catalogue maps it to Simplified Chinese where the error body is built. Fixed reasons are
looked up in ``EXACT``. Reasons with values use ``PATTERNS``: an English template whose
``{name}`` placeholders capture the values, and a zh-CN template that places them again.
In a zh-CN template ``{name}`` repeats the value as sent (codes, numbers, lists),
``{name:term}`` translates it with ``TERMS`` (statuses, decisions, units) and
``{name:reason}`` translates it as a reason in its own right. A reason the catalogue does
not know is returned unchanged: English beats a dropped or garbled reason.

Pure Python (no Flask): ``api.i18n`` decides whether the request wants zh-CN.
"""

from __future__ import annotations

import re

# Values carried inside reasons that read better translated.
TERMS: dict[str, str] = {
    # deduction kinds
    "moisture": "水分",
    "contamination": "杂质",
    "tare": "皮重",
    # units
    "grams": "克",
    "pieces": "件",
    # date and time field types
    "datetime": "日期时间",
    "date": "日期",
    "time": "时间",
    # review decisions (collectors, plants)
    "approve": "批准",
    "reject": "拒绝",
    "suspend": "暂停",
    "request info": "要求补充材料",
    "offboard": "清退",
    "reinstate": "恢复",
    # collector statuses, as "the collector is ..."
    "applied": "尚在审核中",
    "needs_info": "待补充材料",
    "approved": "已通过审核",
    "rejected": "已被拒绝",
    "suspended": "已被暂停",
    "offboarded": "已被清退",
    # tag statuses, as "already ..."
    "issued": "发放",
    "attached": "绑定",
    "delivered": "交付",
    "sold": "售出",
    "received": "签收",
    "void": "作废",
}

EXACT: dict[str, str] = {
    # marshmallow fields and schemas
    "Missing data for required field.": "此项为必填。",
    "Field may not be null.": "此项不能为空。",
    "Invalid value.": "值无效。",
    "Invalid type.": "类型无效。",
    "Invalid input type.": "输入类型无效。",
    "Unknown field.": "不支持此字段。",
    "Not a valid list.": "请输入列表。",
    "Not a valid tuple.": "请输入数组。",
    "Not a valid string.": "请输入文本。",
    "Not a valid utf-8 string.": "请输入有效的 UTF-8 文本。",
    "Not a valid UUID.": "请输入有效的 UUID。",
    "Not a valid number.": "请输入数字。",
    "Number too large.": "数值过大。",
    "Not a valid integer.": "请输入整数。",
    "Special numeric values (nan or infinity) are not permitted.": "不支持 NaN、无穷大等特殊数值。",
    "Not a valid boolean.": "请输入 true 或 false。",
    "Not a valid datetime.": "请输入有效的日期时间。",
    "Not a valid date.": "请输入有效的日期。",
    "Not a valid time.": "请输入有效的时间。",
    "Not a valid aware datetime.": "请输入带时区的日期时间。",
    "Not a valid naive datetime.": "请输入不带时区的日期时间。",
    "Not a valid period of time.": "请输入有效的时长。",
    "Not a valid mapping type.": "请输入 JSON 对象。",
    "Not a valid URL.": "请输入有效的网址。",
    "Not a valid email address.": "请输入有效的邮箱地址。",
    "String does not match expected pattern.": "格式不正确。",
    "Invalid input.": "输入无效。",
    # webargs
    "Invalid JSON body.": "JSON 格式错误。",
    # our schemas' validators
    "a percentage from 0 to 100": "请输入 0 到 100 之间的百分比。",
    "at most two decimal places": "最多保留两位小数。",
    "required for grant_type phone_code": "grant_type 为 phone_code 时必填。",
    "required for grant_type refresh_token": "grant_type 为 refresh_token 时必填。",
    "six digits": "请输入 6 位数字。",
    "an uploaded photo id": "请填写已上传照片的 ID。",
    "an uploaded document id": "请填写已上传文件的 ID。",
    "a skill name such as appliance": "请输入技能名称，如 appliance。",
    "a local time HH:MM": "请输入本地时间，格式为 HH:MM。",
    "64 lower-case hex digits (SHA-256)": "须为 64 位小写十六进制字符（SHA-256）。",
    "lower-case letters, digits, _": "只能包含小写字母、数字和下划线。",
    "a-z, 0-9, -": "只能包含 a-z、0-9 和 -。",
    "a date YYYY-MM-DD": "请输入日期，格式为 YYYY-MM-DD。",
    "18 characters: 17 digits and a digit or X": "须为 18 位：17 位数字加 1 位数字或 X。",
    "the birth date in the number is not a date": "证件号中的出生日期无效。",
    "the birth date in the number is out of range": "证件号中的出生日期超出范围。",
    "check character does not match (mistyped?)": "校验码不符，请检查是否输错。",
    # request guards (api/web.py, api/extensions.py)
    "must be 1 to 128 printable characters": "须为 1 到 128 个可打印字符。",
    "already used with a different request": "已用于其他请求。",
    "must not contain NUL characters": "不能包含 NUL 字符。",
    "not valid Unicode text": "不是有效的 Unicode 文本。",
    "set by the system; do not send it": "由系统生成，请勿填写。",
    "unknown parameter: this endpoint takes none": "未知参数：该接口不接受查询参数。",
    # auth
    "not a valid mobile number in E.164 form (+86...)": (
        "手机号无效，请按 E.164 格式填写（+86...）。"
    ),
    "wrong or expired code": "验证码错误或已过期。",
    "token expired": "登录已过期，请重新登录。",
    "token revoked": "登录已失效，请重新登录。",
    "Not enough segments": "令牌格式无效。",
    "Signature verification failed": "令牌签名校验失败。",
    "Only non-refresh tokens are allowed": "此处不能使用刷新令牌。",
    "Only refresh tokens are allowed": "此处只能使用刷新令牌。",
    "The specified alg value is not allowed": "不支持该令牌签名算法。",
    # zones and places
    "outside the service area": "不在服务范围内。",
    "a polygon needs at least 3 points": "多边形至少需要 3 个点。",
    "each point is [longitude, latitude]": "每个点的格式为 [经度, 纬度]。",
    "longitude in [-180, 180], latitude in [-90, 90]": (
        "经度须在 -180 到 180 之间，纬度须在 -90 到 90 之间。"
    ),
    "send both home_latitude and home_longitude": "请同时填写 home_latitude 和 home_longitude。",
    # quotes, slots, bookings
    "no such quote": "报价不存在。",
    "the quote has expired; ask for a new one": "报价已过期，请重新获取。",
    "the same material and grade twice": "同一物料和等级重复填写。",
    "unknown material": "未知物料。",
    "no such slot": "时段不存在。",
    "this slot is past its booking cut-off": "该时段已过预约截止时间。",
    "already booked in this slot": "已预约该时段。",
    "this slot is for another zone": "该时段属于其他区域。",
    "this slot is for another zone than the address": "该时段与地址不在同一区域。",
    "the quote was made for another zone": "该报价属于其他区域。",
    "not in the quote; ask for a new quote": "不在报价中，请重新获取报价。",
    "no such booking": "预约不存在。",
    # collectors, shifts, pings
    "listed twice": "重复填写。",
    "the certificate has expired": "证书已过期。",
    "send at least one field to change": "请至少修改一项。",
    "must be after start": "须晚于开始时间。",
    "is in the future": "不能晚于当前时间。",
    "is too old; send pings as they are taken": "时间过早，请实时上报位置。",
    "no such collector": "回收员不存在。",
    # weighing at the door
    "weigh this material in grams, not pieces": "该物料按克称重，不按件计。",
    "count this material in pieces, not grams": "该物料按件计数，不按克称重。",
    "pieces have no deductions": "按件计的物料没有扣除项。",
    "not in this booking's quote; book it separately": "不在该预约的报价中，请另行预约。",
    "tare is deducted in grams, not percent": "皮重按克扣除，不按百分比。",
    # custody: tags, manifests, compliance
    "a tag code is a string": "标签编码须为文本。",
    "tag codes look like RC + 12 digits": "标签编码格式为 RC 加 12 位数字。",
    "check digit does not match (mistyped?)": "校验位不符，请检查是否输错。",
    "this tag was never issued": "该标签从未发放。",
    "this tag was issued to another collector": "该标签已发放给其他回收员。",
    "already used": "已被使用。",
    "whole grams, zero or more": "请输入不小于 0 的整数克数。",
    "does not match the current content": "与当前内容不一致。",
    "cannot be in the future": "不能晚于当前时间。",
    "say why": "请说明理由。",
    # stations, lots, ledger
    "not a station staff account": "不是回收站员工账号。",
    "no such station": "回收站不存在。",
    "not on a bag from a job this collector completed": "不是该回收员已完成订单的回收袋。",
    "scanned twice in this delivery": "本次入库中重复扫描。",
    "priced per piece: give the amount": "按件计价，请填写金额。",
    "priced by the tariff in force; do not send it": "按现行价格表计价，请勿填写。",
    "one line per material and grade": "每种物料和等级只能填写一行。",
    "priced per piece; the station must give the amount": "按件计价，须由回收站填写金额。",
    "must be after collection_starts_at": "须晚于 collection_starts_at。",
    "a collection window is at most 30 days": "收集期最长 30 天。",
    "a line is listed twice": "有明细重复填写。",
    "not a delivery line of your station": "不是本站的入库明细。",
    "already in another lot": "已归入其他批次。",
    "must not be negative": "不能为负数。",
    "must be positive": "须大于 0。",
    # plants, credit, disputes, tariffs
    "the permit has already expired": "许可证已过期。",
    "not a lender on this platform": "不是本平台的贷款机构。",
    "must be 0 when the dispute is rejected": "申诉被驳回时须为 0。",
    "say why the tariff is rejected": "请说明驳回该价格表的理由。",
    # auctions (ours and pricing's checks of the terms)
    "must be after the start and in the future": "须晚于开始时间且晚于当前时间。",
    "an auction runs at most 14 days": "拍卖时长最多 14 天。",
    "a sealed tender closes on time": "密封投标按时截止，不能设置延时。",
    "start price and deposit must not be negative": "起拍价和保证金不能为负数。",
    "deposit_pct must be a Decimal percent in 0..100": "保证金比例须为 0 到 100 之间的百分数。",
    "window and extension must be positive, cap non-negative": (
        "延时窗口和延时时长须大于 0，延时上限不能为负数。"
    ),
    "index_price_cents_per_kg must not be negative": "指数价格（分/千克）不能为负数。",
    "increment table must start at from_cents=0": "加价表须从 from_cents=0 开始。",
    "increments must be positive": "加价幅度须大于 0。",
    "increment tiers must have strictly ascending from_cents": "加价档位的 from_cents 须严格递增。",
    "increments must not shrink as the price rises": "加价幅度不能随价格升高而减小。",
}

# Order matters where one English template also fits another's text: the first match wins,
# so "greater than or equal to" comes before "greater than", "between" before "{equal}".
PATTERNS: dict[str, str] = {
    # marshmallow validators (Range, Length, OneOf, ContainsOnly, ContainsNoneOf, Equal)
    "Must be greater than or equal to {min} and less than or equal to {max}.": (
        "须在 {min} 到 {max} 之间。"
    ),
    "Must be greater than or equal to {min} and less than {max}.": "须不小于 {min} 且小于 {max}。",
    "Must be greater than {min} and less than or equal to {max}.": "须大于 {min} 且不超过 {max}。",
    "Must be greater than {min} and less than {max}.": "须大于 {min} 且小于 {max}。",
    "Must be greater than or equal to {min}.": "不能小于 {min}。",
    "Must be greater than {min}.": "须大于 {min}。",
    "Must be less than or equal to {max}.": "不能大于 {max}。",
    "Must be less than {max}.": "须小于 {max}。",
    "Length must be between {min} and {max}.": "长度须在 {min} 到 {max} 之间。",
    "Length must be {equal}.": "长度须为 {equal}。",
    "Shorter than minimum length {min}.": "长度不能小于 {min}。",
    "Longer than maximum length {max}.": "长度不能大于 {max}。",
    "Must be one of: {choices}.": "须为以下之一：{choices}。",
    "One or more of the choices you made was not in: {choices}.": (
        "所选项须在以下范围内：{choices}。"
    ),
    "One or more of the choices you made was in: {values}.": "所选项不能包含：{values}。",
    "Must be equal to {other}.": "须等于 {other}。",
    '"{input}" cannot be formatted as a {obj_type}.': '"{input}" 无法转换为{obj_type:term}。',
    # our validators with values
    "must be {min} to {max} cents": "须为 {min} 到 {max} 分。",
    "{min} to {max} letters": "须为 {min} 到 {max} 个字符。",
    # flask-jwt-extended and PyJWT (the Authorization reasons)
    "Missing '{kind}' type in '{header}' header. Expected '{expected}'": (
        "{header} 请求头缺少 {kind} 类型，应为 '{expected}'。"
    ),
    "Bad {header} header. Expected '{expected}'": "{header} 请求头格式错误，应为 '{expected}'。",
    "Missing {header} Header": "缺少 {header} 请求头。",
    "Missing claim: {claim}": "令牌缺少 {claim} 声明。",
    "Invalid {part} padding": "令牌格式无效。",
    "Invalid header string: {detail}": "令牌头格式无效。",
    "Invalid payload string: {detail}": "令牌内容格式无效。",
    # services
    "one of {choices}": "须为以下之一：{choices}。",
    "unknown material {code}": "未知物料 {code}。",
    "unknown zone {code}": "未知区域 {code}。",
    "{code} grades are {grades}": "{code} 的等级可选：{grades}。",
    "at least {quantity} {unit} of {code}": "{code} 至少 {quantity} {unit:term}。",
    "not bought in this zone now: {detail}": "本区域目前不收购：{detail:reason}",
    "no rate for {item} (zone {zone}) on {day}": "{day} {item} 在 {zone} 区域没有收购价。",
    "no rate for {item} (city-wide) on {day}": "{day} {item} 没有全市收购价。",
    "more than {km} km from every service zone": "距离所有服务区域都超过 {km} 公里。",
    "a reason is required to {decision}": "{decision:term}须填写理由。",
    "say why you {decision} the plant": "请说明{decision:term}该回收厂的理由。",
    "from today to {days} days ahead": "须在今天至 {days} 天后之间。",
    "must be between today and {days} days ahead": "须在今天至 {days} 天后之间。",
    "the collector is {status}": "该回收员{status:term}。",
    "already {status}": "已{status:term}。",
    "at most the booking's quoted total ({cap} cents)": "不能超过该预约的报价总额（{cap} 分）。",
    "{metres} m from the pickup address (at most {limit})": (
        "距上门地址 {metres} 米（最多 {limit} 米）。"
    ),
    "is {material}/{grade}": "该明细为 {material}/{grade}。",
    "more than the {available} cents available": "超过可用余额 {available} 分。",
    "this bag was weighed at the door as {bag}": "该回收袋上门称重时登记为 {bag}。",
    # pricing's checks of auction terms
    "factor must be a non-negative Decimal, got {factor}": "系数须为非负小数，收到的是 {factor}。",
    "price must not be negative, got {price}": "价格不能为负数，收到的是 {price}。",
    "two bids share placed_at={at} seq={seq}": "两笔出价的 placed_at={at} 和 seq={seq} 相同。",
    # pricing's deduction rules, as the weighing reports them
    "must be a non-negative int, got {value}": "须为非负整数，收到的是 {value}。",
    "unknown category {category} (known: {known})": "未知类别 {category}（可选：{known}）。",
    "unknown deduction kind {kind}": "未知扣除类型 {kind}。",
    "no published rule for {kind}": "{kind:term}没有公布的扣除规则。",
    "two rules for {kind}": "{kind:term}有两条扣除规则。",
    "{kind} max_percent must be a Decimal in 0..100": (
        "{kind:term}的 max_percent 须为 0 到 100 之间的小数。"
    ),
    "{kind} deducted twice": "{kind:term}重复扣除。",
    "tare needs integer grams, got {grams}": "皮重须为整数克，收到的是 {grams}。",
    "tare {grams} g exceeds {limit}% of gross {gross} g": (
        "皮重 {grams} 克超过毛重 {gross} 克的 {limit}%。"
    ),
    "{kind} is deducted in percent, not grams": "{kind:term}按百分比扣除，不按克。",
    "{kind} needs a finite Decimal percent, got {percent}": (
        "{kind:term}须为有效的百分比，收到的是 {percent}。"
    ),
    "{kind} must not be negative, got {value}": "{kind:term}不能为负数，收到的是 {value}。",
    "{kind} {percent}% exceeds the maximum {limit}%": "{kind:term} {percent}% 超过上限 {limit}%。",
}

# Longer texts are not reasons we wrote; matching them is wasted work.
MAX_REASON_LENGTH = 500

_PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")
_OPTIONS = (None, "term", "reason")


def _compile(english: str, chinese: str) -> tuple[re.Pattern[str], str]:
    """The regex for an English template; checks its zh-CN template uses only its names."""
    parts: list[str] = []
    names: set[str] = set()
    position = 0
    for placeholder in _PLACEHOLDER.finditer(english):
        parts.append(re.escape(english[position : placeholder.start()]))
        parts.append(f"(?P<{placeholder[1]}>.+?)")
        names.add(placeholder[1])
        position = placeholder.end()
    parts.append(re.escape(english[position:]))
    for placeholder in _PLACEHOLDER.finditer(chinese):
        if placeholder[1] not in names or placeholder[2] not in _OPTIONS:
            raise ValueError(f"{chinese!r} does not fit {english!r}")
    return re.compile("".join(parts), re.DOTALL), chinese


_COMPILED = tuple(_compile(english, chinese) for english, chinese in PATTERNS.items())


def _fill(chinese: str, values: dict[str, str]) -> str:
    def value(placeholder: re.Match[str]) -> str:
        text, option = values[placeholder[1]], placeholder[2]
        if option == "term":
            return TERMS.get(text, text)
        if option == "reason":
            return translate_reason(text)
        return text

    return _PLACEHOLDER.sub(value, chinese)


def translate_reason(reason: str) -> str:
    """``reason`` in zh-CN, or unchanged when the catalogue does not know it."""
    exact = EXACT.get(reason)
    if exact is not None:
        return exact
    if len(reason) > MAX_REASON_LENGTH:
        return reason
    for pattern, chinese in _COMPILED:
        match = pattern.fullmatch(reason)
        if match is not None:
            return _fill(chinese, match.groupdict())
    return reason


def translate_errors(errors: dict) -> dict:
    """``{field: [reason, ...]}`` with every string reason in zh-CN; anything else as is."""
    return {
        field: [translate_reason(r) if isinstance(r, str) else r for r in reasons]
        if isinstance(reasons, list)
        else reasons
        for field, reasons in errors.items()
    }
