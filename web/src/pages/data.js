// Data and runs: upload with the ingest report, runs and series with progress, the
// classification system (view, validate, activate), the data profile and health check.
import { api, download } from "../api.js";
import { h, mount } from "../dom.js";
import { t } from "../i18n.js";
import { can } from "../state.js";
import * as f from "../fmt.js";
import { pageHeader, card, table, loading, empty, button, field, select, errorBox, figure, badge } from "../ui.js";
import { currentSnapshot, forgetSnapshots } from "./common.js";

const TABLES = ["customers", "orders", "payments", "opportunities"];

export async function dataPage(main) {
  const snap = await currentSnapshot();
  const jobs = h("div", {});
  const health = h("div", {}, snap ? loading() : empty(t("empty.no_snapshot")));
  const system = h("div", {}, loading());
  mount(
    main,
    pageHeader(t("nav.data"), t("data.subtitle")),
    can("ingest") ? card(t("data.upload"), uploadForm()) : null,
    can("run") ? card(t("data.runs"), runForms(jobs), jobs) : null,
    card(t("data.health"), health),
    card(t("data.system"), system),
  );
  if (can("run")) showJobs(jobs);
  if (snap) loadHealth(health, snap);
  loadSystem(system);
}

function uploadForm() {
  const tableSel = select(TABLES.map((x) => [x, t("table." + x)]), "customers", () => {}, { "data-testid": "upload-table" });
  const file = h("input", { type: "file", required: true, accept: ".csv,.tsv,.txt,.xlsx,.xls,.parquet,.json,.gz", "data-testid": "upload-file" });
  const mode = select([["replace", t("data.replace")], ["upsert", t("data.upsert")]], "replace", () => {}, { "data-testid": "upload-mode" });
  const report = h("div", { role: "status" });
  return h(
    "div",
    {},
    h(
      "form",
      {
        class: "row wrap",
        onsubmit: async (e) => {
          e.preventDefault();
          if (!file.files.length) return;
          const form = new FormData();
          form.append("file", file.files[0]);
          form.append("mode", mode.value);
          mount(report, loading());
          try {
            const r = await api.postForm("/ingest/" + tableSel.value, form);
            mount(report, ingestReport(r));
          } catch (err) {
            mount(report, errorBox(err));
          }
        },
      },
      field(t("data.table"), tableSel),
      field(t("data.file"), file),
      field(t("data.mode"), mode),
      button(t("data.upload_button"), null, { type: "submit", kind: "primary", testid: "upload-submit" }),
    ),
    report,
  );
}

function ingestReport(r) {
  return h(
    "div",
    { "data-testid": "ingest-report" },
    h(
      "div",
      { class: "figures" },
      figure(t("data.rows_read"), f.num(r.rows_read)),
      figure(t("data.rows_accepted"), f.num(r.rows_accepted), null, "rows-accepted"),
      figure(t("data.rows_rejected"), f.num(r.rows_rejected), null, "rows-rejected"),
    ),
    r.rejected.length
      ? [
          table(
            [
              { title: t("data.row"), num: true, cell: (x) => f.num(x.row) },
              { title: t("data.column"), cell: (x) => x.column || "—" },
              { title: t("data.value"), cell: (x) => x.value ?? "—" },
              { title: t("data.problem"), cell: (x) => x.message },
            ],
            r.rejected.slice(0, 200),
            { testid: "rejected-rows" },
          ),
          button(t("data.download_rejects"), () => download("/ingest/" + r.table + "/rejects")),
        ]
      : h("p", { class: "ok" }, t("data.no_rejects")),
  );
}

function runForms(jobsBox) {
  const asOf = h("input", { type: "date", "data-testid": "run-as-of" });
  const start = h("input", { type: "date", required: true });
  const every = select([["month", t("data.month")], ["quarter", t("data.quarter")], ["week", t("data.week")]], "month", () => {});
  const status = h("div", { role: "status" });
  const startJob = async (path, body) => {
    try {
      await api.post(path, body);
      mount(status, "");
      showJobs(jobsBox);
    } catch (err) {
      mount(status, errorBox(err));
    }
  };
  return h(
    "div",
    {},
    h(
      "form",
      { class: "row wrap", onsubmit: (e) => { e.preventDefault(); startJob("/runs", { as_of: asOf.value || null }); } },
      field(t("data.as_of"), asOf, t("data.as_of_help")),
      button(t("data.start_run"), null, { type: "submit", kind: "primary", testid: "run-start" }),
    ),
    h(
      "form",
      { class: "row wrap", onsubmit: (e) => { e.preventDefault(); startJob("/series", { every: every.value, start: start.value }); } },
      field(t("data.series_start"), start),
      field(t("data.every"), every),
      button(t("data.start_series"), null, { type: "submit" }),
    ),
    status,
  );
}

let polling = null;

async function showJobs(box) {
  clearTimeout(polling);
  try {
    const jobs = await api.get("/jobs");
    if (!box.isConnected && polling !== null) return;
    mount(
      box,
      jobs.length
        ? table(
            [
              { title: t("data.job"), cell: (j) => t("job." + j.kind) },
              { title: t("data.started"), cell: (j) => f.dateTime(j.started_at) + " · " + j.started_by },
              { title: t("data.status"), cell: (j) => badge(t("jobstatus." + j.status), j.status) },
              { title: t("data.progress"), cell: (j) => progress(j) },
              {
                title: t("data.result"),
                cell: (j) =>
                  j.status === "done" && j.result
                    ? j.result.snapshot_id
                      ? t("data.run_result", { date: f.date(j.result.as_of), n: f.num(j.result.customers) })
                      : t("data.series_done")
                    : j.error
                      ? j.error.message
                      : "—",
              },
            ],
            jobs,
            { testid: "jobs" },
          )
        : h("p", { class: "hint" }, t("data.no_jobs")),
    );
    if (jobs.some((j) => j.status === "running")) polling = setTimeout(() => box.isConnected && showJobs(box), 1000);
    if (jobs.some((j) => j.status === "done")) forgetSnapshots();
  } catch (err) {
    mount(box, errorBox(err));
  }
}

function progress(j) {
  if (j.status !== "running") return j.total ? f.pct(j.done / j.total, 0) : "—";
  const share = j.total ? j.done / j.total : 0;
  return h("div", { class: "progress" }, h("progress", { max: 1, value: share }), " ", j.step || "");
}

async function loadHealth(box, snap) {
  try {
    const [check, profile] = await Promise.all([
      api.get(`/snapshots/${snap.snapshot_id}/check`),
      api.get(`/snapshots/${snap.snapshot_id}/profile`),
    ]);
    const inputs = profile.inputs || {};
    mount(
      box,
      h("p", { class: "hint" }, t("data.health_of", { date: f.date(snap.as_of) })),
      check.findings.length
        ? table(
            [
              { title: t("data.level"), cell: (x) => badge(t("level." + x.level), x.level) },
              { title: t("customer.scheme"), cell: (x) => x.scheme },
              { title: t("data.finding"), cell: (x) => x.message },
              { title: t("data.advice"), cell: (x) => x.advice || "—" },
            ],
            check.findings,
            { testid: "findings" },
          )
        : h("p", { class: "ok" }, t("data.no_findings")),
      h("h3", {}, t("data.profile")),
      profileView(inputs, profile.rhythm || {}, profile.history || {}, profile.activity || {}),
    );
  } catch (err) {
    mount(box, errorBox(err));
  }
}

async function loadSystem(box) {
  try {
    const sys = await api.get("/system");
    const editor = h("textarea", { class: "yaml", rows: 18, spellcheck: "false", "aria-label": t("data.system_yaml"), "data-testid": "system-yaml", value: sys.yaml });
    const result = h("div", { role: "status" });
    const validate = async () => {
      const r = await api.post("/system/validate", { yaml: editor.value });
      mount(
        result,
        r.valid ? h("p", { class: "ok" }, t("data.valid")) : null,
        r.errors.length
          ? table(
              [
                { title: t("data.line"), num: true, cell: (e) => f.num(e.line) },
                { title: t("data.key"), cell: (e) => e.key_path || "—" },
                { title: t("data.problem"), cell: (e) => e.message },
              ],
              r.errors,
              { testid: "system-errors" },
            )
          : null,
        r.warnings.length ? h("ul", { class: "plain warn" }, r.warnings.map((w) => h("li", {}, w))) : null,
      );
      return r.valid;
    };
    mount(
      box,
      h("p", { class: "hint" }, t("data.system_version", { name: sys.name, version: f.num(sys.version) })),
      editor,
      can("edit_system")
        ? h(
            "div",
            { class: "row" },
            button(t("data.validate"), () => validate().catch((err) => mount(result, errorBox(err))), { testid: "system-validate" }),
            button(t("data.activate"), async () => {
              try {
                if (!(await validate())) return;
                if (!window.confirm(t("data.activate_confirm"))) return;
                const made = await api.post("/system/activate", { yaml: editor.value });
                mount(result, h("p", { class: "ok" }, t("data.activated", { version: f.num(made.version) })));
              } catch (err) {
                mount(result, errorBox(err));
              }
            }, { kind: "primary" }),
          )
        : null,
      result,
    );
  } catch (err) {
    mount(box, errorBox(err));
  }
}

function profileView(inputs, rhythm, history, activity) {
  const figures = h(
    "div",
    { class: "figures" },
    figure(t("data.span"), f.date(history.first_order_date) + " – " + f.date(history.last_order_date), t("data.span_days", { n: f.num(history.span_days) })),
    figure(t("data.purchasers"), f.num(activity.purchasers), t("data.of_customers", { n: f.num(activity.customers) })),
    figure(t("data.repeat_buyers"), f.num(rhythm.repeat_buyers), t("data.one_time_share", { share: f.pct(rhythm.one_time_share) })),
    figure(t("data.gap"), t("data.days", { n: f.num(rhythm.gap_median_days) }), t("data.gap_note", { p75: f.num(rhythm.gap_p75_days), p90: f.num(rhythm.gap_p90_days) })),
  );
  const rows = Object.entries(inputs).map(([name, x]) => ({ name, ...x }));
  const gaps = (x) =>
    Object.entries(x.columns || {})
      .filter(([, share]) => share < 1)
      .map(([column, share]) => column + " " + f.pct(share, 0))
      .join(" · ");
  return h(
    "div",
    {},
    figures,
    table(
      [
        { title: t("data.table"), cell: (x) => t("table." + x.name) },
        { title: t("data.rows"), num: true, cell: (x) => f.num(x.rows) },
        { title: t("data.filled"), cell: (x) => gaps(x) || t("data.all_filled") },
      ],
      rows,
      { testid: "profile-inputs" },
    ),
  );
}
