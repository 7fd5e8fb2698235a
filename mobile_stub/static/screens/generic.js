// @ts-check
/**
 * Building blocks for screens over operations whose shapes are still settling (collectors,
 * stations, plants): forms from the spec's request schema, lists pulled out of responses,
 * coordinates found by their usual names.
 */
import { newIdempotencyKey } from "../api.js";
import { money, quantity, weight } from "../format.js";
import { materialName, statusLabel, t } from "../i18n.js";
import { readSchemaForm, schemaFields } from "../schema-form.js";
import { busy, describe, h, mount, notAvailable, pill } from "../ui.js";

/** @typedef {import("../app.js").Ctx} Ctx */

/**
 * A form for the operation `name` built from its request schema, or "not available yet".
 * Each form instance sends one Idempotency-Key until it succeeds, so a retried tap after a
 * dropped connection is not recorded twice.
 * @param {Ctx} ctx @param {keyof typeof import("../api.js").OPERATIONS} name
 * @param {{label: string, testid: string, params?: Record<string, string | number>,
 *   values?: Record<string, unknown>, skip?: string[], choices?: Record<string, [string, string][]>,
 *   done?: (response: any) => unknown}} options
 */
export function operationForm(ctx, name, { label, testid, params, values, skip, choices, done }) {
  const op = ctx.api.operation(name);
  if (!op) return notAvailable([name]);
  let key = newIdempotencyKey();
  const button = h("button", { type: "submit", class: "btn btn-primary", text: label, testid });
  const result = h("div", { testid: `${testid}-result` });
  const form = h("form", { class: "stack", novalidate: true, "data-operation": name },
    op.body ? schemaFields(op.body, { values, skip, choices }) : null, button, result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(button, async () => {
      const body = op.body?.properties ? readSchemaForm(form) : op.isRequestBodyRequired ? {} : undefined;
      const response = await ctx.api.run(name, { params, body, idempotencyKey: op.method === "POST" ? key : undefined });
      key = newIdempotencyKey();
      mount(result, response && typeof response === "object" && !Array.isArray(response) ? describe(response) : null);
      await done?.(response);
    }, form);
  });
  return form;
}

/** The list in a response: the array itself, or its first array property ("items", "lots"). */
export function listOf(/** @type {unknown} */ data) {
  if (Array.isArray(data)) return data;
  if (data && typeof data === "object") {
    for (const value of Object.values(data)) if (Array.isArray(value)) return value;
  }
  return [];
}

/** The first present value among `names` (ids and times go by several names). */
export function pick(/** @type {any} */ obj, /** @type {string[]} */ names) {
  for (const name of names) if (obj?.[name] !== undefined && obj[name] !== null) return obj[name];
  return undefined;
}

/**
 * [latitude, longitude] of a stop, from `latitude`/`longitude`, `lat`/`lon`, or a nested
 * `location`/`address`/`station`.
 * @returns {[number, number] | null}
 */
export function coordsOf(/** @type {any} */ obj) {
  if (!obj || typeof obj !== "object") return null;
  const lat = pick(obj, ["latitude", "lat", "approx_latitude"]);
  const lon = pick(obj, ["longitude", "lon", "lng", "approx_longitude"]);
  if (typeof lat === "number" && typeof lon === "number") return [lat, lon];
  for (const nested of ["location", "address", "station", "point"]) {
    const found = coordsOf(obj[nested]);
    if (found) return found;
  }
  return null;
}

/** A start and end time from the usual names (or a nested slot), when present. */
export function windowOf(/** @type {any} */ obj) {
  const starts = pick(obj, ["starts_at", "window_starts_at", "slot_starts_at"]) ?? obj?.slot?.starts_at;
  const ends = pick(obj, ["ends_at", "window_ends_at", "slot_ends_at"]) ?? obj?.slot?.ends_at;
  return starts && ends ? [starts, ends] : null;
}

/**
 * What was weighed: one line per bag (material, net weight or pieces, tag, amount), the
 * deductions, and the total owed to the resident.
 * @param {any} weighing @param {import("../api.js").Material[]} catalogue
 */
export function weighingCard(weighing, catalogue) {
  const byCode = new Map(catalogue.map((m) => [m.code, m]));
  const lines = (weighing.lines || []).filter((/** @type {any} */ l) => !l.is_void);
  return h("section", { class: "card", testid: "weighing", "data-status": weighing.status },
    h("div", { class: "row-between" }, h("h2", { text: t("weighing") }), pill(weighing.status, statusLabel(weighing.status), "weighing-status")),
    h("ul", { class: "lines" }, lines.map((/** @type {any} */ line) => {
      const m = byCode.get(line.material);
      const amount = typeof line.pieces === "number" ? quantity(line.pieces, "piece") : weight(line.net_grams ?? line.gross_grams ?? 0);
      const cut = (line.deductions || []).map((/** @type {any} */ d) => `${statusLabel(d.kind)} ${d.percent ? `${d.percent}%` : d.grams ? weight(d.grams) : ""}`.trim());
      return h("li", { testid: "weighing-line" },
        h("span", { text: `${m ? materialName(m) : line.material} ${line.grade} · ${amount}` }),
        h("span", { class: "muted", text: [line.tag_code, ...cut].filter(Boolean).join(" · ") }),
        h("strong", { text: money(line.amount_cents + (line.subsidy_cents || 0)) }));
    })),
    typeof weighing.quoted_total_cents === "number"
      ? h("p", { class: "row-between muted" }, h("span", { text: t("quoted") }), h("span", { text: money(weighing.quoted_total_cents) }))
      : null,
    h("p", { class: "total" }, h("span", { text: t("weighed_total") }), h("strong", { testid: "weighing-total", text: money(weighing.total_cents) })));
}
