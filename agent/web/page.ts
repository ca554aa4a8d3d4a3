/**
 * The memory page's HTML, rendered on the server (no script, nothing fetched
 * from elsewhere): the cameras' latest snapshots, people per area, the last
 * commands and answers, a filter form (label, area, time) and the matching
 * events newest first with their thumbnails. Every value from the config,
 * the database or the request is HTML-escaped.
 */
import type { MemoryEvent } from "../memory/store.ts";

/** What the page shows. */
export interface PageModel {
  title: string;
  events: MemoryEvent[];
  /** The filter as the form shows it. */
  filter: { q?: string; label?: string; area?: string; since?: string; from?: string; to?: string };
  labels: string[];
  areas: string[];
  cameras: { name: string; area: string; hasSnapshot: boolean }[];
  occupancy: [area: string, people: number][];
  recent: { text: string; response: string; t: string }[];
  /** A message above the events (a bad filter). */
  notice?: string;
  /** The memory is off: no events to list. */
  memoryOff: boolean;
  timeZone?: string;
}

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const SINCE_CHOICES: [string, string][] = [["", "any time"], ["1h", "last hour"], ["6h", "last 6 hours"], ["24h", "last 24 hours"], ["7d", "last 7 days"]];

function options(values: readonly [string, string][], selected: string | undefined): string {
  return values.map(([value, label]) => `<option value="${escapeHtml(value)}"${value === (selected ?? "") ? " selected" : ""}>${escapeHtml(label)}</option>`).join("");
}

function localTime(tMs: number, timeZone?: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(new Date(tMs));
}

function duration(e: MemoryEvent): string {
  if (e.end_ms === null) return "ongoing";
  const s = Math.round((e.end_ms - e.start_ms) / 1000);
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}

/** Zones worth showing: a camera without zones has one named after its area. */
function ownZones(e: MemoryEvent): string[] {
  return e.zones.filter((z) => !e.areas.some((a) => a.toLowerCase() === z.toLowerCase()));
}

/** The whole page; with `token` (the page was opened with one) every link and the form carry it. */
export function renderPage(model: PageModel, token?: string): string {
  const link = (path: string) => (token ? `${path}?token=${encodeURIComponent(token)}` : path);
  const f = model.filter;
  const cameras = model.cameras.map((c) => `<figure class="camera"><figcaption>${escapeHtml(c.name)} · ${escapeHtml(c.area)}</figcaption>${
    c.hasSnapshot ? `<img alt="latest snapshot of ${escapeHtml(c.name)}" src="${escapeHtml(link(`/cameras/${encodeURIComponent(c.name)}/latest.jpg`))}">` : "<p class=\"muted\">no snapshot yet</p>"
  }</figure>`).join("");
  const occupancy = model.occupancy.length
    ? `<ul class="occupancy">${model.occupancy.map(([area, n]) => `<li data-area="${escapeHtml(area)}">${escapeHtml(area)}: <b>${n}</b> ${n === 1 ? "person" : "people"}</li>`).join("")}</ul>`
    : "<p class=\"muted\">no occupancy reported yet</p>";
  const recent = model.recent.length
    ? `<ol class="recent">${model.recent.map((r) => `<li><time>${escapeHtml(r.t)}</time> “${escapeHtml(r.text)}” → ${escapeHtml(r.response)}</li>`).join("")}</ol>`
    : "<p class=\"muted\">nothing said or typed yet</p>";
  const rows = model.events.map((e) => `<tr class="event" data-id="${escapeHtml(e.id)}" data-label="${escapeHtml(e.label)}">
  <td>${e.thumbnail_path ? `<a href="${escapeHtml(link(`/events/${encodeURIComponent(e.id)}/snapshot.jpg`))}"><img class="thumb" alt="${escapeHtml(e.label)} in ${escapeHtml(e.area)}" src="${escapeHtml(link(`/events/${encodeURIComponent(e.id)}/thumbnail.jpg`))}"></a>` : "<span class=\"muted\">no picture</span>"}</td>
  <td class="label">${escapeHtml(e.label)}</td><td>${escapeHtml(e.areas.join(", "))}${ownZones(e).length ? ` <span class="muted">[${escapeHtml(ownZones(e).join(", "))}]</span>` : ""}</td>
  <td>${escapeHtml(e.camera)}</td><td><time>${escapeHtml(localTime(e.start_ms, model.timeZone))}</time></td><td>${duration(e)}</td><td>${Math.round(e.top_score * 100)}%</td></tr>`).join("\n");
  const events = model.memoryOff
    ? "<p class=\"muted\">The visual memory is off (memory.enabled in the config).</p>"
    : model.events.length
      ? `<table class="events"><thead><tr><th></th><th>label</th><th>where</th><th>camera</th><th>seen</th><th>for</th><th>score</th></tr></thead><tbody>\n${rows}\n</tbody></table>`
      : "<p class=\"muted\" id=\"no-events\">No events match.</p>";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(model.title)}</title>
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:1rem 2rem;color:#222;background:#fafafa}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}.muted{color:#777}
.cameras{display:flex;flex-wrap:wrap;gap:1rem}.camera{margin:0}.camera img{max-width:320px;border:1px solid #ccc}
form{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin:.5rem 0}label{display:flex;flex-direction:column;font-size:.85rem}
table{border-collapse:collapse}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:middle}
img.thumb{height:88px;display:block}.notice{color:#a00}
</style></head>
<body><h1>${escapeHtml(model.title)}</h1>
<h2>Cameras</h2><div class="cameras">${cameras || "<p class=\"muted\">no cameras configured</p>"}</div>
<h2>People per area</h2>${occupancy}
<h2>Last commands</h2>${recent}
<h2>Events</h2>
<form method="get" action="/">
${token ? `<input type="hidden" name="token" value="${escapeHtml(token)}">` : ""}
<label>search<input type="search" name="q" size="34" placeholder="the cat in the garden yesterday" value="${escapeHtml(f.q ?? "")}"></label>
<label>label<select name="label">${options([["", "any"], ...model.labels.map((l) => [l, l] as [string, string])], f.label)}</select></label>
<label>area<select name="area">${options([["", "any"], ...model.areas.map((a) => [a, a] as [string, string])], f.area)}</select></label>
<label>when<select name="since">${options(SINCE_CHOICES, f.since)}</select></label>
<label>from<input type="datetime-local" name="from" value="${escapeHtml(f.from ?? "")}"></label>
<label>to<input type="datetime-local" name="to" value="${escapeHtml(f.to ?? "")}"></label>
<button type="submit">Search</button></form>
${model.notice ? `<p class="notice" id="notice">${escapeHtml(model.notice)}</p>` : ""}
${events}
</body></html>`;
}
