/**
 * The timer manager on a real SQLite file: timers finish on time, pause and
 * resume keep their time left, adjustments move the due time, and a timer
 * that fell due while no manager ran finishes at the next start with how late
 * it is. The store refuses a file that is no timers database, naming it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { TimerManager, type FinishedTimer } from "../../../agent/timers/timer-manager.ts";
import { TimerStore } from "../../../agent/timers/timer-store.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const origin = { kind: "voice" as const, source: "kitchen-mic", area: "Kitchen" };

function finishedOnce(manager: TimerManager): Promise<FinishedTimer> {
  return new Promise((resolve) => manager.once("finished", resolve));
}

test("a timer finishes after its duration, is deleted from the store, and is announced once", async () => {
  const manager = new TimerManager(new TimerStore(":memory:"));
  manager.start();
  try {
    const set = Date.now();
    const finished = finishedOnce(manager);
    const timer = manager.add({ name: "pasta", durationMs: 300, origin });
    assert.equal(manager.list().length, 1);
    const done = await finished;
    const took = Date.now() - set;
    assert.equal(done.timer.id, timer.id);
    assert.equal(done.timer.name, "pasta");
    assert.equal(done.lateMs, 0);
    assert.ok(took >= 290 && took < 1500, `finished after ${took} ms`);
    assert.deepEqual(manager.list(), []);
  } finally {
    manager.stop();
  }
});

test("pause keeps the time left, resume continues from it; adjust moves the due time and can finish a timer", async () => {
  const manager = new TimerManager(new TimerStore(":memory:"));
  manager.start();
  let fired = 0;
  manager.on("finished", () => fired++);
  try {
    const timer = manager.add({ durationMs: 60_000, origin });
    await sleep(50);
    const paused = manager.pause(timer.id)!;
    assert.equal(paused.state, "paused");
    assert.equal(paused.dueAt, null);
    const left = manager.remainingMs(paused);
    assert.ok(left > 59_000 && left <= 60_000, `left ${left}`);
    await sleep(100);
    assert.equal(manager.remainingMs(manager.store.get(timer.id)!), left, "a paused timer does not count down");
    const resumed = manager.resume(timer.id)!;
    assert.equal(resumed.state, "running");
    assert.ok(Math.abs(resumed.dueAt! - (Date.now() + left)) < 50);

    const longer = manager.adjust(timer.id, 5 * 60_000)!;
    assert.equal(longer.durationMs, 6 * 60_000);
    assert.ok(manager.remainingMs(longer) > 5 * 60_000 + 59_000);
    const finished = finishedOnce(manager);
    manager.adjust(timer.id, -10 * 60_000);
    assert.equal((await finished).timer.id, timer.id, "taking off more than is left finishes it");
    assert.equal(fired, 1);
    assert.equal(manager.cancel(timer.id), false, "already gone");
    assert.equal(manager.pause("no-such-id"), undefined);
  } finally {
    manager.stop();
  }
});

test("timers survive a restart: a due one finishes at start with how late it is, a paused one stays paused, a future one is re-armed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-timers-"));
  const path = join(dir, "nested", "timers.db");
  const first = new TimerManager(new TimerStore(path));
  first.start();
  const due = first.add({ name: "tea", durationMs: 200, origin });
  const paused = first.pause(first.add({ name: "bread", durationMs: 120_000, origin }).id)!;
  const later = first.add({ durationMs: 3500, origin, command: "turn off the kitchen ceiling" });
  first.stop();
  first.store.close();

  await sleep(1500);
  const second = new TimerManager(new TimerStore(path));
  const finished: FinishedTimer[] = [];
  second.on("finished", (f) => finished.push(f));
  second.start();
  try {
    assert.deepEqual(finished.map((f) => f.timer.id), [due.id], "the tea timer fell due while nothing ran");
    assert.ok(finished[0]!.lateMs >= 1200 && finished[0]!.lateMs < 3000, `late ${finished[0]!.lateMs}`);
    assert.deepEqual(second.list().map((t) => [t.id, t.state]), [[paused.id, "paused"], [later.id, "running"]]);
    assert.equal(second.remainingMs(second.store.get(paused.id)!), paused.remainingMs);
    await new Promise<void>((resolve) => second.once("finished", () => resolve()));
    assert.equal(finished[1]!.timer.id, later.id);
    assert.equal(finished[1]!.lateMs, 0, "finished on time in the new process");
    assert.equal(finished[1]!.timer.command, "turn off the kitchen ceiling");
    assert.deepEqual(finished[1]!.timer.origin, origin);
  } finally {
    second.stop();
    second.store.close();
  }
});

test("the store refuses a file that is no SQLite database, or a newer schema, naming the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-timers-bad-"));
  const junk = join(dir, "junk.db");
  writeFileSync(junk, "this is not a database, just text that is long enough to have a header".repeat(20));
  assert.throws(() => new TimerStore(junk), (err: Error) => err.message.startsWith(`timers.path: ${junk}: `) && /not a database/i.test(err.message));
  const newer = join(dir, "newer.db");
  const db = new Database(newer);
  db.pragma("user_version = 9");
  db.close();
  assert.throws(() => new TimerStore(newer), new RegExp(`timers\\.path: ${newer.replace(/[.]/g, "\\.")}: schema version 9 is newer`));
});
