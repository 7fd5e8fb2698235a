// @ts-check
/**
 * What the phone remembers between screens: the booking being drafted (this tab only) and
 * the times of slots it has seen (bookings carry a slot id, not its times).
 */

const DRAFT_KEY = "recycle.draft";
const SLOTS_KEY = "recycle.slots";

/** @typedef {import("./api.js").Address} Address */
/** @typedef {import("./api.js").Quote} Quote */
/** @typedef {import("./api.js").Slot} Slot */
/** @typedef {{material: string, grade: string, amount: string}} DraftRow  amount as typed (kg or pieces) */
/**
 * @typedef {object} Draft
 * @property {"address" | "items" | "slot" | "confirm"} step
 * @property {Address} [address]
 * @property {DraftRow[]} rows
 * @property {Quote} [quote]
 * @property {string} [date]       local YYYY-MM-DD
 * @property {Slot} [slot]
 * @property {string} [key]        Idempotency-Key of this booking attempt
 */

/** @returns {Draft} */
export function loadDraft() {
  try {
    const draft = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null");
    if (draft && Array.isArray(draft.rows)) return draft;
  } catch {
    // a corrupt draft is dropped
  }
  return { step: "address", rows: [] };
}

export function saveDraft(/** @type {Draft} */ draft) {
  sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
}

export function clearDraft() {
  sessionStorage.removeItem(DRAFT_KEY);
}

/** @returns {Record<string, {starts_at: string, ends_at: string, cutoff_at: string}>} */
function slotTimes() {
  try {
    return JSON.parse(localStorage.getItem(SLOTS_KEY) || "{}");
  } catch {
    return {};
  }
}

/** Keep the times of `slots` (the newest 200). */
export function rememberSlots(/** @type {Slot[]} */ slots) {
  const all = slotTimes();
  for (const s of slots) all[s.slot_id] = { starts_at: s.starts_at, ends_at: s.ends_at, cutoff_at: s.cutoff_at };
  const newest = Object.entries(all).sort(([a], [b]) => Number(b) - Number(a)).slice(0, 200);
  localStorage.setItem(SLOTS_KEY, JSON.stringify(Object.fromEntries(newest)));
}

/** The remembered times of a slot, if this phone has seen it. */
export function slotTime(/** @type {number} */ slotId) {
  return slotTimes()[slotId];
}
