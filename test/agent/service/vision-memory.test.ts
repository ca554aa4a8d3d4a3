/**
 * The agent with a camera and the visual memory on, end to end: a clip made
 * with ffmpeg from the COCO pictures in ../shared (a cat, zebras (none of the
 * camera's labels), a dog: still images looped), run through ffmpeg, YOLOX and the tracker by
 * the vision extension, into a real SQLite file, with a private mosquitto:
 * Frigate-shaped new/update/end messages on hearth/<id>/events, the search
 * API's request/response topics, the HA image entity's snapshot, and typed
 * questions on hearth/<id>/text answered from what was seen.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import mqtt from "mqtt";
import { parseConfig } from "../../../agent/config/load.ts";
import type { FrigateEventMessage } from "../../../agent/memory/recorder.ts";
import { MemoryStore } from "../../../agent/memory/store.ts";
import { Agent } from "../../../agent/service/agent.ts";
import { VisionExtension } from "../../../agent/service/vision-extension.ts";
import { Mosquitto, mosquittoAvailable } from "../../helpers/mosquitto.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";
import { stillClip } from "../../helpers/still-clip.ts";
import { spawnSync } from "node:child_process";

const skip = sharedDataMissing() ?? (!mosquittoAvailable() ? "mosquitto not installed" : spawnSync("ffmpeg", ["-version"]).error ? "ffmpeg not installed" : false);

test("a clip of a cat then a dog: Frigate-style events, the search API, the snapshot entity, and questions over MQTT", { skip, timeout: 180_000 }, async () => {
  process.env.HEARTH_MODEL_DIR = sharedData("..", "models");
  // 0–3 s the cat, 3–6 s zebras (none of the camera's labels), 6–9 s the dog and a bicycle, 9–11 s zebras.
  const clip = stillClip([["coco_000000475732.jpg", 3], ["coco_000000215245.jpg", 3], ["darknet_dog.jpg", 3], ["coco_000000215245.jpg", 2]]);
  const dir = mkdtempSync(join(tmpdir(), "hearth-vision-memory-"));
  const broker = await Mosquitto.start();
  const config = parseConfig({
    agent: { id: "mem" },
    areas: [{ name: "Attic" }],
    mqtt: { port: broker.port },
    memory: { enabled: true, path: join(dir, "memory.db"), flush_ms: 50 },
    // YOLOX-Nano also takes the dog for a cat at 0.38–0.42 in this clip: the per-label score filter keeps that out.
    cameras: [{ name: "hall", file: clip, area: "Hallway", fps: 5, motion: { enabled: false }, labels: { cat: { min_score: 0.5 }, dog: {}, person: { min_score: 0.5 } } }],
  });
  const observer = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
  const seen: { topic: string; payload: Buffer; retain: boolean }[] = [];
  observer.on("message", (topic, payload, packet) => seen.push({ topic, payload, retain: packet.retain }));
  await observer.subscribeAsync(["hearth/mem/#", "homeassistant/device/mem/config"], { qos: 1, rap: true });
  const agent = new Agent(config, { announce: true, textTopic: true });
  const vision = new VisionExtension(agent, config.cameras, { realtime: false });
  const waitFor = async <T>(find: () => T | undefined, what: string, ms = 10_000): Promise<T> => {
    const until = Date.now() + ms;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const ask = async (text: string): Promise<string> => {
    const mark = seen.length;
    await observer.publishAsync("hearth/mem/text", text, { qos: 1 });
    const reply = await waitFor(() => seen.slice(mark).find((m) => m.topic === "hearth/mem/events" && JSON.parse(m.payload.toString()).text === text), `the answer to "${text}"`);
    return JSON.parse(reply.payload.toString()).response as string;
  };
  try {
    await vision.prepare();
    await agent.start();
    await agent.settle();
    await vision.start();
    await vision.finished();

    const tracks = seen.filter((m) => m.topic === "hearth/mem/events").map((m) => JSON.parse(m.payload.toString())).filter((m): m is FrigateEventMessage => "before" in m);
    const labels = [...new Set(tracks.map((m) => m.after.label))].sort();
    assert.deepEqual(labels, ["cat", "dog"], "the bicycle is not a label of this camera");
    for (const label of labels) {
      const mine = tracks.filter((m) => m.after.label === label);
      assert.equal(mine[0]!.type, "new");
      assert.equal(mine.at(-1)!.type, "end");
      assert.equal(new Set(mine.map((m) => m.after.id)).size, 1, `${label}: one tracked object`);
      assert.equal(mine.at(-1)!.after.end_time !== null && mine[0]!.after.end_time === null, true);
      assert.deepEqual(mine[0]!.after.current_areas, ["Hallway"]);
    }
    const cat = tracks.find((m) => m.after.label === "cat" && m.type === "end")!.after;
    const dog = tracks.find((m) => m.after.label === "dog" && m.type === "end")!.after;
    // Media time: the cat from 0 s to about 3 s, the dog from about 6 s to 9 s.
    assert.ok(dog.start_time - cat.start_time > 5.5 && dog.start_time - cat.start_time < 6.8, `${cat.start_time} → ${dog.start_time}`);
    assert.ok(cat.end_time! - cat.start_time > 2.2 && cat.end_time! - cat.start_time < 3.2, `cat for ${cat.end_time! - cat.start_time} s`);
    assert.ok(tracks.every((m) => Object.keys(m).sort().join() === "after,before,type"), "Frigate's three fields");

    // The database file: two events with pictures on disk.
    const store = new MemoryStore(join(dir, "memory.db"), { readonly: true });
    const stored = store.search();
    store.close();
    assert.deepEqual(stored.map((e) => e.label), ["dog", "cat"]);
    assert.ok(stored.every((e) => e.area === "Hallway" && e.snapshot_path && existsSync(e.snapshot_path) && existsSync(e.thumbnail_path!)), JSON.stringify(stored));

    // The HA image entity: announced, and the latest snapshot retained on its topic.
    const announced = JSON.parse(seen.filter((m) => m.topic === "homeassistant/device/mem/config").at(-1)!.payload.toString());
    assert.deepEqual({ platform: announced.components.snapshot_hall.platform, image_topic: announced.components.snapshot_hall.image_topic }, { platform: "image", image_topic: "hearth/mem/camera/hall/snapshot" });
    const snapshot = seen.filter((m) => m.topic === "hearth/mem/camera/hall/snapshot").at(-1)!;
    assert.ok(snapshot.retain && snapshot.payload[0] === 0xff && snapshot.payload[1] === 0xd8);

    // The search API.
    let mark = seen.length;
    await observer.publishAsync("hearth/mem/events/search", JSON.stringify({ request_id: "r1", label: "cat", since: "1h" }), { qos: 1 });
    const result = await waitFor(() => seen.slice(mark).find((m) => m.topic === "hearth/mem/events/search/result"), "the search result");
    const body = JSON.parse(result.payload.toString());
    assert.equal(body.request_id, "r1");
    assert.deepEqual(body.events.map((e: { id: string }) => e.id), [cat.id]);
    mark = seen.length;
    await observer.publishAsync("hearth/mem/events/search", JSON.stringify({ request_id: "r2", since: "yesterday" }), { qos: 1 });
    const refused = await waitFor(() => seen.slice(mark).find((m) => m.topic === "hearth/mem/events/search/result"), "the refusal");
    assert.deepEqual(JSON.parse(refused.payload.toString()), { request_id: "r2", error: 'hearth/mem/events/search: since: "yesterday" is not a duration like 90s, 30m, 24h or 7d' });
    mark = seen.length;
    await observer.publishAsync("hearth/mem/events/search", "{not json", { qos: 1 });
    const broken = JSON.parse((await waitFor(() => seen.slice(mark).find((m) => m.topic === "hearth/mem/events/search/result"), "the refusal")).payload.toString());
    assert.equal(broken.request_id, null);
    assert.match(broken.error, /^hearth\/mem\/events\/search: /);

    // Questions, typed on the text topic, answered from what the camera saw.
    assert.equal(await ask("where is the cat"), "I last saw the cat in the hallway just now.");
    assert.equal(await ask("when did you last see the dog"), `I last saw the dog in the hallway at ${clock(dog.end_time! * 1000)}, just now.`);
    assert.equal(await ask("was there a cat in the hallway today"), `Yes, a cat was in the hallway today, at ${clock(cat.start_time * 1000)}, just now.`);
    assert.equal(await ask("is anyone in the hallway"), "No, I don't see anyone in the hallway right now.");
    assert.equal(await ask("is anyone in the attic"), "No camera covers the attic.");
  } finally {
    await vision.stop();
    await agent.stop();
    await observer.endAsync();
    await broker.stop();
  }
});

/** "2:15 pm" in the process's zone, as the answers say it. */
function clock(tMs: number): string {
  const d = new Date(tMs);
  const h = d.getHours();
  return `${h % 12 === 0 ? 12 : h % 12}:${String(d.getMinutes()).padStart(2, "0")} ${h < 12 ? "am" : "pm"}`;
}
