// Overview: headline figures of a snapshot and one card per scheme with its class bars.
import { api } from "../api.js";
import { h, mount, link } from "../dom.js";
import { t } from "../i18n.js";
import { can } from "../state.js";
import * as f from "../fmt.js";
import { pageHeader, card, figure, classBars, loading, empty } from "../ui.js";
import { snapshots, currentSnapshot, snapshotPicker, noSnapshot } from "./common.js";

export async function overviewPage(main) {
  mount(main, pageHeader(t("nav.overview")), loading());
  const snap = await currentSnapshot();
  if (!snap) return mount(main, pageHeader(t("nav.overview")), noSnapshot(can("run")));
  const [all, data] = await Promise.all([snapshots(), api.get("/overview", { snapshot: snap.snapshot_id })]);
  const alerts = figure(
    t("overview.alerts"),
    can("read_customers") ? h("span", { class: "pending-value", "aria-label": t("common.loading") }, "…") : "—",
    t("overview.alerts_note"),
    "fig-alerts",
  );
  const findings = data.findings
    ? Object.values(data.findings).reduce((a, b) => a + b, 0)
    : null;
  const figures = h(
    "div",
    { class: "figures" },
    figure(t("overview.customers"), f.num(data.customers), null, "fig-customers"),
    data.own_customers === null || data.own_customers === undefined
      ? null
      : figure(t("overview.own"), h("a", { href: "#/customers" }, f.num(data.own_customers)), t("overview.own_note"), "fig-own"),
    figure(t("overview.buying"), f.num(data.buying_12m), f.pct(data.customers ? data.buying_12m / data.customers : 0), "fig-buying"),
    figure(t("overview.revenue"), f.compactMoney(data.revenue_12m), t("overview.revenue_note"), "fig-revenue"),
    figure(t("overview.a_share"), f.pct(data.a_revenue_share), t("overview.a_share_note"), "fig-a-share"),
    alerts,
    figure(t("overview.pending"), data.pending_overrides === null ? "—" : f.num(data.pending_overrides), null, "fig-pending"),
    figure(t("overview.findings"), findings === null ? "—" : f.num(findings), findings ? levelsText(data.findings) : t("overview.findings_none"), "fig-findings"),
  );
  const cards = data.schemes.map((s) =>
    h(
      "section",
      { class: "card scheme-card", "data-testid": "scheme-card" },
      h("h2", {}, h("a", { href: link("/scheme/" + encodeURIComponent(s.name)) }, s.label)),
      classBars(
        s.classes.map((c) => ({ ...c, text: f.num(c.customers) + " · " + f.pct(c.share, 0) })),
        can("read_customers") ? (c) => link("/customers", { class: s.name + ":" + c.key }) : null,
      ),
    ),
  );
  const skipped = data.skipped.length
    ? card(
        t("overview.skipped"),
        h("ul", { class: "plain" }, data.skipped.map((s) => h("li", {}, h("strong", {}, s.label), " — ", s.reason))),
      )
    : null;
  mount(
    main,
    pageHeader(
      t("nav.overview"),
      t("overview.subtitle", { date: f.date(data.as_of), n: f.num(data.customers) }),
      snapshotPicker(all, snap),
    ),
    figures,
    skipped,
    data.schemes.length ? h("div", { class: "grid" }, cards) : empty(t("empty.no_schemes")),
  );
  if (can("read_customers")) {
    api
      .get("/alerts", { new: snap.snapshot_id, limit: 1 })
      .then((r) => mount(alerts.querySelector(".figure-value"), h("a", { href: "#/work" }, f.num(r.total))))
      .catch((err) => {
        const value = alerts.querySelector(".figure-value");
        mount(value, "—");
        value.title = err.status === 404 ? t("overview.alerts_first") : err.message;
        mount(alerts.querySelector(".figure-note"), err.status === 404 ? t("overview.alerts_first") : err.message);
      });
  }
}

function levelsText(levels) {
  return Object.entries(levels)
    .map(([level, n]) => t("level." + level) + " " + f.num(n))
    .join(" · ");
}

