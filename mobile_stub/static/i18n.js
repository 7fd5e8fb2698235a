// @ts-check
/** Labels in Chinese or English, chosen once from the phone's language. */

/** @type {"zh-CN" | "en"} */
export const lang = (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh-CN" : "en";

/** @type {Record<string, [string, string]>} key: [English, Chinese] */
const STRINGS = {
  app_name: ["Recycle pickup", "上门回收"],
  loading: ["Loading…", "加载中…"],
  retry: ["Try again", "重试"],
  offline: ["Cannot reach the server.", "无法连接服务器。"],
  not_available: ["Not available yet", "暂未开放"],
  not_available_hint: [
    "This part of the service is still being built. Missing:",
    "该功能正在建设中。缺少接口：",
  ],
  back: ["Back", "返回"],
  next: ["Next", "下一步"],
  refresh: ["Refresh", "刷新"],
  optional: ["optional", "选填"],
  required: ["required", "必填"],
  check_fields: ["Check the highlighted fields.", "请检查标出的字段。"],
  not_a_number: ["Enter a number, e.g. 2.5", "请输入数字，例如 2.5"],
  // login
  login_title: ["Sign in", "登录"],
  login_intro: ["We text you a 6-digit code.", "我们将通过短信发送 6 位验证码。"],
  phone: ["Mobile number", "手机号"],
  send_code: ["Send code", "获取验证码"],
  resend_in: ["Resend in {s} s", "{s} 秒后可重发"],
  code: ["6-digit code", "6 位验证码"],
  code_sent: ["Code sent to {phone}", "验证码已发送至 {phone}"],
  sign_in: ["Sign in", "登录"],
  sign_out: ["Sign out", "退出登录"],
  signed_out: ["You were signed out. Sign in again.", "登录已失效，请重新登录。"],
  // tabs
  tab_book: ["Book", "预约"],
  tab_bookings: ["My pickups", "我的订单"],
  tab_me: ["Me", "我的"],
  tab_jobs: ["Jobs", "接单"],
  tab_route: ["Route", "路线"],
  tab_dropoff: ["Drop-off", "交站"],
  tab_lots: ["Lots", "拍品"],
  // booking wizard
  step_address: ["Address", "地址"],
  step_items: ["Items", "物品"],
  step_slot: ["Time", "时间"],
  step_confirm: ["Confirm", "确认"],
  where: ["Where should we pick up?", "在哪里上门回收？"],
  add_address: ["Add a new address", "添加新地址"],
  address_label: ["Label", "标签"],
  address_label_hint: ["e.g. Home", "例如：家"],
  address_text: ["Street, lane and room", "街道、弄号和房间"],
  building: ["Building", "楼号"],
  floor: ["Floor", "楼层"],
  latitude: ["Latitude", "纬度"],
  longitude: ["Longitude", "经度"],
  use_location: ["Use my location", "使用当前位置"],
  locating: ["Locating…", "定位中…"],
  location_failed: ["Could not get your location.", "无法获取位置。"],
  save_address: ["Save address", "保存地址"],
  zone: ["Zone", "区域"],
  what: ["What do you have?", "您有哪些可回收物？"],
  material: ["Material", "品类"],
  grade: ["Grade", "等级"],
  quantity_kg: ["Weight (kg)", "重量（公斤）"],
  quantity_pieces: ["Pieces", "件数"],
  min_quantity: ["at least {q}", "至少 {q}"],
  add_item: ["Add another material", "再添加一种"],
  remove: ["Remove", "删除"],
  get_quote: ["Get a quote", "获取报价"],
  quote: ["Your quote", "您的报价"],
  estimated_total: ["Estimated total", "预计总额"],
  quote_expires: ["Valid until {t}", "有效期至 {t}"],
  per_unit_kg: ["{p}/kg", "{p}/公斤"],
  per_unit_piece: ["{p}/piece", "{p}/件"],
  choose_time: ["Choose a time", "选择时间"],
  when: ["When suits you?", "什么时间方便？"],
  no_slots: ["No times on this day.", "当天没有可预约时段。"],
  places_left: ["{n} places left", "剩余 {n} 个名额"],
  full: ["Full", "已约满"],
  closed: ["Closed", "已截止"],
  review: ["Review and book", "确认并预约"],
  notes: ["Notes for the collector", "给回收员的备注"],
  book_pickup: ["Book pickup", "确认预约"],
  booked: ["Booked. See you then!", "预约成功！"],
  // bookings
  my_pickups: ["My pickups", "我的订单"],
  no_pickups: ["No pickups yet.", "还没有预约。"],
  book_one: ["Book a pickup", "预约上门回收"],
  pickup_no: ["Pickup #{id}", "订单 #{id}"],
  slot_no: ["Slot #{id}", "时段 #{id}"],
  timeline: ["Timeline", "进度"],
  items: ["Items", "物品"],
  cancel_booking: ["Cancel pickup", "取消预约"],
  cancel_question: ["Cancel this pickup?", "确定取消该预约吗？"],
  cancel_reason: ["Reason", "原因"],
  cancel_late_warning: [
    "The cut-off has passed: this counts as a late cancellation.",
    "已过截止时间，将记为迟取消。",
  ],
  keep_booking: ["Keep it", "不取消"],
  confirm_cancel: ["Yes, cancel", "确认取消"],
  cancelled: ["Pickup cancelled.", "已取消预约。"],
  payout: ["Paid to you", "已支付给您"],
  late: ["Late cancellation", "迟取消"],
  lines: ["Lines", "明细"],
  gross: ["Gross", "毛重"],
  tag_code: ["Bag tag", "袋签"],
  tag_codes: ["Bag tags", "袋签"],
  material_code: ["Material", "品类"],
  eta_minutes: ["Arriving in (minutes)", "预计到达（分钟）"],
  full_name: ["Full name", "姓名"],
  national_id: ["ID number", "身份证号"],
  id_photo_refs: ["ID photos", "身份证照片"],
  vehicle_type: ["Vehicle", "车辆"],
  payload: ["Payload", "载重"],
  volume_litres: ["Volume (litres)", "容积（升）"],
  home_latitude: ["Home latitude", "住处纬度"],
  home_longitude: ["Home longitude", "住处经度"],
  zones: ["Zones", "服务区域"],
  skills: ["Skills", "技能"],
  deductions: ["Deductions", "扣重"],
  max_amount: ["Your maximum for the lot", "整批最高出价"],
  net: ["Net", "净重"],
  pieces: ["Pieces", "件数"],
  // collector and plant
  enrol_title: ["Collector enrolment", "回收员入驻"],
  enrol_intro: ["Apply once; we review your details before you can claim pickups.", "提交一次申请，审核通过后即可接单。"],
  enrol: ["Apply", "提交申请"],
  enrolled: ["Application sent.", "申请已提交。"],
  collector_only: [
    "Collector accounts are opened at a recycling station. Sign in with that account to apply and take jobs.",
    "回收员账号需在回收站开通，请使用该账号登录后申请和接单。",
  ],
  application_applied: ["We are reviewing your application.", "申请审核中。"],
  application_needs_info: ["We need more information: see the note above.", "需要补充资料，请查看上方说明。"],
  application_rejected: ["Your application was not accepted.", "申请未通过。"],
  application_suspended: ["Your account is suspended.", "账号已暂停。"],
  application_offboarded: ["Your account is closed.", "账号已注销。"],
  wallet_balance: ["Balance", "余额"],
  wallet_available: ["Available to withdraw", "可提现"],
  wallet_entries: ["Latest entries", "最近明细"],
  no_entries: ["No entries yet.", "暂无明细。"],
  job_feed: ["Jobs near you", "附近订单"],
  no_jobs: ["No jobs right now.", "暂无订单。"],
  claim: ["Claim", "接单"],
  claimed: ["Job claimed.", "接单成功。"],
  job_no: ["Job #{id}", "订单 #{id}"],
  weigh: ["Weigh", "称重"],
  save_weighing: ["Save weights", "保存称重"],
  weighed: ["Weights saved.", "称重已保存。"],
  complete: ["Complete and pay", "完成并付款"],
  completed: ["Job completed.", "订单已完成。"],
  route_today: ["Today's route", "今日路线"],
  no_route: ["No route planned for today.", "今天没有规划路线。"],
  stop: ["Stop {n}", "第 {n} 站"],
  dropoff_title: ["Drop off at a station", "交付到回收站"],
  deliver: ["Record drop-off", "登记交付"],
  delivered: ["Drop-off recorded.", "交付已登记。"],
  my_jobs: ["My jobs", "我的订单"],
  on_my_way: ["On my way", "出发"],
  at_the_door: ["I'm at the door", "已到达"],
  release: ["Give the job back", "退回订单"],
  weigh_again: ["Weigh again", "重新称重"],
  awaiting_acceptance: [
    "The weight came in well under the quote: waiting for the resident to accept.",
    "称重金额明显低于报价，等待居民确认。",
  ],
  weighing: ["Weighed at the door", "上门称重"],
  weighed_total: ["To be paid", "应付金额"],
  quoted: ["Quoted", "报价"],
  low_weighing: [
    "The weighed amount is well below your quote. Accept it, or refuse and keep your items.",
    "称重金额明显低于报价。您可以接受，或拒绝并保留物品。",
  ],
  accept: ["Accept", "接受"],
  refuse: ["Refuse", "拒绝"],
  confirm: ["Confirm the weights", "确认称重"],
  refuse_question: ["Refuse this weighing?", "确定拒绝该称重结果？"],
  route_summary: ["Route", "路线"],
  pickups_n: ["{n} pickups", "{n} 个上门点"],
  on_board: ["on board", "车上"],
  open: ["Open", "打开"],
  stations: ["Stations", "回收站"],
  deliveries: ["Drop-offs", "交付记录"],
  no_deliveries: ["No drop-offs yet.", "暂无交付记录。"],
  receive_title: ["Receive a delivery", "接收交付"],
  tab_receive: ["Receive", "接收"],
  bags_n: ["{n} bags", "{n} 袋"],
  no_auction: ["Not up for auction yet.", "尚未上拍。"],
  min_next_bid: ["Minimum next bid", "最低下一口价"],
  bids: ["Bids", "出价记录"],
  your_max: ["Your maximum", "您的最高出价"],
  reserve: ["Reserve met", "达到保留价"],
  deposit: ["Deposit", "保证金"],
  you_lead: ["You lead", "您领先"],
  outbid: ["Outbid", "已被超越"],
  you_won: ["You won at {p}", "您以 {p} 中标"],
  you: ["you", "您"],
  plant: ["Plant", "回收厂"],
  lots: ["Lots", "拍品"],
  no_lots: ["No lots open.", "暂无拍品。"],
  lot_no: ["Lot #{id}", "拍品 #{id}"],
  bid: ["Place bid", "出价"],
  bid_placed: ["Bid placed.", "出价成功。"],
  closes_in: ["Closes in {t}", "距结束 {t}"],
  closed_at: ["Closed", "已结束"],
  wallet: ["Wallet", "钱包"],
  collector: ["Collector", "回收员"],
  account: ["Account", "账户"],
  role: ["Role", "角色"],
  language: ["Language", "语言"],
  add: ["Add", "添加"],
  saved: ["Saved.", "已保存。"],
};

/** @type {Record<string, [string, string]>} */
const STATUSES = {
  scheduled: ["Scheduled", "已预约"],
  assigned: ["Collector assigned", "已派单"],
  en_route: ["On the way", "回收员在路上"],
  arrived: ["Arrived", "已到达"],
  weighed: ["Weighed", "已称重"],
  completed: ["Completed", "已完成"],
  cancelled: ["Cancelled", "已取消"],
  no_show: ["Missed", "未见面"],
  created: ["Created", "已创建"],
  rescheduled: ["Rescheduled", "已改期"],
  claimed: ["Claimed", "已接单"],
  paid: ["Paid", "已付款"],
  open: ["Open", "竞拍中"],
  closed: ["Closed", "已结束"],
  applied: ["Under review", "审核中"],
  needs_info: ["Needs information", "待补充资料"],
  approved: ["Approved", "已通过"],
  rejected: ["Rejected", "未通过"],
  suspended: ["Suspended", "已暂停"],
  offboarded: ["Closed", "已注销"],
  weighing_credit: ["Pickup payment", "回收款"],
  pending_acceptance: ["Awaiting your OK", "待您确认"],
  recorded: ["Recorded", "已记录"],
  accepted: ["Accepted", "已接受"],
  refused: ["Refused", "已拒绝"],
  superseded: ["Replaced", "已替换"],
  start: ["Start", "出发点"],
  pickup: ["Pickup", "上门"],
  unload: ["Unload at station", "回收站卸货"],
  end: ["End", "终点"],
  upcoming: ["Upcoming", "即将开始"],
  ended: ["Ended", "已结束"],
  lead: ["You lead", "领先"],
  moisture: ["Moisture", "含水"],
  contamination: ["Contamination", "杂质"],
  tare: ["Tare", "皮重"],
  weighing_recorded: ["Weighed", "已称重"],
  weighing_accepted: ["Weighing accepted", "已接受称重"],
  weighing_refused: ["Weighing refused", "已拒绝称重"],
  weighing_confirmed: ["Weighing confirmed", "已确认称重"],
  payout_request: ["Withdrawal", "提现"],
  resident: ["Resident", "居民"],
  collector: ["Collector", "回收员"],
  plant: ["Plant", "回收厂"],
  station: ["Station", "回收站"],
  admin: ["Admin", "管理员"],
};

/**
 * The label for `key` in the phone's language, with `{name}` placeholders filled.
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 */
export function t(key, vars = {}) {
  const entry = STRINGS[key];
  const text = entry ? entry[lang === "zh-CN" ? 1 : 0] : key;
  return text.replace(/\{(\w+)\}/g, (_m, name) => String(vars[name] ?? ""));
}

/** Whether there is a label for `key`. */
export function hasText(/** @type {string} */ key) {
  return key in STRINGS;
}

/** A status, event kind or role in words (the code itself when unknown). */
export function statusLabel(/** @type {string} */ code) {
  const entry = STATUSES[code];
  if (entry) return entry[lang === "zh-CN" ? 1 : 0];
  return code.replace(/_/g, " ");
}

/** A material's name in the phone's language. */
export function materialName(/** @type {{name_en: string, name_zh: string}} */ material) {
  return lang === "zh-CN" ? material.name_zh : material.name_en;
}

/** A field name from the spec in words: "station_id" -> "Station id". */
export function fieldLabel(/** @type {string} */ name) {
  if (STRINGS[name]) return t(name);
  const bare = name.replace(/_(cents|grams)$/, "");
  if (STRINGS[bare]) return t(bare);
  const words = bare.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
