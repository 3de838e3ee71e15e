// The dashboard: shell (navigation, language, user), hash router, login.
import { api, ApiError } from "./api.js";
import { h, mount } from "./dom.js";
import { t } from "./i18n.js";
import { state, setToken, setMe, setLang, can } from "./state.js";
import { disposeCharts } from "./charts.js";
import { errorBox, button, field, pageHeader } from "./ui.js";
import { overviewPage } from "./pages/overview.js";
import { schemePage } from "./pages/scheme.js";
import { customersPage } from "./pages/customers.js";
import { customerPage } from "./pages/customer.js";
import { movementPage } from "./pages/movement.js";
import { workPage } from "./pages/work.js";
import { governancePage } from "./pages/governance.js";
import { dataPage } from "./pages/data.js";

const NAV = [
  { route: "overview", label: "nav.overview", allowed: () => true },
  { route: "customers", label: "nav.customers", allowed: () => can("read_customers") },
  { route: "movement", label: "nav.movement", allowed: () => true },
  { route: "work", label: "nav.work", allowed: () => can("read_customers") },
  {
    route: "governance",
    label: "nav.governance",
    allowed: () => can("decide_override") || can("propose_override") || can("read_audit") || can("manage_users"),
  },
  { route: "data", label: "nav.data", allowed: () => can("read_all_customers") },
];

const PAGES = {
  overview: overviewPage,
  scheme: schemePage,
  customers: customersPage,
  customer: customerPage,
  movement: movementPage,
  work: workPage,
  governance: governancePage,
  data: dataPage,
};

const root = document.getElementById("app");

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, query] = raw.split("?");
  const parts = (path || "overview").split("/").map((p) => decodeURIComponent(p));
  return { route: parts[0] || "overview", args: parts.slice(1), query: new URLSearchParams(query || "") };
}

state.onExpired = () => {
  setToken(null);
  setMe(null);
  render();
};

async function render() {
  disposeCharts();
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  if (!state.token) return renderLogin();
  if (!state.me) {
    try {
      setMe(await api.get("/auth/me"));
      document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    } catch (err) {
      setToken(null);
      return renderLogin(err instanceof ApiError && err.status !== 401 ? err : null);
    }
  }
  const { route, args, query } = parseHash();
  const page = PAGES[route];
  const nav = NAV.find((n) => n.route === route);
  const main = h("main", { id: "main", tabindex: "-1" });
  mount(root, shell(route), main);
  document.title = (nav ? t(nav.label) : t("app.title")) + " · custseg";
  if (!page || (nav && !nav.allowed())) {
    mount(main, pageHeader(t("error.not_found")), errorBox(new ApiError(404, { message: t("error.no_page"), hint: t("error.no_page_hint") })));
    return;
  }
  try {
    await page(main, args, query);
  } catch (err) {
    mount(main, pageHeader(t("error.generic")), errorBox(err));
  }
}

function shell(current) {
  const me = state.me;
  const links = NAV.filter((n) => n.allowed()).map((n) =>
    h("a", { href: "#/" + n.route, class: n.route === current ? "active" : "", "aria-current": n.route === current ? "page" : null }, t(n.label)),
  );
  return h(
    "div",
    { class: "topbar" },
    h("a", { class: "skip", href: "#main", onclick: (e) => { e.preventDefault(); document.getElementById("main").focus(); } }, t("app.skip")),
    h("a", { class: "brand", href: "#/overview" }, h("img", { src: "/static/favicon.svg", alt: "", width: 24, height: 24 }), h("span", {}, t("app.title"))),
    h("nav", { "aria-label": t("nav.label") }, links),
    h(
      "div",
      { class: "who" },
      langButton(),
      h("span", { class: "user", "data-testid": "user" }, me.name, " · ", t("role." + me.role)),
      button(t("app.logout"), logout, { kind: "ghost", testid: "logout" }),
    ),
  );
}

function langButton() {
  const other = state.lang === "zh" ? "en" : "zh";
  return h(
    "button",
    {
      type: "button",
      class: "btn ghost lang",
      "data-testid": "lang",
      lang: other === "zh" ? "zh-CN" : "en",
      "aria-label": t("app.switch_language"),
      onclick: () => {
        setLang(other);
        render();
      },
    },
    other === "zh" ? "中文" : "English",
  );
}

async function logout() {
  try {
    await api.post("/auth/logout");
  } catch (_) {
    /* the token may be expired already */
  }
  setToken(null);
  setMe(null);
  location.hash = "#/overview";
  render();
}

function renderLogin(problem) {
  const user = h("input", { name: "username", autocomplete: "username", required: true, "data-testid": "login-user" });
  const pass = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true, "data-testid": "login-password" });
  const message = h("div", { class: "login-message" }, problem ? errorBox(problem) : null);
  const form = h(
    "form",
    {
      class: "login card",
      onsubmit: async (e) => {
        e.preventDefault();
        const body = new URLSearchParams({ username: user.value, password: pass.value });
        try {
          const reply = await fetch("/api/v1/auth/token?lang=" + state.lang, { method: "POST", body });
          const data = await reply.json();
          if (!reply.ok) throw new ApiError(reply.status, data);
          setToken(data.access_token);
          await render();
        } catch (err) {
          mount(message, errorBox(err));
        }
      },
    },
    h("h1", {}, t("app.title")),
    h("p", { class: "subtitle" }, t("login.intro")),
    field(t("login.user"), user),
    field(t("login.password"), pass),
    h("div", { class: "row" }, button(t("login.submit"), null, { type: "submit", kind: "primary", testid: "login-submit" }), langButtonLogin()),
    message,
  );
  mount(root, h("div", { class: "login-page" }, form));
  user.focus();
}

function langButtonLogin() {
  const other = state.lang === "zh" ? "en" : "zh";
  return button(other === "zh" ? "中文" : "English", () => {
    setLang(other);
    renderLogin();
  }, { kind: "ghost", testid: "lang" });
}

window.addEventListener("hashchange", render);
render();
