// @ts-check
/** Sign in by phone code: POST /api/auth/codes, then POST /api/auth/tokens (phone_code). */
import { t } from "../i18n.js";
import { busy, field, h, mount } from "../ui.js";

/** E.164 from what people type: 11 mainland digits get +86, spaces and dashes go. */
export function toE164(/** @type {string} */ typed) {
  const compact = typed.replace(/[\s-]/g, "");
  if (/^1\d{10}$/.test(compact)) return `+86${compact}`;
  return compact;
}

/** @param {import("../app.js").Ctx} ctx */
export async function login(ctx) {
  ctx.title(t("login_title"));
  const phoneInput = h("input", { type: "tel", inputmode: "tel", autocomplete: "tel", placeholder: "+86 138 1234 5678", testid: "phone" });
  const codeInput = h("input", { type: "text", inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6", pattern: "\\d{6}", placeholder: "••••••", testid: "code", class: "code-input" });
  const sendButton = /** @type {HTMLButtonElement} */ (h("button", { type: "submit", class: "btn btn-primary", text: t("send_code"), testid: "send-code" }));
  const signInButton = h("button", { type: "submit", class: "btn btn-primary", text: t("sign_in"), testid: "sign-in" });
  const sentNote = h("p", { class: "hint", testid: "code-sent" });
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let timer;
  ctx.onLeave(() => clearInterval(timer));

  const codeForm = h("form", { class: "stack", novalidate: true, hidden: true },
    sentNote, field({ name: "code", label: t("code"), control: codeInput }), signInButton);
  const phoneForm = h("form", { class: "stack", novalidate: true },
    field({ name: "phone", label: t("phone"), control: phoneInput }), sendButton);

  const waitToResend = (/** @type {number} */ seconds) => {
    clearInterval(timer);
    let left = seconds;
    const tick = () => {
      sendButton.disabled = left > 0;
      sendButton.textContent = left > 0 ? t("resend_in", { s: left }) : t("send_code");
      left -= 1;
      if (left < 0) clearInterval(timer);
    };
    tick();
    if (seconds > 0) timer = setInterval(tick, 1000);
  };

  phoneForm.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(sendButton, async () => {
      const phone = toE164(/** @type {HTMLInputElement} */ (phoneInput).value);
      const sent = await ctx.api.requestCode(phone);
      codeForm.hidden = false;
      sentNote.textContent = t("code_sent", { phone: sent.phone });
      codeForm.dataset.phone = sent.phone;
      codeInput.focus();
      waitToResend(sent.resend_after || 0);
    }, phoneForm);
  });

  codeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(signInButton, async () => {
      const code = /** @type {HTMLInputElement} */ (codeInput).value.trim();
      await ctx.api.signIn(codeForm.dataset.phone || "", code);
      ctx.go("#/");
    }, codeForm);
  });

  mount(ctx.view,
    h("div", { class: "hero" },
      h("img", { src: "/app/icons/icon.svg", alt: "", width: "72", height: "72" }),
      h("h1", { text: t("app_name") }),
      h("p", { text: t("login_intro") })),
    h("div", { class: "card" }, phoneForm, codeForm));
}
