/**
 * Every discovery message Zigbee2MQTT 2.14.1 publishes for its 4,478 device
 * definitions (../shared/data/z2m-discovery, F01): read as Home Assistant
 * reads them, almost all become entities. HA's `cv.string` coerces the device
 * block's numbers (`"hw_version": 1`), which hearth rejected for every device.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { buildEntity } from "../../../devices/discovery/entity-builder.ts";
import { readDiscoveryMessage, type ComponentConfig } from "../../../devices/discovery/message.ts";

const corpus = fileURLToPath(new URL("../../../../shared/data/z2m-discovery/corpus.jsonl.gz", import.meta.url));

test("the Zigbee2MQTT corpus: ≥ 32,500 entities, none rejected for a device field HA coerces", { skip: !existsSync(corpus) && "../shared/data/z2m-discovery is absent: SKIPPING the Zigbee2MQTT corpus test" }, (t) => {
  const lines = gunzipSync(readFileSync(corpus)).toString("utf8").split("\n").filter(Boolean);
  const taken = new Set<string>();
  const reasons = new Map<string, number>();
  let entities = 0;
  for (const line of lines) {
    const { topic, payload } = JSON.parse(line) as { topic: string; payload: string };
    const message = readDiscoveryMessage(topic, Buffer.from(payload), "homeassistant", 1 << 20);
    if (message.kind === "invalid") {
      reasons.set(message.reason, (reasons.get(message.reason) ?? 0) + 1);
      continue;
    }
    if (message.kind !== "configs") continue;
    for (const discovered of message.configs) {
      if (!discovered.config) {
        const reason = (discovered.error ?? "").replace(/\d+/g, "N");
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        continue;
      }
      const { entity } = buildEntity(discovered as ComponentConfig & { config: Record<string, unknown> }, { taken: (id) => taken.has(id), overrides: {} });
      taken.add(entity.id);
      entities++;
    }
  }
  const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 10);
  t.diagnostic(`${lines.length} messages → ${entities} entities; rejections: ${JSON.stringify(top)}`);
  for (const [reason] of reasons) assert.doesNotMatch(reason, /device\.(hw_version|sw_version|model_id|serial_number|model|manufacturer|name)/, reason);
  assert.ok(entities >= 32_500, `${entities} entities`);
});
