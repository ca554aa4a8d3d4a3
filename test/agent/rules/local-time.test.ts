import assert from "node:assert/strict";
import { test } from "node:test";
import { formatTimeOfDay, inTimeWindow, secondsOfDay } from "../../../agent/rules/local-time.ts";

const hm = (h: number, m: number) => h * 3600 + m * 60;

test("local time of day follows the zone and its daylight-saving offset", () => {
  // Amsterdam is UTC+2 in summer (CEST) and UTC+1 in winter (CET).
  assert.equal(secondsOfDay(Date.parse("2026-06-21T20:30:00Z"), "Europe/Amsterdam"), hm(22, 30));
  assert.equal(secondsOfDay(Date.parse("2026-01-15T20:30:00Z"), "Europe/Amsterdam"), hm(21, 30));
  assert.equal(secondsOfDay(Date.parse("2026-01-15T23:59:59Z"), "UTC"), 86_399);
  assert.equal(secondsOfDay(Date.parse("2026-01-15T05:00:00Z"), "America/New_York"), 0);
});

test("a window across midnight holds late evening and early morning only", () => {
  const after = hm(22, 0), before = hm(6, 0);
  assert.equal(inTimeWindow(hm(21, 59), after, before), false);
  assert.equal(inTimeWindow(hm(22, 0), after, before), true, "after is inclusive");
  assert.equal(inTimeWindow(hm(23, 59), after, before), true);
  assert.equal(inTimeWindow(0, after, before), true);
  assert.equal(inTimeWindow(hm(5, 59), after, before), true);
  assert.equal(inTimeWindow(hm(6, 0), after, before), false, "before is exclusive");
  assert.equal(inTimeWindow(hm(12, 0), after, before), false);
});

test("a daytime window and half-open windows", () => {
  assert.equal(inTimeWindow(hm(12, 0), hm(8, 0), hm(18, 0)), true);
  assert.equal(inTimeWindow(hm(7, 59), hm(8, 0), hm(18, 0)), false);
  assert.equal(inTimeWindow(hm(18, 0), hm(8, 0), hm(18, 0)), false);
  assert.equal(inTimeWindow(hm(23, 0), hm(20, 0), undefined), true, "after only: until midnight");
  assert.equal(inTimeWindow(hm(1, 0), hm(20, 0), undefined), false);
  assert.equal(inTimeWindow(hm(1, 0), undefined, hm(6, 0)), true, "before only: from midnight");
  assert.equal(inTimeWindow(hm(7, 0), undefined, hm(6, 0)), false);
});

test("times of day format as HH:MM[:SS]", () => {
  assert.equal(formatTimeOfDay(hm(6, 5)), "06:05");
  assert.equal(formatTimeOfDay(hm(23, 59) + 7), "23:59:07");
});
