/**
 * Search filters from command-line style options (`--label person --since 24h`,
 * `--from T --to T`) or an MQTT search request: the one place that turns
 * human time bounds into epoch ms.
 */
import type { EventFilter } from "./store.ts";

/** What a search request may say; every field optional. */
export interface SearchRequest {
  label?: string | string[];
  area?: string;
  zone?: string;
  camera?: string;
  /** A duration back from now: `90s`, `30m`, `24h`, `7d`. */
  since?: string;
  /** ISO 8601 times or epoch ms. */
  from?: string | number;
  to?: string | number;
  limit?: number;
}

const UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `24h` → ms. @throws Error naming the value when it is not a number and one of s, m, h, d, w.
 */
export function parseSince(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(value);
  if (!m) throw new Error(`since: "${value}" is not a duration like 90s, 30m, 24h or 7d`);
  return Number(m[1]) * UNITS_MS[m[2]!.toLowerCase()]!;
}

/** An ISO time or epoch ms → epoch ms. @throws Error naming the field. */
export function parseTime(value: string | number, field: string): number {
  if (typeof value === "number" || /^\d{10,}$/.test(value)) return Number(value);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new Error(`${field}: "${value}" is not a time (ISO 8601, e.g. 2026-12-02T14:15, or epoch ms)`);
  return t;
}

/** The store filter for a request, at wall time `now`. @throws Error naming a bad field. */
export function toFilter(request: SearchRequest, now = Date.now()): EventFilter {
  if (request.since !== undefined && (request.from !== undefined || request.to !== undefined)) throw new Error("since: give either since or from/to, not both");
  if (request.limit !== undefined && (!Number.isInteger(request.limit) || request.limit < 1 || request.limit > 10_000)) throw new Error("limit: an integer 1..10000");
  const filter: EventFilter = {};
  if (request.label !== undefined) filter.label = request.label;
  if (request.area) filter.area = request.area;
  if (request.zone) filter.zone = request.zone;
  if (request.camera) filter.camera = request.camera;
  if (request.since !== undefined) filter.from_ms = now - parseSince(request.since);
  if (request.from !== undefined) filter.from_ms = parseTime(request.from, "from");
  if (request.to !== undefined) filter.to_ms = parseTime(request.to, "to");
  if (request.limit !== undefined) filter.limit = request.limit;
  return filter;
}
