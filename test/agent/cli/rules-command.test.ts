import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

test("hearth rules replay: scene events in, rule firings out (examples/rules.yaml)", () => {
  const t0 = Date.parse("2026-06-21T19:00:00Z"); // 21:00 in Amsterdam
  const lines = [
    { type: "occupancy", area: "Kitchen", label: "person", occupied: true, count: 1, t_ms: t0 },
    { type: "occupancy", area: "Living Room", label: "person", occupied: true, count: 2, t_ms: t0 + 60_000 },
    "this is not JSON",
    { type: "rule_firing", rule: "someone_else", t_ms: t0 },
    { type: "occupancy", area: "Living Room", label: "person", occupied: true, count: "three", t_ms: t0 + 90_000 },
    { type: "occupancy", area: "Living Room", label: "person", occupied: true, count: 3, t_ms: t0 + 120_000 },
    { type: "occupancy", area: "Kitchen", label: "person", occupied: false, count: 0, t_ms: t0 + 180_000 },
  ].map((l) => (typeof l === "string" ? l : JSON.stringify(l)));
  const events = join(mkdtempSync(join(tmpdir(), "hearth-replay-")), "events.jsonl");
  writeFileSync(events, lines.join("\n") + "\n");
  const run = spawnSync(process.execPath, ["--import", "tsx", "agent/cli/main.ts", "rules", "replay", "--config", "examples/rules.yaml", "--events", events, "--end", "15 minutes"], { cwd: repo, encoding: "utf8", env: { ...process.env, HEARTH_LOG_LEVEL: "warn" } });
  // Bad lines are skipped and reported; the exit code says the input was not all events.
  assert.equal(run.status, 1, run.stderr);
  const firings = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; rule: string; t_ms: number; reason: string; actions: unknown[] });
  assert.deepEqual(firings.map((f) => [f.type, f.rule, f.t_ms]), [
    ["rule_firing", "living_room_party_scene", t0 + 120_000],
    ["rule_firing", "kitchen_empty_all_off", t0 + 180_000 + 600_000],
  ]);
  assert.equal(firings[0]!.reason, "3 person in Living Room (at least 3); local time 21:02 in 19:00–02:00");
  assert.deepEqual(firings[1]!.actions, [{ kind: "intent", intent: "HassTurnOff", slots: { area: "Kitchen" } }]);
  assert.match(run.stderr, new RegExp(`${events.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3: not JSON`));
  assert.match(run.stderr, /:5: count: Invalid input: expected number, received string/);
});

test("hearth rules replay: an invalid rules config exits 2 with paths", () => {
  const file = join(mkdtempSync(join(tmpdir(), "hearth-replay-")), "bad.yaml");
  writeFileSync(file, "rules:\n  - id: x\n    trigger: { vacated: Kitchen, for: soon }\n    actions: [{ intent: HassTurnOff }]\n");
  const run = spawnSync(process.execPath, ["--import", "tsx", "agent/cli/main.ts", "rules", "replay", "--config", file, "--events", file], { cwd: repo, encoding: "utf8" });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /rules\.0\.trigger\.for: not a duration: "soon"/);
});
