// @ts-check
/**
 * The app shell: reads the OpenAPI document, picks the screens for the signed-in role,
 * routes on the URL hash (#/bookings/12) and registers the service worker.
 */
import { Api } from "./api.js";
import { lang, t } from "./i18n.js";
import { account } from "./screens/account.js";
import { dropoff, jobDetail, jobs, routeToday } from "./screens/collector.js";
import { login } from "./screens/login.js";
import { lotDetail, lots } from "./screens/plant.js";
import { book } from "./screens/book.js";
import { bookingDetail, bookingList } from "./screens/resident.js";
import { h, icon, mount, toast } from "./ui.js";

/**
 * What every screen receives.
 * @typedef {object} Ctx
 * @property {Api} api
 * @property {HTMLElement} view               the screen's own container
 * @property {string} role                    the signed-in role ("" when signed out)
 * @property {(title: string, back?: string) => void} title  set the app bar (with a back link)
 * @property {(hash: string) => void} go      navigate
 * @property {(cleanup: () => void) => void} onLeave  run when the screen is left (timers)
 * @property {() => void} reload              draw the current screen again (after a role change)
 */

/** @typedef {(ctx: Ctx, ...params: string[]) => Promise<void> | void} Screen */

/** @type {[RegExp, string, Screen][]} pattern, name, screen */
const ROUTES = [
  [/^#\/login$/, "login", login],
  [/^#\/book$/, "book", book],
  [/^#\/bookings$/, "bookings", bookingList],
  [/^#\/bookings\/(\d+)$/, "booking", bookingDetail],
  [/^#\/jobs$/, "jobs", jobs],
  [/^#\/jobs\/(\d+)$/, "job", jobDetail],
  [/^#\/route$/, "route", routeToday],
  [/^#\/dropoff$/, "dropoff", dropoff],
  [/^#\/lots$/, "lots", lots],
  [/^#\/lots\/(\d+)$/, "lot", lotDetail],
  [/^#\/me$/, "me", account],
];

/** Bottom tabs per role: [hash, label key, icon]. */
const TABS = {
  resident: [["#/book", "tab_book", "plus"], ["#/bookings", "tab_bookings", "list"], ["#/me", "tab_me", "user"]],
  collector: [["#/jobs", "tab_jobs", "jobs"], ["#/route", "tab_route", "route"], ["#/dropoff", "tab_dropoff", "station"], ["#/me", "tab_me", "user"]],
  plant: [["#/lots", "tab_lots", "lots"], ["#/me", "tab_me", "user"]],
  station: [["#/dropoff", "tab_receive", "station"], ["#/lots", "tab_lots", "lots"], ["#/me", "tab_me", "user"]],
};

const HOME = { resident: "#/book", collector: "#/jobs", plant: "#/lots", station: "#/dropoff" };

const api = new Api();
const main = /** @type {HTMLElement} */ (document.getElementById("view"));
const titleEl = /** @type {HTMLElement} */ (document.getElementById("title"));
const backEl = /** @type {HTMLAnchorElement} */ (document.getElementById("back"));
const tabsEl = /** @type {HTMLElement} */ (document.getElementById("tabs"));
/** @type {(() => void)[]} */
let cleanups = [];

function role() {
  return api.tokens?.role || "";
}

function home() {
  return /** @type {Record<string, string>} */ (HOME)[role()] || "#/me";
}

function renderTabs(/** @type {string} */ hash) {
  const tabs = /** @type {Record<string, any[][]>} */ (TABS)[role()] || (role() ? [["#/me", "tab_me", "user"]] : []);
  tabsEl.hidden = tabs.length === 0;
  mount(tabsEl, tabs.map(([href, key, name]) =>
    h("a", { href, class: "tab", testid: `tab-${href.slice(2)}`, "aria-current": hash === href || hash.startsWith(`${href}/`) ? "page" : undefined },
      icon(name), h("span", { text: t(key) }))));
}

async function render() {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
  let hash = location.hash || "";
  if (!api.tokens && hash !== "#/login") hash = "#/login";
  else if (api.tokens && (hash === "" || hash === "#/" || hash === "#/login")) hash = home();
  if (hash !== location.hash) {
    history.replaceState(null, "", hash);
  }
  const match = ROUTES.map(([re, name, screen]) => [re.exec(hash), name, screen]).find(([m]) => m);
  const [params, name, screen] = /** @type {[RegExpExecArray, string, Screen]} */ (match || [[""], "me", account]);
  renderTabs(hash);
  const view = h("section", { class: "screen", "data-screen": name, testid: `screen-${name}` });
  mount(main, view);
  /** @type {Ctx} */
  const ctx = {
    api,
    view,
    role: role(),
    title(text, back) {
      titleEl.textContent = text;
      document.title = `${text} · ${t("app_name")}`;
      backEl.hidden = !back;
      if (back) backEl.href = back;
    },
    go: (target) => {
      location.hash = target;
    },
    onLeave: (fn) => cleanups.push(fn),
    reload: () => {
      render();
    },
  };
  ctx.title(t("app_name"));
  try {
    await screen(ctx, ...params.slice(1));
    view.dataset.state = "ready";
  } catch (error) {
    view.dataset.state = "error";
    mount(view, h("div", { class: "card form-error", role: "alert", testid: "screen-error" },
      h("strong", { text: /** @type {Error} */ (error).message || t("offline") }),
      h("button", { class: "btn", text: t("retry"), onclick: render })));
  }
}

async function start() {
  document.documentElement.lang = lang;
  backEl.setAttribute("aria-label", t("back"));
  try {
    await api.load();
  } catch {
    mount(main, h("div", { class: "card form-error", role: "alert", testid: "offline" },
      h("strong", { text: t("offline") }), h("button", { class: "btn", text: t("retry"), onclick: start })));
    return;
  }
  api.addEventListener("signedout", () => {
    toast(t("signed_out"), "error");
    location.hash = "#/login";
  });
  window.addEventListener("hashchange", render);
  await render();
  document.body.dataset.app = "ready";
}

if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(() => {});
}

start();
