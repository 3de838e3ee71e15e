// Apache ECharts, only the parts the dashboard draws (bundled: no CDN).
import * as echarts from "echarts/core";
import { BarChart, LineChart, ScatterChart, HeatmapChart, SankeyChart } from "echarts/charts";
import {
  GridComponent,
  TooltipComponent,
  LegendComponent,
  VisualMapComponent,
  MarkLineComponent,
  MarkAreaComponent,
  TitleComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import { h } from "./dom.js";

echarts.use([
  BarChart,
  LineChart,
  ScatterChart,
  HeatmapChart,
  SankeyChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  VisualMapComponent,
  MarkLineComponent,
  MarkAreaComponent,
  TitleComponent,
  CanvasRenderer,
]);

export const PALETTE = [
  "#1f4e79", "#2e86c1", "#48c9b0", "#f5b041", "#e74c3c", "#8e44ad",
  "#7f8c8d", "#27ae60", "#d35400", "#5d6d7e", "#a93226", "#1abc9c",
];

const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", system-ui, sans-serif';
const live = new Set();

/** A chart box (with an accessible label) drawing `option`; resized with the window. */
export function chart(option, { height = 320, label = "" } = {}) {
  const box = h("div", { class: "chart", role: "img", "aria-label": label, style: { height: height + "px" } });
  requestAnimationFrame(() => {
    if (!box.isConnected) return;
    const c = echarts.init(box, null, { renderer: "canvas" });
    // Tooltips are drawn on the canvas (richText), never as HTML: labels and names are data.
    const tooltip = option.tooltip ? { ...option.tooltip, renderMode: "richText" } : undefined;
    c.setOption({ color: PALETTE, textStyle: { fontFamily: FONT }, animation: false, ...option, tooltip });
    box._chart = c;
    live.add(c);
  });
  return box;
}

/** Dispose charts no longer on the page (called on navigation). */
export function disposeCharts() {
  for (const c of live) {
    if (!c.getDom().isConnected) {
      c.dispose();
      live.delete(c);
    }
  }
}

window.addEventListener("resize", () => {
  for (const c of live) c.resize();
});
