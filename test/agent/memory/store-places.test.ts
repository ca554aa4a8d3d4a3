/**
 * The store's place search (schema v2: per-place rows with the event's start):
 * a v1 database is migrated with its places, searches by area and zone walk
 * newest first and still find long events that began before the window, and
 * ongoing ones that began long before it.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { MemoryStore, SCHEMA_VERSION, type MemoryEvent } from "../../../agent/memory/store.ts";

function event(id: string, fields: Partial<MemoryEvent>): MemoryEvent {
  return {
    id, camera: "front", label: "car", area: "Front Yard", areas: ["Front Yard"], zones: ["driveway"], start_ms: 0, end_ms: null,
    source_start_ms: 0, source_end_ms: null, top_score: 0.9, box: [1, 2, 3, 4], stationary: true, snapshot_path: null, thumbnail_path: null, snapshot_bytes: 0, ...fields,
  };
}
const H = 3_600_000;

test("a version 1 database is migrated with its places; place searches by time find long and ongoing events", () => {
  const path = join(mkdtempSync(join(tmpdir(), "hearth-places-")), "memory.db");
  const store = new MemoryStore(path);
  store.write([
    event("parked", { start_ms: 0, end_ms: 50 * H }), // a car parked for two days
    event("short", { label: "person", zones: ["front door"], start_ms: 30 * H, end_ms: 30 * H + 60_000 }),
    event("still-there", { label: "truck", start_ms: 10 * H }), // ongoing since hour 10
    event("later", { label: "person", zones: ["driveway"], start_ms: 60 * H, end_ms: 61 * H }),
  ]);
  store.close();
  // Back to version 1: the per-place tables did not exist.
  const old = new Database(path);
  old.exec("DROP TABLE event_areas; DROP TABLE event_zones;");
  old.pragma("user_version = 1");
  old.close();

  assert.throws(() => new MemoryStore(path, { readonly: true }), new RegExp(`memory database ${path}: schema version 1, this hearth reads ${SCHEMA_VERSION}; start the service once to migrate it`));
  const migrated = new MemoryStore(path);
  assert.equal(new Database(path, { readonly: true }).pragma("user_version", { simple: true }), SCHEMA_VERSION);
  const ids = (f: Parameters<MemoryStore["search"]>[0]) => migrated.search(f).map((e) => e.id);
  assert.deepEqual(ids({ area: "front yard" }), ["later", "short", "still-there", "parked"]);
  assert.deepEqual(ids({ zone: "driveway" }), ["later", "still-there", "parked"]);
  assert.deepEqual(ids({ zone: "driveway", area: "Front Yard", label: "car" }), ["parked"]);
  // Hours 40–45: the parked car (started at 0) and the truck (ongoing since 10) overlap it.
  assert.deepEqual(ids({ area: "Front Yard", from_ms: 40 * H, to_ms: 45 * H }), ["still-there", "parked"]);
  assert.deepEqual(ids({ zone: "front door", from_ms: 29 * H, to_ms: 31 * H }), ["short"]);
  assert.deepEqual(ids({ from_ms: 55 * H }), ["later", "still-there"]);
  // New writes go into the place tables too.
  migrated.write([event("new", { label: "cat", area: "Garden", areas: ["Garden"], zones: [], start_ms: 70 * H, end_ms: 71 * H })]);
  assert.deepEqual(ids({ area: "garden", from_ms: 69 * H }), ["new"]);
  migrated.close();
});
