// @ts-check
/**
 * Collector screens: enrol, the job feed and my jobs, one job from claim to completion
 * (on my way, at the door, weigh bag by bag with its tag, complete), today's route as a list
 * and an SVG sketch, and drop-offs at stations. Every action checks the spec first and
 * says "not available yet" for operations that are not deployed.
 */
import { clock, dateTime, distance, money, quantity, timeWindow, weight } from "../format.js";
import { hasText, materialName, statusLabel, t } from "../i18n.js";
import { describe, h, loading, mount, notAvailable, pill, toast } from "../ui.js";
import { materials } from "./book.js";
import { coordsOf, listOf, operationForm, pick, weighingCard, windowOf } from "./generic.js";

/** @typedef {import("../app.js").Ctx} Ctx */

/** Items of a job in words ("PET bottles clear · 3 kg"). */
async function itemsText(/** @type {Ctx} */ ctx, /** @type {any[]} */ items = []) {
  const byCode = new Map((await materials(ctx.api)).map((m) => [m.code, m]));
  return items.map((item) => {
    const m = byCode.get(item.material);
    const amount = pick(item, ["estimated_quantity", "quantity"]);
    return `${m ? materialName(m) : item.material} ${item.grade} · ${typeof amount === "number" ? quantity(amount, item.unit || "kg") : ""}`;
  }).join(", ");
}

/** The enrolment form: collector-role accounts apply once, then wait for review. */
function enrol(/** @type {Ctx} */ ctx) {
  ctx.title(t("enrol_title"));
  mount(ctx.view, h("section", { class: "card stack", testid: "enrol-card" },
    h("h2", { text: t("enrol_title") }),
    h("p", { class: "muted", text: t("enrol_intro") }),
    operationForm(ctx, "enrolCollector", { label: t("enrol"), testid: "enrol", done: () => {
      toast(t("enrolled"), "ok");
      ctx.reload();
    } })));
}

/** My application while it is not approved: its status and the reviewer's reason. */
function applicationStatus(/** @type {Ctx} */ ctx, /** @type {any} */ me) {
  const note = `application_${me.status}`;
  mount(ctx.view, h("section", { class: "card", testid: "collector-me" },
    h("div", { class: "row-between" }, h("h2", { text: t("enrol_title") }), pill(me.status, statusLabel(me.status), "collector-status")),
    me.status_reason ? h("p", { class: "warning", text: me.status_reason }) : null,
    hasText(note) ? h("p", { class: "muted", text: t(note) }) : null,
    describe(me, ["status", "status_reason", "collector_id", "version", "home_latitude", "home_longitude"])));
}

/** A feed entry: where (neighbourhood, distance), when, what, worth; claim. */
async function feedCard(/** @type {Ctx} */ ctx, /** @type {any} */ job) {
  const id = job.booking_id;
  const window = windowOf(job);
  const grams = job.estimated_grams;
  return h("article", { class: "card job-card", testid: "job-card", "data-booking-id": String(id) },
    h("div", { class: "row-between" },
      h("strong", { text: [job.neighbourhood || job.zone, typeof job.distance_m === "number" ? distance(job.distance_m) : ""].filter(Boolean).join(" · ") }),
      typeof job.estimated_value_cents === "number" ? h("strong", { class: "ok", text: money(job.estimated_value_cents) }) : null),
    window ? h("p", { class: "big", text: timeWindow(window[0], window[1]) }) : null,
    h("p", { class: "muted", text: [await itemsText(ctx, job.items), typeof grams === "number" ? `≈ ${weight(grams)}` : ""].filter(Boolean).join(" · ") }),
    ctx.api.has("claimJob")
      ? h("button", { type: "button", class: "btn btn-primary", text: t("claim"), testid: "claim-job", onclick: async (/** @type {Event} */ e) => {
        const button = /** @type {HTMLButtonElement} */ (e.currentTarget);
        button.disabled = true;
        try {
          await ctx.api.run("claimJob", { params: { booking_id: id } });
          toast(t("claimed"), "ok");
          ctx.go(`#/jobs/${id}`);
        } catch (error) {
          button.disabled = false;
          toast(/** @type {Error} */ (error).message, "error");
        }
      } })
      : null);
}

/** A job I hold, linking to its screen. */
async function heldCard(/** @type {Ctx} */ ctx, /** @type {any} */ job) {
  const window = windowOf(job);
  return h("a", { class: "card job-card", href: `#/jobs/${job.booking_id}`, testid: "my-job", "data-booking-id": String(job.booking_id) },
    h("div", { class: "row-between" }, h("strong", { text: t("job_no", { id: job.booking_id }) }), pill(job.status, statusLabel(job.status))),
    window ? h("p", { class: "big", text: timeWindow(window[0], window[1]) }) : null,
    job.address ? h("p", { text: [job.address.text, job.address.building, job.address.floor].filter(Boolean).join(" · ") }) : null,
    h("p", { class: "muted", text: await itemsText(ctx, job.items) }));
}

/**
 * Collectors: apply when there is no application yet, see its status until approved, then
 * my jobs and the feed. Residents are told collector accounts are opened at a station.
 * @param {Ctx} ctx
 */
export async function jobs(ctx) {
  ctx.title(t("tab_jobs"));
  if (ctx.role !== "collector") {
    return mount(ctx.view, h("section", { class: "card muted-card", testid: "collector-only" },
      h("h2", { text: t("enrol_title") }), h("p", { text: t("collector_only") })));
  }
  mount(ctx.view, loading());
  const me = ctx.api.has("getCollectorMe")
    ? await ctx.api.run("getCollectorMe").catch((error) => {
      if (error.status === 404) return null;
      throw error;
    })
    : null;
  if (!me) return ctx.api.has("enrolCollector") ? enrol(ctx) : mount(ctx.view, notAvailable(["enrolCollector"]));
  if (me.status !== "approved") return applicationStatus(ctx, me);
  if (!ctx.api.has("listJobFeed")) return mount(ctx.view, notAvailable(ctx.api.missing(["listJobFeed", "claimJob"])));
  const [held, feed] = await Promise.all([
    ctx.api.has("listMyJobs") ? ctx.api.run("listMyJobs").then(listOf) : [],
    ctx.api.run("listJobFeed").then(listOf),
  ]);
  mount(ctx.view, h("div", { class: "stack" },
    held.length ? [h("h2", { text: t("my_jobs") }), ...(await Promise.all(held.map((job) => heldCard(ctx, job))))] : null,
    h("h2", { text: t("job_feed") }),
    feed.length ? await Promise.all(feed.map((job) => feedCard(ctx, job))) : h("p", { class: "empty", testid: "no-jobs", text: t("no_jobs") })));
}

/**
 * The next step of a held job, by its status.
 * @param {Ctx} ctx @param {any} job @param {() => Promise<void>} redraw
 * @param {import("../api.js").Material[]} catalogue
 */
function nextStep(ctx, job, redraw, catalogue) {
  const params = { booking_id: job.booking_id };
  const section = (/** @type {string} */ title, /** @type {string} */ testid, /** @type {any} */ body) =>
    h("section", { class: "card stack", testid }, h("h2", { text: title }), body);
  const lines = (job.items || []).map((/** @type {any} */ i) => ({ material: i.material, grade: i.grade }));
  const choices = { material: catalogue.map((m) => /** @type {[string, string]} */ ([m.code, materialName(m)])) };
  const weigh = () => operationForm(ctx, "recordWeighing", { label: t("save_weighing"), testid: "submit-weighing", params, values: { lines }, choices, done: async () => {
    toast(t("weighed"), "ok");
    await redraw();
  } });
  switch (job.status) {
    case "assigned":
    case "en_route":
      return [
        job.status === "assigned"
          ? section(t("on_my_way"), "depart-section", operationForm(ctx, "departForJob", { label: t("on_my_way"), testid: "depart", params, values: { eta_minutes: 15 }, done: redraw }))
          : null,
        section(t("at_the_door"), "arrive-section", operationForm(ctx, "arriveAtJob", { label: t("at_the_door"), testid: "arrive", params, done: redraw })),
        job.status === "assigned" && ctx.api.has("releaseJob")
          ? operationForm(ctx, "releaseJob", { label: t("release"), testid: "release-job", params, done: () => ctx.go("#/jobs") })
          : null,
      ];
    case "arrived":
      return section(t("weigh"), "weigh-section", weigh());
    case "weighed": {
      const waiting = job.weighing?.status === "pending_acceptance";
      return [
        waiting ? h("p", { class: "warning", testid: "awaiting-acceptance", text: t("awaiting_acceptance") }) : null,
        waiting ? null : section(t("complete"), "complete-section",
          operationForm(ctx, "completeJob", { label: t("complete"), testid: "complete-job", params, done: async () => {
            toast(t("completed"), "ok");
            await redraw();
          } })),
        h("details", { class: "card" }, h("summary", { text: t("weigh_again") }), weigh()),
      ];
    }
    default:
      return null;
  }
}

/** One held job: the door, what to collect, the weighing, and the next step. */
export async function jobDetail(/** @type {Ctx} */ ctx, /** @type {string} */ id) {
  ctx.title(t("job_no", { id }), "#/jobs");
  if (!ctx.api.has("getJob")) return mount(ctx.view, notAvailable(["getJob"]));
  const draw = async () => {
    const job = await ctx.api.run("getJob", { params: { booking_id: id } });
    const window = windowOf(job);
    const door = job.address || {};
    mount(ctx.view, h("div", { class: "stack" },
      h("section", { class: "card", testid: "job" },
        h("div", { class: "row-between" }, h("h2", { text: t("job_no", { id }) }), pill(job.status, statusLabel(job.status), "job-status")),
        window ? h("p", { class: "big", text: timeWindow(window[0], window[1]) }) : null,
        door.text ? h("p", { testid: "job-address", text: [door.text, door.building, door.floor].filter(Boolean).join(" · ") }) : null,
        door.access_notes ? h("p", { class: "muted", text: door.access_notes }) : null,
        job.resident_phone ? h("a", { class: "btn btn-small", href: `tel:${job.resident_phone}`, text: `☎ ${job.resident_phone}` }) : null,
        h("p", { class: "muted", text: await itemsText(ctx, job.items) }),
        job.notes ? h("p", { class: "muted", text: `“${job.notes}”` }) : null,
        typeof job.estimated_value_cents === "number"
          ? h("p", { class: "total" }, h("span", { text: t("estimated_total") }), h("strong", { text: money(job.estimated_value_cents) }))
          : null),
      job.weighing ? weighingCard(job.weighing, await materials(ctx.api)) : null,
      nextStep(ctx, job, draw, await materials(ctx.api))));
  };
  await draw();
}

/** Stops of today's route(s), in visiting order. */
export function stopsOf(/** @type {any} */ plan) {
  if (Array.isArray(plan?.routes)) return plan.routes.flatMap((/** @type {any} */ r) => r.stops || []);
  for (const name of ["stops", "visits"]) if (Array.isArray(plan?.[name])) return plan[name];
  return listOf(plan);
}

/** Where a stop is, in words: the station, the door (held jobs), or the neighbourhood. */
function stopPlace(/** @type {any} */ stop) {
  if (stop.station) return stop.station.name || stop.station.code;
  if (stop.address?.text) return [stop.address.text, stop.address.building].filter(Boolean).join(" · ");
  return stop.neighbourhood || "";
}

/** @param {Ctx} ctx */
export async function routeToday(ctx) {
  ctx.title(t("route_today"));
  if (!ctx.api.has("getRouteToday")) return mount(ctx.view, notAvailable(["getRouteToday"]));
  mount(ctx.view, loading());
  const plan = await ctx.api.run("getRouteToday").catch((error) => {
    if (error.status === 404) return null;
    throw error;
  });
  const stops = plan ? stopsOf(plan) : [];
  if (!stops.length) return mount(ctx.view, h("p", { class: "empty", testid: "no-route", text: t("no_route") }));
  const route = plan.routes?.[0] || {};
  mount(ctx.view, h("div", { class: "stack" },
    h("section", { class: "card" },
      routeSketch(stops),
      h("p", { class: "muted", testid: "route-summary", text: [
        typeof route.pickup_count === "number" ? t("pickups_n", { n: route.pickup_count }) : "",
        typeof route.distance_m === "number" ? distance(route.distance_m) : "",
        typeof route.duration_minutes === "number" ? `${route.duration_minutes} min` : "",
      ].filter(Boolean).join(" · ") })),
    h("ol", { class: "card route-list", testid: "route-list" }, stops.map((stop, i) => {
      const eta = pick(stop, ["arrival_at", "service_start_at"]);
      const id = stop.booking_id;
      return h("li", { testid: "route-stop", "data-kind": stop.kind || "" },
        h("span", { class: `stop-no stop-${stop.kind || ""}`, text: String(i + 1) }),
        h("div", {},
          h("strong", { text: `${statusLabel(stop.kind || "")}${eta ? ` · ${clock(eta)}` : ""}` }),
          h("p", { class: "muted", text: [stopPlace(stop), typeof stop.load_g === "number" ? `${t("on_board")} ${weight(stop.load_g)}` : ""].filter(Boolean).join(" · ") })),
        id && stop.is_held !== false ? h("a", { class: "btn btn-small", href: `#/jobs/${id}`, text: t("open") }) : null);
    }))));
}

/** A sketch of the route: stops projected onto a 320×200 box, joined in visiting order. */
export function routeSketch(/** @type {any[]} */ stops) {
  const points = stops.map(coordsOf);
  const known = /** @type {[number, number][]} */ (points.filter(Boolean));
  const svg = h("svg", { viewBox: "0 0 320 200", class: "sketch", role: "img", "aria-label": t("route_today"), testid: "route-sketch" });
  if (!known.length) return svg;
  const lats = known.map((p) => p[0]);
  const lons = known.map((p) => p[1]);
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  // Equal scale on both axes (longitude shrunk by cos(latitude)) so the shape is true.
  const squash = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const scale = Math.min(280 / ((maxLon - minLon) * squash || 1e-3), 160 / (maxLat - minLat || 1e-3));
  const xy = (/** @type {[number, number]} */ [lat, lon]) => [20 + (lon - minLon) * squash * scale, 180 - (lat - minLat) * scale];
  const path = known.map((p) => xy(p).map((n) => n.toFixed(1)).join(",")).join(" ");
  svg.append(h("svg:polyline", { points: path, fill: "none", stroke: "#17803d", "stroke-width": "3", "stroke-linejoin": "round", "stroke-dasharray": "6 4" }));
  points.forEach((p, i) => {
    if (!p) return;
    const [x, y] = xy(p);
    const isStation = /station|depot|unload|start|end/.test(String(stops[i].kind || ""));
    svg.append(isStation
      ? h("svg:rect", { x: String(x - 9), y: String(y - 9), width: "18", height: "18", rx: "3", fill: "#1d4ed8" })
      : h("svg:circle", { cx: String(x), cy: String(y), r: "10", fill: "#17803d" }));
    svg.append(h("svg:text", { x: String(x), y: String(y + 4), "text-anchor": "middle", "font-size": "11", fill: "#fff", "font-weight": "700", text: String(i + 1) }));
  });
  return svg;
}

/** A delivery received at a station: lines with net weight and bag count. */
function deliveryCard(/** @type {any} */ d) {
  return h("article", { class: "card", testid: "delivery", "data-delivery-id": String(d.station_delivery_id) },
    h("div", { class: "row-between" }, h("strong", { text: `#${d.station_delivery_id}` }), d.status ? pill(d.status, statusLabel(d.status)) : null),
    d.received_at ? h("p", { class: "muted", text: dateTime(d.received_at) }) : null,
    h("ul", { class: "lines" }, (d.lines || []).map((/** @type {any} */ l) => h("li", {},
      h("span", { text: `${l.material} ${l.grade} · ${t("bags_n", { n: (l.tag_codes || []).length })}` }),
      h("strong", { text: weight(l.net_grams) })))));
}

/**
 * Drop-off: a collector sees the stations and the deliveries recorded for them; station
 * staff record a collector's delivery (net grams per material, every bag's tag scanned).
 * @param {Ctx} ctx
 */
export async function dropoff(ctx) {
  ctx.title(t(ctx.role === "station" ? "receive_title" : "dropoff_title"));
  mount(ctx.view, loading());
  const [stations, deliveries, catalogue] = await Promise.all([
    ctx.role !== "station" && ctx.api.has("listStations") ? ctx.api.run("listStations").then(listOf) : [],
    ctx.api.has("listStationDeliveries") ? ctx.api.run("listStationDeliveries").then(listOf) : [],
    materials(ctx.api),
  ]);
  const choices = { material: catalogue.map((m) => /** @type {[string, string]} */ ([m.code, materialName(m)])) };
  mount(ctx.view, h("div", { class: "stack" },
    ctx.role === "station"
      ? h("section", { class: "card stack", testid: "receive-card" }, h("h2", { text: t("receive_title") }),
        operationForm(ctx, "createStationDelivery", { label: t("deliver"), testid: "submit-delivery", choices, done: () => {
          toast(t("delivered"), "ok");
          ctx.reload();
        } }))
      : null,
    stations.length ? h("section", { class: "card", testid: "stations" }, h("h2", { text: t("stations") }),
      h("ul", { class: "lines" }, stations.map((s) => h("li", {},
        h("span", { text: s.name }),
        h("span", { class: "muted", text: [s.code, s.opens && s.closes ? `${s.opens}–${s.closes}` : ""].filter(Boolean).join(" · ") }))))) : null,
    ctx.api.has("listStationDeliveries") ? h("h2", { text: t("deliveries") }) : notAvailable(["listStationDeliveries"]),
    deliveries.length ? deliveries.map(deliveryCard) : h("p", { class: "muted", text: t("no_deliveries") })));
}
