// @ts-check
/** Small DOM helpers: elements, fields with their error slots, toasts, sheets, busy buttons. */
import { byName } from "./format.js";
import { fieldLabel, t } from "./i18n.js";

/**
 * @typedef {string | Node | null | undefined | false} Child
 * @typedef {Record<string, unknown>} Props
 */

/**
 * Create an element. Props: `class`, `text`, `testid` (data-testid), `dataset`, `on<Event>`
 * handlers, booleans as present/absent attributes, anything else as an attribute.
 * @param {string} tag @param {Props} [props] @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = tag === "svg" || tag.startsWith("svg:")
    ? document.createElementNS("http://www.w3.org/2000/svg", tag.replace("svg:", ""))
    : document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") el.textContent = String(value);
    else if (key === "testid") el.setAttribute("data-testid", String(value));
    else if (key === "dataset") Object.assign(/** @type {HTMLElement} */ (el).dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else if (key === "value" && "value" in el) {
      /** @type {HTMLInputElement} */ (el).value = String(value);
    } else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return /** @type {HTMLElement} */ (el);
}

/** Replace the children of `el`. */
export function mount(/** @type {Element} */ el, /** @type {Child[]} */ ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}

/**
 * A labelled input with a slot for the API's reasons about it (`data-error-for`).
 * @param {{name: string, label: string, hint?: string, suffix?: string, control?: HTMLElement} & Props} spec
 */
export function field({ name, label, hint, suffix, control, ...inputProps }) {
  const id = `f-${name.replace(/[^\w-]/g, "-")}-${Math.random().toString(36).slice(2, 7)}`;
  const input = control || h("input", { name, id, ...inputProps });
  input.id = id;
  if (!input.getAttribute("name")) input.setAttribute("name", name);
  const errorId = `${id}-error`;
  input.setAttribute("aria-describedby", errorId);
  return h(
    "div",
    { class: "field" },
    h("label", { for: id, text: label }),
    suffix ? h("div", { class: "with-suffix" }, input, h("span", { text: suffix })) : input,
    hint ? h("p", { class: "hint", text: hint }) : null,
    h("p", { class: "field-error", id: errorId, "data-error-for": name, role: "status" }),
  );
}

/** A `<select>` of [value, label] pairs. */
export function select(/** @type {Props} */ props, /** @type {[string, string][]} */ options) {
  const el = /** @type {HTMLSelectElement} */ (h("select", props));
  for (const [value, label] of options) el.append(h("option", { value, text: label }));
  if (props.value !== undefined) el.value = String(props.value);
  return el;
}

/** Remove the error banner and per-field reasons inside `scope`. */
export function clearErrors(/** @type {Element} */ scope) {
  for (const slot of scope.querySelectorAll("[data-error-for]")) slot.textContent = "";
  for (const input of scope.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const banner of scope.querySelectorAll(".form-error")) banner.remove();
}

/**
 * Show an API error: its message in a banner at the top of `scope`, and each field's reasons
 * next to its input. Reasons for fields the form does not show are listed in the banner.
 * @param {Element} scope
 * @param {{message?: string, errors?: Record<string, string[]>}} error
 */
export function showErrors(scope, error) {
  clearErrors(scope);
  const unplaced = [];
  for (const [name, reasons] of Object.entries(error.errors || {})) {
    const slot = scope.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    if (slot) {
      slot.textContent = reasons.join(" ");
      const input = scope.querySelector(`[name="${CSS.escape(name)}"]`);
      input?.setAttribute("aria-invalid", "true");
    } else {
      unplaced.push(`${fieldLabel(name.split(".").pop() || name)}: ${reasons.join(" ")}`);
    }
  }
  const banner = h(
    "div",
    { class: "form-error", role: "alert", testid: "form-error" },
    h("strong", { text: error.message || "Error" }),
    unplaced.length ? h("ul", {}, unplaced.map((line) => h("li", { text: line }))) : null,
  );
  scope.prepend(banner);
  const first = scope.querySelector("[aria-invalid]") || banner;
  first.scrollIntoView({ block: "center" });
}

/** Run `work` with `button` disabled and marked busy; errors go to `scope` when given. */
export async function busy(
  /** @type {HTMLButtonElement | HTMLElement} */ button,
  /** @type {() => Promise<unknown>} */ work,
  /** @type {Element | null} */ scope = null,
) {
  const btn = /** @type {HTMLButtonElement} */ (button);
  btn.disabled = true;
  btn.setAttribute("aria-busy", "true");
  try {
    if (scope) clearErrors(scope);
    return await work();
  } catch (error) {
    if (!scope) throw error;
    showErrors(scope, /** @type {any} */ (error));
    return undefined;
  } finally {
    btn.disabled = false;
    btn.removeAttribute("aria-busy");
  }
}

/** A short message at the bottom of the screen. */
export function toast(/** @type {string} */ message, kind = "info") {
  const region = document.getElementById("toasts");
  if (!region) return;
  // One at a time: a newer message replaces the older one.
  const el = h("div", { class: `toast toast-${kind}`, text: message, testid: "toast" });
  region.replaceChildren(el);
  setTimeout(() => el.remove(), 2400);
}

/** A card saying which operations this screen waits for. */
export function notAvailable(/** @type {string[]} */ missing) {
  return h(
    "section",
    { class: "card muted-card", testid: "not-available" },
    h("h2", { text: t("not_available") }),
    h("p", { text: t("not_available_hint") }),
    h("ul", { class: "ops" }, missing.map((name) => h("li", {}, h("code", { text: name })))),
  );
}

/**
 * A bottom sheet with `content` and two buttons; resolves true when confirmed.
 * @param {{title: string, content?: Child, confirm: string, cancel: string, danger?: boolean}} spec
 * @returns {Promise<boolean>}
 */
export function sheet({ title, content, confirm, cancel, danger = false }) {
  document.getElementById("toasts")?.replaceChildren();
  return new Promise((resolve) => {
    const close = (/** @type {boolean} */ ok) => {
      backdrop.remove();
      resolve(ok);
    };
    const backdrop = h(
      "div",
      { class: "backdrop", onclick: (/** @type {Event} */ e) => e.target === backdrop && close(false) },
      h(
        "div",
        { class: "sheet", role: "dialog", "aria-modal": "true", "aria-label": title, testid: "sheet" },
        h("h2", { text: title }),
        content,
        h(
          "div",
          { class: "sheet-actions" },
          h("button", { class: "btn", type: "button", text: cancel, testid: "sheet-cancel", onclick: () => close(false) }),
          h("button", {
            class: danger ? "btn btn-danger" : "btn btn-primary",
            type: "button",
            text: confirm,
            testid: "sheet-confirm",
            onclick: () => close(true),
          }),
        ),
      ),
    );
    document.body.append(backdrop);
    /** @type {HTMLElement | null} */ (backdrop.querySelector("textarea, input, .btn-primary, .btn-danger"))?.focus();
  });
}

/** A coloured status pill. */
export function pill(/** @type {string} */ status, /** @type {string} */ label, testid = "status") {
  return h("span", { class: `pill pill-${status}`, text: label, testid, "data-status": status });
}

/**
 * A definition list of an object's scalar fields, formatted by their names; for responses
 * whose shape the client does not know ahead of time.
 * @param {Record<string, unknown>} obj @param {string[]} [skip]
 */
export function describe(obj, skip = []) {
  const rows = Object.entries(obj || {}).filter(
    ([key, value]) => !skip.includes(key) && (value === null || typeof value !== "object"
      || (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object"))),
  );
  return h(
    "dl",
    { class: "facts" },
    rows.map(([key, value]) => [
      h("dt", { text: fieldLabel(key) }),
      h("dd", { text: byName(key, value), "data-field": key }),
    ]),
  );
}

/** Stroke icons (24×24), drawn inline so no icon font is needed. */
const ICONS = {
  plus: "M12 5v14M5 12h14",
  list: "M9 6h12M9 12h12M9 18h12M4 6h.01M4 12h.01M4 18h.01",
  user: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 3.6-6 8-6s8 2 8 6",
  jobs: "M9 3h6a1 1 0 0 1 1 1v2H8V4a1 1 0 0 1 1-1zM6 5h12v16H6zM9 11h6M9 15h4",
  route: "M6 21a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM18 7a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM6 17V10a4 4 0 0 1 4-4h6M18 7v7a4 4 0 0 1-4 4H8",
  station: "M3 10l9-6 9 6v11H3zM9 21v-6h6v6",
  lots: "M3 12V3h9l9 9-9 9zM7.5 7.5h.01",
  locate: "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM12 19a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM12 2v3M12 19v3M2 12h3M19 12h3",
};

/** An inline SVG icon by name (decorative: hidden from screen readers). */
export function icon(/** @type {keyof typeof ICONS} */ name) {
  return h("svg", { viewBox: "0 0 24 24", width: "24", height: "24", class: "icon", "aria-hidden": "true" },
    h("svg:path", { d: ICONS[name], fill: "none", stroke: "currentColor", "stroke-width": "2", "stroke-linecap": "round", "stroke-linejoin": "round" }));
}

/** A spinner line for screens waiting on the network. */
export function loading() {
  return h("p", { class: "loading", role: "status", text: t("loading") });
}
