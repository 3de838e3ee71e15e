// Shared building blocks: page header, cards, tables, empty states, errors, form fields.
import { h } from "./dom.js";
import { t } from "./i18n.js";

export function pageHeader(title, subtitle, ...actions) {
  return h(
    "header",
    { class: "page-header" },
    h("div", {}, h("h1", {}, title), subtitle ? h("p", { class: "subtitle" }, subtitle) : null),
    actions.length ? h("div", { class: "actions" }, ...actions) : null,
  );
}

export function card(title, ...body) {
  return h("section", { class: "card" }, title ? h("h2", {}, title) : null, ...body);
}

export function figure(label, value, note, testid) {
  return h(
    "div",
    { class: "figure", "data-testid": testid },
    h("div", { class: "figure-label" }, label),
    h("div", { class: "figure-value" }, value),
    note ? h("div", { class: "figure-note" }, note) : null,
  );
}

export function empty(message, hint) {
  return h("div", { class: "empty" }, h("p", {}, message), hint ? h("p", { class: "hint" }, hint) : null);
}

export function errorBox(err) {
  const status = err && err.status;
  const what =
    status === 0 ? t("error.network") : status === 403 ? t("error.forbidden") : status === 404 ? t("error.not_found") : null;
  return h(
    "div",
    { class: "error", role: "alert" },
    h("strong", {}, what || t("error.generic")),
    h("p", {}, err && err.message ? err.message : String(err)),
    err && err.where ? h("p", { class: "hint" }, t("error.where") + " " + err.where) : null,
    err && err.hint ? h("p", { class: "hint" }, t("error.hint") + " " + err.hint) : null,
  );
}

export function loading() {
  return h("div", { class: "loading", role: "status" }, t("common.loading"));
}

/** A table; columns: [{title, cell: row => node|text, num?: bool}] */
export function table(columns, rows, { caption, testid } = {}) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { "data-testid": testid },
      caption ? h("caption", {}, caption) : null,
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.num ? "num" : "", scope: "col" }, c.title)))),
      h(
        "tbody",
        {},
        rows.map((row) => h("tr", {}, columns.map((c) => h("td", { class: c.num ? "num" : "" }, c.cell(row))))),
      ),
    ),
  );
}

export function button(label, onclick, { kind = "", type = "button", testid, disabled } = {}) {
  return h("button", { type, class: "btn " + kind, onclick, "data-testid": testid, disabled }, label);
}

export function field(label, control, help) {
  return h("label", { class: "field" }, h("span", { class: "field-label" }, label), control, help ? h("span", { class: "hint" }, help) : null);
}

export function select(options, value, onchange, attrs = {}) {
  return h(
    "select",
    { onchange: (e) => onchange(e.target.value), ...attrs },
    options.map(([v, label]) => h("option", { value: v, selected: v === value ? true : null }, label)),
  );
}

export function badge(text, kind = "") {
  return h("span", { class: "badge " + kind }, text);
}

/** A horizontal class bar (share of customers), keyboard-focusable when it links somewhere. */
export function classBars(classes, hrefOf) {
  const max = Math.max(0.0001, ...classes.map((c) => c.share));
  return h(
    "ul",
    { class: "bars" },
    classes.map((c) =>
      h(
        "li",
        {},
        h(
          hrefOf ? "a" : "div",
          { class: "bar-row", href: hrefOf ? hrefOf(c) : null },
          h("span", { class: "bar-label" }, c.label),
          h("span", { class: "bar-track" }, h("span", { class: "bar-fill", style: { width: (100 * c.share) / max + "%" } })),
          h("span", { class: "bar-value" }, c.text),
        ),
      ),
    ),
  );
}
