// Governance: override approval queue (manager), audit log with filters (admin), users (admin).
import { api } from "../api.js";
import { h, mount, link } from "../dom.js";
import { t } from "../i18n.js";
import { can } from "../state.js";
import * as f from "../fmt.js";
import { pageHeader, card, table, loading, empty, button, field, select, badge, errorBox } from "../ui.js";

export async function governancePage(main, _args, query) {
  mount(main, pageHeader(t("nav.governance")), loading());
  const queue = h("div", {}, loading());
  const audit = h("div", {}, loading());
  const users = h("div", {}, loading());
  mount(
    main,
    pageHeader(t("nav.governance"), t("governance.subtitle")),
    card(t("governance.queue"), queue),
    can("read_audit") ? card(t("governance.audit"), audit) : null,
    can("manage_users") ? card(t("governance.users"), users) : null,
  );
  loadQueue(queue);
  if (can("read_audit")) loadAudit(audit, query.get("action") || "");
  if (can("manage_users")) loadUsers(users);
}

async function loadQueue(box) {
  try {
    const list = await api.get("/overrides", { status: "open", limit: 200 });
    if (!list.items.length) return mount(box, empty(t("governance.queue_empty")));
    const decide = can("decide_override");
    const note = h("div", { role: "status" });
    mount(
      box,
      note,
      table(
        [
          { title: t("work.customer"), cell: (o) => h("a", { href: link("/customer/" + encodeURIComponent(o.customer_id)) }, o.customer_id) },
          { title: t("customer.scheme"), cell: (o) => o.scheme_label || o.scheme },
          { title: t("customer.class"), cell: (o) => o.class_key },
          { title: t("override.status"), cell: (o) => badge(t("status." + o.status), o.status) },
          { title: t("customer.reason"), cell: (o) => o.reason },
          { title: t("override.by"), cell: (o) => o.created_by },
          { title: t("override.expires"), cell: (o) => f.date(o.expires_on) },
          {
            title: t("governance.decision"),
            cell: (o) =>
              decide && o.status === "pending"
                ? h(
                    "div",
                    { class: "row" },
                    button(t("governance.approve"), () => act(o, "approve", note, box), { kind: "primary", testid: "approve-" + o.override_id }),
                    button(t("governance.reject"), () => act(o, "reject", note, box), { kind: "ghost", testid: "reject-" + o.override_id }),
                  )
                : "—",
          },
        ],
        list.items,
        { testid: "override-queue" },
      ),
    );
  } catch (err) {
    mount(box, errorBox(err));
  }
}

async function act(o, what, note, box) {
  try {
    if (what === "approve") await api.post(`/overrides/${o.override_id}/approve`);
    else {
      const reason = window.prompt(t("governance.reject_reason"));
      if (!reason) return;
      await api.post(`/overrides/${o.override_id}/reject`, { reason });
    }
    await loadQueue(box);
    mount(box.querySelector("[role=status]") || note, h("p", { class: "ok" }, t(what === "approve" ? "governance.approved" : "governance.rejected")));
  } catch (err) {
    mount(note, errorBox(err));
  }
}

const ACTIONS = ["", "run", "run_reused", "override_add", "override_approve", "override_reject", "override_remove", "override_supersede", "override_refused", "setting_change", "system_activate", "user_add", "user_disable", "user_password", "token_create", "token_revoke"];

async function loadAudit(box, action) {
  try {
    const list = await api.get("/audit", { action, limit: 100 });
    mount(
      box,
      h("div", { class: "row wrap" }, field(t("governance.action_filter"), select(ACTIONS.map((a) => [a, a ? t("audit." + a) : t("governance.all_actions")]), action, (v) => loadAudit(box, v), { "data-testid": "audit-filter" }))),
      list.items.length
        ? table(
            [
              { title: "#", num: true, cell: (e) => f.num(e.seq) },
              { title: t("governance.when"), cell: (e) => f.dateTime(e.at) },
              { title: t("governance.actor"), cell: (e) => e.actor },
              { title: t("governance.action"), cell: (e) => t("audit." + e.action) },
              { title: t("governance.subject"), cell: (e) => e.subject },
              { title: t("governance.detail"), cell: (e) => h("code", {}, JSON.stringify(e.detail)) },
            ],
            list.items,
            { testid: "audit" },
          )
        : empty(t("governance.audit_empty")),
    );
  } catch (err) {
    mount(box, errorBox(err));
  }
}

async function loadUsers(box) {
  try {
    const list = await api.get("/users");
    const name = h("input", { required: true, maxlength: 64, "data-testid": "user-name" });
    const role = select(["viewer", "sales", "analyst", "manager", "admin"].map((r) => [r, t("role." + r)]), "viewer", () => {});
    const owner = h("input", { maxlength: 200 });
    const password = h("input", { type: "password", required: true, minlength: 10, autocomplete: "new-password" });
    const status = h("div", { role: "status" });
    mount(
      box,
      table(
        [
          { title: t("governance.user"), cell: (u) => u.name },
          { title: t("governance.role"), cell: (u) => t("role." + u.role) },
          { title: t("feature.owner"), cell: (u) => u.owner || "—" },
          { title: t("governance.state"), cell: (u) => (u.disabled ? badge(t("governance.disabled"), "down") : badge(t("governance.enabled"), "up")) },
          { title: t("governance.created"), cell: (u) => f.dateTime(u.created_at) + " · " + u.created_by },
        ],
        list,
        { testid: "users" },
      ),
      h(
        "form",
        {
          class: "row wrap",
          onsubmit: async (e) => {
            e.preventDefault();
            try {
              await api.post("/users", { name: name.value, role: role.value, owner: owner.value || null, password: password.value });
              await loadUsers(box);
            } catch (err) {
              mount(status, errorBox(err));
            }
          },
        },
        field(t("governance.user"), name),
        field(t("governance.role"), role),
        field(t("governance.owner_key"), owner),
        field(t("login.password"), password, t("governance.password_help")),
        button(t("governance.add_user"), null, { type: "submit" }),
      ),
      status,
    );
  } catch (err) {
    mount(box, errorBox(err));
  }
}
