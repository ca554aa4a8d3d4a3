/** The visual memory's SQLite store, on real database files. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { MemoryOpenError, MemoryStore, SCHEMA_VERSION, type MemoryEvent } from "../../../agent/memory/store.ts";

const folder = () => mkdtempSync(join(tmpdir(), "hearth-memory-"));

function event(id: string, fields: Partial<MemoryEvent>): MemoryEvent {
  return {
    id, camera: "living", label: "person", area: "Living Room", areas: ["Living Room"], zones: [], start_ms: 0, end_ms: null,
    source_start_ms: 0, source_end_ms: null, top_score: 0.9, box: [1, 2, 3, 4], stationary: false,
    snapshot_path: null, thumbnail_path: null, snapshot_bytes: 0, ...fields,
  };
}

test("events are stored, updated and found by label, area, zone and time, newest first; they survive a reopen", () => {
  const path = join(folder(), "memory.db");
  const store = new MemoryStore(path);
  store.write([
    event("a", { start_ms: 1_000, end_ms: 5_000 }),
    event("b", { label: "cat", area: "Kitchen", areas: ["Kitchen", "Hall"], zones: ["counter"], start_ms: 10_000 }),
    event("c", { start_ms: 20_000, end_ms: 30_000, snapshot_path: "/s/c.jpg", snapshot_bytes: 500 }),
  ]);
  store.write([event("b", { label: "cat", area: "Kitchen", areas: ["Kitchen"], zones: ["counter"], start_ms: 10_000, end_ms: 15_000, top_score: 0.95 })]);
  assert.deepEqual(store.search({ label: "person" }).map((e) => e.id), ["c", "a"]);
  assert.deepEqual(store.search({ label: "CAT" }).map((e) => e.id), ["b"], "labels compare case-insensitively");
  assert.deepEqual(store.search({ area: "hall" }).map((e) => e.id), ["b"], "any area the object passed through");
  assert.deepEqual(store.search({ zone: "counter" }).map((e) => e.id), ["b"]);
  assert.deepEqual(store.search({ from_ms: 6_000, to_ms: 16_000 }).map((e) => e.id), ["b"], "events overlapping the window");
  const b = store.get("b")!;
  assert.equal(b.end_ms, 15_000);
  assert.equal(b.top_score, 0.95);
  assert.deepEqual(store.stats(), { events: 3, snapshot_bytes: 500 });
  store.close();
  const again = new MemoryStore(path);
  assert.deepEqual(again.search().map((e) => e.id), ["c", "b", "a"]);
  assert.deepEqual(again.deleteEndedBefore(10_000).map((e) => e.id), ["a"]);
  assert.deepEqual(again.search().map((e) => e.id), ["c", "b"]);
  again.close();
  assert.equal(new Database(path, { readonly: true }).pragma("user_version", { simple: true }), SCHEMA_VERSION);
});

test("a file that is not a database fails start-up naming it, or is moved aside when configured", () => {
  const dir = folder();
  const path = join(dir, "memory.db");
  writeFileSync(path, "this is not SQLite ".repeat(400));
  assert.throws(() => new MemoryStore(path), (err: unknown) => err instanceof MemoryOpenError && err.message.includes(path) && /not a database or damaged/.test(err.message));
  const store = new MemoryStore(path, { onCorrupt: "move_aside" });
  store.write([event("x", {})]);
  assert.equal(store.search().length, 1);
  store.close();
  assert.ok(readdirSync(dir).some((f) => f.startsWith("memory.db.corrupt-")), readdirSync(dir).join(", "));
});

test("a database with a newer schema, or held by another writer, is refused naming the path", () => {
  const path = join(folder(), "memory.db");
  const newer = new Database(path);
  newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  newer.close();
  assert.throws(() => new MemoryStore(path), new RegExp(`memory database ${path}: schema version ${SCHEMA_VERSION + 1} is newer`));

  const lockedPath = join(folder(), "memory.db");
  new MemoryStore(lockedPath).close();
  const holder = new Database(lockedPath);
  holder.exec("BEGIN EXCLUSIVE");
  try {
    assert.throws(() => new MemoryStore(lockedPath, { busyTimeoutMs: 100 }), new RegExp(`memory database ${lockedPath}: locked by another process`));
  } finally {
    holder.exec("ROLLBACK");
    holder.close();
  }
  assert.ok(existsSync(lockedPath));
});
