// @ts-check
/** Me: who is signed in, the wallet (pickup payments land here), the collector profile. */
import { byName, dateTime, money } from "../format.js";
import { lang, statusLabel, t } from "../i18n.js";
import { describe, h, loading, mount, pill } from "../ui.js";

/** @typedef {import("../app.js").Ctx} Ctx */

/** The answer of an optional operation, null when the spec lacks it, the error when it fails. */
async function optional(/** @type {Ctx} */ ctx, /** @type {any} */ name) {
  if (!ctx.api.has(name)) return null;
  return ctx.api.run(name).catch((/** @type {Error} */ error) => error);
}

/** The wallet: balance, what may be withdrawn, the latest entries. */
function walletCard(/** @type {any} */ wallet) {
  if (!wallet) return null;
  if (wallet instanceof Error) {
    return h("section", { class: "card", testid: "wallet" }, h("h2", { text: t("wallet") }), h("p", { class: "muted", text: wallet.message }));
  }
  const entries = Array.isArray(wallet.entries) ? wallet.entries : [];
  return h("section", { class: "card", testid: "wallet" },
    h("h2", { text: t("wallet") }),
    h("p", { class: "total" }, h("span", { text: t("wallet_balance") }), h("strong", { testid: "wallet-balance", text: money(wallet.balance_cents ?? 0) })),
    typeof wallet.available_cents === "number"
      ? h("p", { class: "row-between muted" }, h("span", { text: t("wallet_available") }), h("span", { text: money(wallet.available_cents) }))
      : null,
    h("h3", { class: "subhead", text: t("wallet_entries") }),
    entries.length
      ? h("ul", { class: "lines", testid: "wallet-entries" }, entries.map((/** @type {any} */ e) => h("li", { "data-kind": e.kind },
        h("span", { text: statusLabel(e.kind || "") }),
        h("span", { class: "muted", text: [e.created_at ? dateTime(e.created_at) : "", e.reference || ""].filter(Boolean).join(" · ") }),
        h("strong", { text: byName("amount_cents", e.amount_cents) }))))
      : h("p", { class: "muted", text: t("no_entries") }));
}

/** @param {Ctx} ctx */
export async function account(ctx) {
  ctx.title(t("account"));
  mount(ctx.view, loading());
  const [me, wallet, profile] = await Promise.all([
    ctx.api.me(),
    ["resident", "collector"].includes(ctx.role) ? optional(ctx, "getWalletMe") : null,
    ctx.role === "collector" ? optional(ctx, "getCollectorMe") : ctx.role === "plant" ? optional(ctx, "getPlantMe") : null,
  ]);
  const signOut = h("button", { type: "button", class: "btn btn-danger-outline", text: t("sign_out"), testid: "sign-out", onclick: async () => {
    await ctx.api.signOut().catch(() => {});
    ctx.go("#/login");
  } });
  mount(ctx.view, h("div", { class: "stack" },
    h("section", { class: "card", testid: "me" },
      h("div", { class: "row-between" }, h("h2", { text: me.display_name || `#${me.user_id}` }), pill(me.role, statusLabel(me.role), "role")),
      h("dl", { class: "facts" }, h("dt", { text: t("language") }), h("dd", { text: lang }))),
    walletCard(wallet),
    profile && !(profile instanceof Error)
      ? h("section", { class: "card", testid: `${ctx.role}-me` },
        h("div", { class: "row-between" }, h("h2", { text: profile.company_name || t(ctx.role) }), pill(profile.status, statusLabel(profile.status))),
        profile.status_reason ? h("p", { class: "warning", text: profile.status_reason }) : null,
        describe(profile, ["status", "status_reason", "collector_id", "plant_id", "company_name", "version", "home_latitude", "home_longitude"]))
      : null,
    signOut));
}
