import assert from "node:assert/strict";
import { test } from "node:test";
import { getTimes } from "suncalc";
import { isSunBelowHorizon } from "../../../agent/rules/sun.ts";

// Expected values, independent of SunCalc: the Dutch Aeronautical Information
// Publication, GEN 2.7 "Sunrise/Sunset" (LVNL eAIP, table for 2019), gives the
// uniform daylight period at 52°00'N 005°00'E in UTC as 15 minutes before
// sunrise until 15 minutes after sunset. For 21 June: 03:05–20:19 UTC, so
// sunrise 03:20 and sunset 20:04 UTC; for 1 January: 07:33–15:54 UTC, so
// sunrise 07:48 and sunset 15:39 UTC. Sunrise and sunset on a calendar date
// move by well under a minute from year to year, so they hold for 2026 within
// the table's one-minute rounding; the checks allow ±2 minutes.
const place = { latitude: 52, longitude: 5 };
const minute = 60_000;

test("SunCalc's sunset and sunrise match the AIP table for 2026-06-21 and 2026-01-01", () => {
  const june = getTimes(new Date("2026-06-21T12:00:00Z"), place.latitude, place.longitude);
  assert.ok(Math.abs(june.sunset!.getTime() - Date.parse("2026-06-21T20:04:00Z")) <= 2 * minute, june.sunset!.toISOString());
  assert.ok(Math.abs(june.sunrise!.getTime() - Date.parse("2026-06-21T03:20:00Z")) <= 2 * minute, june.sunrise!.toISOString());
  const january = getTimes(new Date("2026-01-01T12:00:00Z"), place.latitude, place.longitude);
  assert.ok(Math.abs(january.sunset!.getTime() - Date.parse("2026-01-01T15:39:00Z")) <= 2 * minute, january.sunset!.toISOString());
  assert.ok(Math.abs(january.sunrise!.getTime() - Date.parse("2026-01-01T07:48:00Z")) <= 2 * minute, january.sunrise!.toISOString());
});

test("below the horizon after sunset and before sunrise, across midnight", () => {
  const below = (iso: string, offset = 0) => isSunBelowHorizon(Date.parse(iso), place, offset);
  assert.equal(below("2026-06-21T12:00:00Z"), false, "noon");
  assert.equal(below("2026-06-21T20:01:00Z"), false, "3 min before sunset");
  assert.equal(below("2026-06-21T20:07:00Z"), true, "3 min after sunset");
  assert.equal(below("2026-06-21T23:59:00Z"), true, "before UTC midnight");
  assert.equal(below("2026-06-22T00:01:00Z"), true, "after UTC midnight");
  assert.equal(below("2026-06-22T03:17:00Z"), true, "3 min before sunrise");
  assert.equal(below("2026-06-22T03:23:00Z"), false, "3 min after sunrise");
  assert.equal(below("2026-01-01T15:36:00Z"), false);
  assert.equal(below("2026-01-01T15:42:00Z"), true);
});

test("an offset moves sunset and sunrise", () => {
  const below = (iso: string, offset: number) => isSunBelowHorizon(Date.parse(iso), place, offset);
  // -30 min: dark from 19:34 until 02:50 UTC.
  assert.equal(below("2026-06-21T19:30:00Z", -30 * minute), false);
  assert.equal(below("2026-06-21T19:38:00Z", -30 * minute), true);
  assert.equal(below("2026-06-22T02:46:00Z", -30 * minute), true);
  assert.equal(below("2026-06-22T02:54:00Z", -30 * minute), false);
  // +30 min: dark from 20:34.
  assert.equal(below("2026-06-21T20:30:00Z", 30 * minute), false);
  assert.equal(below("2026-06-21T20:38:00Z", 30 * minute), true);
});

test("polar day and polar night", () => {
  const longyearbyen = { latitude: 78.22, longitude: 15.65 };
  assert.equal(isSunBelowHorizon(Date.parse("2026-06-21T23:00:00Z"), longyearbyen), false, "midnight sun");
  assert.equal(isSunBelowHorizon(Date.parse("2026-12-21T11:00:00Z"), longyearbyen), true, "polar night at noon");
});
