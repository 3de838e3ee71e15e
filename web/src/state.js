// Session state: token (this tab), user, language (remembered per user), chosen snapshot.

const LANG_KEY = "custseg.lang";

function storedLang(user) {
  const value = localStorage.getItem(user ? LANG_KEY + "." + user : LANG_KEY);
  return value === "en" || value === "zh" ? value : null;
}

function browserLang() {
  return (navigator.language || "zh").toLowerCase().startsWith("zh") ? "zh" : "en";
}

export const state = {
  token: sessionStorage.getItem("custseg.token"),
  me: null,
  lang: storedLang(null) || browserLang(),
  snapshot: sessionStorage.getItem("custseg.snapshot") || null,
  onExpired: () => {},
};

export function setToken(token) {
  state.token = token;
  if (token) sessionStorage.setItem("custseg.token", token);
  else sessionStorage.removeItem("custseg.token");
}

export function setMe(me) {
  state.me = me;
  if (me) state.lang = storedLang(me.name) || state.lang;
}

export function setLang(lang) {
  state.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  if (state.me) localStorage.setItem(LANG_KEY + "." + state.me.name, lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}

export function setSnapshot(id) {
  state.snapshot = id || null;
  if (id) sessionStorage.setItem("custseg.snapshot", id);
  else sessionStorage.removeItem("custseg.snapshot");
}

export function can(permission) {
  return !!(state.me && state.me.permissions.includes(permission));
}
