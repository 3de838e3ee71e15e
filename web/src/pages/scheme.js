// One scheme: class table (with change and strategy) and the chart that fits its kind.
import { api } from "../api.js";
import { h, mount, link } from "../dom.js";
import { t } from "../i18n.js";
import { can } from "../state.js";
import * as f from "../fmt.js";
import { chart } from "../charts.js";

const RF_COLOURS = [
  "#1f4e79", "#2e86c1", "#76b7e5", "#48c9b0", "#27ae60", "#a9dfbf", "#f5b041",
  "#d35400", "#e74c3c", "#8e44ad", "#c39bd3", "#7f8c8d", "#34495e", "#f7dc6f",
];
import { pageHeader, card, table, loading, empty } from "../ui.js";
import { currentSnapshot, schemesOf, snapshots, snapshotPicker, noSnapshot } from "./common.js";

export async function schemePage(main, args) {
  const name = args[0];
  mount(main, pageHeader(t("scheme.title")), loading());
  const snap = await currentSnapshot();
  if (!snap) return mount(main, pageHeader(t("scheme.title")), noSnapshot(can("run")));
  const id = snap.snapshot_id;
  const [all, schemes, summary, drawn] = await Promise.all([
    snapshots(),
    schemesOf(id),
    api.get(`/snapshots/${id}/schemes/${encodeURIComponent(name)}/summary`),
    api.get(`/snapshots/${id}/schemes/${encodeURIComponent(name)}/chart`),
  ]);
  const scheme = schemes.find((s) => s.name === name);
  const strategies = Object.fromEntries(scheme.classes.map((c) => [c.key, c.strategy]));
  const toList = (key) => link("/customers", { class: name + ":" + key });
  const rows = summary.rows;
  const hasChange = summary.previous_snapshot_id !== null;
  const columns = [
    {
      title: t("scheme.class"),
      cell: (r) => (can("read_customers") ? h("a", { href: toList(r.class_key) }, r.label) : r.label),
    },
    { title: t("scheme.customers"), num: true, cell: (r) => f.num(r.customers) },
    { title: t("scheme.share"), num: true, cell: (r) => f.pct(r.share) },
    { title: t("scheme.revenue"), num: true, cell: (r) => f.money(r.revenue) },
    { title: t("scheme.revenue_share"), num: true, cell: (r) => f.pct(r.revenue_share) },
    {
      title: t("scheme.change"),
      num: true,
      cell: (r) => (hasChange ? h("span", { class: r.customers_change > 0 ? "up" : r.customers_change < 0 ? "down" : "" }, f.signed(r.customers_change)) : "—"),
    },
    { title: t("scheme.strategy"), cell: (r) => strategies[r.class_key] || "—" },
  ];
  const bars = chart(
    {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, data: [t("scheme.customers"), t("scheme.revenue_share")] },
      grid: { left: 16, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: rows.map((r) => r.label), axisLabel: { interval: 0, rotate: rows.length > 4 ? 40 : 0, width: 110, overflow: "truncate" } },
      yAxis: [
        { type: "value", name: t("unit.customers") },
        { type: "value", name: t("unit.share"), max: 100, axisLabel: { formatter: "{value}%" } },
      ],
      series: [
        { name: t("scheme.customers"), type: "bar", data: rows.map((r) => r.customers) },
        { name: t("scheme.revenue_share"), type: "bar", yAxisIndex: 1, data: rows.map((r) => +(100 * r.revenue_share).toFixed(1)) },
      ],
    },
    { label: t("scheme.bars_label", { scheme: scheme.label }) },
  );
  const barsBox = h("div", {}, bars);
  bars.addEventListener("click", () => {});
  const special = drawn.chart ? kindChart(drawn.chart, name, scheme) : null;
  mount(
    main,
    pageHeader(scheme.label, t("scheme.subtitle", { date: f.date(snap.as_of), kind: t("kind." + (scheme.kind || "rules")) }), snapshotPicker(all, snap)),
    card(t("scheme.classes"), table(columns, rows, { testid: "class-table" }), hasChange ? null : h("p", { class: "hint" }, t("scheme.no_previous"))),
    h("div", { class: "grid two" }, card(t("scheme.bars"), barsBox), special ? card(t("chart." + drawn.chart.type), special) : null),
  );
  requestAnimationFrame(() => {
    const c = bars._chart;
    if (c && can("read_customers")) c.on("click", (p) => (location.hash = toList(rows[p.dataIndex].class_key)));
  });
}

function kindChart(c, name, scheme) {
  const labelOf = Object.fromEntries(scheme.classes.map((x) => [x.key, x.label]));
  if (c.type === "pareto") {
    return chart(
      {
        tooltip: { trigger: "axis", valueFormatter: (v) => f.pct(v) },
        grid: { left: 64, right: 44, top: 44, bottom: 48 },
        xAxis: { type: "value", min: 0, max: 1, name: t("chart.customer_share"), nameLocation: "middle", nameGap: 28, axisLabel: { formatter: (v) => f.pct(v, 0) } },
        yAxis: { type: "value", min: 0, max: 1, name: t("chart.measure_share", { measure: t("feature." + c.measure) }), axisLabel: { formatter: (v) => f.pct(v, 0) } },
        series: [
          {
            type: "line",
            name: t("chart.pareto"),
            showSymbol: false,
            data: c.points,
            areaStyle: { opacity: 0.08 },
            markLine: {
              symbol: "none",
              lineStyle: { type: "dashed", color: "#e74c3c" },
              label: { formatter: (p) => f.pct(p.value, 0) },
              data: c.cuts.map((v) => ({ yAxis: v })),
            },
          },
        ],
      },
      { label: t("chart.pareto") },
    );
  }
  if (c.type === "quadrant") {
    const series = (c.series || []).map((s) => ({
      type: "scatter",
      name: s.label,
      symbolSize: 5,
      data: s.points.filter((p) => p[0] > 0),
      large: true,
    }));
    if (series.length) {
      series[0].markLine = {
        symbol: "none",
        lineStyle: { type: "dashed", color: "#34495e" },
        label: { show: false },
        data: [{ xAxis: c.x_split }, { yAxis: c.y_split }],
      };
    }
    return h(
      "div",
      {},
      chart(
        {
          tooltip: { trigger: "item", formatter: (p) => p.seriesName + "\n" + f.money(p.value[0]) + " · " + f.num(p.value[1], 1) },
          legend: { bottom: 0, type: "scroll" },
          grid: { left: 64, right: 24, top: 36, bottom: 72 },
          xAxis: { type: "log", name: t("feature." + c.x), nameLocation: "middle", nameGap: 28, axisLabel: { formatter: (v) => f.compactMoney(v) } },
          yAxis: { type: "value", name: t("feature." + c.y) },
          series,
        },
        { height: 360, label: t("chart.quadrant") },
      ),
      c.sampled ? h("p", { class: "hint" }, t("chart.sampled", { shown: f.num(series.reduce((a, s) => a + s.data.length, 0)), total: f.num(c.total) })) : null,
    );
  }
  if (c.type === "histogram") {
    const bins = c.bins;
    if (!bins.length) return empty(t("chart.no_values"));
    const centre = (b) => (b[0] + b[1]) / 2;
    const axisLabel = (v) => (c.feature === "score" ? f.num(v, 0) : f.num(v, 0));
    return chart(
      {
        tooltip: { trigger: "axis", formatter: (ps) => { const b = bins[ps[0].dataIndex]; return axisLabel(b[0]) + " – " + axisLabel(b[1]) + ": " + f.num(b[2]); } },
        grid: { left: 60, right: 24, top: 24, bottom: 48 },
        xAxis: { type: "value", name: t("feature." + c.feature), nameLocation: "middle", nameGap: 28, min: bins[0][0], max: bins[bins.length - 1][1], axisLabel: { formatter: axisLabel } },
        yAxis: { type: "value", name: t("unit.customers") },
        series: [
          {
            type: "bar",
            name: t("unit.customers"),
            barWidth: "90%",
            data: bins.map((b) => [centre(b), b[2]]),
            markLine: {
              symbol: "none",
              lineStyle: { type: "dashed", color: "#e74c3c" },
              label: { formatter: (p) => (p.data.name ? p.data.name + " ≥ " : "") + axisLabel(p.value) },
              data: c.cuts.map((x) => ({ xAxis: x.value, name: x.key ? labelOf[x.key] || x.key : "" })),
            },
          },
        ],
      },
      { label: t("chart.histogram") },
    );
  }
  if (c.type === "rf_grid") {
    const keys = [...new Set(c.cells.map((x) => x.class_key))];
    const colour = (k) => RF_COLOURS[keys.indexOf(k) % RF_COLOURS.length];
    const box = chart(
      {
        tooltip: { formatter: (p) => { const x = c.cells[p.dataIndex]; return "R" + x.r + " F" + x.f + ": " + x.class_label + " · " + f.num(x.customers); } },
        grid: { left: 60, right: 24, top: 32, bottom: 48 },
        xAxis: { type: "category", name: t("chart.f_score"), nameLocation: "middle", nameGap: 28, data: [1, 2, 3, 4, 5].map(String) },
        yAxis: { type: "category", name: t("chart.r_score"), data: [1, 2, 3, 4, 5].map(String) },
        series: [
          {
            type: "heatmap",
            data: c.cells.map((x) => ({ value: [x.f - 1, x.r - 1, x.customers], itemStyle: { color: colour(x.class_key) } })),
            label: { show: true, formatter: (p) => f.num(p.value[2]) },
          },
        ],
      },
      { height: 340, label: t("chart.rf_grid") },
    );
    const legend = h("ul", { class: "legend" }, keys.map((k) => h("li", {}, h("span", { class: "swatch", style: { background: colour(k) } }), labelOf[k] || k)));
    return h("div", {}, box, legend);
  }
  if (c.type === "profiles") {
    return h(
      "div",
      { class: "profiles" },
      c.groups.map((g) =>
        h(
          "div",
          { class: "profile" },
          h("h3", {}, can("read_customers") ? h("a", { href: link("/customers", { class: name + ":" + g.key }) }, g.label) : g.label),
          h("p", { class: "hint" }, t("chart.profile_line", { n: f.num(g.customers), share: f.pct(g.share), revenue: f.pct(g.revenue_share) })),
          h("ul", {}, g.traits.map((x) => h("li", {}, x))),
        ),
      ),
    );
  }
  return null;
}
