// How figures read: times, durations, money, tokens and states.
import {h} from "./dom.js";

export function time(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return date.toLocaleString(undefined, {
    month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit"});
}

export function clock(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return date.toLocaleTimeString(undefined, {hour12: false}) + "." +
    String(date.getMilliseconds()).padStart(3, "0");
}

export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60000);
  return `${minutes} min ${Math.round((ms % 60000) / 1000)} s`;
}

export function money(usd) {
  const value = Number(usd || 0);
  return value === 0 ? "$0" : `$${value.toFixed(value < 0.01 ? 6 : 4)}`;
}

export function tokens(usage) {
  if (!usage) return "0";
  return String((usage.promptTokens || 0) + (usage.completionTokens || 0));
}

/** A state as a badge: its colour and its name in words, so colour is never the only sign. */
export function status(value) {
  return h("span", {class: `status s-${value}`}, String(value).replace("_", " "));
}

export function json(value) {
  return JSON.stringify(value, null, 2);
}

/** A short one-line form of a value, at most {@code max} characters. */
export function brief(value, max = 140) {
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}
