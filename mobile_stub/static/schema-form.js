// @ts-check
/**
 * Forms built from a request body schema in the OpenAPI document.
 *
 * The collector and plant endpoints are still being designed, so their screens do not
 * hard-code fields: each input comes from the operation's schema, named by its dotted path
 * ("items.0.weight_grams") so the API's per-field reasons land next to it. House naming
 * turns `*_grams` into a kg input and `*_cents` into a ¥ input; `tag*` fields get a
 * scanner-friendly text input.
 */
import { gramsToKgText, kgToGrams, yuanToCents } from "./format.js";
import { fieldLabel, t } from "./i18n.js";
import { field, h, icon, select, toast } from "./ui.js";

/** @typedef {import("./api.js").JsonSchema} JsonSchema */
/** @typedef {Record<string, unknown>} Values */

/** How a property is typed in and read back. */
function kindOf(/** @type {string} */ name, /** @type {JsonSchema} */ schema) {
  const type = Array.isArray(schema.type) ? schema.type.find((x) => x !== "null") : schema.type;
  if (schema.enum) return "enum";
  if (type === "boolean") return "boolean";
  if (type === "integer" && name.endsWith("_grams")) return "grams";
  if (type === "integer" && name.endsWith("_cents")) return "cents";
  if (type === "integer") return "integer";
  if (type === "number") return "number";
  if (type === "array" && schema.items?.type === "object") return "rows";
  if (type === "array") return "list";
  if (type === "object" && schema.properties) return "object";
  return "string";
}

/** The label of a property, with its unit. */
function labelOf(/** @type {string} */ name, /** @type {string} */ kind, /** @type {boolean} */ required) {
  const unit = kind === "grams" ? " (kg)" : kind === "cents" ? " (¥)" : "";
  return `${fieldLabel(name)}${unit}${required ? "" : ` · ${t("optional")}`}`;
}

/**
 * One input for a scalar property; `choices` turns a free-text field into a list.
 * @param {string} path @param {string} name @param {JsonSchema} schema @param {string} kind
 * @param {boolean} required @param {unknown} value @param {[string, string][]} [choices]
 */
function scalarField(path, name, schema, kind, required, value, choices) {
  const common = { name: path, "data-kind": kind === "enum" ? "string" : kind, testid: `field-${path}` };
  const label = labelOf(name, kind, required);
  const hint = schema.description;
  if (kind === "enum" || choices) {
    const options = choices || /** @type {[string, string][]} */ ((schema.enum || []).map((v) => [v, v]));
    return field({ name: path, label, hint, control: select({ ...common, value }, required ? options : [["", "—"], ...options]) });
  }
  if (kind === "boolean") {
    const box = h("input", { ...common, type: "checkbox", checked: value === true });
    return h("div", { class: "field field-check" }, h("label", {}, box, ` ${fieldLabel(name)}`),
      h("p", { class: "field-error", "data-error-for": path }));
  }
  const numeric = ["grams", "cents", "integer", "number"].includes(kind);
  const shown =
    value === undefined || value === null ? undefined
      : kind === "grams" ? gramsToKgText(Number(value))
        : kind === "cents" ? (Number(value) / 100).toFixed(2)
          : String(value);
  const isTag = /(^|_)tag/.test(name);
  return field({
    ...common,
    label,
    hint,
    value: shown,
    type: schema.format === "date" ? "date" : "text",
    inputmode: numeric ? (kind === "integer" ? "numeric" : "decimal") : undefined,
    autocapitalize: isTag ? "characters" : undefined,
    autocomplete: "off",
    spellcheck: isTag ? "false" : undefined,
    required: required || undefined,
    class: isTag ? "tag-input" : undefined,
    placeholder: isTag ? "TAG-0000" : undefined,
  });
}

/**
 * @typedef {object} FieldOptions
 * @property {string} [prefix]   dotted path of the enclosing object ("lines.0")
 * @property {Values} [values]   initial values, by property name
 * @property {string[]} [skip]   properties not to show
 * @property {Record<string, [string, string][]>} [choices]  [value, label] lists by property name
 */

/**
 * Fields for every writable property of `schema`, prefixed by `prefix`.
 * @param {JsonSchema} schema @param {FieldOptions} [options]
 * @returns {HTMLElement[]}
 */
export function schemaFields(schema, { prefix = "", values = {}, skip = [], choices = {} } = {}) {
  const required = new Set(schema.required || []);
  const out = [];
  for (const [name, prop] of Object.entries(schema.properties || {})) {
    if (prop.readOnly || skip.includes(name)) continue;
    const path = prefix ? `${prefix}.${name}` : name;
    const kind = kindOf(name, prop);
    const value = values[name] ?? prop.default;
    if (kind === "object") {
      out.push(h("fieldset", { class: "group" }, h("legend", { text: fieldLabel(name) }),
        schemaFields(prop, { prefix: path, values: /** @type {Values} */ (value || {}), choices })));
    } else if (kind === "rows") {
      out.push(rowsField(path, name, prop, /** @type {Values[]} */ (value || []), required.has(name), choices));
    } else if (kind === "list") {
      const text = Array.isArray(value) ? value.join(", ") : undefined;
      out.push(field({ name: path, label: labelOf(name, kind, required.has(name)), value: text,
        "data-kind": "list", testid: `field-${path}`, hint: prop.description, autocomplete: "off" }));
    } else {
      out.push(scalarField(path, name, prop, kind, required.has(name), value, choices[name]));
    }
  }
  const latitude = Object.keys(schema.properties || {}).find((n) => /(^|_)latitude$/.test(n));
  const longitude = latitude?.replace(/latitude$/, "longitude");
  if (latitude && longitude && schema.properties?.[longitude]) {
    const name = (/** @type {string} */ n) => (prefix ? `${prefix}.${n}` : n);
    out.push(locateButton(name(latitude), name(longitude)));
  }
  return out;
}

/** "Use my location": fills a latitude and longitude pair from the phone's position. */
function locateButton(/** @type {string} */ latName, /** @type {string} */ lonName) {
  const button = h("button", { type: "button", class: "btn", testid: "use-location" }, icon("locate"), t("use_location"));
  button.addEventListener("click", () => {
    const form = button.closest("form");
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const set = (/** @type {string} */ n, /** @type {number} */ v) => {
          const input = /** @type {HTMLInputElement | null} */ (form?.querySelector(`[name="${n}"]`));
          if (input) input.value = v.toFixed(6);
        };
        set(latName, pos.coords.latitude);
        set(lonName, pos.coords.longitude);
      },
      () => toast(t("location_failed"), "error"),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  });
  return button;
}

/**
 * A repeatable group for an array of objects ("lines"), one row per value, plus "add".
 * A required list starts with one row; an optional one with none.
 * @param {string} path @param {string} name @param {JsonSchema} schema @param {Values[]} values
 * @param {boolean} required @param {Record<string, [string, string][]>} choices
 */
function rowsField(path, name, schema, values, required, choices) {
  const list = h("div", { class: "rows", "data-rows": path });
  const itemSchema = schema.items || {};
  const addRow = (/** @type {Values} */ rowValues) => {
    const index = list.children.length;
    list.append(h("fieldset", { class: "group row", "data-row": index, testid: `row-${path}` },
      h("legend", { text: `#${index + 1}` }),
      schemaFields(itemSchema, { prefix: `${path}.${index}`, values: rowValues, choices })));
  };
  (values.length ? values : required ? [{}] : []).forEach(addRow);
  return h("div", { class: "rows-field" }, h("p", { class: "field-label", text: fieldLabel(name) }), list,
    h("p", { class: "field-error", "data-error-for": path }),
    h("button", { type: "button", class: "btn btn-ghost", text: `+ ${t("add")}`, testid: `add-${path}`, onclick: () => addRow({}) }));
}

/** Set `value` at a dotted path, creating arrays for numeric segments. */
function setPath(/** @type {Values} */ target, /** @type {string} */ path, /** @type {unknown} */ value) {
  const parts = path.split(".");
  /** @type {any} */
  let node = target;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) node[part] = value;
    else node = node[part] ??= /^\d+$/.test(parts[i + 1]) ? [] : {};
  });
}

/**
 * Read a form built by `schemaFields` into a request body; blank inputs are left out.
 * Throws the API's error shape for values that cannot be converted.
 * @param {Element} form @returns {Values}
 */
export function readSchemaForm(form) {
  /** @type {Values} */
  const body = {};
  /** @type {Record<string, string[]>} */
  const errors = {};
  for (const el of form.querySelectorAll("[data-kind]")) {
    const input = /** @type {HTMLInputElement} */ (el);
    const kind = input.dataset.kind || "string";
    if (kind === "boolean") {
      setPath(body, input.name, input.checked);
      continue;
    }
    const raw = input.value.trim();
    if (raw === "") continue;
    const value = {
      grams: () => kgToGrams(raw),
      cents: () => yuanToCents(raw),
      integer: () => (/^-?\d+$/.test(raw) ? Number(raw) : Number.NaN),
      number: () => Number(raw.replace(",", ".")),
      list: () => raw.split(/[,\s]+/).filter(Boolean),
    }[kind]?.() ?? raw;
    if (typeof value === "number" && Number.isNaN(value)) errors[input.name] = [t("not_a_number")];
    else setPath(body, input.name, value);
  }
  if (Object.keys(errors).length) {
    throw { code: "validation_error", message: t("check_fields"), errors };
  }
  return compact(body);
}

/** Drop array holes and empty rows left by blank inputs. */
function compact(/** @type {any} */ value) {
  if (Array.isArray(value)) {
    return value.filter((v) => v !== undefined).map(compact).filter((v) => !(v && typeof v === "object" && !Object.keys(v).length));
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
  }
  return value;
}
