// @ts-check
/** A resident's pickups: the list, and one pickup with its timeline, payout and cancel. */
import { byName, dateTime, money, quantity, timeWindow } from "../format.js";
import { fieldLabel, materialName, statusLabel, t } from "../i18n.js";
import { slotTime } from "../store.js";
import { busy, field, h, loading, mount, pill, sheet, showErrors, toast } from "../ui.js";
import { materials } from "./book.js";
import { weighingCard } from "./generic.js";

/** @typedef {import("../app.js").Ctx} Ctx */
/** @typedef {import("../api.js").Booking} Booking */
/** @typedef {import("../api.js").BookingEvent} BookingEvent */

const CANCELLABLE = ["scheduled", "assigned"];
const WEIGHED = ["weighed", "completed", "refused"];
const REFRESH_MS = 15_000;

/** The slot's time: from the booking when the API sends it, else as this phone saw it. */
function slotText(/** @type {Booking & {slot?: {starts_at: string, ends_at: string}}} */ booking) {
  const known = booking.slot?.starts_at ? booking.slot : slotTime(booking.slot_id);
  return known ? timeWindow(known.starts_at, known.ends_at) : t("slot_no", { id: booking.slot_id });
}

/** "PET bottles · 3 kg, Cardboard · 5 kg". */
async function itemsText(/** @type {Ctx} */ ctx, /** @type {Booking} */ booking) {
  const byCode = new Map((await materials(ctx.api)).map((m) => [m.code, m]));
  return booking.items.map((item) => {
    const m = byCode.get(item.material);
    return `${m ? materialName(m) : item.material} · ${quantity(item.estimated_quantity, item.unit)}`;
  }).join(", ");
}

/** @param {Ctx} ctx */
export async function bookingList(ctx) {
  ctx.title(t("my_pickups"));
  mount(ctx.view, loading());
  const bookings = await ctx.api.bookings();
  if (!bookings.length) {
    mount(ctx.view, h("div", { class: "empty", testid: "no-bookings" },
      h("p", { text: t("no_pickups") }),
      h("a", { class: "btn btn-primary", href: "#/book", text: t("book_one") })));
    return;
  }
  const cards = await Promise.all(bookings.map(async (b) => h("a", { class: "card booking-card", href: `#/bookings/${b.booking_id}`, testid: "booking-card", "data-booking-id": String(b.booking_id) },
    h("div", { class: "row-between" }, h("strong", { text: t("pickup_no", { id: b.booking_id }) }), pill(b.status, statusLabel(b.status))),
    h("p", { text: slotText(b) }),
    h("p", { class: "muted", text: await itemsText(ctx, b) }))));
  mount(ctx.view, h("div", { class: "stack" }, cards));
}

/**
 * The money paid to the resident, when an event carries it (`*_cents` on a payout-like event).
 * @param {BookingEvent[]} events @returns {number | null}
 */
export function payoutCents(events) {
  for (const event of [...events].reverse()) {
    for (const [key, value] of Object.entries(event.data || {})) {
      if (typeof value === "number" && /(payout|paid|settle|amount|total).*_cents$/.test(key)) return value;
    }
  }
  return null;
}

/** @param {Ctx} ctx @param {string} id */
export async function bookingDetail(ctx, id) {
  const bookingId = Number(id);
  ctx.title(t("pickup_no", { id }), "#/bookings");
  mount(ctx.view, loading());
  /** @type {import("../api.js").Quote | null | undefined} read once: its prices are locked */
  let quote;
  const draw = async () => {
    const [booking, events] = await Promise.all([ctx.api.booking(bookingId), ctx.api.timeline(bookingId)]);
    if (quote === undefined) quote = ctx.api.has("getQuote") ? await ctx.api.getQuote(booking.quote_id).catch(() => null) : null;
    const weighing = WEIGHED.includes(booking.status) && ctx.api.has("getBookingWeighing")
      ? await ctx.api.run("getBookingWeighing", { params: { booking_id: bookingId } }).catch(() => null)
      : null;
    const payout = booking.status === "completed" && weighing ? weighing.total_cents : payoutCents(events);
    mount(ctx.view, h("div", { class: "stack" },
      h("section", { class: "card" },
        h("div", { class: "row-between" }, h("h2", { text: t("pickup_no", { id }) }), pill(booking.status, statusLabel(booking.status), "booking-status")),
        h("p", { class: "big", testid: "booking-slot", text: slotText(booking) }),
        h("p", { class: "muted", text: await itemsText(ctx, booking) }),
        quote ? h("p", { class: "total" }, h("span", { text: t("estimated_total") }), h("strong", { text: money(quote.estimated_total_cents) })) : null,
        payout !== null ? h("p", { class: "total payout", testid: "payout" }, h("span", { text: t("payout") }), h("strong", { text: money(payout) })) : null,
        booking.notes ? h("p", { class: "muted", text: `“${booking.notes}”` }) : null),
      weighing ? weighingCard(weighing, await materials(ctx.api)) : null,
      weighing ? decision(ctx, booking, weighing, draw) : null,
      timeline(events),
      CANCELLABLE.includes(booking.status) && ctx.api.has("cancelBooking")
        ? h("button", { type: "button", class: "btn btn-danger-outline", text: t("cancel_booking"), testid: "cancel-booking", onclick: (/** @type {Event} */ e) => cancel(ctx, booking, /** @type {HTMLElement} */ (e.currentTarget), draw) })
        : null));
  };
  await draw();
  // Follow the status while the screen is open (collectors move it along).
  const timer = setInterval(() => {
    if (document.visibilityState === "visible" && !document.querySelector(".sheet")) draw().catch(() => {});
  }, REFRESH_MS);
  ctx.onLeave(() => clearInterval(timer));
}

/**
 * The resident's say on a weighing: accept or refuse one that came in well under the quote,
 * or confirm one within the threshold (the collector may complete it anyway).
 * @param {Ctx} ctx @param {Booking} booking @param {any} weighing @param {() => Promise<void>} redraw
 */
function decision(ctx, booking, weighing, redraw) {
  if (booking.status !== "weighed" || !ctx.api.has("decideWeighing") || weighing.resident_decided_at) return null;
  const decide = (/** @type {string} */ choice) => async (/** @type {Event} */ e) => {
    if (choice === "refuse" && !(await sheet({ title: t("refuse_question"), confirm: t("refuse"), cancel: t("back"), danger: true }))) return;
    await busy(/** @type {HTMLElement} */ (e.currentTarget), async () => {
      try {
        await ctx.api.run("decideWeighing", { params: { booking_id: booking.booking_id }, body: { decision: choice } });
        await redraw();
      } catch (error) {
        showErrors(ctx.view, /** @type {any} */ (error));
      }
    });
  };
  const button = (/** @type {string} */ choice, /** @type {string} */ cls) =>
    h("button", { type: "button", class: `btn ${cls}`, text: t(choice), testid: `${choice}-weighing`, onclick: decide(choice) });
  if (weighing.status === "pending_acceptance") {
    return h("section", { class: "card stack", testid: "weighing-decision" },
      h("p", { class: "warning", text: t("low_weighing") }),
      h("div", { class: "sheet-actions" }, button("refuse", "btn-danger-outline"), button("accept", "btn-primary")));
  }
  return weighing.status === "recorded" ? button("confirm", "btn-primary") : null;
}

/** The status timeline, oldest first, with each event's data in words. */
function timeline(/** @type {BookingEvent[]} */ events) {
  return h("section", { class: "card" },
    h("h2", { text: t("timeline") }),
    h("ol", { class: "timeline", testid: "timeline" }, events.map((event) => {
      const details = eventDetails(event.data || {});
      return h("li", { testid: "timeline-event", "data-kind": event.kind },
        h("strong", { text: statusLabel(event.kind) }),
        h("time", { datetime: event.occurred_at, text: dateTime(event.occurred_at) }),
        details ? h("span", { class: "muted", text: details }) : null);
    })));
}

/**
 * An event's data in a line: reasons quoted, true flags by name, false flags and ids left
 * out, money and weights formatted by their names.
 * @param {Record<string, unknown>} data
 */
function eventDetails(data) {
  return Object.entries(data).flatMap(([key, value]) => {
    if (key === "reason" && value) return [`“${value}”`];
    if (value === false || value === null || key.endsWith("_id")) return [];
    if (value === true) return [fieldLabel(key)];
    return [`${fieldLabel(key)}: ${byName(key, value)}`];
  }).join(" · ");
}

/** Ask for a reason in a sheet, then cancel; late cancellations are warned about first. */
async function cancel(/** @type {Ctx} */ ctx, /** @type {Booking} */ booking, /** @type {HTMLElement} */ button, /** @type {() => Promise<void>} */ redraw) {
  const reason = h("textarea", { name: "reason", rows: "2", maxlength: "200", testid: "cancel-reason" });
  const cutoff = slotTime(booking.slot_id)?.cutoff_at;
  const late = cutoff && Date.parse(cutoff) <= Date.now();
  const ok = await sheet({
    title: t("cancel_question"),
    content: h("div", { class: "stack" },
      late ? h("p", { class: "warning", text: t("cancel_late_warning") }) : null,
      field({ name: "reason", label: `${t("cancel_reason")} · ${t("optional")}`, control: reason })),
    confirm: t("confirm_cancel"),
    cancel: t("keep_booking"),
    danger: true,
  });
  if (!ok) return;
  const text = /** @type {HTMLTextAreaElement} */ (reason).value.trim();
  await busy(button, async () => {
    try {
      await ctx.api.cancel(booking.booking_id, text || null);
      toast(t("cancelled"), "ok");
      await redraw();
    } catch (error) {
      showErrors(ctx.view, /** @type {any} */ (error));
    }
  });
}
