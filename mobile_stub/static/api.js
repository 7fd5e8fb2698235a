// @ts-check
/**
 * A thin, typed client of the platform API whose operations come from the OpenAPI document.
 *
 * The phone apps are written against /api/openapi.json, so this client reads it at start-up
 * and refuses calls the spec does not describe: a screen asks `api.has(...)` and shows
 * "not available yet" for operations that have not landed, instead of failing on a 404.
 * Every call sends the phone's languages (server messages come back translated), the bearer
 * token, and on a 401 refreshes once with the rotating refresh token before giving up.
 */

const SPEC_URL = "/api/openapi.json";
const TOKENS_KEY = "recycle.tokens";
const METHODS = ["get", "post", "put", "patch", "delete"];

/** @typedef {"GET" | "POST" | "PUT" | "PATCH" | "DELETE"} HttpMethod */

/**
 * The one error body of the API.
 * @typedef {object} ErrorBody
 * @property {string} code
 * @property {string} message
 * @property {Record<string, string[]>} errors  reasons per field ("items.0.quantity")
 */

/**
 * @typedef {object} Tokens
 * @property {string} access_token
 * @property {string} refresh_token
 * @property {number} user_id
 * @property {string} role
 */

/**
 * @typedef {object} Operation  One operation of the spec.
 * @property {HttpMethod} method
 * @property {string} path            the spec's template, e.g. "/api/bookings/{booking_id}"
 * @property {string} summary
 * @property {{name: string, required: boolean}[]} query
 * @property {JsonSchema | null} body  the resolved request body schema
 * @property {boolean} isRequestBodyRequired
 * @property {boolean} isPublic       the spec says no token is needed
 */

/**
 * @typedef {object} JsonSchema  The subset of JSON Schema the client reads.
 * @property {string | string[]} [type]
 * @property {Record<string, JsonSchema>} [properties]
 * @property {string[]} [required]
 * @property {JsonSchema} [items]
 * @property {string[]} [enum]
 * @property {string} [format]
 * @property {string} [description]
 * @property {number} [minimum]
 * @property {number} [maximum]
 * @property {number} [minLength]
 * @property {number} [maxLength]
 * @property {boolean} [readOnly]
 * @property {boolean} [nullable]
 * @property {unknown} [default]
 * @property {string} [$ref]
 */

/**
 * @typedef {object} CallOptions
 * @property {Record<string, string | number>} [params]  path parameters
 * @property {Record<string, string | number | boolean | null | undefined>} [query]
 * @property {unknown} [body]
 * @property {Record<string, string>} [headers]
 * @property {string} [idempotencyKey]  sent as Idempotency-Key (safe retries of writes)
 */

/** @typedef {{code: string, name_en: string, name_zh: string, category: string, unit: "kg" | "piece", min_quantity: number, grades: string[]}} Material */
/** @typedef {{address_id: number, zone: string, label: string | null, latitude: number, longitude: number, text: string, building: string | null, floor: string | null, is_default: boolean}} Address */
/** @typedef {{label?: string | null, latitude: number, longitude: number, text: string, building?: string | null, floor?: string | null, access_notes?: string | null, is_default?: boolean}} AddressCreate */
/** @typedef {{material: string, grade: string, quantity: number}} QuoteItem  quantity: grams (kg materials) or pieces */
/** @typedef {{material: string, grade: string, unit: string, quantity: number, unit_price_cents: number, estimated_amount_cents: number}} QuoteLine */
/** @typedef {{quote_id: string, currency: string, lines: QuoteLine[], estimated_total_cents: number, expires_at: string, locked_until: string | null}} Quote */
/** @typedef {{slot_id: number, starts_at: string, ends_at: string, cutoff_at: string, capacity: number, remaining: number}} Slot */
/** @typedef {{material: string, grade: string, unit: string, estimated_quantity: number}} BookingItem */
/** @typedef {{booking_id: number, status: string, address_id: number, slot_id: number, quote_id: string, items: BookingItem[], notes: string | null, is_late_cancellation: boolean, cancelled_at: string | null, version: number, created_at: string}} Booking */
/** @typedef {{event_id: number, kind: string, occurred_at: string, data: Record<string, unknown>}} BookingEvent */

/**
 * Every operation the client uses, by name. The tests check each path against the spec.
 * @type {Readonly<Record<string, [HttpMethod, string]>>}
 */
export const OPERATIONS = Object.freeze({
  requestCode: ["POST", "/api/auth/codes"],
  createTokens: ["POST", "/api/auth/tokens"],
  revokeSession: ["POST", "/api/auth/revocations"],
  getMe: ["GET", "/api/auth/me"],
  listMaterials: ["GET", "/api/materials"],
  listAddresses: ["GET", "/api/residents/me/addresses"],
  createAddress: ["POST", "/api/residents/me/addresses"],
  createQuote: ["POST", "/api/quotes"],
  getQuote: ["GET", "/api/quotes/{quote_id}"],
  listSlots: ["GET", "/api/slots"],
  listBookings: ["GET", "/api/bookings"],
  createBooking: ["POST", "/api/bookings"],
  getBooking: ["GET", "/api/bookings/{booking_id}"],
  listBookingEvents: ["GET", "/api/bookings/{booking_id}/events"],
  cancelBooking: ["POST", "/api/bookings/{booking_id}/cancellation"],
  getBookingWeighing: ["GET", "/api/bookings/{booking_id}/weighing"],
  decideWeighing: ["POST", "/api/bookings/{booking_id}/weighing-decision"],
  getWalletMe: ["GET", "/api/wallets/me"],
  // Collectors, stations and plants: screens check `api.has(name)` first, so a screen whose
  // operations are not deployed says "not available yet" instead of failing.
  enrolCollector: ["POST", "/api/collectors"],
  getCollectorMe: ["GET", "/api/collectors/me"],
  listJobFeed: ["GET", "/api/jobs/feed"],
  listMyJobs: ["GET", "/api/jobs"],
  getJob: ["GET", "/api/jobs/{booking_id}"],
  claimJob: ["POST", "/api/jobs/{booking_id}/claim"],
  releaseJob: ["POST", "/api/jobs/{booking_id}/release"],
  departForJob: ["POST", "/api/jobs/{booking_id}/departure"],
  arriveAtJob: ["POST", "/api/jobs/{booking_id}/arrival"],
  recordWeighing: ["POST", "/api/jobs/{booking_id}/weighing"],
  completeJob: ["POST", "/api/jobs/{booking_id}/completion"],
  getRouteToday: ["GET", "/api/route-plans/today"],
  listStations: ["GET", "/api/stations"],
  listStationDeliveries: ["GET", "/api/station-deliveries"],
  createStationDelivery: ["POST", "/api/station-deliveries"],
  getPlantMe: ["GET", "/api/plants/me"],
  listLots: ["GET", "/api/lots"],
  getLot: ["GET", "/api/lots/{lot_id}"],
  placeBid: ["POST", "/api/lots/{lot_id}/bids"],
  listAuctionBids: ["GET", "/api/auctions/{auction_id}/bids"],
});

/** An error response (or a failure to reach the server) in the API's error shape. */
export class ApiError extends Error {
  /**
   * @param {number} status  HTTP status; 0 when the request never got an answer
   * @param {ErrorBody} body
   */
  constructor(status, body) {
    super(body.message);
    this.name = "ApiError";
    this.status = status;
    this.code = body.code;
    /** @type {Record<string, string[]>} */
    this.errors = body.errors || {};
  }
}

/** Paths /api/lots/{id} and /api/lots/{lot_id} are the same operation: compare the shape. */
export function pathShape(/** @type {string} */ template) {
  return template.replace(/\{[^}]+\}/g, "{}");
}

/** The Accept-Language header for the phone's languages, best first. */
export function acceptLanguage(languages = navigator.languages || [navigator.language]) {
  const list = languages.length ? languages : ["en"];
  return list
    .slice(0, 5)
    .map((lang, i) => (i === 0 ? lang : `${lang};q=${(1 - i * 0.1).toFixed(1)}`))
    .join(",");
}

/** A fresh Idempotency-Key (crypto.randomUUID needs a secure context; phones on http lack it). */
export function newIdempotencyKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Api extends EventTarget {
  /**
   * @param {{specUrl?: string, storage?: Storage, languages?: readonly string[]}} [options]
   */
  constructor({ specUrl = SPEC_URL, storage = localStorage, languages } = {}) {
    super();
    this.specUrl = specUrl;
    this.storage = storage;
    this.languages = languages;
    /** @type {Map<string, Operation>} keyed by "METHOD shape" */
    this.operations = new Map();
    /** @type {Record<string, JsonSchema>} */
    this.schemas = {};
    /** @type {Promise<boolean> | null} one refresh at a time: refresh tokens rotate */
    this.refreshing = null;
  }

  /** Read the OpenAPI document and index its operations. */
  async load() {
    const response = await fetch(this.specUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`cannot read ${this.specUrl}: ${response.status}`);
    const spec = await response.json();
    this.schemas = spec.components?.schemas || {};
    this.operations.clear();
    for (const [path, item] of Object.entries(spec.paths || {})) {
      for (const lower of METHODS) {
        const op = item[lower];
        if (!op) continue;
        const method = /** @type {HttpMethod} */ (lower.toUpperCase());
        const params = [...(item.parameters || []), ...(op.parameters || [])];
        const body = op.requestBody?.content?.["application/json"]?.schema;
        this.operations.set(`${method} ${pathShape(path)}`, {
          method,
          path,
          summary: op.summary || "",
          query: params
            .filter((p) => p.in === "query")
            .map((p) => ({ name: p.name, required: !!p.required })),
          body: body ? this.resolve(body) : null,
          isRequestBodyRequired: !!op.requestBody?.required,
          isPublic: Array.isArray(op.security) && op.security.length === 0,
        });
      }
    }
    return this;
  }

  /**
   * Replace $refs to components/schemas by the schemas they name (cycles stop at depth 8).
   * @param {JsonSchema} schema
   * @returns {JsonSchema}
   */
  resolve(schema, depth = 0) {
    if (!schema || depth > 8) return schema;
    if (schema.$ref) {
      const name = schema.$ref.split("/").pop() || "";
      return this.resolve(this.schemas[name] || {}, depth + 1);
    }
    /** @type {JsonSchema} */
    const out = { ...schema };
    if (schema.items) out.items = this.resolve(schema.items, depth + 1);
    if (schema.properties) {
      out.properties = Object.fromEntries(
        Object.entries(schema.properties).map(([k, v]) => [k, this.resolve(v, depth + 1)]),
      );
    }
    return out;
  }

  /**
   * The spec's operation for a method and path template, or a named operation.
   * @param {string} methodOrName  "POST", or a key of OPERATIONS
   * @param {string} [path]
   * @returns {Operation | undefined}
   */
  operation(methodOrName, path) {
    const [method, template] = path ? [methodOrName, path] : OPERATIONS[methodOrName] || [];
    if (!method || !template) return undefined;
    return this.operations.get(`${method.toUpperCase()} ${pathShape(template)}`);
  }

  /** Whether the spec has the operation (by name, or by method and path). */
  has(/** @type {string} */ methodOrName, /** @type {string} */ path = "") {
    return !!this.operation(methodOrName, path || undefined);
  }

  /** The names among `names` whose operations the spec lacks. */
  missing(/** @type {string[]} */ names) {
    return names.filter((name) => !this.has(name));
  }

  /** @returns {Tokens | null} */
  get tokens() {
    try {
      return JSON.parse(this.storage.getItem(TOKENS_KEY) || "null");
    } catch {
      return null;
    }
  }

  /** @param {Tokens | null} tokens */
  set tokens(tokens) {
    if (tokens) this.storage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    else this.storage.removeItem(TOKENS_KEY);
    this.dispatchEvent(new Event("tokens"));
  }

  /**
   * Call an operation the spec describes; resolves to the JSON body (null for 204).
   * @param {string} method
   * @param {string} template  e.g. "/api/bookings/{booking_id}/events"
   * @param {CallOptions} [options]
   * @returns {Promise<any>}
   */
  async call(method, template, options = {}) {
    const op = this.operation(method, template);
    if (!op) {
      throw new ApiError(0, {
        code: "not_available",
        message: `${method} ${template} is not in the API yet`,
        errors: {},
      });
    }
    const url = buildUrl(op, template, options);
    checkBody(op, options.body);
    const sentWith = this.tokens?.access_token;
    const send = () => this.fetchJson(op, url, options);
    let response = await send();
    if (response.status === 401 && !op.isPublic && (await this.refresh(sentWith))) {
      response = await send();
    }
    return readBody(response);
  }

  /**
   * Call a named operation from OPERATIONS.
   * @param {keyof typeof OPERATIONS} name
   * @param {CallOptions} [options]
   */
  run(name, options) {
    const [method, template] = OPERATIONS[name];
    return this.call(method, template, options);
  }

  /** @param {Operation} op @param {string} url @param {CallOptions} options */
  async fetchJson(op, url, options) {
    /** @type {Record<string, string>} */
    const headers = {
      Accept: "application/json",
      "Accept-Language": acceptLanguage(this.languages),
      ...options.headers,
    };
    const access = this.tokens?.access_token;
    if (access && !op.isPublic) headers.Authorization = `Bearer ${access}`;
    if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    try {
      return await fetch(url, {
        method: op.method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch (error) {
      throw new ApiError(0, { code: "network_error", message: String(error), errors: {} });
    }
  }

  /**
   * Swap the refresh token for a new pair. Refresh tokens rotate and a reused one revokes
   * the whole session, so one refresh runs at a time in this tab (a shared promise) and
   * across tabs (a Web Lock); a tab that finds the pair already rotated just retries.
   * @param {string | undefined} failedAccess  the access token the 401 answered
   * @returns {Promise<boolean>} whether there is a fresh access token to retry with
   */
  refresh(failedAccess) {
    if (!this.refreshing) {
      const rotate = async () => {
        const current = this.tokens;
        if (!current?.refresh_token) return false;
        if (failedAccess && current.access_token !== failedAccess) return true;
        try {
          this.tokens = await this.run("createTokens", {
            body: { grant_type: "refresh_token", refresh_token: current.refresh_token },
          });
          return true;
        } catch (error) {
          // Offline is not signed out: keep the tokens for the next attempt.
          if (error instanceof ApiError && error.status === 0) return false;
          this.tokens = null;
          this.dispatchEvent(new Event("signedout"));
          return false;
        }
      };
      const locks = globalThis.navigator?.locks;
      this.refreshing = (locks ? locks.request("recycle.refresh", rotate) : rotate()).finally(
        () => {
          this.refreshing = null;
        },
      );
    }
    return this.refreshing;
  }

  // Named helpers for the resident flow; collector and plant screens use `run` with names.

  /** @param {string} phone  E.164 */
  requestCode(phone) {
    return this.run("requestCode", { body: { phone } });
  }

  /** Exchange a phone code for tokens and keep them. @returns {Promise<Tokens>} */
  async signIn(/** @type {string} */ phone, /** @type {string} */ code) {
    const pair = await this.run("createTokens", {
      body: { grant_type: "phone_code", phone, code },
    });
    this.tokens = pair;
    return pair;
  }

  /** Revoke this session on the server (best effort) and forget the tokens. */
  async signOut() {
    try {
      if (this.tokens) await this.run("revokeSession");
    } finally {
      this.tokens = null;
    }
  }

  /** @returns {Promise<{user_id: number, role: string, display_name: string | null, locale: string}>} */
  me() {
    return this.run("getMe");
  }

  /** @returns {Promise<Material[]>} */
  materials() {
    return this.run("listMaterials");
  }

  /** @returns {Promise<Address[]>} */
  addresses() {
    return this.run("listAddresses");
  }

  /** @param {AddressCreate} address @returns {Promise<Address>} */
  addAddress(address) {
    return this.run("createAddress", { body: address });
  }

  /** @param {number} addressId @param {QuoteItem[]} items @returns {Promise<Quote>} */
  quote(addressId, items) {
    return this.run("createQuote", { body: { address_id: addressId, items } });
  }

  /** @param {string} quoteId @returns {Promise<Quote>} */
  getQuote(quoteId) {
    return this.run("getQuote", { params: { quote_id: quoteId } });
  }

  /** @param {string} zone @param {string} date  YYYY-MM-DD, local @returns {Promise<Slot[]>} */
  slots(zone, date) {
    return this.run("listSlots", { query: { zone, date } });
  }

  /**
   * @param {{address_id: number, slot_id: number, quote_id: string, notes?: string | null}} booking
   * @param {string} idempotencyKey  the same key for retries of one tap
   * @returns {Promise<Booking>}
   */
  book(booking, idempotencyKey) {
    return this.run("createBooking", { body: booking, idempotencyKey });
  }

  /** @returns {Promise<Booking[]>} newest first (first page of 50) */
  bookings() {
    return this.run("listBookings", { query: { page_size: 50 } });
  }

  /** @param {number} bookingId @returns {Promise<Booking>} */
  booking(bookingId) {
    return this.run("getBooking", { params: { booking_id: bookingId } });
  }

  /** @param {number} bookingId @returns {Promise<BookingEvent[]>} */
  timeline(bookingId) {
    return this.run("listBookingEvents", { params: { booking_id: bookingId } });
  }

  /** @param {number} bookingId @param {string | null} reason @returns {Promise<Booking>} */
  cancel(bookingId, reason, idempotencyKey = newIdempotencyKey()) {
    return this.run("cancelBooking", {
      params: { booking_id: bookingId },
      body: { reason },
      idempotencyKey,
    });
  }
}

/** @param {Operation} op @param {string} template @param {CallOptions} options */
function buildUrl(op, template, { params = {}, query = {} }) {
  const path = template.replace(/\{([^}]+)\}/g, (_m, name) => {
    if (params[name] === undefined) throw new TypeError(`${template}: missing path ${name}`);
    return encodeURIComponent(String(params[name]));
  });
  const known = new Set(op.query.map((q) => q.name));
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (!known.has(name)) throw new TypeError(`${op.method} ${op.path}: unknown query ${name}`);
    if (value !== undefined && value !== null) search.set(name, String(value));
  }
  for (const q of op.query) {
    if (q.required && !search.has(q.name)) {
      throw new TypeError(`${op.method} ${op.path}: query ${q.name} is required`);
    }
  }
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * Check a body against the spec before sending it: required fields present, no unknown
 * fields (the API rejects them), integers where integers are expected. Errors come back in
 * the API's own shape so screens show them the same way.
 * @param {Operation} op @param {unknown} body
 */
function checkBody(op, body) {
  if (body === undefined) {
    if (op.isRequestBodyRequired) {
      throw new ApiError(0, { code: "validation_error", message: "body required", errors: {} });
    }
    return;
  }
  const schema = op.body;
  if (!schema?.properties || typeof body !== "object" || body === null) return;
  /** @type {Record<string, string[]>} */
  const errors = {};
  const record = /** @type {Record<string, unknown>} */ (body);
  for (const name of schema.required || []) {
    if (record[name] === undefined) errors[name] = ["required"];
  }
  for (const [name, value] of Object.entries(record)) {
    const prop = schema.properties[name];
    if (!prop) errors[name] = ["not accepted by the API"];
    else if (prop.type === "integer" && value !== null && !Number.isInteger(value)) {
      errors[name] = ["must be a whole number"];
    }
  }
  if (Object.keys(errors).length) {
    throw new ApiError(0, { code: "validation_error", message: "check the fields", errors });
  }
}

/** @param {Response} response */
async function readBody(response) {
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.ok) return data;
  if (data && typeof data.code === "string") throw new ApiError(response.status, data);
  throw new ApiError(response.status, {
    code: `http_${response.status}`,
    message: response.statusText || `HTTP ${response.status}`,
    errors: {},
  });
}
