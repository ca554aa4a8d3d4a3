/** Times and durations as answers say them. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { clockTime, spokenAgo, spokenDuration, spokenWhen } from "../../../agent/intent/spoken-time.ts";

const now = Date.parse("2026-12-03T14:30:00Z"); // a Thursday

test("clock times in the home's zone, with the day when it is not today", () => {
  assert.equal(clockTime(Date.parse("2026-12-03T14:15:00Z"), "UTC"), "2:15 pm");
  assert.equal(clockTime(Date.parse("2026-12-03T00:05:00Z"), "UTC"), "12:05 am");
  assert.equal(clockTime(Date.parse("2026-12-03T12:00:00Z"), "UTC"), "12:00 pm");
  assert.equal(clockTime(Date.parse("2026-12-03T14:15:00Z"), "America/New_York"), "9:15 am");
  assert.equal(spokenWhen(Date.parse("2026-12-03T09:05:00Z"), now, "UTC"), "at 9:05 am");
  assert.equal(spokenWhen(Date.parse("2026-12-02T21:40:00Z"), now, "UTC"), "yesterday at 9:40 pm");
  assert.equal(spokenWhen(Date.parse("2026-11-30T07:00:00Z"), now, "UTC"), "on Monday at 7:00 am");
  assert.equal(spokenWhen(Date.parse("2026-11-20T08:00:00Z"), now, "UTC"), "on November 20 at 8:00 am");
  // 23:30 UTC on the 2nd is already the 3rd in Tokyo.
  assert.equal(spokenWhen(Date.parse("2026-12-02T23:30:00Z"), now, "Asia/Tokyo"), "at 8:30 am");
});

test("how long ago and for how long", () => {
  const ago = (s: number) => spokenAgo(now - s * 1000, now);
  assert.deepEqual([ago(5), ago(60), ago(240), ago(49 * 60), ago(65 * 60), ago(95 * 60), ago(3 * 3600), ago(50 * 3600)], [
    "just now", "a minute ago", "4 minutes ago", "49 minutes ago", "about an hour ago", "about an hour and a half ago", "about 3 hours ago", "2 days ago",
  ]);
  const d = (s: number) => spokenDuration(s * 1000);
  assert.deepEqual([d(4), d(40), d(70), d(25 * 60), d(62 * 60), d(80 * 60), d(5 * 3600)], [
    "a few seconds", "40 seconds", "about a minute", "25 minutes", "about an hour", "about an hour and 20 minutes", "about 5 hours",
  ]);
});
