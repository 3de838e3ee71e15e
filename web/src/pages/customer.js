// One customer: classes with reasons and strategies, main features, scores, class history,
// overrides on this customer and the form to propose one.
import { api } from "../api.js";
import { h, mount, link } from "../dom.js";
import { t } from "../i18n.js";
import { can } from "../state.js";
import * as f from "../fmt.js";
import { pageHeader, card, table, loading, figure, button, field, select, errorBox, badge, empty } from "../ui.js";
import { currentSnapshot, schemesOf } from "./common.js";

const MAIN = [
  ["revenue_12m", "money"], ["orders_12m", "num"], ["recency_days", "num"], ["tenure_days", "num"],
  ["avg_order_value", "money"], ["monetary_total", "money"], ["margin", "pct"], ["region", "text"], ["industry", "text"],
];
const TIMELINE = ["abc", "lifecycle", "composite", "value", "credit", "sales_loyalty", "rfm_segments"];

export async function customerPage(main, args) {
  const id = args[0];
  mount(main, pageHeader(t("customer.title")), loading());
  const snap = await currentSnapshot();
  let c;
  try {
    c = await api.get("/customers/" + encodeURIComponent(id), { snapshot: snap && snap.snapshot_id });
  } catch (err) {
    if (err.status === 404) {
      return mount(main, pageHeader(t("customer.title")), empty(t("customer.not_found", { id }), t("customer.not_found_hint")));
    }
    throw err;
  }
  const schemes = await schemesOf(snap.snapshot_id);
  const byName = Object.fromEntries(schemes.map((s) => [s.name, s]));
  const labelOf = (scheme, key) => {
    const s = byName[scheme];
    const x = s && s.classes.find((k) => k.key === key);
    return x ? x.label : key;
  };
  const fmtValue = (kind, v) => (kind === "money" ? f.money(v) : kind === "num" ? f.num(v, 1) : kind === "pct" ? f.pct(v) : v ?? "—");
  const features = h(
    "dl",
    { class: "facts" },
    MAIN.filter(([k]) => k in c.features).map(([k, kind]) => [h("dt", {}, t("feature." + k)), h("dd", {}, fmtValue(kind, c.features[k]))]),
  );
  const scores = h(
    "div",
    { class: "figures" },
    figure(t("customer.p_alive"), f.pct(c.scores.p_alive), t("customer.p_alive_note"), "fig-p-alive"),
    figure(t("customer.clv"), f.money(c.scores.clv_12m), t("customer.clv_note"), "fig-clv"),
    figure(t("customer.owner"), c.owner || "—"),
  );
  const classRows = c.classes;
  const classTable = table(
    [
      { title: t("customer.scheme"), cell: (r) => r.scheme_label },
      { title: t("customer.class"), cell: (r) => h("span", {}, r.class_label, r.override_id ? [" ", badge(t("customer.overridden"), "warn")] : null) },
      { title: t("customer.reason"), cell: (r) => r.reason || "—" },
      { title: t("customer.strategy"), cell: (r) => r.strategy || "—" },
    ],
    classRows,
    { testid: "customer-classes" },
  );
  const shown = TIMELINE.filter((s) => byName[s]);
  const history = c.history;
  const timeline = history.length
    ? table(
        [
          { title: t("customer.scheme"), cell: (s) => byName[s].label },
          ...history.map((point, i) => ({
            title: f.date(point.as_of),
            cell: (s) => {
              const key = point.classes[s];
              const before = i > 0 ? history[i - 1].classes[s] : key;
              return h("span", { class: key !== before ? "changed" : "" }, key ? labelOf(s, key) : "—");
            },
          })),
        ],
        shown,
        { testid: "timeline" },
      )
    : empty(t("customer.no_history"));
  const overridesBox = h("div", {}, loading());
  const reload = () => loadOverrides(overridesBox, c.customer_id, labelOf, byName);
  reload();
  const proposal = can("propose_override") ? proposeForm(c, schemes, reload) : null;
  mount(
    main,
    pageHeader(
      c.name || c.customer_id,
      t("customer.subtitle", { id: c.customer_id, date: f.date(snap.as_of) }),
      h("a", { class: "btn ghost", href: link("/customers") }, t("customer.back")),
    ),
    scores,
    h("div", { class: "grid two" }, card(t("customer.features"), features), card(t("customer.history"), history.length > 1 ? h("p", { class: "hint" }, t("customer.history_help")) : null, timeline)),
    card(t("customer.classes"), classTable),
    card(t("customer.overrides"), overridesBox, proposal),
  );
}

async function loadOverrides(box, customerId, labelOf, byName) {
  try {
    const list = await api.get("/overrides", { customer_id: customerId, status: "all", limit: 100 });
    if (!list.items.length) return mount(box, h("p", { class: "hint" }, t("customer.no_overrides")));
    mount(
      box,
      table(
        [
          { title: t("customer.scheme"), cell: (o) => (byName[o.scheme] ? byName[o.scheme].label : o.scheme) },
          { title: t("customer.class"), cell: (o) => labelOf(o.scheme, o.class_key) },
          { title: t("override.status"), cell: (o) => badge(t("status." + o.status), o.status) },
          { title: t("customer.reason"), cell: (o) => o.reason },
          { title: t("override.by"), cell: (o) => o.created_by + (o.decided_by ? " → " + o.decided_by : "") },
          { title: t("override.expires"), cell: (o) => f.date(o.expires_on) },
        ],
        list.items,
        { testid: "customer-overrides" },
      ),
    );
  } catch (err) {
    mount(box, errorBox(err));
  }
}

function proposeForm(c, schemes, reload) {
  const schemeSel = select(schemes.map((s) => [s.name, s.label]), schemes[0].name, (v) => fill(v), { "data-testid": "override-scheme", required: true });
  const classSel = h("select", { "data-testid": "override-class", required: true });
  const byName = Object.fromEntries(schemes.map((s) => [s.name, s]));
  const fill = (name) => mount(classSel, byName[name].classes.map((x) => h("option", { value: x.key }, x.label)));
  fill(schemes[0].name);
  const reason = h("textarea", { rows: 2, required: true, maxlength: 2000, "data-testid": "override-reason" });
  const expires = h("input", { type: "date", required: true, "data-testid": "override-expires" });
  const status = h("div", { role: "status" });
  return h(
    "form",
    {
      class: "propose",
      onsubmit: async (e) => {
        e.preventDefault();
        if (!reason.value.trim() || !expires.value) return mount(status, errorBox({ message: t("override.required") }));
        try {
          const made = await api.post("/overrides", {
            customer_id: c.customer_id,
            scheme: schemeSel.value,
            class_key: classSel.value,
            reason: reason.value.trim(),
            expires_on: expires.value,
          });
          mount(status, h("p", { class: "ok" }, t(made.status === "pending" ? "override.proposed_pending" : "override.proposed_active")));
          reason.value = "";
          reload();
        } catch (err) {
          mount(status, errorBox(err));
        }
      },
    },
    h("h3", {}, t("override.propose")),
    h("div", { class: "row wrap" }, field(t("customer.scheme"), schemeSel), field(t("customer.class"), classSel), field(t("override.expires"), expires)),
    field(t("override.reason"), reason, t("override.reason_help")),
    button(t("override.submit"), null, { type: "submit", kind: "primary", testid: "override-submit" }),
    status,
  );
}
