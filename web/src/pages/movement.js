// Movement: migration matrix (heat map) and Sankey between two snapshots, movers, trend lines.
import { api } from "../api.js";
import { h, mount, link } from "../dom.js";
import { t } from "../i18n.js";
import { can } from "../state.js";
import * as f from "../fmt.js";
import { chart } from "../charts.js";
import { pageHeader, card, table, loading, empty, field, select, badge, errorBox } from "../ui.js";
import { snapshots, schemesOf, snapshotLabel } from "./common.js";

export async function movementPage(main, _args, query) {
  mount(main, pageHeader(t("nav.movement")), loading());
  const all = await snapshots();
  if (all.length < 2) return mount(main, pageHeader(t("nav.movement")), empty(t("movement.need_two"), t("movement.need_two_hint")));
  const newId = query.get("new") || all[0].snapshot_id;
  const newer = all.find((s) => s.snapshot_id === newId) || all[0];
  const older = all.filter((s) => s.as_of < newer.as_of);
  const oldId = query.get("old") && all.some((s) => s.snapshot_id === query.get("old")) ? query.get("old") : (older[0] || all[1]).snapshot_id;
  const schemes = await schemesOf(newer.snapshot_id);
  const scheme = schemes.find((s) => s.name === query.get("scheme")) || schemes.find((s) => s.name === "abc") || schemes[0];
  const go = (changes) => (location.hash = link("/movement", { scheme: scheme.name, old: oldId, new: newer.snapshot_id, ...changes }));
  const controls = h(
    "div",
    { class: "row wrap" },
    field(t("movement.scheme"), select(schemes.map((s) => [s.name, s.label]), scheme.name, (v) => go({ scheme: v }), { "data-testid": "movement-scheme" })),
    field(t("movement.old"), select(all.map((s) => [s.snapshot_id, snapshotLabel(s)]), oldId, (v) => go({ old: v }))),
    field(t("movement.new"), select(all.map((s) => [s.snapshot_id, snapshotLabel(s)]), newer.snapshot_id, (v) => go({ new: v }))),
  );
  let m;
  try {
    m = await api.get("/migrations/" + encodeURIComponent(scheme.name), { old: oldId, new: newer.snapshot_id });
  } catch (err) {
    return mount(main, pageHeader(t("nav.movement")), controls, errorBox(err));
  }
  const trend = await api.get("/trend/" + encodeURIComponent(scheme.name));
  const none = t("movement.absent");
  const label = (k) => (k === null || k === undefined ? none : m.labels[k] || k);
  const keys = [...new Set(m.matrix.flatMap((c) => [c.old_class, c.new_class]).map((k) => (k === null ? "" : k)))];
  const order = [...Object.keys(m.labels).filter((k) => keys.includes(k)), ...keys.filter((k) => !(k in m.labels))];
  const names = order.map((k) => (k === "" ? none : label(k)));
  const max = Math.max(1, ...m.matrix.map((c) => c.customers));
  const heat = chart(
    {
      tooltip: { formatter: (p) => names[p.value[1]] + " → " + names[p.value[0]] + ": " + f.num(p.value[2]) },
      grid: { left: 8, right: 16, top: 8, bottom: 56, containLabel: true },
      xAxis: { type: "category", data: names, position: "top", axisLabel: { interval: 0, width: 90, overflow: "break" } },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 110, overflow: "break" } },
      visualMap: { min: 0, max, calculable: false, orient: "horizontal", left: "center", bottom: 0, inRange: { color: ["#eef4fb", "#1f4e79"] }, text: [t("movement.more"), t("movement.fewer")] },
      series: [
        {
          type: "heatmap",
          data: m.matrix.map((c) => [order.indexOf(c.new_class ?? ""), order.indexOf(c.old_class ?? ""), c.customers]),
          label: { show: true, formatter: (p) => f.num(p.value[2]) },
        },
      ],
    },
    { height: 380, label: t("movement.matrix") },
  );
  const links = m.matrix.filter((c) => c.customers > 0).map((c) => ({ source: "← " + label(c.old_class), target: label(c.new_class) + " →", value: c.customers }));
  const nodes = [...new Set(links.flatMap((l) => [l.source, l.target]))].map((name) => ({ name }));
  const sankey = chart(
    {
      tooltip: { trigger: "item", formatter: (p) => (p.dataType === "edge" ? p.data.source + " " + p.data.target + ": " + f.num(p.data.value) : p.name) },
      series: [{ type: "sankey", data: nodes, links, left: 8, right: 150, top: 8, bottom: 8, nodeGap: 10, emphasis: { focus: "adjacency" }, lineStyle: { color: "gradient", opacity: 0.4 }, label: { fontSize: 11 } }],
    },
    { height: 380, label: t("movement.sankey") },
  );
  const dirs = m.counts_by_direction;
  const counts = h("p", { class: "hint" }, Object.entries(dirs).map(([d, n]) => t("direction." + d) + " " + f.num(n)).join(" · "));
  const dates = [...new Set(trend.rows.map((r) => r.as_of))].sort();
  const trendKeys = [...new Set(trend.rows.map((r) => r.class_key))];
  const lines = chart(
    {
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 60, right: 24, top: 40, bottom: 40 },
      xAxis: { type: "category", data: dates.map((d) => f.date(d)) },
      yAxis: { type: "value", name: t("unit.customers") },
      series: trendKeys.map((k) => ({
        type: "line",
        name: (trend.rows.find((r) => r.class_key === k) || {}).label || k,
        data: dates.map((d) => {
          const r = trend.rows.find((x) => x.as_of === d && x.class_key === k);
          return r ? r.customers : null;
        }),
      })),
    },
    { label: t("movement.trend") },
  );
  const moversBox = h("div", {}, can("read_customers") ? loading() : h("p", { class: "hint" }, t("movement.movers_role")));
  mount(
    main,
    pageHeader(t("nav.movement"), t("movement.subtitle", { scheme: scheme.label, old: f.date(m.old_snapshot_id && all.find((s) => s.snapshot_id === m.old_snapshot_id).as_of), new: f.date(newer.as_of) })),
    card(null, controls, counts, m.notes.length ? h("ul", { class: "plain hint" }, m.notes.map((n) => h("li", {}, n))) : null),
    h("div", { class: "grid two" }, card(t("movement.matrix"), h("p", { class: "hint" }, t("movement.matrix_help")), heat), card(t("movement.sankey"), sankey)),
    card(t("movement.trend"), dates.length > 1 ? lines : empty(t("movement.trend_one"))),
    card(t("movement.movers"), moversBox),
  );
  if (can("read_customers")) {
    try {
      const movers = await api.get("/migrations/" + encodeURIComponent(scheme.name) + "/movers", { old: oldId, new: newer.snapshot_id, limit: 50 });
      mount(
        moversBox,
        movers.items.length
          ? [
              h("p", { class: "hint" }, t("movement.movers_count", { shown: f.num(movers.items.length), total: f.num(movers.total) })),
              table(
                [
                  { title: t("feature.customer_id"), cell: (r) => h("a", { href: link("/customer/" + encodeURIComponent(r.customer_id)) }, r.customer_id) },
                  { title: t("feature.name"), cell: (r) => r.name || "—" },
                  { title: t("movement.from"), cell: (r) => label(r.old_class) },
                  { title: t("movement.to"), cell: (r) => label(r.new_class) },
                  { title: t("movement.direction"), cell: (r) => badge(t("direction." + r.direction), r.direction) },
                  { title: t("feature.revenue_12m"), num: true, cell: (r) => f.money(r.revenue_12m) },
                ],
                movers.items,
                { testid: "movers" },
              ),
            ]
          : empty(t("movement.no_movers")),
      );
    } catch (err) {
      mount(moversBox, errorBox(err));
    }
  }
}
