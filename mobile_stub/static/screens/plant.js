// @ts-check
/**
 * Plant screens: lots on offer, and one lot's live auction (polled every few seconds, time
 * left by the database clock) with bidding in ¥ and the bid history.
 */
import { clock, countdown, money, weight } from "../format.js";
import { materialName, statusLabel, t } from "../i18n.js";
import { h, loading, mount, notAvailable, pill, toast } from "../ui.js";
import { materials } from "./book.js";
import { listOf, operationForm } from "./generic.js";

/** @typedef {import("../app.js").Ctx} Ctx */

const LIVE_MS = 3_000;

/** The price to show: the current English price, else the start price. */
function price(/** @type {any} */ auction) {
  return auction.current_price_cents ?? auction.start_price_cents;
}

/** "PET bottles clear · 1,250 kg". */
async function lotTitle(/** @type {Ctx} */ ctx, /** @type {any} */ lot) {
  const m = (await materials(ctx.api)).find((x) => x.code === lot.material);
  return `${m ? materialName(m) : lot.material} ${lot.grade} · ${weight(lot.net_grams)}`;
}

/** @param {Ctx} ctx */
export async function lots(ctx) {
  ctx.title(t("lots"));
  if (!ctx.api.has("listLots")) return mount(ctx.view, notAvailable(ctx.api.missing(["listLots", "getLot", "placeBid"])));
  mount(ctx.view, loading());
  const list = listOf(await ctx.api.run("listLots"));
  if (!list.length) return mount(ctx.view, h("p", { class: "empty", testid: "no-lots", text: t("no_lots") }));
  const cards = await Promise.all(list.map(async (lot) => {
    const auction = lot.auction;
    return h("a", { class: "card lot-card", href: `#/lots/${lot.lot_id}`, testid: "lot-card", "data-lot-id": String(lot.lot_id) },
      h("div", { class: "row-between" }, h("strong", { text: t("lot_no", { id: lot.lot_id }) }),
        pill(auction?.phase || lot.status, statusLabel(auction?.phase || lot.status))),
      h("p", { text: await lotTitle(ctx, lot) }),
      lot.station ? h("p", { class: "muted", text: lot.station.name }) : null,
      auction ? h("p", { class: "row-between" },
        h("span", { class: "muted", text: auction.phase === "open" && auction.seconds_left > 0 ? t("closes_in", { t: countdown(new Date(Date.now() + auction.seconds_left * 1000).toISOString()) }) : "" }),
        h("strong", { text: money(price(auction)) })) : null);
  }));
  mount(ctx.view, h("div", { class: "stack" }, cards));
}

/** The live auction panel: price, my standing, minimum next bid, time left. */
function auctionPanel(/** @type {any} */ auction, /** @type {HTMLElement} */ clockEl) {
  const standing = auction.you_lead === true ? ["lead", t("you_lead")] : auction.your_max_cents ? ["outbid", t("outbid")] : null;
  return h("div", { class: "stack", testid: "auction", "data-phase": auction.phase },
    h("div", { class: "row-between" },
      h("p", { class: "big", testid: "best-bid", text: money(price(auction)) }),
      standing ? pill(standing[0], standing[1], "standing") : null),
    clockEl,
    h("dl", { class: "facts" },
      h("dt", { text: t("min_next_bid") }), h("dd", { testid: "min-next-bid", text: money(auction.min_next_bid_cents) }),
      h("dt", { text: t("bids") }), h("dd", { text: String(auction.bid_count ?? 0) }),
      auction.your_max_cents ? [h("dt", { text: t("your_max") }), h("dd", { text: money(auction.your_max_cents) })] : null,
      auction.has_reserve ? [h("dt", { text: t("reserve") }), h("dd", { text: auction.reserve_met ? "✓" : "✗" })] : null,
      auction.deposit_cents ? [h("dt", { text: t("deposit") }), h("dd", { text: money(auction.deposit_cents) })] : null),
    auction.award ? h("p", { class: "warning", testid: "award", text: auction.award.you_won ? t("you_won", { p: money(auction.award.price_cents ?? 0) }) : statusLabel(auction.award.status) }) : null);
}

/** One lot, refreshed every few seconds while open; the bid form keeps what was typed. */
export async function lotDetail(/** @type {Ctx} */ ctx, /** @type {string} */ id) {
  ctx.title(t("lot_no", { id }), "#/lots");
  if (!ctx.api.has("getLot")) return mount(ctx.view, notAvailable(ctx.api.missing(["getLot", "placeBid"])));
  const facts = h("section", { class: "card", testid: "lot" }, loading());
  const history = h("section", { class: "card", testid: "bid-history", hidden: true });
  const bidSection = h("section", { class: "card stack", testid: "bid-section", hidden: true });
  const clockEl = h("p", { class: "countdown", testid: "lot-countdown" });
  const params = { lot_id: id };
  let deadline = 0;
  let formFor = 0;
  const tick = () => {
    clockEl.textContent = deadline ? (countdown(new Date(deadline).toISOString()) ? t("closes_in", { t: countdown(new Date(deadline).toISOString()) }) : t("closed_at")) : "";
  };
  const draw = async () => {
    const lot = await ctx.api.run("getLot", { params });
    const auction = lot.auction;
    deadline = auction?.phase === "open" && typeof auction.seconds_left === "number" ? Date.now() + auction.seconds_left * 1000 : 0;
    mount(facts,
      h("div", { class: "row-between" }, h("h2", { text: t("lot_no", { id }) }), pill(lot.status, statusLabel(lot.status))),
      h("p", { text: await lotTitle(ctx, lot) }),
      h("p", { class: "muted", text: [lot.station?.name, t("bags_n", { n: lot.tag_count ?? 0 })].filter(Boolean).join(" · ") }),
      auction ? auctionPanel(auction, clockEl) : h("p", { class: "muted", text: t("no_auction") }));
    tick();
    // The form is drawn once per minimum price so typing survives the polling.
    const open = auction?.phase === "open" && ctx.api.has("placeBid");
    bidSection.hidden = !open;
    if (open && formFor !== auction.min_next_bid_cents) {
      formFor = auction.min_next_bid_cents;
      mount(bidSection, h("h2", { text: t("bid") }),
        operationForm(ctx, "placeBid", { label: t("bid"), testid: "place-bid", params, values: { max_amount_cents: auction.min_next_bid_cents }, done: async () => {
          toast(t("bid_placed"), "ok");
          formFor = 0;
          await draw();
        } }));
    }
    if (auction && ctx.api.has("listAuctionBids")) {
      const bids = listOf(await ctx.api.run("listAuctionBids", { params: { auction_id: auction.auction_id } }).catch(() => []));
      history.hidden = !bids.length;
      mount(history, h("h2", { text: t("bids") }), h("ol", { class: "lines" }, bids.slice(-8).reverse().map((/** @type {any} */ b) =>
        h("li", { class: b.is_yours ? "mine" : "" },
          h("span", { text: `${b.bidder}${b.is_yours ? ` (${t("you")})` : ""}` }),
          h("span", { class: "muted", text: b.placed_at ? clock(b.placed_at) : "" }),
          h("strong", { text: typeof b.price_after_cents === "number" ? money(b.price_after_cents) : "—" })))));
    }
  };
  mount(ctx.view, h("div", { class: "stack" }, facts, bidSection, history));
  await draw();
  const live = setInterval(() => {
    if (document.visibilityState === "visible") draw().catch(() => {});
  }, LIVE_MS);
  const seconds = setInterval(tick, 1000);
  ctx.onLeave(() => {
    clearInterval(live);
    clearInterval(seconds);
  });
}
