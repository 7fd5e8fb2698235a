// @ts-check
/**
 * Money, weights and times for display, and back from inputs.
 *
 * The API speaks integer cents (CNY) and integer grams; people read ¥ and kg. Conversions
 * parse the typed decimal string, never multiply floats (0.29 * 100 is 28.999...).
 */
import { lang } from "./i18n.js";

export const CITY_TZ = "Asia/Shanghai";

/** "¥1,234.50" from integer cents. */
export function money(/** @type {number} */ cents) {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(cents));
  const yuan = Math.floor(abs / 100).toLocaleString("en-US");
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * Integer units of 10^-digits from a typed decimal ("1.5", "1,5"), or NaN.
 * @param {string} text @param {number} digits
 */
function parseDecimal(text, digits) {
  const match = String(text).trim().replace(",", ".").match(/^(\d{1,9})(?:\.(\d*))?$/);
  if (!match) return Number.NaN;
  const fraction = (match[2] || "").padEnd(digits, "0");
  if (fraction.length > digits && /[1-9]/.test(fraction.slice(digits))) return Number.NaN;
  return Number(match[1]) * 10 ** digits + Number(fraction.slice(0, digits) || 0);
}

/** Integer grams from a kg string ("2.5" -> 2500), or NaN when it is not a weight. */
export function kgToGrams(/** @type {string} */ text) {
  return parseDecimal(text, 3);
}

/** Integer cents from a ¥ string ("12.3" -> 1230), or NaN. */
export function yuanToCents(/** @type {string} */ text) {
  return parseDecimal(text, 2);
}

/** "850 m" / "3.4 km". */
export function distance(/** @type {number} */ metres) {
  return metres < 1000 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(1)} km`;
}

/** "2.5" from 2500 grams (for an input's value). */
export function gramsToKgText(/** @type {number} */ grams) {
  return String(grams / 1000);
}

/** "2.5 kg" from grams. */
export function weight(/** @type {number} */ grams) {
  const kg = grams / 1000;
  return `${kg.toLocaleString(lang, { maximumFractionDigits: 3 })} kg`;
}

/** A booked quantity: grams for kg materials, a count for pieces. */
export function quantity(/** @type {number} */ amount, /** @type {string} */ unit) {
  if (unit === "kg") return weight(amount);
  return lang === "zh-CN" ? `${amount} 件` : `${amount} pcs`;
}

/** @param {Intl.DateTimeFormatOptions} options */
function formatter(options) {
  return new Intl.DateTimeFormat(lang, { timeZone: CITY_TZ, ...options });
}

/** "09:00" in the city's time. */
export function clock(/** @type {string} */ iso) {
  return formatter({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
}

/** "Tue 25 Nov" / "11月25日周二". */
export function day(/** @type {string} */ iso) {
  return formatter({ weekday: "short", day: "numeric", month: "short" }).format(new Date(iso));
}

/** "Tue 25 Nov, 09:00–11:00". */
export function timeWindow(/** @type {string} */ starts, /** @type {string} */ ends) {
  return `${day(starts)}, ${clock(starts)}–${clock(ends)}`;
}

/** "Tue 25 Nov, 09:12". */
export function dateTime(/** @type {string} */ iso) {
  return `${day(iso)}, ${clock(iso)}`;
}

/** The city's local date ("YYYY-MM-DD") `offset` days from today. */
export function localDate(offset = 0, now = new Date()) {
  const shifted = new Date(now.getTime() + offset * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: CITY_TZ }).format(shifted);
}

/** "2h 05m" / "45 s" until `iso`, or "" when it has passed. */
export function countdown(/** @type {string} */ iso, now = Date.now()) {
  const seconds = Math.floor((new Date(iso).getTime() - now) / 1000);
  if (seconds <= 0) return "";
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

/**
 * A value from the API in words, by the house naming rules: `*_cents` is money,
 * `*_grams` a weight, `*_at` an instant.
 * @param {string} key @param {unknown} value
 */
export function byName(key, value) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number" && key.endsWith("_cents")) return money(value);
  if (typeof value === "number" && /_(grams|g)$/.test(key)) return weight(value);
  if (typeof value === "number" && key.endsWith("_m")) return distance(value);
  if (typeof value === "number" && key.endsWith("_minutes")) return `${value} min`;
  if (typeof value === "string" && key.endsWith("_at") && !Number.isNaN(Date.parse(value))) {
    return dateTime(value);
  }
  if (typeof value === "boolean") return value ? "✓" : "✗";
  if (Array.isArray(value)) return value.map((v) => byName(key, v)).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
