/**
 * The issue's measure on the real recording: after the agent ran the
 * one-by-one video (six people, one after the other) with the memory on,
 * `hearth events search --label person --json` lists exactly the six visits,
 * each starting and ending within 1.5 s of the hand labels in
 * test/fixtures/one-by-one-visits.json, and "was anyone in the room" / "when
 * did someone last leave" are answered from them.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseConfig } from "../../../agent/config/load.ts";
import type { MemoryEvent } from "../../../agent/memory/store.ts";
import { Agent } from "../../../agent/service/agent.ts";
import { VisionExtension } from "../../../agent/service/vision-extension.ts";
import { runHearth } from "../../helpers/hearth-cli.ts";
import { sharedData } from "../../helpers/shared-data.ts";
import { TOLERANCE_S, visitLabels, visitVideo } from "../../helpers/visits.ts";

test("the six visits of the real recording become six person events; questions are answered from them", { timeout: 300_000 }, async (t) => {
  if (!existsSync(visitVideo)) return t.skip("../shared absent: no recording");
  process.env.HEARTH_MODEL_DIR = sharedData("..", "models");
  const dir = mkdtempSync(join(tmpdir(), "hearth-visits-"));
  const db = join(dir, "memory.db");
  const config = parseConfig({
    agent: { id: "visits" },
    memory: { enabled: true, path: db, flush_ms: 200 },
    cameras: [{ name: "studio", file: visitVideo, area: "Studio", fps: 5 }],
  });
  const agent = new Agent(config, { offline: true });
  const vision = new VisionExtension(agent, config.cameras, { realtime: false });
  await vision.prepare();
  await vision.start();
  await vision.finished();
  try {
    const cli = await runHearth(["events", "search", "--label", "person", "--json", "--db", db]);
    assert.equal(cli.code, 0, cli.stderr);
    const events = (JSON.parse(cli.stdout) as MemoryEvent[]).reverse();
    const report = events.map((e) => `${e.source_start_ms / 1000}–${e.source_end_ms! / 1000}`).join(", ");
    t.diagnostic(`visits (media s): ${report}`);
    assert.equal(events.length, visitLabels.visits.length, report);
    visitLabels.visits.forEach((visit, i) => {
      const e = events[i]!;
      assert.ok(Math.abs(e.source_start_ms / 1000 - visit.enter_s) <= TOLERANCE_S, `visit ${i + 1} starts at ${e.source_start_ms / 1000} s, labelled ${visit.enter_s} s`);
      assert.ok(Math.abs(e.source_end_ms! / 1000 - visit.leave_s) <= TOLERANCE_S, `visit ${i + 1} ends at ${e.source_end_ms! / 1000} s, labelled ${visit.leave_s} s`);
      assert.ok(e.snapshot_path && existsSync(e.snapshot_path), `visit ${i + 1} has its snapshot`);
    });
    // Free text: the same visits, read from "people in the studio today" with the config's cameras.
    const configFile = join(dir, "hearth.yaml");
    writeFileSync(configFile, JSON.stringify({ memory: { enabled: true, path: db }, cameras: [{ name: "studio", file: visitVideo, area: "Studio" }] }));
    const text = await runHearth(["events", "search", "--config", configFile, "--text", "people in the studio today", "--json"]);
    assert.equal(text.code, 0, text.stderr);
    assert.deepEqual((JSON.parse(text.stdout) as MemoryEvent[]).map((e) => e.id), events.map((e) => e.id).reverse());
    const nonsense = await runHearth(["events", "search", "--config", configFile, "--text", "purple elephants"]);
    assert.notEqual(nonsense.code, 0);
    assert.match(nonsense.stderr, /--text: "purple elephants": not understood/);
    const ask = async (text: string) => (await agent.submit(text, { kind: "cli", area: "Studio" })).response;
    assert.match(await ask("was anyone in the room"), /^Yes, six times; the last one at \d{1,2}:\d\d [ap]m, just now\.$/);
    assert.match(await ask("when did someone last leave"), /^Someone last left the studio at \d{1,2}:\d\d [ap]m, just now\.$/);
    assert.equal(await ask("is anyone in the studio"), "No, I don't see anyone in the studio right now. I last saw someone there just now.");
  } finally {
    await vision.stop();
    await agent.stop();
  }
});
