// Helpers shared by pages: the snapshot picker and the schemes of a snapshot.
import { api } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { state, setSnapshot } from "../state.js";
import * as f from "../fmt.js";
import { select, field } from "../ui.js";

let snapshotCache = null;

export async function snapshots() {
  if (!snapshotCache) snapshotCache = (await api.get("/snapshots", { limit: 500 })).items;
  return snapshotCache;
}

export function forgetSnapshots() {
  snapshotCache = null;
}

/** The snapshot the user chose (id), or the latest; null if there is none. */
export async function currentSnapshot() {
  const all = await snapshots();
  if (!all.length) return null;
  return all.find((s) => s.snapshot_id === state.snapshot) || all[0];
}

export function snapshotLabel(s) {
  return f.date(s.as_of) + " · " + s.snapshot_id.slice(0, 8);
}

export function snapshotPicker(all, current, onchange, label = t("common.snapshot")) {
  return field(
    label,
    select(
      all.map((s) => [s.snapshot_id, snapshotLabel(s)]),
      current && current.snapshot_id,
      (id) => {
        if (!onchange) setSnapshot(id);
        (onchange || (() => window.dispatchEvent(new HashChangeEvent("hashchange"))))(id);
      },
      { "data-testid": "snapshot-picker" },
    ),
  );
}

const schemeCache = new Map();

/** Schemes of a snapshot with classes, definitions and strategies (in the current language). */
export async function schemesOf(snapshotId) {
  const key = snapshotId + "|" + state.lang;
  if (!schemeCache.has(key)) schemeCache.set(key, await api.get(`/snapshots/${snapshotId}/schemes`));
  return schemeCache.get(key);
}

export function noSnapshot(canRun) {
  return h("div", { class: "empty" }, h("p", {}, t("empty.no_snapshot")), h("p", { class: "hint" }, canRun ? t("empty.no_snapshot_run") : t("empty.no_snapshot_ask")));
}
