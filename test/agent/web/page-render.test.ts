/** The page's HTML: every value from the config, the database or the request is escaped. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { MemoryEvent } from "../../../agent/memory/store.ts";
import { escapeHtml, renderPage, type PageModel } from "../../../agent/web/page.ts";

const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;

function event(fields: Partial<MemoryEvent>): MemoryEvent {
  return {
    id: "1.000-cam-1", camera: "cam", label: "person", area: "Hall", areas: ["Hall"], zones: [], start_ms: Date.parse("2026-12-03T10:00:00Z"), end_ms: Date.parse("2026-12-03T10:00:42Z"),
    source_start_ms: 0, source_end_ms: 42_000, top_score: 0.87, box: [1, 2, 3, 4], stationary: false, snapshot_path: "/s/1.jpg", thumbnail_path: "/s/1-thumb.jpg", snapshot_bytes: 10, ...fields,
  };
}

test("hostile names, labels, zones, transcripts and filter values come out as text", () => {
  const model: PageModel = {
    title: hostile,
    events: [event({ id: hostile, area: hostile, areas: [hostile], zones: [hostile], label: hostile, camera: hostile })],
    filter: { q: hostile, label: hostile, area: hostile, since: hostile, from: hostile, to: hostile },
    labels: [hostile], areas: [hostile],
    cameras: [{ name: hostile, area: hostile, hasSnapshot: true }],
    occupancy: [[hostile, 2]],
    recent: [{ text: hostile, response: hostile, t: hostile }],
    notice: hostile,
    memoryOff: false,
    timeZone: "UTC",
  };
  const html = renderPage(model, hostile);
  assert.ok(!html.includes("<script>alert"), "no script element from data");
  assert.ok(!/<img src=x/.test(html), "no element from data");
  assert.equal((html.match(/<img /g) ?? []).length, 2, "only the page's own pictures: the camera's snapshot and the event's thumbnail");
  assert.ok(!html.includes(`"><script`), "no attribute broken out of");
  assert.ok(html.includes(escapeHtml(hostile)));
  // Links carry the event id and camera name URL-encoded, and the token.
  assert.ok(html.includes(`/events/${escapeHtml(encodeURIComponent(hostile))}/thumbnail.jpg?token=${escapeHtml(encodeURIComponent(hostile))}`));
  assert.ok(html.includes("42 s") && html.includes("87%"));
});

test("without the memory the page says so; an empty result says so", () => {
  const base: PageModel = { title: "t", events: [], filter: {}, labels: [], areas: [], cameras: [], occupancy: [], recent: [], memoryOff: true };
  assert.match(renderPage(base), /The visual memory is off \(memory\.enabled in the config\)/);
  assert.match(renderPage({ ...base, memoryOff: false }), /id="no-events">No events match\./);
});
