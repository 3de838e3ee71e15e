// My work: alerts and the action list for the signed-in user (a rep: their customers), export.
import { api, download } from "../api.js";
import { h, mount, link } from "../dom.js";
import { t } from "../i18n.js";
import { state } from "../state.js";
import * as f from "../fmt.js";
import { pageHeader, card, table, loading, empty, button, badge, errorBox } from "../ui.js";
import { currentSnapshot, snapshots } from "./common.js";

export async function workPage(main) {
  mount(main, pageHeader(t("nav.work")), loading());
  const snap = await currentSnapshot();
  if (!snap) return mount(main, pageHeader(t("nav.work")), empty(t("empty.no_snapshot")));
  const all = await snapshots();
  const hasPrevious = all.some((s) => s.as_of < snap.as_of);
  const status = h("span", { class: "hint", role: "status" });
  const alertsBox = h("div", {}, loading());
  const actionsBox = h("div", {}, loading());
  const who = (r) => h("a", { href: link("/customer/" + encodeURIComponent(r.customer_id)) }, r.name || r.customer_id);
  mount(
    main,
    pageHeader(
      t("nav.work"),
      state.me.owner ? t("work.subtitle_owner", { owner: state.me.owner, date: f.date(snap.as_of) }) : t("work.subtitle", { date: f.date(snap.as_of) }),
      button(t("work.export"), async () => {
        try {
          await download("/exports/actions", { snapshot: snap.snapshot_id });
        } catch (err) {
          mount(status, errorBox(err));
        }
      }, { testid: "export-actions" }),
      status,
    ),
    card(t("work.alerts"), alertsBox),
    card(t("work.actions"), actionsBox),
  );
  if (!hasPrevious) mount(alertsBox, empty(t("work.alerts_first")));
  else
    api
      .get("/alerts", { new: snap.snapshot_id, limit: 100 })
      .then((alerts) => mount(alertsBox, alertsView(alerts, who)))
      .catch((err) => mount(alertsBox, errorBox(err)));
  api
    .get("/actions", { snapshot: snap.snapshot_id, limit: 100 })
    .then((actions) => mount(actionsBox, actionsView(actions, who)))
    .catch((err) => mount(actionsBox, errorBox(err)));
}

function alertsView(alerts, who) {
  return (
      alerts === null
        ? empty(t("work.alerts_first"))
        : alerts.rows.length
          ? [
              h("p", { class: "hint" }, t("work.count", { shown: f.num(alerts.rows.length), total: f.num(alerts.total) })),
              table(
                [
                  { title: t("work.severity"), cell: (r) => badge(t("severity." + r.severity), r.severity) },
                  { title: t("work.customer"), cell: who },
                  { title: t("work.alert"), cell: (r) => r.label },
                  { title: t("work.change"), cell: (r) => (r.old_label || "—") + " → " + (r.new_label || "—") },
                  { title: t("work.what_to_do"), cell: (r) => r.reason },
                ],
                alerts.rows,
                { testid: "alerts" },
              ),
            ]
          : empty(t("work.no_alerts"))
  );
}

function actionsView(actions, who) {
  return (
      actions.rows.length
        ? [
            h("p", { class: "hint" }, t("work.count", { shown: f.num(actions.rows.length), total: f.num(actions.total) })),
            table(
              [
                { title: t("work.customer"), cell: who },
                { title: t("work.owner"), cell: (r) => r.owner || "—" },
                { title: t("work.role"), cell: (r) => r.owner_role },
                { title: t("work.moves"), cell: (r) => (r.new_move ? [badge(t("work.new_move"), "warn"), " ", r.moves] : r.moves || "—") },
                { title: t("work.what_to_do"), cell: (r) => h("span", { class: "pre" }, r.actions) },
                { title: t("feature.revenue_12m"), num: true, cell: (r) => f.money(r.revenue_12m) },
              ],
              actions.rows,
              { testid: "actions" },
            ),
          ]
        : empty(t("work.no_actions"))
  );
}
