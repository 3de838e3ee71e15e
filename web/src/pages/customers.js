// Customers: search, sort, page, filter by the classes of any schemes at once, export.
import { api, download } from "../api.js";
import { h, mount, link } from "../dom.js";
import { t } from "../i18n.js";
import * as f from "../fmt.js";
import { pageHeader, card, table, loading, empty, button, field, select, errorBox } from "../ui.js";
import { currentSnapshot, schemesOf, noSnapshot } from "./common.js";
import { can } from "../state.js";

const PAGE = 25;
const SORTS = ["customer_id", "name", "revenue_12m", "recency_days", "orders_12m", "clv_12m", "p_alive"];
const SHOWN = ["abc", "lifecycle", "composite"];

export async function customersPage(main, _args, query) {
  mount(main, pageHeader(t("nav.customers")), loading());
  const snap = await currentSnapshot();
  if (!snap) return mount(main, pageHeader(t("nav.customers")), noSnapshot(can("run")));
  const schemes = await schemesOf(snap.snapshot_id);
  const byName = Object.fromEntries(schemes.map((s) => [s.name, s]));
  const filters = query.getAll("class").filter((c) => byName[c.split(":")[0]]);
  const q = query.get("q") || "";
  const sort = SORTS.includes(query.get("sort")) ? query.get("sort") : "customer_id";
  const desc = query.get("desc") === "1";
  const page = Math.max(0, parseInt(query.get("page") || "0", 10) || 0);
  const go = (changes) => {
    const next = { class: filters, q, sort, desc: desc ? "1" : "", page: 0, ...changes };
    location.hash = link("/customers", next);
  };
  const params = { snapshot: snap.snapshot_id, class: filters, q, sort, desc: desc ? "true" : "false" };
  let body;
  try {
    body = await api.get("/customers", { ...params, offset: page * PAGE, limit: PAGE });
  } catch (err) {
    body = null;
    mount(main, pageHeader(t("nav.customers")), errorBox(err));
    return;
  }
  const labelOfClass = (scheme, key) => {
    const s = byName[scheme];
    const c = s && s.classes.find((x) => x.key === key);
    return c ? c.label : key;
  };
  const chips = h(
    "ul",
    { class: "chips", "aria-label": t("customers.active_filters") },
    filters.map((fv) => {
      const [s, k] = fv.split(":");
      return h(
        "li",
        { class: "chip", "data-testid": "filter-chip" },
        byName[s].label + ": " + labelOfClass(s, k),
        h("button", { type: "button", class: "chip-x", "aria-label": t("customers.remove_filter"), onclick: () => go({ class: filters.filter((x) => x !== fv) }) }, "×"),
      );
    }),
  );
  const schemeSel = select(schemes.map((s) => [s.name, s.label]), schemes[0] && schemes[0].name, (v) => fillClasses(v), { "data-testid": "filter-scheme" });
  const classSel = h("select", { "data-testid": "filter-class" });
  const fillClasses = (name) => mount(classSel, byName[name].classes.map((c) => h("option", { value: c.key }, c.label)));
  if (schemes[0]) fillClasses(schemes[0].name);
  const addFilter = h(
    "form",
    {
      class: "row wrap",
      onsubmit: (e) => {
        e.preventDefault();
        const value = schemeSel.value + ":" + classSel.value;
        if (!filters.includes(value)) go({ class: [...filters, value] });
      },
    },
    field(t("customers.scheme"), schemeSel),
    field(t("customers.class"), classSel),
    button(t("customers.add_filter"), null, { type: "submit", testid: "filter-add" }),
  );
  const search = h("input", { type: "search", value: q, placeholder: t("customers.search_placeholder"), "data-testid": "search" });
  const searchForm = h(
    "form",
    { class: "row wrap", onsubmit: (e) => { e.preventDefault(); go({ q: search.value.trim() }); } },
    field(t("customers.search"), search),
    field(t("customers.sort"), select(SORTS.map((s) => [s, t("feature." + s)]), sort, (v) => go({ sort: v }), { "data-testid": "sort" })),
    field(t("customers.order"), select([["0", t("customers.ascending")], ["1", t("customers.descending")]], desc ? "1" : "0", (v) => go({ desc: v === "1" ? "1" : "" }))),
    button(t("customers.search_button"), null, { type: "submit" }),
  );
  const exportStatus = h("span", { class: "hint", role: "status" });
  const exportAs = (format) => async () => {
    mount(exportStatus, t("customers.exporting"));
    try {
      await download("/exports/customers/filtered", { ...params, format });
      mount(exportStatus, t("customers.exported", { n: f.num(body.total) }));
    } catch (err) {
      mount(exportStatus, errorBox(err));
    }
  };
  const shown = SHOWN.filter((s) => byName[s]);
  const columns = [
    { title: t("feature.customer_id"), cell: (r) => h("a", { href: link("/customer/" + encodeURIComponent(r.customer_id)) }, r.customer_id) },
    { title: t("feature.name"), cell: (r) => r.name || "—" },
    { title: t("feature.owner"), cell: (r) => r.owner || "—" },
    { title: t("feature.revenue_12m"), num: true, cell: (r) => f.money(r.revenue_12m) },
    { title: t("feature.recency_days"), num: true, cell: (r) => f.num(r.recency_days) },
    ...shown.map((s) => ({ title: byName[s].label, cell: (r) => (r.classes[s] ? r.classes[s].label : "—") })),
  ];
  const pages = Math.max(1, Math.ceil(body.total / PAGE));
  const pager = h(
    "div",
    { class: "row pager" },
    button(t("common.previous"), () => go({ page: page - 1 }), { disabled: page <= 0 ? true : null }),
    h("span", {}, t("common.page_of", { page: f.num(page + 1), pages: f.num(pages) })),
    button(t("common.next"), () => go({ page: page + 1 }), { disabled: page + 1 >= pages ? true : null }),
  );
  mount(
    main,
    pageHeader(
      t("nav.customers"),
      t("customers.subtitle", { n: f.num(body.total), date: f.date(snap.as_of) }),
      button(t("customers.export_xlsx"), exportAs("xlsx"), { testid: "export-xlsx" }),
      button(t("customers.export_csv"), exportAs("csv"), { testid: "export-csv" }),
      exportStatus,
    ),
    card(t("customers.filters"), searchForm, addFilter, filters.length ? chips : h("p", { class: "hint" }, t("customers.no_filters"))),
    card(
      null,
      h("p", { class: "count", "data-testid": "result-count" }, t("customers.count", { n: f.num(body.total) })),
      body.items.length ? table(columns, body.items, { testid: "customer-table" }) : empty(t("customers.none"), t("customers.none_hint")),
      body.items.length ? pager : null,
    ),
  );
}
