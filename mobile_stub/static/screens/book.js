// @ts-check
/**
 * Book a pickup in four steps: address, items and quote, time slot, confirm.
 * The draft survives a reload (sessionStorage); the booking is sent with one Idempotency-Key
 * per attempt so a retried tap cannot book twice.
 */
import { newIdempotencyKey } from "../api.js";
import { clock, day, kgToGrams, localDate, money, quantity, timeWindow } from "../format.js";
import { materialName, t } from "../i18n.js";
import { clearDraft, loadDraft, rememberSlots, saveDraft } from "../store.js";
import { busy, field, h, icon, loading, mount, select, showErrors, toast } from "../ui.js";

/** @typedef {import("../app.js").Ctx} Ctx */
/** @typedef {import("../store.js").Draft} Draft */
/** @typedef {import("../api.js").Material} Material */

const STEPS = /** @type {const} */ (["address", "items", "slot", "confirm"]);

/** @type {Material[] | null} */
let materialsCache = null;

/** The catalogue, read once per page load. */
export async function materials(/** @type {import("../api.js").Api} */ api) {
  materialsCache ??= await api.materials();
  return materialsCache;
}

/** @param {Ctx} ctx */
export async function book(ctx) {
  ctx.title(t("tab_book"));
  const draft = loadDraft();
  const show = (/** @type {Draft["step"]} */ step) => {
    draft.step = step;
    saveDraft(draft);
    const body = h("div", { class: "stack", testid: `step-${step}` }, loading());
    mount(ctx.view, stepper(step, show, draft), body);
    const render = { address: addressStep, items: itemsStep, slot: slotStep, confirm: confirmStep }[step];
    return render(ctx, draft, body, show);
  };
  await show(draft.step);
}

/** The step dots; finished steps are links back. */
function stepper(/** @type {string} */ current, /** @type {(s: any) => void} */ show, /** @type {Draft} */ draft) {
  const reached = { address: true, items: !!draft.address, slot: !!draft.quote, confirm: !!draft.slot };
  return h("ol", { class: "stepper" }, STEPS.map((step, i) =>
    h("li", { "aria-current": step === current ? "step" : undefined, class: reached[step] ? "done" : "" },
      h("button", { type: "button", disabled: !reached[step] || step === current, onclick: () => show(step) },
        h("span", { class: "dot", text: String(i + 1) }), h("span", { text: t(`step_${step}`) })))));
}

/** Step 1: pick an address or add one ("use my location" fills the coordinates). */
async function addressStep(/** @type {Ctx} */ ctx, /** @type {Draft} */ draft, /** @type {HTMLElement} */ body, /** @type {(s: any) => void} */ show) {
  const addresses = await ctx.api.addresses();
  const choose = (/** @type {import("../api.js").Address} */ address) => {
    draft.address = address;
    draft.quote = undefined;
    draft.slot = undefined;
    show("items");
  };
  const form = addressForm(ctx, choose);
  form.hidden = addresses.length > 0;
  mount(body,
    h("h2", { text: t("where") }),
    addresses.map((a) => h("button", { type: "button", class: "choice", testid: "address-option", "data-address-id": String(a.address_id), onclick: () => choose(a) },
      h("strong", { text: a.label || a.text }),
      h("span", { text: [a.label ? a.text : "", a.building, a.floor].filter(Boolean).join(" · ") }),
      h("span", { class: "muted", text: `${t("zone")}: ${a.zone}` }))),
    addresses.length ? h("button", { type: "button", class: "btn btn-ghost", text: `+ ${t("add_address")}`, testid: "add-address", onclick: () => { form.hidden = false; form.querySelector("input")?.focus(); } }) : null,
    form);
}

function addressForm(/** @type {Ctx} */ ctx, /** @type {(a: any) => void} */ done) {
  const input = (/** @type {string} */ name, /** @type {string} */ label, extra = {}) => field({ name, label, autocomplete: "off", testid: `address-${name}`, ...extra });
  const save = h("button", { type: "submit", class: "btn btn-primary", text: t("save_address"), testid: "save-address" });
  const locateLabel = () => [icon("locate"), t("use_location")];
  const locate = h("button", { type: "button", class: "btn", testid: "use-location" }, locateLabel());
  const form = h("form", { class: "card stack", novalidate: true, testid: "address-form" },
    input("label", `${t("address_label")} · ${t("optional")}`, { placeholder: t("address_label_hint") }),
    input("text", t("address_text"), { autocomplete: "street-address" }),
    h("div", { class: "pair" },
      input("building", t("building"), { placeholder: t("optional") }),
      input("floor", t("floor"), { placeholder: t("optional") })),
    h("div", { class: "pair" },
      input("latitude", t("latitude"), { inputmode: "decimal" }),
      input("longitude", t("longitude"), { inputmode: "decimal" })),
    locate, save);
  const value = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.querySelector(`[name="${name}"]`)).value.trim();
  locate.addEventListener("click", () => {
    locate.textContent = t("locating");
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        /** @type {HTMLInputElement} */ (form.querySelector('[name="latitude"]')).value = pos.coords.latitude.toFixed(6);
        /** @type {HTMLInputElement} */ (form.querySelector('[name="longitude"]')).value = pos.coords.longitude.toFixed(6);
        locate.replaceChildren(...locateLabel());
      },
      () => {
        locate.replaceChildren(...locateLabel());
        toast(t("location_failed"), "error");
      },
      { enableHighAccuracy: true, timeout: 10_000 });
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(save, async () => {
      const coords = { latitude: Number(value("latitude")), longitude: Number(value("longitude")) };
      /** @type {Record<string, string[]>} */
      const errors = {};
      for (const [name, number] of Object.entries(coords)) {
        if (!value(name) || Number.isNaN(number)) errors[name] = [t("not_a_number")];
      }
      if (Object.keys(errors).length) throw { message: t("check_fields"), errors };
      const optional = Object.fromEntries(["label", "building", "floor"].filter((n) => value(n)).map((n) => [n, value(n)]));
      done(await ctx.api.addAddress({ text: value("text"), ...coords, ...optional }));
    }, form);
  });
  return form;
}

/** Step 2: materials, grades and amounts; kg typed, grams sent; then the quote. */
async function itemsStep(/** @type {Ctx} */ ctx, /** @type {Draft} */ draft, /** @type {HTMLElement} */ body, /** @type {(s: any) => void} */ show) {
  const catalogue = await materials(ctx.api);
  const byCode = new Map(catalogue.map((m) => [m.code, m]));
  if (!draft.rows.length) draft.rows.push({ material: catalogue[0].code, grade: catalogue[0].grades[0], amount: "" });
  const rowsEl = h("div", { class: "stack" });
  const quoteEl = h("div");
  const form = h("form", { class: "stack", novalidate: true });
  const forget = () => {
    draft.quote = undefined;
    saveDraft(draft);
    mount(quoteEl);
  };
  const renderRows = () => mount(rowsEl, draft.rows.map((row, i) => itemRow(row, i, {
    byCode,
    catalogue,
    edited: forget,
    changed: () => { forget(); renderRows(); },
    remove: draft.rows.length > 1 ? () => { draft.rows.splice(i, 1); forget(); renderRows(); } : null,
  })));
  const quoteButton = h("button", { type: "submit", class: "btn btn-primary", text: t("get_quote"), testid: "get-quote" });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(quoteButton, async () => {
      const items = draft.rows.map((row) => ({ material: row.material, grade: row.grade, quantity: toQuantity(row, byCode) }));
      const bad = Object.fromEntries(items.flatMap((item, i) => (Number.isInteger(item.quantity) && item.quantity > 0 ? [] : [[`items.${i}.quantity`, [t("not_a_number")]]])));
      if (Object.keys(bad).length) throw { message: t("check_fields"), errors: bad };
      draft.quote = await ctx.api.quote(/** @type {any} */ (draft.address).address_id, items);
      saveDraft(draft);
      renderQuote();
      quoteEl.firstElementChild?.scrollIntoView({ block: "start" });
    }, form);
  });
  const renderQuote = () => {
    const quote = draft.quote;
    if (!quote) return mount(quoteEl);
    mount(quoteEl, h("section", { class: "card quote", testid: "quote" },
      h("h2", { text: t("quote") }),
      h("ul", { class: "lines" }, quote.lines.map((line) => {
        const material = byCode.get(line.material);
        return h("li", {},
          h("span", { text: `${material ? materialName(material) : line.material} · ${line.grade}` }),
          h("span", { class: "muted", text: `${quantity(line.quantity, line.unit)} × ${t(line.unit === "kg" ? "per_unit_kg" : "per_unit_piece", { p: money(line.unit_price_cents) })}` }),
          h("strong", { text: money(line.estimated_amount_cents) }));
      })),
      h("p", { class: "total" }, h("span", { text: t("estimated_total") }), h("strong", { text: money(quote.estimated_total_cents), testid: "quote-total" })),
      h("p", { class: "hint", text: t("quote_expires", { t: `${day(quote.expires_at)} ${clock(quote.expires_at)}` }) }),
      h("button", { type: "button", class: "btn btn-primary", text: t("choose_time"), testid: "to-slot", onclick: () => show("slot") })));
  };
  mount(form, rowsEl,
    h("button", { type: "button", class: "btn btn-ghost", text: `+ ${t("add_item")}`, testid: "add-item", onclick: () => {
      draft.rows.push({ material: catalogue[0].code, grade: catalogue[0].grades[0], amount: "" });
      forget();
      renderRows();
    } }),
    quoteButton);
  mount(body, h("h2", { text: t("what") }), form, quoteEl);
  renderRows();
  renderQuote();
}

/** Grams for kg materials (from the typed kg), pieces otherwise; NaN when not a number. */
function toQuantity(/** @type {import("../store.js").DraftRow} */ row, /** @type {Map<string, Material>} */ byCode) {
  if (byCode.get(row.material)?.unit === "kg") return kgToGrams(row.amount);
  return /^\d+$/.test(row.amount.trim()) ? Number(row.amount) : Number.NaN;
}

/**
 * One material line: material, grade, amount with its unit.
 * @param {import("../store.js").DraftRow} row @param {number} i
 * @param {{byCode: Map<string, Material>, catalogue: Material[], edited: () => void, changed: () => void, remove: (() => void) | null}} hooks
 *   `edited`: the amount was typed; `changed`: the material or grade changed (rows redrawn)
 */
function itemRow(row, i, { byCode, catalogue, edited, changed, remove }) {
  const material = byCode.get(row.material) || catalogue[0];
  const isKg = material.unit === "kg";
  const categories = [...new Set(catalogue.map((m) => m.category))];
  const materialSelect = h("select", { testid: "item-material", onchange: (/** @type {Event} */ e) => {
    const next = /** @type {Material} */ (byCode.get(/** @type {HTMLSelectElement} */ (e.target).value));
    Object.assign(row, { material: next.code, grade: next.grades[0] });
    changed();
  } }, categories.map((c) => h("optgroup", { label: c }, catalogue.filter((m) => m.category === c).map((m) =>
    h("option", { value: m.code, text: materialName(m), selected: m.code === row.material })))));
  const gradeSelect = select({ testid: "item-grade", value: row.grade, onchange: (/** @type {Event} */ e) => {
    row.grade = /** @type {HTMLSelectElement} */ (e.target).value;
    changed();
  } }, material.grades.map((g) => [g, g]));
  const min = material.min_quantity ? t("min_quantity", { q: quantity(material.min_quantity, material.unit) }) : undefined;
  return h("fieldset", { class: "card item-row", testid: "item-row" },
    h("legend", { class: "sr-only", text: `${t("material")} ${i + 1}` }),
    field({ name: `items.${i}.material`, label: t("material"), control: materialSelect }),
    h("div", { class: "pair" },
      field({ name: `items.${i}.grade`, label: t("grade"), control: gradeSelect }),
      field({ name: `items.${i}.quantity`, label: t(isKg ? "quantity_kg" : "quantity_pieces"), hint: min, testid: "item-quantity",
        inputmode: isKg ? "decimal" : "numeric", autocomplete: "off", value: row.amount, suffix: isKg ? "kg" : undefined,
        oninput: (/** @type {Event} */ e) => { row.amount = /** @type {HTMLInputElement} */ (e.target).value; edited(); } })),
    remove ? h("button", { type: "button", class: "link danger", text: t("remove"), testid: "remove-item", onclick: remove }) : null);
}

/** Step 3: a date, then one of the zone's slots on it. */
async function slotStep(/** @type {Ctx} */ ctx, /** @type {Draft} */ draft, /** @type {HTMLElement} */ body, /** @type {(s: any) => void} */ show) {
  draft.date ??= localDate(1);
  const list = h("div", { class: "stack", testid: "slots" }, loading());
  const dates = Array.from({ length: 7 }, (_, i) => localDate(i));
  const chips = h("div", { class: "chips", role: "tablist" }, dates.map((date) =>
    h("button", { type: "button", role: "tab", class: "chip", testid: "date-chip", "data-date": date, "aria-selected": String(date === draft.date),
      text: day(`${date}T12:00:00+08:00`), onclick: () => { draft.date = date; saveDraft(draft); show("slot"); } })));
  mount(body, h("h2", { text: t("when") }), chips, list);
  chips.querySelector('[aria-selected="true"]')?.scrollIntoView({ inline: "center", block: "nearest" });
  const zone = /** @type {any} */ (draft.address).zone;
  const slots = await ctx.api.slots(zone, draft.date);
  rememberSlots(slots);
  const now = Date.now();
  mount(list, slots.length ? slots.map((slot) => {
    const closed = Date.parse(slot.cutoff_at) <= now;
    const full = slot.remaining <= 0;
    return h("button", { type: "button", class: "choice slot", testid: "slot", "data-slot-id": String(slot.slot_id), disabled: closed || full,
      "aria-pressed": String(draft.slot?.slot_id === slot.slot_id), onclick: () => { draft.slot = slot; draft.key = undefined; show("confirm"); } },
      h("strong", { text: `${clock(slot.starts_at)}–${clock(slot.ends_at)}` }),
      h("span", { class: closed || full ? "muted" : "ok", text: closed ? t("closed") : full ? t("full") : t("places_left", { n: slot.remaining }) }));
  }) : h("p", { class: "muted", text: t("no_slots") }));
}

/** Step 4: review and book. */
async function confirmStep(/** @type {Ctx} */ ctx, /** @type {Draft} */ draft, /** @type {HTMLElement} */ body, /** @type {(s: any) => void} */ show) {
  const { address, quote, slot } = /** @type {Required<Draft>} */ (draft);
  const catalogue = await materials(ctx.api);
  const byCode = new Map(catalogue.map((m) => [m.code, m]));
  draft.key ??= newIdempotencyKey();
  saveDraft(draft);
  const notes = h("textarea", { name: "notes", rows: "2", maxlength: "500", testid: "notes" });
  const bookButton = h("button", { type: "submit", class: "btn btn-primary btn-big", text: t("book_pickup"), testid: "confirm-booking" });
  const form = h("form", { class: "stack", novalidate: true },
    h("section", { class: "card summary", testid: "summary" },
      h("p", {}, h("span", { class: "muted", text: t("step_slot") }), h("strong", { text: timeWindow(slot.starts_at, slot.ends_at) })),
      h("p", {}, h("span", { class: "muted", text: t("step_address") }), h("strong", { text: address.label || address.text })),
      h("ul", { class: "lines" }, quote.lines.map((line) => h("li", {},
        h("span", { text: `${materialName(byCode.get(line.material) || { name_en: line.material, name_zh: line.material })} · ${quantity(line.quantity, line.unit)}` }),
        h("strong", { text: money(line.estimated_amount_cents) })))),
      h("p", { class: "total" }, h("span", { text: t("estimated_total") }), h("strong", { text: money(quote.estimated_total_cents) }))),
    field({ name: "notes", label: `${t("notes")} · ${t("optional")}`, control: notes }),
    bookButton);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(bookButton, async () => {
      const text = /** @type {HTMLTextAreaElement} */ (notes).value.trim();
      try {
        const booking = await ctx.api.book(
          { address_id: address.address_id, slot_id: slot.slot_id, quote_id: quote.quote_id, notes: text || null },
          /** @type {string} */ (draft.key));
        clearDraft();
        toast(t("booked"), "ok");
        ctx.go(`#/bookings/${booking.booking_id}`);
      } catch (error) {
        const code = /** @type {any} */ (error).code;
        if (["slot_full", "slot_closed", "quote_expired", "idempotency_mismatch"].includes(code)) draft.key = undefined;
        saveDraft(draft);
        showErrors(form, /** @type {any} */ (error));
        if (code === "slot_full" || code === "slot_closed") form.append(h("button", { type: "button", class: "btn", text: t("choose_time"), onclick: () => show("slot") }));
        if (code === "quote_expired") form.append(h("button", { type: "button", class: "btn", text: t("get_quote"), onclick: () => show("items") }));
      }
    });
  });
  mount(body, h("h2", { text: t("review") }), form);
}
