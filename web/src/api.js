// The REST API client: bearer token, language, the one error shape.
import { state } from "./state.js";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || "HTTP " + status);
    this.status = status;
    this.code = body && body.code;
    this.where = body && body.where;
    this.hint = body && body.hint;
  }
}

function url(path, params) {
  const u = new URL("/api/v1" + path, location.origin);
  for (const [k, v] of Object.entries(params || {})) {
    if (Array.isArray(v)) v.forEach((x) => u.searchParams.append(k, x));
    else if (v !== undefined && v !== null && v !== "") u.searchParams.set(k, v);
  }
  u.searchParams.set("lang", state.lang);
  return u;
}

async function request(method, path, { params, json, form, raw } = {}) {
  const headers = {};
  if (state.token) headers.Authorization = "Bearer " + state.token;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  let reply;
  try {
    reply = await fetch(url(path, params), { method, headers, body });
  } catch (err) {
    throw new ApiError(0, { code: "network", message: String(err) });
  }
  if (reply.status === 401 && state.token && path !== "/auth/token") {
    state.onExpired();
  }
  if (!reply.ok) {
    let detail = null;
    try {
      detail = await reply.json();
    } catch (_) {
      /* not JSON */
    }
    throw new ApiError(reply.status, detail);
  }
  if (raw) return reply;
  if (reply.status === 204) return null;
  return reply.json();
}

export const api = {
  get: (path, params) => request("GET", path, { params }),
  post: (path, json, params) => request("POST", path, { json, params }),
  postForm: (path, form) => request("POST", path, { form }),
  blob: (path, params) => request("GET", path, { params, raw: true }),
};

/** Download a file from the API (with the token) and save it under its server name. */
export async function download(path, params) {
  const reply = await api.blob(path, params);
  const disposition = reply.headers.get("Content-Disposition") || "";
  const match = /filename="([^"]+)"/.exec(disposition);
  const data = await reply.blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(data);
  a.download = match ? match[1] : "download";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
